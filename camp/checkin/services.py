"""Scanning tickets at the door: explicit answers, idempotent, one admission per ticket."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import aliased, load_only

from camp.camps.models import Camp
from camp.checkin.models import CheckinEvent, Direction, ScanResult
from camp.db import begin_write, utcnow
from camp.errors import DomainError
from camp.extensions import db
from camp.rawsql import Prepared, Raw
from camp.registrations.models import Registration, RegistrationStatus
from camp.tickets.services import plausible_secret

# Doors open this long before the programme starts.
DOORS_OPEN_BEFORE = timedelta(hours=2)
OVERRIDABLE = {ScanResult.already_checked_in, ScanResult.not_checked_in, ScanResult.cancelled,
               ScanResult.waitlisted, ScanResult.not_open_yet}
# Answers that were judged against the person's last admission, and show it.
REFERS_TO_LAST = {ScanResult.ok, ScanResult.already_checked_in, ScanResult.not_checked_in}
TICKET_IN_URL = re.compile(r"/t/([A-Za-z0-9_-]{16,64})(?:\.pdf)?/?$")


@dataclass
class Answer:
    """A scan's answer as plain data: what the API sends back, and what Scan is built from."""
    result: ScanResult
    admitted: bool
    event_id: int
    at: datetime
    direction: Direction
    override_reason: str
    registration_id: int | None  # None for unknown and other camps' tickets
    person: dict | None  # name, organisation, actor_type, diet, accessibility
    earlier_id: int | None = None  # the admission that makes this one a repeat
    earlier_at: datetime | None = None
    replayed: bool = False  # the nonce was seen before; this is the stored answer


@dataclass
class Scan:
    """The same answer with ORM objects, for the scanner page's template."""
    result: ScanResult
    event: CheckinEvent
    registration: Registration | None
    earlier: CheckinEvent | None = None
    replayed: bool = False

    @property
    def admitted(self) -> bool:
        return self.event.admitted


def ticket_secret(raw: str) -> str:
    """A scanner sends the QR's text: our ticket URL or a bare secret."""
    raw = (raw or "").strip()
    match = TICKET_IN_URL.search(raw)
    return match.group(1) if match else raw


# The hot path (a queue at the door) runs statements built once, here, and reads plain rows,
# no ORM objects: the person with their last admission (one statement, the admission found
# by a correlated subquery), the insert, and, on a replay only, the stored answer.
_last = aliased(CheckinEvent, name="last_admission")
_PERSON = (Registration.name, Registration.organisation, Registration.actor_type,
           Registration.diet, Registration.accessibility)
TICKET_WITH_LAST_ADMISSION = Prepared(
    select(Registration.id, Registration.camp_id, Registration.status, *_PERSON,
           _last.id.label("last_id"), _last.direction.label("last_direction"),
           _last.at.label("last_at"))
    .outerjoin(_last, _last.id == select(CheckinEvent.id).where(
        CheckinEvent.registration_id == Registration.id, CheckinEvent.admitted.is_(True))
        .order_by(CheckinEvent.id.desc()).limit(1).scalar_subquery())
    .where(Registration.ticket_secret == bindparam("secret")))
STORED_ANSWER = Prepared(
    select(CheckinEvent.id, CheckinEvent.camp_id, CheckinEvent.result, CheckinEvent.admitted,
           CheckinEvent.at, CheckinEvent.direction, CheckinEvent.override_reason,
           CheckinEvent.registration_id, *_PERSON)
    .outerjoin(Registration, Registration.id == CheckinEvent.registration_id)
    .where(CheckinEvent.nonce == bindparam("nonce")))
EVENTS = CheckinEvent.__table__
# The unique nonce is the idempotency check: a retry or replay inserts nothing (no error,
# no savepoint) and RETURNING gives no id. SQLite >= 3.35 and PostgreSQL both do this.
_EVENT_COLUMNS = ["camp_id", "registration_id", "scanned", "direction", "result", "admitted",
                  "override_reason", "nonce", "user_id", "device_id", "scanned_at", "at"]
INSERT_EVENT = {
    name: Prepared(insert(EVENTS).on_conflict_do_nothing(index_elements=["nonce"])
                   .returning(EVENTS.c.id), _EVENT_COLUMNS)
    for name, insert in (("sqlite", sqlite_insert), ("postgresql", postgresql_insert))}
LOCK_CAMP = Prepared(select(Camp.id).where(Camp.id == bindparam("camp_id")).with_for_update())


def _person(row) -> dict:
    return {"name": row.name, "organisation": row.organisation,
            "actor_type": row.actor_type.value, "diet": row.diet,
            "accessibility": row.accessibility}


def _judge(camp_id: int, starts_at: datetime, reg, direction: Direction, now: datetime):
    """The answer for this ticket; `reg` is a TICKET_WITH_LAST_ADMISSION row or None."""
    if reg is None:
        return ScanResult.unknown_ticket
    if reg.camp_id != camp_id:
        return ScanResult.wrong_camp
    if reg.status == RegistrationStatus.cancelled:
        return ScanResult.cancelled
    if reg.status == RegistrationStatus.waitlisted:
        return ScanResult.waitlisted
    if now < starts_at - DOORS_OPEN_BEFORE:
        return ScanResult.not_open_yet
    inside = reg.last_id is not None and reg.last_direction == Direction.entry
    if direction == Direction.entry and inside:
        return ScanResult.already_checked_in
    if direction == Direction.exit and not inside:
        return ScanResult.not_checked_in
    return ScanResult.ok


def record(conn: Raw, camp_id: int, starts_at: datetime, raw: str,
           direction: Direction, nonce: str, *, user_id: int | None = None,
           device_id: int | None = None, override_reason: str = "",
           scanned_at: datetime | None = None) -> Answer:
    """Record one scan for this camp and answer it.

    `conn` is in a writer's transaction (on SQLite BEGIN IMMEDIATE: the session after
    begin_write(), or a raw connection that began it); the caller commits.
    """
    nonce = (nonce or "").strip()
    if not 8 <= len(nonce) <= 64:
        raise DomainError(_l("The scan has no valid identifier. Reload the page."))
    override_reason = (override_reason or "").strip()[:255]
    dialect = conn.dialect.name
    if dialect != "sqlite":
        # Lock the camp row so two scanners admitting one ticket queue up. (On SQLite the
        # IMMEDIATE transaction already holds the only write lock.)
        conn.execute(LOCK_CAMP, {"camp_id": camp_id})

    now = utcnow()
    secret = ticket_secret(raw)
    reg = conn.first(TICKET_WITH_LAST_ADMISSION, {"secret": secret}) \
        if plausible_secret(secret) else None
    result = _judge(camp_id, starts_at, reg, direction, now)
    admitted = result == ScanResult.ok
    if not admitted and override_reason:
        if result not in OVERRIDABLE:
            raise DomainError(_l("This answer cannot be overridden."))
        admitted = True
    known = reg is not None and result != ScanResult.wrong_camp  # never show another camp's
    event_id = conn.scalar(INSERT_EVENT[dialect], {
        "camp_id": camp_id, "registration_id": reg.id if known else None,
        "scanned": (raw or "")[:120], "direction": direction, "result": result,
        "admitted": admitted, "override_reason": override_reason if admitted else "",
        "nonce": nonce, "user_id": user_id, "device_id": device_id,
        "scanned_at": scanned_at or now, "at": now})
    if event_id is None:
        return _replayed(conn, camp_id, nonce)
    # The admission that makes this a repeat (or, for an exit or re-entry, the one before).
    repeat = result in REFERS_TO_LAST and reg.last_id is not None
    return Answer(result, admitted, event_id, now, direction,
                  override_reason if admitted else "", reg.id if known else None,
                  _person(reg) if known else None,
                  earlier_id=reg.last_id if repeat else None,
                  earlier_at=reg.last_at if repeat else None)


def _replayed(conn: Raw, camp_id: int, nonce: str) -> Answer:
    seen = conn.first(STORED_ANSWER, {"nonce": nonce})
    if seen.camp_id != camp_id:
        raise DomainError(_l("The scan has no valid identifier. Reload the page."))
    return Answer(seen.result, seen.admitted, seen.id, seen.at, seen.direction,
                  seen.override_reason, seen.registration_id,
                  _person(seen) if seen.registration_id is not None else None, replayed=True)


def scan(camp: Camp, raw: str, direction: Direction, nonce: str, *, actor=None, device=None,
         override_reason: str = "", scanned_at: datetime | None = None) -> Scan:
    """Record one scan and answer it with ORM objects (the scanner page). Commits nothing."""
    begin_write(db.session)
    answer = record(Raw.of(db.session.connection()), camp.id, camp.starts_at, raw, direction, nonce,
                    user_id=getattr(actor, "id", None), device_id=getattr(device, "id", None),
                    override_reason=override_reason, scanned_at=scanned_at)
    get = db.session.get
    return Scan(answer.result, get(CheckinEvent, answer.event_id),
                get(Registration, answer.registration_id) if answer.registration_id else None,
                get(CheckinEvent, answer.earlier_id) if answer.earlier_id else None,
                answer.replayed)


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
    """Everyone whose last admitted scan was an entry: the fire-safety list.

    Only the columns the lists show are loaded (not the answers JSON or the consent text:
    decoding those for thousands of people was most of the dashboard's time); touching any
    other attribute raises instead of loading row by row.
    """
    last = (select(func.max(CheckinEvent.id).label("last_id"))
            .where(CheckinEvent.camp_id == camp_id, CheckinEvent.admitted.is_(True))
            .group_by(CheckinEvent.registration_id).subquery())
    return db.session.execute(
        select(Registration).join(CheckinEvent, CheckinEvent.registration_id == Registration.id)
        .join(last, CheckinEvent.id == last.c.last_id)
        .where(CheckinEvent.direction == Direction.entry).order_by(Registration.name)
        .options(load_only(Registration.name, Registration.email, Registration.organisation,
                           Registration.actor_type, Registration.accessibility,
                           Registration.diet, Registration.status, raiseload=True))
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
