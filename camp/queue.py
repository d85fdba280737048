"""Work shared through Redis (issue 9): badge runs, booklets and e-mail deliveries go to RQ
queues when CAMP_REDIS_URL is set, and `flask camp worker` runs them, on any host.

Without CAMP_REDIS_URL nothing here is used: jobs run in a thread of the app process and
e-mail is sent in the request, as before.

What goes on a queue is a plain importable function and JSON arguments (RQ's JSON
serializer: whoever can write to Redis can choose among the functions below, not run
pickled code):

- `run(run_path, job_id)`: a job's own function (camp.badges.jobs:run_badge_job, ...) in an
  app context. The job row in the database is the truth: `camp.jobs.run_job` claims it
  (queued -> running) so it runs once however often it is delivered, and a run whose worker
  died is failed as stale after 15 minutes (camp.jobs.mark_stale).
- `deliver(message)`: sends an e-mail rendered in the request (recipient, subject, body,
  sender, attachments); a refused delivery is retried (RETRY_INTERVALS) before RQ lists it
  as failed.

The app for these functions is the worker's (`flask camp worker` sets it), else one built
by create_app() from the CAMP_* environment (e.g. under RQ's own `rq worker`).
"""
from __future__ import annotations

import base64
import importlib
import os
from datetime import timedelta

from flask import current_app

# Seconds a badge run or booklet may take before RQ stops it (camp.jobs also fails a run
# that reports no progress for 15 minutes).
JOB_TIMEOUT = 3600
MAIL_TIMEOUT = 120
RETRY_INTERVALS = [10, 60, 300]  # seconds before the 1st, 2nd and 3rd retry of a delivery
# A delivery that failed every retry stays in RQ's failed list this long (with the message).
FAILED_MAIL_KEPT = int(timedelta(days=7).total_seconds())
DEFAULT_PREFIX = "samskab"

_worker_app = None
_worker_pid = None


# -- the connection and the queues ----------------------------------------------------------

def enabled(app=None) -> bool:
    return bool((app or current_app).config.get("REDIS_URL"))


def connection(app=None):
    """The app's Redis client (one pool per app; redis-py renews it after a fork)."""
    from redis import Redis
    app = app or current_app._get_current_object()
    conn = app.extensions.get("camp_redis")
    if conn is None:
        conn = app.extensions["camp_redis"] = Redis.from_url(app.config["REDIS_URL"])
    return conn


def queue_names(app=None) -> tuple[str, str]:
    """(mail, jobs): e-mail first, so a long badge run does not hold up a password reset
    on a worker that is free. REDIS_QUEUE_PREFIX separates installations (and tests)
    sharing one Redis."""
    prefix = (app or current_app).config.get("REDIS_QUEUE_PREFIX") or DEFAULT_PREFIX
    return f"{prefix}-mail", f"{prefix}-jobs"


def get_queue(kind: str, app=None):
    from rq import Queue
    from rq.serializers import JSONSerializer
    app = app or current_app._get_current_object()
    mail, jobs = queue_names(app)
    return Queue(mail if kind == "mail" else jobs, connection=connection(app),
                 serializer=JSONSerializer)


# -- enqueueing (in the web process) --------------------------------------------------------

def function_path(func) -> str:
    return f"{func.__module__}:{func.__qualname__}"


def enqueue_job(run, job_id: int, name: str = "job", app=None):
    """Put a committed job row's run on the jobs queue; returns the RQ job."""
    return get_queue("jobs", app).enqueue(
        "camp.queue.run", function_path(run), int(job_id), job_timeout=JOB_TIMEOUT,
        result_ttl=3600, failure_ttl=FAILED_MAIL_KEPT, description=f"{name} {job_id}")


def message_payload(to: str, subject: str, body: str, from_email: str,
                    attachments=()) -> dict:
    """A rendered e-mail as JSON: attachments' bytes in base64."""
    files = []
    for filename, content, mimetype in attachments:
        if isinstance(content, str):
            files.append({"filename": filename, "text": content, "mimetype": mimetype})
        else:
            files.append({"filename": filename, "mimetype": mimetype,
                          "base64": base64.b64encode(bytes(content)).decode("ascii")})
    return {"to": [to], "subject": subject, "body": body, "from_email": from_email,
            "attachments": files}


def enqueue_mail(payload: dict, app=None):
    """Queue the delivery of a rendered e-mail; refused deliveries are retried."""
    from rq import Retry
    return get_queue("mail", app).enqueue(
        "camp.queue.deliver", payload, job_timeout=MAIL_TIMEOUT, result_ttl=0,
        failure_ttl=FAILED_MAIL_KEPT, retry=Retry(max=len(RETRY_INTERVALS),
                                                  interval=RETRY_INTERVALS),
        description="e-mail")  # no address in the workers' logs


# -- running (in the worker) ----------------------------------------------------------------

def set_worker_app(app) -> None:
    global _worker_app, _worker_pid
    _worker_app, _worker_pid = app, os.getpid()


def worker_app():
    """The app the queued functions run in: the worker's, else one from the environment."""
    if _worker_app is None:
        from camp import create_app
        set_worker_app(create_app())
    return _worker_app


def _in_app(func, *args):
    from camp.extensions import db
    app = worker_app()
    with app.app_context():
        if os.getpid() != _worker_pid:
            # RQ runs each job in a forked child: connections the parent may hold in the
            # pool belong to the parent (SQLAlchemy's advice for fork: drop, do not close).
            db.engine.dispose(close=False)
        try:
            return func(*args)
        finally:
            db.session.remove()


def resolve(run_path: str):
    """camp.badges.jobs:run_badge_job -> the function; only the app's own modules."""
    module, _, name = run_path.partition(":")
    if not (module == "camp" or module.startswith("camp.")) or not name:
        raise ValueError(f"not a job function of the app: {run_path!r}")
    return getattr(importlib.import_module(module), name)


def run(run_path: str, job_id: int) -> None:
    """A queued job: its own function, in an app context."""
    _in_app(resolve(run_path), int(job_id))


def build_message(payload: dict):
    from flask_mailman import EmailMessage
    message = EmailMessage(subject=payload["subject"], body=payload["body"],
                           to=list(payload["to"]), from_email=payload["from_email"])
    for item in payload.get("attachments") or ():
        content = item["text"] if "text" in item else base64.b64decode(item["base64"])
        message.attach(item["filename"], content, item["mimetype"])
    return message


def deliver(payload: dict) -> None:
    """A queued e-mail: send it; an exception makes RQ try again later."""
    _in_app(lambda: build_message(payload).send())


def work(app, burst: bool = False, with_scheduler: bool = True) -> bool:
    """Run an RQ worker on the app's queues (mail first). The scheduler part moves the
    deliveries waiting for a retry back onto their queue; one worker holds it at a time."""
    from rq import Worker
    from rq.serializers import JSONSerializer
    set_worker_app(app)
    worker = Worker([get_queue("mail", app), get_queue("jobs", app)],
                    connection=connection(app), serializer=JSONSerializer)
    return worker.work(burst=burst, with_scheduler=with_scheduler,
                       logging_level=app.config.get("WORKER_LOG_LEVEL") or "INFO")
