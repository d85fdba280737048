"""Check-in API for scanner devices and staff: /api/v1/camps/<slug>/scans and /attendees.

Authentication: `Authorization: Bearer <device token>` (a paired device, one camp), or a
staff session cookie together with an `X-CSRFToken` header.
"""
from __future__ import annotations

import fcntl
import hashlib
from contextlib import contextmanager
from datetime import datetime
from typing import NamedTuple

from flask import abort, current_app, request, session
from flask_login import current_user
from flask_smorest import Blueprint
from flask_wtf.csrf import validate_csrf
from marshmallow import Schema, fields, validate
from sqlalchemy import select
from wtforms import ValidationError

from camp.camps.services import camp_by_slug
from camp.checkin import devices, services
from camp.checkin.models import Direction
from camp.db import utcnow
from camp.errors import DomainError
from camp.extensions import csrf, db, limiter
from camp.permissions import can
from camp.rawsql import Raw
from camp.registrations.models import Registration
from camp.web import takes_write_lock_itself

bp = Blueprint("api_checkin", __name__, url_prefix="/api/v1",
               description="Check-in at the door: record scans, fetch the attendee list.")
csrf.exempt(bp)


class ScanIn(Schema):
    ticket = fields.String(required=True, validate=validate.Length(min=1, max=500),
                           metadata={"description": "The QR code's text: ticket URL or secret."})
    direction = fields.String(load_default="in", validate=validate.OneOf(["in", "out"]))
    nonce = fields.String(required=True, validate=validate.Length(min=8, max=64),
                          metadata={"description": "Unique per scan; a retry sends the same."})
    scanned_at = fields.AwareDateTime(load_default=None, default_timezone=None)
    override_reason = fields.String(load_default="", validate=validate.Length(max=255))


class PersonOut(Schema):
    name = fields.String()
    organisation = fields.String()
    actor_type = fields.String()
    diet = fields.String()
    accessibility = fields.String()


class ScanOut(Schema):
    result = fields.String(metadata={"description": "ok, already_checked_in, not_checked_in, "
                                     "unknown_ticket, cancelled, waitlisted, wrong_camp, "
                                     "not_open_yet"})
    admitted = fields.Boolean()
    replayed = fields.Boolean()
    event_id = fields.Integer()
    at = fields.String()
    earlier_at = fields.String(allow_none=True)
    person = fields.Nested(PersonOut, allow_none=True)


def scan_payload(answer: services.Answer) -> dict:
    return {
        "result": answer.result.value, "admitted": answer.admitted,
        "replayed": answer.replayed, "event_id": answer.event_id, "at": answer.at.isoformat(),
        "earlier_at": answer.earlier_at.isoformat() if answer.earlier_at else None,
        "person": answer.person,
    }


class AttendeesQuery(Schema):
    since = fields.AwareDateTime(load_default=None, default_timezone=None)


class AttendeeOut(Schema):
    ticket_hash = fields.String(metadata={"description": "SHA-256 of the ticket secret"})
    name = fields.String()
    organisation = fields.String()
    actor_type = fields.String()
    status = fields.String()
    diet = fields.String()
    accessibility = fields.String()
    updated_at = fields.String()


def attendee_payload(r: Registration) -> dict:
    return {"ticket_hash": ticket_hash(r.ticket_secret), "name": r.name,
            "organisation": r.organisation, "actor_type": r.actor_type.value,
            "status": r.status.value, "diet": r.diet, "accessibility": r.accessibility,
            "updated_at": r.updated_at.isoformat()}


class AttendeesOut(Schema):
    attendees = fields.List(fields.Nested(AttendeeOut))
    server_time = fields.String()


def ticket_hash(secret: str) -> str:
    """What offline scanners store: they hash what they scan and compare."""
    return hashlib.sha256(secret.encode()).hexdigest()


class Door(NamedTuple):
    """Who is scanning for which camp: plain values, no ORM objects on the hot path."""
    camp_id: int
    camp_starts_at: datetime
    device_id: int | None  # a paired device, or
    user_id: int | None  # a signed-in staff member


def _authorise(slug: str, conn: Raw | None = None) -> Door:
    """The camp and the device or staff member scanning for it; 401/403/404 otherwise.

    The device's validity (revoked, expired) is read from the database on every request,
    through `conn` when the caller has one in a writer's transaction, else the session.
    """
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        scanner = devices.scanner_for_token(header[len("Bearer "):].strip(), slug, conn)
        if scanner is None:
            abort(401, description="unknown, expired or revoked device token")
        if scanner.camp_id is None or scanner.device_camp_id != scanner.camp_id:
            abort(403, description="this device scans for another camp")
        devices.touch_scanner(scanner, conn)  # committed with the request's own change
        return Door(scanner.camp_id, scanner.camp_starts_at, scanner.device_id, None)
    # Cookie-based callers (the scanner page: a paired device or staff) must prove the
    # request comes from our page.
    from camp.checkin.views import DEVICE_KEY
    scanner = devices.scanner_for_token(session.get(DEVICE_KEY), slug, conn)
    if scanner is None and not current_user.is_authenticated:
        abort(401, description="send a device token or sign in")
    try:
        validate_csrf(request.headers.get("X-CSRFToken"))
    except ValidationError:
        abort(400, description="missing or invalid X-CSRFToken header")
    if scanner is not None and scanner.camp_id is not None \
            and scanner.device_camp_id == scanner.camp_id:
        devices.touch_scanner(scanner, conn)
        return Door(scanner.camp_id, scanner.camp_starts_at, scanner.device_id, None)
    # Staff: the permission check reads through the ORM session (its own connection; on
    # SQLite in WAL mode a reader, which the write lock held by `conn` does not block).
    camp = camp_by_slug(slug)
    if camp is None:
        abort(404)
    if not can(current_user, "camp.checkin", camp):
        abort(403, description="not check-in staff for this camp")
    return Door(camp.id, camp.starts_at, None, current_user.id)


@contextmanager
def _writers_queue():
    """On SQLite, queue for the write lock in the kernel rather than in SQLite.

    SQLite's busy handler sleeps 1, 2, 5, 10... ms between tries, so two workers meeting
    at the lock lose whole milliseconds although the holder lets go within one. flock() on
    a file beside the database wakes the next scan the moment the last one committed.
    Only an aid to speed: SQLite's own lock still guarantees one writer at a time.
    """
    url = db.engine.url
    try:
        if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
            raise OSError("no file to lock beside")
        fh = open(url.database + ".scan-lock", "a")  # an open file per scan: flock then
    except OSError:                                   # queues threads as well as workers
        yield
        return
    with fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        yield  # closing the file releases the lock


SCAN_IN = ScanIn()
SCAN_FIELDS = frozenset(SCAN_IN.fields)


def _scan_arguments() -> dict:
    """The request body, loaded as ScanIn would load it.

    This endpoint is the queue at the door, so an ordinary scan is checked here in plain
    Python by ScanIn's own rules (marshmallow costs a tenth of the request). Anything else
    (a timestamp, a missing or wrong field, no JSON at all) goes through the schema, whose
    422 answer names the fields at fault, exactly as @bp.arguments(ScanIn) would.
    """
    body = request.get_json(silent=True)
    if isinstance(body, dict) and body.keys() <= SCAN_FIELDS:
        ticket, nonce = body.get("ticket"), body.get("nonce")
        direction = body.get("direction", "in")
        override_reason = body.get("override_reason", "")
        if (type(ticket) is str and 1 <= len(ticket) <= 500
                and type(nonce) is str and 8 <= len(nonce) <= 64
                and direction in ("in", "out")
                and type(override_reason) is str and len(override_reason) <= 255
                and body.get("scanned_at") is None):
            return {"ticket": ticket, "direction": direction, "nonce": nonce,
                    "scanned_at": None, "override_reason": override_reason}
    return bp.ARGUMENTS_PARSER.parse(SCAN_IN, location="json")


@bp.route("/camps/<slug>/scans", methods=["POST"])
@takes_write_lock_itself
@limiter.limit("600 per minute")
# The OpenAPI document says what @bp.arguments(ScanIn) would; _scan_arguments() parses.
@bp.doc(requestBody={"required": True, "content": {"application/json": {"schema": ScanIn}}})
@bp.alt_response(422, response="UNPROCESSABLE_ENTITY")
@bp.response(200, ScanOut)
def record_scan(slug):
    """Record one scan and answer it. The same nonce again returns the first answer."""
    data = _scan_arguments()
    # The queue at the door: prepared statements on a pooled DBAPI connection of its own,
    # in a writer's transaction (BEGIN IMMEDIATE on SQLite) from here to the commit only.
    # SQLAlchemy's per-statement bookkeeping would cost a quarter of the request, and
    # parsing the request and writing the answer stay outside the lock the other workers
    # wait for.
    connection = db.engine.raw_connection()
    try:
        with _writers_queue():
            conn = Raw(connection.driver_connection, db.engine.dialect)
            if conn.dialect.name == "sqlite":
                conn.cursor.execute("BEGIN IMMEDIATE")
            try:
                door = _authorise(slug, conn)
                answer = services.record(
                    conn, door.camp_id, door.camp_starts_at, data["ticket"],
                    Direction(data["direction"]), data["nonce"], user_id=door.user_id,
                    device_id=door.device_id, scanned_at=data["scanned_at"],
                    override_reason=data["override_reason"])
            except DomainError as exc:
                connection.rollback()
                abort(422, description=str(exc.message))
            except BaseException:  # abort() and anything unexpected: nothing half-written
                connection.rollback()
                raise
            connection.commit()
    finally:
        connection.close()  # back to the pool
    # Already plain JSON types in ScanOut's shape: sent as they are, without a schema dump.
    return current_app.json.response(scan_payload(answer))


@bp.route("/camps/<slug>/attendees", methods=["GET"])
# A scanner syncs every 15 seconds; several share the venue's one address.
@limiter.limit("120 per minute")
@bp.arguments(AttendeesQuery, location="query")
@bp.response(200, AttendeesOut)
def attendees(query, slug):
    """The camp's registrations for an offline cache; with `since`, only what changed."""
    door = _authorise(slug)
    now = utcnow()
    stmt = select(Registration).where(Registration.camp_id == door.camp_id)
    if query["since"] is not None:
        stmt = stmt.where(Registration.updated_at >= query["since"])
    rows = db.session.execute(stmt.order_by(Registration.id)).scalars().all()
    payload = {"attendees": [attendee_payload(r) for r in rows],
               "server_time": now.isoformat()}
    db.session.commit()  # the device's last_seen_at
    return payload
