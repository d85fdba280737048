"""People's choice: every participant with a seat casts one final vote per camp, for a
submitted prototype of another team, while the organisers' voting window is open; the
organisers publish the results when they choose.

The UniqueConstraint(camp_id, voter_id) on Vote is the guard against two votes at once:
the service checks first (for a clear message) and catches the constraint's
IntegrityError (for the vote that raced past the check). Plain functions; views commit.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from camp.audit import record
from camp.camps.models import Camp
from camp.db import begin_write, utcnow
from camp.errors import Conflict, DomainError, NotAllowed
from camp.extensions import db
from camp.i18n import format_local
from camp.judging.models import Vote
from camp.prototypes.models import Prototype, PrototypeRevision, PrototypeStatus
from camp.registrations.models import Registration, RegistrationStatus
from camp.teams.models import Team, TeamMember

# --- The window ---------------------------------------------------------------------------

UNSET, BEFORE, OPEN, AFTER = "unset", "before", "open", "after"


def window_state(camp: Camp, now: datetime | None = None) -> str:
    """Where `now` is relative to the voting window; no window set means closed."""
    opens, closes = camp.voting_opens_at, camp.voting_closes_at
    if opens is None or closes is None:
        return UNSET
    now = now or utcnow()
    if now < opens:
        return BEFORE
    if now >= closes:
        return AFTER
    return OPEN


def _when(camp: Camp, dt: datetime) -> str:
    return format_local(dt, camp.timezone, "full")


def closed_message(camp: Camp, now: datetime | None = None):
    """Why votes are not taken now, with the window's times; None while open."""
    state = window_state(camp, now)
    if state == UNSET:
        return _l("Voting is closed: the organisers have not opened it yet.")
    if state == BEFORE:
        return _l("Voting has not opened yet. It is open from %(opens)s until %(closes)s.",
                  opens=_when(camp, camp.voting_opens_at),
                  closes=_when(camp, camp.voting_closes_at))
    if state == AFTER:
        return _l("Voting closed %(closes)s.", closes=_when(camp, camp.voting_closes_at))
    return None


def set_window(actor, camp: Camp, opens: datetime | None, closes: datetime | None) -> Camp:
    """Both times (aware, UTC) or neither (voting closed)."""
    if (opens is None) != (closes is None):
        missing = "voting_opens_at" if opens is None else "voting_closes_at"
        raise DomainError(_l("Give both times, or leave both empty to keep voting closed."),
                          field=missing)
    if opens is not None and closes <= opens:
        raise DomainError(_l("Voting must close after it opens."), field="voting_closes_at")
    camp.voting_opens_at, camp.voting_closes_at = opens, closes
    db.session.flush()
    record("votes.window", actor=actor, camp=camp, obj=camp,
           opens=opens.isoformat() if opens else None,
           closes=closes.isoformat() if closes else None)
    return camp


def publish(actor, camp: Camp, now: datetime | None = None) -> Camp:
    if camp.votes_published_at is not None:
        raise DomainError(_l("The people's choice results are already published."))
    camp.votes_published_at = now or utcnow()
    db.session.flush()
    record("votes.publish", actor=actor, camp=camp, obj=camp)
    return camp


def unpublish(actor, camp: Camp) -> Camp:
    if camp.votes_published_at is None:
        raise DomainError(_l("The people's choice results are not published."))
    camp.votes_published_at = None
    db.session.flush()
    record("votes.unpublish", actor=actor, camp=camp, obj=camp)
    return camp


# --- Casting a vote -----------------------------------------------------------------------

def vote_of(user, camp: Camp) -> Vote | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.execute(
        select(Vote).where(Vote.camp_id == camp.id, Vote.voter_id == user.id)).scalar()


def has_seat(user, camp: Camp) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return db.session.execute(
        select(Registration.id).where(Registration.camp_id == camp.id,
                                      Registration.user_id == user.id,
                                      Registration.status == RegistrationStatus.confirmed)
    ).first() is not None


def in_team(user, prototype: Prototype) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    member = db.session.execute(
        select(TeamMember.id).where(TeamMember.team_id == prototype.team_id,
                                    TeamMember.user_id == user.id)).first()
    return member is not None or db.session.execute(
        select(Team.id).where(Team.id == prototype.team_id, Team.lead_id == user.id)
    ).first() is not None


def public_title(prototype: Prototype) -> str:
    """The title as last submitted (the row may hold a newer, unsubmitted draft)."""
    return prototype.revisions[-1].data.get("title") or prototype.title \
        if prototype.revisions else prototype.title


def _already(camp: Camp, vote: Vote | None):
    if vote is None:
        return Conflict(_l("You have already voted in this camp. A vote is final."))
    return Conflict(_l("You have already voted for \u201c%(title)s\u201d. A vote is final.",
                       title=public_title(vote.prototype)))


_UNKNOWN = object()


def refusal(user, camp: Camp, prototype: Prototype, now: datetime | None = None,
            vote=_UNKNOWN):
    """Why `user` may not vote for `prototype` now (a DomainError), or None.

    `vote` is the user's vote in the camp (or None) when the caller has looked it up.
    """
    if prototype.camp_id != camp.id:
        return DomainError(_l("That prototype is not part of this camp."))
    if prototype.status != PrototypeStatus.submitted:
        return DomainError(_l("Only submitted prototypes take part in the people's choice."))
    if vote is _UNKNOWN:
        vote = vote_of(user, camp)
    if vote is not None:
        return _already(camp, vote)
    message = closed_message(camp, now)
    if message is not None:
        return DomainError(message)
    if not has_seat(user, camp):
        return NotAllowed(_l("Only participants with a confirmed seat at the camp can vote."))
    if in_team(user, prototype):
        return NotAllowed(_l("You cannot vote for your own team's prototype."))
    return None


def cast_vote(actor, camp: Camp, prototype: Prototype, now: datetime | None = None) -> Vote:
    """One final vote by `actor` for `prototype`; refused with a clear message otherwise."""
    begin_write(db.session)  # SQLite: the check below and the insert in one writer's lock
    problem = refusal(actor, camp, prototype, now)
    if problem is not None:
        raise problem
    vote = Vote(camp_id=camp.id, voter_id=actor.id, prototype_id=prototype.id,
                created_at=now or utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(vote)
    except IntegrityError:
        # Another request of the same person got in between the check and the insert.
        raise _already(camp, None) from None
    record("votes.cast", actor=actor, camp=camp, obj=vote, prototype_id=prototype.id)
    db.session.flush()
    return vote


# --- Results ------------------------------------------------------------------------------

@dataclass
class ResultRow:
    rank: int
    prototype: Prototype
    title: str
    votes: int


def latest_revisions(camp_id: int):
    """Subquery: each prototype's last revision number (prototype_id, number)."""
    return (select(PrototypeRevision.prototype_id,
                   func.max(PrototypeRevision.number).label("number"))
            .join(Prototype, Prototype.id == PrototypeRevision.prototype_id)
            .where(Prototype.camp_id == camp_id)
            .group_by(PrototypeRevision.prototype_id).subquery())


def results(camp: Camp) -> list[ResultRow]:
    """Every submitted prototype with its votes, most first; ties share a rank (1, 2, 2,
    4). A constant number of queries."""
    counts = (select(Vote.prototype_id, func.count(Vote.id).label("n"))
              .where(Vote.camp_id == camp.id).group_by(Vote.prototype_id).subquery())
    last = latest_revisions(camp.id)
    n = func.coalesce(counts.c.n, 0)
    rows = db.session.execute(
        select(Prototype, PrototypeRevision, n)
        .outerjoin(counts, counts.c.prototype_id == Prototype.id)
        .outerjoin(last, last.c.prototype_id == Prototype.id)
        .outerjoin(PrototypeRevision, (PrototypeRevision.prototype_id == Prototype.id)
                   & (PrototypeRevision.number == last.c.number))
        .where(Prototype.camp_id == camp.id,
               Prototype.status == PrototypeStatus.submitted)
        .options(db.joinedload(Prototype.team), db.joinedload(Prototype.challenge))
        .order_by(n.desc(), Prototype.id)).all()
    out: list[ResultRow] = []
    for index, (prototype, rev, votes) in enumerate(rows):
        rank = out[-1].rank if out and out[-1].votes == votes else index + 1
        title = (rev.data.get("title") if rev is not None else None) or prototype.title
        out.append(ResultRow(rank, prototype, title, int(votes)))
    return out


def total_votes(camp: Camp) -> int:
    return db.session.execute(
        select(func.count(Vote.id)).where(Vote.camp_id == camp.id)).scalar_one()


def results_csv(camp: Camp, rows: list[ResultRow], url_of) -> bytes:
    """One line per prototype, for Excel (BOM, ';')."""
    from camp.csvfile import to_csv
    header = [_l("Rank"), _l("Prototype"), _l("Team"), _l("Challenge"), _l("Votes"),
              _l("Address")]
    return to_csv(header, ([r.rank, r.title, r.prototype.team.name,
                            r.prototype.challenge.title, r.votes, url_of(r.prototype)]
                           for r in rows))


# --- Personal data ------------------------------------------------------------------------

def export_user_votes(user) -> list[dict]:
    """The user's people's-choice votes, for their data export."""
    rows = db.session.execute(
        select(Vote).where(Vote.voter_id == user.id)
        .options(db.joinedload(Vote.prototype).joinedload(Prototype.camp))
        .order_by(Vote.created_at, Vote.id)).unique().scalars().all()
    return [{"camp": v.prototype.camp.slug, "prototype": public_title(v.prototype),
             "at": v.created_at.isoformat()} for v in rows]
