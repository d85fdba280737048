"""Scale-out (issue 9): two app processes (gunicorn, two workers each) on different ports
over one PostgreSQL and one Redis, and one `flask camp worker`.

Concurrent scans and more registrations than seats go to both processes; then badge runs
are started from both. Nothing may be admitted twice, no seat given beyond the capacity,
no request answered 5xx, no job or e-mail lost, and a rate limit counts across processes.

Needs CAMP_TEST_POSTGRES_URL and CAMP_TEST_REDIS_URL (./scripts/test starts both for the
PostgreSQL pass).
"""
from __future__ import annotations

import http.client
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from camp import create_app
from camp.badges.models import BadgeJob, BadgeJobStatus
from camp.checkin.models import CheckinEvent, Direction, ScanResult
from camp.db import utcnow
from camp.extensions import db
from camp.registrations.models import Registration, RegistrationStatus, new_ticket_secret
from tests.factories import make_camp, make_user

POSTGRES_URL = os.environ.get("CAMP_TEST_POSTGRES_URL")
REDIS_URL = os.environ.get("CAMP_TEST_REDIS_URL")
pytestmark = [
    pytest.mark.postgres, pytest.mark.slow,
    pytest.mark.skipif(not (POSTGRES_URL and REDIS_URL),
                       reason="needs CAMP_TEST_POSTGRES_URL and CAMP_TEST_REDIS_URL")]

ROOT = Path(__file__).resolve().parents[1]
SECRET = "scale-out-" + "s" * 40
CAPACITY, REGISTRANTS, TICKETS, SCANS_PER_TICKET = 30, 60, 30, 4
PAIR_LIMIT = 20  # camp.checkin.device_views.pair: "20 per minute"


# -- processes ------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Processes:
    """Every process the test starts, stopped by pid at the end."""

    def __init__(self, env: dict, logs: Path):
        self.env, self.logs, self.procs = env, logs, []

    def start(self, name: str, args: list[str]) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "wb")
        proc = subprocess.Popen([sys.executable, "-m", *args], cwd=ROOT, env=self.env,
                                stdout=log, stderr=subprocess.STDOUT)
        log.close()
        self.procs.append((name, proc))
        return proc

    def serve(self, name: str, port: int) -> subprocess.Popen:
        return self.start(name, ["gunicorn", "-w", "2", "--threads", "4", "-b",
                                 f"127.0.0.1:{port}", "--graceful-timeout", "2",
                                 "--preload", "wsgi:app"])

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        for name, proc in self.procs:
            if proc.poll() is None:
                # gunicorn: INT, its quick shutdown (a worker still exiting after the
                # 2 s graceful timeout is killed); the RQ worker: TERM, a warm shutdown.
                proc.send_signal(signal.SIGTERM if name == "worker" else signal.SIGINT)
        for _name, proc in self.procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)


def _wait_for_port(port: int, procs: Processes, name: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if _http(port, "GET", "/healthz")[0] < 500:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{name} did not start:\n{procs.log(name)}")


def _http(port: int, method: str, path: str, body: bytes | None = None,
          headers: dict | None = None) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body, headers or {})
        res = conn.getresponse()
        return res.status, dict(res.getheaders()), res.read()
    finally:
        conn.close()


# -- signed-in visitors without logging in (the login form is rate limited per address) ----

def _visitor(app, user) -> tuple[str, str]:
    """(Cookie header, CSRF token) of a session signed in as `user`, signed with the
    servers' key exactly as Flask-Login and Flask-WTF would make it."""
    from flask import session
    from flask_login import login_user
    from flask_wtf.csrf import generate_csrf
    # A fresh app context: Flask-WTF keeps the signed token in g for the context's life.
    with app.app_context(), app.test_request_context():
        login_user(user)
        token = generate_csrf()
        cookie = app.session_interface.get_signing_serializer(app).dumps(dict(session))
    return f"{app.config['SESSION_COOKIE_NAME']}={cookie}", token


def _post_form(port: int, path: str, visitor: tuple[str, str], fields: dict):
    cookie, token = visitor
    body = urlencode({**fields, "csrf_token": token}).encode()
    return _http(port, "POST", path, body, {
        "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})


# -- the test -------------------------------------------------------------------------------

def _seed(app) -> dict:
    from camp.auth.models import User
    from camp.checkin.devices import create_device
    from tests.factories import _default_hash
    organiser = make_user(name="Olga Organisator", locale="en")
    door = make_camp(organiser=organiser, slug="door", capacity=TICKETS + 10,
                     starts_at=utcnow() - timedelta(minutes=10))
    door.ends_at = door.starts_at + timedelta(hours=24)
    people = [User(email=f"p{i}@scale.example", name=f"Deltager {i}", locale="en",
                   email_confirmed_at=utcnow(), session_token=uuid.uuid4().hex,
                   password_hash=_default_hash()) for i in range(REGISTRANTS)]
    tickets = [new_ticket_secret() for _ in range(TICKETS)]
    held = [Registration(camp=door, name=f"Gæst {i}", email=f"g{i}@scale.example",
                         status=RegistrationStatus.confirmed, confirmed_at=utcnow(),
                         ticket_secret=ticket) for i, ticket in enumerate(tickets)]
    db.session.add_all(people + held)
    make_camp(organiser=organiser, slug="seats", capacity=CAPACITY)  # commits
    _device, token = create_device(organiser, door, "Dør 1", 12)
    db.session.commit()
    # One query refreshes every expired account (the sessions need their login ids).
    people = db.session.execute(select(User).where(User.email.like("%@scale.example"))
                                .order_by(User.id)).scalars().all()
    return {"tickets": tickets, "token": token,
            "organiser": _visitor(app, organiser),
            "people": [(p.email, _visitor(app, p)) for p in people]}


def _count(stmt) -> int:
    db.session.commit()
    return db.session.execute(stmt).scalar_one()


def _wait_until(check, timeout: float, what: str, procs: Processes):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen in {timeout} s; worker log:\n"
                                 + procs.log("worker"))
        time.sleep(0.25)


def _mail_recipients(folder: Path) -> list[str]:
    found = []
    for path in folder.glob("*") if folder.is_dir() else ():
        found += re.findall(r"^To: (.+)$", path.read_text(errors="replace"), re.MULTILINE)
    return sorted(found)


def _clear_redis(prefix: str) -> None:
    from redis import Redis
    conn = Redis.from_url(REDIS_URL)
    keys = list(conn.scan_iter(f"*{prefix}*"))
    if keys:
        conn.delete(*keys)
    for name in ("mail", "jobs"):
        conn.srem("rq:queues", f"rq:queue:{prefix}-{name}")
    conn.close()


def test_two_app_processes_over_one_database_and_one_redis(empty_database_url, tmp_path):
    started = time.monotonic()
    url = empty_database_url
    prefix = "scale-" + uuid.uuid4().hex[:10]
    instance = tmp_path / "instance"
    instance.mkdir()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("CAMP_") and k not in ("FLASK_DEBUG", "GUNICORN_CMD_ARGS")}
    env.update(FLASK_APP="wsgi.py", CAMP_SECRET_KEY=SECRET, CAMP_DATABASE_URL=url,
               CAMP_REDIS_URL=REDIS_URL, CAMP_INSTANCE_PATH=str(instance),
               CAMP_MAIL_BACKEND="file", CAMP_BASE_URL="http://127.0.0.1",
               CAMP_COOKIE_SECURE="false", CAMP_DEFAULT_LOCALE="en",
               CAMP_CONFIG_JSON=json.dumps({"REDIS_QUEUE_PREFIX": prefix,
                                            "RATELIMIT_KEY_PREFIX": prefix}))
    procs = Processes(env, tmp_path)
    ports = {"a": _free_port(), "b": _free_port()}
    try:
        # The servers and the worker start while the database is migrated and seeded
        # (they touch it only when asked something).
        for name, port in ports.items():
            procs.serve(name, port)
        procs.start("worker", ["flask", "camp", "worker"])
        subprocess.run([sys.executable, "-m", "flask", "db", "upgrade"], cwd=ROOT, env=env,
                       check=True, capture_output=True)
        phases = {"migrated": time.monotonic() - started}

        # Seeded here while the servers start: services and factories on the same database.
        app = create_app({"TESTING": True, "SECRET_KEY": SECRET, "DATABASE_URL": url,
                          "RATELIMIT_ENABLED": False, "MAIL_BACKEND": "locmem"})
        with app.app_context():
            try:
                data = _seed(app)
                phases["seeded"] = time.monotonic() - started
                for name, port in ports.items():
                    _wait_for_port(port, procs, name)
                phases["serving"] = time.monotonic() - started
                _scenario(app, data, ports, procs, instance, phases, started)
            finally:
                db.session.remove()
                db.engine.dispose()
    finally:
        procs.stop()
        _clear_redis(prefix)
    phases["stopped"] = time.monotonic() - started
    print("scale-out test, seconds since start:",
          ", ".join(f"{k} {v:.1f}" for k, v in phases.items()))


def _scenario(app, data, ports, procs, instance, phases, started):
    port_list = [ports["a"], ports["b"]]
    statuses: list[tuple[str, int]] = []
    scans: list[tuple[str, dict]] = []
    lock = threading.Lock()

    def scan(i_ticket):
        i, ticket = i_ticket
        status, _h, body = _http(port_list[i % 2], "POST", "/api/v1/camps/door/scans",
                                 json.dumps({"ticket": ticket, "direction": "in",
                                             "nonce": uuid.uuid4().hex}).encode(),
                                 {"Content-Type": "application/json",
                                  "Authorization": f"Bearer {data['token']}"})
        with lock:
            statuses.append(("scan", status))
            if status == 200:
                scans.append((ticket, json.loads(body)))

    def register(i_person):
        i, (email, visitor) = i_person
        status, headers, _b = _post_form(
            port_list[i % 2], "/camps/seats/register", visitor,
            {"name": f"Deltager {i}", "actor_type": "citizen", "organisation": "",
             "diet": "", "accessibility": "", "consent": "y"})
        with lock:
            statuses.append(("register", status))

    work = [(scan, (i, t)) for i, t in enumerate(data["tickets"] * SCANS_PER_TICKET)]
    work += [(register, (i, p)) for i, p in enumerate(data["people"])]
    random.Random(9).shuffle(work)
    with ThreadPoolExecutor(max_workers=12) as pool:
        for future in [pool.submit(fn, arg) for fn, arg in work]:
            future.result()

    # Every request answered, none with a server error; registrations redirect (303).
    assert len(statuses) == len(work)
    assert not [s for s in statuses if s[1] >= 500], Counter(statuses)
    assert Counter(s for kind, s in statuses if kind == "register") == {303: REGISTRANTS}
    assert len(scans) == TICKETS * SCANS_PER_TICKET
    phases["requests"] = time.monotonic() - started

    # Each ticket admitted exactly once, by one answer and one event.
    admitted = Counter(ticket for ticket, answer in scans if answer["admitted"])
    assert admitted == Counter({t: 1 for t in data["tickets"]})
    assert Counter(answer["result"] for _t, answer in scans) == {
        "ok": TICKETS, "already_checked_in": TICKETS * (SCANS_PER_TICKET - 1)}
    assert _count(select(func.count()).select_from(CheckinEvent).where(
        CheckinEvent.result == ScanResult.ok, CheckinEvent.direction == Direction.entry)) \
        == TICKETS
    assert _count(select(func.count(func.distinct(CheckinEvent.registration_id))).where(
        CheckinEvent.result == ScanResult.ok)) == TICKETS

    # No seat over the capacity; everyone else on the waiting list.
    from camp.camps.models import Camp
    seats_id = db.session.execute(select(Camp.id).where(Camp.slug == "seats")).scalar_one()

    def with_status(status):
        return _count(select(func.count()).select_from(Registration).where(
            Registration.camp_id == seats_id, Registration.status == status))
    assert with_status(RegistrationStatus.confirmed) == CAPACITY
    assert with_status(RegistrationStatus.waitlisted) == REGISTRANTS - CAPACITY

    # Badge runs started from both processes all finish on the worker; the file one host
    # wrote is served by the other (one instance folder).
    for port, slug in ((ports["a"], "door"), (ports["b"], "seats")):
        status, headers, _b = _post_form(port, f"/camps/{slug}/manage/badges/runs",
                                         data["organiser"], {"layout": "a4-6"})
        assert status == 303, status

    def all_done():
        db.session.commit()
        jobs = db.session.execute(select(BadgeJob)).scalars().all()
        if len(jobs) == 2 and all(j.status == BadgeJobStatus.done for j in jobs):
            return jobs
        assert not [j for j in jobs if j.status == BadgeJobStatus.failed], \
            [(j.id, j.error) for j in jobs]
        return None
    jobs = _wait_until(all_done, 40, "both badge runs", procs)
    phases["badges"] = time.monotonic() - started
    assert sorted(j.total for j in jobs) == [CAPACITY, TICKETS]
    door_job = next(j for j in jobs if j.camp_id != seats_id)
    status, headers, body = _http(ports["b"], "GET",
                                  f"/camps/door/manage/badges/download?run={door_job.id}",
                                  headers={"Cookie": data["organiser"][0]})
    assert status == 200 and body.startswith(b"%PDF")

    # Every registration's e-mail (ticket attached or waiting list) was delivered once.
    outbox = instance / "outbox"
    expected = sorted(email for email, _v in data["people"])
    _wait_until(lambda: len(_mail_recipients(outbox)) >= REGISTRANTS, 30,
                "the e-mail deliveries", procs)
    assert _mail_recipients(outbox) == expected
    phases["mail"] = time.monotonic() - started
    assert "Content-Type: image/png" in "".join(
        p.read_text(errors="replace") for p in outbox.glob("*"))

    # A rate limit counts requests to either process (one count in Redis).
    answers = [_http(ports["a"] if i < 15 else ports["b"], "GET", "/pair/not-a-token")[0]
               for i in range(PAIR_LIMIT + 1)]
    assert answers == [404] * PAIR_LIMIT + [429]
