"""The owner's dashboard across all camps and the organisers' follow-up overview per camp.

Both read a constant number of queries however many trials there are: the trials with
their prototypes, then the overdue reviews and milestones counted per trial in one
grouped query each.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import func, select

from camp.camps.models import Camp
from camp.challenges.models import Challenge, ChallengeOwner
from camp.db import utcnow
from camp.extensions import db
from camp.i18n import zone
from camp.prototypes.models import Prototype, PrototypeStatus
from camp.trials.labels import STATUS_CLASSES, STATUS_LABELS
from camp.trials.models import Milestone, Review, Trial, TrialPrototype, TrialStatus

OUTCOMES = frozenset({TrialStatus.scaled_up, TrialStatus.adapted, TrialStatus.stopped})
# An unfinished trial without an update for this many days needs attention.
STALE_DAYS = 30


def local_today(tz: str | None = None, now: datetime | None = None) -> date:
    """Today's date in a time zone (the installation's default without one)."""
    return (now or utcnow()).astimezone(zone(tz)).date()


@dataclass
class TrialRow:
    trial: Trial
    overdue_reviews: int = 0
    overdue_milestones: int = 0
    days_since_update: int = 0

    @property
    def finished(self) -> bool:
        return self.trial.status in OUTCOMES

    @property
    def stale(self) -> bool:
        return not self.finished and self.days_since_update >= STALE_DAYS

    @property
    def overdue(self) -> int:
        return self.overdue_reviews + self.overdue_milestones

    @property
    def needs_attention(self) -> bool:
        return not self.finished and (self.overdue > 0 or self.stale)

    @property
    def status_label(self):
        return STATUS_LABELS[self.trial.status]

    @property
    def status_class(self) -> str:
        return STATUS_CLASSES[self.trial.status]

    def sort_key(self):
        """Most in need of attention first; finished trials last."""
        return (self.finished, not self.needs_attention, -self.overdue,
                -self.days_since_update, self.trial.title.lower(), self.trial.id)


def overdue_counts(trial_ids, today: date) -> dict[int, tuple[int, int]]:
    """trial id -> (reviews not held and due before today, milestones not done and due
    before today), in two queries."""
    ids = list(trial_ids)
    if not ids:
        return {}
    reviews = dict(db.session.execute(
        select(Review.trial_id, func.count(Review.id))
        .where(Review.trial_id.in_(ids), Review.held_at.is_(None), Review.due_on < today)
        .group_by(Review.trial_id)).all())
    milestones = dict(db.session.execute(
        select(Milestone.trial_id, func.count(Milestone.id))
        .where(Milestone.trial_id.in_(ids), Milestone.done_at.is_(None),
               Milestone.due_on < today)
        .group_by(Milestone.trial_id)).all())
    return {i: (int(reviews.get(i, 0)), int(milestones.get(i, 0))) for i in ids}


def days_since_update(trial: Trial, now: datetime | None = None) -> int:
    last = trial.last_update_at or trial.created_at
    return max(0, ((now or utcnow()) - last).days) if last else 0


def trial_rows(trials, today: date | None = None, now: datetime | None = None) -> list[TrialRow]:
    """Rows for these trials, most in need of attention first (two queries)."""
    now = now or utcnow()
    today = today or local_today(now=now)
    counts = overdue_counts((t.id for t in trials), today)
    rows = [TrialRow(t, *counts.get(t.id, (0, 0)), days_since_update(t, now)) for t in trials]
    rows.sort(key=TrialRow.sort_key)
    return rows


def _trials_where(*criteria) -> list[Trial]:
    return db.session.execute(
        select(Trial).where(*criteria)
        .options(db.joinedload(Trial.camp), db.joinedload(Trial.challenge),
                 db.selectinload(Trial.links).joinedload(TrialPrototype.prototype))
        .order_by(Trial.created_at, Trial.id)).unique().scalars().all()


# --- The owner's dashboard ----------------------------------------------------------------

@dataclass
class PrototypeRow:
    prototype: Prototype
    trials: list[TrialRow] = field(default_factory=list)


@dataclass
class ChallengeBlock:
    challenge: Challenge
    prototypes: list[PrototypeRow] = field(default_factory=list)
    trials: list[TrialRow] = field(default_factory=list)


@dataclass
class Dashboard:
    challenges: list[ChallengeBlock]
    trials: list[TrialRow]

    @property
    def attention(self) -> list[TrialRow]:
        return [r for r in self.trials if r.needs_attention]


def owner_dashboard(user, today: date | None = None, now: datetime | None = None) -> Dashboard:
    """For the challenges `user` owns in every camp: their submitted prototypes and trials,
    the trials ordered by need of attention. Six queries however much there is."""
    challenges = db.session.execute(
        select(Challenge).join(ChallengeOwner, ChallengeOwner.challenge_id == Challenge.id)
        .where(ChallengeOwner.user_id == user.id)
        .options(db.joinedload(Challenge.camp))
        .order_by(Challenge.created_at.desc(), Challenge.id.desc())).unique().scalars().all()
    if not challenges:
        return Dashboard([], [])
    ids = [c.id for c in challenges]
    prototypes = db.session.execute(
        select(Prototype).where(Prototype.challenge_id.in_(ids),
                                Prototype.status == PrototypeStatus.submitted)
        .options(db.joinedload(Prototype.team))
        .order_by(Prototype.title, Prototype.id)).unique().scalars().all()
    rows = trial_rows(_trials_where(Trial.challenge_id.in_(ids)), today, now)
    blocks = {c.id: ChallengeBlock(c) for c in challenges}
    by_prototype = {p.id: PrototypeRow(p) for p in prototypes}
    for p in prototypes:
        blocks[p.challenge_id].prototypes.append(by_prototype[p.id])
    for row in rows:
        blocks[row.trial.challenge_id].trials.append(row)
        for link in row.trial.links:
            if link.prototype_id in by_prototype:
                by_prototype[link.prototype_id].trials.append(row)
    return Dashboard(list(blocks.values()), rows)


# --- The organisers' follow-up ------------------------------------------------------------

@dataclass
class FollowUpRow:
    prototype: Prototype
    trial: TrialRow | None  # the newest trial the prototype went into


@dataclass
class FollowUp:
    camp: Camp
    rows: list[FollowUpRow]
    trials: list[TrialRow]

    @property
    def prototypes(self) -> int:
        return len(self.rows)

    @property
    def in_trial(self) -> int:
        return sum(1 for r in self.rows if r.trial is not None)

    @property
    def by_status(self) -> dict[TrialStatus, int]:
        """Prototypes counted by the status of their (newest) trial; every status named."""
        counts = {s: 0 for s in TrialStatus}
        for r in self.rows:
            if r.trial is not None:
                counts[r.trial.trial.status] += 1
        return counts


def follow_up(camp: Camp, today: date | None = None, now: datetime | None = None) -> FollowUp:
    """The camp's submitted prototypes and what became of them (five queries)."""
    now = now or utcnow()
    today = today or local_today(camp.timezone, now)
    prototypes = db.session.execute(
        select(Prototype).where(Prototype.camp_id == camp.id,
                                Prototype.status == PrototypeStatus.submitted)
        .options(db.joinedload(Prototype.team), db.joinedload(Prototype.challenge))
        .order_by(Prototype.title, Prototype.id)).unique().scalars().all()
    trials = trial_rows(_trials_where(Trial.camp_id == camp.id), today, now)
    newest: dict[int, TrialRow] = {}
    for row in sorted(trials, key=lambda r: (r.trial.created_at, r.trial.id)):
        for link in row.trial.links:
            newest[link.prototype_id] = row
    rows = [FollowUpRow(p, newest.get(p.id)) for p in prototypes]
    rows.sort(key=lambda r: (r.trial is None,
                             r.trial.sort_key() if r.trial is not None else (),
                             r.prototype.title.lower(), r.prototype.id))
    return FollowUp(camp, rows, trials)


def summary(f: FollowUp):
    """ "Of 12 prototypes, 5 went into a trial: 2 scaled up, 1 stopped, 2 running." """
    if not f.prototypes:
        return _l("No prototype has been submitted in this camp yet.")
    if not f.in_trial:
        return lazy_ngettext("Of %(num)s prototype, none has gone into a trial yet.",
                             "Of %(num)s prototypes, none has gone into a trial yet.",
                             f.prototypes)
    parts = ", ".join(f"{n} {str(STATUS_LABELS[s]).lower()}"
                      for s, n in f.by_status.items() if n)
    return lazy_ngettext("Of %(num)s prototype, %(in_trial)s went into a trial: %(parts)s.",
                         "Of %(num)s prototypes, %(in_trial)s went into a trial: %(parts)s.",
                         f.prototypes, in_trial=f.in_trial, parts=parts)
