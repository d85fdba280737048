"""Prototypes: the team's draft, submission before the deadline, revisions, and the
organiser's deadline and extensions. Plain functions; the views commit."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select

from camp.audit import record
from camp.auth.models import User
from camp.camps.models import Camp
from camp.challenges.models import Challenge, ValueDimension
from camp.db import begin_write, utcnow
from camp.errors import Conflict, DomainError
from camp.extensions import db
from camp.i18n import format_local
from camp.prototypes.labels import FIELD_LABELS
from camp.prototypes.models import REVISED_FIELDS, Prototype, PrototypeRevision, \
    PrototypeStatus
from camp.teams.models import Team

TITLE_MAX = 160
PITCH_MAX = 300
TEXT_MAX = 10000
LINK_MAX = 500
MAX_LINKS = 20
# What a submission must have; the rest may stay empty.
REQUIRED_TO_SUBMIT = ("title", "pitch", "problem", "solution")


@dataclass
class PrototypeData:
    title: str = ""
    pitch: str = ""
    problem: str = ""
    solution: str = ""
    beneficiaries: str = ""
    values: list[str] = field(default_factory=list)
    trial_needs: str = ""
    next_steps: str = ""
    links: str = ""


class Invalid(DomainError):
    """Several fields at once; show_domain_error puts each message on its field."""

    def __init__(self, field_errors: dict):
        first = next(iter(field_errors))
        super().__init__(field_errors[first], field=first)
        self.field_errors = field_errors


# -- deadline and lock ----------------------------------------------------------------------

def base_deadline(camp: Camp) -> datetime:
    """The camp's deadline; without one, the camp's end."""
    return camp.prototype_deadline or camp.ends_at


def deadline_of(camp: Camp, prototype: Prototype | None = None) -> datetime:
    """The team's own deadline: an organiser's extension wins when it is later."""
    base = base_deadline(camp)
    extended = prototype.deadline_extended_to if prototype is not None else None
    return extended if extended is not None and extended > base else base


def is_locked(camp: Camp, prototype: Prototype | None = None,
              now: datetime | None = None) -> bool:
    return (now or utcnow()) > deadline_of(camp, prototype)


def _check_open(camp: Camp, prototype: Prototype | None, now: datetime | None,
                field_name: str | None = None) -> None:
    if is_locked(camp, prototype, now):
        raise DomainError(_l(
            "The deadline was %(when)s. The prototype is locked: it can no longer be "
            "changed or submitted. An organiser can give your team more time.",
            when=format_local(deadline_of(camp, prototype), camp.timezone, "full")),
            field=field_name)


# -- reading --------------------------------------------------------------------------------

def prototype_of(team: Team) -> Prototype | None:
    return db.session.execute(
        select(Prototype).where(Prototype.team_id == team.id)).scalar()


def snapshot(prototype: Prototype) -> dict:
    """The revised fields as a revision stores them."""
    return {f: (list(getattr(prototype, f) or []) if f == "values" else getattr(prototype, f)
                or "") for f in REVISED_FIELDS}


def revision(prototype: Prototype, number: int) -> PrototypeRevision | None:
    return next((r for r in prototype.revisions if r.number == number), None)


def unsubmitted_changes(prototype: Prototype) -> bool:
    """The draft differs from the last submission (or was never submitted)."""
    last = prototype.revisions[-1] if prototype.revisions else None
    return last is None or last.data != snapshot(prototype)


def allowed_values(challenge: Challenge) -> list[ValueDimension]:
    """The challenge's intended value dimensions, in the usual order."""
    chosen = {v.dimension for v in challenge.values}
    return [d for d in ValueDimension if d in chosen]


# -- the draft ------------------------------------------------------------------------------

def clean_links(text: str | None) -> tuple[str, str | None]:
    """One http(s) address per line: (the normalised text, an error message or None)."""
    links = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if len(links) > MAX_LINKS:
        return "", _l("At most %(n)s links.", n=MAX_LINKS)
    for link in links:
        parts = urlsplit(link)
        if len(link) > LINK_MAX or parts.scheme.lower() not in ("http", "https") \
                or not parts.netloc or any(ch.isspace() for ch in link):
            return "", _l("\"%(link)s\" is not a web address. Write one address per line, "
                          "starting with https:// or http://.", link=link[:80])
    return "\n".join(links), None


def _clean(data: PrototypeData, challenge: Challenge) -> dict:
    errors = {}
    values = {f: (getattr(data, f) or "").strip() for f in REVISED_FIELDS if f != "values"}
    values["pitch"] = " ".join(values["pitch"].split())  # one line
    if not values["title"]:
        errors["title"] = _l("Give the prototype a title.")
    limits = {"title": TITLE_MAX, "pitch": PITCH_MAX}
    for name, text in values.items():
        limit = limits.get(name, TEXT_MAX)
        if len(text) > limit:
            errors.setdefault(name, _l("At most %(n)s characters.", n=limit))
    values["links"], link_error = clean_links(values["links"])
    if link_error:
        errors["links"] = link_error
    allowed = allowed_values(challenge)
    chosen = set(data.values or [])
    unknown = chosen - {d.value for d in allowed}
    if unknown:
        errors["values"] = _l("Choose only among the values of the team's challenge.")
    values["values"] = [d.value for d in allowed if d.value in chosen]
    if errors:
        raise Invalid(errors)
    return values


def save_draft(actor: User, team: Team, data: PrototypeData, version: int,
               now: datetime | None = None) -> Prototype:
    """Create or change the team's prototype from `version` (0: new). A stale version is
    refused with Conflict: another member saved in between, and nothing is overwritten."""
    begin_write(db.session)
    # Lock the team: two members creating the first draft at once cannot both insert.
    db.session.execute(select(Team.id).where(Team.id == team.id).with_for_update()).one()
    prototype = db.session.execute(
        select(Prototype).where(Prototype.team_id == team.id).with_for_update()
        .execution_options(populate_existing=True)).scalar()
    _check_open(team.camp, prototype, now)
    current = prototype.version if prototype is not None else 0
    if version != current:
        raise Conflict(_l("Someone else in your team saved the prototype while you were "
                          "editing. Your text is kept in the form; the newer saved text is "
                          "shown beside it. Take what you need from it and save again."))
    values = _clean(data, prototype.challenge if prototype else team.challenge)
    if prototype is None:
        prototype = Prototype(camp_id=team.camp_id, team_id=team.id,
                              challenge_id=team.challenge_id, version=1, **values)
        db.session.add(prototype)
        db.session.flush()
        record("prototype.create", actor=actor, camp=team.camp, obj=prototype)
        return prototype
    changed = [f for f in REVISED_FIELDS if getattr(prototype, f) != values[f]]
    if changed:
        for f in changed:
            setattr(prototype, f, values[f])
        prototype.version = current + 1
        db.session.flush()
        record("prototype.save", actor=actor, camp=team.camp, obj=prototype, fields=changed)
    return prototype


# -- submission -----------------------------------------------------------------------------

def submit(actor: User, prototype: Prototype, now: datetime | None = None
           ) -> tuple[PrototypeRevision, bool]:
    """Keep the draft as a new revision. Returns (revision, made); submitting content that
    is already the last revision makes none (made is False)."""
    begin_write(db.session)
    prototype = db.session.execute(
        select(Prototype).where(Prototype.id == prototype.id).with_for_update()
        .execution_options(populate_existing=True)).scalar_one()
    now = now or utcnow()
    camp = prototype.camp
    if is_locked(camp, prototype, now):
        raise DomainError(_l(
            "The deadline for submitting was %(when)s. Late submissions are not accepted "
            "unless an organiser gives your team more time.",
            when=format_local(deadline_of(camp, prototype), camp.timezone, "full")))
    missing = [str(FIELD_LABELS[f]) for f in REQUIRED_TO_SUBMIT
               if not (getattr(prototype, f) or "").strip()]
    if missing:
        raise DomainError(_l("Fill in these before you submit: %(fields)s.",
                             fields=", ".join(missing)))
    last = db.session.execute(
        select(PrototypeRevision).where(PrototypeRevision.prototype_id == prototype.id)
        .order_by(PrototypeRevision.number.desc()).limit(1)).scalar()
    data = snapshot(prototype)
    if last is not None and last.data == data:
        return last, False
    rev = PrototypeRevision(prototype_id=prototype.id, number=(last.number if last else 0) + 1,
                            data=data, submitted_by_id=actor.id, submitted_at=now,
                            late=now > base_deadline(camp))
    db.session.add(rev)
    prototype.status = PrototypeStatus.submitted
    prototype.submitted_at = now
    db.session.flush()
    db.session.expire(prototype, ["revisions"])
    record("prototype.submit", actor=actor, camp=camp, obj=prototype, number=rev.number,
           late=rev.late)
    return rev, True


# -- the organiser --------------------------------------------------------------------------

def set_deadline(actor: User, camp: Camp, when: datetime | None) -> Camp:
    camp.prototype_deadline = when
    db.session.flush()
    record("prototype.deadline", actor=actor, camp=camp, obj=camp,
           deadline=when.isoformat() if when else None)
    return camp


def extend(actor: User, prototype: Prototype, until: datetime | None) -> Prototype:
    """Give the team until `until` (None: take the extension away)."""
    camp = prototype.camp
    if until is not None and until <= base_deadline(camp):
        raise DomainError(_l("An extension must end after the camp's deadline (%(when)s).",
                             when=format_local(base_deadline(camp), camp.timezone, "full")),
                          field="until")
    prototype.deadline_extended_to = until
    db.session.flush()
    record("prototype.extend", actor=actor, camp=camp, obj=prototype,
           until=until.isoformat() if until else None)
    return prototype


@dataclass
class Row:
    team: Team
    prototype: Prototype | None
    revisions: int = 0
    last_submitted_at: datetime | None = None
    late: int = 0  # revisions submitted after the camp's deadline

    @property
    def status(self):
        return self.prototype.status if self.prototype is not None else None


def overview(camp: Camp) -> list[Row]:
    """Every team of the camp with its prototype and revision figures (three queries)."""
    teams = db.session.execute(
        select(Team).where(Team.camp_id == camp.id).options(db.joinedload(Team.challenge))
        .order_by(Team.name, Team.id)).scalars().unique().all()
    prototypes = {p.team_id: p for p in db.session.execute(
        select(Prototype).where(Prototype.camp_id == camp.id)).scalars()}
    stats = {row.prototype_id: row for row in db.session.execute(
        select(PrototypeRevision.prototype_id, func.count().label("n"),
               func.max(PrototypeRevision.submitted_at).label("last"),
               func.sum(case((PrototypeRevision.late, 1), else_=0)).label("late"))
        .join(Prototype).where(Prototype.camp_id == camp.id)
        .group_by(PrototypeRevision.prototype_id))}
    rows = []
    for team in teams:
        prototype = prototypes.get(team.id)
        s = stats.get(prototype.id) if prototype is not None else None
        rows.append(Row(team, prototype, s.n if s else 0, s.last if s else None,
                        int(s.late or 0) if s else 0))
    return rows


def overview_csv(camp: Camp, rows: list[Row], url_of) -> bytes:
    from camp.csvfile import to_csv
    from camp.prototypes.labels import STATUS_LABELS
    header = [_l("Team"), _l("Challenge"), _l("Status"), _l("Title"), _l("Revisions"),
              _l("Last submitted"), _l("Late submissions"), _l("Extended to"), _l("Address")]

    def local(dt):
        return format_local(dt, camp.timezone, "yyyy-MM-dd HH:mm") if dt else ""
    return to_csv(header, ([
        r.team.name, r.team.challenge.title, str(STATUS_LABELS[r.status]),
        r.prototype.title if r.prototype else "", r.revisions, local(r.last_submitted_at),
        r.late, local(r.prototype.deadline_extended_to if r.prototype else None),
        url_of(r.prototype) if r.prototype else ""] for r in rows))
