"""E-mails about joining teams, in the recipient's language."""
from flask_babel import lazy_gettext as _l

from camp.mail import send_email
from camp.teams.models import JoinRequestStatus
from camp.urls import external_url


def join_requested(join_request) -> None:
    """Tell the lead that someone asks to join."""
    team = join_request.team
    lead = team.lead
    if lead is None or lead.deleted_at is not None:
        return
    send_email(lead.email, _l("%(name)s asks to join %(team)s", name=join_request.user.name,
                              team=team.name),
               "team_join_request", locale=lead.locale, team=team, camp=team.camp,
               join_request=join_request, recipient=lead,
               link=external_url("teams.show", slug=team.camp.slug, team_id=team.id))


def join_decided(join_request) -> None:
    """Tell the person who asked whether they are in."""
    team, user = join_request.team, join_request.user
    approved = join_request.status == JoinRequestStatus.approved
    subject = _l("You are in %(team)s", team=team.name) if approved else \
        _l("Your request to join %(team)s was declined", team=team.name)
    send_email(user.email, subject, "team_join_approved" if approved else "team_join_declined",
               locale=user.locale, team=team, camp=team.camp, recipient=user,
               link=external_url("teams.show", slug=team.camp.slug, team_id=team.id),
               teams_link=external_url("teams.index", slug=team.camp.slug))
