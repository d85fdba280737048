"""Retention: participants' personal data is erased a set number of months after a camp.

A camp with `retention_months` set is due when `ends_at + retention_months` has passed.
`apply_retention()` (and `flask camp apply-retention`, safe from cron) erases every due
camp once: Camp.personal_data_erased_at is the guard, read under a write lock (BEGIN
IMMEDIATE on SQLite, SELECT ... FOR UPDATE on PostgreSQL), so two runs at the same moment
erase once and a second run is a no-op.

What is erased, per registration of the camp:
- name -> "Slettet deltager", e-mail -> erased-<id>@invalid (unique, never deliverable),
  organisation, diet, accessibility needs and the answers to the camp's questions;
- the link to the account (user_id), so the account no longer shows the registration;
- the ticket secret is rotated, so an old QR code identifies no one.
Also: the camp's team join requests (pending or decided: their messages are personal) and
"looking for a team" board entries, and what scanners typed or scanned at the door
(CheckinEvent.scanned, override_reason).

What is kept, as anonymous statistics: each registration's status, actor type and times;
the consent the registration was made under (time, version and the camp's own consent
text: not personal, and it shows the basis the data was processed on); check-in events
(registration id, direction, result, time: no names). The consent log (ConsentEvent) and
the audit log are kept: they are the records of what was agreed and done, hold account
ids rather than registration details, and go with the account. Accounts are not deleted:
people may take part in other camps. Teams, prototypes, scores and votes are the camp's
results and stay.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, func, select, update

from camp.audit import record
from camp.camps.models import Camp
from camp.db import begin_write, utcnow
from camp.extensions import db

# Stored, not shown through gettext: the installation is Danish and the row outlives any
# reader's language.
ERASED_NAME = "Slettet deltager"


def add_months(moment: datetime, months: int) -> datetime:
    """The same day and time `months` later (the last day of a shorter month)."""
    total = moment.month - 1 + months
    year, month = moment.year + total // 12, total % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def erase_due_at(camp: Camp) -> datetime | None:
    """When the camp's participants' personal data is due for erasure (None: never)."""
    if not camp.retention_months:
        return None
    return add_months(camp.ends_at, camp.retention_months)


@dataclass
class RetentionReport:
    erased: list[tuple[str, int]] = field(default_factory=list)  # (slug, registrations)
    skipped: list[str] = field(default_factory=list)  # erased meanwhile by another run

    @property
    def registrations(self) -> int:
        return sum(n for _slug, n in self.erased)


def due_camp_ids(now: datetime) -> list[int]:
    rows = db.session.execute(
        select(Camp.id, Camp.ends_at, Camp.retention_months).where(
            Camp.retention_months.is_not(None), Camp.personal_data_erased_at.is_(None))
        .order_by(Camp.ends_at, Camp.id)).all()
    return [cid for cid, ends_at, months in rows
            if months and add_months(ends_at, months) <= now]


def erase_camp(camp_id: int, *, now: datetime | None = None, actor=None) -> int | None:
    """Erase one camp's participants' personal data; the number of registrations erased,
    or None when it was erased already. The caller commits."""
    from camp.checkin.models import CheckinEvent
    from camp.registrations.models import Registration, new_ticket_secret
    from camp.teams.models import JoinRequest, Seeker
    now = now or utcnow()
    begin_write(db.session)
    camp = db.session.execute(
        select(Camp).where(Camp.id == camp_id).with_for_update()
        .execution_options(populate_existing=True)).scalar_one_or_none()
    if camp is None or camp.personal_data_erased_at is not None:
        return None
    registrations = db.session.execute(
        select(Registration).where(Registration.camp_id == camp.id)).scalars().all()
    for reg in registrations:
        reg.user_id = None
        reg.name = ERASED_NAME
        reg.email = f"erased-{reg.id}@invalid"
        reg.organisation = ""
        reg.diet = ""
        reg.accessibility = ""
        reg.answers = {}
        reg.ticket_secret = new_ticket_secret()
    join_requests = db.session.execute(
        delete(JoinRequest).where(JoinRequest.camp_id == camp.id)).rowcount
    seekers = db.session.execute(delete(Seeker).where(Seeker.camp_id == camp.id)).rowcount
    db.session.execute(
        update(CheckinEvent).where(CheckinEvent.camp_id == camp.id)
        .values(scanned="", override_reason=""))
    camp.personal_data_erased_at = now
    db.session.flush()
    record("camp.personal_data_erased", actor=actor, camp=camp, obj=camp,
           registrations=len(registrations), join_requests=join_requests,
           board_entries=seekers, retention_months=camp.retention_months)
    db.session.flush()
    return len(registrations)


def apply_retention(now: datetime | None = None) -> RetentionReport:
    """Erase every camp that is due. Each camp is committed on its own, so a crash after
    some camps leaves those done and the next run does the rest."""
    now = now or utcnow()
    report = RetentionReport()
    for camp_id in due_camp_ids(now):
        slug = db.session.execute(select(Camp.slug).where(Camp.id == camp_id)).scalar_one()
        erased = erase_camp(camp_id, now=now)
        db.session.commit()
        if erased is None:
            report.skipped.append(slug)
        else:
            report.erased.append((slug, erased))
    return report


def camp_statistics(camp_id: int) -> dict:
    """What survives erasure: registrations by status and by actor type, check-ins."""
    from camp.checkin.models import CheckinEvent
    from camp.registrations.models import Registration
    by_status = dict(db.session.execute(
        select(Registration.status, func.count()).where(Registration.camp_id == camp_id)
        .group_by(Registration.status)).all())
    by_actor = dict(db.session.execute(
        select(Registration.actor_type, func.count()).where(Registration.camp_id == camp_id)
        .group_by(Registration.actor_type)).all())
    checkins = db.session.execute(
        select(func.count()).select_from(CheckinEvent).where(
            CheckinEvent.camp_id == camp_id, CheckinEvent.admitted)).scalar_one()
    return {"status": {k.value: v for k, v in by_status.items()},
            "actor_type": {k.value: v for k, v in by_actor.items()},
            "admitted_scans": checkins}
