"""Teams: starting one, joining by invite link or request, leaving, the lead, my teams."""
import re
from datetime import timedelta

import pytest
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from camp.auth.models import ActorType
from camp.challenges.models import ChallengeStatus
from camp.db import utcnow
from camp.extensions import db
from camp.teams import services
from camp.teams.mix import team_mix
from camp.teams.models import JoinRequest, JoinRequestStatus, Team, TeamMember
from tests.factories import add_member, make_camp, make_challenge, make_registration, \
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


def _camp(**kw):
    organiser = make_user()
    camp = make_camp(organiser=organiser, **kw)
    return camp, make_challenge(camp), organiser


def _seated(camp, **user_kw):
    user = make_user(**user_kw)
    make_registration(camp, user)
    return user


def _members(team_id):
    return db.session.execute(select(TeamMember.user_id).where(TeamMember.team_id == team_id)
                              .order_by(TeamMember.id)).scalars().all()


def _flash(html):
    return " ".join(re.findall(r'class="flash flash-\w+">([^<]*)<', html))


# -- starting a team -------------------------------------------------------------------------

def test_start_a_team_and_see_it(client, login):
    camp, challenge, _ = _camp()
    make_challenge(camp, title="Kladde", status=ChallengeStatus.draft)
    user = login(_seated(camp, name="Maja Mester"))
    page = client.get(f"/camps/{camp.slug}/teams/new").get_data(as_text=True)
    assert challenge.title in page and "Kladde" not in page  # only published challenges
    res = client.post(f"/camps/{camp.slug}/teams/new", data={
        "name": "  Naboskab ", "pitch": "Nye og gamle beboere.", "challenge_id": challenge.id})
    assert res.status_code == 303
    team = db.session.execute(select(Team)).scalar_one()
    assert team.name == "Naboskab" and team.lead_id == user.id and _members(team.id) == [user.id]
    assert res.headers["Location"].endswith(f"/camps/{camp.slug}/teams/{team.id}")
    html = client.get(f"/camps/{camp.slug}/teams/{team.id}").get_data(as_text=True)
    assert "Maja Mester" in html and challenge.title in html and "Nye og gamle beboere." in html
    assert "1 of 6" in html  # members of the limit
    listing = client.get(f"/camps/{camp.slug}/teams/").get_data(as_text=True)
    assert "Naboskab" in listing and "Start a team" not in listing


def test_start_a_team_refusals(client, login):
    camp, challenge, _ = _camp()
    draft = make_challenge(camp, status=ChallengeStatus.draft)
    make_team(camp, challenge, lead=_seated(camp), name="Naboskab")
    login(_seated(camp))
    url = f"/camps/{camp.slug}/teams/new"
    res = client.post(url, data={"name": "NABOSKAB", "challenge_id": challenge.id})
    assert res.status_code == 200 and "already exists" in res.get_data(as_text=True)
    res = client.post(url, data={"name": "Nyt hold", "challenge_id": draft.id})
    assert res.status_code == 200
    res = client.post(url, data={"name": "", "challenge_id": ""})
    assert res.status_code == 200 and 'aria-invalid="true"' in res.get_data(as_text=True)
    assert db.session.execute(select(Team)).scalars().all().__len__() == 1


def test_no_published_challenges_is_a_clear_empty_state(client, login):
    organiser = make_user()
    camp = make_camp(organiser=organiser)
    login(_seated(camp))
    html = client.get(f"/camps/{camp.slug}/teams/new").get_data(as_text=True)
    assert "No challenges are published" in html and 'name="name"' not in html
    assert "No teams yet" in client.get(f"/camps/{camp.slug}/teams/").get_data(as_text=True)


def test_someone_in_a_team_is_sent_to_it_and_cannot_start_another(client, login):
    camp, challenge, _ = _camp()
    user = login(_seated(camp))
    team = make_team(camp, challenge, lead=user)
    res = client.get(f"/camps/{camp.slug}/teams/new")
    assert res.status_code == 303 and res.headers["Location"].endswith(f"/teams/{team.id}")
    with pytest.raises(Exception) as exc:
        services.create_team(user, camp, services.TeamData("Andet", "", challenge.id))
    assert "allerede på et hold" in str(exc.value.message)
    db.session.rollback()
    # The database itself refuses a second membership in the same camp.
    other = make_team(camp, challenge)
    with pytest.raises(IntegrityError):
        add_member(other, user)
    db.session.rollback()


def test_people_without_a_seat_cannot_start_a_team(client, login):
    camp, challenge, _ = _camp()
    login(make_user())
    assert client.get(f"/camps/{camp.slug}/teams/new").status_code == 403
    assert "Start a team" not in client.get(f"/camps/{camp.slug}/teams/").get_data(as_text=True)


def test_lead_edits_name_and_pitch_but_a_member_cannot(client, login):
    camp, challenge, _ = _camp()
    lead, member = _seated(camp), _seated(camp)
    team = make_team(camp, challenge, lead=lead, members=[member])
    make_team(camp, challenge, name="Optaget")
    login(member)
    assert client.get(f"/camps/{camp.slug}/teams/{team.id}/edit").status_code == 403
    login(lead)
    url = f"/camps/{camp.slug}/teams/{team.id}/edit"
    assert client.post(url, data={"name": "optaget", "pitch": "x"}).status_code == 200
    assert client.post(url, data={"name": "Kaffe", "pitch": "Ny pitch"}).status_code == 303
    db.session.refresh(team)
    assert (team.name, team.pitch) == ("Kaffe", "Ny pitch")


# -- actor mix -------------------------------------------------------------------------------

def test_team_mix_counts_and_warnings():
    class P:
        def __init__(self, actor_type, organisation):
            self.actor_type, self.organisation = actor_type, organisation
    same = team_mix([P(ActorType.administrator, "Roskilde Kommune"),
                     P("administrator", " roskilde  kommune ")])
    assert same.actor_types == [(ActorType.administrator, 2)]
    assert same.organisations == [("Roskilde Kommune", 2)]
    assert len(same.warnings) == 2
    mixed = team_mix([P(ActorType.citizen, ""), P(ActorType.researcher, "RUC"),
                      P(ActorType.citizen, "")])
    assert mixed.actor_types[0] == (ActorType.citizen, 2) and mixed.warnings == []
    assert team_mix([P(ActorType.citizen, "KL")]).warnings == []  # one person: no warning
    assert team_mix([]).size == 0


def test_team_page_warns_when_everyone_is_alike(client, login):
    camp, challenge, _ = _camp()
    a = _seated(camp, actor_type=ActorType.administrator, organisation="Roskilde Kommune")
    b = _seated(camp, actor_type=ActorType.administrator, organisation="Roskilde Kommune")
    team = make_team(camp, challenge, lead=a, members=[b])
    login(None)
    html = client.get(f"/camps/{camp.slug}/teams/{team.id}").get_data(as_text=True)
    assert "Everyone is administrator (civil servant)" in html
    assert "Everyone is from Roskilde Kommune" in html
    assert "Roskilde Kommune" in html
    listing = client.get(f"/camps/{camp.slug}/teams/").get_data(as_text=True)
    assert "mix-warning" in listing
    c = _seated(camp, actor_type=ActorType.citizen, organisation="")
    add_member(team, c)
    listing = client.get(f"/camps/{camp.slug}/teams/").get_data(as_text=True)
    assert "mix-warning" not in listing


# -- invite links ----------------------------------------------------------------------------

def _invite(client, camp, team, hours=24):
    res = client.post(f"/camps/{camp.slug}/teams/{team.id}/invite", data={"hours": hours})
    assert res.status_code == 303
    html = client.get(f"/camps/{camp.slug}/teams/{team.id}").get_data(as_text=True)
    match = re.search(r'value="http://localhost(/camps/[^"]+/teams/join/[^"]+)"', html)
    assert match, "the lead sees the link"
    return match.group(1)


def test_join_by_invite_link(client, login):
    camp, challenge, _ = _camp()
    lead, newcomer = _seated(camp), _seated(camp, name="Nina Ny")
    team = make_team(camp, challenge, lead=lead, name="Naboskab")
    login(lead)
    link = _invite(client, camp, team, hours=24)
    db.session.refresh(team)
    assert timedelta(hours=23) < team.invite_expires_at - utcnow() <= timedelta(hours=24)
    login(None)
    html = client.get(link).get_data(as_text=True)
    assert "Naboskab" in html and "Log in to join" in html
    assert client.post(link).status_code == 302  # must log in to join
    login(newcomer)
    assert "Join the team" in client.get(link).get_data(as_text=True)
    res = client.post(link)
    assert res.status_code == 303 and res.headers["Location"].endswith(f"/teams/{team.id}")
    assert _members(team.id) == [lead.id, newcomer.id]
    # Using it again: already in the team, nothing changes.
    client.post(link)
    assert _members(team.id) == [lead.id, newcomer.id]


def test_revoked_expired_and_tampered_links_are_refused(client, login):
    camp, challenge, _ = _camp()
    lead, newcomer = _seated(camp), _seated(camp)
    team = make_team(camp, challenge, lead=lead)
    login(lead)
    link = _invite(client, camp, team)
    newer = _invite(client, camp, team)  # a new link replaces the old one
    login(newcomer)
    res = client.get(link)
    assert res.status_code == 400 and "withdrawn" in res.get_data(as_text=True)
    assert client.post(link).status_code == 400
    assert client.get(newer).status_code == 200
    res = client.get(newer[:-3] + "abc")
    assert res.status_code == 400
    other_camp = make_camp()
    assert client.get(newer.replace(camp.slug, other_camp.slug)).status_code == 400
    team.invite_expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    res = client.post(newer)
    assert res.status_code == 400 and "expired" in res.get_data(as_text=True)
    login(lead)
    team.invite_expires_at = utcnow() + timedelta(hours=1)
    db.session.commit()
    assert client.post(f"/camps/{camp.slug}/teams/{team.id}/invite/revoke").status_code == 303
    login(newcomer)
    assert client.post(newer).status_code == 400
    assert _members(team.id) == [lead.id]


def test_invite_link_needs_a_seat_and_a_valid_duration(client, login):
    camp, challenge, _ = _camp()
    lead = _seated(camp)
    team = make_team(camp, challenge, lead=lead)
    login(lead)
    res = client.post(f"/camps/{camp.slug}/teams/{team.id}/invite", data={"hours": "999"},
                      follow_redirects=True)
    db.session.refresh(team)
    assert team.invite_nonce is None and "flash-error" in res.get_data(as_text=True)
    link = _invite(client, camp, team)
    login(make_user())  # no registration
    assert client.get(link).status_code == 200
    assert client.post(link).status_code == 403
    assert _members(team.id) == [lead.id]


def test_full_team_refuses_invite(client, login):
    camp, challenge, _ = _camp()
    lead = _seated(camp)
    team = make_team(camp, challenge, lead=lead, members=[_seated(camp)], max_size=2)
    login(lead)
    link = _invite(client, camp, team)
    login(_seated(camp))
    res = client.post(link, follow_redirects=True)
    assert "is full" in _flash(res.get_data(as_text=True))
    assert len(_members(team.id)) == 2


def test_second_team_in_the_same_camp_is_refused(client, login):
    camp, challenge, _ = _camp()
    a_lead, b_lead, person = _seated(camp), _seated(camp), _seated(camp)
    team_a = make_team(camp, challenge, lead=a_lead, members=[person], name="A")
    team_b = make_team(camp, challenge, lead=b_lead, name="B")
    login(b_lead)
    link = _invite(client, camp, team_b)
    login(person)
    res = client.post(link, follow_redirects=True)
    assert "already in another team" in _flash(res.get_data(as_text=True))
    assert _members(team_b.id) == [b_lead.id] and person.id in _members(team_a.id)
    # The same person may be in a team at another camp.
    other = make_camp()
    make_registration(other, person)
    make_team(other, make_challenge(other), lead=person)


# -- join requests ---------------------------------------------------------------------------

def test_request_approve_with_emails(client, login, outbox):
    camp, challenge, _ = _camp()
    lead = _seated(camp, locale="en", name="Lea Lead")
    asker = _seated(camp, name="Ali Asker", locale="da")
    team = make_team(camp, challenge, lead=lead, name="Naboskab")
    login(asker)
    res = client.post(f"/camps/{camp.slug}/teams/{team.id}/join-requests",
                      data={"message": "Jeg er hjemmehjælper."})
    assert res.status_code == 303
    jr = db.session.execute(select(JoinRequest)).scalar_one()
    assert jr.status == JoinRequestStatus.pending and jr.message == "Jeg er hjemmehjælper."
    assert len(outbox) == 1 and outbox[0].to == [lead.email]
    assert outbox[0].subject == "Ali Asker asks to join Naboskab"  # the lead's language
    assert "Jeg er hjemmehjælper." in outbox[0].body and f"/teams/{team.id}" in outbox[0].body
    # Asking twice is refused.
    client.post(f"/camps/{camp.slug}/teams/{team.id}/join-requests", data={"message": ""})
    assert db.session.execute(select(JoinRequest)).scalars().all() == [jr]
    html = client.get(f"/camps/{camp.slug}/teams/{team.id}").get_data(as_text=True)
    assert "Withdraw my request" in html
    login(lead)
    html = client.get(f"/camps/{camp.slug}/teams/{team.id}").get_data(as_text=True)
    assert "Ali Asker" in html and "Jeg er hjemmehjælper." in html
    res = client.post(f"/camps/{camp.slug}/teams/{team.id}/join-requests/{jr.id}/approve")
    assert res.status_code == 303
    db.session.refresh(jr)
    assert jr.status == JoinRequestStatus.approved and jr.decided_by_id == lead.id
    assert _members(team.id) == [lead.id, asker.id]
    assert outbox[-1].to == [asker.email] and "Naboskab" in outbox[-1].subject
    with force_locale("da"):  # the asker's language, whatever the catalogue holds
        assert outbox[-1].subject == str(_l("You are in %(team)s", team="Naboskab"))
    # Answering twice is refused.
    res = client.post(f"/camps/{camp.slug}/teams/{team.id}/join-requests/{jr.id}/decline",
                      follow_redirects=True)
    assert "already been answered" in _flash(res.get_data(as_text=True))


def test_decline_and_withdraw(client, login, outbox):
    camp, challenge, _ = _camp()
    lead, asker = _seated(camp), _seated(camp)
    team = make_team(camp, challenge, lead=lead)
    jr = services.request_to_join(asker, team, "Hej")
    db.session.commit()
    login(lead)
    client.post(f"/camps/{camp.slug}/teams/{team.id}/join-requests/{jr.id}/decline")
    db.session.refresh(jr)
    assert jr.status == JoinRequestStatus.declined and _members(team.id) == [lead.id]
    assert outbox[-1].to == [asker.email] and "afvist" in outbox[-1].subject
    jr2 = services.request_to_join(asker, team, "Igen")
    db.session.commit()
    # Only the asker withdraws.
    assert client.post(f"/camps/{camp.slug}/teams/{team.id}/join-requests/{jr2.id}/withdraw"
                       ).status_code == 403
    login(asker)
    assert client.post(f"/camps/{camp.slug}/teams/{team.id}/join-requests/{jr2.id}/withdraw"
                       ).status_code == 303
    db.session.refresh(jr2)
    assert jr2.status == JoinRequestStatus.withdrawn


def test_only_the_lead_or_an_organiser_approves(client, login):
    camp, challenge, organiser = _camp()
    lead, member, asker = _seated(camp), _seated(camp), _seated(camp)
    team = make_team(camp, challenge, lead=lead, members=[member])
    jr = services.request_to_join(asker, team)
    db.session.commit()
    url = f"/camps/{camp.slug}/teams/{team.id}/join-requests/{jr.id}/approve"
    login(member)
    assert client.post(url).status_code == 403
    login(asker)
    assert client.post(url).status_code == 403
    db.session.refresh(jr)
    assert jr.status == JoinRequestStatus.pending
    # A request id under another team's address is not found.
    other = make_team(camp, challenge, lead=_seated(camp))
    login(organiser)
    assert client.post(f"/camps/{camp.slug}/teams/{other.id}/join-requests/{jr.id}/approve"
                       ).status_code == 404
    assert client.post(url).status_code == 303
    assert asker.id in _members(team.id)


def test_approving_into_a_full_team_or_for_someone_in_a_team_is_refused(client, login):
    camp, challenge, _ = _camp()
    lead, asker = _seated(camp), _seated(camp)
    team = make_team(camp, challenge, lead=lead, max_size=2)
    jr = services.request_to_join(asker, team)
    db.session.commit()
    add_member(team, _seated(camp))  # the last seat goes another way meanwhile
    login(lead)
    res = client.post(f"/camps/{camp.slug}/teams/{team.id}/join-requests/{jr.id}/approve",
                      follow_redirects=True)
    assert "is full" in _flash(res.get_data(as_text=True))
    db.session.refresh(jr)
    assert jr.status == JoinRequestStatus.pending and asker.id not in _members(team.id)


def test_joining_a_team_closes_other_requests(app):
    camp, challenge, _ = _camp()
    person = _seated(camp)
    a = make_team(camp, challenge, lead=_seated(camp))
    b = make_team(camp, challenge, lead=_seated(camp))
    jr_a, jr_b = services.request_to_join(person, a), services.request_to_join(person, b)
    db.session.commit()
    services.decide_request(a.lead, jr_a, True)
    db.session.commit()
    assert (jr_a.status, jr_b.status) == (JoinRequestStatus.approved,
                                          JoinRequestStatus.withdrawn)


# -- locks -----------------------------------------------------------------------------------

@pytest.mark.parametrize("how", ["team", "camp"])
def test_locked_teams_refuse_joins_leaves_and_approvals(client, login, how):
    camp, challenge, organiser = _camp()
    lead, member, asker, newcomer = (_seated(camp) for _ in range(4))
    team = make_team(camp, challenge, lead=lead, members=[member])
    jr = services.request_to_join(asker, team)
    services.create_invite(lead, team, 24)
    token = services.invite_link_token(team)
    db.session.commit()
    if how == "team":
        team.locked_at = utcnow()
    else:
        camp.teams_lock_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    login(member)
    res = client.post(f"/camps/{camp.slug}/teams/{team.id}/leave", follow_redirects=True)
    assert "locked" in _flash(res.get_data(as_text=True))
    login(lead)
    res = client.post(f"/camps/{camp.slug}/teams/{team.id}/join-requests/{jr.id}/approve",
                      follow_redirects=True)
    assert "locked" in _flash(res.get_data(as_text=True))
    login(newcomer)
    res = client.post(f"/camps/{camp.slug}/teams/join/{token}", follow_redirects=True)
    assert "locked" in _flash(res.get_data(as_text=True))
    res = client.post(f"/camps/{camp.slug}/teams/{team.id}/join-requests",
                      follow_redirects=True)
    assert "locked" in _flash(res.get_data(as_text=True))
    assert _members(team.id) == [lead.id, member.id]
    html = client.get(f"/camps/{camp.slug}/teams/{team.id}").get_data(as_text=True)
    assert "Locked" in html
    if how == "camp":
        assert client.get(f"/camps/{camp.slug}/teams/new").status_code == 200
        res = client.post(f"/camps/{camp.slug}/teams/new",
                          data={"name": "Sent", "challenge_id": challenge.id})
        assert res.status_code == 200 and db.session.execute(
            select(Team).where(Team.name == "Sent")).scalar() is None
    # Organisers may still approve after the lock.
    login(organiser)
    client.post(f"/camps/{camp.slug}/teams/{team.id}/join-requests/{jr.id}/approve")
    assert asker.id in _members(team.id)


# -- leaving and the lead --------------------------------------------------------------------

def test_leaving_hands_the_lead_to_the_longest_member(client, login):
    camp, challenge, _ = _camp()
    lead, first, second = _seated(camp), _seated(camp), _seated(camp)
    team = make_team(camp, challenge, lead=lead, members=[first, second])
    login(lead)
    res = client.post(f"/camps/{camp.slug}/teams/{team.id}/leave")
    assert res.status_code == 303
    db.session.refresh(team)
    assert team.lead_id == first.id and _members(team.id) == [first.id, second.id]
    login(second)
    client.post(f"/camps/{camp.slug}/teams/{team.id}/leave")
    login(first)
    client.post(f"/camps/{camp.slug}/teams/{team.id}/leave")
    db.session.refresh(team)
    assert team.lead_id is None and _members(team.id) == []
    # Someone who is not a member cannot "leave".
    assert client.post(f"/camps/{camp.slug}/teams/{team.id}/leave").status_code == 403


def test_hand_over_the_lead(client, login):
    camp, challenge, _ = _camp()
    lead, member, outsider = _seated(camp), _seated(camp, name="Mia Medlem"), _seated(camp)
    team = make_team(camp, challenge, lead=lead, members=[member])
    login(lead)
    html = client.get(f"/camps/{camp.slug}/teams/{team.id}").get_data(as_text=True)
    assert f'<option value="{member.id}">Mia Medlem</option>' in html
    url = f"/camps/{camp.slug}/teams/{team.id}/lead"
    res = client.post(url, data={"user_id": outsider.id}, follow_redirects=True)
    assert "flash-error" in res.get_data(as_text=True)
    db.session.refresh(team)
    assert team.lead_id == lead.id
    client.post(url, data={"user_id": member.id})
    db.session.refresh(team)
    assert team.lead_id == member.id
    assert client.post(url, data={"user_id": lead.id}).status_code == 403  # no longer lead


# -- my teams --------------------------------------------------------------------------------

def test_my_teams_across_camps(client, login):
    camp, challenge, _ = _camp()
    other, other_challenge, _ = _camp()
    user = _seated(camp)
    make_registration(other, user)
    make_team(camp, challenge, lead=user, name="Hold i den ene")
    make_team(other, other_challenge, lead=_seated(other), members=[user], name="Hold i anden")
    pending = make_team(camp, challenge, lead=_seated(camp), name="Tredje")
    db.session.add(JoinRequest(camp_id=camp.id, team_id=pending.id, user_id=user.id))
    db.session.commit()
    login(user)
    html = client.get("/me/teams").get_data(as_text=True)
    assert "Hold i den ene" in html and "Hold i anden" in html and "Tredje" in html
    assert camp.title in html and other.title in html
    assert 'href="/me/teams"' in html  # in the main navigation
    login(make_user())
    assert "Hold i den ene" not in client.get("/me/teams").get_data(as_text=True)
