"""Paired scanner devices: created by an organiser, used without an account, revocable."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from camp.audit import record
from camp.checkin.models import CheckinEvent, Device
from camp.db import begin_write, utcnow
from camp.errors import DomainError
from camp.extensions import db

MAX_HOURS = 24 * 14


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_device(actor, camp, name: str, hours: int) -> tuple[Device, str]:
    name = (name or "").strip()
    if not name:
        raise DomainError(_l("Give the device a name, such as 'Door 1'."), field="name")
    if not 1 <= hours <= MAX_HOURS:
        raise DomainError(_l("Choose between 1 hour and 14 days."), field="hours")
    token = secrets.token_urlsafe(32)
    device = Device(camp_id=camp.id, name=name[:80], token_hash=hash_token(token),
                    created_by_id=getattr(actor, "id", None),
                    expires_at=utcnow() + timedelta(hours=hours))
    db.session.add(device)
    db.session.flush()
    record("device.create", actor=actor, camp=camp, obj=device, name=device.name)
    return device, token


def device_for_token(token: str | None) -> Device | None:
    """The device this token belongs to, if it may still scan."""
    if not token or len(token) > 100:
        return None
    device = db.session.execute(select(Device).where(
        Device.token_hash == hash_token(token))).scalar_one_or_none()
    if device is None or not device.usable(utcnow()):
        return None
    return device


def touch(device: Device) -> None:
    now = utcnow()
    # Write at most once a minute; a busy door should not rewrite the row on every scan.
    if device.last_seen_at is None or now - device.last_seen_at > timedelta(minutes=1):
        begin_write(db.session)  # even this small write must not upgrade a read lock
        device.last_seen_at = now


def revoke(actor, camp, device: Device) -> Device:
    if device.revoked_at is None:
        device.revoked_at = utcnow()
        db.session.flush()
        record("device.revoke", actor=actor, camp=camp, obj=device)
    return device


def devices_with_scans(camp_id: int) -> list[tuple[Device, int]]:
    scans = (select(CheckinEvent.device_id, func.count().label("n"))
             .where(CheckinEvent.camp_id == camp_id).group_by(CheckinEvent.device_id)
             .subquery())
    rows = db.session.execute(
        select(Device, func.coalesce(scans.c.n, 0)).outerjoin(
            scans, scans.c.device_id == Device.id)
        .where(Device.camp_id == camp_id).order_by(Device.created_at.desc())).all()
    return [(d, n) for d, n in rows]
