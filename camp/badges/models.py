"""Badges: a camp's choices for its badges, and whole-camp runs rendered in the background."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from camp.auth.models import User, enum_column
from camp.camps.models import Camp
from camp.db import UTCDateTime, utcnow
from camp.extensions import db


class BadgeSettings(db.Model):
    """What a camp's badges show. No row: the defaults (everything shown, no logo)."""

    __tablename__ = "badge_settings"

    camp_id: Mapped[int] = mapped_column(
        ForeignKey("camps.id", ondelete="CASCADE"), primary_key=True)
    show_organisation: Mapped[bool] = mapped_column(default=True)
    show_role: Mapped[bool] = mapped_column(default=True)
    show_actor_type: Mapped[bool] = mapped_column(default=True)
    show_team: Mapped[bool] = mapped_column(default=True)
    # "#rrggbb" with enough contrast for white text; None: the house colour.
    accent_colour: Mapped[str | None] = mapped_column(String(7))
    # A random file name under instance/uploads/badges (never the uploader's name).
    logo_file: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class BadgeJobStatus(str, enum.Enum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"


class BadgeJob(db.Model):
    """One whole-camp badge run: rendered outside the request, downloadable when done."""

    __tablename__ = "badge_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    camp_id: Mapped[int] = mapped_column(ForeignKey("camps.id", ondelete="CASCADE"), index=True)
    layout: Mapped[str] = mapped_column(String(20))
    status: Mapped[BadgeJobStatus] = enum_column(BadgeJobStatus, default=BadgeJobStatus.queued)
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    locale: Mapped[str] = mapped_column(String(8), default="da")  # the badges' language
    # A random name under instance/badges once the run is done.
    file_name: Mapped[str | None] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    camp: Mapped[Camp] = relationship()
    created_by: Mapped[User | None] = relationship()

    @property
    def active(self) -> bool:
        return self.status in (BadgeJobStatus.queued, BadgeJobStatus.running)

    @property
    def percent(self) -> int:
        return 100 if self.total == 0 else min(100, round(100 * self.done / self.total))

    def __repr__(self) -> str:
        return f"<BadgeJob {self.id} {self.status.value} {self.done}/{self.total}>"
