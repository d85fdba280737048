"""After the camp: trials in practice (afprøvninger), the parties' informal contract,
progress, reviews, reminders and evaluation of the value created (DOMAIN.md 1, 4, 6).

A trial belongs to a challenge: its owners (ChallengeOwner) and the camp's organisers run
it. Dates that are days (start, planned end, due dates) are plain dates; moments are UTC.
"""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from camp.auth.models import User, enum_column
from camp.camps.models import Camp
from camp.challenges.models import Challenge
from camp.db import UTCDateTime, utcnow
from camp.extensions import db
from camp.prototypes.models import Prototype


class TrialStatus(str, enum.Enum):
    idea = "idea"
    planned = "planned"
    running = "running"
    evaluating = "evaluating"
    scaled_up = "scaled_up"   # outcomes: the trial ended in one of these three
    adapted = "adapted"
    stopped = "stopped"       # a legitimate outcome; needs a reason


class PartyRole(str, enum.Enum):
    owner = "owner"
    partner = "partner"
    citizen_group = "citizen_group"
    frontline_unit = "frontline_unit"
    other = "other"


class Leadership(str, enum.Enum):
    # DOMAIN.md principle 5: who defines the frame, who facilitates the work.
    defining = "defining"
    facilitating = "facilitating"
    none = "none"


class Recommendation(str, enum.Enum):
    scale_up = "scale_up"
    adapt = "adapt"
    stop = "stop"


class Trial(db.Model):
    __tablename__ = "trials"

    id: Mapped[int] = mapped_column(primary_key=True)
    camp_id: Mapped[int] = mapped_column(ForeignKey("camps.id", ondelete="CASCADE"), index=True)
    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(Text, default="")
    # ValueDimension values, carried from the challenge (the owner may narrow them).
    values: Mapped[list] = mapped_column(JSON, default=list)
    municipality: Mapped[str] = mapped_column(String(120), default="")
    unit: Mapped[str] = mapped_column(String(160), default="")  # e.g. "Hjemmeplejen Syd"
    area: Mapped[str] = mapped_column(String(160), default="")
    starts_on: Mapped[date | None] = mapped_column(Date)
    planned_end_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[TrialStatus] = enum_column(TrialStatus, default=TrialStatus.idea, index=True)
    progress: Mapped[int] = mapped_column(Integer, default=0)  # 0..100
    outcome_reason: Mapped[str] = mapped_column(Text, default="")  # why stopped/adapted
    review_every_weeks: Mapped[int] = mapped_column(Integer, default=6)
    next_review_on: Mapped[date | None] = mapped_column(Date)
    # Optimistic check for edits of the trial's own fields.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    last_update_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    camp: Mapped[Camp] = relationship()
    challenge: Mapped[Challenge] = relationship()
    links: Mapped[list[TrialPrototype]] = relationship(cascade="all, delete-orphan")
    parties: Mapped[list[Party]] = relationship(
        back_populates="trial", order_by="Party.id", cascade="all, delete-orphan")
    milestones: Mapped[list[Milestone]] = relationship(
        order_by="[Milestone.due_on, Milestone.id]", cascade="all, delete-orphan")

    @property
    def prototypes(self) -> list[Prototype]:
        return [link.prototype for link in self.links]


class TrialPrototype(db.Model):
    """A prototype taken into a trial (a trial may build on several)."""

    __tablename__ = "trial_prototypes"
    __table_args__ = (UniqueConstraint("trial_id", "prototype_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    trial_id: Mapped[int] = mapped_column(ForeignKey("trials.id", ondelete="CASCADE"),
                                          index=True)
    prototype_id: Mapped[int] = mapped_column(
        ForeignKey("prototypes.id", ondelete="CASCADE"), index=True)

    prototype: Mapped[Prototype] = relationship()


class Party(db.Model):
    """A party to the informal contract: what it commits to and brings, agreed (dated)."""

    __tablename__ = "trial_parties"

    id: Mapped[int] = mapped_column(primary_key=True)
    trial_id: Mapped[int] = mapped_column(ForeignKey("trials.id", ondelete="CASCADE"),
                                          index=True)
    organisation: Mapped[str] = mapped_column(String(160))
    contact_name: Mapped[str] = mapped_column(String(120), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    # The contact's account: the only person besides the trial's owners who edits this
    # party's commitment and answers evaluations for it.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                index=True)
    role: Mapped[PartyRole] = enum_column(PartyRole, default=PartyRole.partner)
    leadership: Mapped[Leadership] = enum_column(Leadership, default=Leadership.none)
    commitment: Mapped[str] = mapped_column(Text, default="")
    resources: Mapped[str] = mapped_column(Text, default="")
    revision: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    agreed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    trial: Mapped[Trial] = relationship(back_populates="parties")
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    history: Mapped[list[CommitmentRevision]] = relationship(
        order_by="CommitmentRevision.number", cascade="all, delete-orphan")


class CommitmentRevision(db.Model):
    """Each agreed state of a party's commitment, never changed (the contract's history)."""

    __tablename__ = "trial_commitment_revisions"
    __table_args__ = (UniqueConstraint("party_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("trial_parties.id", ondelete="CASCADE"),
                                          index=True)
    number: Mapped[int] = mapped_column(Integer)
    commitment: Mapped[str] = mapped_column(Text, default="")
    resources: Mapped[str] = mapped_column(Text, default="")
    # "agreed" (first time), "confirmed" (unchanged at a review), "changed".
    kind: Mapped[str] = mapped_column(String(20), default="agreed")
    review_id: Mapped[int | None] = mapped_column(
        ForeignKey("trial_reviews.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")
    changed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    changed_by: Mapped[User | None] = relationship()


class Milestone(db.Model):
    __tablename__ = "trial_milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    trial_id: Mapped[int] = mapped_column(ForeignKey("trials.id", ondelete="CASCADE"),
                                          index=True)
    title: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date] = mapped_column(Date)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TrialUpdate(db.Model):
    """A progress update on the timeline: text, and optionally a status change, a new
    progress share and photos."""

    __tablename__ = "trial_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    trial_id: Mapped[int] = mapped_column(ForeignKey("trials.id", ondelete="CASCADE"),
                                          index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text, default="")
    status_from: Mapped[str | None] = mapped_column(String(20))
    status_to: Mapped[str | None] = mapped_column(String(20))
    progress: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    author: Mapped[User | None] = relationship()
    photos: Mapped[list[TrialPhoto]] = relationship(order_by="TrialPhoto.id",
                                                    cascade="all, delete-orphan")


class TrialPhoto(db.Model):
    """A photo of an update (camp.uploads, area "trials"): stored under a random name."""

    __tablename__ = "trial_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    update_id: Mapped[int] = mapped_column(ForeignKey("trial_updates.id", ondelete="CASCADE"),
                                           index=True)
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    thumbnail_name: Mapped[str | None] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(20))
    size: Mapped[int] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    UPLOAD_AREA = "trials"


class Follower(db.Model):
    """Someone who asked for e-mail on a trial's updates (opt-in; the token unsubscribes)."""

    __tablename__ = "trial_followers"
    __table_args__ = (UniqueConstraint("trial_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    trial_id: Mapped[int] = mapped_column(ForeignKey("trials.id", ondelete="CASCADE"),
                                          index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    unsubscribe_token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()


class Review(db.Model):
    """A review in the trial's rhythm: due on a date, held when the parties have confirmed
    or changed their commitments."""

    __tablename__ = "trial_reviews"
    __table_args__ = (UniqueConstraint("trial_id", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    trial_id: Mapped[int] = mapped_column(ForeignKey("trials.id", ondelete="CASCADE"),
                                          index=True)
    due_on: Mapped[date] = mapped_column(Date)
    held_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    held_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReminderSent(db.Model):
    """What `flask camp send-reminders` has sent: the unique key makes each reminder go
    out once, also when two runs overlap (the second insert fails and sends nothing)."""

    __tablename__ = "trial_reminders_sent"
    __table_args__ = (UniqueConstraint("key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # e.g. "review:12:2027-03-01", "milestone:7", "commitment:31:2027-03-01"
    key: Mapped[str] = mapped_column(String(120))
    trial_id: Mapped[int] = mapped_column(ForeignKey("trials.id", ondelete="CASCADE"),
                                          index=True)
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class EvaluationRound(db.Model):
    __tablename__ = "trial_evaluation_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    trial_id: Mapped[int] = mapped_column(ForeignKey("trials.id", ondelete="CASCADE"),
                                          index=True)
    title: Mapped[str] = mapped_column(String(200))
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    answers: Mapped[list[EvaluationAnswer]] = relationship(
        back_populates="round", order_by="EvaluationAnswer.id", cascade="all, delete-orphan")


class EvaluationAnswer(db.Model):
    """One party's answer to a round (one per party: a database constraint).

    values: {dimension: {"achieved": 1..5, "co_creation": 1..5, "text": str}}
    collaboration: {"equal_standing": 1..5, "exchange": 1..5, "learning": 1..5,
                    "leadership": 1..5, "text": str}
    """

    __tablename__ = "trial_evaluation_answers"
    __table_args__ = (UniqueConstraint("round_id", "party_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("trial_evaluation_rounds.id", ondelete="CASCADE"), index=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("trial_parties.id", ondelete="CASCADE"),
                                          index=True)
    values: Mapped[dict] = mapped_column(JSON, default=dict)
    collaboration: Mapped[dict] = mapped_column(JSON, default=dict)
    recommendation: Mapped[Recommendation] = enum_column(Recommendation)
    comment: Mapped[str] = mapped_column(Text, default="")
    answered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    round: Mapped[EvaluationRound] = relationship(back_populates="answers")
    party: Mapped[Party] = relationship()
