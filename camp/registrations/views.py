"""Registering for a camp; the participant's registrations; the organiser's list."""
from flask import Blueprint, abort, current_app, redirect, render_template, request, \
    url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from camp.csvfile import csv_response
from camp.extensions import db
from camp.permissions import can
from camp.registrations import forms, notify, queries, services
from camp.registrations.export import actor_mix_csv as actor_mix_csv_bytes, \
    registrations_csv
from camp.registrations.models import Registration, RegistrationStatus
from camp.web import get_in_camp, load_camp, post_action, save_form

bp = Blueprint("registrations", __name__)


def _data(form, email, consent=False) -> services.RegistrationData:
    return services.RegistrationData(
        name=form.name.data, email=email, organisation=form.organisation.data,
        actor_type=form.actor_type.data, diet=form.diet.data,
        accessibility=form.accessibility.data, answers=forms.answers_from(form),
        consent=consent)


@bp.route("/camps/<slug>/register", methods=["GET", "POST"])
@login_required
def register(slug):
    camp = load_camp(slug)
    existing = services.find_registration(camp.id, current_user.email)
    if existing is not None and existing.status in services.ACTIVE:
        return redirect(url_for("registrations.show", reg_id=existing.id), code=303)
    state = services.registration_state(camp)
    if state == "open" and not can(current_user, "camp.register", camp):
        state = "not_published"
    if state != "open":
        return render_template("registrations/closed.html", camp=camp,
                               message=services.WINDOW_MESSAGES[state]), 409
    form = forms.registration_form(camp, obj=current_user)
    if request.method == "GET":
        form.actor_type.data = current_user.actor_type.value
    done = save_form(
        form, lambda: services.register(camp, current_user, _data(
            form, current_user.email, consent=form.consent.data)),
        lambda reg: forms.REGISTERED_MESSAGES[reg.status],
        lambda reg: url_for("registrations.show", reg_id=reg.id), after=notify.registered)
    seats_left = max(0, camp.capacity - services.confirmed_count(camp.id))
    return done or render_template("registrations/register.html", camp=camp, form=form,
                                   seats_left=seats_left)


def _own_or_404(reg_id: int, action: str) -> Registration:
    reg = db.get_or_404(Registration, reg_id)
    if not can(current_user, action, reg):
        abort(404)
    return reg


@bp.get("/me/registrations")
@login_required
def mine():
    regs = db.session.execute(
        db.select(Registration).where(Registration.user_id == current_user.id)
        .options(db.joinedload(Registration.camp))
        .order_by(Registration.created_at.desc())).scalars().all()
    positions = services.waitlist_positions(ids=[
        r.id for r in regs if r.status == RegistrationStatus.waitlisted])
    return render_template("registrations/mine.html", registrations=regs, positions=positions)


@bp.get("/me/registrations/<int:reg_id>")
@login_required
def show(reg_id):
    reg = _own_or_404(reg_id, "registration.view")
    return render_template("registrations/show.html", reg=reg, camp=reg.camp,
                           position=services.waitlist_position(reg),
                           own=reg.user_id == current_user.id)


@bp.post("/me/registrations/<int:reg_id>/cancel")
@login_required
def cancel(reg_id):
    reg = _own_or_404(reg_id, "registration.cancel")
    return _cancel(reg, url_for("registrations.mine"))


def _cancel(reg: Registration, back: str):
    def tell(promoted):
        notify.cancelled(reg, by_organiser=reg.user_id != current_user.id)
        for other in promoted:
            notify.promoted(other)
    return post_action(lambda: services.cancel(reg, actor=current_user),
                       _("The registration of %(name)s is cancelled.", name=reg.name),
                       back, after=tell)


@bp.get("/camps/<slug>/manage/registrations")
def manage_list(slug):
    camp = load_camp(slug, "camp.manage")
    form = forms.FilterForm(request.args)
    filters = queries.Filters.from_form(form)
    page = queries.page_of(camp.id, filters, request.args.get("page", 1, type=int),
                           current_app.config["REGISTRATIONS_PER_PAGE"])
    positions = services.waitlist_positions(camp.id, ids=[r.id for r in page.items])
    return render_template("registrations/manage_list.html", camp=camp, form=form, page=page,
                           filters=filters, positions=positions,
                           counts=services.status_counts(camp.id))


@bp.get("/camps/<slug>/manage/registrations.csv")
def export_csv(slug):
    camp = load_camp(slug, "camp.manage")
    filters = queries.Filters.from_form(forms.FilterForm(request.args))
    body = registrations_csv(camp, queries.all_rows(camp.id, filters),
                             services.waitlist_positions(camp.id))
    return csv_response(body, f"{camp.slug}-registrations.csv")





@bp.route("/camps/<slug>/manage/registrations/new", methods=["GET", "POST"])
def manual_add(slug):
    from camp.auth.services import find_user_by_email
    camp = load_camp(slug, "camp.manage")
    form = forms.registration_form(camp, base=forms.ManualRegistrationForm)
    done = save_form(
        form, lambda: services.register(camp, find_user_by_email(form.email.data),
                                        _data(form, form.email.data), actor=current_user,
                                        check_window=False),
        lambda reg: _("%(name)s is registered (%(status)s).", name=reg.name,
                      status=forms.STATUS_LABELS[reg.status]),
        url_for("registrations.manage_list", slug=camp.slug), after=notify.registered)
    return done or render_template("registrations/manual_add.html", camp=camp, form=form)


def _camp_registration(slug: str, reg_id: int):
    camp = load_camp(slug, "camp.manage")
    return camp, get_in_camp(Registration, reg_id, camp)


@bp.post("/camps/<slug>/manage/registrations/<int:reg_id>/cancel")
def manage_cancel(slug, reg_id):
    camp, reg = _camp_registration(slug, reg_id)
    return _cancel(reg, url_for("registrations.manage_list", slug=camp.slug))


@bp.post("/camps/<slug>/manage/registrations/<int:reg_id>/promote")
def promote(slug, reg_id):
    camp, reg = _camp_registration(slug, reg_id)
    return post_action(lambda: services.promote(reg, actor=current_user),
                       _("%(name)s now has a seat.", name=reg.name),
                       url_for("registrations.manage_list", slug=camp.slug),
                       after=notify.promoted)


@bp.get("/camps/<slug>/manage/registrations/mix")
def actor_mix(slug):
    camp = load_camp(slug, "camp.manage")
    return render_template("registrations/actor_mix.html", camp=camp,
                           mix=queries.actor_mix(camp.id))


@bp.get("/camps/<slug>/manage/registrations/mix.csv")
def actor_mix_csv(slug):
    camp = load_camp(slug, "camp.manage")
    return csv_response(actor_mix_csv_bytes(queries.actor_mix(camp.id)), f"{camp.slug}-actor-mix.csv")
