"""The public gallery: a camp's submitted prototypes, as last submitted, filtered and paged
in a constant number of queries (a count, a page with team and challenge, the files)."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from sqlalchemy import and_, func, or_, select

from camp.camps.models import Camp
from camp.challenges.models import Challenge, ValueDimension
from camp.extensions import db
from camp.judging.votes import latest_revisions
from camp.prototypes.models import Prototype, PrototypeRevision, PrototypeStatus

PER_PAGE = 24
Q_MAX = 100


@dataclass
class Card:
    prototype: Prototype
    data: dict  # the last submitted revision's fields (title, pitch, values, ...)

    @property
    def title(self) -> str:
        return self.data.get("title") or self.prototype.title

    @property
    def pitch(self) -> str:
        return self.data.get("pitch") or ""

    @property
    def values(self) -> list[str]:
        return list(self.data.get("values") or [])


@dataclass
class Page:
    """What the shared pager macro reads, like Flask-SQLAlchemy's Pagination."""

    items: list[Card]
    page: int
    per_page: int
    total: int
    pages: int = field(init=False)

    def __post_init__(self):
        self.pages = max(1, math.ceil(self.total / self.per_page)) if self.total else 0

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _filtered(camp: Camp, challenge_id: int | None, value: str | None, q: str | None):
    last = latest_revisions(camp.id)
    stmt = (select(Prototype, PrototypeRevision)
            .join(last, last.c.prototype_id == Prototype.id)
            .join(PrototypeRevision, and_(PrototypeRevision.prototype_id == Prototype.id,
                                          PrototypeRevision.number == last.c.number))
            .where(Prototype.camp_id == camp.id,
                   Prototype.status == PrototypeStatus.submitted))
    if challenge_id:
        stmt = stmt.where(Prototype.challenge_id == challenge_id)
    if value in {v.value for v in ValueDimension}:
        # The values are a JSON list of plain words; its text holds "quality" with quotes.
        stmt = stmt.where(PrototypeRevision.data["values"].as_string()
                          .like(f'%"{value}"%'))
    q = (q or "").strip()[:Q_MAX]
    if q:
        pattern = _like(q)
        stmt = stmt.where(or_(*(func.lower(PrototypeRevision.data[key].as_string())
                                .like(pattern, escape="\\") for key in ("title", "pitch"))))
    return stmt


def gallery_page(camp: Camp, challenge_id: int | None = None, value: str | None = None,
                 q: str | None = None, page: int = 1, per_page: int = PER_PAGE) -> Page:
    """One page of cards: three queries however many prototypes the camp has."""
    stmt = _filtered(camp, challenge_id, value, q)
    total = db.session.execute(
        select(func.count()).select_from(stmt.subquery())).scalar_one()
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages)
    title = func.lower(PrototypeRevision.data["title"].as_string())
    rows = db.session.execute(
        stmt.options(db.joinedload(Prototype.team), db.joinedload(Prototype.challenge),
                     db.selectinload(Prototype.files))
        .order_by(title, Prototype.id).limit(per_page).offset((page - 1) * per_page)
    ).unique().all()
    return Page([Card(p, rev.data or {}) for p, rev in rows], page, per_page, total)


def challenges_with_prototypes(camp: Camp) -> list[Challenge]:
    """The challenges the filter offers: those with a submitted prototype (one query)."""
    return db.session.execute(
        select(Challenge).where(Challenge.id.in_(
            select(Prototype.challenge_id).where(
                Prototype.camp_id == camp.id, Prototype.status == PrototypeStatus.submitted)))
        .order_by(func.lower(Challenge.title), Challenge.id)).scalars().all()
