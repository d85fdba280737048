"""The jury's results: per prototype a weighted mean on 0-100, the spread between jurors,
per-criterion means and a ranking in which ties share a rank.

Each juror's total for a prototype is the weighted mean of their scores, each first put
on 0-100 by (value - 1) / (scale_max - 1) * 100, so criteria with different scales
combine. Only jurors who scored every criterion count. The prototype's mean is the mean
of those totals; the spread is the highest total minus the lowest.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select

from camp.auth.models import User
from camp.camps.models import Camp
from camp.extensions import db
from camp.judging.models import Criterion, JuryAssignment, Score
from camp.prototypes.models import Prototype, PrototypeStatus

# A spread of this many points (of 100) or more is shown as a disagreement.
LARGE_SPREAD = 25.0


def normalise(value: int, scale_max: int) -> float:
    return (value - 1) / (scale_max - 1) * 100


@dataclass
class ResultRow:
    prototype: Prototype
    rank: int | None = None
    mean: float | None = None  # 0-100; None: no juror has scored every criterion
    spread: float | None = None  # max - min of the jurors' totals (0 with one juror)
    jurors_scored: int = 0  # jurors who scored every criterion
    jurors_assigned: int = 0
    criterion_means: dict[int, float | None] = field(default_factory=dict)  # on its scale
    totals: list[float] = field(default_factory=list)  # each complete juror's total
    comments: list[tuple[str, str]] = field(default_factory=list)  # (juror, comment)

    @property
    def scored(self) -> bool:
        return self.mean is not None

    @property
    def large_spread(self) -> bool:
        return self.spread is not None and self.spread >= LARGE_SPREAD


def juror_total(criteria: list[Criterion], scores: dict[int, int]) -> float | None:
    """One juror's weighted mean on 0-100, or None unless every criterion is scored."""
    if not criteria or any(c.id not in scores for c in criteria):
        return None
    weights = sum(c.weight for c in criteria)
    return sum(c.weight * normalise(scores[c.id], c.scale_max) for c in criteria) / weights


def compute(criteria: list[Criterion], prototypes: list[Prototype],
            assignments: list[tuple[int, int, str, str, int | None, int | None]]
            ) -> list[ResultRow]:
    """Pure: rows of (assignment id, prototype id, juror name, comment, criterion id,
    value) -> ranked ResultRows (scored ones by mean, then those not scored yet)."""
    per: dict[int, dict[int, dict]] = defaultdict(dict)
    for aid, pid, juror, comment, cid, value in assignments:
        entry = per[pid].setdefault(aid, {"juror": juror, "comment": comment, "scores": {}})
        if cid is not None:
            entry["scores"][cid] = value
    rows = []
    for p in prototypes:
        entries = list(per.get(p.id, {}).values())
        complete = [e for e in entries if juror_total(criteria, e["scores"]) is not None]
        totals = [juror_total(criteria, e["scores"]) for e in complete]
        row = ResultRow(p, jurors_scored=len(complete), jurors_assigned=len(entries),
                        totals=totals,
                        comments=[(e["juror"], e["comment"]) for e in entries if e["comment"]])
        row.criterion_means = {
            c.id: (sum(e["scores"][c.id] for e in complete) / len(complete)
                   if complete else None) for c in criteria}
        if totals:
            row.mean = sum(totals) / len(totals)
            row.spread = max(totals) - min(totals)
        rows.append(row)
    scored = sorted((r for r in rows if r.scored),
                    key=lambda r: (-round(r.mean, 6), r.prototype.title.lower(),
                                   r.prototype.id))
    previous = None
    for position, r in enumerate(scored, start=1):
        key = round(r.mean, 6)
        r.rank = previous[1] if previous and previous[0] == key else position
        previous = (key, r.rank)
    unscored = sorted((r for r in rows if not r.scored),
                      key=lambda r: (r.prototype.title.lower(), r.prototype.id))
    return scored + unscored


def jury_results(camp: Camp, criteria: list[Criterion] | None = None) -> list[ResultRow]:
    """The camp's submitted prototypes with their jury results (three queries; two when
    the caller has the camp's criteria already)."""
    if criteria is None:
        from camp.judging.criteria import criteria_of
        criteria = criteria_of(camp)
    prototypes = db.session.execute(
        select(Prototype).where(Prototype.camp_id == camp.id,
                                Prototype.status == PrototypeStatus.submitted)
        .options(db.joinedload(Prototype.team), db.joinedload(Prototype.challenge))
        .order_by(Prototype.id)).unique().scalars().all()
    assignments = db.session.execute(
        select(JuryAssignment.id, JuryAssignment.prototype_id, User.name,
               JuryAssignment.comment, Score.criterion_id, Score.value)
        .join(User, User.id == JuryAssignment.juror_id)
        .outerjoin(Score, Score.assignment_id == JuryAssignment.id)
        .where(JuryAssignment.camp_id == camp.id)
        .order_by(JuryAssignment.id)).all()
    return compute(criteria, prototypes, [tuple(r) for r in assignments])


def results_csv(criteria: list[Criterion], rows: list[ResultRow]) -> bytes:
    """One line per prototype, for Excel (BOM, ';', decimals in the reader's language)."""
    from flask_babel import format_decimal
    from flask_babel import gettext as _

    from camp.csvfile import to_csv

    def number(value):
        return format_decimal(value, format="0.0") if value is not None else ""
    header = [_("Rank"), _("Prototype"), _("Team"), _("Challenge"), _("Mean (0-100)"),
              _("Spread"), _("Jurors scored"), _("Jurors assigned")] + [
        _("%(name)s (mean, 1-%(max)s)", name=c.name, max=c.scale_max) for c in criteria]
    return to_csv(header, ([
        r.rank if r.rank is not None else _("not scored yet"), r.prototype.title,
        r.prototype.team.name, r.prototype.challenge.title, number(r.mean), number(r.spread),
        r.jurors_scored, r.jurors_assigned] + [number(r.criterion_means.get(c.id))
                                               for c in criteria] for r in rows))


# -- publishing -----------------------------------------------------------------------------

def publish(actor: User, camp: Camp) -> Camp:
    from camp.audit import record
    from camp.db import utcnow
    if camp.jury_results_published_at is None:
        camp.jury_results_published_at = utcnow()
        db.session.flush()
        record("jury.publish", actor=actor, camp=camp, obj=camp)
    return camp


def unpublish(actor: User, camp: Camp) -> Camp:
    from camp.audit import record
    if camp.jury_results_published_at is not None:
        camp.jury_results_published_at = None
        db.session.flush()
        record("jury.unpublish", actor=actor, camp=camp, obj=camp)
    return camp
