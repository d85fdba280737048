"""The scanner without network: judged locally, queued, synced, conflicts shown."""
import json
import os
import subprocess
import sys

from tests.e2e.conftest import ROOT, log_in

SETUP = """
import json
from datetime import timedelta
from sqlalchemy import select
from camp import create_app
from camp.auth.models import User
from camp.camps.models import Camp, CampStatus, Membership, Role
from camp.db import utcnow
from camp.extensions import db
from camp.registrations.models import Registration, RegistrationStatus
app = create_app()
with app.app_context():
    camp = db.session.execute(select(Camp).where(Camp.slug == "doer-aaben")).scalar_one_or_none()
    if camp is None:
        start = utcnow() - timedelta(hours=1)
        camp = Camp(slug="doer-aaben", title="Åben dør", starts_at=start, capacity=50,
                    ends_at=start + timedelta(days=1), status=CampStatus.published)
        db.session.add(camp)
        staff = db.session.execute(select(User).where(User.email == "frivillig@samskab.dk")
                                   ).scalar_one()
        db.session.add(Membership(camp=camp, user=staff, role=Role.staff))
        db.session.add_all([Registration(camp=camp, name=f"Gæst {i}", email=f"g{i}@x.dk",
                                         status=RegistrationStatus.confirmed)
                            for i in range(3)])
        db.session.commit()
    regs = db.session.execute(select(Registration).where(Registration.camp_id == camp.id)
                              .order_by(Registration.id)).scalars().all()
    print(json.dumps([r.ticket_secret for r in regs]))
"""


def _tickets(live_server):
    env = dict(os.environ, FLASK_APP="wsgi.py", CAMP_SECRET_KEY="e2e-" + "x" * 40,
               CAMP_DATABASE_URL=os.environ["E2E_DATABASE_URL"])
    out = subprocess.run([sys.executable, "-c", SETUP], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def _scan(page, ticket, tone):
    """Scan and wait for this scan's answer (not the previous one still on screen)."""
    page.evaluate("() => { const p = document.getElementById('js-result');"
                  " p.hidden = true; p.className = ''; p.textContent = ''; }")
    page.fill("#ticket", ticket)
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#js-result.scan-{tone}:not([hidden])")
    return page.inner_text("#js-result")


def test_scans_offline_then_sync(browser, live_server):
    tickets = _tickets(live_server)
    # Playwright's offline switch does not reach requests that pass a service worker, so
    # the worker is kept out here; this test is about the page's own offline logic.
    context = browser.new_context(locale="da-DK", service_workers="block")
    page = context.new_page()
    log_in(page, live_server, "frivillig@samskab.dk")
    page.goto(f"{live_server}/camps/doer-aaben/checkin")
    page.wait_for_selector("[data-scanner][data-ready]")
    assert page.get_attribute("[data-scanner]", "data-synced") == "1"  # attendee list cached
    # Online: the API answers.
    assert "Gæst 0" in _scan(page, tickets[0], "ok")

    context.set_offline(True)
    assert "Gæst 1" in _scan(page, f"http://127.0.0.1/t/{tickets[1]}", "ok")
    _scan(page, "Z" * 22, "bad")
    _scan(page, tickets[0], "warn")  # admitted online a moment ago
    assert page.evaluate("window.samskabScanner.pending()") == 3  # every offline scan queued
    assert "3" in page.inner_text("#offline-status")

    context.set_offline(False)
    page.evaluate("window.samskabScanner.flush()")
    assert page.evaluate("window.samskabScanner.pending()") == 0
    context.close()
    import sqlite3
    dbfile = os.environ["E2E_DATABASE_URL"].replace("sqlite:///", "")
    events = sqlite3.connect(dbfile).execute(
        "select result, admitted from checkin_events e join camps c on c.id = e.camp_id "
        "where c.slug = 'doer-aaben' order by e.id").fetchall()
    assert sorted(events) == sorted([("ok", 1), ("ok", 1), ("unknown_ticket", 0),
                                     ("already_checked_in", 0)])

    # The server has every scan once, and Gæst 1 is inside.
    page2 = browser.new_page()
    log_in(page2, live_server, "frivillig@samskab.dk")
    page2.goto(f"{live_server}/camps/doer-aaben/checkin?q=G%C3%A6st%201")
    assert "inde" in page2.inner_text("main .people")
    page2.close()
