"""The page benchmark's code, on a tiny camp through the test client, so it cannot rot.

The real run (./scripts/bench pages) uses gunicorn and 5,000 registrations; this one checks
that the data builder works on the current models, that every organiser page it finds in
the url_map answers 200 for the organiser (twice: the probe and one timed request), and
that the table rows come out.
"""
from sqlalchemy import func, select

from camp.checkin.models import CheckinEvent
from camp.extensions import db
from camp.registrations.models import Registration, RegistrationStatus
from camp.teams.models import Team
from tests.bench import bench_pages
from tests.bench.pages_data import populate
from tests.bench.table import format_table
from tests.conftest import sign_in


def test_page_bench_on_a_tiny_camp(app, client):
    facts = populate(30)
    count = db.session.scalar(select(func.count()).select_from(Registration))
    assert count == facts["registrations"] == 30
    statuses = set(db.session.scalars(select(Registration.status)))
    assert {RegistrationStatus.confirmed, RegistrationStatus.waitlisted} <= statuses
    assert db.session.scalar(select(func.count()).select_from(CheckinEvent)) > 10
    assert db.session.scalar(select(func.count()).select_from(Team)) >= 1

    pages = bench_pages.page_list(app, facts["slug"], facts["search"])
    labels = [label for label, _ in pages]
    for expected in ("registrations.manage_list", "registrations.export_csv",
                     "registrations.actor_mix", "checkin.dashboard", "badges.page",
                     "teams.manage", "trial_reports.follow_up", "checkin.scanner ?q="):
        assert expected in labels
    assert not [path for _, path in pages if path.endswith(".pdf")]

    sign_in(client, facts["organiser_key"])

    errors = {}

    def fetch(path):
        try:
            response = client.get(path)
        except Exception as exc:  # TESTING propagates errors: name every failing page at once
            db.session.rollback()
            errors[path] = repr(exc)
            return 500, b""
        return response.status_code, response.data

    results = bench_pages.time_pages(fetch, pages, requests=1, warmup=0)
    assert {label: r["statuses"] for label, r in results.items()
            if r["statuses"] != [200]} == {}, errors
    rows = bench_pages.rows({"pages": results,
                             "workers": {1: {"VmRSS": 90.0, "VmHWM": 250.0}}})
    assert len(rows) == len(pages) + 2
    assert [row.passed for row in rows[-2:]] == [True, False]
    assert "targets met" in format_table(rows)


def test_percentile_is_nearest_rank():
    values = list(range(1, 41))
    assert bench_pages.percentile(values, 95) == 38
    assert bench_pages.percentile(values, 50) == 20
    assert bench_pages.percentile([5.0], 95) == 5.0
