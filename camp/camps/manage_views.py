"""Organiser pages: create a camp, settings, status, programme, questions, team."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from camp.camps import forms, programme, services, team
from camp.camps.models import CampFormat, CampStatus, Invitation, Membership, ProgrammeItem, \
    QuestionKind, RegistrationQuestion, Role
from camp.camps.presets import PRESETS
from camp.errors import DomainError
from camp.extensions import db
from camp.i18n import from_local_naive, to_local_naive
from camp.mail import send_email
from camp.permissions import can
from camp.tokens import make_token
from camp.urls import external_url
from camp.web import load_camp

bp = Blueprint("manage", __name__)

DATE_FIELDS = ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at")
STATUS_ACTIONS = {
    CampStatus.published: _l("Publish"), CampStatus.closed: _l("Close registration"),
    CampStatus.archived: _l("Archive"), CampStatus.draft: _l("Back to draft"),
}


def show_error(form, exc: DomainError) -> None:
    db.session.rollback()
    if exc.field and exc.field in form:
        form[exc.field].errors = list(form[exc.field].errors) + [str(exc.message)]
    else:
        flash(str(exc.message), "error")


def _camp_data(form, tz: str) -> services.CampData:
    values = {name: from_local_naive(form[name].data, tz) for name in DATE_FIELDS}
    return services.CampData(
        title=form.title.data, slug=(form.slug.data or "").strip() or
        services.slugify(form.title.data), capacity=form.capacity.data,
        timezone=form.timezone.data, description=form.description.data or "",
        venue=form.venue.data or "", address=form.address.data or "",
        consent_text=form.consent_text.data or "", **values)


@bp.route("/camps/new", methods=["GET", "POST"])
@login_required
def new_camp():
    if not can(current_user, "camp.create"):
        abort(403)
    form = forms.NewCampForm()
    if form.validate_on_submit():
        try:
            camp = services.create_camp(current_user, _camp_data(form, form.timezone.data),
                                        CampFormat(form.format.data))
        except DomainError as exc:
            show_error(form, exc)
        else:
            db.session.commit()
            flash(_("The camp is created as a draft. Check the programme, then publish it."),
                  "success")
            return redirect(url_for("manage.dashboard", slug=camp.slug), code=303)
    return render_template("manage/new_camp.html", form=form, presets=PRESETS)


@bp.get("/camps/<slug>/manage/")
def dashboard(slug):
    camp = load_camp(slug, "camp.manage")
    return render_template("manage/dashboard.html", camp=camp,
                           counts=services.dashboard_counts(camp), form=forms.EmptyForm(),
                           status_label=STATUS_NAMES[camp.status],
                           actions=[(s, STATUS_ACTIONS[s]) for s in
                                    sorted(services.TRANSITIONS[camp.status], key=list(
                                        CampStatus).index)])


@bp.route("/camps/<slug>/manage/edit", methods=["GET", "POST"])
def edit_camp(slug):
    camp = load_camp(slug, "camp.manage")
    form = forms.CampForm(obj=camp)
    if request.method == "GET":
        for name in DATE_FIELDS:
            form[name].data = to_local_naive(getattr(camp, name), camp.timezone)
    if form.validate_on_submit():
        try:
            services.update_camp(current_user, camp, _camp_data(form, form.timezone.data))
        except DomainError as exc:
            show_error(form, exc)
        else:
            db.session.commit()
            flash(_("The camp settings are saved."), "success")
            return redirect(url_for("manage.dashboard", slug=camp.slug), code=303)
    return render_template("manage/edit_camp.html", camp=camp, form=form)


@bp.post("/camps/<slug>/manage/status")
def set_status(slug):
    camp = load_camp(slug, "camp.manage")
    try:
        new = CampStatus(request.form.get("status", ""))
        services.set_status(current_user, camp, new)
    except (ValueError, DomainError) as exc:
        db.session.rollback()
        flash(str(getattr(exc, "message", _("Unknown state."))), "error")
    else:
        db.session.commit()
        flash(_("The camp is now %(status)s.", status=STATUS_LABELS[new]), "success")
    return redirect(url_for("manage.dashboard", slug=camp.slug), code=303)


STATUS_NAMES = {CampStatus.draft: _l("Draft"), CampStatus.published: _l("Published"),
                CampStatus.closed: _l("Closed"), CampStatus.archived: _l("Archived")}
STATUS_LABELS = {CampStatus.draft: _l("a draft"), CampStatus.published: _l("published"),
                 CampStatus.closed: _l("closed"), CampStatus.archived: _l("archived")}


def _item_data(form, camp) -> programme.ItemData:
    return programme.ItemData(
        title=form.title.data, place=form.place.data or "",
        description=form.description.data or "",
        starts_at=from_local_naive(form.starts_at.data, camp.timezone),
        ends_at=from_local_naive(form.ends_at.data, camp.timezone))


@bp.route("/camps/<slug>/manage/programme", methods=["GET", "POST"], endpoint="programme")
def programme_page(slug):
    camp = load_camp(slug, "camp.manage")
    form = forms.ItemForm()
    if form.validate_on_submit():
        try:
            programme.save_item(current_user, camp, _item_data(form, camp))
        except DomainError as exc:
            show_error(form, exc)
        else:
            db.session.commit()
            flash(_("The programme item is added."), "success")
            return redirect(url_for("manage.programme", slug=camp.slug), code=303)
    return render_template("manage/programme.html", camp=camp, form=form,
                           delete_form=forms.EmptyForm())


def _item(camp, item_id) -> ProgrammeItem:
    item = db.get_or_404(ProgrammeItem, item_id)
    if item.camp_id != camp.id:
        abort(404)
    return item


@bp.route("/camps/<slug>/manage/programme/<int:item_id>", methods=["GET", "POST"])
def edit_item(slug, item_id):
    camp = load_camp(slug, "camp.manage")
    item = _item(camp, item_id)
    form = forms.ItemForm(obj=item)
    if request.method == "GET":
        form.starts_at.data = to_local_naive(item.starts_at, camp.timezone)
        form.ends_at.data = to_local_naive(item.ends_at, camp.timezone)
    if form.validate_on_submit():
        try:
            programme.save_item(current_user, camp, _item_data(form, camp), item)
        except DomainError as exc:
            show_error(form, exc)
        else:
            db.session.commit()
            flash(_("The programme item is saved."), "success")
            return redirect(url_for("manage.programme", slug=camp.slug), code=303)
    return render_template("manage/edit_item.html", camp=camp, item=item, form=form)


@bp.post("/camps/<slug>/manage/programme/<int:item_id>/delete")
def delete_item(slug, item_id):
    camp = load_camp(slug, "camp.manage")
    programme.delete_item(current_user, camp, _item(camp, item_id))
    db.session.commit()
    flash(_("The programme item is deleted."), "success")
    return redirect(url_for("manage.programme", slug=camp.slug), code=303)


# Questions and the team live in their own modules on the same blueprint.
from camp.camps import manage_questions, manage_team  # noqa: E402,F401
