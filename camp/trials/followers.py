"""Following a trial: opt-in e-mail on its updates, with an unsubscribe link that works
without logging in. Nobody is subscribed automatically, not even the team whose prototype
the trial builds on: the trial's page invites them instead."""
from __future__ import annotations

import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from camp.audit import record
from camp.db import begin_write
from camp.extensions import db
from camp.teams.models import TeamMember
from camp.prototypes.models import Prototype
from camp.trials.models import Follower, Trial, TrialPrototype, TrialUpdate


def following(user, trial: Trial) -> Follower | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.execute(select(Follower).where(
        Follower.trial_id == trial.id, Follower.user_id == user.id)).scalar()


def worked_on(user, trial: Trial) -> bool:
    """Was the user in a team whose prototype the trial builds on? (One query.)"""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(db.session.scalar(select(exists().where(
        TrialPrototype.trial_id == trial.id,
        TrialPrototype.prototype_id == Prototype.id,
        TeamMember.team_id == Prototype.team_id,
        TeamMember.user_id == user.id))))


def follow(user, trial: Trial) -> tuple[Follower, bool]:
    """Follow the trial; following it already is fine. Returns (follower, newly made)."""
    begin_write(db.session)
    found = following(user, trial)
    if found is not None:
        return found, False
    row = Follower(trial_id=trial.id, user_id=user.id,
                   unsubscribe_token=secrets.token_urlsafe(32))
    try:
        with db.session.begin_nested():  # two clicks at once: the constraint decides
            db.session.add(row)
            db.session.flush()
    except IntegrityError:
        return following(user, trial), False
    record("trial.follow", actor=user, camp=trial.camp, obj=trial)
    return row, True


def unfollow(user, trial: Trial) -> bool:
    """Stop following; returns whether the user was following."""
    begin_write(db.session)
    found = following(user, trial)
    if found is None:
        return False
    db.session.delete(found)
    db.session.flush()
    record("trial.unfollow", actor=user, camp=trial.camp, obj=trial)
    return True


def by_token(token: str) -> Follower | None:
    if not token or len(token) > 64:
        return None
    return db.session.execute(
        select(Follower).where(Follower.unsubscribe_token == token)
        .options(joinedload(Follower.user))).scalar()


def unsubscribe(follower: Follower) -> Trial:
    """The unsubscribe link was used: the row goes. Returns the trial."""
    begin_write(db.session)
    trial = db.session.get(Trial, follower.trial_id)
    record("trial.unsubscribe", actor=None, camp=trial.camp, obj=trial,
           user_id=follower.user_id)
    db.session.delete(follower)
    db.session.flush()
    return trial


def recipients(update: TrialUpdate) -> list[Follower]:
    """Who hears of an update: every follower with a live account except its author."""
    rows = db.session.execute(
        select(Follower).where(Follower.trial_id == update.trial_id)
        .options(joinedload(Follower.user)).order_by(Follower.id)).scalars().all()
    return [f for f in rows if f.user is not None and f.user.deleted_at is None
            and f.user_id != update.author_id]


def notify_update(update: TrialUpdate) -> int:
    """E-mail the update to its followers (after the commit), each in their language.
    Returns how many were sent."""
    from camp.mail import send_email
    from camp.urls import external_url
    trial = db.session.get(Trial, update.trial_id)
    link = trial_link(trial)
    sent = 0
    for f in recipients(update):
        send_email(f.user.email, _l("News from the trial “%(trial)s”", trial=trial.title),
                   "trial_update", locale=f.user.locale, trial=trial, update=update,
                   link=link, unsubscribe=external_url("trial_progress.unsubscribe",
                                                       token=f.unsubscribe_token))
        sent += 1
    return sent


def trial_link(trial: Trial, anchor: str | None = None) -> str:
    """The absolute address of the trial's page (part F's), else of its timeline."""
    from werkzeug.routing import BuildError
    from camp.urls import external_url
    extra = {"_anchor": anchor} if anchor else {}
    try:
        return external_url("trials.view", trial_id=trial.id, **extra)
    except BuildError:
        return external_url("trial_progress.updates", trial_id=trial.id, **extra)


# --- Personal data ------------------------------------------------------------------------

def export_user_data(user) -> dict:
    """The trials a person follows and the updates they wrote (for the data export)."""
    def iso(dt):
        return dt.isoformat() if dt else None
    follows = db.session.execute(
        select(Follower, Trial.title).join(Trial, Trial.id == Follower.trial_id)
        .where(Follower.user_id == user.id).order_by(Follower.created_at)).all()
    written = db.session.execute(
        select(TrialUpdate, Trial.title).join(Trial, Trial.id == TrialUpdate.trial_id)
        .where(TrialUpdate.author_id == user.id).order_by(TrialUpdate.created_at)).all()
    return {
        "trials_followed": [{"trial_id": f.trial_id, "trial": title,
                             "since": iso(f.created_at)} for f, title in follows],
        "trial_updates_written": [{"trial_id": u.trial_id, "trial": title, "text": u.body,
                                   "progress": u.progress, "status_to": u.status_to,
                                   "at": iso(u.created_at)} for u, title in written],
    }


def forget_user(user) -> None:
    """The person's account is erased: they follow nothing any more."""
    db.session.execute(delete(Follower).where(Follower.user_id == user.id))
