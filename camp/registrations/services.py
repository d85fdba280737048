"""Seats and the waiting list. Capacity holds under concurrent use.

Every operation that reads the seat count and then writes starts with begin_write()
(BEGIN IMMEDIATE on SQLite) and locks the camp row (FOR UPDATE on PostgreSQL), so two
registrations can never both take the last seat.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from camp.audit import record
from camp.auth.models import ActorType, User
from camp.camps.models import Camp, CampStatus, QuestionKind, RegistrationQuestion
from camp.db import begin_write, utcnow
from camp.errors import Conflict, DomainError
from camp.extensions import db
from camp.privacy.consent import log_registration, log_withdrawal
from camp.registrations.models import Registration, RegistrationStatus, new_ticket_secret

ACTIVE = (RegistrationStatus.confirmed, RegistrationStatus.waitlisted)


@dataclass
class RegistrationData:
    name: str
    email: str
    organisation: str = ""
    actor_type: ActorType | str = ActorType.other
    diet: str = ""
    accessibility: str = ""
    answers: dict = field(default_factory=dict)
    consent: bool = False


def registration_state(camp: Camp, now=None) -> str:
    """open, not_open_yet, closed or not_published."""
    now = now or utcnow()
    if camp.status != CampStatus.published:
        return "not_published"
    if camp.registration_opens_at and now < camp.registration_opens_at:
        return "not_open_yet"
    closes = camp.registration_closes_at or camp.ends_at
    if now >= closes:
        return "closed"
    return "open"


def clean_answers(questions: list[RegistrationQuestion], raw: dict) -> dict:
    """Validate answers against the questions; keys are question ids as strings."""
    answers, errors = {}, {}
    known = {str(q.id) for q in questions}
    if any(str(key) not in known for key in raw):
        # Only a hand-made request answers a question this camp does not ask.
        raise DomainError(_l("The request could not be understood. Go back and try again."))
    for q in questions:
        value = raw.get(str(q.id))
        if q.kind == QuestionKind.multiple:
            value = [v for v in (value or []) if v]
            unknown = [v for v in value if v not in q.choices]
            if unknown:
                errors[q.id] = _l("Choose from the options given.")
        elif q.kind == QuestionKind.single:
            value = value or ""
            if value and value not in q.choices:
                errors[q.id] = _l("Choose from the options given.")
        elif q.kind == QuestionKind.yesno:
            value = value or ""
            if value not in ("", "yes", "no"):
                errors[q.id] = _l("Answer yes or no.")
        else:
            value = (value or "").strip()
            if len(value) > 2000:
                errors[q.id] = _l("Keep the answer under 2,000 characters.")
        if q.required and not value and q.id not in errors:
            errors[q.id] = _l("This question must be answered.")
        if value:
            answers[str(q.id)] = value
    if errors:
        raise AnswerErrors(errors)
    return answers


class AnswerErrors(DomainError):
    def __init__(self, errors: dict):
        super().__init__(_l("Some answers need your attention."))
        self.errors = errors  # question id -> message
        self.field_errors = {f"q_{qid}": message for qid, message in errors.items()}


def _lock_camp(camp_id: int) -> Camp:
    begin_write(db.session)
    camp = db.session.execute(
        select(Camp).where(Camp.id == camp_id).with_for_update()
        .execution_options(populate_existing=True)).scalar_one()
    return camp


def confirmed_count(camp_id: int) -> int:
    return db.session.execute(
        select(func.count()).select_from(Registration).where(
            Registration.camp_id == camp_id,
            Registration.status == RegistrationStatus.confirmed)).scalar_one()


def status_counts(camp_id: int) -> dict[RegistrationStatus, int]:
    rows = db.session.execute(
        select(Registration.status, func.count()).where(Registration.camp_id == camp_id)
        .group_by(Registration.status)).all()
    counts = {s: 0 for s in RegistrationStatus}
    counts.update(dict(rows))
    return counts


def find_registration(camp_id: int, email: str) -> Registration | None:
    return db.session.execute(
        select(Registration).where(Registration.camp_id == camp_id,
                                   func.lower(Registration.email) == email.strip().lower())
    ).scalar_one_or_none()


def register(camp: Camp, user: User | None, data: RegistrationData, *, actor: User | None = None,
             check_window: bool = True) -> Registration:
    """Take a seat if there is one, else a place at the end of the waiting list.

    Commits nothing; the caller commits. Raises DomainError when registration is not
    possible; the transaction then holds no change.
    """
    camp_id = camp.id
    email = data.email.strip().lower()
    camp = _lock_camp(camp_id)
    if check_window:
        state = registration_state(camp)
        if state != "open":
            raise DomainError(WINDOW_MESSAGES[state])
    if not data.consent and check_window:
        raise DomainError(_l("You must accept the terms to register."), field="consent")
    answers = clean_answers(camp.questions, data.answers)

    reg = find_registration(camp_id, email)
    if reg is not None and reg.status in ACTIVE:
        raise Conflict(_l("%(email)s is already registered for this camp.", email=email),
                       field="email")
    now = utcnow()
    full = confirmed_count(camp_id) >= camp.capacity
    user_id = user.id if user is not None else None
    if reg is None:
        reg = Registration(camp_id=camp_id, email=email)
    reg.user_id = user_id
    reg.name = data.name.strip()
    reg.organisation = (data.organisation or "").strip()
    reg.actor_type = ActorType(data.actor_type or ActorType.other)
    reg.diet = (data.diet or "").strip()
    reg.accessibility = (data.accessibility or "").strip()
    reg.answers = answers
    reg.queued_at = now
    reg.cancelled_at = None
    if data.consent:
        reg.consent_at = now
        reg.consent_version = camp.consent_version
        reg.consent_text = camp.consent_text
    reg.status = RegistrationStatus.waitlisted if full else RegistrationStatus.confirmed
    reg.confirmed_at = None if full else now
    db.session.add(reg)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_l("%(email)s is already registered for this camp.", email=email),
                       field="email")
    record("registration.create", actor=actor or user, camp=camp, obj=reg,
           status=reg.status.value)
    if data.consent:
        log_registration(reg)  # the consent log (issue 9)
    return reg


WINDOW_MESSAGES = {
    "not_published": _l("This camp is not open for registration."),
    "not_open_yet": _l("Registration has not opened yet."),
    "closed": _l("Registration for this camp has closed."),
}


def waitlist_position(reg: Registration) -> int | None:
    if reg.status != RegistrationStatus.waitlisted:
        return None
    ahead = db.session.execute(
        select(func.count()).select_from(Registration).where(
            Registration.camp_id == reg.camp_id,
            Registration.status == RegistrationStatus.waitlisted,
            (Registration.queued_at < reg.queued_at)
            | ((Registration.queued_at == reg.queued_at) & (Registration.id < reg.id)))
    ).scalar_one()
    return ahead + 1


def waitlist_positions(camp_id: int | None = None, ids=None) -> dict[int, int]:
    """Registration id -> waiting-list position, in one query whatever the list's length.

    row_number() over each camp's queue (queued_at, id). Give `camp_id` for a whole camp,
    `ids` for just these registrations (a page of a list, or one person's registrations
    across camps): then only those rows come back.
    """
    ids = None if ids is None else list(ids)
    if ids == [] or (camp_id is None and ids is None):
        return {}
    position = func.row_number().over(partition_by=Registration.camp_id,
                                      order_by=(Registration.queued_at, Registration.id))
    queue = select(Registration.id, position.label("position")).where(
        Registration.status == RegistrationStatus.waitlisted)
    if camp_id is not None:
        queue = queue.where(Registration.camp_id == camp_id)
    else:
        queue = queue.where(Registration.camp_id.in_(
            select(Registration.camp_id).where(Registration.id.in_(ids)).distinct()))
    queue = queue.subquery()
    stmt = select(queue.c.id, queue.c.position)
    if ids is not None:
        stmt = stmt.where(queue.c.id.in_(ids))
    return {rid: pos for rid, pos in db.session.execute(stmt).all()}


def _first_waitlisted(camp_id: int) -> Registration | None:
    return db.session.execute(
        select(Registration).where(Registration.camp_id == camp_id,
                                   Registration.status == RegistrationStatus.waitlisted)
        .order_by(Registration.queued_at, Registration.id).limit(1)).scalar_one_or_none()


def fill_free_seats(camp: Camp, actor: User | None = None) -> list[Registration]:
    """Promote from the head of the waiting list while seats are free (camp is locked)."""
    promoted = []
    free = camp.capacity - confirmed_count(camp.id)
    while free > 0:
        nxt = _first_waitlisted(camp.id)
        if nxt is None:
            break
        _confirm(nxt)
        record("registration.promote", actor=actor, camp=camp, obj=nxt, automatic=True)
        promoted.append(nxt)
        free -= 1
    db.session.flush()
    return promoted


def _confirm(reg: Registration) -> None:
    reg.status = RegistrationStatus.confirmed
    reg.confirmed_at = utcnow()


def cancel(reg: Registration, *, actor: User | None = None) -> list[Registration]:
    """Cancel a registration; a freed seat goes to the first on the waiting list.

    Returns the registrations promoted (to be told by e-mail).
    """
    reg_id = reg.id
    camp = _lock_camp(reg.camp_id)
    reg = db.session.execute(
        select(Registration).where(Registration.id == reg_id)
        .execution_options(populate_existing=True)).scalar_one()
    if reg.status == RegistrationStatus.cancelled:
        raise DomainError(_l("This registration is already cancelled."))
    reg.status = RegistrationStatus.cancelled
    reg.cancelled_at = utcnow()
    reg.confirmed_at = None
    db.session.flush()
    record("registration.cancel", actor=actor, camp=camp, obj=reg)
    log_withdrawal(reg)  # the consent log (issue 9)
    return fill_free_seats(camp, actor)


def promote(reg: Registration, *, actor: User | None = None) -> Registration:
    """An organiser moves a particular waitlisted person to a free seat."""
    reg_id = reg.id
    camp = _lock_camp(reg.camp_id)
    reg = db.session.execute(
        select(Registration).where(Registration.id == reg_id)
        .execution_options(populate_existing=True)).scalar_one()
    if reg.status != RegistrationStatus.waitlisted:
        raise DomainError(_l("Only people on the waiting list can be promoted."))
    if confirmed_count(camp.id) >= camp.capacity:
        raise Conflict(_l("The camp is full. Raise the capacity or cancel a registration "
                          "first."))
    _confirm(reg)
    db.session.flush()
    record("registration.promote", actor=actor, camp=camp, obj=reg, automatic=False)
    return reg


def erase_personal_data(reg: Registration, *, now=None) -> list[Registration]:
    """For account deletion: cancel if the camp is ahead, then blank what identifies."""
    now = now or utcnow()
    promoted = []
    if reg.status in ACTIVE and reg.camp.ends_at > now:
        promoted = cancel(reg)  # logs the withdrawal of consent
    elif reg.status != RegistrationStatus.cancelled:
        log_withdrawal(reg)  # the consent log (issue 9)
    reg.user_id = None
    reg.name = str(_l("Deleted user"))
    reg.email = f"deleted-{reg.id}@invalid"
    reg.organisation = ""
    reg.diet = ""
    reg.accessibility = ""
    reg.answers = {}
    reg.ticket_secret = new_ticket_secret()
    db.session.flush()
    return promoted
