"""Work done outside the request (badge runs, prototype booklets): the shared machinery.

A job is a row with status/total/done/error/file_name/started_at/finished_at/updated_at
(camp.badges.models.BadgeJob, camp.gallery.models.BookletJob) and a plain function
`run_X_job(job_id)` that needs only an app context, so a queue can call it as it is. A
runner starts it, chosen by a setting:

- the job's own setting (BADGE_JOB_RUNNER, BOOKLET_JOB_RUNNER): "thread", "inline", "rq"
  or a callable(app, job_id);
- else the shared JOB_RUNNER: "thread", "inline", "rq" or a callable(app, run, job_id),
  where `run` is the job's plain function;
- else "rq" when CAMP_REDIS_URL is set, "inline" under TESTING and "thread" otherwise.

"thread" runs the job in a background thread of the app process, "inline" at once in
its own app context, "rq" on the Redis queue that `flask camp worker` serves (camp.queue),
on whichever host the worker runs: every web host and worker must see one instance folder
(CAMP_INSTANCE_PATH), where the files are written and read.
"""
from __future__ import annotations

import os
import secrets
import threading
from collections.abc import Callable
from datetime import timedelta

from flask import abort, current_app, request, send_file
from flask_babel import force_locale
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from camp.badges.models import BadgeJobStatus as JobStatus
from camp.db import begin_write, utcnow
from camp.errors import Conflict
from camp.extensions import db

# A job that has not reported progress for this long died with its process.
STALE_AFTER = timedelta(minutes=15)
KEEP_FILES = 3  # finished jobs per camp whose file is kept
ACTIVE = (JobStatus.queued, JobStatus.running)
_threads: list[threading.Thread] = []


# -- files ----------------------------------------------------------------------------------

def folder_path(folder: str) -> str:
    """instance/<folder>: where a kind of job keeps its files."""
    return os.path.join(current_app.instance_path, folder)


def file_path(folder: str, job) -> str | None:
    return os.path.join(folder_path(folder), job.file_name) if job.file_name else None


def send_finished(model, camp, folder: str, download_name: Callable) -> object:
    """The PDF of this camp's finished run named by ?run=<id>; 404 when no run is named,
    the run is another camp's or not done, or its file is gone (only the newest are kept)."""
    from camp.web import get_in_camp
    job_id = request.args.get("run", type=int)
    if job_id is None:
        abort(404)
    job = get_in_camp(model, job_id, camp)
    path = file_path(folder, job)
    if job.status != JobStatus.done or path is None:
        abort(404)
    try:
        return send_file(path, mimetype="application/pdf", as_attachment=True,
                         download_name=download_name(job), max_age=0)
    except FileNotFoundError:
        abort(404)


def write_file(folder: str, data: bytes, ext: str = "pdf") -> str:
    """Write the data under a new random name in instance/<folder>; returns the name."""
    os.makedirs(folder_path(folder), exist_ok=True)
    name = f"{secrets.token_hex(16)}.{ext}"
    path = os.path.join(folder_path(folder), name)
    tmp = path + ".part"
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    return name


def prune(model, camp_id: int, folder: str, keep: int = KEEP_FILES) -> None:
    """Keep the files of the newest `keep` finished jobs of the camp only."""
    begin_write(db.session)
    old = db.session.execute(
        select(model).where(model.camp_id == camp_id, model.file_name.is_not(None))
        .order_by(model.id.desc()).offset(keep)).scalars().all()
    for job in old:
        path = file_path(folder, job)
        if path and os.path.exists(path):
            os.remove(path)
        job.file_name = None
    db.session.commit()


# -- reading and starting -------------------------------------------------------------------

def camp_jobs(model, camp, limit: int = 10) -> list:
    """The camp's newest jobs, with who started them."""
    return db.session.execute(
        select(model).where(model.camp_id == camp.id)
        .options(selectinload(model.created_by))
        .order_by(model.created_at.desc(), model.id.desc()).limit(limit)).scalars().all()


def mark_stale(model, camp_id: int, stale_after: timedelta = STALE_AFTER) -> None:
    cutoff = utcnow() - stale_after
    minutes = int(stale_after.total_seconds() // 60)
    db.session.execute(
        update(model).where(model.camp_id == camp_id, model.status.in_(ACTIVE),
                            model.updated_at < cutoff)
        .values(status=JobStatus.failed, finished_at=utcnow(), updated_at=utcnow(),
                error=f"interrupted: no progress for {minutes} minutes"))


def check_none_active(model, camp, message) -> None:
    """Take the write lock, fail stale jobs, and refuse (Conflict) while one is under way."""
    begin_write(db.session)
    mark_stale(model, camp.id)
    running = db.session.execute(select(model.id).where(
        model.camp_id == camp.id, model.status.in_(ACTIVE))).first()
    if running is not None:
        raise Conflict(message)


# -- running --------------------------------------------------------------------------------

def launch(run: Callable[[int], None], job_id: int, setting: str, name: str = "job") -> None:
    """Hand a committed job to the configured runner (see the module's docstring)."""
    app = current_app._get_current_object()
    own = app.config.get(setting)
    shared = app.config.get("JOB_RUNNER")
    from camp import queue
    runner = own or shared or ("rq" if queue.enabled(app) else
                               "inline" if app.testing else "thread")
    if callable(runner):
        if runner is own:
            runner(app, job_id)
        else:
            runner(app, run, job_id)
    elif runner == "inline":
        run_in_app(app, run, job_id)
    elif runner == "rq":
        queue.enqueue_job(run, job_id, name, app)
    else:
        thread = threading.Thread(target=run_in_app, args=(app, run, job_id),
                                  name=f"{name}-{job_id}", daemon=True)
        _threads.append(thread)
        thread.start()


def wait_for_jobs(timeout: float = 60) -> None:
    """Join the background threads started so far (tests, shutdown)."""
    while _threads:
        _threads.pop().join(timeout)


def run_in_app(app, run: Callable[[int], None], job_id: int) -> None:
    with app.app_context():
        try:
            run(job_id)
        finally:
            db.session.remove()


def set_progress(model, job_id: int, **values) -> None:
    """Record progress on its own connection: the run's session keeps its objects loaded."""
    values.setdefault("updated_at", utcnow())
    with db.engine.begin() as conn:
        conn.execute(update(model).where(model.id == job_id).values(**values))


def claim(model, job_id: int):
    """The queued job, now marked running; None when it is gone or already taken."""
    begin_write(db.session)
    job = db.session.get(model, job_id)
    if job is None or job.status != JobStatus.queued:
        db.session.rollback()
        return None
    job.status, job.started_at, job.updated_at = JobStatus.running, utcnow(), utcnow()
    db.session.commit()
    return job


def run_job(model, job_id: int, folder: str, work, keep: int = KEEP_FILES,
            label: str = "job") -> None:
    """Claim a queued job, let `work(job, progress)` make the file, store it, keep the
    newest `keep` files of the camp; any error fails the job (with its message) and
    leaves no file.

    `work` runs in a request context on BASE_URL (for url_for(_external=True)) in the
    job's language; `progress(**values)` records values (done, total) on the row. It
    returns (bytes, done).
    """
    job = claim(model, job_id)
    if job is None:
        return
    name = None
    camp_id = job.camp_id
    try:
        os.makedirs(folder_path(folder), exist_ok=True)
        base = current_app.config["BASE_URL"].rstrip("/")
        with current_app.test_request_context(base_url=base), force_locale(job.locale):
            data, done = work(job, lambda **values: set_progress(model, job_id, **values))
        name = write_file(folder, data)
        set_progress(model, job_id, status=JobStatus.done, done=done, file_name=name,
                     finished_at=utcnow())
    except Exception as exc:
        current_app.logger.exception("%s %s failed", label, job_id)
        db.session.rollback()
        if name is not None and os.path.exists(os.path.join(folder_path(folder), name)):
            os.remove(os.path.join(folder_path(folder), name))
        set_progress(model, job_id, status=JobStatus.failed, finished_at=utcnow(),
                     error=f"{type(exc).__name__}: {exc}"[:500])
        return
    db.session.rollback()
    try:
        prune(model, camp_id, folder, keep)
    except Exception:  # the job is done; an old file stays until the next one
        current_app.logger.exception("pruning after %s %s failed", label, job_id)
        db.session.rollback()
