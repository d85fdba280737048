"""Teams: forming, joining by invite link or request, leaving, the lead, organiser tools.

Every operation that adds a member starts with begin_write() (BEGIN IMMEDIATE on SQLite)
and locks the team row (FOR UPDATE on PostgreSQL) before it counts the members, so two
people can never both take a team's last seat. One team per person per camp is a database
constraint (team_members camp_id+user_id); a violation becomes a Conflict.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from camp.audit import record
from camp.auth.models import ActorType, User
from camp.camps.models import Camp
from camp.challenges.models import Challenge, ChallengeStatus
from camp.db import begin_write, utcnow
from camp.errors import Conflict, DomainError, InvalidToken, NotAllowed
from camp.extensions import db
from camp.registrations.models import Registration, RegistrationStatus
from camp.teams.models import JoinRequest, JoinRequestStatus, Team, TeamMember
from camp.tokens import load_token, make_token

INVITE_PURPOSE = "team-invite"
INVITE_HOURS = (6, 24, 72, 168)
LOCKED = _l("The teams are locked, so nobody can join or leave now. Ask the organisers.")


# -- reading -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Person:
    """Who someone is at this camp: their registration if any, else their profile."""
    user_id: int
    name: str
    email: str
    organisation: str
    actor_type: ActorType


def people(camp_id: int, user_ids) -> dict[int, Person]:
    """user id -> Person in two queries, whatever the number of people.

    Two plain column queries rather than one outer join: with a thousand ids SQLite
    sometimes planned the join through the status index and took over a second.
    """
    ids = set(user_ids)
    if not ids:
        return {}
    seats = {row.user_id: row for row in db.session.execute(
        select(Registration.user_id, Registration.name, Registration.organisation,
               Registration.actor_type)
        .where(Registration.camp_id == camp_id, Registration.user_id.in_(ids),
               Registration.status == RegistrationStatus.confirmed))}
    found = {}
    for user in db.session.execute(
            select(User.id, User.name, User.email, User.organisation, User.actor_type)
            .where(User.id.in_(ids))):
        seat = seats.get(user.id)
        name, organisation, actor_type = (seat.name, seat.organisation, seat.actor_type) \
            if seat is not None else (user.name, user.organisation, user.actor_type)
        found[user.id] = Person(user.id, name, user.email, organisation or "", actor_type)
    return found


def is_locked(team: Team, now=None) -> bool:
    return team.locked_at is not None or camp_locked(team.camp, now)


def camp_locked(camp: Camp, now=None) -> bool:
    return camp.teams_lock_at is not None and (now or utcnow()) >= camp.teams_lock_at


def published_challenges(camp: Camp) -> list[Challenge]:
    return db.session.execute(
        select(Challenge).where(Challenge.camp_id == camp.id,
                                Challenge.status == ChallengeStatus.published)
        .order_by(Challenge.title)).scalars().all()


def team_of(camp_id: int, user_id: int | None) -> Team | None:
    if user_id is None:
        return None
    return db.session.execute(
        select(Team).join(TeamMember).where(TeamMember.camp_id == camp_id,
                                            TeamMember.user_id == user_id)).scalar()


def teams_of_camp(camp: Camp, challenge_id: int | None = None) -> list[Team]:
    query = select(Team).where(Team.camp_id == camp.id).options(
        db.selectinload(Team.members), db.joinedload(Team.challenge)).order_by(Team.name)
    if challenge_id:
        query = query.where(Team.challenge_id == challenge_id)
    return db.session.execute(query).scalars().unique().all()


def pending_requests(team: Team) -> list[JoinRequest]:
    return db.session.execute(
        select(JoinRequest).where(JoinRequest.team_id == team.id,
                                  JoinRequest.status == JoinRequestStatus.pending)
        .order_by(JoinRequest.created_at)).scalars().all()


def pending_request_of(team: Team, user_id: int | None) -> JoinRequest | None:
    if user_id is None:
        return None
    return db.session.execute(
        select(JoinRequest).where(JoinRequest.team_id == team.id,
                                  JoinRequest.user_id == user_id,
                                  JoinRequest.status == JoinRequestStatus.pending)).scalar()


def is_member(team: Team, user) -> bool:
    return getattr(user, "is_authenticated", False) and \
        any(m.user_id == user.id for m in team.members)


# -- forming and editing -------------------------------------------------------------------

@dataclass
class TeamData:
    name: str
    pitch: str = ""
    challenge_id: int | None = None


def _check_name(camp_id: int, name: str, team_id: int | None = None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(_l("This field is required."), field="name")
    taken = db.session.execute(
        select(Team.id).where(Team.camp_id == camp_id,
                              func.lower(Team.name) == name.lower(),
                              Team.id != (team_id or 0))).first()
    if taken:
        raise Conflict(_l("A team called %(name)s already exists at this camp. Choose "
                          "another name.", name=name), field="name")
    return name


def create_team(actor: User, camp: Camp, data: TeamData, *, organiser: bool = False) -> Team:
    """A new team around a published challenge; the creator leads it and is its first member."""
    begin_write(db.session)
    if camp_locked(camp) and not organiser:
        raise DomainError(LOCKED)
    challenge = db.session.get(Challenge, data.challenge_id or 0)
    if challenge is None or challenge.camp_id != camp.id or not challenge.is_public:
        raise DomainError(_l("Choose one of the camp's published challenges."),
                          field="challenge_id")
    if team_of(camp.id, actor.id) is not None:
        raise Conflict(_l("You are already in a team at this camp. Leave it first."))
    team = Team(camp_id=camp.id, challenge_id=challenge.id, lead_id=actor.id,
                name=_check_name(camp.id, data.name), pitch=(data.pitch or "").strip())
    db.session.add(team)
    try:
        db.session.flush()
        db.session.add(TeamMember(camp_id=camp.id, team_id=team.id, user_id=actor.id))
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_l("You are already in a team at this camp, or the name was taken "
                          "at the same moment. Reload and try again."))
    _close_other_requests(camp.id, actor.id)
    record("team.create", actor=actor, camp=camp, obj=team, challenge_id=challenge.id)
    return team


def update_team(actor: User, team: Team, data: TeamData) -> Team:
    team.name = _check_name(team.camp_id, data.name, team.id)
    team.pitch = (data.pitch or "").strip()
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_l("That name was taken at the same moment. Choose another."),
                       field="name")
    record("team.update", actor=actor, camp=team.camp, obj=team)
    return team


# -- joining -------------------------------------------------------------------------------

def _lock_team(team_id: int) -> Team:
    begin_write(db.session)
    team = db.session.execute(
        select(Team).where(Team.id == team_id).with_for_update()
        .execution_options(populate_existing=True)).scalar_one()
    return team


def member_count(team_id: int) -> int:
    return db.session.execute(select(func.count()).select_from(TeamMember)
                              .where(TeamMember.team_id == team_id)).scalar_one()


def _add_member(team_id: int, user_id: int, *, organiser: bool = False) -> TeamMember:
    """The one way into a team: lock the team, check the lock and the limit, insert."""
    team = _lock_team(team_id)
    if is_locked(team) and not organiser:
        raise DomainError(LOCKED)
    current = team_of(team.camp_id, user_id)
    if current is not None:
        if current.id == team.id:
            raise Conflict(_l("%(name)s is already in this team.",
                              name=_name(team.camp_id, user_id)))
        raise Conflict(_l("%(name)s is already in another team at this camp (%(team)s).",
                          name=_name(team.camp_id, user_id), team=current.name))
    if member_count(team.id) >= team.size_limit:
        raise Conflict(_l("%(team)s is full (%(limit)s people). Try another team.",
                          team=team.name, limit=team.size_limit))
    member = TeamMember(camp_id=team.camp_id, team_id=team.id, user_id=user_id)
    db.session.add(member)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_l("You joined another team at this camp at the same moment. "
                          "Leave it first."))
    if team.lead_id is None:
        team.lead_id = user_id
    _close_other_requests(team.camp_id, user_id)
    db.session.flush()
    return member


def _name(camp_id: int, user_id: int) -> str:
    person = people(camp_id, [user_id]).get(user_id)
    return person.name if person else "?"


def _close_other_requests(camp_id: int, user_id: int) -> None:
    """Someone in a team no longer waits for an answer from other teams."""
    db.session.execute(
        update(JoinRequest).where(JoinRequest.camp_id == camp_id,
                                  JoinRequest.user_id == user_id,
                                  JoinRequest.status == JoinRequestStatus.pending)
        .values(status=JoinRequestStatus.withdrawn, decided_at=utcnow()))


def invite_link_token(team: Team, now=None) -> str | None:
    """The signed token for the team's current invite link, while it is valid."""
    if team.invite_nonce is None or team.invite_expires_at is None or \
            team.invite_expires_at <= (now or utcnow()):
        return None
    return make_token(INVITE_PURPOSE, [team.id, team.invite_nonce])


def create_invite(actor: User, team: Team, hours: int) -> Team:
    """A new invite link valid for `hours`; any earlier link stops working."""
    if hours not in INVITE_HOURS:
        raise DomainError(_l("Choose how long the link should work."), field="hours")
    team.invite_nonce = secrets.token_urlsafe(16)
    team.invite_expires_at = utcnow() + timedelta(hours=hours)
    db.session.flush()
    record("team.invite", actor=actor, camp=team.camp, obj=team, hours=hours)
    return team


def revoke_invite(actor: User, team: Team) -> Team:
    team.invite_nonce = None
    team.invite_expires_at = None
    db.session.flush()
    record("team.invite_revoke", actor=actor, camp=team.camp, obj=team)
    return team


def team_for_invite(camp: Camp, token: str) -> Team:
    """The team an invite link names, or InvalidToken (tampered, revoked or expired)."""
    data = load_token(INVITE_PURPOSE, token, max_age=(max(INVITE_HOURS) + 24) * 3600)
    if not (isinstance(data, list) and len(data) == 2 and isinstance(data[0], int)
            and isinstance(data[1], str)):
        raise InvalidToken(_l("This link is not valid. Check that you copied all of it."))
    team = db.session.get(Team, data[0])
    if team is None or team.camp_id != camp.id or team.invite_nonce != data[1]:
        raise InvalidToken(_l("This invite link has been withdrawn. Ask the team for a new "
                              "one."))
    if team.invite_expires_at is None or team.invite_expires_at <= utcnow():
        raise InvalidToken(_l("This invite link has expired. Ask the team for a new one."))
    return team


def join_by_invite(user: User, camp: Camp, token: str) -> TeamMember:
    team = team_for_invite(camp, token)
    member = _add_member(team.id, user.id)
    record("team.join", actor=user, camp=camp, obj=member.team, via="invite")
    return member


def request_to_join(user: User, team: Team, message: str = "") -> JoinRequest:
    begin_write(db.session)
    if is_locked(team):
        raise DomainError(LOCKED)
    current = team_of(team.camp_id, user.id)
    if current is not None:
        raise Conflict(_l("You are already in a team at this camp (%(team)s). Leave it "
                          "first.", team=current.name))
    if pending_request_of(team, user.id) is not None:
        raise Conflict(_l("You have already asked to join this team. Wait for the lead's "
                          "answer."))
    if member_count(team.id) >= team.size_limit:
        raise Conflict(_l("%(team)s is full (%(limit)s people). Try another team.",
                          team=team.name, limit=team.size_limit))
    join_request = JoinRequest(camp_id=team.camp_id, team_id=team.id, user_id=user.id,
                               message=(message or "").strip()[:1000])
    db.session.add(join_request)
    db.session.flush()
    record("team.request", actor=user, camp=team.camp, obj=join_request, team_id=team.id)
    return join_request


def decide_request(actor: User, join_request: JoinRequest, approve: bool, *,
                   organiser: bool = False) -> JoinRequest:
    begin_write(db.session)
    if join_request.status != JoinRequestStatus.pending:
        raise Conflict(_l("This request has already been answered or withdrawn."))
    if approve:
        _add_member(join_request.team_id, join_request.user_id, organiser=organiser)
        db.session.refresh(join_request)
        join_request.status = JoinRequestStatus.approved
    else:
        join_request.status = JoinRequestStatus.declined
    join_request.decided_at = utcnow()
    join_request.decided_by_id = actor.id
    db.session.flush()
    record("team.request_" + join_request.status.value, actor=actor,
           camp=join_request.team.camp, obj=join_request)
    return join_request


def withdraw_request(user: User, join_request: JoinRequest) -> JoinRequest:
    if join_request.user_id != user.id:
        raise NotAllowed(_l("Only the person who asked can withdraw the request."))
    if join_request.status != JoinRequestStatus.pending:
        raise Conflict(_l("This request has already been answered or withdrawn."))
    join_request.status = JoinRequestStatus.withdrawn
    join_request.decided_at = utcnow()
    db.session.flush()
    return join_request


# -- leaving and the lead ------------------------------------------------------------------

def _remove_member(team: Team, user_id: int) -> None:
    """Take someone out; a lead who goes hands the lead to the longest member."""
    db.session.execute(delete(TeamMember).where(TeamMember.team_id == team.id,
                                                TeamMember.user_id == user_id))
    if team.lead_id == user_id:
        team.lead_id = db.session.execute(
            select(TeamMember.user_id).where(TeamMember.team_id == team.id)
            .order_by(TeamMember.joined_at, TeamMember.id).limit(1)).scalar()
    db.session.flush()
    db.session.expire(team, ["members"])


def leave(user: User, team: Team) -> Team:
    team = _lock_team(team.id)
    if team_of(team.camp_id, user.id) is not team:
        raise DomainError(_l("You are not in this team."))
    if is_locked(team):
        raise DomainError(LOCKED)
    _remove_member(team, user.id)
    record("team.leave", actor=user, camp=team.camp, obj=team)
    return team


def hand_over_lead(actor: User, team: Team, user_id: int | None) -> Team:
    if not any(m.user_id == user_id for m in team.members):
        raise DomainError(_l("Choose a member of the team."), field="user_id")
    if user_id == team.lead_id:
        raise DomainError(_l("That person already leads the team."), field="user_id")
    team.lead_id = user_id
    db.session.flush()
    record("team.lead", actor=actor, camp=team.camp, obj=team, lead_id=user_id)
    return team
