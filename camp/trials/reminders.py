"""Reminders, sent by `flask camp send-reminders` (safe from cron, each reminder once).

- review due (a review not held, due on or before today): the trial's managers, i.e. the
  challenge's owners (the camp's organisers when no owner has an account any more);
- milestone overdue (not done, due before today): the same people;
- commitment up for review (the trial's next review not held is within 7 days): each
  party's contact, their account's address or else Party.contact_email.

Trials with an outcome (scaled up, adapted, stopped) get none. Every reminder has a key
in ReminderSent; the key is inserted first, in a short transaction of its own, and only
the run whose insert succeeds sends (the unique constraint decides between two runs at
the same time). A reminder whose e-mail could not be sent gives its key back, so the
next run tries again.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from camp.camps.models import Membership, Role
from camp.challenges.models import Challenge, ChallengeOwner
from camp.db import begin_write
from camp.extensions import db
from camp.trials.models import Milestone, Party, ReminderSent, Review, Trial, TrialStatus

log = logging.getLogger(__name__)

OUTCOMES = (TrialStatus.scaled_up, TrialStatus.adapted, TrialStatus.stopped)
COMMITMENT_LEAD_DAYS = 7


@dataclass
class Reminder:
    key: str
    kind: str  # "review", "milestone", "commitment"
    trial_id: int
    recipients: list[tuple[str, str | None]]  # (address, locale)
    subject: object
    template: str
    context: dict
    label: str


@dataclass
class Counts:
    reviews: int = 0
    milestones: int = 0
    commitments: int = 0
    emails: int = 0
    failed: int = 0
    sent: list[str] = field(default_factory=list)  # one line per reminder sent

    @property
    def total(self) -> int:
        return self.reviews + self.milestones + self.commitments


def _active(model):
    """Rows of `model` (reviews, milestones) of trials without an outcome."""
    return select(model).join(Trial, Trial.id == model.trial_id) \
        .where(Trial.status.not_in(OUTCOMES))


def _managers(trial: Trial) -> list[tuple[str, str | None]]:
    people = [o.user for o in trial.challenge.owners]
    people = [u for u in people if u is not None and u.deleted_at is None]
    if not people:
        people = db.session.execute(
            select(Membership).where(Membership.camp_id == trial.camp_id,
                                     Membership.role == Role.organiser)
            .options(joinedload(Membership.user))).scalars().all()
        people = [m.user for m in people if m.user.deleted_at is None]
    return [(u.email, u.locale) for u in people]


def _contact(party: Party) -> list[tuple[str, str | None]]:
    if party.user is not None and party.user.deleted_at is None and party.user.email:
        return [(party.user.email, party.user.locale)]
    if party.contact_email:
        return [(party.contact_email, None)]
    return []


def _trial_options():
    return (joinedload(Trial.camp),
            selectinload(Trial.challenge).selectinload(Challenge.owners)
            .joinedload(ChallengeOwner.user))


def _base(trial: Trial) -> dict:
    from camp.trials.followers import trial_link
    return {"trial_title": trial.title, "camp_title": trial.camp.title,
            "link": trial_link(trial)}


def due_reminders(today: date) -> list[Reminder]:
    """Every reminder due on `today`, whether sent already or not (plain values only, so
    nothing is loaded after the claims' commits)."""
    found: list[Reminder] = []
    reviews = db.session.execute(
        _active(Review).where(Review.held_at.is_(None), Review.due_on <= today)
        .order_by(Review.due_on, Review.id)).scalars().all()
    milestones = db.session.execute(
        _active(Milestone).where(Milestone.done_at.is_(None), Milestone.due_on < today)
        .order_by(Milestone.due_on, Milestone.id)).scalars().all()
    upcoming = db.session.execute(
        _active(Review).where(
            Review.held_at.is_(None),
            Review.due_on <= today + timedelta(days=COMMITMENT_LEAD_DAYS))
        .order_by(Review.trial_id, Review.due_on, Review.id)).scalars().all()
    next_review: dict[int, Review] = {}
    for r in upcoming:
        next_review.setdefault(r.trial_id, r)
    trial_ids = {r.trial_id for r in reviews} | {m.trial_id for m in milestones} \
        | set(next_review)
    trials = {t.id: t for t in db.session.execute(
        select(Trial).where(Trial.id.in_(trial_ids)).options(*_trial_options())
    ).scalars()} if trial_ids else {}
    for r in reviews:
        trial = trials[r.trial_id]
        found.append(Reminder(
            key=f"review:{r.id}", kind="review", trial_id=trial.id,
            recipients=_managers(trial),
            subject=_l("A review of “%(trial)s” is due", trial=trial.title),
            template="trial_review_due", context={**_base(trial), "due_on": r.due_on},
            label=f"review {r.due_on.isoformat()} of {trial.title!r}"))
    for m in milestones:
        trial = trials[m.trial_id]
        found.append(Reminder(
            key=f"milestone:{m.id}:{m.due_on.isoformat()}", kind="milestone",
            trial_id=trial.id, recipients=_managers(trial),
            subject=_l("Milestone overdue in “%(trial)s”: %(milestone)s", trial=trial.title,
                       milestone=m.title),
            template="trial_milestone_overdue",
            context={**_base(trial), "milestone": m.title, "due_on": m.due_on},
            label=f"milestone {m.title!r} of {trial.title!r} (due {m.due_on.isoformat()})"))
    if next_review:
        parties = db.session.execute(
            select(Party).where(Party.trial_id.in_(list(next_review)))
            .options(joinedload(Party.user)).order_by(Party.trial_id, Party.id)
        ).scalars().all()
        for p in parties:
            r, trial = next_review[p.trial_id], trials[p.trial_id]
            found.append(Reminder(
                key=f"commitment:{p.id}:{r.id}", kind="commitment", trial_id=trial.id,
                recipients=_contact(p),
                subject=_l("Your commitment to “%(trial)s” comes up for review",
                           trial=trial.title),
                template="trial_commitment_review",
                context={**_base(trial), "due_on": r.due_on, "organisation": p.organisation,
                         "commitment": p.commitment, "resources": p.resources},
                label=f"commitment of {p.organisation!r} in {trial.title!r} "
                      f"(review {r.due_on.isoformat()})"))
    return found


def _claim(rem: Reminder) -> bool:
    """Insert the reminder's key in a transaction of its own; False when another run
    (or an earlier one) has it."""
    try:
        begin_write(db.session)
        db.session.add(ReminderSent(key=rem.key, trial_id=rem.trial_id,
                                    recipients=len(rem.recipients)))
        db.session.commit()
        return True
    except IntegrityError:
        db.session.rollback()
        return False


def _give_back(rem: Reminder) -> None:
    db.session.rollback()
    begin_write(db.session)
    db.session.execute(ReminderSent.__table__.delete().where(ReminderSent.key == rem.key))
    db.session.commit()


def _send(rem: Reminder) -> int:
    from camp.mail import send_email
    for address, locale in rem.recipients:
        send_email(address, rem.subject, rem.template, locale=locale, **rem.context)
    return len(rem.recipients)


def send_due_reminders(today: date) -> Counts:
    """Send every reminder due on `today` that no run has sent; returns what was sent."""
    counts = Counts()
    candidates = [r for r in due_reminders(today) if r.recipients]
    keys = [r.key for r in candidates]
    done = set(db.session.execute(
        select(ReminderSent.key).where(ReminderSent.key.in_(keys))).scalars()) if keys else set()
    db.session.rollback()  # end the reading transaction: each claim is its own
    for rem in candidates:
        if rem.key in done or not _claim(rem):
            continue
        try:
            counts.emails += _send(rem)
        except Exception:  # the mail server refused: the next run tries again
            log.exception("reminder %s could not be sent", rem.key)
            _give_back(rem)
            counts.failed += 1
            continue
        setattr(counts, rem.kind + "s", getattr(counts, rem.kind + "s") + 1)
        counts.sent.append(f"{rem.label}: {len(rem.recipients)} e-mail(s)")
    return counts
