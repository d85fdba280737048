"""Camp operations: plain functions, no request or current_user."""
from __future__ import annotations

from sqlalchemy import select

from camp.camps.models import Camp, CampStatus
from camp.db import utcnow
from camp.extensions import db

PUBLIC_STATUSES = (CampStatus.published, CampStatus.closed, CampStatus.archived)


def list_public_camps(limit: int | None = None) -> tuple[list[Camp], list[Camp]]:
    """Upcoming (not yet ended, soonest first) and past (latest first) public camps."""
    now = utcnow()
    base = select(Camp).where(Camp.status.in_(PUBLIC_STATUSES))
    upcoming = db.session.execute(
        base.where(Camp.ends_at >= now).order_by(Camp.starts_at).limit(limit)).scalars().all()
    past = db.session.execute(
        base.where(Camp.ends_at < now).order_by(Camp.starts_at.desc()).limit(limit)
    ).scalars().all()
    return upcoming, past
