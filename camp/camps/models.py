"""Camps, their programme, registration questions and the people who run them."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from camp.auth.models import User, enum_column
from camp.db import UTCDateTime, utcnow
from camp.extensions import db


class CampStatus(str, enum.Enum):
    draft = "draft"
    published = "published"
    closed = "closed"
    archived = "archived"


class CampFormat(str, enum.Enum):
    camp24 = "camp24"
    sprint = "sprint"
    blank = "blank"


class Role(str, enum.Enum):
    organiser = "organiser"
    staff = "staff"
    jury = "jury"
    participant = "participant"


class QuestionKind(str, enum.Enum):
    text = "text"
    single = "single"
    multiple = "multiple"
    yesno = "yesno"


class Camp(db.Model):
    __tablename__ = "camps"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text, default="")
    format: Mapped[CampFormat] = enum_column(CampFormat, default=CampFormat.blank)
    venue: Mapped[str] = mapped_column(String(160), default="")
    address: Mapped[str] = mapped_column(String(255), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Copenhagen")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    capacity: Mapped[int] = mapped_column(Integer)
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[CampStatus] = enum_column(CampStatus, default=CampStatus.draft)
    consent_text: Mapped[str] = mapped_column(Text, default="")
    consent_version: Mapped[int] = mapped_column(Integer, default=1)
    # Team size limits each team may override, and when teams stop changing.
    team_min_size: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    team_max_size: Mapped[int] = mapped_column(Integer, default=6, server_default="6")
    teams_lock_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Teams submit their prototypes before this; None: until the camp ends.
    prototype_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # People's choice: open between these times; results shown once published.
    voting_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    voting_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    votes_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    jury_results_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Data protection: participants' personal data is erased this many months after the
    # camp ends (None: kept until an organiser decides); statistics stay, anonymised.
    retention_months: Mapped[int | None] = mapped_column(Integer)
    personal_data_erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    programme: Mapped[list[ProgrammeItem]] = relationship(
        back_populates="camp", order_by="ProgrammeItem.starts_at",
        cascade="all, delete-orphan")
    questions: Mapped[list[RegistrationQuestion]] = relationship(
        back_populates="camp", order_by="RegistrationQuestion.position",
        cascade="all, delete-orphan")
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="camp", cascade="all, delete-orphan")

    @property
    def is_public(self) -> bool:
        return self.status in (CampStatus.published, CampStatus.closed, CampStatus.archived)

    def __repr__(self) -> str:
        return f"<Camp {self.slug}>"


class ProgrammeItem(db.Model):
    __tablename__ = "programme_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    camp_id: Mapped[int] = mapped_column(ForeignKey("camps.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(160))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(160), default="")
    description: Mapped[str] = mapped_column(Text, default="")

    camp: Mapped[Camp] = relationship(back_populates="programme")


class RegistrationQuestion(db.Model):
    __tablename__ = "registration_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    camp_id: Mapped[int] = mapped_column(ForeignKey("camps.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[QuestionKind] = enum_column(QuestionKind, default=QuestionKind.text)
    label: Mapped[str] = mapped_column(String(255))
    help_text: Mapped[str] = mapped_column(String(500), default="")
    choices: Mapped[list] = mapped_column(JSON, default=list)
    required: Mapped[bool] = mapped_column(Boolean, default=False)

    camp: Mapped[Camp] = relationship(back_populates="questions")


class Membership(db.Model):
    """A role a user holds in one camp. Challenge ownership lives with challenges."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("camp_id", "user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    camp_id: Mapped[int] = mapped_column(ForeignKey("camps.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = enum_column(Role)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    camp: Mapped[Camp] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship()


class Invitation(db.Model):
    """An e-mailed invitation to take a role in a camp; the link carries a signed id."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    camp_id: Mapped[int] = mapped_column(ForeignKey("camps.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[Role] = enum_column(Role)
    invited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    camp: Mapped[Camp] = relationship()
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])
