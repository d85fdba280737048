"""Organiser pages for the people who run the camp."""
from datetime import timedelta

from flask import current_app, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from camp.camps import forms, team
from camp.camps.labels import ROLE_LABELS
from camp.camps.manage_views import bp
from camp.camps.models import Invitation, Membership, Role
from camp.db import utcnow
from camp.mail import send_email
from camp.tokens import make_token
from camp.urls import external_url
from camp.web import get_in_camp, load_camp, post_action, save_form


def send_invitation(invitation: Invitation) -> None:
    token = make_token("invitation", invitation.id)
    send_email(invitation.email, _l("You are invited to help run %(camp)s",
                                    camp=invitation.camp.title),
               "invitation", locale=team.locale_for(invitation.email), invitation=invitation,
               camp=invitation.camp, role=ROLE_LABELS[invitation.role],
               inviter=invitation.invited_by.name if invitation.invited_by else "",
               days=max(1, current_app.config["TOKEN_MAX_AGE"] // 86400),
               link=external_url("camps.accept_invitation", token=token))


@bp.route("/camps/<slug>/manage/team", methods=["GET", "POST"], endpoint="team")
def team_page(slug):
    camp = load_camp(slug, "camp.manage")
    form = forms.InviteForm()
    done = save_form(form, lambda: team.invite(current_user, camp, form.email.data,
                                               Role(form.role.data)),
                     lambda inv: _("An invitation is on its way to %(email)s.", email=inv.email),
                     url_for("manage.team", slug=camp.slug), after=send_invitation)
    max_age = timedelta(seconds=current_app.config["TOKEN_MAX_AGE"])
    return done or render_template(
        "manage/team.html", camp=camp, form=form, members=team.members(camp),
        invitations=team.pending_invitations(camp), role_labels=ROLE_LABELS,
        expired_before=utcnow() - max_age)


@bp.post("/camps/<slug>/manage/invitations/<int:invitation_id>/revoke")
def revoke_invitation(slug, invitation_id):
    camp = load_camp(slug, "camp.manage")
    invitation = get_in_camp(Invitation, invitation_id, camp)
    return post_action(lambda: team.revoke(current_user, camp, invitation),
                       _("The invitation to %(email)s is withdrawn.", email=invitation.email),
                       url_for("manage.team", slug=camp.slug))


@bp.post("/camps/<slug>/manage/members/<int:membership_id>/remove")
def remove_member(slug, membership_id):
    camp = load_camp(slug, "camp.manage")
    membership = get_in_camp(Membership, membership_id, camp)
    return post_action(lambda: team.remove_member(current_user, camp, membership),
                       _("The role is removed."), url_for("manage.team", slug=camp.slug))
