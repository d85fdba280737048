"""Read side of challenges: public list, moderation list, balance, CSV; constant queries."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from camp.challenges.models import Challenge, ChallengeMode, ChallengeOwner, \
    ChallengeStatus, ChallengeValue, ValueDimension
from camp.extensions import db

DECIDED = (ChallengeStatus.accepted, ChallengeStatus.published)


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@dataclass
class Filters:
    q: str = ""
    value: str = ""
    mode: str = ""
    status: str = ""

    @classmethod
    def from_form(cls, form) -> "Filters":
        if not form.validate():
            return cls()
        return cls(**{name: (form[name].data or "").strip()
                      for name in ("q", "value", "mode", "status") if name in form})

    def as_args(self) -> dict:
        return {k: v for k, v in vars(self).items() if v}


def _filtered(camp_id: int, f: Filters, public: bool):
    stmt = select(Challenge).where(Challenge.camp_id == camp_id)
    if public:
        stmt = stmt.where(Challenge.status == ChallengeStatus.published)
    elif f.status in {s.value for s in ChallengeStatus}:
        stmt = stmt.where(Challenge.status == ChallengeStatus(f.status))
    if f.q:
        pattern = _like(f.q)
        stmt = stmt.where(or_(*(func.lower(col).like(pattern, escape="\\") for col in (
            Challenge.title, Challenge.problem, Challenge.owner_organisation))))
    if f.value in {v.value for v in ValueDimension}:
        stmt = stmt.where(Challenge.values.any(ChallengeValue.dimension == ValueDimension(f.value)))
    if f.mode in {m.value for m in ChallengeMode}:
        stmt = stmt.where(Challenge.mode == ChallengeMode(f.mode))
    return stmt


def public_page(camp_id: int, f: Filters, page: int, per_page: int):
    stmt = _filtered(camp_id, f, public=True).options(selectinload(Challenge.values)) \
        .order_by(func.lower(Challenge.title), Challenge.id)
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False, count=True)


def published_count(camp_id: int) -> int:
    return db.session.execute(
        select(func.count()).select_from(Challenge).where(
            Challenge.camp_id == camp_id, Challenge.status == ChallengeStatus.published)
    ).scalar_one()


# Submitted first (they wait for a decision), then accepted, published, drafts, declined.
_STATUS_RANK = case({ChallengeStatus.submitted: 0, ChallengeStatus.accepted: 1,
                     ChallengeStatus.published: 2, ChallengeStatus.draft: 3},
                    value=Challenge.status, else_=4)


def _moderation_stmt(camp_id: int, f: Filters):
    return _filtered(camp_id, f, public=False).options(
        selectinload(Challenge.values), selectinload(Challenge.resources),
        selectinload(Challenge.owners).joinedload(ChallengeOwner.user),
    ).order_by(_STATUS_RANK, Challenge.submitted_at, Challenge.id)


def moderation_page(camp_id: int, f: Filters, page: int, per_page: int):
    return db.paginate(_moderation_stmt(camp_id, f), page=page, per_page=per_page,
                       error_out=False, count=True)


def all_for_export(camp_id: int, f: Filters) -> list[Challenge]:
    return db.session.execute(_moderation_stmt(camp_id, f)).scalars().all()


def status_counts(camp_id: int) -> dict[ChallengeStatus, int]:
    counts = {s: 0 for s in ChallengeStatus}
    for status, n in db.session.execute(
            select(Challenge.status, func.count()).where(Challenge.camp_id == camp_id)
            .group_by(Challenge.status)):
        counts[ChallengeStatus(status)] = n
    return counts


@dataclass
class BalanceRow:
    key: object
    count: int
    share: float


def balance(camp_id: int) -> dict:
    """Accepted and published challenges per intended value and per mode.

    A challenge may name several values, so the value shares may add up to more than 1.
    """
    by_mode = dict(db.session.execute(
        select(Challenge.mode, func.count()).where(Challenge.camp_id == camp_id,
                                                   Challenge.status.in_(DECIDED))
        .group_by(Challenge.mode)).all())
    by_value = dict(db.session.execute(
        select(ChallengeValue.dimension, func.count())
        .join(Challenge, Challenge.id == ChallengeValue.challenge_id)
        .where(Challenge.camp_id == camp_id, Challenge.status.in_(DECIDED))
        .group_by(ChallengeValue.dimension)).all())
    total = sum(by_mode.values())

    def rows(enum_cls, counts):
        return [BalanceRow(key, counts.get(key, 0), counts.get(key, 0) / total if total else 0)
                for key in enum_cls]
    return {"total": total, "values": rows(ValueDimension, by_value),
            "modes": rows(ChallengeMode, by_mode)}


def owned_by(user_id: int) -> list[Challenge]:
    return db.session.execute(
        select(Challenge).join(ChallengeOwner, ChallengeOwner.challenge_id == Challenge.id)
        .where(ChallengeOwner.user_id == user_id)
        .options(joinedload(Challenge.camp))
        .order_by(Challenge.updated_at.desc(), Challenge.id.desc())).scalars().all()
