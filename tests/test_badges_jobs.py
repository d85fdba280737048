"""Whole-camp badge runs outside the request: start, progress, download, failure."""
import os
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from camp.badges import jobs
from camp.badges.models import BadgeJob, BadgeJobStatus
from camp.camps.models import Role
from camp.db import utcnow
from camp.extensions import db
from tests.factories import add_role, make_camp, make_registration, make_user


def _camp_with_people(n=3, **camp_kw):
    organiser = make_user(name="Olga Organisator", locale="en")  # messages asserted in English
    camp = make_camp(organiser=organiser, **camp_kw)
    for i in range(n):
        make_registration(camp, make_user(name=f"Deltager {i}"))
    return organiser, camp


def _jobs(camp):
    db.session.commit()  # end this session's snapshot: read what the run stored
    return db.session.execute(select(BadgeJob).where(BadgeJob.camp_id == camp.id)
                              .order_by(BadgeJob.id)).scalars().all()


def test_a_run_is_made_and_downloaded_by_the_camps_organisers_only(app, client, login):
    organiser, camp = _camp_with_people(3)
    login(organiser)
    res = client.post(f"/camps/{camp.slug}/manage/badges/runs", data={"layout": "a4-4"})
    assert res.status_code == 303
    [job] = _jobs(camp)
    assert job.status == BadgeJobStatus.done and job.done == job.total == 3
    assert job.created_by_id == organiser.id and job.layout == "a4-4"
    assert job.started_at and job.finished_at
    assert os.path.exists(os.path.join(app.instance_path, "badges", job.file_name))

    page = client.get(f"/camps/{camp.slug}/manage/badges").get_data(as_text=True)
    assert "Download PDF" in page or "Hent PDF" in page
    assert f"download?run={job.id}" in page
    assert 'hx-trigger="every 2s"' not in page  # nothing left to watch

    res = client.get(f"/camps/{camp.slug}/manage/badges/download", query_string={"run": job.id})
    assert res.status_code == 200 and res.mimetype == "application/pdf"
    assert res.headers["Content-Disposition"].startswith("attachment")
    assert f"{camp.slug}-badges-a4-4.pdf" in res.headers["Content-Disposition"]
    assert res.get_data().startswith(b"%PDF")
    res.close()

    # Another camp's run is not found through this camp, and that camp's organiser
    # cannot fetch this one.
    other_organiser, other = _camp_with_people(1)
    login(other_organiser)
    client.post(f"/camps/{other.slug}/manage/badges/runs", data={"layout": "a4-6"})
    [other_job] = _jobs(other)
    assert client.get(f"/camps/{other.slug}/manage/badges/download",
                      query_string={"run": job.id}).status_code == 404
    assert client.get(f"/camps/{camp.slug}/manage/badges/download",
                      query_string={"run": job.id}).status_code == 403
    login(organiser)
    assert client.get(f"/camps/{camp.slug}/manage/badges/download",
                      query_string={"run": other_job.id}).status_code == 404
    assert client.get(f"/camps/{camp.slug}/manage/badges/download",
                      query_string={"run": "x"}).status_code == 404
    staff = make_user()
    add_role(staff, camp, Role.staff)
    login(staff)
    assert client.get(f"/camps/{camp.slug}/manage/badges/download",
                      query_string={"run": job.id}).status_code == 403


def test_progress_is_shown_while_a_run_is_under_way(app, client, login, monkeypatch):
    organiser, camp = _camp_with_people(5)
    started = []
    app.config["BADGE_JOB_RUNNER"] = lambda _app, job_id: started.append(job_id)
    login(organiser)
    client.post(f"/camps/{camp.slug}/manage/badges/runs", data={"layout": "a4-8"})
    [job] = _jobs(camp)
    assert started == [job.id] and job.status == BadgeJobStatus.queued and job.total == 5

    page = client.get(f"/camps/{camp.slug}/manage/badges").get_data(as_text=True)
    assert 'hx-trigger="every 2s"' in page
    assert "Waiting to start" in page or "Venter" in page

    # The run reports progress on the row as chunks finish; the page (and its htmx
    # fragment) shows it.
    seen = []

    def fake_render(camp_, regs, layout, progress=None, **kw):
        progress(2)
        with db.engine.connect() as conn:  # what another request would read now
            seen.append(conn.execute(text("SELECT status, done FROM badge_jobs")).one())
        res = client.get(f"/camps/{camp.slug}/manage/badges", headers={"HX-Request": "true"})
        seen.append(res.get_data(as_text=True))
        return b"%PDF-1.7 test"

    monkeypatch.setattr(jobs, "render_badges_pdf", fake_render)
    with app.app_context():
        jobs.run_badge_job(job.id)
    assert tuple(seen[0]) == ("running", 2)
    fragment = seen[1]
    assert fragment.lstrip().startswith('<div id="runs"') and "<html" not in fragment
    assert '<progress' in fragment and 'value="2"' in fragment and 'max="5"' in fragment
    assert 'hx-trigger="every 2s"' in fragment
    [job] = _jobs(camp)
    assert job.status == BadgeJobStatus.done and job.done == 5
    # Running it again (a queue retrying) does nothing.
    with app.app_context():
        jobs.run_badge_job(job.id)
    assert _jobs(camp)[0].finished_at == job.finished_at


def test_a_failed_run_shows_its_error_and_leaves_no_file(app, client, login, monkeypatch):
    organiser, camp = _camp_with_people(2)

    def broken(*args, **kwargs):
        raise RuntimeError("the font went missing")

    monkeypatch.setattr(jobs, "render_badges_pdf", broken)
    login(organiser)
    assert client.post(f"/camps/{camp.slug}/manage/badges/runs",
                       data={"layout": "a4-6"}).status_code == 303
    [job] = _jobs(camp)
    assert job.status == BadgeJobStatus.failed and job.file_name is None
    assert "the font went missing" in job.error and job.finished_at
    page = client.get(f"/camps/{camp.slug}/manage/badges").get_data(as_text=True)
    assert "the font went missing" in page
    assert not os.listdir(os.path.join(app.instance_path, "badges"))
    assert client.get(f"/camps/{camp.slug}/manage/badges/download",
                      query_string={"run": job.id}).status_code == 404
    # A failed run does not block the next one.
    monkeypatch.undo()
    client.post(f"/camps/{camp.slug}/manage/badges/runs", data={"layout": "a4-6"})
    assert [j.status for j in _jobs(camp)] == [BadgeJobStatus.failed, BadgeJobStatus.done]


def test_one_run_at_a_time_and_stale_runs_give_way(app, client, login):
    organiser, camp = _camp_with_people(1)
    app.config["BADGE_JOB_RUNNER"] = lambda _app, _job_id: None  # stays queued
    login(organiser)
    client.post(f"/camps/{camp.slug}/manage/badges/runs", data={"layout": "a4-6"})
    res = client.post(f"/camps/{camp.slug}/manage/badges/runs", data={"layout": "a4-4"})
    assert res.status_code == 200
    assert "already under way" in res.get_data(as_text=True) or \
        "allerede i gang" in res.get_data(as_text=True)
    assert len(_jobs(camp)) == 1
    # A run whose process died stops blocking after a while.
    db.session.execute(db.update(BadgeJob).values(updated_at=utcnow() - timedelta(hours=1)))
    db.session.commit()
    assert client.post(f"/camps/{camp.slug}/manage/badges/runs",
                       data={"layout": "a4-4"}).status_code == 303
    first, second = _jobs(camp)
    assert first.status == BadgeJobStatus.failed and "interrupted" in first.error
    assert second.status == BadgeJobStatus.queued


def test_bad_layout_and_empty_camp_are_refused(app, client, login):
    organiser, camp = _camp_with_people(0)
    login(organiser)
    res = client.post(f"/camps/{camp.slug}/manage/badges/runs", data={"layout": "a4-6"})
    assert res.status_code == 200 and _jobs(camp) == []
    assert "no badges to print" in res.get_data(as_text=True) or \
        "ingen badges" in res.get_data(as_text=True)
    make_registration(camp)
    res = client.post(f"/camps/{camp.slug}/manage/badges/runs", data={"layout": "a3-99"})
    assert res.status_code == 200 and _jobs(camp) == []
    assert 'id="layout-error"' in res.get_data(as_text=True)


def test_the_thread_runner_runs_in_its_own_app_context(app, client, login):
    organiser, camp = _camp_with_people(2)
    app.config["BADGE_JOB_RUNNER"] = "thread"
    login(organiser)
    try:
        client.post(f"/camps/{camp.slug}/manage/badges/runs", data={"layout": "label-90x54"})
    finally:
        jobs.wait_for_jobs(timeout=120)
    [job] = _jobs(camp)
    assert job.status == BadgeJobStatus.done and job.done == 2
    with open(jobs.job_path(job), "rb") as fh:
        assert fh.read(4) == b"%PDF"


def test_only_the_newest_runs_keep_their_file(app, client, login):
    organiser, camp = _camp_with_people(1)
    login(organiser)
    for _ in range(jobs.KEEP_FILES + 1):
        client.post(f"/camps/{camp.slug}/manage/badges/runs", data={"layout": "a4-6"})
    runs = _jobs(camp)
    assert runs[0].file_name is None and all(r.file_name for r in runs[1:])
    assert len(os.listdir(os.path.join(app.instance_path, "badges"))) == jobs.KEEP_FILES
    page = client.get(f"/camps/{camp.slug}/manage/badges").get_data(as_text=True)
    assert page.count("download?run=") == jobs.KEEP_FILES


def test_big_camps_are_sent_to_a_run_instead_of_rendering_in_the_request(
        app, client, login, monkeypatch):
    from camp.badges import views
    organiser, camp = _camp_with_people(3)
    monkeypatch.setattr(views, "DIRECT_MAX", 2)
    login(organiser)
    res = client.get(f"/camps/{camp.slug}/manage/badges.pdf", query_string={"layout": "a4-4"})
    assert res.status_code == 303 and res.headers["Location"].endswith("/manage/badges#runs")
    page = client.get(f"/camps/{camp.slug}/manage/badges").get_data(as_text=True)
    assert "manage/badges.pdf" not in page  # no direct links for a big camp


@pytest.fixture(autouse=True)
def _no_threads_left():
    yield
    jobs.wait_for_jobs(timeout=120)
