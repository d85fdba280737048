"""Prototypes: what a team hands over to the challenge owner, its revisions, files, feedback."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from camp.auth.models import User, enum_column
from camp.camps.models import Camp
from camp.challenges.models import Challenge
from camp.db import UTCDateTime, utcnow
from camp.extensions import db
from camp.teams.models import Team


class PrototypeStatus(str, enum.Enum):
    draft = "draft"
    submitted = "submitted"


# The fields a revision keeps; the prototype row holds the current draft of them.
REVISED_FIELDS = ("title", "pitch", "problem", "solution", "beneficiaries", "values",
                  "trial_needs", "next_steps", "links")


class Prototype(db.Model):
    """One per team (a team works on one challenge)."""

    __tablename__ = "prototypes"

    id: Mapped[int] = mapped_column(primary_key=True)
    camp_id: Mapped[int] = mapped_column(ForeignKey("camps.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), unique=True)
    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(160))
    pitch: Mapped[str] = mapped_column(String(300), default="")
    problem: Mapped[str] = mapped_column(Text, default="")  # as the team understood it
    solution: Mapped[str] = mapped_column(Text, default="")
    beneficiaries: Mapped[str] = mapped_column(Text, default="")
    # ValueDimension values, chosen from the challenge's intended values.
    values: Mapped[list] = mapped_column(JSON, default=list)
    trial_needs: Mapped[str] = mapped_column(Text, default="")  # resources, partners, decisions
    next_steps: Mapped[str] = mapped_column(Text, default="")
    links: Mapped[str] = mapped_column(Text, default="")  # one address per line
    status: Mapped[PrototypeStatus] = enum_column(PrototypeStatus,
                                                  default=PrototypeStatus.draft, index=True)
    # Optimistic check: an edit names the version it started from; a stale one is refused.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # An organiser may give one team more time than the camp's deadline.
    deadline_extended_to: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    camp: Mapped[Camp] = relationship()
    team: Mapped[Team] = relationship()
    challenge: Mapped[Challenge] = relationship()
    revisions: Mapped[list[PrototypeRevision]] = relationship(
        back_populates="prototype", order_by="PrototypeRevision.number",
        cascade="all, delete-orphan")
    files: Mapped[list[PrototypeFile]] = relationship(
        back_populates="prototype", order_by="PrototypeFile.id", cascade="all, delete-orphan")

    @property
    def cover(self) -> PrototypeFile | None:
        return next((f for f in self.files if f.is_cover), None)

    def __repr__(self) -> str:
        return f"<Prototype {self.id} {self.title!r}>"


class PrototypeRevision(db.Model):
    """What was submitted, each time: a snapshot of REVISED_FIELDS, never changed."""

    __tablename__ = "prototype_revisions"
    __table_args__ = (UniqueConstraint("prototype_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    prototype_id: Mapped[int] = mapped_column(
        ForeignKey("prototypes.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    submitted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    late: Mapped[bool] = mapped_column(default=False)  # after the camp's deadline (extended)

    prototype: Mapped[Prototype] = relationship(back_populates="revisions")
    submitted_by: Mapped[User | None] = relationship()


class PrototypeFile(db.Model):
    """A file or image of the prototype (camp.uploads, area "prototypes")."""

    __tablename__ = "prototype_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    prototype_id: Mapped[int] = mapped_column(
        ForeignKey("prototypes.id", ondelete="CASCADE"), index=True)
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(20))  # a camp.uploads.KINDS name
    size: Mapped[int] = mapped_column()
    # For images: a small JPEG/PNG made with Pillow, shown in lists and as the cover.
    thumbnail_name: Mapped[str | None] = mapped_column(String(64))
    is_cover: Mapped[bool] = mapped_column(default=False)  # at most one per prototype
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    prototype: Mapped[Prototype] = relationship(back_populates="files")
    uploaded_by: Mapped[User | None] = relationship()

    UPLOAD_AREA = "prototypes"


class Feedback(db.Model):
    """The owner's comment on a prototype, or the team's answer to one (parent)."""

    __tablename__ = "prototype_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    prototype_id: Mapped[int] = mapped_column(
        ForeignKey("prototypes.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("prototype_feedback.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    from_owner: Mapped[bool] = mapped_column(default=False)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    prototype: Mapped[Prototype] = relationship()
    author: Mapped[User | None] = relationship()
    replies: Mapped[list[Feedback]] = relationship(order_by="Feedback.id",
                                                   cascade="all, delete-orphan")
