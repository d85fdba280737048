"""The organiser's team tools: camp defaults, per-team limits, locks, moving people; and
what account export and deletion need to know about teams."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update

from camp.audit import record
from camp.auth.models import User
from camp.camps.models import Camp
from camp.db import begin_write, utcnow
from camp.errors import Conflict, DomainError
from camp.extensions import db
from camp.registrations.models import Registration, RegistrationStatus
from camp.teams.models import JoinRequest, Seeker, Team, TeamMember
from camp.teams.services import Person, _add_member, _lock_team, _name, _remove_member, \
    member_count, team_of


# -- the organiser's tools -----------------------------------------------------------------

def set_camp_defaults(actor: User, camp: Camp, min_size: int, max_size: int,
                      lock_at) -> Camp:
    if min_size > max_size:
        raise DomainError(_l("The minimum cannot be larger than the maximum."),
                          field="team_min_size")
    crowded = db.session.execute(
        select(Team.name, func.count(TeamMember.id)).join(TeamMember)
        .where(Team.camp_id == camp.id, Team.max_size.is_(None))
        .group_by(Team.id, Team.name).having(func.count(TeamMember.id) > max_size)
        .order_by(Team.name)).all()
    if crowded:
        raise DomainError(_l("%(team)s already has %(count)s members. Move people first or "
                             "give that team its own limit.", team=crowded[0][0],
                             count=crowded[0][1]), field="team_max_size")
    camp.team_min_size, camp.team_max_size, camp.teams_lock_at = min_size, max_size, lock_at
    db.session.flush()
    record("teams.settings", actor=actor, camp=camp, min=min_size, max=max_size,
           lock_at=lock_at.isoformat() if lock_at else None)
    return camp


def set_team_limits(actor: User, team: Team, min_size: int | None,
                    max_size: int | None) -> Team:
    effective_min = min_size if min_size is not None else team.camp.team_min_size
    effective_max = max_size if max_size is not None else team.camp.team_max_size
    if effective_min > effective_max:
        raise DomainError(_l("The minimum cannot be larger than the maximum."),
                          field="min_size")
    count = member_count(team.id)
    if count > effective_max:
        raise DomainError(_l("The team already has %(count)s members. Move people first.",
                             count=count), field="max_size")
    team.min_size, team.max_size = min_size, max_size
    db.session.flush()
    record("team.limits", actor=actor, camp=team.camp, obj=team, min=min_size, max=max_size)
    return team


def set_locked(actor: User, team: Team, locked: bool) -> Team:
    team.locked_at = utcnow() if locked else None
    db.session.flush()
    record("team.lock" if locked else "team.unlock", actor=actor, camp=team.camp, obj=team)
    return team


def movable_people(camp: Camp) -> list[Person]:
    """Confirmed registrants with an account: the people an organiser may move."""
    rows = db.session.execute(
        select(Registration.user_id, Registration.name, User.email, Registration.organisation,
               Registration.actor_type).join(User, User.id == Registration.user_id)
        .where(Registration.camp_id == camp.id,
               Registration.status == RegistrationStatus.confirmed)
        .order_by(Registration.name)).all()
    return [Person(*row) for row in rows]


def move_person(actor: User, camp: Camp, user_id: int | None, team_id: int | None) -> Team:
    """Organisers move someone into a team (out of their current one); the limit holds,
    the lock does not."""
    begin_write(db.session)
    if user_id is None or not any(p.user_id == user_id for p in movable_people(camp)):
        raise DomainError(_l("Choose a person with a confirmed seat."), field="user_id")
    target = db.session.get(Team, team_id or 0)
    if target is None or target.camp_id != camp.id:
        raise DomainError(_l("Choose a team."), field="team_id")
    target = _lock_team(target.id)
    current = team_of(camp.id, user_id)
    if current is not None and current.id == target.id:
        raise Conflict(_l("%(name)s is already in this team.", name=_name(camp.id, user_id)))
    if member_count(target.id) >= target.size_limit:
        raise Conflict(_l("%(team)s is full (%(limit)s people). Try another team.",
                          team=target.name, limit=target.size_limit))
    if current is not None:
        _remove_member(current, user_id)
    _add_member(target.id, user_id, organiser=True)
    record("team.move", actor=actor, camp=camp, obj=target, user_id=user_id,
           from_team_id=current.id if current else None)
    return target


# -- personal data -------------------------------------------------------------------------

def export_user_teams(user: User) -> dict:
    def iso(dt):
        return dt.isoformat() if dt else None
    members = db.session.execute(
        select(TeamMember).where(TeamMember.user_id == user.id)
        .options(db.joinedload(TeamMember.team).joinedload(Team.camp))).scalars().all()
    requests = db.session.execute(
        select(JoinRequest).where(JoinRequest.user_id == user.id)
        .options(db.joinedload(JoinRequest.team).joinedload(Team.camp))).scalars().all()
    seekers = db.session.execute(
        select(Seeker, Camp.slug).join(Camp, Camp.id == Seeker.camp_id)
        .where(Seeker.user_id == user.id)).all()
    return {
        "team_memberships": [{"team": m.team.name, "camp": m.team.camp.slug,
                              "lead": m.team.lead_id == user.id,
                              "joined_at": iso(m.joined_at)} for m in members],
        "join_requests": [{"team": r.team.name, "camp": r.team.camp.slug, "message": r.message,
                           "status": r.status.value, "created_at": iso(r.created_at)}
                          for r in requests],
        "team_board": [{"camp": slug, "interests": s.interests, "skills": s.skills,
                        "preferred_challenge_ids": list(s.preferences or []),
                        "together_with_id": s.together_with_id} for s, slug in seekers],
    }


def forget_user(user: User) -> None:
    """For account deletion: out of every team (handing on any lead), requests and board."""
    for member in db.session.execute(
            select(TeamMember).where(TeamMember.user_id == user.id)
            .options(db.joinedload(TeamMember.team))).scalars().all():
        _remove_member(member.team, user.id)
    db.session.execute(delete(JoinRequest).where(JoinRequest.user_id == user.id))
    db.session.execute(delete(Seeker).where(Seeker.user_id == user.id))
    db.session.execute(update(Seeker).where(Seeker.together_with_id == user.id)
                       .values(together_with_id=None))
    db.session.flush()


def without_team_count(camp: Camp) -> int:
    """Confirmed participants with an account who are in no team yet."""
    in_team = select(TeamMember.id).where(TeamMember.camp_id == camp.id,
                                          TeamMember.user_id == Registration.user_id).exists()
    return db.session.execute(
        select(func.count()).select_from(Registration).where(
            Registration.camp_id == camp.id, Registration.user_id.is_not(None),
            Registration.status == RegistrationStatus.confirmed, ~in_team)).scalar_one()


def teams_csv(camp: Camp, teams, people: dict, locked) -> bytes:
    """One line per team member (a team without members gets one line of its own)."""
    from flask_babel import gettext as _
    from camp.actors import actor_label
    from camp.i18n import format_local
    from camp.csvfile import to_csv
    rows = []
    for team in teams:
        head = [team.name, team.challenge.title, len(team.members), team.size_limit,
                _("Yes") if locked(team) else _("No")]
        if not team.members:
            rows.append(head + [""] * 6)
        for m in team.members:
            p = people[m.user_id]
            rows.append(head + [
                p.name, p.email, p.organisation, actor_label(p.actor_type),
                _("Yes") if m.user_id == team.lead_id else "",
                format_local(m.joined_at, camp.timezone, "yyyy-MM-dd HH:mm")])
    return to_csv([_("Team"), _("Challenge"), _("Members"), _("Largest team"), _("Locked"),
                   _("Name"), _("E-mail"), _("Organisation"), _("Actor type"),
                   _("Team lead"), _("Joined")], rows)
