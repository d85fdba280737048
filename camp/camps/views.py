"""Public camp pages, the programme calendar and accepting invitations."""
from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, \
    url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from camp.camps import forms, team
from camp.camps.labels import ROLE_LABELS
from camp.camps.ics import build_programme_ics
from camp.camps.programme import programme_by_day
from camp.camps.services import past_camps_page, upcoming_camps
from camp.extensions import db, login_manager
from camp.i18n import zone
from camp.permissions import can
from camp.tokens import load_token
from camp.web import load_camp

bp = Blueprint("camps", __name__)


@bp.get("/camps/")
def index():
    page = request.args.get("page", 1, type=int)
    upcoming = upcoming_camps() if page == 1 else []
    return render_template("camps/index.html", upcoming=upcoming,
                           past=past_camps_page(max(page, 1)))


@bp.get("/camps/<slug>/")
def show(slug):
    from camp.registrations.services import confirmed_count, find_registration, \
        registration_state
    camp = load_camp(slug)
    mine = find_registration(camp.id, current_user.email) \
        if current_user.is_authenticated else None
    return render_template(
        "camps/show.html", camp=camp, days=programme_by_day(camp, zone(camp.timezone)),
        seats_left=max(0, camp.capacity - confirmed_count(camp.id)),
        registration=registration_state(camp), mine=mine)


@bp.get("/camps/<slug>/programme.ics")
def programme_ics(slug):
    camp = load_camp(slug)
    body = build_programme_ics(camp, url_for("camps.show", slug=camp.slug, _external=True))
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="{camp.slug}.ics"'})


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept_invitation(token):
    invitation_id = load_token("invitation", token, current_app.config["TOKEN_MAX_AGE"])
    invitation = team.usable_invitation(invitation_id)
    form = forms.EmptyForm()
    if request.method == "POST" and not can(current_user, "invitation.accept", invitation):
        return login_manager.unauthorized()
    if form.validate_on_submit():
        team.accept(current_user, invitation)
        db.session.commit()
        flash(_("Welcome aboard: you now help run %(camp)s.", camp=invitation.camp.title),
              "success")
        target = url_for("manage.dashboard", slug=invitation.camp.slug) \
            if can(current_user, "camp.manage", invitation.camp) else url_for("camps.mine")
        return redirect(target, code=303)
    return render_template("camps/invitation.html", invitation=invitation, form=form,
                           next=request.path, role_label=ROLE_LABELS[invitation.role],
                           has_role=team.has_role(current_user, invitation))


@bp.get("/me/camps")
@login_required
def mine():
    return render_template("camps/mine.html", memberships=team.camps_run_by(current_user),
                           role_labels=ROLE_LABELS)
