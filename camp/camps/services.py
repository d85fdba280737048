"""Camp operations: plain functions, no request or current_user."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from camp.audit import record
from camp.camps.models import Camp, CampFormat, CampStatus, Membership, ProgrammeItem, \
    RegistrationQuestion, Role
from camp.camps.presets import PRESETS
from camp.db import utcnow
from camp.errors import DomainError
from camp.extensions import db

PUBLIC_STATUSES = (CampStatus.published, CampStatus.closed, CampStatus.archived)
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX = 80
# The life of a camp; closing can be undone (reopen), publishing and archiving cannot.
TRANSITIONS = {
    CampStatus.draft: (CampStatus.published,),
    CampStatus.published: (CampStatus.closed,),
    CampStatus.closed: (CampStatus.published, CampStatus.archived),
    CampStatus.archived: (),
}


@dataclass
class CampData:
    title: str
    slug: str  # empty: made from the title
    starts_at: datetime
    ends_at: datetime | None  # None on creation: the template's length
    capacity: int
    timezone: str = "Europe/Copenhagen"
    description: str = ""
    venue: str = ""
    address: str = ""
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    consent_text: str = ""
    retention_months: int | None = None  # erase participants' data this long after the end


def list_public_camps(limit: int | None = None) -> tuple[list[Camp], list[Camp]]:
    """Upcoming (not yet ended, soonest first) and past (latest first) public camps."""
    past = db.session.execute(_past().limit(limit)).scalars().all()
    return upcoming_camps(limit), past


def upcoming_camps(limit: int | None = None) -> list[Camp]:
    return db.session.execute(
        _public().where(Camp.ends_at >= utcnow()).order_by(Camp.starts_at, Camp.id)
        .limit(limit)).scalars().all()


def past_camps_page(page: int = 1, per_page: int = 12):
    """One page of past public camps, latest first (a Flask-SQLAlchemy Pagination)."""
    return db.paginate(_past(), page=page, per_page=per_page, error_out=False)


def _public():
    return select(Camp).where(Camp.status.in_(PUBLIC_STATUSES))


def _past():
    return _public().where(Camp.ends_at < utcnow()).order_by(Camp.starts_at.desc(), Camp.id)


def camp_by_slug(slug: str) -> Camp | None:
    return db.session.execute(select(Camp).where(Camp.slug == slug)).scalar_one_or_none()


def slugify(text: str) -> str:
    table = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "é": "e", "ü": "u", "ö": "oe",
                           "ä": "ae"})
    slug = re.sub(r"[^a-z0-9]+", "-", (text or "").lower().translate(table)).strip("-")
    return slug[:SLUG_MAX].strip("-")


def _slug_taken(slug: str, camp: Camp | None) -> bool:
    taken = db.session.execute(select(Camp.id).where(Camp.slug == slug)).scalar()
    return taken is not None and (camp is None or taken != camp.id)


def _free_slug(title: str) -> str:
    """A slug made from the title, with -2, -3, ... when another camp has it."""
    base = slugify(title)
    slug, n = base, 1
    while base and _slug_taken(slug, None):
        n += 1
        suffix = f"-{n}"
        slug = base[:SLUG_MAX - len(suffix)].strip("-") + suffix
    return slug


def valid_timezone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _check(camp: Camp | None, data: CampData) -> None:
    if not (data.title or "").strip():
        raise DomainError(_l("This field is required."), field="title")
    if not SLUG_RE.match(data.slug or "") or len(data.slug) > SLUG_MAX:
        raise DomainError(_l("Use lowercase letters a–z, digits and hyphens only."),
                          field="slug")
    if _slug_taken(data.slug, camp):
        raise DomainError(_l("Another camp already uses this address."), field="slug")
    if not valid_timezone(data.timezone or ""):
        raise DomainError(_l("Choose a time zone from the list."), field="timezone")
    if data.ends_at <= data.starts_at:
        raise DomainError(_l("The camp must end after it starts."), field="ends_at")
    if data.capacity is None or data.capacity < 1:
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
    if data.retention_months is not None and not 1 <= data.retention_months <= 120:
        raise DomainError(_l("Enter a number between %(min)s and %(max)s.", min=1, max=120),
                          field="retention_months")


def _apply(camp: Camp, data: CampData) -> None:
    for name in ("slug", "starts_at", "ends_at", "capacity", "timezone",
                 "registration_opens_at", "registration_closes_at", "retention_months"):
        setattr(camp, name, getattr(data, name))
    for name in ("title", "description", "venue", "address"):
        setattr(camp, name, (getattr(data, name) or "").strip())


def create_camp(actor, data: CampData, fmt: CampFormat = CampFormat.blank) -> Camp:
    """A new draft camp from a template; the actor becomes its organiser.

    The template's programme is laid out from the start (items that would run past the
    end are shortened or left out) and its registration questions are added.
    """
    preset = PRESETS[fmt]
    if not valid_timezone(data.timezone or ""):
        raise DomainError(_l("Choose a time zone from the list."), field="timezone")
    at = functools.partial(_wall_clock, data.starts_at, ZoneInfo(data.timezone))
    data = replace(data, slug=(data.slug or "").strip() or _free_slug(data.title),
                   ends_at=data.ends_at or at(preset.length))
    _check(None, data)
    camp = Camp(format=fmt, status=CampStatus.draft, consent_text=data.consent_text.strip(),
                consent_version=1)
    _apply(camp, data)
    db.session.add(camp)
    for slot in preset.programme:
        start = at(slot.start)
        end = min(at(slot.start + slot.length), data.ends_at)
        if start < data.ends_at:
            camp.programme.append(ProgrammeItem(title=str(slot.title), starts_at=start,
                                                ends_at=end, place=str(slot.place)))
    for position, question in enumerate(preset.questions):
        camp.questions.append(RegistrationQuestion(
            kind=question.kind, label=str(question.label), help_text=str(question.help_text),
            choices=[str(c) for c in question.choices], required=question.required,
            position=position))
    db.session.add(Membership(camp=camp, user_id=actor.id, role=Role.organiser))
    db.session.flush()
    record("camp.create", actor=actor, camp=camp, obj=camp, format=fmt.value)
    return camp


def _wall_clock(start: datetime, tz: ZoneInfo, offset: timedelta) -> datetime:
    """`offset` after `start` on the local clock, so 10:00 stays 10:00 across a DST change."""
    local = start.astimezone(tz).replace(tzinfo=None) + offset
    return local.replace(tzinfo=tz).astimezone(timezone.utc)


def update_camp(actor, camp: Camp, data: CampData) -> Camp:
    from camp.registrations.services import confirmed_count
    data = replace(data, slug=(data.slug or "").strip() or camp.slug,
                   ends_at=data.ends_at or camp.ends_at)
    _check(camp, data)
    confirmed = confirmed_count(camp.id)
    if data.capacity < confirmed:
        raise DomainError(_l("%(n)s people already have a seat; the capacity cannot be lower.",
                             n=confirmed), field="capacity")
    outside = [item.title for item in camp.programme
               if item.starts_at < data.starts_at or item.ends_at > data.ends_at]
    if outside:
        field = "starts_at" if any(i.starts_at < data.starts_at for i in camp.programme) \
            else "ends_at"
        raise DomainError(_l("These programme items would fall outside the camp: %(items)s. "
                             "Move or delete them first.", items="; ".join(outside)),
                          field=field)
    if data.consent_text.strip() != (camp.consent_text or "").strip():
        camp.consent_text = data.consent_text.strip()
        camp.consent_version += 1
    _apply(camp, data)
    db.session.flush()
    record("camp.update", actor=actor, camp=camp, obj=camp)
    return camp


def allowed_transitions(status: CampStatus) -> tuple[CampStatus, ...]:
    return TRANSITIONS[status]


def set_status(actor, camp: Camp, new: CampStatus) -> Camp:
    if new not in TRANSITIONS[camp.status]:
        raise DomainError(_l("A camp cannot go from this state to that one."))
    old = camp.status
    camp.status = new
    db.session.flush()
    record("camp.status", actor=actor, camp=camp, obj=camp, old=old.value, new=new.value)
    return camp


def dashboard_counts(camp: Camp) -> dict:
    """Registrations per status and people per role: one grouped query each."""
    from camp.registrations.services import status_counts
    roles = db.session.execute(
        select(Membership.role, func.count()).where(Membership.camp_id == camp.id)
        .group_by(Membership.role)).all()
    roles = dict(roles)
    team = sum(n for role, n in roles.items() if role != Role.participant)
    return {"registrations": status_counts(camp.id), "roles": roles, "team": team}
