"""Automatic placement against the database: who is placed, where, and applying a plan.

Who is placed: confirmed registrations of the camp with a user account and no team in the
camp, with their board entry (Seeker: preferences, "together with") when they have one.
Where: the camp's teams that are not locked and have room (limit: the team's own maximum
or the camp's default). The algorithm itself is camp.teams.placement (no database).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from camp.audit import record
from camp.camps.models import Camp
from camp.db import begin_write
from camp.errors import Conflict, DomainError
from camp.extensions import db
from camp.registrations.models import Registration, RegistrationStatus
from camp.teams import placement as algo
from camp.teams.models import Seeker, Team, TeamMember


@dataclass
class Profile:
    user_id: int
    name: str
    actor_type: str
    organisation: str


@dataclass
class PlacementInput:
    camp: Camp
    people: list[algo.Person]  # to place, by name
    profiles: dict[int, Profile]  # everyone shown: people to place and team members
    teams: list[Team]  # open teams with room, by name
    slots: list[algo.TeamSlot]
    closed_teams: list[Team] = field(default_factory=list)  # locked or full
    partners: dict[int, int] = field(default_factory=dict)  # who asked to be with whom


def _profile(user_id, reg: Registration | None, user) -> Profile:
    if reg is not None:
        return Profile(user_id, reg.name, reg.actor_type.value, reg.organisation or "")
    return Profile(user_id, user.name, user.actor_type.value, user.organisation or "")


def load_inputs(camp: Camp) -> PlacementInput:
    """Everything the preview needs, in five queries whatever the camp's size."""
    in_a_team = select(TeamMember.user_id).where(TeamMember.camp_id == camp.id)
    waiting = db.session.execute(
        select(Registration).where(
            Registration.camp_id == camp.id,
            Registration.status == RegistrationStatus.confirmed,
            Registration.user_id.is_not(None), Registration.user_id.not_in(in_a_team))
        .order_by(func.lower(Registration.name), Registration.id)).scalars().all()
    seekers = {s.user_id: s for s in db.session.execute(
        select(Seeker).where(Seeker.camp_id == camp.id)).scalars()}
    teams = db.session.execute(
        select(Team).where(Team.camp_id == camp.id)
        .options(joinedload(Team.challenge),
                 selectinload(Team.members).joinedload(TeamMember.user))
        .order_by(func.lower(Team.name), Team.id)).unique().scalars().all()
    member_ids = [m.user_id for t in teams for m in t.members]
    member_regs = {r.user_id: r for r in db.session.execute(
        select(Registration).where(Registration.camp_id == camp.id,
                                   Registration.user_id.in_(member_ids))).scalars()} \
        if member_ids else {}

    profiles = {r.user_id: _profile(r.user_id, r, None) for r in waiting}
    for team in teams:
        for m in team.members:
            profiles[m.user_id] = _profile(m.user_id, member_regs.get(m.user_id), m.user)

    ids = [r.user_id for r in waiting]
    id_set = set(ids)
    partners = {uid: seekers[uid].together_with_id for uid in ids
                if uid in seekers and seekers[uid].together_with_id in id_set}
    groups = algo.groups_from_pairs(ids, partners.items())
    people = []
    for uid in ids:
        p = profiles[uid]
        prefs = tuple(c for c in (seekers[uid].preferences or []) if isinstance(c, int)) \
            if uid in seekers else ()
        people.append(algo.Person(uid, p.actor_type, p.organisation, prefs, groups.get(uid)))

    open_teams, closed, slots = [], [], []
    for team in teams:
        room = team.size_limit - len(team.members)
        if team.locked_at is not None or room <= 0:
            closed.append(team)
            continue
        open_teams.append(team)
        members = [profiles[m.user_id] for m in team.members]
        slots.append(algo.TeamSlot(
            team.id, team.challenge_id, room,
            actor_types=tuple(m.actor_type for m in members),
            organisations=tuple(m.organisation for m in members),
            minimum=team.size_minimum))
    return PlacementInput(camp, people, profiles, open_teams, slots, closed, partners)


def apply_placement(actor, camp: Camp, assignments: dict[int, int | None]) -> list[TeamMember]:
    """Put people into teams as planned; all of it or nothing.

    Re-checks under the write lock (teams locked with FOR UPDATE on PostgreSQL; SQLite's
    BEGIN IMMEDIATE) that each person still has a confirmed seat and no team, and that
    each team is still open and has room for everyone chosen for it.
    """
    chosen = {int(uid): int(tid) for uid, tid in assignments.items() if tid}
    if not chosen:
        raise DomainError(_l("Choose a team for at least one person, or nothing is placed."))
    begin_write(db.session)
    teams = {t.id: t for t in db.session.execute(
        select(Team).where(Team.camp_id == camp.id, Team.id.in_(set(chosen.values())))
        .order_by(Team.id).with_for_update()).scalars()}
    if set(chosen.values()) - set(teams):
        raise Conflict(_l("One of the chosen teams no longer exists. Reload the page."))
    sizes = dict(db.session.execute(
        select(TeamMember.team_id, func.count()).where(TeamMember.team_id.in_(list(teams)))
        .group_by(TeamMember.team_id)).all())
    regs = {r.user_id: r for r in db.session.execute(
        select(Registration).where(Registration.camp_id == camp.id,
                                   Registration.user_id.in_(list(chosen)))).scalars()}
    for uid in chosen:
        reg = regs.get(uid)
        if reg is None or reg.status != RegistrationStatus.confirmed:
            raise Conflict(_l("Someone in the plan no longer has a confirmed seat at this "
                              "camp. Nothing was placed; check the new proposal."))
    already = dict(db.session.execute(
        select(TeamMember.user_id, Team.name).join(Team, Team.id == TeamMember.team_id)
        .where(TeamMember.camp_id == camp.id, TeamMember.user_id.in_(list(chosen)))).all())
    for uid in chosen:
        if uid in already:
            raise Conflict(_l("%(name)s has joined the team %(team)s since the preview was "
                              "made. Nothing was placed; check the new proposal.",
                              name=regs[uid].name, team=already[uid]))
    wanted = Counter(chosen.values())
    for tid, team in teams.items():
        if team.locked_at is not None:
            raise Conflict(_l("The team %(team)s has been locked. Nothing was placed; "
                              "choose another team.", team=team.name))
        room = team.size_limit - sizes.get(tid, 0)
        if wanted[tid] > room:
            raise DomainError(_l(
                "The team %(team)s has room for %(room)s more, but %(chosen)s were chosen "
                "for it. Nothing was placed.", team=team.name, room=max(room, 0),
                chosen=wanted[tid]))
    members = [TeamMember(camp_id=camp.id, team_id=tid, user_id=uid)
               for uid, tid in chosen.items()]
    db.session.add_all(members)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_l("Someone joined a team at the same moment. Nothing was placed; "
                          "check the new proposal.")) from None
    record("teams.placement_applied", actor=actor, camp=camp, placed=len(members),
           assignments={str(uid): tid for uid, tid in chosen.items()})
    return members


@dataclass
class TeamView:
    team: Team
    limit: int
    members: list[Profile]
    newcomers: list[Profile]
    mix_before: float
    mix_after: float
    actor_types: list[tuple[str, int]]
    organisations: list[tuple[str, int]]
    one_sector: bool
    one_organisation: bool
    below_minimum: bool


@dataclass
class Summary:
    teams: list[TeamView]
    before: float
    after: float
    random: float
    preferences: dict
    ranks: dict[int, int | None]
    unplaced: list[tuple[Profile, str]]
    kept_groups: list[list[Profile]]
    split_groups: list[list[Profile]]
    placed: int


def summarise(data: PlacementInput, result: algo.Placement,
              assignment: dict[int, int]) -> Summary:
    """What the page shows for `assignment` (the proposal, or the organiser's changes)."""
    people = {p.id: p for p in data.people}
    challenge = {s.id: s.challenge_id for s in data.slots}
    ranks = {uid: algo.preference_rank(people[uid], challenge[tid])
             for uid, tid in assignment.items()}
    views = []
    for team in data.teams:
        members = [data.profiles[m.user_id] for m in team.members]
        newcomers = [data.profiles[uid] for uid, tid in assignment.items() if tid == team.id]
        everyone = members + newcomers
        actors = Counter(p.actor_type for p in everyone)
        orgs = Counter(p.organisation.strip() for p in everyone)
        views.append(TeamView(
            team=team, limit=team.size_limit, members=members, newcomers=newcomers,
            mix_before=algo.mix([p.actor_type for p in members],
                                [p.organisation for p in members]),
            mix_after=algo.mix([p.actor_type for p in everyone],
                               [p.organisation for p in everyone]),
            actor_types=actors.most_common(), organisations=orgs.most_common(),
            one_sector=len(everyone) > 1 and len(actors) == 1,
            one_organisation=len(everyone) > 1 and len(orgs) == 1 and "" not in orgs,
            below_minimum=0 < len(everyone) < team.size_minimum))
    unplaced = [(data.profiles[p.id], result.unplaced.get(p.id, "by_hand"))
                for p in data.people if p.id not in assignment]
    groups: dict = {}
    for p in data.people:
        if p.group is not None:
            groups.setdefault(p.group, []).append(p.id)
    kept, split = [], []
    for ids in groups.values():
        where = {assignment.get(i) for i in ids}
        profiles = [data.profiles[i] for i in ids]
        if len(where) == 1 and None not in where:
            kept.append(profiles)
        elif where != {None}:
            split.append(profiles)
    return Summary(
        teams=views, before=result.diversity_before,
        after=algo.diversity(data.people, data.slots, assignment),
        random=result.diversity_random,
        preferences=algo.preference_counts(data.people, ranks), ranks=ranks,
        unplaced=unplaced, kept_groups=kept, split_groups=split, placed=len(assignment))
