"""The organiser's prototype overview: status per team, the deadline in the camp's time
zone, extensions, CSV, and a constant number of SQL statements."""
from datetime import datetime, timedelta, timezone

from camp.db import utcnow
from camp.extensions import db
from camp.prototypes import services
from camp.prototypes.models import PrototypeStatus
from tests.factories import make_camp, make_challenge, make_prototype, make_team, make_user


def _camp():
    organiser = make_user(locale="en")
    return organiser, make_camp(organiser=organiser)


def _teams(camp, n, challenge=None):
    challenge = challenge or make_challenge(camp)
    return [make_team(camp, challenge, lead=make_user()) for _ in range(n)]


def test_the_overview_shows_each_teams_status(client, login):
    organiser, camp = _camp()
    none, draft, done = _teams(camp, 3)
    services.save_draft(draft.lead, draft, services.PrototypeData(title="Kladde"), 0)
    db.session.commit()
    submitted = make_prototype(done, title="Færdig")
    submitted.revisions[0].late = True
    db.session.commit()
    login(organiser)
    page = client.get(f"/camps/{camp.slug}/manage/prototypes").get_data(as_text=True)
    assert "1 of 3 teams have submitted a prototype." in page
    for text in ("Not started", "Draft", "Submitted", "Kladde", "Færdig", "1 late"):
        assert text in page, text
    assert f'action="/camps/{camp.slug}/manage/prototypes/{submitted.id}/extend"' in page
    rows = {r.team.name: r for r in services.overview(camp)}
    assert rows[none.name].status is None
    assert rows[draft.name].status == PrototypeStatus.draft and rows[draft.name].revisions == 0
    assert rows[done.name].revisions == 1 and rows[done.name].late == 1


def test_the_deadline_is_set_in_the_camps_time_zone(client, login):
    organiser, camp = _camp()
    login(organiser)
    response = client.post(f"/camps/{camp.slug}/manage/prototypes",
                           data={"prototype_deadline": "2031-06-01T16:00"},
                           follow_redirects=True)
    assert "The deadline is saved." in response.get_data(as_text=True)
    db.session.refresh(camp)
    assert camp.prototype_deadline == datetime(2031, 6, 1, 14, 0, tzinfo=timezone.utc)
    page = client.get(f"/camps/{camp.slug}/manage/prototypes").get_data(as_text=True)
    assert 'value="2031-06-01T16:00"' in page
    # A date that is not one is refused and nothing changes.
    response = client.post(f"/camps/{camp.slug}/manage/prototypes",
                           data={"prototype_deadline": "snart"})
    assert response.status_code == 200
    db.session.refresh(camp)
    assert camp.prototype_deadline == datetime(2031, 6, 1, 14, 0, tzinfo=timezone.utc)
    # Empty: back to the camp's end.
    client.post(f"/camps/{camp.slug}/manage/prototypes", data={"prototype_deadline": ""})
    db.session.refresh(camp)
    assert camp.prototype_deadline is None
    assert services.deadline_of(camp) == camp.ends_at


def test_only_organisers_reach_the_overview(client, login):
    organiser, camp = _camp()
    [team] = _teams(camp, 1)
    login(team.lead)
    assert client.get(f"/camps/{camp.slug}/manage/prototypes").status_code == 403
    assert client.post(f"/camps/{camp.slug}/manage/prototypes",
                       data={"prototype_deadline": "2031-06-01T16:00"}).status_code == 403
    assert client.get(f"/camps/{camp.slug}/manage/prototypes.csv").status_code == 403
    db.session.refresh(camp)
    assert camp.prototype_deadline is None


def test_the_csv_lists_every_team(client, login):
    organiser, camp = _camp()
    none, done = _teams(camp, 2)
    prototype = make_prototype(done, title="=HYPERLINK(\"x\")")
    prototype.deadline_extended_to = camp.ends_at + timedelta(days=1)
    db.session.commit()
    login(organiser)
    response = client.get(f"/camps/{camp.slug}/manage/prototypes.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.data.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].startswith("Team;Challenge;Status;Title;Revisions")
    assert len(lines) == 3
    assert lines[1].startswith(f"{none.name};") and "Not started" in lines[1]
    assert lines[2].startswith(f"{done.name};") and ";Submitted;" in lines[2]
    assert "'=HYPERLINK" in lines[2]  # formulas are defused
    assert f"/camps/{camp.slug}/prototypes/{prototype.id}" in lines[2]


def test_the_overview_runs_a_constant_number_of_statements(client, login, query_counter):
    organiser, camp = _camp()
    challenge = make_challenge(camp)

    def grow(n):
        for team in _teams(camp, n, challenge):
            p = make_prototype(team)
            p.deadline_extended_to = utcnow() + timedelta(days=60)
        db.session.commit()

    def count(url):
        login(organiser)
        with query_counter() as n:
            response = client.get(url)
        assert response.status_code == 200
        return n()

    page = f"/camps/{camp.slug}/manage/prototypes"
    csv = page + ".csv"
    grow(5)
    small = count(page), count(csv)
    grow(25)
    assert (count(page), count(csv)) == small
