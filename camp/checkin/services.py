"""Scanning tickets at the door: explicit answers, idempotent, one admission per ticket."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from camp.camps.models import Camp
from camp.checkin.models import CheckinEvent, Direction, ScanResult
from camp.db import begin_write, utcnow
from camp.errors import DomainError
from camp.extensions import db
from camp.registrations.models import Registration, RegistrationStatus
from camp.tickets.services import registration_by_secret

# Doors open this long before the programme starts.
DOORS_OPEN_BEFORE = timedelta(hours=2)
OVERRIDABLE = {ScanResult.already_checked_in, ScanResult.not_checked_in, ScanResult.cancelled,
               ScanResult.waitlisted, ScanResult.not_open_yet}
TICKET_IN_URL = re.compile(r"/t/([A-Za-z0-9_-]{16,64})(?:\.pdf)?/?$")


@dataclass
class Scan:
    result: ScanResult
    event: CheckinEvent
    registration: Registration | None
    earlier: CheckinEvent | None = None  # the admission that makes this one a repeat
    replayed: bool = False  # the nonce was seen before; this is the stored answer

    @property
    def admitted(self) -> bool:
        return self.event.admitted


def ticket_secret(raw: str) -> str:
    """A scanner sends the QR's text: our ticket URL or a bare secret."""
    raw = (raw or "").strip()
    match = TICKET_IN_URL.search(raw)
    return match.group(1) if match else raw


def last_admission(registration_id: int) -> CheckinEvent | None:
    return db.session.execute(
        select(CheckinEvent).where(CheckinEvent.registration_id == registration_id,
                                   CheckinEvent.admitted.is_(True))
        .order_by(CheckinEvent.id.desc()).limit(1)).scalar_one_or_none()


def _judge(camp: Camp, reg: Registration | None, direction: Direction, now: datetime):
    if reg is None:
        return ScanResult.unknown_ticket, None
    if reg.camp_id != camp.id:
        return ScanResult.wrong_camp, None
    if reg.status == RegistrationStatus.cancelled:
        return ScanResult.cancelled, None
    if reg.status == RegistrationStatus.waitlisted:
        return ScanResult.waitlisted, None
    if now < camp.starts_at - DOORS_OPEN_BEFORE:
        return ScanResult.not_open_yet, None
    last = last_admission(reg.id)
    inside = last is not None and last.direction == Direction.entry
    if direction == Direction.entry and inside:
        return ScanResult.already_checked_in, last
    if direction == Direction.exit and not inside:
        return ScanResult.not_checked_in, last
    return ScanResult.ok, last


def scan(camp: Camp, raw: str, direction: Direction, nonce: str, *, actor=None, device=None,
         override_reason: str = "", scanned_at: datetime | None = None) -> Scan:
    """Record one scan and answer it. Commits nothing; the caller commits."""
    nonce = (nonce or "").strip()
    if not 8 <= len(nonce) <= 64:
        raise DomainError(_l("The scan has no valid identifier. Reload the page."))
    override_reason = (override_reason or "").strip()[:255]
    begin_write(db.session)
    if db.session.get_bind().dialect.name != "sqlite":
        # Lock the camp row so two scanners admitting one ticket queue up. (On SQLite the
        # IMMEDIATE transaction already holds the only write lock.)
        camp = db.session.execute(select(Camp).where(Camp.id == camp.id).with_for_update()
                                  ).scalar_one()

    now = utcnow()
    reg = registration_by_secret(ticket_secret(raw))
    result, earlier = _judge(camp, reg, direction, now)
    admitted = result == ScanResult.ok
    if not admitted and override_reason:
        if result not in OVERRIDABLE:
            raise DomainError(_l("This answer cannot be overridden."))
        admitted = True
    event = CheckinEvent(
        camp_id=camp.id, registration_id=reg.id if reg and result != ScanResult.wrong_camp
        else None, scanned=(raw or "")[:120], direction=direction, result=result,
        admitted=admitted, override_reason=override_reason if admitted else "", nonce=nonce,
        user_id=getattr(actor, "id", None), device_id=getattr(device, "id", None),
        scanned_at=scanned_at or now, at=now)
    try:
        # The unique nonce is the check: a retry or replay lands here, not in a lookup first.
        with db.session.begin_nested():
            db.session.add(event)
            db.session.flush()
    except IntegrityError:
        return _replayed(camp, nonce)
    return Scan(result, event, reg if result != ScanResult.wrong_camp else None, earlier)


def _replayed(camp: Camp, nonce: str) -> Scan:
    seen = db.session.execute(select(CheckinEvent).where(CheckinEvent.nonce == nonce)
                              ).scalar_one()
    if seen.camp_id != camp.id:
        raise DomainError(_l("The scan has no valid identifier. Reload the page."))
    return Scan(seen.result, seen, seen.registration, replayed=True)


def search(camp: Camp, text: str, limit: int = 20) -> list[Registration]:
    """Find people by name, e-mail or organisation, for those without their QR code."""
    text = (text or "").strip().lower()
    if len(text) < 2:
        return []
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return db.session.execute(
        select(Registration).where(
            Registration.camp_id == camp.id,
            Registration.status != RegistrationStatus.cancelled,
            or_(func.lower(Registration.name).like(pattern, escape="\\"),
                func.lower(Registration.email).like(pattern, escape="\\"),
                func.lower(Registration.organisation).like(pattern, escape="\\")))
        .order_by(Registration.name).limit(limit)).scalars().all()


def inside_ids(camp_id: int, registration_ids: list[int]) -> set[int]:
    """Which of these people are inside now (their last admitted scan was an entry)."""
    if not registration_ids:
        return set()
    last = (select(CheckinEvent.registration_id, func.max(CheckinEvent.id).label("last_id"))
            .where(CheckinEvent.camp_id == camp_id, CheckinEvent.admitted.is_(True),
                   CheckinEvent.registration_id.in_(registration_ids))
            .group_by(CheckinEvent.registration_id).subquery())
    rows = db.session.execute(
        select(CheckinEvent.registration_id).join(last, CheckinEvent.id == last.c.last_id)
        .where(CheckinEvent.direction == Direction.entry)).scalars()
    return set(rows)


def counts(camp_id: int) -> dict:
    """Inside now and expected (confirmed), for the scanner's header."""
    from camp.registrations.services import confirmed_count
    last = (select(func.max(CheckinEvent.id).label("last_id"))
            .where(CheckinEvent.camp_id == camp_id, CheckinEvent.admitted.is_(True))
            .group_by(CheckinEvent.registration_id).subquery())
    inside = db.session.execute(
        select(func.count()).select_from(CheckinEvent).join(last, CheckinEvent.id ==
                                                            last.c.last_id)
        .where(CheckinEvent.direction == Direction.entry)).scalar_one()
    return {"inside": inside, "expected": confirmed_count(camp_id)}


def inside_now(camp_id: int) -> list[Registration]:
    """Everyone whose last admitted scan was an entry: the fire-safety list."""
    last = (select(func.max(CheckinEvent.id).label("last_id"))
            .where(CheckinEvent.camp_id == camp_id, CheckinEvent.admitted.is_(True))
            .group_by(CheckinEvent.registration_id).subquery())
    return db.session.execute(
        select(Registration).join(CheckinEvent, CheckinEvent.registration_id == Registration.id)
        .join(last, CheckinEvent.id == last.c.last_id)
        .where(CheckinEvent.direction == Direction.entry).order_by(Registration.name)
    ).scalars().all()


def recent_scans(camp_id: int, limit: int = 15) -> list[CheckinEvent]:
    return db.session.execute(
        select(CheckinEvent).where(CheckinEvent.camp_id == camp_id)
        .options(db.joinedload(CheckinEvent.registration))
        .order_by(CheckinEvent.id.desc()).limit(limit)).scalars().all()


def arrivals(camp_id: int, tz, minutes: int = 15) -> list[tuple[datetime, int]]:
    """First arrivals per person, counted in slots of `minutes` (local time)."""
    firsts = db.session.execute(
        select(func.min(CheckinEvent.at)).where(
            CheckinEvent.camp_id == camp_id, CheckinEvent.admitted.is_(True),
            CheckinEvent.direction == Direction.entry)
        .group_by(CheckinEvent.registration_id)).scalars().all()
    slots: dict[datetime, int] = {}
    for at in firsts:
        local = at.astimezone(tz)
        slot = local.replace(minute=local.minute - local.minute % minutes, second=0,
                             microsecond=0)
        slots[slot] = slots.get(slot, 0) + 1
    return sorted(slots.items())


def attendance_by_day(camp_id: int, tz) -> list[tuple[object, int]]:
    """How many different people were admitted on each local day."""
    rows = db.session.execute(
        select(CheckinEvent.registration_id, CheckinEvent.at).where(
            CheckinEvent.camp_id == camp_id, CheckinEvent.admitted.is_(True),
            CheckinEvent.direction == Direction.entry)).all()
    days: dict = {}
    for reg_id, at in rows:
        days.setdefault(at.astimezone(tz).date(), set()).add(reg_id)
    return sorted((day, len(people)) for day, people in days.items())


def inside_by_actor_type(people: list[Registration]) -> list[tuple[str, int]]:
    counts_: dict[str, int] = {}
    for person in people:
        counts_[person.actor_type.value] = counts_.get(person.actor_type.value, 0) + 1
    return sorted(counts_.items(), key=lambda kv: (-kv[1], kv[0]))


def offline_conflicts(camp_id: int, limit: int = 50) -> list[CheckinEvent]:
    """Scans made offline that the server refused on sync (e.g. one ticket admitted by two
    offline devices). A scan counts as offline when it reached us a minute after it was made.
    """
    rows = db.session.execute(
        select(CheckinEvent).where(
            CheckinEvent.camp_id == camp_id, CheckinEvent.admitted.is_(False),
            CheckinEvent.result.in_([ScanResult.already_checked_in,
                                     ScanResult.not_checked_in]))
        .options(db.joinedload(CheckinEvent.registration), db.joinedload(CheckinEvent.device))
        .order_by(CheckinEvent.id.desc()).limit(limit * 4)).scalars().all()
    return [e for e in rows if e.at - e.scanned_at > timedelta(minutes=1)][:limit]
