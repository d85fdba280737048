"""Versions of a charter (permanent addresses, comparison, final), signatures and exports."""
from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, \
    request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from werkzeug.routing import BuildError

from camp.charters import export, signature_forms as forms, signatures as services
from camp.charters.compare import compare as compare_snapshots
from camp.charters.models import Charter, CharterVersion, Signature
from camp.csvfile import csv_response
from camp.errors import DomainError, InvalidToken
from camp.extensions import db, limiter, login_manager
from camp.mail import send_email
from camp.permissions import can
from camp.urls import external_url
from camp.web import get_child, post_action, show_domain_error

bp = Blueprint("charter_versions", __name__)

PER_PAGE = 25
SIGN_LIMIT = "10 per minute; 40 per hour"


def _deny():
    abort(login_manager.unauthorized() if not current_user.is_authenticated else 403)


def _charter(charter_slug: str, action: str = "charter.view") -> Charter:
    """The charter, if the user may see it (404 otherwise) and do `action` (403)."""
    charter = db.session.execute(
        select(Charter).where(Charter.slug == charter_slug)
        .options(db.joinedload(Charter.camp), db.selectinload(Charter.editors))
    ).scalar_one_or_none()
    if charter is None or not can(current_user, "charter.view", charter):
        abort(404)
    if action != "charter.view" and not can(current_user, action, charter):
        _deny()
    return charter


def _version(charter: Charter, number: int) -> CharterVersion:
    version = db.session.execute(
        select(CharterVersion).where(CharterVersion.charter_id == charter.id,
                                     CharterVersion.number == number)
        .options(db.joinedload(CharterVersion.created_by))).scalar_one_or_none()
    if version is None:
        abort(404)
    return version


def _url_or_none(endpoint: str, **values):
    if endpoint not in current_app.view_functions:
        return None
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


def _common(charter: Charter) -> dict:
    """What every page of this blueprint shows around the charter."""
    return {
        "charter": charter, "tz": export.timezone_of(charter),
        "editor": can(current_user, "charter.edit", charter),
        "charter_url": _url_or_none("charters.show", charter_slug=charter.slug)
        or url_for("charter_versions.index", charter_slug=charter.slug),
        "proposal_url": lambda pid: _url_or_none("charters.proposal", charter_slug=charter.slug,
                                                 proposal_id=pid),
        "kind_label": export.kind_label, "confirm_days": services.CONFIRM_WINDOW.days,
    }


# --- Versions --------------------------------------------------------------------------------

@bp.get("/charters/<charter_slug>/versions/")
def index(charter_slug):
    charter = _charter(charter_slug)
    page = db.paginate(
        select(CharterVersion).where(CharterVersion.charter_id == charter.id)
        .options(db.joinedload(CharterVersion.created_by))
        .order_by(CharterVersion.number.desc()),
        page=request.args.get("page", 1, type=int), per_page=PER_PAGE, error_out=False)
    ctx = _common(charter)
    latest = db.session.execute(select(db.func.max(CharterVersion.number)).where(
        CharterVersion.charter_id == charter.id)).scalar()
    return render_template("charter_versions/index.html", page=page, latest=latest,
                           open_count=services.open_proposals(charter) if ctx["editor"] else 0,
                           **ctx)


@bp.get("/charters/<charter_slug>/versions/<int:version_number>")
def show(charter_slug, version_number):
    charter = _charter(charter_slug)
    version = _version(charter, version_number)
    ctx = _common(charter)
    latest = db.session.execute(select(db.func.max(CharterVersion.number)).where(
        CharterVersion.charter_id == charter.id)).scalar()
    return render_template(
        "charter_versions/show.html", version=version, data=version.snapshot or {},
        latest=latest, signatures=services.signatories(charter, version),
        open_count=services.open_proposals(charter) if ctx["editor"] else 0, **ctx)


def _number_arg(name: str, default):
    raw = request.args.get(name)
    if raw in (None, ""):
        return default
    if not raw.isdigit():
        abort(404)
    return int(raw)


@bp.get("/charters/<charter_slug>/compare")
def compare(charter_slug):
    charter = _charter(charter_slug)
    numbers = db.session.execute(
        select(CharterVersion.number).where(CharterVersion.charter_id == charter.id)
        .order_by(CharterVersion.number)).scalars().all()
    if not numbers:
        abort(404)
    a = _number_arg("a", numbers[-2] if len(numbers) > 1 else numbers[-1])
    b = _number_arg("b", numbers[-1])
    only = request.args.get("changes") == "1"
    version_a, version_b = _version(charter, a), _version(charter, b)
    result = None
    if a != b:
        result = compare_snapshots(version_a.snapshot or {}, version_b.snapshot or {})
        if only:
            result = result.only_changes()
    return render_template("charter_versions/compare.html", numbers=numbers, a=version_a,
                           b=version_b, result=result, only=only, **_common(charter))


@bp.post("/charters/<charter_slug>/versions/<int:version_number>/final")
def declare_final(charter_slug, version_number):
    charter = _charter(charter_slug, "charter.edit")
    version = _version(charter, version_number)
    return post_action(
        lambda: services.declare_final(current_user, charter, version),
        _l("Version %(n)s is now the final version. Organisations can sign it.",
           n=version.number),
        url_for("charter_versions.show", charter_slug=charter.slug,
                version_number=version.number))


# --- Exports ---------------------------------------------------------------------------------

def _attachment(body, content_type: str, name: str) -> Response:
    return Response(body, content_type=content_type,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/charters/<charter_slug>/versions/<int:version_number>.pdf")
def export_pdf(charter_slug, version_number):
    charter = _charter(charter_slug)
    version = _version(charter, version_number)
    return _attachment(export.to_pdf(export.document(charter, version)), "application/pdf",
                       export.filename(charter, version, "pdf"))


@bp.get("/charters/<charter_slug>/versions/<int:version_number>.md")
def export_md(charter_slug, version_number):
    charter = _charter(charter_slug)
    version = _version(charter, version_number)
    return _attachment(export.to_markdown(export.document(charter, version)),
                       "text/markdown; charset=utf-8", export.filename(charter, version, "md"))


@bp.get("/charters/<charter_slug>/versions/<int:version_number>.html")
def export_html(charter_slug, version_number):
    charter = _charter(charter_slug)
    version = _version(charter, version_number)
    return _attachment(export.to_html(export.document(charter, version)),
                       "text/html; charset=utf-8", export.filename(charter, version, "html"))


# --- Signatures ------------------------------------------------------------------------------

@bp.route("/charters/<charter_slug>/sign", methods=["GET", "POST"])
@limiter.limit(SIGN_LIMIT, methods=["POST"])
def sign(charter_slug):
    charter = _charter(charter_slug, "charter.sign")
    refusal = services.sign_refusal(charter)
    form = forms.SignForm()
    if request.method == "GET" and current_user.is_authenticated:
        form.signer_name.data = current_user.name
        form.email.data = current_user.email
        form.organisation.data = current_user.organisation
    if refusal is None and form.validate_on_submit():
        actor = current_user if current_user.is_authenticated else None
        try:
            signature, token = services.sign(actor, charter, form.data_for_service())
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            db.session.commit()
            _send_confirmation(charter, signature, token)
            flash(_l("Thank you. We have sent a link to %(email)s: the signature counts once "
                     "you confirm it there (within %(days)s days).", email=signature.email,
                     days=services.CONFIRM_WINDOW.days), "success")
            return redirect(url_for("charter_versions.signatories",
                                    charter_slug=charter.slug), code=303)
    charter = db.session.get(Charter, charter.id)
    return render_template("charter_versions/sign.html", form=form, refusal=refusal,
                           version=services.current_final(charter), **_common(charter))


def _send_confirmation(charter, signature, token):
    link = external_url("charter_versions.confirm", charter_slug=charter.slug, token=token)
    send_email(signature.email, _l("Confirm the signature of %(org)s on %(charter)s",
                                   org=signature.organisation, charter=charter.title),
               "charter_signature_confirm", locale=str(get_locale() or "") or None,
               charter=charter, signature=signature, link=link,
               days=services.CONFIRM_WINDOW.days)


@bp.route("/charters/<charter_slug>/signatures/confirm/<token>", methods=["GET", "POST"])
@limiter.limit("60 per minute")
def confirm(charter_slug, token):
    charter = _charter(charter_slug, "charter.sign")
    try:
        signature = services.signature_for_token(charter, token)
    except InvalidToken as exc:
        return render_template("charter_versions/confirm.html", error=exc.message,
                               form=None, signature=None, **_common(charter)), exc.status
    form = forms.ConfirmForm()
    if form.validate_on_submit():
        try:
            services.confirm(charter, token)
        except DomainError as exc:
            show_domain_error(None, exc)
            return redirect(request.path, code=303)
        db.session.commit()
        flash(_l("The signature of %(org)s is confirmed and on the list of signatories.",
                 org=signature.organisation), "success")
        return redirect(url_for("charter_versions.signatories", charter_slug=charter.slug),
                        code=303)
    return render_template("charter_versions/confirm.html", error=None, form=form,
                           signature=signature, **_common(charter))


def _signatories_page(charter, submitted_id=None, submitted=None, status=200):
    ctx = _common(charter)
    standing = services.signatories(charter)
    pending = services.pending(charter) if ctx["editor"] else []
    mine = [s for s in standing + pending
            if services.may_withdraw(current_user, s, ctx["editor"])]
    return render_template(
        "charter_versions/signatories.html", standing=standing, pending=pending,
        withdrawn=services.withdrawn(charter), version=services.current_final(charter),
        withdraw_forms=forms.withdraw_forms(mine, submitted_id, submitted), **ctx), status


@bp.get("/charters/<charter_slug>/signatories")
def signatories(charter_slug):
    return _signatories_page(_charter(charter_slug))


@bp.get("/charters/<charter_slug>/signatories.csv")
def signatories_csv(charter_slug):
    charter = _charter(charter_slug)
    return csv_response(services.signatories_csv(charter, export.timezone_of(charter)),
                        f"{charter.slug}-signatories.csv")


@bp.post("/charters/<charter_slug>/signatures/<int:signature_id>/withdraw")
def withdraw(charter_slug, signature_id):
    charter = _charter(charter_slug)
    signature = get_child(Signature, signature_id, charter_id=charter.id)
    back = url_for("charter_versions.signatories", charter_slug=charter.slug)
    if signature.withdrawn_at is not None:
        flash(_l("This signature is already withdrawn."), "info")
        return redirect(back, code=303)
    editor = can(current_user, "charter.edit", charter)
    if not services.may_withdraw(current_user, signature, editor):
        _deny()
    form = forms.WithdrawForm(prefix=f"withdraw-{signature.id}")
    if form.validate_on_submit():
        try:
            services.withdraw(current_user, charter, signature, form.reason.data, editor)
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            db.session.commit()
            if signature.email.casefold() != (current_user.email or "").casefold():
                send_email(signature.email, _l("The signature of %(org)s on %(charter)s is "
                                               "withdrawn", org=signature.organisation,
                                               charter=charter.title),
                           "charter_signature_withdrawn", charter=charter,
                           signature=signature, link=external_url(
                               "charter_versions.signatories", charter_slug=charter.slug))
            flash(_l("The signature of %(org)s is withdrawn; it stays in the history.",
                     org=signature.organisation), "success")
            return redirect(back, code=303)
    return _signatories_page(db.session.get(Charter, charter.id), signature.id, form)
