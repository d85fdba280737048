"""Paired scanner devices: created by an organiser, used without an account, revocable."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select, update

from camp.audit import record
from camp.camps.models import Camp
from camp.checkin.models import CheckinEvent, Device
from camp.db import begin_write, utcnow
from camp.errors import DomainError
from camp.extensions import db
from camp.rawsql import Prepared, Raw

MAX_HOURS = 24 * 14
# Write last_seen_at at most once a minute; a busy door should not rewrite it on every scan.
SEEN_EVERY = timedelta(minutes=1)


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


# The API's hot path: the device behind a token and the camp the request names, in one
# statement. The camp is joined by slug, not through the device, so "no such camp" and
# "another camp" can be told apart (404/403) from "no such device" (401).
SCANNER = Prepared(
    select(Device.id.label("device_id"), Device.camp_id.label("device_camp_id"),
           Device.revoked_at, Device.expires_at, Device.last_seen_at,
           Camp.id.label("camp_id"), Camp.starts_at.label("camp_starts_at"))
    .select_from(Device).outerjoin(Camp, Camp.slug == bindparam("slug"))
    .where(Device.token_hash == bindparam("token_hash")))


TOUCH = Prepared(update(Device.__table__).where(Device.__table__.c.id == bindparam("device_id"))
                 .values(last_seen_at=bindparam("now")))


def scanner_for_token(token: str | None, slug: str, conn: Raw | None = None):
    """A SCANNER row if the token's device may still scan (checked on every request: a
    revoked or expired device is refused at once), else None. camp_id is None when no camp
    has this slug. Reads through `conn`, or the session's connection."""
    if not token or len(token) > 100:
        return None
    row = (conn or Raw.of(db.session.connection())).first(
        SCANNER, {"token_hash": hash_token(token), "slug": slug})
    if row is None or row.revoked_at is not None or not utcnow() < row.expires_at:
        return None  # the same rule as Device.usable
    return row


def touch_scanner(row, conn: Raw | None = None) -> None:
    """touch() for a SCANNER row, without loading the device. `conn`, if given, is in a
    writer's transaction; else the session's is made one when there is something to write."""
    now = utcnow()
    if row.last_seen_at is None or now - row.last_seen_at > SEEN_EVERY:
        if conn is None:
            begin_write(db.session)
            conn = Raw.of(db.session.connection())
        conn.execute(TOUCH, {"device_id": row.device_id, "now": now})


def touch(device: Device) -> None:
    now = utcnow()
    if device.last_seen_at is None or now - device.last_seen_at > SEEN_EVERY:
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
