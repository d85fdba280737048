"""A juror scores the prototypes assigned to them, one score per criterion, until the
organiser publishes the jury's results."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from camp.audit import record
from camp.auth.models import User
from camp.camps.models import Camp
from camp.db import begin_write, utcnow
from camp.errors import DomainError, NotAllowed
from camp.extensions import db
from camp.judging.criteria import criteria_of
from camp.judging.models import Criterion, JuryAssignment, Score
from camp.prototypes.models import Prototype

COMMENT_MAX = 2000
LOCKED_MESSAGE = _l("The jury's results are published, so the scores are final and can no "
                    "longer be changed.")


def locked(camp: Camp) -> bool:
    """Scores are final once the jury's results are published."""
    return camp.jury_results_published_at is not None


def status_of(scored: int, criteria: int) -> str:
    """"not_started" | "partly" | "scored" for `scored` of `criteria` criteria."""
    if criteria and scored >= criteria:
        return "scored"
    return "partly" if scored else "not_started"


@dataclass
class PanelRow:
    assignment: JuryAssignment
    scored: int
    status: str


def panel(camp: Camp, juror: User) -> tuple[list[PanelRow], int]:
    """The juror's assignments in the camp with how far each is scored, and the number
    of criteria (three queries)."""
    criteria = db.session.execute(select(func.count()).select_from(Criterion).where(
        Criterion.camp_id == camp.id)).scalar_one()
    assignments = db.session.execute(
        select(JuryAssignment).join(Prototype)
        .where(JuryAssignment.camp_id == camp.id, JuryAssignment.juror_id == juror.id)
        .options(db.joinedload(JuryAssignment.prototype).joinedload(Prototype.team),
                 db.joinedload(JuryAssignment.prototype).joinedload(Prototype.challenge))
        .order_by(Prototype.title, JuryAssignment.id)).unique().scalars().all()
    counts = dict(db.session.execute(
        select(Score.assignment_id, func.count())
        .where(Score.assignment_id.in_([a.id for a in assignments]))
        .group_by(Score.assignment_id)).all()) if assignments else {}
    rows = [PanelRow(a, counts.get(a.id, 0), status_of(counts.get(a.id, 0), criteria))
            for a in assignments]
    return rows, criteria


def current_scores(assignment: JuryAssignment) -> dict[int, int]:
    """criterion id -> value of the assignment's stored scores."""
    return dict(db.session.execute(select(Score.criterion_id, Score.value).where(
        Score.assignment_id == assignment.id)).all())


def save_scores(actor: User, camp: Camp, assignment: JuryAssignment,
                values: dict[int, int | None], comment: str = "") -> JuryAssignment:
    """Store the juror's scores: one per criterion (None: not scored, removes a score
    given before). Unknown criteria, values outside the scale, someone else's assignment
    or published results are refused and nothing changes."""
    if assignment.juror_id != actor.id or assignment.camp_id != camp.id:
        raise NotAllowed(_l("Only the assigned juror can score this prototype."))
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise DomainError(_l("Keep the comment under %(n)s characters.", n=COMMENT_MAX),
                          field="comment")
    begin_write(db.session)
    # Two saves of the same form at once: the second waits, then updates.
    db.session.execute(select(JuryAssignment.id).where(JuryAssignment.id == assignment.id)
                       .with_for_update()).one()
    if locked(camp):
        raise DomainError(LOCKED_MESSAGE)
    criteria = {c.id: c for c in criteria_of(camp)}
    unknown = set(values) - set(criteria)
    if unknown:
        raise DomainError(_l("The criteria have changed while you were scoring. Check the "
                             "form and save again."))
    for cid, value in values.items():
        if value is None:
            continue
        c = criteria[cid]
        if not isinstance(value, int) or isinstance(value, bool) or \
                not 1 <= value <= c.scale_max:
            raise DomainError(_l("Score %(name)s from 1 to %(max)s.", name=c.name,
                                 max=c.scale_max), field=f"c{cid}")
    stored = {s.criterion_id: s for s in db.session.execute(
        select(Score).where(Score.assignment_id == assignment.id)).scalars()}
    changed = []
    for cid, value in values.items():
        score = stored.get(cid)
        if value is None:
            if score is not None:
                db.session.delete(score)
                del stored[cid]
                changed.append(cid)
        elif score is None:
            stored[cid] = Score(assignment_id=assignment.id, criterion_id=cid, value=value)
            db.session.add(stored[cid])
            changed.append(cid)
        elif score.value != value:
            score.value = value
            changed.append(cid)
    complete = bool(criteria) and all(cid in stored for cid in criteria)
    if complete and (assignment.scored_at is None or changed):
        assignment.scored_at = utcnow()
    elif not complete:
        assignment.scored_at = None
    if assignment.comment != comment:
        assignment.comment = comment
        changed.append("comment")
    db.session.flush()
    if changed:
        record("jury.score", actor=actor, camp=camp, obj=assignment,
               prototype_id=assignment.prototype_id, complete=complete)
    return assignment


def export_user_scores(user: User) -> list[dict]:
    """What a juror scored and wrote, for their data export."""
    rows = db.session.execute(
        select(JuryAssignment).where(JuryAssignment.juror_id == user.id)
        .options(db.joinedload(JuryAssignment.prototype).joinedload(Prototype.camp),
                 db.selectinload(JuryAssignment.scores).joinedload(Score.criterion))
        .order_by(JuryAssignment.id)).unique().scalars().all()
    return [{"camp": a.prototype.camp.slug, "prototype": a.prototype.title,
             "comment": a.comment,
             "scores": {s.criterion.name: s.value for s in a.scores},
             "scored_at": a.scored_at.isoformat() if a.scored_at else None} for a in rows]


def forget_juror(user: User) -> None:
    """Account deletion: the juror's comments go; the scores stay, as the results rest on
    them, tied to the now anonymous account."""
    from sqlalchemy import update
    db.session.execute(update(JuryAssignment).where(JuryAssignment.juror_id == user.id)
                       .values(comment=""))
