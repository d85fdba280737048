"""Check-in API for scanner devices and staff: /api/v1/camps/<slug>/scans and /attendees.

Authentication: `Authorization: Bearer <device token>` (a paired device, one camp), or a
staff session cookie together with an `X-CSRFToken` header.
"""
from __future__ import annotations

import hashlib

from flask import abort, request, session
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
from camp.registrations.models import Registration

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


def scan_payload(scan) -> dict:
    """Plain data, built before the commit expires the objects it reads."""
    reg = scan.registration
    return {
        "result": scan.result.value, "admitted": scan.admitted, "replayed": scan.replayed,
        "event_id": scan.event.id, "at": scan.event.at.isoformat(),
        "earlier_at": scan.earlier.at.isoformat() if scan.earlier else None,
        "person": {"name": reg.name, "organisation": reg.organisation,
                   "actor_type": reg.actor_type.value, "diet": reg.diet,
                   "accessibility": reg.accessibility} if reg is not None else None,
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


def _authorise(slug: str):
    """The camp and the device (or None for a staff session); 401/403/404 otherwise."""
    camp = camp_by_slug(slug)
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        device = devices.device_for_token(header[len("Bearer "):].strip())
        if device is None:
            abort(401, description="unknown, expired or revoked device token")
        if camp is None or device.camp_id != camp.id:
            abort(403, description="this device scans for another camp")
        devices.touch(device)  # committed with the request's own change
        return camp, device
    # Cookie-based callers (the scanner page: a paired device or staff) must prove the
    # request comes from our page.
    from camp.checkin.views import DEVICE_KEY
    device = devices.device_for_token(session.get(DEVICE_KEY))
    if device is None and not current_user.is_authenticated:
        abort(401, description="send a device token or sign in")
    try:
        validate_csrf(request.headers.get("X-CSRFToken"))
    except ValidationError:
        abort(400, description="missing or invalid X-CSRFToken header")
    if camp is None:
        abort(404)
    if device is not None and device.camp_id == camp.id:
        devices.touch(device)
        return camp, device
    if not can(current_user, "camp.checkin", camp):
        abort(403, description="not check-in staff for this camp")
    return camp, None


@bp.route("/camps/<slug>/scans", methods=["POST"])
@limiter.limit("600 per minute")
@bp.arguments(ScanIn)
@bp.response(200, ScanOut)
def record_scan(data, slug):
    """Record one scan and answer it. The same nonce again returns the first answer."""
    camp, device = _authorise(slug)
    actor = current_user if device is None else None
    try:
        scan = services.scan(camp, data["ticket"], Direction(data["direction"]), data["nonce"],
                             actor=actor, device=device, scanned_at=data["scanned_at"],
                             override_reason=data["override_reason"])
    except DomainError as exc:
        db.session.rollback()
        abort(422, description=str(exc.message))
    payload = scan_payload(scan)
    db.session.commit()
    return payload


@bp.route("/camps/<slug>/attendees", methods=["GET"])
@bp.arguments(AttendeesQuery, location="query")
@bp.response(200, AttendeesOut)
def attendees(query, slug):
    """The camp's registrations for an offline cache; with `since`, only what changed."""
    camp, _device = _authorise(slug)
    now = utcnow()
    stmt = select(Registration).where(Registration.camp_id == camp.id)
    if query["since"] is not None:
        stmt = stmt.where(Registration.updated_at >= query["since"])
    rows = db.session.execute(stmt.order_by(Registration.id)).scalars().all()
    payload = {"attendees": [attendee_payload(r) for r in rows],
               "server_time": now.isoformat()}
    db.session.commit()  # the device's last_seen_at
    return payload
