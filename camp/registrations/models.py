"""Registrations: a seat (or a place in the queue) at a camp."""
from __future__ import annotations

import enum
import secrets
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from camp.auth.models import ActorType, User, enum_column
from camp.camps.models import Camp
from camp.db import UTCDateTime, utcnow
from camp.extensions import db


class RegistrationStatus(str, enum.Enum):
    confirmed = "confirmed"
    waitlisted = "waitlisted"
    cancelled = "cancelled"


def new_ticket_secret() -> str:
    return secrets.token_urlsafe(16)


class Registration(db.Model):
    __tablename__ = "registrations"
    __table_args__ = (UniqueConstraint("camp_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    camp_id: Mapped[int] = mapped_column(ForeignKey("camps.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # Copied from the account at registration so organisers can also add people by hand.
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254))
    organisation: Mapped[str] = mapped_column(String(160), default="")
    actor_type: Mapped[ActorType] = enum_column(ActorType, default=ActorType.other)
    diet: Mapped[str] = mapped_column(String(255), default="")
    accessibility: Mapped[str] = mapped_column(String(255), default="")
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[RegistrationStatus] = enum_column(RegistrationStatus, index=True)
    # Waiting-list order: earlier queued_at first, id breaks ties.
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consent_version: Mapped[int | None] = mapped_column(Integer)
    consent_text: Mapped[str] = mapped_column(Text, default="")
    ticket_secret: Mapped[str] = mapped_column(
        String(64), unique=True, default=new_ticket_secret)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Offline scanners fetch only what changed since their last sync.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow,
                                                 index=True)

    camp: Mapped[Camp] = relationship()
    user: Mapped[User | None] = relationship()
