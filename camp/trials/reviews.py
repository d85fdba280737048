"""Reviews in the trial's rhythm (Trial.review_every_weeks): each party confirms its
commitment unchanged or changes it; the managers record the review as held, which
schedules the next one (held date + rhythm). Holding a review twice is refused.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from camp.audit import record
from camp.db import utcnow
from camp.errors import Conflict, DomainError
from camp.extensions import db
from camp.trials import parties as party_services
from camp.trials.models import CommitmentRevision, Party, Review, Trial

NOTE_MAX = 5000


def _refresh_next(trial: Trial) -> None:
    trial.next_review_on = db.session.execute(
        select(Review.due_on).where(Review.trial_id == trial.id, Review.held_at.is_(None))
        .order_by(Review.due_on).limit(1)).scalar()


def schedule(trial: Trial, due_on: date) -> Review:
    """The open review due on that day (made if needed); sets Trial.next_review_on."""
    while True:
        existing = db.session.execute(
            select(Review).where(Review.trial_id == trial.id, Review.due_on == due_on)
        ).scalar()
        if existing is None:
            review = Review(trial_id=trial.id, due_on=due_on)
            db.session.add(review)
            db.session.flush()
            break
        if existing.held_at is None:
            review = existing
            break
        due_on += timedelta(days=1)  # held early on that very day: the next free day
    _refresh_next(trial)
    return review


def close_open_reviews(trial: Trial) -> None:
    """At an outcome: drop the reviews not held that nobody has answered yet."""
    answered = select(CommitmentRevision.review_id).where(
        CommitmentRevision.review_id.is_not(None))
    for review in db.session.execute(
            select(Review).where(Review.trial_id == trial.id, Review.held_at.is_(None),
                                 Review.id.not_in(answered))).scalars():
        db.session.delete(review)
    db.session.flush()
    trial.next_review_on = None


def _open(review: Review) -> None:
    if review.held_at is not None:
        raise DomainError(_l("This review has been held. Changes to a commitment now go "
                             "on the party's own page, or wait for the next review."))


def respond(actor, party: Party, review: Review, action: str, revision: int,
            commitment: str = "", resources: str = "", note: str = "",
            now: datetime | None = None) -> CommitmentRevision:
    """The party's answer at a review: "confirm" (unchanged) or "change". Confirming twice
    at one review is idempotent (the first answer stands)."""
    if review.trial_id != party.trial_id:
        raise DomainError(_l("That review is not one of this trial's."))
    _open(review)
    if action == "confirm":
        party = party_services.lock_party(party, revision)
        earlier = responses(review).get(party.id)
        if earlier:
            return earlier[-1]
        return party_services.confirm_commitment(actor, party, review, revision, note,
                                                 now=now)
    if action == "change":
        return party_services.write_commitment(actor, party, commitment, resources,
                                               revision, note, review=review, now=now)
    raise DomainError(_l("Choose to confirm or to change the commitment."))


def hold(actor, trial: Trial, review: Review, note: str = "",
         now: datetime | None = None) -> Review | None:
    """Record the review as held; schedule the next one at the held date plus the rhythm
    (none once the trial has an outcome). Returns the next review."""
    from camp.trials.services import is_final, local_today, lock
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise DomainError(_l("Keep it under %(max)s characters.", max=f"{NOTE_MAX:,}"),
                          field="note")
    trial = lock(trial)
    review = db.session.execute(
        select(Review).where(Review.id == review.id).with_for_update()
        .execution_options(populate_existing=True)).scalar_one()
    if review.held_at is not None:
        from camp.i18n import format_local
        raise Conflict(_l("This review was already held (%(when)s). Nothing was changed.",
                          when=format_local(review.held_at, trial.camp.timezone)))
    now = now or utcnow()
    review.held_at, review.held_by_id, review.note = now, actor.id, note
    db.session.flush()
    following = None
    if is_final(trial):
        _refresh_next(trial)
    else:
        following = schedule(trial, local_today(trial.camp, now)
                             + timedelta(weeks=trial.review_every_weeks))
    record("trial.review_held", actor=actor, camp=trial.camp, obj=review, trial_id=trial.id,
           next_due=following.due_on.isoformat() if following else None)
    return following


# -- reading ------------------------------------------------------------------------------

def responses(review: Review) -> dict[int, list[CommitmentRevision]]:
    """party id -> what the party confirmed or changed at this review, in order."""
    out: dict[int, list[CommitmentRevision]] = {}
    for rev in db.session.execute(
            select(CommitmentRevision).where(CommitmentRevision.review_id == review.id)
            .options(db.joinedload(CommitmentRevision.changed_by))
            .order_by(CommitmentRevision.number, CommitmentRevision.id)).scalars():
        out.setdefault(rev.party_id, []).append(rev)
    return out


@dataclass
class ReviewRow:
    review: Review
    answers: dict[int, list[CommitmentRevision]] = field(default_factory=dict)


def history(trial: Trial) -> list[ReviewRow]:
    """Every review of the trial, newest first, each with the parties' answers (two
    queries however many reviews)."""
    reviews = db.session.execute(
        select(Review).where(Review.trial_id == trial.id)
        .order_by(Review.due_on.desc(), Review.id.desc())).scalars().all()
    rows = {r.id: ReviewRow(r) for r in reviews}
    if rows:
        for rev in db.session.execute(
                select(CommitmentRevision).where(CommitmentRevision.review_id.in_(rows))
                .order_by(CommitmentRevision.number)).scalars():
            rows[rev.review_id].answers.setdefault(rev.party_id, []).append(rev)
    return list(rows.values())
