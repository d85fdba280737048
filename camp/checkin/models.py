"""Check-in: an append-only log of scans. Who is inside is derived from it."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from camp.auth.models import enum_column
from camp.camps.models import Camp
from camp.db import UTCDateTime, utcnow
from camp.extensions import db
from camp.registrations.models import Registration


class Direction(str, enum.Enum):
    entry = "in"
    exit = "out"


class ScanResult(str, enum.Enum):
    ok = "ok"
    already_checked_in = "already_checked_in"
    not_checked_in = "not_checked_in"
    unknown_ticket = "unknown_ticket"
    cancelled = "cancelled"
    waitlisted = "waitlisted"
    wrong_camp = "wrong_camp"
    not_open_yet = "not_open_yet"


class CheckinEvent(db.Model):
    __tablename__ = "checkin_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    camp_id: Mapped[int] = mapped_column(ForeignKey("camps.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    # What was scanned, kept short: enough to investigate, never a whole payload.
    scanned: Mapped[str] = mapped_column(String(120), default="")
    direction: Mapped[Direction] = enum_column(Direction)
    result: Mapped[ScanResult] = enum_column(ScanResult)
    # An admitted scan changes who is inside; refusals are logged but change nothing.
    admitted: Mapped[bool] = mapped_column(default=False)
    override_reason: Mapped[str] = mapped_column(String(255), default="")
    # The same nonce sent again (retry, offline replay) records once and answers the same.
    nonce: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    device_id: Mapped[int | None] = mapped_column(
        ForeignKey("devices.id", ondelete="SET NULL"), index=True)
    scanned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    registration: Mapped[Registration | None] = relationship()
    device: Mapped[Device | None] = relationship()


class Device(db.Model):
    """A paired scanner (usually a volunteer's phone): one camp, check-in only, expiring."""

    __tablename__ = "devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    camp_id: Mapped[int] = mapped_column(ForeignKey("camps.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    # Only a hash: the token is shown once, when the device is created.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    camp: Mapped[Camp] = relationship()

    def usable(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at
