"""The door: scan a ticket (USB scanner or typed), or find a person and check them in."""
from flask import Blueprint, abort, render_template, request, session
from flask_login import current_user

from camp.checkin import devices, forms, services
from camp.checkin.labels import EXIT_TEXT, OVERRIDE_TEXT, RESULT_TEXT, RESULT_TONE
from camp.checkin.models import Direction
from camp.errors import DomainError
from camp.extensions import db, limiter
from camp.registrations.models import Registration
from camp.web import get_in_camp, load_camp, show_domain_error

bp = Blueprint("checkin", __name__)
DEVICE_KEY = "device_token"

# Generous for a busy door, but stops anyone from guessing tickets.
SCAN_LIMIT = "240 per minute"


def _page(camp, form=None, scan=None, status=200, device=None):
    query = request.args.get("q", "")
    people = services.search(camp, query)
    return render_template(
        "checkin/scanner.html", camp=camp, form=form or forms.ScanForm(formdata=None),
        scan=scan, query=query, people=people,
        inside=services.inside_ids(camp.id, [p.id for p in people]),
        person_form=forms.PersonCheckinForm(formdata=None),
        counts=services.counts(camp.id), texts=RESULT_TEXT, tones=RESULT_TONE,
        exit_text=EXIT_TEXT, override_text=OVERRIDE_TEXT, device=device,
        js_texts=js_texts()), status


def js_texts() -> dict:
    """What scanner.js says, in the reader's language."""
    from flask_babel import gettext as _
    texts = {result.value: str(text) for result, text in RESULT_TEXT.items()}
    texts.update(online=_("Online"), offline=_("Offline: scans are kept on this device"),
                 pending=_("%(n)s scans waiting to be sent"),
                 offline_note=_("Checked on this device without network; sent when the "
                                "network returns."),
                 diet=_("Dietary needs"), accessibility=_("Accessibility needs"))
    return texts


def _door(slug):
    """The camp, and the paired device when this browser is one; else staff must sign in."""
    from camp.camps.services import camp_by_slug
    camp = camp_by_slug(slug)
    device = devices.device_for_token(session.get(DEVICE_KEY))
    if camp is not None and device is not None and device.camp_id == camp.id:
        devices.touch(device)
        db.session.commit()
        return camp, device
    return load_camp(slug, "camp.checkin"), None


def _record(camp, device, ticket, direction, nonce, override_reason=""):
    actor = current_user if current_user.is_authenticated else None
    scan = services.scan(camp, ticket, Direction(direction), nonce, actor=actor, device=device,
                         override_reason=override_reason)
    db.session.commit()
    return scan


@bp.get("/camps/checkin-sw.js")
def service_worker():
    """Served from /camps/ so its scope covers every camp's scanner page."""
    from flask import current_app, send_from_directory
    response = send_from_directory(current_app.static_folder, "js/checkin-sw.js",
                                   mimetype="text/javascript", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/camps/<slug>/checkin")
def scanner(slug):
    camp, device = _door(slug)
    return _page(camp, device=device)


@bp.post("/camps/<slug>/checkin")
@limiter.limit(SCAN_LIMIT)
def scan(slug):
    camp, device = _door(slug)
    form = forms.ScanForm()
    if not form.validate_on_submit():
        return _page(camp, form, device=device)
    try:
        result = _record(camp, device, form.ticket.data, form.direction.data, form.nonce.data,
                         form.override_reason.data or "")
    except DomainError as exc:
        show_domain_error(form, exc)
        return _page(camp, form, device=device)
    return _page(camp, scan=result, device=device)


@bp.post("/camps/<slug>/checkin/people/<int:reg_id>")
@limiter.limit(SCAN_LIMIT)
def check_in_person(slug, reg_id):
    camp, device = _door(slug)
    reg = get_in_camp(Registration, reg_id, camp)
    form = forms.PersonCheckinForm()
    # The nonce and direction must come from the page; defaults only serve to render it.
    if not (request.form.get("nonce") and form.validate_on_submit()) \
            or form.direction.data not in ("in", "out"):
        abort(400)
    try:
        result = _record(camp, device, reg.ticket_secret, form.direction.data, form.nonce.data)
    except DomainError as exc:
        show_domain_error(None, exc)
        return _page(camp, device=device)
    return _page(camp, scan=result, device=device)


from camp.checkin import dashboard, device_views  # noqa: E402,F401  (more pages, same blueprint)
