"""The door: scan a ticket (USB scanner or typed), or find a person and check them in."""
from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from camp.checkin import forms, services
from camp.checkin.labels import EXIT_TEXT, OVERRIDE_TEXT, RESULT_TEXT, RESULT_TONE
from camp.checkin.models import Direction
from camp.errors import DomainError
from camp.extensions import db, limiter
from camp.registrations.models import Registration
from camp.web import load_camp, show_domain_error

bp = Blueprint("checkin", __name__)

# Generous for a busy door, but stops anyone from guessing tickets.
SCAN_LIMIT = "240 per minute"


def _page(camp, form=None, scan=None, status=200):
    query = request.args.get("q", "")
    people = services.search(camp, query)
    return render_template(
        "checkin/scanner.html", camp=camp, form=form or forms.ScanForm(formdata=None),
        scan=scan, query=query, people=people,
        inside=services.inside_ids(camp.id, [p.id for p in people]),
        person_form=forms.PersonCheckinForm(formdata=None),
        counts=services.counts(camp.id), texts=RESULT_TEXT, tones=RESULT_TONE,
        exit_text=EXIT_TEXT, override_text=OVERRIDE_TEXT), status


def _record(camp, ticket, direction, nonce, override_reason=""):
    scan = services.scan(camp, ticket, Direction(direction), nonce, actor=current_user,
                         override_reason=override_reason)
    db.session.commit()
    return scan


@bp.get("/camps/<slug>/checkin")
def scanner(slug):
    camp = load_camp(slug, "camp.checkin")
    return _page(camp)


@bp.post("/camps/<slug>/checkin")
@limiter.limit(SCAN_LIMIT)
def scan(slug):
    camp = load_camp(slug, "camp.checkin")
    form = forms.ScanForm()
    if not form.validate_on_submit():
        return _page(camp, form)
    try:
        result = _record(camp, form.ticket.data, form.direction.data, form.nonce.data,
                         form.override_reason.data or "")
    except DomainError as exc:
        show_domain_error(form, exc)
        return _page(camp, form)
    return _page(camp, scan=result)


@bp.post("/camps/<slug>/checkin/people/<int:reg_id>")
@limiter.limit(SCAN_LIMIT)
def check_in_person(slug, reg_id):
    camp = load_camp(slug, "camp.checkin")
    reg = db.get_or_404(Registration, reg_id)
    if reg.camp_id != camp.id:
        abort(404)
    form = forms.PersonCheckinForm()
    # The nonce and direction must come from the page; defaults only serve to render it.
    if not (request.form.get("nonce") and form.validate_on_submit()) \
            or form.direction.data not in ("in", "out"):
        abort(400)
    try:
        result = _record(camp, reg.ticket_secret, form.direction.data, form.nonce.data)
    except DomainError as exc:
        show_domain_error(None, exc)
        return _page(camp)
    return _page(camp, scan=result)


from camp.checkin import dashboard  # noqa: E402,F401  (organiser pages on this blueprint)
