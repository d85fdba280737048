"""Cross-sector teams around a challenge, how people join them, and who is still looking."""
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


class Team(db.Model):
    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("camp_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    camp_id: Mapped[int] = mapped_column(ForeignKey("camps.id", ondelete="CASCADE"), index=True)
    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    pitch: Mapped[str] = mapped_column(Text, default="")
    # None: the camp's default applies.
    min_size: Mapped[int | None] = mapped_column(Integer)
    max_size: Mapped[int | None] = mapped_column(Integer)
    lead_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The invite link is a signed token naming this nonce; a new nonce (or None) kills old links.
    invite_nonce: Mapped[str | None] = mapped_column(String(32))
    invite_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    camp: Mapped[Camp] = relationship()
    challenge: Mapped[Challenge] = relationship()
    lead: Mapped[User | None] = relationship()
    members: Mapped[list[TeamMember]] = relationship(
        back_populates="team", order_by="TeamMember.joined_at", cascade="all, delete-orphan")

    @property
    def size_limit(self) -> int:
        return self.max_size if self.max_size is not None else self.camp.team_max_size

    @property
    def size_minimum(self) -> int:
        return self.min_size if self.min_size is not None else self.camp.team_min_size

    def __repr__(self) -> str:
        return f"<Team {self.id} {self.name!r}>"


class TeamMember(db.Model):
    """One person in one team; one team per person per camp (a database constraint)."""

    __tablename__ = "team_members"
    __table_args__ = (UniqueConstraint("camp_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    camp_id: Mapped[int] = mapped_column(ForeignKey("camps.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    team: Mapped[Team] = relationship(back_populates="members")
    user: Mapped[User] = relationship()


class JoinRequestStatus(str, enum.Enum):
    pending = "pending"
    approved = "approved"
    declined = "declined"
    withdrawn = "withdrawn"


class JoinRequest(db.Model):
    """A participant asks to join; the team lead approves or declines."""

    __tablename__ = "join_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    camp_id: Mapped[int] = mapped_column(ForeignKey("camps.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(String(1000), default="")
    status: Mapped[JoinRequestStatus] = enum_column(
        JoinRequestStatus, default=JoinRequestStatus.pending, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    team: Mapped[Team] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class Seeker(db.Model):
    """A participant on the "looking for a team" board, with ranked challenge preferences."""

    __tablename__ = "seekers"
    __table_args__ = (UniqueConstraint("camp_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    camp_id: Mapped[int] = mapped_column(ForeignKey("camps.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    interests: Mapped[str] = mapped_column(String(1000), default="")
    skills: Mapped[str] = mapped_column(String(1000), default="")
    # Challenge ids, most wanted first.
    preferences: Mapped[list] = mapped_column(JSON, default=list)
    # Automatic placement keeps this person with that one (and whoever they asked for).
    together_with_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    together_with: Mapped[User | None] = relationship(foreign_keys=[together_with_id])
