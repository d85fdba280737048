"""Tickets: the secret in the QR code, its address, rotation and calendar file."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from icalendar import Calendar, Event
from sqlalchemy import select

from camp.audit import record
from camp.db import utcnow
from camp.errors import DomainError
from camp.extensions import db
from camp.registrations.models import Registration, RegistrationStatus, new_ticket_secret
from camp.urls import external_url

# Secrets are token_urlsafe(16): 22 characters of A-Z a-z 0-9 - _.
SECRET_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def plausible_secret(secret: str) -> bool:
    return 16 <= len(secret or "") <= 64 and set(secret) <= SECRET_CHARS


def registration_by_secret(secret: str) -> Registration | None:
    if not plausible_secret(secret):
        return None
    return db.session.execute(
        select(Registration).where(Registration.ticket_secret == secret)).scalar_one_or_none()


def ticket_url(reg: Registration) -> str:
    """What the QR code holds: a short address that opens the ticket on a phone."""
    return external_url("tickets.show", secret=reg.ticket_secret)


def rotate_secret(actor, reg: Registration) -> Registration:
    """A new secret; the old QR code stops working at once (lost or shared ticket)."""
    if reg.status == RegistrationStatus.cancelled:
        raise DomainError(_l("A cancelled registration has no ticket."))
    reg.ticket_secret = new_ticket_secret()
    db.session.flush()
    record("ticket.rotate", actor=actor, camp=reg.camp, obj=reg)
    return reg


def camp_ics(camp) -> bytes:
    """The camp itself as one calendar event, for the confirmation e-mail."""
    cal = Calendar()
    cal.add("prodid", "-//Samskab//Ticket//DA")
    cal.add("version", "2.0")
    event = Event()
    event.add("uid", f"camp.{camp.slug}@samskab")
    event.add("dtstamp", utcnow())
    event.add("summary", camp.title)
    event.add("dtstart", camp.starts_at)
    event.add("dtend", camp.ends_at)
    location = ", ".join(p for p in (camp.venue, camp.address) if p)
    if location:
        event.add("location", location)
    event.add("url", external_url("camps.show", slug=camp.slug))
    cal.add_component(event)
    return cal.to_ical()
