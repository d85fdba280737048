"""Organiser pages: create a camp, settings, status and programme."""
from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from camp.camps import forms, programme, services
from camp.camps.labels import STATUS_NAMES
from camp.camps.models import CampFormat, CampStatus, ProgrammeItem
from camp.camps.presets import PRESETS
from camp.errors import DomainError
from camp.i18n import from_local_naive, to_local_naive
from camp.permissions import can
from camp.web import get_in_camp, load_camp, post_action, save_form

bp = Blueprint("manage", __name__)

DATE_FIELDS = ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at")
STATUS_ACTIONS = {  # (from, to): button label
    (CampStatus.draft, CampStatus.published): _l("Publish"),
    (CampStatus.published, CampStatus.closed): _l("Close registration"),
    (CampStatus.closed, CampStatus.published): _l("Reopen registration"),
    (CampStatus.closed, CampStatus.archived): _l("Archive"),
}


def _camp_data(form) -> services.CampData:
    tz = form.timezone.data
    values = {name: from_local_naive(form[name].data, tz) for name in DATE_FIELDS}
    return services.CampData(
        title=form.title.data, slug=(form.slug.data or "").strip(),
        capacity=form.capacity.data, timezone=tz,
        description=form.description.data or "", venue=form.venue.data or "",
        address=form.address.data or "", consent_text=form.consent_text.data or "",
        retention_months=form.retention_months.data, **values)


@bp.route("/camps/new", methods=["GET", "POST"])
@login_required
def new_camp():
    if not can(current_user, "camp.create"):
        abort(403)
    form = forms.NewCampForm()
    done = save_form(
        form, lambda: services.create_camp(current_user, _camp_data(form),
                                           CampFormat(form.format.data)),
        _("The camp is created as a draft. Check the programme, then publish it."),
        lambda camp: url_for("manage.dashboard", slug=camp.slug))
    return done or render_template("manage/new_camp.html", form=form, summaries={
        fmt.value: preset.summary for fmt, preset in PRESETS.items()})


@bp.get("/camps/<slug>/manage/")
def dashboard(slug):
    camp = load_camp(slug, "camp.manage")
    actions = [(new, STATUS_ACTIONS[camp.status, new])
               for new in services.allowed_transitions(camp.status)]
    return render_template("manage/dashboard.html", camp=camp, form=forms.EmptyForm(),
                           counts=services.dashboard_counts(camp),
                           status_label=STATUS_NAMES[camp.status], actions=actions)


@bp.route("/camps/<slug>/manage/edit", methods=["GET", "POST"])
def edit_camp(slug):
    camp = load_camp(slug, "camp.manage")
    form = forms.CampForm(obj=camp)
    if request.method == "GET":
        for name in DATE_FIELDS:
            form[name].data = to_local_naive(getattr(camp, name), camp.timezone)
    done = save_form(form, lambda: services.update_camp(current_user, camp, _camp_data(form)),
                     _("The camp settings are saved."),
                     lambda camp: url_for("manage.dashboard", slug=camp.slug))
    return done or render_template("manage/edit_camp.html", camp=camp, form=form)


@bp.post("/camps/<slug>/manage/status")
def set_status(slug):
    camp = load_camp(slug, "camp.manage")

    def change():
        try:
            new = CampStatus(request.form.get("status", ""))
        except ValueError:
            raise DomainError(_l("Unknown state."))
        return services.set_status(current_user, camp, new)

    return post_action(change, lambda c: _("The camp is now %(status)s.",
                                           status=STATUS_NAMES[c.status].lower()),
                       url_for("manage.dashboard", slug=camp.slug))


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
    done = save_form(form, lambda: programme.save_item(current_user, camp,
                                                       _item_data(form, camp)),
                     _("The programme item is added."),
                     url_for("manage.programme", slug=camp.slug))
    return done or render_template("manage/programme.html", camp=camp, form=form)


def _item(camp, item_id) -> ProgrammeItem:
    return get_in_camp(ProgrammeItem, item_id, camp)


@bp.route("/camps/<slug>/manage/programme/<int:item_id>", methods=["GET", "POST"])
def edit_item(slug, item_id):
    camp = load_camp(slug, "camp.manage")
    item = _item(camp, item_id)
    form = forms.ItemForm(obj=item)
    if request.method == "GET":
        form.starts_at.data = to_local_naive(item.starts_at, camp.timezone)
        form.ends_at.data = to_local_naive(item.ends_at, camp.timezone)
    done = save_form(form, lambda: programme.save_item(current_user, camp,
                                                       _item_data(form, camp), item),
                     _("The programme item is saved."),
                     url_for("manage.programme", slug=camp.slug))
    return done or render_template("manage/edit_item.html", camp=camp, item=item, form=form)


@bp.post("/camps/<slug>/manage/programme/<int:item_id>/delete")
def delete_item(slug, item_id):
    camp = load_camp(slug, "camp.manage")
    item = _item(camp, item_id)
    return post_action(lambda: programme.delete_item(current_user, camp, item),
                       _("The programme item is deleted."),
                       url_for("manage.programme", slug=camp.slug))


# Questions and the team live in their own modules on the same blueprint.
from camp.camps import manage_questions, manage_team  # noqa: E402,F401
