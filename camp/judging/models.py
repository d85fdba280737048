"""Judging: a camp's criteria, which juror scores which prototype, the scores, and the
people's-choice votes."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from camp.auth.models import User
from camp.db import UTCDateTime, utcnow
from camp.extensions import db
from camp.prototypes.models import Prototype


class Criterion(db.Model):
    """What the jury scores, on a scale from 1 to scale_max; weight counts in the mean."""

    __tablename__ = "criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    camp_id: Mapped[int] = mapped_column(ForeignKey("camps.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    weight: Mapped[int] = mapped_column(Integer, default=1)  # 1..10
    scale_max: Mapped[int] = mapped_column(Integer, default=5)  # 3..10
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class JuryAssignment(db.Model):
    """A juror is to score a prototype. Made by the automatic assignment or by hand."""

    __tablename__ = "jury_assignments"
    __table_args__ = (UniqueConstraint("juror_id", "prototype_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    camp_id: Mapped[int] = mapped_column(ForeignKey("camps.id", ondelete="CASCADE"), index=True)
    juror_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    prototype_id: Mapped[int] = mapped_column(
        ForeignKey("prototypes.id", ondelete="CASCADE"), index=True)
    manual: Mapped[bool] = mapped_column(default=False)  # added or kept by an organiser
    comment: Mapped[str] = mapped_column(Text, default="")  # the juror's note to the team
    scored_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # every criterion scored
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    juror: Mapped[User] = relationship()
    prototype: Mapped[Prototype] = relationship()
    scores: Mapped[list[Score]] = relationship(back_populates="assignment",
                                               cascade="all, delete-orphan")


class Score(db.Model):
    """One juror's score of one prototype on one criterion."""

    __tablename__ = "scores"
    __table_args__ = (UniqueConstraint("assignment_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("jury_assignments.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(
        ForeignKey("criteria.id", ondelete="CASCADE"), index=True)
    value: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    assignment: Mapped[JuryAssignment] = relationship(back_populates="scores")
    criterion: Mapped[Criterion] = relationship()


class Vote(db.Model):
    """People's choice: one vote per person per camp (a database constraint), final."""

    __tablename__ = "votes"
    __table_args__ = (UniqueConstraint("camp_id", "voter_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    camp_id: Mapped[int] = mapped_column(ForeignKey("camps.id", ondelete="CASCADE"), index=True)
    voter_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    prototype_id: Mapped[int] = mapped_column(
        ForeignKey("prototypes.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    voter: Mapped[User] = relationship()
    prototype: Mapped[Prototype] = relationship()
