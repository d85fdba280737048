"""Read-side queries for organiser lists: filtered, paginated, constant query count."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, or_, select

from camp.auth.models import ActorType
from camp.extensions import db
from camp.registrations.models import Registration, RegistrationStatus


@dataclass
class Filters:
    q: str = ""
    status: str = ""
    actor_type: str = ""
    organisation: str = ""

    @classmethod
    def from_form(cls, form) -> "Filters":
        if not form.validate():
            return cls()
        return cls(q=(form.q.data or "").strip(), status=form.status.data or "",
                   actor_type=form.actor_type.data or "",
                   organisation=(form.organisation.data or "").strip())

    def as_args(self) -> dict:
        return {k: v for k, v in vars(self).items() if v}


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def filtered(camp_id: int, f: Filters):
    stmt = select(Registration).where(Registration.camp_id == camp_id)
    if f.q:
        pattern = _like(f.q)
        stmt = stmt.where(or_(func.lower(Registration.name).like(pattern, escape="\\"),
                              func.lower(Registration.email).like(pattern, escape="\\"),
                              func.lower(Registration.organisation).like(pattern, escape="\\")))
    if f.status in {s.value for s in RegistrationStatus}:
        stmt = stmt.where(Registration.status == RegistrationStatus(f.status))
    if f.actor_type in {a.value for a in ActorType}:
        stmt = stmt.where(Registration.actor_type == ActorType(f.actor_type))
    if f.organisation:
        stmt = stmt.where(func.lower(Registration.organisation) == f.organisation.lower())
    # Confirmed first, then the waiting list in queue order, cancelled last.
    rank = case((Registration.status == RegistrationStatus.confirmed, 0),
                (Registration.status == RegistrationStatus.waitlisted, 1), else_=2)
    return stmt.order_by(rank, Registration.queued_at, Registration.id)


def page_of(camp_id: int, f: Filters, page: int, per_page: int):
    return db.paginate(filtered(camp_id, f), page=page, per_page=per_page, error_out=False,
                       count=True)


def all_rows(camp_id: int, f: Filters) -> list[Registration]:
    return db.session.execute(filtered(camp_id, f)).scalars().all()


@dataclass
class MixRow:
    label: str
    count: int
    share: float


def _mix(camp_id: int, column, status: RegistrationStatus) -> list[tuple[str, int]]:
    rows = db.session.execute(
        select(column, func.count()).where(Registration.camp_id == camp_id,
                                           Registration.status == status)
        .group_by(column).order_by(func.count().desc(), column)).all()
    return [(value.value if hasattr(value, "value") else value, n) for value, n in rows]


def actor_mix(camp_id: int) -> dict:
    """Counts and shares per actor type and organisation, confirmed and waitlisted."""
    result = {}
    for status in (RegistrationStatus.confirmed, RegistrationStatus.waitlisted):
        by_type = _mix(camp_id, Registration.actor_type, status)
        by_org = _mix(camp_id, Registration.organisation, status)
        total = sum(n for _, n in by_type)
        result[status.value] = {
            "total": total,
            "actor_types": [MixRow(v, n, n / total if total else 0) for v, n in by_type],
            "organisations": [MixRow(v, n, n / total if total else 0) for v, n in by_org],
        }
    return result


def organisations(camp_id: int) -> list[str]:
    return db.session.execute(
        select(Registration.organisation).where(Registration.camp_id == camp_id,
                                                Registration.organisation != "")
        .distinct().order_by(Registration.organisation)).scalars().all()
