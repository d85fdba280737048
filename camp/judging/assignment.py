"""Jury assignment: which juror scores which submitted prototype.

`plan_assignments` is pure (plain data in, pairs out) so its rules are easy to test:
every prototype gets at least `per_prototype` jurors, new pairs go to the eligible juror
with the fewest assignments, and a juror never judges a prototype of their own team, of
a team with a member from their organisation, or on a challenge their organisation owns.
The services below feed it from the database, store the plan, and let organisers adjust.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from camp.audit import record
from camp.auth.models import User
from camp.camps.models import Camp, Membership, Role
from camp.challenges.models import Challenge, ChallengeOwner
from camp.db import begin_write
from camp.errors import DomainError
from camp.extensions import db
from camp.judging.models import Criterion, JuryAssignment, Score
from camp.prototypes.models import Prototype, PrototypeStatus
from camp.teams.models import Team, TeamMember

PER_PROTOTYPE_MIN = 2
PER_PROTOTYPE_MAX = 5


def organisation_key(name: str | None) -> str:
    """Organisation names compared trimmed, with runs of spaces as one, case-folded."""
    return " ".join((name or "").split()).casefold()


@dataclass(frozen=True)
class JurorInfo:
    id: int
    organisation: str = ""  # as typed; compared through organisation_key
    name: str = ""


@dataclass(frozen=True)
class PrototypeInfo:
    id: int
    member_ids: frozenset[int] = frozenset()
    # Organisation names of the team's members, and of the challenge's owner
    # (Challenge.owner_organisation and each owner user's organisation).
    team_organisations: frozenset[str] = frozenset()
    challenge_organisations: frozenset[str] = frozenset()
    title: str = ""


@dataclass(frozen=True)
class Conflict:
    kind: str  # "member" | "team_organisation" | "challenge_organisation"
    organisation: str = ""

    @property
    def message(self):
        if self.kind == "member":
            return _l("is a member of the team")
        if self.kind == "team_organisation":
            return _l("%(org)s has a member in the team", org=self.organisation)
        return _l("%(org)s owns the challenge", org=self.organisation)


def conflict(juror: JurorInfo, prototype: PrototypeInfo) -> Conflict | None:
    """Why this juror may not judge this prototype, or None. An empty organisation never
    conflicts."""
    if juror.id in prototype.member_ids:
        return Conflict("member")
    key = organisation_key(juror.organisation)
    if not key:
        return None
    if any(organisation_key(o) == key for o in prototype.challenge_organisations):
        return Conflict("challenge_organisation", juror.organisation.strip())
    if any(organisation_key(o) == key for o in prototype.team_organisations):
        return Conflict("team_organisation", juror.organisation.strip())
    return None


def plan_assignments(prototypes: Iterable[PrototypeInfo], jurors: Iterable[JurorInfo],
                     existing: Iterable[tuple[int, int]], per_prototype: int = 2
                     ) -> list[tuple[int, int]]:
    """The (juror_id, prototype_id) pairs to add so that every prototype has at least
    `per_prototype` jurors. Existing pairs are kept and count, for the prototype and for
    the juror's load. Each new pair goes to the eligible juror with the fewest
    assignments (ties: the lowest id); the prototypes with the fewest eligible jurors are
    served first so that the scarce jurors go where they are needed. A prototype that
    cannot reach the minimum gets what there is (see `shortfalls`)."""
    prototypes = list(prototypes)
    jurors = sorted(jurors, key=lambda j: j.id)
    taken = set(existing)
    load = Counter(j for j, _p in taken)
    eligible = {p.id: [j for j in jurors if conflict(j, p) is None] for p in prototypes}
    order = sorted(prototypes, key=lambda p: (len(eligible[p.id]), p.id))
    added = []
    for p in order:
        # Only jurors still on the jury count: someone who left can no longer score.
        have = sum(1 for j in jurors if (j.id, p.id) in taken)
        while have < per_prototype:
            candidates = [j for j in eligible[p.id] if (j.id, p.id) not in taken]
            if not candidates:
                break
            best = min(candidates, key=lambda j: (load[j.id], j.id))
            taken.add((best.id, p.id))
            load[best.id] += 1
            added.append((best.id, p.id))
            have += 1
    return added


@dataclass
class Shortfall:
    prototype: PrototypeInfo
    assigned: int
    eligible: int
    excluded: list[tuple[JurorInfo, Conflict]] = field(default_factory=list)


def shortfalls(prototypes: Iterable[PrototypeInfo], jurors: Iterable[JurorInfo],
               existing: Iterable[tuple[int, int]], per_prototype: int = 2
               ) -> list[Shortfall]:
    """The prototypes with fewer than `per_prototype` jurors (on the jury), with how many
    jurors are eligible at all and who is excluded and why."""
    jurors = sorted(jurors, key=lambda j: j.id)
    ids = {j.id for j in jurors}
    per = Counter(pid for jid, pid in set(existing) if jid in ids)
    out = []
    for p in prototypes:
        if per[p.id] >= per_prototype:
            continue
        excluded = [(j, c) for j in jurors if (c := conflict(j, p)) is not None]
        out.append(Shortfall(p, per[p.id], len(jurors) - len(excluded), excluded))
    return out


# -- reading from the database --------------------------------------------------------------

def jurors_of(camp: Camp) -> list[User]:
    """The users with the jury role in the camp (not deleted), by name."""
    return db.session.execute(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.camp_id == camp.id, Membership.role == Role.jury,
               User.deleted_at.is_(None))
        .order_by(User.name, User.id)).scalars().all()


def submitted_prototypes(camp: Camp) -> list[Prototype]:
    """The camp's submitted prototypes with their team's members and the challenge's
    owners loaded (a constant number of queries)."""
    return db.session.execute(
        select(Prototype).where(Prototype.camp_id == camp.id,
                                Prototype.status == PrototypeStatus.submitted)
        .options(db.joinedload(Prototype.team).selectinload(Team.members)
                 .joinedload(TeamMember.user),
                 db.joinedload(Prototype.challenge).selectinload(Challenge.owners)
                 .joinedload(ChallengeOwner.user))
        .order_by(Prototype.title, Prototype.id)).unique().scalars().all()


def juror_info(user: User) -> JurorInfo:
    return JurorInfo(user.id, user.organisation or "", user.name)


def prototype_info(p: Prototype) -> PrototypeInfo:
    members = p.team.members
    challenge_orgs = {p.challenge.owner_organisation or ""} | {
        o.user.organisation or "" for o in p.challenge.owners}
    return PrototypeInfo(
        p.id, frozenset(m.user_id for m in members),
        frozenset(m.user.organisation or "" for m in members),
        frozenset(o for o in challenge_orgs if organisation_key(o)), p.title)


def _assignments(camp: Camp) -> list[JuryAssignment]:
    return db.session.execute(
        select(JuryAssignment).where(JuryAssignment.camp_id == camp.id)
        .order_by(JuryAssignment.id)).scalars().all()


def check_per_prototype(per_prototype) -> int:
    if not isinstance(per_prototype, int) or not \
            PER_PROTOTYPE_MIN <= per_prototype <= PER_PROTOTYPE_MAX:
        raise DomainError(_l("Choose between %(low)s and %(high)s jurors per prototype.",
                             low=PER_PROTOTYPE_MIN, high=PER_PROTOTYPE_MAX),
                          field="per_prototype")
    return per_prototype


# -- the organiser's actions ----------------------------------------------------------------

@dataclass
class AutoResult:
    added: list[JuryAssignment]
    shortfalls: list[Shortfall]


def _lock_camp(camp: Camp) -> None:
    """Serialise the organisers' assignment changes (PostgreSQL; SQLite has begin_write)."""
    begin_write(db.session)
    db.session.execute(select(Camp.id).where(Camp.id == camp.id).with_for_update()).one()


def assign_automatically(actor: User, camp: Camp, per_prototype: int = 2) -> AutoResult:
    """Add what is missing so every submitted prototype has `per_prototype` jurors.
    Keeps every existing assignment (manual ones too); running it again adds nothing."""
    check_per_prototype(per_prototype)
    _lock_camp(camp)
    jurors = [juror_info(u) for u in jurors_of(camp)]
    prototypes = [prototype_info(p) for p in submitted_prototypes(camp)]
    existing = [(a.juror_id, a.prototype_id) for a in _assignments(camp)]
    plan = plan_assignments(prototypes, jurors, existing, per_prototype)
    added = [JuryAssignment(camp_id=camp.id, juror_id=j, prototype_id=p, manual=False)
             for j, p in plan]
    db.session.add_all(added)
    db.session.flush()
    record("jury.assign", actor=actor, camp=camp, obj=camp, per_prototype=per_prototype,
           added=len(added))
    return AutoResult(added, shortfalls(prototypes, jurors, existing + plan, per_prototype))


def add_assignment(actor: User, camp: Camp, prototype: Prototype, juror: User
                   ) -> JuryAssignment:
    """An organiser assigns a juror by hand; conflicts and duplicates are refused."""
    _lock_camp(camp)
    if prototype.camp_id != camp.id or prototype.status != PrototypeStatus.submitted:
        raise DomainError(_l("Only submitted prototypes of this camp are judged."))
    if juror.id not in {u.id for u in jurors_of(camp)}:
        raise DomainError(_l("%(name)s is not on the camp's jury.", name=juror.name))
    found = conflict(juror_info(juror), prototype_info(prototype))
    if found is not None:
        raise DomainError(_l("%(name)s cannot judge %(prototype)s: %(reason)s.",
                             name=juror.name, prototype=prototype.title,
                             reason=found.message))
    duplicate = db.session.execute(
        select(JuryAssignment.id).where(JuryAssignment.juror_id == juror.id,
                                        JuryAssignment.prototype_id == prototype.id)).first()
    if duplicate is not None:
        raise DomainError(_l("%(name)s is already assigned to %(prototype)s.",
                             name=juror.name, prototype=prototype.title))
    assignment = JuryAssignment(camp_id=camp.id, juror_id=juror.id,
                                prototype_id=prototype.id, manual=True)
    db.session.add(assignment)
    db.session.flush()
    record("jury.assignment_add", actor=actor, camp=camp, obj=assignment,
           juror_id=juror.id, prototype_id=prototype.id)
    return assignment


def remove_assignment(actor: User, camp: Camp, assignment: JuryAssignment) -> int:
    """Remove an assignment and its scores; returns how many scores went with it."""
    _lock_camp(camp)
    scores = db.session.execute(select(func.count()).select_from(Score).where(
        Score.assignment_id == assignment.id)).scalar_one()
    record("jury.assignment_remove", actor=actor, camp=camp, obj=assignment,
           juror_id=assignment.juror_id, prototype_id=assignment.prototype_id, scores=scores)
    db.session.delete(assignment)
    db.session.flush()
    return scores


# -- the organiser's page -------------------------------------------------------------------

@dataclass
class Assigned:
    assignment: JuryAssignment
    juror: User
    scored: int  # criteria scored
    conflict: Conflict | None  # an assignment made before an organisation changed
    on_jury: bool = True  # False: the juror has left the jury and cannot score


@dataclass
class PrototypeRow:
    prototype: Prototype
    assigned: list[Assigned]
    eligible: list[User]  # jurors who may still be added
    excluded: list[tuple[User, Conflict]]


@dataclass
class JurorRow:
    juror: User
    load: int
    scored: int  # assignments with every criterion scored


@dataclass
class Overview:
    prototypes: list[PrototypeRow]
    jurors: list[JurorRow]
    shortfalls: list[Shortfall]
    criteria: int


def overview(camp: Camp, per_prototype: int = 2) -> Overview:
    """Everything the jury page shows, in a constant number of queries."""
    users = jurors_of(camp)
    by_id = {u.id: u for u in users}
    jurors = [juror_info(u) for u in users]
    prototypes = submitted_prototypes(camp)
    infos = {p.id: prototype_info(p) for p in prototypes}
    criteria = db.session.execute(select(func.count()).select_from(Criterion).where(
        Criterion.camp_id == camp.id)).scalar_one()
    assignments = db.session.execute(
        select(JuryAssignment).where(JuryAssignment.camp_id == camp.id)
        .options(db.joinedload(JuryAssignment.juror))
        .order_by(JuryAssignment.id)).scalars().all()
    counts = dict(db.session.execute(
        select(Score.assignment_id, func.count()).join(JuryAssignment)
        .where(JuryAssignment.camp_id == camp.id).group_by(Score.assignment_id)).all())
    per_proto: dict[int, list[Assigned]] = {}
    load = Counter()
    done = Counter()
    for a in assignments:
        scored = counts.get(a.id, 0)
        load[a.juror_id] += 1
        complete = criteria > 0 and scored >= criteria
        done[a.juror_id] += complete
        info = infos.get(a.prototype_id)
        found = conflict(juror_info(a.juror), info) if info is not None else None
        per_proto.setdefault(a.prototype_id, []).append(
            Assigned(a, a.juror, scored, found, a.juror_id in by_id))
    rows = []
    for p in prototypes:
        assigned = sorted(per_proto.get(p.id, []), key=lambda x: (x.juror.name, x.juror.id))
        taken = {x.juror.id for x in assigned}
        excluded, eligible = [], []
        for j in jurors:
            c = conflict(j, infos[p.id])
            if c is not None:
                excluded.append((by_id[j.id], c))
            elif j.id not in taken:
                eligible.append(by_id[j.id])
        rows.append(PrototypeRow(p, assigned, eligible, excluded))
    existing = [(a.juror_id, a.prototype_id) for a in assignments]
    return Overview(rows, [JurorRow(u, load[u.id], done[u.id]) for u in users],
                    shortfalls(infos.values(), jurors, existing, per_prototype), criteria)
