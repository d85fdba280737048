"""Trials in practice: starting one from submitted prototypes, editing it, and the status
steps every part of the trial follows (ALLOWED_STEPS, change_status, next_statuses).

A trial is started by an owner of the prototype's challenge (or an organiser; the view
checks "trial.start"). It starts as an idea, or as planned when a start date is given. Its
owner's organisation is the first party, with the acting user as contact, and the first
review is scheduled at the start (or today) plus the review rhythm.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, true

from camp.audit import record
from camp.db import begin_write, utcnow
from camp.errors import Conflict, DomainError
from camp.extensions import db
from camp.i18n import zone
from camp.prototypes.models import Prototype, PrototypeStatus
from camp.prototypes.services import allowed_values
from camp.trials.models import CommitmentRevision, Party, Review, Trial, TrialPrototype, \
    TrialStatus, TrialUpdate

TITLE_MAX = 200
TEXT_MAX = 5000
RHYTHM_MIN, RHYTHM_MAX = 1, 26

S = TrialStatus
# The steps a trial may take. Stopping (with a reason) is allowed from any state before an
# outcome; adapting (with a reason) and scaling up come after the evaluation. An outcome
# is final.
ALLOWED_STEPS: dict[TrialStatus, tuple[TrialStatus, ...]] = {
    S.idea: (S.planned, S.stopped),
    S.planned: (S.running, S.stopped),
    S.running: (S.evaluating, S.stopped),
    S.evaluating: (S.scaled_up, S.adapted, S.stopped),
    S.scaled_up: (),
    S.adapted: (),
    S.stopped: (),
}
OUTCOMES = (S.scaled_up, S.adapted, S.stopped)
REASON_NEEDED = (S.stopped, S.adapted)
# The usual way through, for the progress bar of steps.
PATH = (S.idea, S.planned, S.running, S.evaluating)


def local_today(camp, now: datetime | None = None) -> date:
    """Today's date in the camp's time zone."""
    return (now or utcnow()).astimezone(zone(camp.timezone)).date()


# -- status -------------------------------------------------------------------------------

def next_statuses(trial: Trial) -> list[TrialStatus]:
    """The statuses the trial may move to now, in order."""
    return list(ALLOWED_STEPS[trial.status])


def is_final(trial: Trial) -> bool:
    return trial.status in OUTCOMES


def check_progress(progress, field_name: str = "progress") -> int | None:
    """A progress share 0..100 (None: unchanged); anything else is refused."""
    if progress is None or progress == "":
        return None
    try:
        value = int(progress)
    except (TypeError, ValueError):
        raise DomainError(_l("Progress is a whole number from 0 to 100."), field=field_name)
    if value != progress and str(value) != str(progress).strip():
        raise DomainError(_l("Progress is a whole number from 0 to 100."), field=field_name)
    if not 0 <= value <= 100:
        raise DomainError(_l("Progress must be between 0 and 100."), field=field_name)
    return value


def _as_status(value) -> TrialStatus:
    try:
        return TrialStatus(getattr(value, "value", value))
    except ValueError:
        raise DomainError(_l("Choose one of the statuses offered."), field="status")


def _step_refusal(old: TrialStatus, new: TrialStatus):
    from camp.trials.labels import STATUS_LABELS
    if old in OUTCOMES:
        return _l("The trial has ended as \"%(status)s\". An outcome is final; start a new "
                  "trial to try again.", status=STATUS_LABELS[old])
    allowed = ", ".join(str(STATUS_LABELS[s]) for s in ALLOWED_STEPS[old])
    return _l("A trial cannot go from \"%(old)s\" to \"%(new)s\": it goes idea, planned, "
              "running, evaluating, then an outcome, without skipping a step. From here it "
              "can go to: %(allowed)s.", old=STATUS_LABELS[old], new=STATUS_LABELS[new],
              allowed=allowed)


def lock(trial: Trial) -> Trial:
    """Take the writer's lock and re-read the trial (PostgreSQL: FOR UPDATE)."""
    begin_write(db.session)
    return db.session.execute(
        select(Trial).where(Trial.id == trial.id).with_for_update()
        .execution_options(populate_existing=True)).scalar_one()


def change_status(actor, trial: Trial, new_status, reason: str = "", progress=None, *,
                  body: str = "", update: TrialUpdate | None = None,
                  now: datetime | None = None) -> TrialUpdate:
    """Move the trial one allowed step (ALLOWED_STEPS); stopping and adapting need a
    reason; progress (optional) is 0..100. The change is recorded on the timeline as a
    TrialUpdate with status_from/status_to and returned. Pass `update` (not yet added to
    the session) to have the change recorded on an update of your own (text, photos)."""
    new = _as_status(new_status)
    reason = (reason or "").strip()
    if len(reason) > TEXT_MAX:
        raise DomainError(_l("Keep it under %(max)s characters.", max=f"{TEXT_MAX:,}"),
                          field="reason")
    progress = check_progress(progress)
    trial = lock(trial)
    old = trial.status
    if new == old:
        from camp.trials.labels import STATUS_LABELS
        raise DomainError(_l("The trial is already \"%(status)s\".",
                             status=STATUS_LABELS[old]), field="status")
    if new not in ALLOWED_STEPS[old]:
        raise DomainError(_step_refusal(old, new), field="status")
    if new in REASON_NEEDED and not reason:
        raise DomainError(_l("Say why: the reason is kept with the outcome and shown to "
                             "everyone following the trial."), field="reason")
    now = now or utcnow()
    trial.status = new
    if new in REASON_NEEDED:
        trial.outcome_reason = reason
    if progress is not None:
        trial.progress = progress
    trial.last_update_at = now
    if new in OUTCOMES:
        from camp.trials.reviews import close_open_reviews
        close_open_reviews(trial)
    if update is None:
        update = TrialUpdate(body=body or reason)
    update.trial_id = trial.id
    update.author_id = getattr(actor, "id", None)
    update.status_from, update.status_to = old.value, new.value
    if progress is not None:
        update.progress = progress
    if update.created_at is None:
        update.created_at = now
    db.session.add(update)
    db.session.flush()
    record("trial.status", actor=actor, camp=trial.camp, obj=trial, status_from=old.value,
           status_to=new.value, progress=progress)
    return update


# -- starting and editing -----------------------------------------------------------------

@dataclass
class TrialData:
    title: str
    purpose: str = ""
    values: list[str] = field(default_factory=list)
    municipality: str = ""
    unit: str = ""
    area: str = ""
    starts_on: date | None = None
    planned_end_on: date | None = None
    review_every_weeks: int | None = 6
    prototype_ids: list[int] = field(default_factory=list)  # besides the one it starts from


def _too_long(name, max_):
    return DomainError(_l("Keep it under %(max)s characters.", max=f"{max_:,}"), field=name)


def _clean(data: TrialData, challenge) -> dict:
    title = (data.title or "").strip()
    if not title:
        raise DomainError(_l("Give the trial a title."), field="title")
    out = {"title": title}
    for name, max_ in (("title", TITLE_MAX), ("purpose", TEXT_MAX), ("municipality", 120),
                       ("unit", 160), ("area", 160)):
        out[name] = (getattr(data, name) or "").strip()
        if len(out[name]) > max_:
            raise _too_long(name, max_)
    allowed = [d.value for d in allowed_values(challenge)]
    chosen = [getattr(v, "value", v) for v in data.values or []]
    if any(v not in allowed for v in chosen):
        raise DomainError(_l("Choose only among the intended values of the challenge."),
                          field="values")
    out["values"] = [v for v in allowed if v in chosen]
    if data.starts_on and data.planned_end_on and data.planned_end_on < data.starts_on:
        raise DomainError(_l("The planned end cannot be before the start."),
                          field="planned_end_on")
    out["starts_on"], out["planned_end_on"] = data.starts_on, data.planned_end_on
    weeks = data.review_every_weeks
    if not isinstance(weeks, int) or not RHYTHM_MIN <= weeks <= RHYTHM_MAX:
        raise DomainError(_l("Review every 1 to 26 weeks."), field="review_every_weeks")
    out["review_every_weeks"] = weeks
    return out


def candidates(challenge, exclude=()) -> list[Prototype]:
    """The submitted prototypes of the challenge a trial may build on."""
    ids = [p if isinstance(p, int) else p.id for p in exclude]
    return db.session.execute(
        select(Prototype).where(Prototype.challenge_id == challenge.id,
                                Prototype.status == PrototypeStatus.submitted,
                                Prototype.id.not_in(ids) if ids else true())
        .order_by(Prototype.title, Prototype.id)).scalars().all()


def _check_prototype(prototype: Prototype, challenge) -> None:
    if prototype.challenge_id != challenge.id:
        raise DomainError(_l("A trial builds only on prototypes of its own challenge."),
                          field="prototypes")
    if prototype.status != PrototypeStatus.submitted:
        raise DomainError(_l("Only a submitted prototype can be taken into a trial."),
                          field="prototypes")


def start_trial(actor, prototype: Prototype, data: TrialData,
                now: datetime | None = None) -> Trial:
    """Take a submitted prototype (and optionally more of its challenge) into a trial."""
    from camp.trials.parties import add_owner_party
    from camp.trials.reviews import schedule
    challenge = prototype.challenge
    if prototype.status != PrototypeStatus.submitted:
        raise DomainError(_l("Only a submitted prototype can be taken into a trial. The "
                             "team has not submitted this one yet."))
    values = _clean(data, challenge)
    extra = []
    for pid in dict.fromkeys(data.prototype_ids or []):
        if pid == prototype.id:
            continue
        other = db.session.get(Prototype, pid)
        if other is None:
            raise DomainError(_l("One of the prototypes chosen no longer exists."),
                              field="prototypes")
        _check_prototype(other, challenge)
        extra.append(other)
    begin_write(db.session)
    now = now or utcnow()
    trial = Trial(camp_id=prototype.camp_id, challenge_id=challenge.id, **values,
                  status=S.planned if values["starts_on"] else S.idea, progress=0,
                  created_by_id=actor.id, created_at=now, last_update_at=now)
    db.session.add(trial)
    db.session.flush()
    for p in [prototype, *extra]:
        db.session.add(TrialPrototype(trial_id=trial.id, prototype_id=p.id))
    add_owner_party(actor, trial, challenge)
    first = (values["starts_on"] or local_today(prototype.camp, now)) + \
        timedelta(weeks=values["review_every_weeks"])
    schedule(trial, first)
    db.session.flush()
    record("trial.start", actor=actor, camp=prototype.camp, obj=trial,
           prototype_ids=[p.id for p in [prototype, *extra]])
    return trial


def edit_trial(actor, trial: Trial, data: TrialData, version: int) -> Trial:
    """Change the trial's own fields from `version`; a stale version is a Conflict and
    nothing is overwritten. A new review rhythm applies from the next scheduled review."""
    values = _clean(data, trial.challenge)
    trial = lock(trial)
    if version != trial.version:
        raise Conflict(_l("Someone else changed this trial while you were editing. Your "
                          "text is kept in the form; the saved version is shown beside "
                          "it. Take what you need and save again."))
    changed = [k for k, v in values.items() if getattr(trial, k) != v]
    if changed:
        for k in changed:
            setattr(trial, k, values[k])
        trial.version += 1
        db.session.flush()
        record("trial.edit", actor=actor, camp=trial.camp, obj=trial, fields=changed)
    return trial


def add_prototype(actor, trial: Trial, prototype: Prototype) -> TrialPrototype:
    """Let the trial build on one more prototype of its challenge."""
    _check_prototype(prototype, trial.challenge)
    trial = lock(trial)
    if any(link.prototype_id == prototype.id for link in trial.links):
        raise DomainError(_l("The trial already builds on this prototype."))
    link = TrialPrototype(trial_id=trial.id, prototype_id=prototype.id)
    db.session.add(link)
    db.session.flush()
    record("trial.add_prototype", actor=actor, camp=trial.camp, obj=trial,
           prototype_id=prototype.id)
    return link


# -- reading ------------------------------------------------------------------------------

def load_for_page(trial_id: int) -> Trial | None:
    """The trial with its prototypes, parties and their history, in a few queries."""
    return db.session.execute(
        select(Trial).where(Trial.id == trial_id)
        .options(db.joinedload(Trial.camp), db.joinedload(Trial.challenge),
                 db.selectinload(Trial.links).joinedload(TrialPrototype.prototype)
                 .joinedload(Prototype.team),
                 db.selectinload(Trial.parties).selectinload(Party.history)
                 .joinedload(CommitmentRevision.changed_by),
                 db.selectinload(Trial.parties).joinedload(Party.user))
    ).unique().scalar_one_or_none()


def trials_of_prototype(prototype: Prototype) -> list[Trial]:
    """The trials that build on this prototype, newest first."""
    if prototype is None or prototype.id is None:
        return []
    return db.session.execute(
        select(Trial).join(TrialPrototype, TrialPrototype.trial_id == Trial.id)
        .where(TrialPrototype.prototype_id == prototype.id)
        .order_by(Trial.created_at.desc(), Trial.id.desc())).scalars().all()


def trials_of_challenge(challenge) -> list[Trial]:
    """The challenge's trials that are not over (to add a prototype to)."""
    return db.session.execute(
        select(Trial).where(Trial.challenge_id == challenge.id, Trial.status.not_in(OUTCOMES))
        .options(db.selectinload(Trial.links))
        .order_by(Trial.created_at.desc(), Trial.id.desc())).scalars().all()


def next_review(trial: Trial) -> Review | None:
    """The first review not held yet."""
    return db.session.execute(
        select(Review).where(Review.trial_id == trial.id, Review.held_at.is_(None))
        .order_by(Review.due_on, Review.id).limit(1)).scalar()
