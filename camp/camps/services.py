"""Camp operations: plain functions, no request or current_user."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from camp.audit import record
from camp.camps.models import Camp, CampFormat, CampStatus, Membership, ProgrammeItem, Role
from camp.camps.presets import PRESETS
from camp.db import utcnow
from camp.errors import DomainError
from camp.extensions import db

PUBLIC_STATUSES = (CampStatus.published, CampStatus.closed, CampStatus.archived)
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TRANSITIONS = {
    CampStatus.draft: {CampStatus.published},
    CampStatus.published: {CampStatus.closed, CampStatus.draft},
    CampStatus.closed: {CampStatus.published, CampStatus.archived},
    CampStatus.archived: {CampStatus.closed},
}


@dataclass
class CampData:
    title: str
    slug: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    timezone: str = "Europe/Copenhagen"
    description: str = ""
    venue: str = ""
    address: str = ""
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    consent_text: str = ""


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


def camp_by_slug(slug: str) -> Camp | None:
    return db.session.execute(select(Camp).where(Camp.slug == slug)).scalar_one_or_none()


def slugify(text: str) -> str:
    table = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "é": "e", "ü": "u", "ö": "oe",
                           "ä": "ae"})
    slug = re.sub(r"[^a-z0-9]+", "-", (text or "").lower().translate(table)).strip("-")
    return slug[:80].strip("-")


def _check(camp: Camp | None, data: CampData) -> None:
    if not SLUG_RE.match(data.slug or ""):
        raise DomainError(_l("Use lowercase letters a–z, digits and hyphens only."),
                          field="slug")
    taken = db.session.execute(select(Camp.id).where(Camp.slug == data.slug)).scalar()
    if taken is not None and (camp is None or taken != camp.id):
        raise DomainError(_l("Another camp already uses this address."), field="slug")
    if data.timezone not in available_timezones():
        raise DomainError(_l("Choose a time zone from the list."), field="timezone")
    if data.ends_at <= data.starts_at:
        raise DomainError(_l("The camp must end after it starts."), field="ends_at")
    if data.capacity < 1:
        raise DomainError(_l("There must be at least one seat."), field="capacity")
    opens, closes = data.registration_opens_at, data.registration_closes_at
    if opens and closes and closes <= opens:
        raise DomainError(_l("Registration must close after it opens."),
                          field="registration_closes_at")
    if closes and closes > data.ends_at:
        raise DomainError(_l("Registration cannot close after the camp has ended."),
                          field="registration_closes_at")
    if opens and opens >= data.ends_at:
        raise DomainError(_l("Registration must open before the camp ends."),
                          field="registration_opens_at")


def _apply(camp: Camp, data: CampData) -> None:
    for name in ("title", "slug", "starts_at", "ends_at", "capacity", "timezone", "description",
                 "venue", "address", "registration_opens_at", "registration_closes_at"):
        setattr(camp, name, getattr(data, name))
    camp.title = camp.title.strip()


def create_camp(actor, data: CampData, fmt: CampFormat = CampFormat.blank) -> Camp:
    """A new draft camp from a template; the actor becomes its organiser."""
    _check(None, data)
    camp = Camp(format=fmt, status=CampStatus.draft, consent_text=data.consent_text.strip(),
                consent_version=1)
    _apply(camp, data)
    db.session.add(camp)
    preset = PRESETS[fmt]
    for slot in preset.programme:
        start = data.starts_at + slot.start
        end = min(start + _minutes(slot.minutes), data.ends_at)
        if start < data.ends_at:
            camp.programme.append(ProgrammeItem(title=str(slot.title), starts_at=start,
                                                ends_at=end, place=str(slot.place)))
    from camp.camps.models import RegistrationQuestion
    for position, (kind, label, choices, required) in enumerate(preset.questions):
        camp.questions.append(RegistrationQuestion(
            kind=kind, label=str(label), choices=[str(c) for c in choices], required=required,
            position=position))
    db.session.add(Membership(camp=camp, user_id=actor.id, role=Role.organiser))
    db.session.flush()
    record("camp.create", actor=actor, camp=camp, obj=camp, format=fmt.value)
    return camp


def _minutes(n: int):
    from datetime import timedelta
    return timedelta(minutes=n)


def update_camp(actor, camp: Camp, data: CampData) -> Camp:
    from camp.registrations.services import confirmed_count
    _check(camp, data)
    confirmed = confirmed_count(camp.id)
    if data.capacity < confirmed:
        raise DomainError(_l("%(n)s people already have a seat; the capacity cannot be lower.",
                             n=confirmed), field="capacity")
    outside = [item.title for item in camp.programme
               if item.starts_at < data.starts_at or item.ends_at > data.ends_at]
    if outside:
        raise DomainError(_l("These programme items would fall outside the camp: %(items)s. "
                             "Move them first.", items=", ".join(outside)), field="starts_at")
    if data.consent_text.strip() != (camp.consent_text or "").strip():
        camp.consent_text = data.consent_text.strip()
        camp.consent_version += 1
    _apply(camp, data)
    db.session.flush()
    record("camp.update", actor=actor, camp=camp, obj=camp)
    return camp


def set_status(actor, camp: Camp, new: CampStatus) -> Camp:
    if new not in TRANSITIONS[camp.status]:
        raise DomainError(_l("A camp cannot go from this state to that one."))
    old = camp.status
    camp.status = new
    db.session.flush()
    record("camp.status", actor=actor, camp=camp, obj=camp, old=old.value, new=new.value)
    return camp


def dashboard_counts(camp: Camp) -> dict:
    from camp.registrations.services import status_counts
    counts = status_counts(camp.id)
    organisers = db.session.execute(
        select(Membership.role, func.count()).where(Membership.camp_id == camp.id)
        .group_by(Membership.role)).all()
    return {"registrations": counts, "roles": dict(organisers)}
