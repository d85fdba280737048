"""The organiser's team page, CSV, query counts; the board; personal data."""
import csv
import io
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from camp.auth.models import ActorType
from camp.auth.services import delete_account, export_user_data
from camp.camps.models import Role
from camp.challenges.models import ChallengeStatus
from camp.db import utcnow
from camp.extensions import db
from camp.registrations.models import RegistrationStatus
from camp.teams import board, services
from camp.teams.models import JoinRequest, Seeker, Team, TeamMember
from tests.factories import PASSWORD, add_role, make_camp, make_challenge, make_registration, \
    make_team, make_user


@pytest.fixture
def login(client, login):
    """Sign in and read the pages in English (the source strings)."""
    def _login(user):
        login(user)
        with client.session_transaction() as sess:
            sess["lang"] = "en"
        return user
    return _login


def _seated(camp, **user_kw):
    user = make_user(**user_kw)
    make_registration(camp, user)
    return user


def _members(team_id):
    return db.session.execute(select(TeamMember.user_id).where(TeamMember.team_id == team_id)
                              .order_by(TeamMember.id)).scalars().all()


def _flash(html):
    return " ".join(re.findall(r'class="flash flash-\w+">([^<]*)<', html))


@pytest.fixture
def organised(login):
    organiser = make_user()
    camp = make_camp(organiser=organiser)
    login(organiser)
    return camp, make_challenge(camp), organiser


# -- camp defaults and per-team limits -------------------------------------------------------

def test_camp_defaults_and_lock_time_in_the_camps_time_zone(client, organised):
    camp, challenge, _ = organised
    url = f"/camps/{camp.slug}/manage/teams"
    html = client.get(url).get_data(as_text=True)
    assert "Settings for all teams" in html and 'aria-current="page">Teams<' in html
    res = client.post(url, data={"team_min_size": 2, "team_max_size": 4,
                                 "teams_lock_at": "2030-07-01T09:30"})
    assert res.status_code == 303
    db.session.refresh(camp)
    assert (camp.team_min_size, camp.team_max_size) == (2, 4)
    # 09:30 in Copenhagen in summer is 07:30 UTC.
    assert camp.teams_lock_at == datetime(2030, 7, 1, 7, 30, tzinfo=timezone.utc)
    assert 'value="2030-07-01T09:30"' in client.get(url).get_data(as_text=True)
    res = client.post(url, data={"team_min_size": 5, "team_max_size": 3})
    assert res.status_code == 200 and "cannot be larger" in res.get_data(as_text=True)
    res = client.post(url, data={"team_min_size": 0, "team_max_size": "x"})
    assert res.status_code == 200
    db.session.refresh(camp)
    assert (camp.team_min_size, camp.team_max_size) == (2, 4)


def test_defaults_cannot_shrink_below_a_team_without_its_own_limit(client, organised):
    camp, challenge, _ = organised
    make_team(camp, challenge, lead=_seated(camp), members=[_seated(camp), _seated(camp)],
              name="Stort hold")
    res = client.post(f"/camps/{camp.slug}/manage/teams",
                      data={"team_min_size": 1, "team_max_size": 2})
    assert res.status_code == 200 and "Stort hold already has 3 members" in res.get_data(
        as_text=True)
    db.session.refresh(camp)
    assert camp.team_max_size == 6


def test_team_limits_override_lock_and_unlock(client, organised):
    camp, challenge, _ = organised
    team = make_team(camp, challenge, lead=_seated(camp), members=[_seated(camp)])
    url = f"/camps/{camp.slug}/manage/teams/{team.id}"
    html = client.get(url).get_data(as_text=True)
    assert "defaults are 3 to 6 people" in html, html[html.find("<h2"):][:600]
    assert client.post(url, data={"min_size": 2, "max_size": 1}).status_code == 200
    assert client.post(url, data={"min_size": "", "max_size": 1}).status_code == 200
    res = client.post(url, data={"min_size": 2, "max_size": 3})
    assert res.status_code == 303
    db.session.refresh(team)
    assert (team.min_size, team.max_size, team.size_limit) == (2, 3, 3)
    client.post(url, data={"min_size": "", "max_size": ""})
    db.session.refresh(team)
    assert (team.min_size, team.max_size, team.size_limit) == (None, None, 6)
    assert client.post(f"{url}/lock").status_code == 303
    db.session.refresh(team)
    assert team.locked_at is not None and services.is_locked(team)
    assert "Unlock" in client.get(f"/camps/{camp.slug}/manage/teams").get_data(as_text=True)
    client.post(f"{url}/unlock")
    db.session.refresh(team)
    assert team.locked_at is None


def test_other_camps_teams_are_not_found(client, organised):
    camp, _, _ = organised
    other = make_camp()
    foreign = make_team(other, make_challenge(other))
    assert client.get(f"/camps/{camp.slug}/manage/teams/{foreign.id}").status_code == 404
    assert client.post(f"/camps/{camp.slug}/manage/teams/{foreign.id}/lock").status_code == 404
    assert client.get(f"/camps/{camp.slug}/teams/{foreign.id}").status_code == 404


# -- moving people ---------------------------------------------------------------------------

def test_move_a_person_respects_the_limit_not_the_lock(client, organised):
    camp, challenge, _ = organised
    lead_a, person = _seated(camp), _seated(camp, name="Flytte Fie")
    a = make_team(camp, challenge, lead=lead_a, members=[person], name="A")
    b = make_team(camp, challenge, lead=_seated(camp), name="B", max_size=2)
    url = f"/camps/{camp.slug}/manage/teams/move"
    html = client.get(f"/camps/{camp.slug}/manage/teams").get_data(as_text=True)
    assert "Flytte Fie" in html
    b.locked_at = utcnow()
    db.session.commit()
    assert client.post(url, data={"user_id": person.id, "team_id": b.id}).status_code == 303
    assert _members(a.id) == [lead_a.id] and person.id in _members(b.id)
    # B is full now.
    free = _seated(camp)
    res = client.post(url, data={"user_id": free.id, "team_id": b.id}, follow_redirects=True)
    assert "is full" in _flash(res.get_data(as_text=True))
    # Moving a lead hands their old team's lead on; an empty team has no lead.
    client.post(url, data={"user_id": lead_a.id, "team_id": _new_team(camp, challenge).id})
    db.session.refresh(a)
    assert a.lead_id is None and _members(a.id) == []


def _new_team(camp, challenge):
    return make_team(camp, challenge, lead=_seated(camp))


def test_move_refuses_people_without_a_seat_and_bad_input(client, organised):
    camp, challenge, _ = organised
    team = make_team(camp, challenge, lead=_seated(camp))
    waiting = make_user()
    make_registration(camp, waiting, status=RegistrationStatus.waitlisted, confirmed_at=None)
    url = f"/camps/{camp.slug}/manage/teams/move"
    for data in ({"user_id": waiting.id, "team_id": team.id},
                 {"user_id": make_user().id, "team_id": team.id},
                 {"user_id": "x", "team_id": team.id}, {"user_id": _seated(camp).id,
                                                        "team_id": 99999}, {}):
        res = client.post(url, data=data, follow_redirects=True)
        assert res.status_code == 200 and "flash-error" in res.get_data(as_text=True)
    assert len(_members(team.id)) == 1


# -- CSV and query counts --------------------------------------------------------------------

def test_csv_of_teams_and_members(client, organised):
    camp, challenge, _ = organised
    lead = _seated(camp, name="Søren Æbelø", organisation="=HYPERLINK()",
                   actor_type=ActorType.citizen)
    make_team(camp, challenge, lead=lead, members=[_seated(camp)], name="Æblerne")
    make_team(camp, challenge, name="Tomt hold")
    res = client.get(f"/camps/{camp.slug}/manage/teams.csv")
    assert res.status_code == 200 and res.mimetype == "text/csv"
    assert "attachment" in res.headers["Content-Disposition"]
    raw = res.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Team", "Challenge", "Members"]
    lead_row = next(r for r in rows if r[5] == "Søren Æbelø")
    assert lead_row[0] == "Æblerne" and lead_row[2] == "2" and lead_row[7] == "'=HYPERLINK()"
    assert lead_row[8] == "Citizen" and lead_row[9] == "Yes"
    assert any(r[0] == "Tomt hold" and r[5] == "" for r in rows)
    assert len(rows) == 1 + 2 + 1


def _many_teams(camp, challenge, n, start=0):
    for i in range(start, start + n):
        people = [_seated(camp, organisation=f"Org {i % 3}") for _ in range(3)]
        make_team(camp, challenge, lead=people[0], members=people[1:], name=f"Hold {i}")


@pytest.mark.parametrize("path", ["/manage/teams", "/manage/teams.csv", "/teams/"])
def test_query_count_does_not_grow_with_teams(client, organised, query_counter, path):
    camp, challenge, _ = organised
    _many_teams(camp, challenge, 5)
    client.get(f"/camps/{camp.slug}{path}")  # warm up
    with query_counter() as few:
        assert client.get(f"/camps/{camp.slug}{path}").status_code == 200
    _many_teams(camp, challenge, 25, start=5)
    with query_counter() as many:
        res = client.get(f"/camps/{camp.slug}{path}")
    assert res.status_code == 200 and "Hold 29" in res.get_data(as_text=True)
    assert many() == few()


# -- the board -------------------------------------------------------------------------------

def test_board_profile_with_ranked_preferences(client, login, organised):
    camp, first, _ = organised
    second = make_challenge(camp, title="Unge uden job")
    draft = make_challenge(camp, title="Kladde", status=ChallengeStatus.draft)
    friend = _seated(camp, email="ven@example.dk")
    user = login(_seated(camp, name="Søger Sara", organisation="Røde Kors",
                         actor_type=ActorType.civil_society))
    url = f"/camps/{camp.slug}/teams/board/me"
    html = client.get(url).get_data(as_text=True)
    assert "Unge uden job" in html and "Kladde" not in html
    bad = [({"preference_1": first.id, "preference_2": first.id}, "only once"),
           ({"preference_1": draft.id}, "Not a valid choice"),
           ({"together_with": "ukendt@example.dk"}, "Nobody with a seat"),
           ({"together_with": user.email}, "someone else"),
           ({"together_with": "not-an-email"}, "valid e-mail")]
    for data, message in bad:
        res = client.post(url, data=data)
        assert res.status_code == 200 and message in res.get_data(as_text=True), message
    assert db.session.execute(select(Seeker)).scalar() is None
    res = client.post(url, data={"interests": "Ældre", "skills": "Facilitering",
                                 "preference_1": second.id, "preference_2": "",
                                 "preference_3": first.id, "together_with": "VEN@example.dk"})
    assert res.status_code == 303
    seeker = db.session.execute(select(Seeker)).scalar_one()
    assert seeker.preferences == [second.id, first.id] and seeker.together_with_id == friend.id
    html = client.get(url).get_data(as_text=True)
    assert 'value="ven@example.dk"' in html and "Facilitering" in html
    html = client.get(f"/camps/{camp.slug}/teams/board").get_data(as_text=True)
    assert "Søger Sara" in html and "Røde Kors" in html and "Civil society" in html
    assert html.index("Unge uden job") < html.index(first.title)  # in the chosen order
    assert "1 person is looking for a team." in html
    assert "Søger Sara" not in client.get(f"/camps/{camp.slug}/teams/board",
                                          query_string={"q": "jura"}).get_data(as_text=True)
    assert "Søger Sara" in client.get(f"/camps/{camp.slug}/teams/board",
                                      query_string={"q": "facil"}).get_data(as_text=True)
    # Someone in a team drops off the board.
    make_team(camp, first, lead=user)
    assert "Søger Sara" not in client.get(f"/camps/{camp.slug}/teams/board").get_data(
        as_text=True)


def test_remove_from_board_and_who_may_see_it(client, login):
    organiser = make_user()
    camp = make_camp(organiser=organiser)
    user = login(_seated(camp))
    board.save_seeker(user, camp, board.SeekerData(interests="Data"))
    db.session.commit()
    assert client.post(f"/camps/{camp.slug}/teams/board/me/remove").status_code == 303
    assert db.session.execute(select(Seeker)).scalar() is None
    res = client.post(f"/camps/{camp.slug}/teams/board/me/remove", follow_redirects=True)
    assert "not on the board" in _flash(res.get_data(as_text=True))
    staff = make_user()
    add_role(staff, camp, Role.staff)
    login(staff)  # no seat
    assert client.get(f"/camps/{camp.slug}/teams/board").status_code == 403
    login(organiser)
    assert client.get(f"/camps/{camp.slug}/teams/board").status_code == 200


def test_board_is_paginated(app, client, login):
    camp = make_camp(organiser=make_user())
    for i in range(5):
        person = _seated(camp, name=f"Søger {i}")
        db.session.add(Seeker(camp_id=camp.id, user_id=person.id, preferences=[]))
    db.session.commit()
    login(_seated(camp))
    app.config["REGISTRATIONS_PER_PAGE"] = 2
    url = f"/camps/{camp.slug}/teams/board"
    assert "Søger 4" not in client.get(url).get_data(as_text=True)
    assert "Søger 4" in client.get(url, query_string={"page": 3}).get_data(as_text=True)


# -- personal data ---------------------------------------------------------------------------

def test_export_and_delete_account(app):
    camp = make_camp(organiser=make_user())
    challenge = make_challenge(camp)
    user, member, friend = _seated(camp), _seated(camp), _seated(camp)
    team = make_team(camp, challenge, lead=user, members=[member], name="Naboskab")
    other = make_team(camp, challenge, lead=_seated(camp), name="Andet")
    db.session.add(JoinRequest(camp_id=camp.id, team_id=other.id, user_id=user.id,
                               message="Hej"))
    db.session.add(Seeker(camp_id=camp.id, user_id=friend.id, together_with_id=user.id))
    other_camp = make_camp()
    db.session.add(Seeker(camp_id=other_camp.id, user_id=user.id, interests="Unge",
                          preferences=[]))
    db.session.commit()
    data = export_user_data(user)
    assert data["team_memberships"][0]["team"] == "Naboskab"
    assert data["team_memberships"][0]["lead"] is True
    assert data["join_requests"][0]["message"] == "Hej"
    assert data["team_board"][0]["interests"] == "Unge"
    delete_account(user, PASSWORD)
    db.session.commit()
    db.session.refresh(team)
    assert team.lead_id == member.id and _members(team.id) == [member.id]
    assert db.session.execute(select(JoinRequest).where(JoinRequest.user_id == user.id)
                              ).scalar() is None
    assert db.session.execute(select(Seeker).where(Seeker.user_id == user.id)).scalar() is None
    assert db.session.get(Seeker, 1).together_with_id is None


def test_lock_time_in_the_past_locks_every_team(app):
    camp = make_camp(organiser=make_user())
    team = make_team(camp, make_challenge(camp))
    assert not services.is_locked(team)
    camp.teams_lock_at = utcnow() + timedelta(hours=1)
    assert not services.is_locked(team)
    assert services.is_locked(team, now=utcnow() + timedelta(hours=2))
    assert db.session.execute(select(Team)).scalar_one() is team
