"""Programme items and registration questions of a camp."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from camp.audit import record
from camp.camps.models import Camp, ProgrammeItem, QuestionKind, RegistrationQuestion
from camp.errors import DomainError
from camp.extensions import db


@dataclass
class ItemData:
    title: str
    starts_at: datetime
    ends_at: datetime
    place: str = ""
    description: str = ""


def _check_item(camp: Camp, data: ItemData) -> None:
    if data.ends_at <= data.starts_at:
        raise DomainError(_l("The item must end after it starts."), field="ends_at")
    if data.starts_at < camp.starts_at or data.ends_at > camp.ends_at:
        raise DomainError(_l("The item must lie inside the camp's start and end."),
                          field="starts_at")


def save_item(actor, camp: Camp, data: ItemData, item: ProgrammeItem | None = None):
    _check_item(camp, data)
    if item is None:
        item = ProgrammeItem(camp=camp)
        db.session.add(item)
    item.title = data.title.strip()
    item.starts_at, item.ends_at = data.starts_at, data.ends_at
    item.place = (data.place or "").strip()
    item.description = (data.description or "").strip()
    db.session.flush()
    record("programme.save", actor=actor, camp=camp, obj=item)
    return item


def delete_item(actor, camp: Camp, item: ProgrammeItem) -> None:
    record("programme.delete", actor=actor, camp=camp, obj=item, title=item.title)
    db.session.delete(item)
    db.session.flush()


def programme_by_day(camp: Camp, tz) -> list[tuple[object, list[ProgrammeItem]]]:
    """Items grouped by their local calendar day, in order."""
    days: dict = {}
    for item in sorted(camp.programme, key=lambda i: (i.starts_at, i.id or 0)):
        days.setdefault(item.starts_at.astimezone(tz).date(), []).append(item)
    return list(days.items())


@dataclass
class QuestionData:
    kind: QuestionKind
    label: str
    help_text: str = ""
    choices_text: str = ""
    required: bool = False


def parse_choices(kind: QuestionKind, text: str) -> list[str]:
    if kind not in (QuestionKind.single, QuestionKind.multiple):
        return []
    choices = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if len(choices) < 2:
        raise DomainError(_l("Give at least two options, one per line."), field="choices")
    if len({c.lower() for c in choices}) != len(choices):
        raise DomainError(_l("Each option may appear only once."), field="choices")
    if any(len(c) > 200 for c in choices):
        raise DomainError(_l("Keep each option under 200 characters."), field="choices")
    return choices


def save_question(actor, camp: Camp, data: QuestionData,
                  question: RegistrationQuestion | None = None) -> RegistrationQuestion:
    choices = parse_choices(data.kind, data.choices_text)
    if question is None:
        last = db.session.execute(
            select(func.max(RegistrationQuestion.position))
            .where(RegistrationQuestion.camp_id == camp.id)).scalar()
        question = RegistrationQuestion(camp=camp, position=(last or 0) + 1)
        db.session.add(question)
    question.kind = data.kind
    question.label = data.label.strip()
    question.help_text = (data.help_text or "").strip()
    question.choices = choices
    question.required = bool(data.required)
    db.session.flush()
    record("question.save", actor=actor, camp=camp, obj=question)
    return question


def delete_question(actor, camp: Camp, question: RegistrationQuestion) -> None:
    record("question.delete", actor=actor, camp=camp, obj=question, label=question.label)
    db.session.delete(question)
    db.session.flush()


def move_question(camp: Camp, question: RegistrationQuestion, direction: int) -> None:
    """Swap with the neighbour above (-1) or below (+1); renumbers to close gaps."""
    ordered = sorted(camp.questions, key=lambda q: (q.position, q.id))
    index = ordered.index(question)
    other = index + direction
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, q in enumerate(ordered):
        q.position = position
    db.session.flush()
