"""A camp's judging criteria: name, description, weight and scale, in the organiser's order,
and presets drawn from the seven principles of co-creation."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from camp.audit import record
from camp.auth.models import User
from camp.camps.models import Camp
from camp.errors import DomainError
from camp.extensions import db
from camp.judging.models import Criterion, JuryAssignment, Score

NAME_MAX = 120
DESCRIPTION_MAX = 1000
WEIGHT_MIN, WEIGHT_MAX = 1, 10
SCALE_MIN, SCALE_MAX = 3, 10


class Invalid(DomainError):
    """Several fields at once; show_domain_error puts each message on its field."""

    def __init__(self, field_errors: dict):
        first = next(iter(field_errors))
        super().__init__(field_errors[first], field=first)
        self.field_errors = field_errors


@dataclass
class CriterionData:
    name: str = ""
    description: str = ""
    weight: int | None = 1
    scale_max: int | None = 5


@dataclass(frozen=True)
class Preset:
    name: object  # lazy strings, translated when added
    description: object
    weight: int
    scale_max: int = 5


# Drawn from Aarhus municipality's seven principles of co-creation (see DOMAIN.md).
PRESETS = (
    Preset(_l("Value created"),
           _l("How much value would the prototype create for citizens and the public "
              "sector: better quality, higher efficiency or more democracy, as the "
              "challenge intends?"), 3),
    Preset(_l("Feasibility"),
           _l("Can it be tried in practice with the resources, partners and decisions "
              "that are within reach?"), 2),
    Preset(_l("Quality of co-creation"),
           _l("Did the actors work on equal terms? Did citizens, frontline staff and the "
              "others shape the solution, not only comment on it?"), 2),
    Preset(_l("Fit with the owner's role and resources"),
           _l("Does the prototype fit what the problem owner expects of the others and "
              "what it offers: people, data, rooms, money and decisions?"), 1),
    Preset(_l("Owner commitment"),
           _l("Is it clear who owns the next step, and is the problem owner ready to "
              "commit to trying it in practice?"), 2),
    Preset(_l("Evaluation of value"),
           _l("Can the parties tell afterwards whether the intended value was achieved, "
              "and whether co-creation contributed to it?"), 1),
    Preset(_l("Room for citizens"),
           _l("Does it give citizens and civil society a real role, with the "
              "municipality supporting rather than directing?"), 1),
)


def criteria_of(camp: Camp) -> list[Criterion]:
    return db.session.execute(
        select(Criterion).where(Criterion.camp_id == camp.id)
        .order_by(Criterion.position, Criterion.id)).scalars().all()


def score_counts(camp: Camp) -> dict[int, int]:
    """criterion id -> how many scores it has."""
    return dict(db.session.execute(
        select(Score.criterion_id, func.count()).join(Criterion)
        .where(Criterion.camp_id == camp.id).group_by(Score.criterion_id)).all())


def _clean(data: CriterionData) -> dict:
    errors = {}
    name = " ".join((data.name or "").split())
    description = (data.description or "").strip()
    if not name:
        errors["name"] = _l("Give the criterion a name.")
    elif len(name) > NAME_MAX:
        errors["name"] = _l("At most %(n)s characters.", n=NAME_MAX)
    if len(description) > DESCRIPTION_MAX:
        errors["description"] = _l("At most %(n)s characters.", n=DESCRIPTION_MAX)
    if not isinstance(data.weight, int) or not WEIGHT_MIN <= data.weight <= WEIGHT_MAX:
        errors["weight"] = _l("The weight is a whole number from %(low)s to %(high)s.",
                              low=WEIGHT_MIN, high=WEIGHT_MAX)
    if not isinstance(data.scale_max, int) or not SCALE_MIN <= data.scale_max <= SCALE_MAX:
        errors["scale_max"] = _l("The scale ends at a whole number from %(low)s to "
                                 "%(high)s.", low=SCALE_MIN, high=SCALE_MAX)
    if errors:
        raise Invalid(errors)
    return {"name": name, "description": description, "weight": data.weight,
            "scale_max": data.scale_max}


def _next_position(camp: Camp) -> int:
    last = db.session.execute(select(func.max(Criterion.position)).where(
        Criterion.camp_id == camp.id)).scalar()
    return (last if last is not None else -1) + 1


def refresh_scored(camp: Camp) -> None:
    """Keep JuryAssignment.scored_at true to "every criterion scored" after the criteria
    changed: a new criterion reopens every assignment, a deleted one may complete some."""
    total = db.session.execute(select(func.count()).select_from(Criterion).where(
        Criterion.camp_id == camp.id)).scalar_one()
    counts = dict(db.session.execute(
        select(Score.assignment_id, func.count()).join(JuryAssignment)
        .where(JuryAssignment.camp_id == camp.id).group_by(Score.assignment_id)).all())
    from camp.db import utcnow
    now = utcnow()
    for a in db.session.execute(select(JuryAssignment).where(
            JuryAssignment.camp_id == camp.id)).scalars():
        complete = total > 0 and counts.get(a.id, 0) >= total
        if complete and a.scored_at is None:
            a.scored_at = now
        elif not complete and a.scored_at is not None:
            a.scored_at = None
    db.session.flush()


def add_criterion(actor: User, camp: Camp, data: CriterionData) -> Criterion:
    values = _clean(data)
    criterion = Criterion(camp_id=camp.id, position=_next_position(camp), **values)
    db.session.add(criterion)
    db.session.flush()
    refresh_scored(camp)
    record("criterion.add", actor=actor, camp=camp, obj=criterion, name=criterion.name)
    return criterion


def edit_criterion(actor: User, camp: Camp, criterion: Criterion, data: CriterionData
                   ) -> Criterion:
    """Change a criterion. A smaller scale is refused while scores lie above it."""
    values = _clean(data)
    if values["scale_max"] < criterion.scale_max:
        above = db.session.execute(select(func.count()).select_from(Score).where(
            Score.criterion_id == criterion.id,
            Score.value > values["scale_max"])).scalar_one()
        if above:
            raise DomainError(_l(
                "%(n)s scores are above %(max)s, so the scale cannot end there. Keep the "
                "scale, or ask the jurors to change those scores first.",
                n=above, max=values["scale_max"]), field="scale_max")
    changed = [k for k, v in values.items() if getattr(criterion, k) != v]
    for k in changed:
        setattr(criterion, k, values[k])
    db.session.flush()
    if changed:
        record("criterion.edit", actor=actor, camp=camp, obj=criterion, fields=changed)
    return criterion


def delete_criterion(actor: User, camp: Camp, criterion: Criterion) -> int:
    """Delete a criterion and its scores; returns how many scores went with it."""
    scores = db.session.execute(select(func.count()).select_from(Score).where(
        Score.criterion_id == criterion.id)).scalar_one()
    record("criterion.delete", actor=actor, camp=camp, obj=criterion, name=criterion.name,
           scores=scores)
    db.session.delete(criterion)
    db.session.flush()
    refresh_scored(camp)
    return scores


def move_criterion(actor: User, camp: Camp, criterion: Criterion, direction: int) -> None:
    """Swap with the neighbour above (-1) or below (+1); renumbers to close gaps."""
    ordered = criteria_of(camp)
    index = next(i for i, c in enumerate(ordered) if c.id == criterion.id)
    other = index + direction
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, c in enumerate(ordered):
        c.position = position
    db.session.flush()


def add_presets(actor: User, camp: Camp) -> list[Criterion]:
    """Add the preset criteria in the reader's language; those already there by name (in
    either language) are skipped. Returns the criteria added."""
    from flask_babel import force_locale
    existing = {" ".join(c.name.split()).casefold() for c in criteria_of(camp)}
    position = _next_position(camp)
    added = []
    for preset in PRESETS:
        names = {str(preset.name).casefold()}
        for lang in ("da", "en"):
            with force_locale(lang):
                names.add(str(preset.name).casefold())
        if names & existing:
            continue
        criterion = Criterion(camp_id=camp.id, name=str(preset.name),
                              description=str(preset.description), weight=preset.weight,
                              scale_max=preset.scale_max, position=position)
        position += 1
        db.session.add(criterion)
        added.append(criterion)
    db.session.flush()
    if added:
        refresh_scored(camp)
        record("criterion.presets", actor=actor, camp=camp, obj=camp,
               names=[c.name for c in added])
    return added
