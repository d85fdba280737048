"""Milestones of a trial: a title and a due date, marked done (and undone) by the people
who run the trial ("trial.manage", checked by the views). Overdue = not done and due before
today, where today is the day in the camp's own time zone."""
from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from camp.audit import record
from camp.db import begin_write, utcnow
from camp.errors import DomainError
from camp.extensions import db
from camp.i18n import zone
from camp.trials.models import Milestone, Trial

TITLE_MAX = 200


def today_in(camp, now: datetime | None = None) -> date:
    """Today's date where the camp is (its time zone), not where the server is."""
    return (now or utcnow()).astimezone(zone(getattr(camp, "timezone", None))).date()


def is_overdue(milestone: Milestone, today: date) -> bool:
    return milestone.done_at is None and milestone.due_on < today


def clean_title(title: str | None) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise DomainError(_l("Give the milestone a title."), field="title")
    if len(title) > TITLE_MAX:
        raise DomainError(_l("Keep the title under %(max)s characters.", max=TITLE_MAX),
                          field="title")
    return title


def _due(due_on) -> date:
    if not isinstance(due_on, date):
        raise DomainError(_l("Enter the date the milestone is due."), field="due_on")
    return due_on


def for_trial(trial: Trial) -> list[Milestone]:
    """The trial's milestones by due date (one query)."""
    return db.session.execute(
        select(Milestone).where(Milestone.trial_id == trial.id)
        .order_by(Milestone.due_on, Milestone.id)).scalars().all()


def add(actor, trial: Trial, title: str, due_on: date) -> Milestone:
    title, due_on = clean_title(title), _due(due_on)
    begin_write(db.session)
    m = Milestone(trial_id=trial.id, title=title, due_on=due_on)
    db.session.add(m)
    db.session.flush()
    db.session.expire(trial, ["milestones"])
    record("trial.milestone_add", actor=actor, camp=trial.camp, obj=m, trial_id=trial.id,
           due_on=due_on.isoformat())
    return m


def edit(actor, trial: Trial, m: Milestone, title: str, due_on: date) -> Milestone:
    title, due_on = clean_title(title), _due(due_on)
    begin_write(db.session)
    m.title, m.due_on = title, due_on
    db.session.flush()
    db.session.expire(trial, ["milestones"])
    record("trial.milestone_edit", actor=actor, camp=trial.camp, obj=m, trial_id=trial.id,
           due_on=due_on.isoformat())
    return m


def set_done(actor, trial: Trial, m: Milestone, done: bool = True,
             now: datetime | None = None) -> Milestone:
    """Mark the milestone done (or not done again). Doing what is already so changes
    nothing and is not an error (a double click, two people at once)."""
    begin_write(db.session)
    db.session.refresh(m)
    if done and m.done_at is None:
        m.done_at, m.done_by_id = now or utcnow(), actor.id
    elif not done and m.done_at is not None:
        m.done_at, m.done_by_id = None, None
    else:
        return m
    db.session.flush()
    record("trial.milestone_done" if done else "trial.milestone_undone", actor=actor,
           camp=trial.camp, obj=m, trial_id=trial.id)
    return m


def delete(actor, trial: Trial, m: Milestone) -> str:
    """Delete the milestone; returns its title."""
    begin_write(db.session)
    title = m.title
    record("trial.milestone_delete", actor=actor, camp=trial.camp, obj=m, trial_id=trial.id,
           title=title)
    db.session.delete(m)
    db.session.flush()
    db.session.expire(trial, ["milestones"])
    return title


def overdue(trial: Trial, today: date) -> list[Milestone]:
    return [m for m in for_trial(trial) if is_overdue(m, today)]
