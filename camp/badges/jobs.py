"""Whole-camp badge runs outside the request: start, run (with progress), download.

`run_badge_job(job_id)` is a plain function that needs only an app context, so a queue
(issue 9: RQ) can call it as it is. Until then a runner starts it: "thread" (default) in
a background thread of the app process, "inline" at once in its own app context (the
default under TESTING), or any callable(app, job_id). Set BADGE_JOB_RUNNER to choose.
"""
from __future__ import annotations

import os
import secrets
import threading
from datetime import timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from camp.badges.models import BadgeJob, BadgeJobStatus
from camp.badges.render import LAYOUTS, badge_registrations, count_badges, render_badges_pdf
from camp.db import begin_write, utcnow
from camp.errors import Conflict, DomainError
from camp.extensions import db

# A run that has not reported progress for this long died with its process.
STALE_AFTER = timedelta(minutes=15)
KEEP_FILES = 3  # finished runs per camp whose PDF is kept
_threads: list[threading.Thread] = []


def jobs_dir() -> str:
    return os.path.join(current_app.instance_path, "badges")


def job_path(job: BadgeJob) -> str | None:
    return os.path.join(jobs_dir(), job.file_name) if job.file_name else None


def camp_jobs(camp, limit: int = 10) -> list[BadgeJob]:
    return db.session.execute(
        select(BadgeJob).where(BadgeJob.camp_id == camp.id)
        .options(selectinload(BadgeJob.created_by)).order_by(BadgeJob.created_at.desc(), BadgeJob.id.desc()).limit(limit)).scalars().all()


def _mark_stale(camp) -> None:
    cutoff = utcnow() - STALE_AFTER
    db.session.execute(
        update(BadgeJob).where(
            BadgeJob.camp_id == camp.id,
            BadgeJob.status.in_([BadgeJobStatus.queued, BadgeJobStatus.running]),
            BadgeJob.updated_at < cutoff)
        .values(status=BadgeJobStatus.failed, finished_at=utcnow(), updated_at=utcnow(),
                error="interrupted: no progress for 15 minutes"))


def start_badge_job(actor, camp, layout: str, locale: str = "da") -> BadgeJob:
    """A queued run for every confirmed participant of the camp (one at a time per camp)."""
    if layout not in LAYOUTS:
        raise DomainError(_l("Choose one of the badge layouts."), "layout")
    begin_write(db.session)
    _mark_stale(camp)
    running = db.session.execute(select(BadgeJob.id).where(
        BadgeJob.camp_id == camp.id,
        BadgeJob.status.in_([BadgeJobStatus.queued, BadgeJobStatus.running]))).first()
    if running is not None:
        raise Conflict(_l("A badge run for this camp is already under way. Wait for it to "
                          "finish."))
    total = count_badges(camp.id)
    if total == 0:
        raise DomainError(_l("Nobody has a seat yet, so there are no badges to print."))
    job = BadgeJob(camp_id=camp.id, layout=layout, total=total, locale=locale,
                   created_by_id=getattr(actor, "id", None))
    db.session.add(job)
    db.session.flush()
    return job


def launch(job_id: int) -> None:
    """Hand a committed job to the configured runner."""
    app = current_app._get_current_object()
    runner = app.config.get("BADGE_JOB_RUNNER") or ("inline" if app.testing else "thread")
    if callable(runner):
        runner(app, job_id)
    elif runner == "inline":
        _run_in_app(app, job_id)
    else:
        thread = threading.Thread(target=_run_in_app, args=(app, job_id),
                                  name=f"badge-job-{job_id}", daemon=True)
        _threads.append(thread)
        thread.start()


def wait_for_jobs(timeout: float = 60) -> None:
    """Join the background threads started so far (tests, shutdown)."""
    while _threads:
        _threads.pop().join(timeout)


def _run_in_app(app, job_id: int) -> None:
    with app.app_context():
        try:
            run_badge_job(job_id)
        finally:
            db.session.remove()


def _set(job_id: int, **values) -> None:
    """Record progress on its own connection: the run's session keeps its objects loaded."""
    values.setdefault("updated_at", utcnow())
    with db.engine.begin() as conn:
        conn.execute(update(BadgeJob).where(BadgeJob.id == job_id).values(**values))


def run_badge_job(job_id: int) -> None:
    """Render a queued run's badges to instance/badges, reporting progress on the row."""
    begin_write(db.session)
    job = db.session.get(BadgeJob, job_id)
    if job is None or job.status != BadgeJobStatus.queued:
        db.session.rollback()
        return
    job.status, job.started_at, job.updated_at = BadgeJobStatus.running, utcnow(), utcnow()
    db.session.commit()
    tmp = None
    try:
        camp = job.camp
        regs = badge_registrations(camp.id)
        _set(job_id, total=len(regs))
        os.makedirs(jobs_dir(), exist_ok=True)
        name = f"{secrets.token_hex(16)}.pdf"
        tmp = os.path.join(jobs_dir(), name + ".part")
        base = current_app.config["BASE_URL"].rstrip("/")
        with current_app.test_request_context(base_url=base), force_locale(job.locale):
            pdf = render_badges_pdf(camp, regs, job.layout,
                                    progress=lambda done: _set(job_id, done=done))
        with open(tmp, "wb") as fh:
            fh.write(pdf)
        os.replace(tmp, os.path.join(jobs_dir(), name))
        tmp = None
        _set(job_id, status=BadgeJobStatus.done, done=len(regs), file_name=name,
             finished_at=utcnow())
        db.session.rollback()
        _prune(camp.id)
    except Exception as exc:
        current_app.logger.exception("badge run %s failed", job_id)
        db.session.rollback()
        if tmp and os.path.exists(tmp):
            os.remove(tmp)
        _set(job_id, status=BadgeJobStatus.failed, finished_at=utcnow(),
             error=f"{type(exc).__name__}: {exc}"[:500])


def _prune(camp_id: int) -> None:
    """Keep the PDFs of the newest finished runs only (they hold personal data)."""
    begin_write(db.session)
    old = db.session.execute(
        select(BadgeJob).where(BadgeJob.camp_id == camp_id, BadgeJob.file_name.is_not(None))
        .order_by(BadgeJob.id.desc()).offset(KEEP_FILES)).scalars().all()
    for job in old:
        path = job_path(job)
        if path and os.path.exists(path):
            os.remove(path)
        job.file_name = None
    db.session.commit()
