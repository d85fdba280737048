"""Challenges: public list and page, owners posting and editing, organiser moderation."""
from flask import Blueprint, abort, current_app, render_template, request, \
    url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from camp.challenges import attachments, forms, labels, notify, queries, services
from camp.challenges.export import challenges_csv
from camp.challenges.models import Challenge, ChallengeAttachment, ChallengeMode, \
    ChallengeOwner, ChallengeStatus, ResourceKind, ValueDimension
from camp import uploads
from camp.csvfile import csv_response
from camp.extensions import db, login_manager
from camp.permissions import can
from camp.web import get_child, get_in_camp, load_camp, post_action, save_form

bp = Blueprint("challenges", __name__)


# Templates (also other features') read the translated names as challenge_labels.X_LABELS.
bp.add_app_template_global(labels, "challenge_labels")
bp.add_app_template_filter(uploads.human_size, "file_size")


@bp.app_template_global()
def published_challenge_count(camp) -> int:
    return queries.published_count(camp.id)


@bp.app_template_global()
def owns_challenges(user) -> bool:
    """For the navigation: challenge owners get a link to their challenges."""
    if not user.is_authenticated:
        return False
    if not hasattr(user, "_owns_challenges"):
        user._owns_challenges = db.session.execute(
            select(ChallengeOwner.id).where(ChallengeOwner.user_id == user.id).limit(1)
        ).first() is not None
    return user._owns_challenges


def _load(slug: str, challenge_id: int, action: str = "challenge.view"):
    """Camp and challenge; 404 unless the user may see it, 403 (or log in) for `action`."""
    camp = load_camp(slug)
    challenge = get_in_camp(Challenge, challenge_id, camp)
    if not can(current_user, "challenge.view", challenge):
        abort(404)
    if action != "challenge.view" and not can(current_user, action, challenge):
        if not current_user.is_authenticated:
            abort(login_manager.unauthorized())
        abort(403)
    return camp, challenge


def _page() -> int:
    return request.args.get("page", 1, type=int)


@bp.get("/camps/<slug>/challenges/")
def index(slug):
    camp = load_camp(slug)
    form = forms.PublicFilterForm(request.args)
    filters = queries.Filters.from_form(form)
    page = queries.public_page(camp.id, filters, _page(),
                               current_app.config.get("CHALLENGES_PER_PAGE", 20))
    return render_template("challenges/index.html", camp=camp, form=form, filters=filters,
                           page=page)


@bp.get("/camps/<slug>/challenges/<int:challenge_id>")
def show(slug, challenge_id):
    camp, challenge = _load(slug, challenge_id)
    return _show_page(camp, challenge)


def _show_page(camp, challenge, attachment_form=None):
    return render_template("challenges/show.html", camp=camp, challenge=challenge,
                           decline_form=forms.DeclineForm(),
                           attachment_form=attachment_form or forms.AttachmentForm(),
                           attachments_max=attachments.MAX_PER_CHALLENGE)


# Attachments: owners and organisers add and delete files; whoever sees the challenge
# downloads them (camp.uploads checks the content and serves them safely).

@bp.post("/camps/<slug>/challenges/<int:challenge_id>/attachments")
def add_attachment(slug, challenge_id):
    camp, challenge = _load(slug, challenge_id, "challenge.edit")
    form = forms.AttachmentForm()

    def add():
        upload = form.file.data
        return attachments.add(current_user, challenge, attachments.read(upload),
                               upload.filename)
    done = save_form(form, add,
                     lambda a: _("\"%(name)s\" is attached.", name=a.display_name),
                     _show_url(challenge) + "#attachments")
    return done or _show_page(camp, challenge, form)


def _attachment(challenge, attachment_id) -> ChallengeAttachment:
    return get_child(ChallengeAttachment, attachment_id, challenge_id=challenge.id)


@bp.get("/camps/<slug>/challenges/<int:challenge_id>/attachments/<int:attachment_id>")
def download_attachment(slug, challenge_id, attachment_id):
    camp, challenge = _load(slug, challenge_id)
    return attachments.send(_attachment(challenge, attachment_id))


@bp.post("/camps/<slug>/challenges/<int:challenge_id>/attachments/<int:attachment_id>/delete")
def delete_attachment(slug, challenge_id, attachment_id):
    camp, challenge = _load(slug, challenge_id, "challenge.edit")
    attachment = _attachment(challenge, attachment_id)
    return post_action(lambda: attachments.remove(current_user, challenge, attachment),
                       lambda name: _("\"%(name)s\" is deleted.", name=name),
                       _show_url(challenge) + "#attachments")


def _data(form) -> services.ChallengeData:
    return services.ChallengeData(
        title=form.title.data, problem=form.problem.data, commitment=form.commitment.data,
        owner_organisation=form.owner_organisation.data,
        owner_actor_type=form.owner_actor_type.data, context=form.context.data,
        affected=form.affected.data, mode=ChallengeMode(form.mode.data),
        owner_role=form.owner_role.data, expectations=form.expectations.data,
        contacts=form.contacts.data,
        values={d: form[f"noticed_{d.value}"].data for d in ValueDimension
                if form[f"value_{d.value}"].data},
        resources={k: form[f"resource_{k.value}"].data for k in ResourceKind})


def _show_url(challenge) -> str:
    return url_for("challenges.show", slug=challenge.camp.slug, challenge_id=challenge.id)


@bp.route("/camps/<slug>/challenges/new", methods=["GET", "POST"])
@login_required
def new(slug):
    camp = load_camp(slug, "challenge.create")
    form = forms.ChallengeForm()
    if request.method == "GET":
        form.owner_organisation.data = current_user.organisation
        form.owner_actor_type.data = current_user.actor_type.value
    done = save_form(form, lambda: services.create(current_user, camp, _data(form)),
                     _("The challenge is saved as a draft. Submit it when it is ready."),
                     _show_url)
    return done or render_template("challenges/form.html", camp=camp, form=form,
                                   challenge=None)


@bp.route("/camps/<slug>/challenges/<int:challenge_id>/edit", methods=["GET", "POST"])
def edit(slug, challenge_id):
    camp, challenge = _load(slug, challenge_id, "challenge.edit")
    form = forms.ChallengeForm(obj=challenge)
    if request.method == "GET":
        form.fill_from(challenge)
    was_declined = challenge.status == ChallengeStatus.declined
    done = save_form(
        form, lambda: services.update(current_user, challenge, _data(form)),
        lambda c: _("The challenge is saved. It is a draft again: submit it when it is ready.")
        if was_declined and c.status == ChallengeStatus.draft else _("The challenge is saved."),
        _show_url)
    return done or render_template("challenges/form.html", camp=camp, form=form,
                                   challenge=challenge)


@bp.post("/camps/<slug>/challenges/<int:challenge_id>/submit")
def submit(slug, challenge_id):
    camp, challenge = _load(slug, challenge_id, "challenge.edit")
    return post_action(lambda: services.submit(current_user, challenge),
                       _("The challenge is submitted. The organisers will look at it."),
                       _show_url(challenge), after=notify.submitted)


@bp.post("/camps/<slug>/challenges/<int:challenge_id>/delete")
def delete(slug, challenge_id):
    camp, challenge = _load(slug, challenge_id, "challenge.edit")
    return post_action(lambda: services.delete_draft(current_user, challenge),
                       lambda title: _("The draft \"%(title)s\" is deleted.", title=title),
                       url_for("challenges.mine") if challenge.status == ChallengeStatus.draft
                       else _show_url(challenge))


@bp.route("/camps/<slug>/challenges/<int:challenge_id>/owners", methods=["GET", "POST"])
def owners(slug, challenge_id):
    camp, challenge = _load(slug, challenge_id, "challenge.edit")
    form = forms.AddOwnerForm()
    here = url_for("challenges.owners", slug=camp.slug, challenge_id=challenge.id)
    done = save_form(form, lambda: services.add_owner(current_user, challenge, form.email.data),
                     lambda o: _("%(name)s is now a co-owner.", name=o.user.name), here,
                     after=lambda o: notify.owner_added(o, current_user))
    return done or render_template("challenges/owners.html", camp=camp, challenge=challenge,
                                   form=form)


@bp.post("/camps/<slug>/challenges/<int:challenge_id>/owners/<int:owner_id>/remove")
def remove_owner(slug, challenge_id, owner_id):
    camp, challenge = _load(slug, challenge_id, "challenge.edit")
    owner = get_child(ChallengeOwner, owner_id, challenge_id=challenge.id)
    leaving = owner.user_id == current_user.id and not can(
        current_user, "challenge.moderate", challenge)
    back = url_for("challenges.mine") if leaving and len(challenge.owners) > 1 else \
        url_for("challenges.owners", slug=camp.slug, challenge_id=challenge.id)
    return post_action(lambda: services.remove_owner(current_user, challenge, owner),
                       lambda user: _("%(name)s no longer owns this challenge.", name=user.name),
                       back)


@bp.get("/me/challenges")
@login_required
def mine():
    return render_template("challenges/mine.html", challenges=queries.owned_by(current_user.id))


# Moderation by the camp's organisers.

@bp.get("/camps/<slug>/manage/challenges")
def manage(slug):
    camp = load_camp(slug, "camp.manage")
    form = forms.ModerationFilterForm(request.args)
    filters = queries.Filters.from_form(form)
    page = queries.moderation_page(camp.id, filters, _page(),
                                   current_app.config.get("CHALLENGES_MANAGE_PER_PAGE", 50))
    return render_template("challenges/manage.html", camp=camp, form=form, filters=filters,
                           page=page, counts=queries.status_counts(camp.id),
                           balance=queries.balance(camp.id))


@bp.get("/camps/<slug>/manage/challenges.csv")
def export_csv(slug):
    camp = load_camp(slug, "camp.manage")
    filters = queries.Filters.from_form(forms.ModerationFilterForm(request.args))
    body = challenges_csv(camp, queries.all_for_export(camp.id, filters))
    return csv_response(body, f"{camp.slug}-challenges.csv")


def _moderated(slug, challenge_id):
    camp = load_camp(slug, "camp.manage")
    return camp, get_in_camp(Challenge, challenge_id, camp)


@bp.post("/camps/<slug>/manage/challenges/<int:challenge_id>/accept")
def accept(slug, challenge_id):
    camp, challenge = _moderated(slug, challenge_id)
    return post_action(lambda: services.accept(current_user, challenge),
                       _("\"%(title)s\" is accepted. The owners have been told.",
                         title=challenge.title),
                       _next(camp, challenge), after=notify.accepted)


@bp.post("/camps/<slug>/manage/challenges/<int:challenge_id>/publish")
def publish(slug, challenge_id):
    camp, challenge = _moderated(slug, challenge_id)
    return post_action(lambda: services.publish(current_user, challenge),
                       _("\"%(title)s\" is published. The owners have been told.",
                         title=challenge.title),
                       _next(camp, challenge), after=notify.published)


@bp.route("/camps/<slug>/manage/challenges/<int:challenge_id>/decline",
          methods=["GET", "POST"])
def decline(slug, challenge_id):
    camp, challenge = _moderated(slug, challenge_id)
    form = forms.DeclineForm()
    done = save_form(form, lambda: services.decline(current_user, challenge, form.reason.data),
                     _("\"%(title)s\" is declined. The owners have been told.",
                       title=challenge.title),
                     url_for("challenges.manage", slug=camp.slug), after=notify.declined)
    return done or render_template("challenges/decline.html", camp=camp, challenge=challenge,
                                   form=form)


def _next(camp, challenge) -> str:
    """Back to where the organiser pressed the button: the list or the challenge page."""
    from camp.web import safe_next
    return safe_next(request.form.get("next"), url_for("challenges.manage", slug=camp.slug))
