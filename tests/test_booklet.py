"""The camp's booklet of prototypes: made outside the request, with progress, downloaded by
the camp's organisers only; one at a time; the CLI."""
import io
import os
import re
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select, text

from camp.camps.models import CampStatus, Role
from camp.db import utcnow
from camp.extensions import db
from camp.gallery import booklet
from camp.gallery.models import BookletJob, JobStatus
from camp.prototypes.models import PrototypeStatus
from tests.factories import add_role, make_camp, make_challenge, make_prototype, make_team, \
    make_user
from tests.test_prototype_pdf import pdf_text


def _camp(prototypes=3, **camp_kw):
    """A camp with `prototypes` submitted prototypes on two challenges, and a draft."""
    organiser = make_user(name="Olga Organisator", locale="en")  # messages asserted in English
    camp = make_camp(organiser=organiser, status=CampStatus.published,
                     title="Samskab Booklet Camp", **camp_kw)
    b = make_challenge(camp, make_user(), title="B: Green transport")
    a = make_challenge(camp, make_user(), title="A: Lonely elderly")
    titles = ["Zebra crossing", "Bike library", "Visiting friend"][:prototypes]
    for i, title in enumerate(titles):
        team = make_team(camp, a if i == 2 else b, lead=make_user(locale="en"),
                         name=f"Team {title}")
        make_prototype(team, title=title, pitch=f"The pitch of {title}.")
    draft_team = make_team(camp, a, lead=make_user(), name="Drafty")
    make_prototype(draft_team, title="Unfinished draft", status=PrototypeStatus.draft,
                   submitted_at=None)
    return organiser, camp


def _jobs(camp):
    db.session.commit()  # end this session's snapshot: read what the run stored
    return db.session.execute(select(BookletJob).where(BookletJob.camp_id == camp.id)
                              .order_by(BookletJob.id)).scalars().all()


def _fake_pdf(camp, prototypes, progress=None, **kw):
    if progress is not None:
        progress(len(prototypes))
    return b"%PDF-1.7 fake booklet"


def test_a_booklet_is_made_and_downloaded_by_the_camps_organisers_only(
        app, client, login, tmp_path):
    organiser, camp = _camp(3)
    login(organiser)
    page = client.get(f"/camps/{camp.slug}/manage/booklet").get_data(as_text=True)
    assert "3 prototypes are submitted." in page and "No booklet has been made yet." in page
    res = client.post(f"/camps/{camp.slug}/manage/booklet/runs")
    assert res.status_code == 303 and res.headers["Location"].endswith("/manage/booklet#runs")
    [job] = _jobs(camp)
    assert job.status == JobStatus.done and job.done == job.total == 3 and job.percent == 100
    assert job.created_by_id == organiser.id and job.locale == "en"
    assert job.started_at and job.finished_at and re.fullmatch(r"[0-9a-f]{32}\.pdf",
                                                                job.file_name)
    assert os.path.exists(os.path.join(app.instance_path, "booklets", job.file_name))

    page = client.get(f"/camps/{camp.slug}/manage/booklet").get_data(as_text=True)
    assert f"download?run={job.id}" in page and 'hx-trigger="every 2s"' not in page
    res = client.get(f"/camps/{camp.slug}/manage/booklet/download", query_string={"run": job.id})
    assert res.status_code == 200 and res.mimetype == "application/pdf"
    assert res.headers["Content-Disposition"].startswith("attachment")
    assert f"{camp.slug}-prototypes.pdf" in res.headers["Content-Disposition"]
    body = res.get_data()
    res.close()

    # A cover with the contents, then one page per submitted prototype, by challenge.
    reader = PdfReader(io.BytesIO(body))
    assert len(reader.pages) == 1 + 3
    cover = " ".join(reader.pages[0].extract_text().split())
    assert "Samskab Booklet Camp" in cover and "Contents" in cover
    assert "Unfinished draft" not in pdf_text(tmp_path, body)
    firsts = [" ".join(p.extract_text().split()) for p in reader.pages[1:]]
    assert "Visiting friend" in firsts[0] and "A: Lonely elderly" in firsts[0]
    assert "Bike library" in firsts[1] and "Zebra crossing" in firsts[2]
    assert "The pitch of Bike library." in firsts[1]
    assert [o.title for o in reader.outline if not isinstance(o, list)] == \
        ["A: Lonely elderly", "B: Green transport"]
    # The contents give each prototype's page.
    assert re.search(r"Visiting friend .*Team Visiting friend 2", cover)
    assert re.search(r"Zebra crossing .*Team Zebra crossing 4", cover)

    # Another camp's organiser cannot fetch it, through either camp.
    other_organiser, other = _camp(1)
    login(other_organiser)
    assert client.get(f"/camps/{other.slug}/manage/booklet/download",
                      query_string={"run": job.id}).status_code == 404
    assert client.get(f"/camps/{camp.slug}/manage/booklet/download",
                      query_string={"run": job.id}).status_code == 403
    staff = make_user()
    add_role(staff, camp, Role.staff)
    login(staff)
    assert client.get(f"/camps/{camp.slug}/manage/booklet").status_code == 403
    assert client.get(f"/camps/{camp.slug}/manage/booklet/download",
                      query_string={"run": job.id}).status_code == 403
    login(organiser)
    for bad in ("x", "999999"):
        assert client.get(f"/camps/{camp.slug}/manage/booklet/download",
                          query_string={"run": bad}).status_code == 404


def test_progress_is_shown_while_the_booklet_is_made(app, client, login, monkeypatch):
    organiser, camp = _camp(3)
    started = []
    app.config["BOOKLET_JOB_RUNNER"] = lambda _app, job_id: started.append(job_id)
    login(organiser)
    client.post(f"/camps/{camp.slug}/manage/booklet/runs")
    [job] = _jobs(camp)
    assert started == [job.id] and job.status == JobStatus.queued and job.total == 3
    page = client.get(f"/camps/{camp.slug}/manage/booklet").get_data(as_text=True)
    assert 'hx-trigger="every 2s"' in page and "Waiting to start" in page

    seen = []

    def fake_render(camp_, prototypes, progress=None, **kw):
        progress(2)
        with db.engine.connect() as conn:  # what another request would read now
            seen.append(conn.execute(text("SELECT status, done, total FROM booklet_jobs")).one())
        res = client.get(f"/camps/{camp.slug}/manage/booklet", headers={"HX-Request": "true"})
        seen.append(res.get_data(as_text=True))
        return b"%PDF-1.7 test"

    monkeypatch.setattr(booklet, "render_booklet_pdf", fake_render)
    with app.app_context():
        booklet.run_booklet_job(job.id)
    assert tuple(seen[0]) == ("running", 2, 3)
    fragment = seen[1]
    assert fragment.lstrip().startswith('<div id="runs"') and "<html" not in fragment
    assert "<progress" in fragment and 'value="2"' in fragment and 'max="3"' in fragment
    assert "2 of 3 prototypes" in fragment and 'hx-trigger="every 2s"' in fragment
    [job] = _jobs(camp)
    assert job.status == JobStatus.done and job.done == 3 and job.percent == 100
    # Running it again (a queue retrying) does nothing.
    with app.app_context():
        booklet.run_booklet_job(job.id)
    assert _jobs(camp)[0].finished_at == job.finished_at


def test_one_booklet_at_a_time_and_a_stale_one_gives_way(app, client, login):
    organiser, camp = _camp(1)
    app.config["BOOKLET_JOB_RUNNER"] = lambda _app, _job_id: None  # stays queued
    login(organiser)
    client.post(f"/camps/{camp.slug}/manage/booklet/runs")
    res = client.post(f"/camps/{camp.slug}/manage/booklet/runs", follow_redirects=True)
    assert "already being made" in res.get_data(as_text=True)
    assert len(_jobs(camp)) == 1
    from camp.errors import Conflict
    with pytest.raises(Conflict):
        booklet.start_booklet_job(organiser, camp, "en")
    db.session.rollback()
    # A job whose process died stops blocking after 15 minutes.
    db.session.execute(db.update(BookletJob).values(updated_at=utcnow() - timedelta(minutes=16)))
    db.session.commit()
    assert client.post(f"/camps/{camp.slug}/manage/booklet/runs").status_code == 303
    first, second = _jobs(camp)
    assert first.status == JobStatus.failed and "interrupted" in first.error
    assert second.status == JobStatus.queued


def test_no_booklet_without_a_submitted_prototype(app, client, login):
    organiser, camp = _camp(0)  # only the draft
    login(organiser)
    page = client.get(f"/camps/{camp.slug}/manage/booklet").get_data(as_text=True)
    assert "No prototype is submitted yet." in page
    res = client.post(f"/camps/{camp.slug}/manage/booklet/runs", follow_redirects=True)
    assert "there is no booklet to make" in res.get_data(as_text=True)
    assert _jobs(camp) == []


def test_a_failed_booklet_shows_its_error_and_leaves_no_file(app, client, login, monkeypatch):
    organiser, camp = _camp(1)

    def broken(*args, **kwargs):
        raise RuntimeError("the font went missing")

    monkeypatch.setattr(booklet, "render_booklet_pdf", broken)
    login(organiser)
    client.post(f"/camps/{camp.slug}/manage/booklet/runs")
    [job] = _jobs(camp)
    assert job.status == JobStatus.failed and job.file_name is None
    assert "the font went missing" in job.error
    assert "the font went missing" in \
        client.get(f"/camps/{camp.slug}/manage/booklet").get_data(as_text=True)
    assert not os.listdir(os.path.join(app.instance_path, "booklets"))
    assert client.get(f"/camps/{camp.slug}/manage/booklet/download",
                      query_string={"run": job.id}).status_code == 404


def test_only_the_newest_booklets_keep_their_file(app, client, login, monkeypatch):
    organiser, camp = _camp(1)
    monkeypatch.setattr(booklet, "render_booklet_pdf", _fake_pdf)
    login(organiser)
    for _ in range(booklet.KEEP_FILES + 1):
        client.post(f"/camps/{camp.slug}/manage/booklet/runs")
    runs = _jobs(camp)
    assert runs[0].file_name is None and all(r.file_name for r in runs[1:])
    assert len(os.listdir(os.path.join(app.instance_path, "booklets"))) == booklet.KEEP_FILES
    page = client.get(f"/camps/{camp.slug}/manage/booklet").get_data(as_text=True)
    assert page.count("download?run=") == booklet.KEEP_FILES
    assert "Replaced by a newer booklet" in page


def test_the_shared_runner_settings(app, client, login, monkeypatch):
    """JOB_RUNNER serves both kinds of job: a callable gets the job's plain function; the
    thread runner runs it in its own app context."""
    from camp import jobs
    organiser, camp = _camp(1)
    monkeypatch.setattr(booklet, "render_booklet_pdf", _fake_pdf)
    handed = []
    app.config["JOB_RUNNER"] = lambda _app, run, job_id: handed.append((run, job_id))
    login(organiser)
    client.post(f"/camps/{camp.slug}/manage/booklet/runs")
    [job] = _jobs(camp)
    assert handed == [(booklet.run_booklet_job, job.id)] and job.status == JobStatus.queued
    run, job_id = handed[0]
    jobs.run_in_app(app, run, job_id)
    assert _jobs(camp)[0].status == JobStatus.done

    app.config["JOB_RUNNER"] = "thread"
    try:
        client.post(f"/camps/{camp.slug}/manage/booklet/runs")
    finally:
        jobs.wait_for_jobs(timeout=120)
    assert [j.status for j in _jobs(camp)] == [JobStatus.done, JobStatus.done]


def test_the_cli_writes_the_booklet(app, runner, tmp_path):
    _organiser, camp = _camp(1)
    out = tmp_path / "booklet.pdf"
    result = runner.invoke(args=["camp", "booklet", camp.slug, "--out", str(out),
                                 "--locale", "en"])
    assert result.exit_code == 0, result.output
    assert "1 prototypes written" in result.output
    body = out.read_bytes()
    assert len(PdfReader(io.BytesIO(body)).pages) == 2
    assert "Zebra crossing" in pdf_text(tmp_path, body)
    result = runner.invoke(args=["camp", "booklet", "no-such-camp", "--out", str(out)])
    assert result.exit_code != 0 and "No camp" in result.output


@pytest.fixture(autouse=True)
def _no_threads_left():
    yield
    booklet.wait_for_jobs(timeout=120)
