"""Evaluation of a trial's value by every party (DOMAIN.md principle 6).

The trial's managers ("trial.manage") open an evaluation round, one at a time, and close
it. While it is open, each party answers once (the view checks "party.evaluate"): for each
of the trial's intended value dimensions how far it was achieved and whether co-creation
contributed (1-5, with a text); how the collaboration worked (four items, 1-5, a text); a
recommendation (scale up, adapt, stop) and a comment. The answer is stored in the JSON
format of EvaluationAnswer's docstring.

The UniqueConstraint(round_id, party_id) is the guard against answering twice: the service
checks first (for a clear message) and catches the constraint's IntegrityError for an
answer that raced past the check. Results show per party and aggregated scores and make
disagreement visible: an item whose scores differ by DISAGREEMENT or more, and different
recommendations, are flagged.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from camp.audit import record
from camp.challenges.labels import VALUE_LABELS
from camp.challenges.models import ValueDimension
from camp.db import begin_write, utcnow
from camp.errors import Conflict, DomainError
from camp.extensions import db
from camp.trials.labels import RECOMMENDATION_LABELS  # noqa: F401  (ev.RECOMMENDATION_LABELS)
from camp.trials.models import EvaluationAnswer, EvaluationRound, Party, Recommendation, Trial
from camp.trials.services import lock

SCALE_MIN, SCALE_MAX = 1, 5
DISAGREEMENT = 2  # max - min on the 1-5 scale from which the parties are said to disagree
TITLE_MAX = 200
TEXT_MAX = 5000

COLLABORATION_ITEMS = ("equal_standing", "exchange", "learning", "leadership")
COLLABORATION_LABELS = {
    "equal_standing": _l("The parties met as equals"),
    "exchange": _l("Knowledge and resources were exchanged"),
    "learning": _l("We learned together"),
    "leadership": _l("Leadership was shared"),
}


# --- Names shared with the form -----------------------------------------------------------

def value_field(dimension: str, part: str) -> str:
    """Form field (and field error) name: part is "achieved", "co_creation" or "text"."""
    return f"value_{dimension}_{part}"


def collaboration_field(item: str) -> str:
    return f"collaboration_{item}"


def dimensions(trial: Trial) -> list[ValueDimension]:
    """The trial's intended value dimensions, in the challenge's order of the enum."""
    chosen = {str(v) for v in (trial.values or [])}
    return [d for d in ValueDimension if d.value in chosen]


def value_label(dimension) -> str:
    try:
        return VALUE_LABELS[ValueDimension(dimension)]
    except ValueError:
        return str(dimension)


# --- Rounds -------------------------------------------------------------------------------

def is_open(round_: EvaluationRound, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return round_.opens_at <= now and (round_.closes_at is None or round_.closes_at > now)


def rounds(trial: Trial) -> list[EvaluationRound]:
    """The trial's rounds, newest first (one query, answers not loaded)."""
    return db.session.execute(
        select(EvaluationRound).where(EvaluationRound.trial_id == trial.id)
        .order_by(EvaluationRound.opens_at.desc(), EvaluationRound.id.desc())).scalars().all()


def open_round_of(trial: Trial, now: datetime | None = None) -> EvaluationRound | None:
    return next((r for r in rounds(trial) if is_open(r, now)), None)


def latest_round(trial: Trial) -> EvaluationRound | None:
    """The newest round that has answers (else the newest round), for reports."""
    all_rounds = rounds(trial)
    if not all_rounds:
        return None
    answered = set(db.session.execute(
        select(EvaluationAnswer.round_id).where(
            EvaluationAnswer.round_id.in_([r.id for r in all_rounds]))).scalars())
    return next((r for r in all_rounds if r.id in answered), all_rounds[0])


def open_round(actor, trial: Trial, title: str, closes_at: datetime | None = None,
               now: datetime | None = None) -> EvaluationRound:
    """A new round, open from now until `closes_at` (or until closed by hand)."""
    given, now = now, now or utcnow()
    title = (title or "").strip()
    if not title:
        raise DomainError(_l("Give the round a title, for example \"After three months\"."),
                          field="title")
    if len(title) > TITLE_MAX:
        raise DomainError(_l("Keep the title under %(max)s characters.", max=TITLE_MAX),
                          field="title")
    if closes_at is not None and closes_at <= now:
        raise DomainError(_l("The closing date must be in the future."), field="closes_on")
    lock(trial)  # two managers opening a round at once queue instead of racing
    # Read the time after waiting for the lock, and count any round not yet closed (also
    # one that opened a moment "later" than a stale clock): two managers opening at once
    # must end with one round.
    now = given or utcnow()
    current = next((r for r in rounds(trial) if r.closes_at is None or r.closes_at > now), None)
    if current is not None:
        raise Conflict(_l("The round \"%(title)s\" is still open. Close it before you open a "
                          "new one.", title=current.title))
    round_ = EvaluationRound(trial_id=trial.id, title=title, opens_at=now, closes_at=closes_at,
                             created_by_id=getattr(actor, "id", None), created_at=now)
    db.session.add(round_)
    db.session.flush()
    record("trial.evaluation_opened", actor=actor, camp=trial.camp, obj=round_,
           trial_id=trial.id)
    return round_


def close_round(actor, trial: Trial, round_: EvaluationRound,
                now: datetime | None = None) -> EvaluationRound:
    now = now or utcnow()
    lock(trial)
    db.session.refresh(round_)
    if not is_open(round_, now):
        raise DomainError(_l("This round is already closed."))
    round_.closes_at = now
    db.session.flush()
    record("trial.evaluation_closed", actor=actor, camp=trial.camp, obj=round_,
           trial_id=trial.id)
    return round_


# --- Answering ----------------------------------------------------------------------------

@dataclass
class AnswerData:
    """What a party answers. values: {dimension: {"achieved", "co_creation", "text"}};
    collaboration: {item: score, ..., "text": str}. Scores may arrive as text."""

    values: dict = field(default_factory=dict)
    collaboration: dict = field(default_factory=dict)
    recommendation: str | None = None
    comment: str = ""


def answer_of(round_: EvaluationRound, party: Party) -> EvaluationAnswer | None:
    return db.session.execute(
        select(EvaluationAnswer).where(EvaluationAnswer.round_id == round_.id,
                                       EvaluationAnswer.party_id == party.id)).scalar_one_or_none()


def _already(party: Party) -> Conflict:
    return Conflict(_l("%(party)s has already answered this round. Each party answers once.",
                       party=party.organisation))


def refusal(round_: EvaluationRound, party: Party, now: datetime | None = None):
    """Why this party cannot answer this round now, or None."""
    if not is_open(round_, now):
        return DomainError(_l("This evaluation round is closed. Answers are no longer "
                              "accepted."))
    if answer_of(round_, party) is not None:
        return _already(party)
    return None


def _score(raw, name: str, errors: dict):
    try:
        value = int(str(raw).strip()) if raw is not None and str(raw).strip() else None
    except ValueError:
        value = None
    if value is None or not SCALE_MIN <= value <= SCALE_MAX:
        errors[name] = _l("Choose a value from %(min)s to %(max)s.", min=SCALE_MIN,
                          max=SCALE_MAX)
        return None
    return value


def _text(raw, name: str, errors: dict) -> str:
    text = (raw or "").strip()
    if len(text) > TEXT_MAX:
        errors[name] = _l("Keep it under %(max)s characters.", max=f"{TEXT_MAX:,}")
    return text


def clean(trial: Trial, data: AnswerData) -> tuple[dict, dict, Recommendation, str]:
    """The answer in the stored JSON format, or a DomainError naming every bad field."""
    errors: dict = {}
    values = {}
    for d in dimensions(trial):
        given = data.values.get(d.value) or {}
        values[d.value] = {
            "achieved": _score(given.get("achieved"), value_field(d.value, "achieved"), errors),
            "co_creation": _score(given.get("co_creation"),
                                  value_field(d.value, "co_creation"), errors),
            "text": _text(given.get("text"), value_field(d.value, "text"), errors),
        }
    collaboration = {item: _score(data.collaboration.get(item), collaboration_field(item),
                                  errors) for item in COLLABORATION_ITEMS}
    collaboration["text"] = _text(data.collaboration.get("text"), "collaboration_text", errors)
    try:
        recommendation = Recommendation(data.recommendation)
    except ValueError:
        recommendation = None
        errors["recommendation"] = _l("Choose scale up, adapt or stop.")
    comment = _text(data.comment, "comment", errors)
    if errors:
        exc = DomainError(_l("Some answers are missing or out of range. Nothing was saved."))
        exc.field_errors = errors
        raise exc
    return values, collaboration, recommendation, comment


def submit(actor, trial: Trial, round_: EvaluationRound, party: Party, data: AnswerData,
           now: datetime | None = None) -> EvaluationAnswer:
    """Store `party`'s answer to `round_` (the view checked "party.evaluate")."""
    now = now or utcnow()
    if round_.trial_id != trial.id or party.trial_id != trial.id:
        raise DomainError(_l("That party or round is not part of this trial."))
    values, collaboration, recommendation, comment = clean(trial, data)
    begin_write(db.session)  # SQLite: the check and the insert under one writer's lock
    problem = refusal(round_, party, now)
    if problem is not None:
        raise problem
    answer = EvaluationAnswer(round_id=round_.id, party_id=party.id, values=values,
                              collaboration=collaboration, recommendation=recommendation,
                              comment=comment, answered_by_id=getattr(actor, "id", None),
                              created_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(answer)
    except IntegrityError:
        # The same party's other request got in between the check and the insert.
        raise _already(party) from None
    record("trial.evaluation_answered", actor=actor, camp=trial.camp, obj=answer,
           trial_id=trial.id, round_id=round_.id, party_id=party.id)
    db.session.flush()
    return answer


# --- Results ------------------------------------------------------------------------------

@dataclass
class Item:
    """One scored question across the parties that answered."""

    key: str     # "value.quality.achieved", "collaboration.learning"
    label: str
    scores: dict[int, int] = field(default_factory=dict)  # party id -> 1..5

    @property
    def mean(self) -> float | None:
        return sum(self.scores.values()) / len(self.scores) if self.scores else None

    @property
    def spread(self) -> int | None:
        return max(self.scores.values()) - min(self.scores.values()) if self.scores else None

    @property
    def disagree(self) -> bool:
        return len(self.scores) >= 2 and self.spread >= DISAGREEMENT


@dataclass
class ValueResult:
    dimension: str
    label: str
    achieved: Item
    co_creation: Item


@dataclass
class Results:
    round: EvaluationRound
    parties: list[Party]
    answers: dict[int, EvaluationAnswer]          # party id -> answer
    values: list[ValueResult]
    collaboration: list[Item]
    recommendations: dict[Recommendation, int]    # every recommendation, counted (0 too)

    @property
    def answered(self) -> list[Party]:
        return [p for p in self.parties if p.id in self.answers]

    @property
    def missing(self) -> list[Party]:
        return [p for p in self.parties if p.id not in self.answers]

    @property
    def items(self) -> list[Item]:
        return [i for v in self.values for i in (v.achieved, v.co_creation)] + \
            self.collaboration

    @property
    def disagreements(self) -> list[Item]:
        return [i for i in self.items if i.disagree]

    @property
    def recommendations_differ(self) -> bool:
        return sum(1 for n in self.recommendations.values() if n) > 1

    def value_rows(self) -> list[tuple[str, Item]]:
        """(label, item) per dimension: achieved, then co-creation's contribution."""
        return [row for v in self.values for row in (
            (_l("%(value)s: achieved", value=v.label), v.achieved),
            (_l("%(value)s: co-creation contributed", value=v.label), v.co_creation))]

    def collaboration_rows(self) -> list[tuple[str, Item]]:
        return [(i.label, i) for i in self.collaboration]


def results(trial: Trial, round_: EvaluationRound) -> Results:
    """Per party and aggregated results of a round (two queries)."""
    parties = db.session.execute(
        select(Party).where(Party.trial_id == trial.id).order_by(Party.id)).scalars().all()
    answers = {a.party_id: a for a in db.session.execute(
        select(EvaluationAnswer).where(EvaluationAnswer.round_id == round_.id)).scalars()}
    dims = [d.value for d in dimensions(trial)]
    for a in answers.values():  # a dimension the trial has since dropped still shows
        dims += [d for d in (a.values or {}) if d not in dims]
    value_results = []
    for d in dims:
        label = value_label(d)
        achieved = Item(f"value.{d}.achieved", label)
        co_creation = Item(f"value.{d}.co_creation", label)
        for party_id, a in answers.items():
            given = (a.values or {}).get(d) or {}
            if isinstance(given.get("achieved"), int):
                achieved.scores[party_id] = given["achieved"]
            if isinstance(given.get("co_creation"), int):
                co_creation.scores[party_id] = given["co_creation"]
        value_results.append(ValueResult(d, label, achieved, co_creation))
    collaboration = []
    for item in COLLABORATION_ITEMS:
        it = Item(f"collaboration.{item}", COLLABORATION_LABELS[item])
        for party_id, a in answers.items():
            score = (a.collaboration or {}).get(item)
            if isinstance(score, int):
                it.scores[party_id] = score
        collaboration.append(it)
    counted = {r: 0 for r in Recommendation}
    for a in answers.values():
        counted[a.recommendation] += 1
    return Results(round_, list(parties), answers, value_results, collaboration, counted)


def may_read_texts(user, trial: Trial) -> bool:
    """Scores are as open as the trial; what the parties wrote is for the trial's managers
    and the parties' own contacts."""
    from camp.permissions import can
    if can(user, "trial.manage", trial):
        return True
    uid = getattr(user, "id", None) if getattr(user, "is_authenticated", False) else None
    return uid is not None and any(p.user_id == uid for p in trial.parties)


# --- Personal data ------------------------------------------------------------------------

def export_user_answers(user) -> list[dict]:
    """The evaluation answers the user gave on behalf of a party, for their data export."""
    rows = db.session.execute(
        select(EvaluationAnswer).where(EvaluationAnswer.answered_by_id == user.id)
        .options(db.joinedload(EvaluationAnswer.party),
                 db.joinedload(EvaluationAnswer.round))
        .order_by(EvaluationAnswer.created_at, EvaluationAnswer.id)).unique().scalars().all()
    return [{"trial_id": a.party.trial_id, "round": a.round.title,
             "party": a.party.organisation, "values": a.values,
             "collaboration": a.collaboration, "recommendation": a.recommendation.value,
             "comment": a.comment, "at": a.created_at.isoformat()} for a in rows]
