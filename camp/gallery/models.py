"""The gallery's booklet: all of a camp's submitted prototypes in one PDF, rendered outside
the request like the badge runs."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from camp.auth.models import User, enum_column
from camp.badges.models import BadgeJobStatus as JobStatus
from camp.camps.models import Camp
from camp.db import UTCDateTime, utcnow
from camp.extensions import db


class BookletJob(db.Model):
    __tablename__ = "booklet_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    camp_id: Mapped[int] = mapped_column(ForeignKey("camps.id", ondelete="CASCADE"), index=True)
    status: Mapped[JobStatus] = enum_column(JobStatus, default=JobStatus.queued)
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    locale: Mapped[str] = mapped_column(String(8), default="da")
    file_name: Mapped[str | None] = mapped_column(String(64))  # under instance/booklets
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
        return self.status in (JobStatus.queued, JobStatus.running)

    @property
    def percent(self) -> int:
        return 100 if self.total == 0 else min(100, round(100 * self.done / self.total))
