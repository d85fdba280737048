"""Append-only record of who changed what; organisers and admins read it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from camp.db import UTCDateTime, utcnow
from camp.extensions import db


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    camp_id: Mapped[int | None] = mapped_column(
        ForeignKey("camps.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(64), default="")
    object_id: Mapped[int | None]
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def record(action: str, *, actor=None, camp=None, obj=None, **data) -> AuditEvent:
    event = AuditEvent(
        action=action,
        actor_id=getattr(actor, "id", None),
        camp_id=getattr(camp, "id", None),
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=getattr(obj, "id", None),
        data=data,
    )
    db.session.add(event)
    return event


class ConsentEvent(db.Model):
    """The consent log: what a person agreed to (or withdrew), which text, when.

    kind: "signup" (privacy notice at sign-up), "registration" (a camp's consent text),
    "withdrawn" (consent taken back, e.g. by cancelling or erasure), "signature" (a charter
    signature's publication consent). The text is kept as it was shown.
    """

    __tablename__ = "consent_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    camp_id: Mapped[int | None] = mapped_column(
        ForeignKey("camps.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registrations.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    version: Mapped[int | None]
    text: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
