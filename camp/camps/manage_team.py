"""Organiser pages for the people who run the camp."""
from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from camp.camps import forms, team
from camp.camps.manage_views import bp, show_error
from camp.camps.models import Invitation, Membership, Role
from camp.errors import DomainError
from camp.extensions import db
from camp.mail import send_email
from camp.tokens import make_token
from camp.urls import external_url
from camp.web import load_camp

ROLE_LABELS = {Role.organiser: _l("Organiser"), Role.staff: _l("Check-in staff"),
               Role.jury: _l("Jury"), Role.participant: _l("Participant")}


def send_invitation(invitation: Invitation) -> None:
    token = make_token("invitation", invitation.id)
    send_email(invitation.email, _l("You are invited to help run %(camp)s",
                                    camp=invitation.camp.title),
               "invitation", invitation=invitation, camp=invitation.camp,
               role=ROLE_LABELS[invitation.role],
               days=current_app.config["TOKEN_MAX_AGE"] // 86400,
               link=external_url("camps.accept_invitation", token=token))


@bp.route("/camps/<slug>/manage/team", methods=["GET", "POST"], endpoint="team")
def team_page(slug):
    camp = load_camp(slug, "camp.manage")
    form = forms.InviteForm()
    if form.validate_on_submit():
        try:
            invitation = team.invite(current_user, camp, form.email.data, Role(form.role.data))
        except DomainError as exc:
            show_error(form, exc)
        else:
            db.session.commit()
            send_invitation(invitation)
            flash(_("An invitation is on its way to %(email)s.", email=invitation.email),
                  "success")
            return redirect(url_for("manage.team", slug=camp.slug), code=303)
    return render_template("manage/team.html", camp=camp, form=form,
                           members=team.members(camp), invitations=team.pending_invitations(camp),
                           role_labels=ROLE_LABELS)


@bp.post("/camps/<slug>/manage/invitations/<int:invitation_id>/revoke")
def revoke_invitation(slug, invitation_id):
    camp = load_camp(slug, "camp.manage")
    invitation = db.get_or_404(Invitation, invitation_id)
    if invitation.camp_id != camp.id:
        abort(404)
    try:
        team.revoke(current_user, camp, invitation)
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
    else:
        db.session.commit()
        flash(_("The invitation to %(email)s is withdrawn.", email=invitation.email), "success")
    return redirect(url_for("manage.team", slug=camp.slug), code=303)


@bp.post("/camps/<slug>/manage/members/<int:membership_id>/remove")
def remove_member(slug, membership_id):
    camp = load_camp(slug, "camp.manage")
    membership = db.get_or_404(Membership, membership_id)
    if membership.camp_id != camp.id:
        abort(404)
    try:
        team.remove_member(current_user, camp, membership)
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
    else:
        db.session.commit()
        flash(_("The role is removed."), "success")
    return redirect(url_for("manage.team", slug=camp.slug), code=303)
