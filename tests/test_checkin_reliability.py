"""Four scanners, 500 scans each, a quarter repeats, then every scan replayed (offline sync).

Exactly one admission per ticket, every scan in the log once, no 5xx, no 'database is
locked' — on SQLite and PostgreSQL.
"""
import random
import threading
import uuid
from datetime import timedelta

from sqlalchemy import func, select

from camp.checkin import devices
from camp.checkin.models import CheckinEvent
from camp.db import utcnow
from camp.extensions import db
from tests.factories import make_camp, make_registration, make_user

SCANNERS, SCANS = 4, 500


def test_four_scanners_with_repeats_and_replays(app):
    organiser = make_user()
    camp = make_camp(organiser=organiser, starts_at=utcnow() - timedelta(minutes=5),
                     capacity=1000)
    camp.ends_at = camp.starts_at + timedelta(hours=24)
    db.session.commit()
    tickets = [make_registration(camp).ticket_secret for _ in range(400)]
    tokens = [devices.create_device(organiser, camp, f"Dør {i}", 12)[1]
              for i in range(SCANNERS)]
    db.session.commit()
    url = f"/api/v1/camps/{camp.slug}/scans"
    rng = random.Random(7)
    # Each scanner's own queue: 375 fresh tickets and 125 repeats (25 %).
    plans = []
    for i in range(SCANNERS):
        fresh = rng.sample(tickets, 375)
        plans.append([{"ticket": t, "direction": "in", "nonce": uuid.uuid4().hex}
                      for t in fresh + rng.choices(fresh, k=125)])
    problems, answers = [], {}
    barrier = threading.Barrier(SCANNERS)

    def scanner(i):
        client = app.test_client()
        headers = {"Authorization": f"Bearer {tokens[i]}"}
        barrier.wait()
        for body in plans[i] + plans[i]:  # the second pass is the offline replay
            res = client.post(url, json=body, headers=headers)
            if res.status_code != 200:
                problems.append((res.status_code, res.get_data(as_text=True)[:200]))
                continue
            data = res.get_json()
            first = answers.setdefault(body["nonce"], data["event_id"])
            if first != data["event_id"]:
                problems.append(("replay answered differently", body["nonce"]))

    threads = [threading.Thread(target=scanner, args=(i,)) for i in range(SCANNERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not problems, problems[:5]
    db.session.rollback()
    events = db.session.execute(select(func.count()).select_from(CheckinEvent)).scalar_one()
    assert events == SCANNERS * SCANS  # every scan once, replays recorded nothing new
    per_ticket = db.session.execute(
        select(CheckinEvent.registration_id, func.count()).where(CheckinEvent.admitted)
        .group_by(CheckinEvent.registration_id)).all()
    assert all(n == 1 for _, n in per_ticket)
    scanned = {t for plan in plans for t in (b["ticket"] for b in plan)}
    assert len(per_ticket) == len(scanned)
