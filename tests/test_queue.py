"""The Redis queue (camp.queue): which runner a job gets, e-mail rendered in the request
and delivered by the worker, the limiter's storage, the worker command.

Most tests stand in for Redis by catching what would be enqueued and running it as the
worker would; the last ones use a real Redis when CAMP_TEST_REDIS_URL is set
(./scripts/test starts one for the PostgreSQL pass).
"""
import json
import os
import uuid

import pytest
from sqlalchemy import select

from camp import create_app, queue
from camp.badges import jobs as badge_jobs
from camp.badges.models import BadgeJob, BadgeJobStatus
from camp.extensions import db, mail
from camp.mail import send_email
from tests.factories import make_camp, make_registration, make_user

REDIS_URL = os.environ.get("CAMP_TEST_REDIS_URL")
UNUSED_REDIS = "redis://127.0.0.1:9/0"  # never connected to: enqueueing is caught


@pytest.fixture
def caught(app, monkeypatch):
    """REDIS_URL set; what would go on the queues is kept here instead."""
    app.config["REDIS_URL"] = UNUSED_REDIS
    seen = {"jobs": [], "mail": []}
    monkeypatch.setattr(queue, "enqueue_job", lambda run, job_id, name="job", app=None:
                        seen["jobs"].append((queue.function_path(run), job_id, name)))
    monkeypatch.setattr(queue, "enqueue_mail", lambda payload, app=None:
                        seen["mail"].append(json.loads(json.dumps(payload))))
    yield seen
    queue.set_worker_app(None)


def _badge_job(n=2):
    organiser = make_user()
    camp = make_camp(organiser=organiser)
    for _ in range(n):
        make_registration(camp)
    job = badge_jobs.start_badge_job(organiser, camp, "a4-4")
    db.session.commit()
    return job.id


def _status(job_id):
    db.session.commit()
    return db.session.get(BadgeJob, job_id).status


def test_with_redis_a_badge_run_is_queued_and_the_worker_runs_it(app, caught):
    job_id = _badge_job()
    badge_jobs.launch(job_id)
    assert caught["jobs"] == [("camp.badges.jobs:run_badge_job", job_id, "badge-job")]
    assert _status(job_id) == BadgeJobStatus.queued  # nothing ran in the request

    queue.set_worker_app(app)
    queue.run(*caught["jobs"][0][:2])
    assert _status(job_id) == BadgeJobStatus.done
    queue.run(*caught["jobs"][0][:2])  # delivered twice: the claim makes it run once
    job = db.session.get(BadgeJob, job_id)
    assert job.status == BadgeJobStatus.done and job.done == 2


def test_a_runner_setting_wins_over_redis(app, caught):
    app.config["BADGE_JOB_RUNNER"] = "inline"
    job_id = _badge_job(1)
    badge_jobs.launch(job_id)
    assert caught["jobs"] == [] and _status(job_id) == BadgeJobStatus.done


def test_jobs_runner_rq_names_the_queue_explicitly(app, caught):
    app.config["REDIS_URL"] = None  # the runner is chosen, whatever the default would be
    app.config["JOB_RUNNER"] = "rq"
    job_id = _badge_job(1)
    badge_jobs.launch(job_id)
    assert [j[1] for j in caught["jobs"]] == [job_id]


def test_without_redis_jobs_and_mail_stay_in_the_process(app, outbox, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("nothing may be queued without CAMP_REDIS_URL")
    monkeypatch.setattr(queue, "enqueue_job", refuse)
    monkeypatch.setattr(queue, "enqueue_mail", refuse)
    job_id = _badge_job(1)
    badge_jobs.launch(job_id)  # inline under TESTING
    assert _status(job_id) == BadgeJobStatus.done
    with app.test_request_context():
        send_email("a@example.org", "Hej", "auth_reset", locale="da",
                   user=make_user(), link="http://localhost/x")
    assert len(outbox) == 1


def test_with_redis_mail_is_rendered_in_the_request_and_sent_by_the_worker(
        app, caught, outbox):
    user = make_user(name="Karen Kvist")
    with app.test_request_context():
        message = send_email("karen@example.org", "Nulstil", "auth_reset", locale="en",
                             attachments=[("ticket.pdf", b"%PDF-1.4 \x00\xff", "application/pdf"),
                                          ("note.txt", "tekst æøå", "text/plain")],
                             user=user, link="http://localhost/reset/abc")
    assert outbox == []  # queued, not sent
    [payload] = caught["mail"]
    assert payload["to"] == ["karen@example.org"] and payload["subject"] == "Nulstil"
    assert "http://localhost/reset/abc" in payload["body"]
    assert payload["body"] == message.body
    assert payload["from_email"] == app.config["MAIL_DEFAULT_SENDER"]

    queue.set_worker_app(app)
    queue.deliver(payload)
    [sent] = outbox
    assert sent.to == ["karen@example.org"] and sent.subject == "Nulstil"
    assert sent.body == message.body
    assert sent.attachments == [("ticket.pdf", b"%PDF-1.4 \x00\xff", "application/pdf"),
                                ("note.txt", "tekst æøå", "text/plain")]


def test_mail_is_sent_directly_when_redis_cannot_be_reached(app, outbox):
    """The request's work is committed before its e-mail: Redis being away must neither
    lose the message nor turn the answer into a 500."""
    app.config["REDIS_URL"] = "redis://127.0.0.1:9/0"  # the discard port: refused
    with app.test_request_context():
        send_email("a@example.org", "Hej", "auth_reset", locale="da",
                   user=make_user(), link="http://localhost/x")
    [sent] = outbox
    assert sent.to == ["a@example.org"]


def test_only_the_apps_own_functions_run():
    with pytest.raises(ValueError):
        queue.resolve("os:system")
    with pytest.raises(ValueError):
        queue.resolve("campaign.x:y")
    assert queue.resolve("camp.badges.jobs:run_badge_job") is badge_jobs.run_badge_job
    from camp.gallery import booklet
    assert queue.resolve(queue.function_path(booklet.run_booklet_job)) \
        is booklet.run_booklet_job


def test_rate_limits_go_to_redis_unless_sent_elsewhere(tmp_path, monkeypatch):
    monkeypatch.delenv("CAMP_RATELIMIT_STORAGE_URI", raising=False)
    monkeypatch.delenv("CAMP_REDIS_URL", raising=False)
    base = {"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}
    assert create_app(base).config["RATELIMIT_STORAGE_URI"] == "memory://"
    url = "redis://redis.internal:6379/2"
    assert create_app({**base, "REDIS_URL": url}).config["RATELIMIT_STORAGE_URI"] == url
    own = "memory://"  # given explicitly: kept
    assert create_app({**base, "REDIS_URL": url, "RATELIMIT_STORAGE_URI": own}) \
        .config["RATELIMIT_STORAGE_URI"] == own
    monkeypatch.setenv("CAMP_REDIS_URL", url)
    assert create_app(base).config["RATELIMIT_STORAGE_URI"] == url


def test_the_worker_command_needs_redis(runner):
    result = runner.invoke(args=["camp", "worker", "--burst"])
    assert result.exit_code != 0 and "CAMP_REDIS_URL" in result.output


# -- with a real Redis ----------------------------------------------------------------------

needs_redis = pytest.mark.skipif(not REDIS_URL, reason="needs CAMP_TEST_REDIS_URL")


@pytest.fixture
def redis_app(app):
    """The app on the test Redis, on queues of this test's own."""
    app.config.update(REDIS_URL=REDIS_URL, REDIS_QUEUE_PREFIX="t-" + uuid.uuid4().hex[:10],
                      MAIL_BACKEND="file",
                      MAIL_FILE_PATH=os.path.join(app.instance_path, "outbox"))
    mail.init_app(app)  # the worker sends with these settings
    yield app
    conn = queue.connection(app)
    for name in queue.queue_names(app):
        q = queue.get_queue("mail" if name.endswith("-mail") else "jobs", app)
        q.empty()
        for registry in (q.failed_job_registry, q.scheduled_job_registry,
                         q.finished_job_registry):
            for job_id in registry.get_job_ids():
                registry.remove(job_id, delete_job=True)
        conn.delete(q.key)
        conn.srem("rq:queues", q.key)
    queue.set_worker_app(None)


def _sent_to(app) -> list[str]:
    folder = app.config["MAIL_FILE_PATH"]
    if not os.path.isdir(folder):
        return []
    lines = []
    for name in os.listdir(folder):
        with open(os.path.join(folder, name), encoding="utf-8") as fh:
            lines += [line[4:].strip() for line in fh if line.startswith("To: ")]
    return sorted(lines)


@needs_redis
def test_a_real_worker_runs_queued_jobs_and_mail(redis_app):
    job_id = _badge_job(2)
    badge_jobs.launch(job_id)  # the default runner, now that REDIS_URL is set
    assert _status(job_id) == BadgeJobStatus.queued
    with redis_app.test_request_context():
        send_email("one@example.org", "Hej", "auth_reset", locale="da", user=make_user(),
                   link="http://localhost/x")
    assert _sent_to(redis_app) == []
    assert queue.get_queue("jobs").count == 1 and queue.get_queue("mail").count == 1

    db.session.commit()
    assert queue.work(redis_app, burst=True, with_scheduler=False)
    assert _status(job_id) == BadgeJobStatus.done
    assert _sent_to(redis_app) == ["one@example.org"]
    assert queue.get_queue("jobs").count == queue.get_queue("mail").count == 0


@needs_redis
def test_a_refused_delivery_waits_for_a_retry(redis_app):
    redis_app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=9,
                            MAIL_TIMEOUT=2)
    mail.init_app(redis_app)
    with redis_app.test_request_context():
        send_email("two@example.org", "Hej", "auth_reset", locale="da", user=make_user(),
                   link="http://localhost/x")
    mails = queue.get_queue("mail")
    [rq_job] = mails.get_jobs()
    db.session.commit()
    queue.work(redis_app, burst=True, with_scheduler=False)
    rq_job.refresh()
    # Refused (nothing listens on port 9): scheduled again, not failed for good.
    assert rq_job.retries_left == len(queue.RETRY_INTERVALS) - 1
    assert rq_job.id in mails.scheduled_job_registry.get_job_ids()
    assert rq_job.id not in mails.failed_job_registry.get_job_ids()
