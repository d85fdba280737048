"""The read API (issue 9): what each caller sees, hidden objects as 404, pagination, JSON
errors and a constant number of queries per list.

Callers here sign in with the session (login fixture); tests/test_api_tokens.py covers
the API tokens.
"""
from __future__ import annotations

import json
from datetime import timedelta

import pytest

from camp.camps.models import CampStatus, ProgrammeItem, Role
from camp.challenges.models import ChallengeStatus
from camp.db import utcnow
from camp.extensions import db
from camp.prototypes.models import PrototypeStatus
from tests.conftest import count_queries
from tests.factories import add_role, make_camp, make_challenge, \
    make_prototype, make_registration, make_team, make_user


@pytest.fixture
def world():
    """A published camp (with a draft and a declined challenge, a team with a submitted
    and a team with a draft prototype, a trial, a charter) and a draft camp."""
    from camp.trials.models import Party, PartyRole, Trial, TrialPrototype
    organiser, owner, lead, member, outsider = (make_user(locale="en") for _ in range(5))
    camp = make_camp(organiser=organiser, status=CampStatus.published)
    draft_camp = make_camp(organiser=organiser, status=CampStatus.draft)
    db.session.add(ProgrammeItem(camp=camp, title="Velkomst", starts_at=camp.starts_at,
                                 ends_at=camp.starts_at + timedelta(hours=1)))
    published = make_challenge(camp, owner, title="Ensomhed")
    hidden = make_challenge(camp, owner, title="Kladde", status=ChallengeStatus.draft,
                            published_at=None, contacts="Ring til Bo")
    declined = make_challenge(camp, make_user(), title="Afvist",
                              status=ChallengeStatus.declined, decline_reason="Uden for tema")
    for user in (lead, member):
        make_registration(camp, user)
    team = make_team(camp, published, lead=lead, members=[member], name="Alfa")
    submitted = make_prototype(team, title="Besøgsven")
    other_team = make_team(camp, published, lead=outsider, name="Beta")
    draft = make_prototype(other_team, title="Hemmelig kladde",
                           status=PrototypeStatus.draft, submitted_at=None)
    trial = Trial(camp_id=camp.id, challenge_id=published.id, title="Besøgsven i praksis",
                  created_by_id=owner.id)
    db.session.add(trial)
    db.session.flush()
    db.session.add_all([
        TrialPrototype(trial_id=trial.id, prototype_id=submitted.id),
        Party(trial_id=trial.id, organisation="Roskilde Kommune", contact_name="Ejer",
              contact_email="ejer@example.dk", role=PartyRole.owner, commitment="To folk.",
              agreed_at=utcnow()),
        Party(trial_id=trial.id, organisation="Ældresagen", contact_name="Frivillig",
              contact_email="frivillig@example.dk", commitment="Endnu ikke aftalt.")])
    db.session.commit()
    return dict(organiser=organiser, owner=owner, lead=lead, member=member,
                outsider=outsider, camp=camp, draft_camp=draft_camp, published=published,
                hidden=hidden, declined=declined, team=team, submitted=submitted,
                draft=draft, trial=trial)


def _get(client, url, status=200):
    res = client.get(url)
    assert res.status_code == status, (url, res.status_code, res.get_data(as_text=True))
    assert res.mimetype == "application/json"
    return res.get_json()


def _titles(body, key="title"):
    return [item[key] for item in body["items"]]


# -- camps -----------------------------------------------------------------------------

def test_camps_list_public_camps_and_the_callers_drafts(client, login, world):
    camp, draft = world["camp"], world["draft_camp"]
    assert _titles(_get(client, "/api/v1/camps"), "slug") == [camp.slug]
    login(world["outsider"])
    assert _titles(_get(client, "/api/v1/camps"), "slug") == [camp.slug]
    login(world["organiser"])
    assert set(_titles(_get(client, "/api/v1/camps"), "slug")) == {camp.slug, draft.slug}
    login(make_user(is_admin=True))
    assert set(_titles(_get(client, "/api/v1/camps"), "slug")) == {camp.slug, draft.slug}
    staff = make_user()
    add_role(staff, draft, Role.staff)
    login(staff)
    assert set(_titles(_get(client, "/api/v1/camps"), "slug")) == {camp.slug, draft.slug}


def test_draft_camp_is_404_for_others_and_everything_under_it(client, login, world):
    draft = world["draft_camp"]
    for suffix in ("", "/programme", "/challenges", "/teams", "/prototypes", "/trials"):
        body = _get(client, f"/api/v1/camps/{draft.slug}{suffix}", 404)
        assert body["error"] == "not_found" and body["message"]
    login(world["organiser"])
    body = _get(client, f"/api/v1/camps/{draft.slug}")
    assert body["status"] == "draft" and body["seats_left"] == draft.capacity


def test_camp_detail_and_programme(client, world):
    camp = world["camp"]
    body = _get(client, f"/api/v1/camps/{camp.slug}")
    assert body["title"] == camp.title and body["status"] == "published"
    assert body["seats_left"] == camp.capacity - 2
    assert body["url"].endswith(f"/camps/{camp.slug}/")
    assert body["starts_at"].startswith(camp.starts_at.strftime("%Y-%m-%dT%H:%M"))
    items = _get(client, f"/api/v1/camps/{camp.slug}/programme")["items"]
    assert [i["title"] for i in items] == ["Velkomst"]


# -- challenges ------------------------------------------------------------------------

def test_challenges_as_the_pages_show_them(client, login, world):
    camp = world["camp"]
    url = f"/api/v1/camps/{camp.slug}/challenges"
    assert _titles(_get(client, url)) == ["Ensomhed"]
    login(world["owner"])  # owns the published one and the draft
    assert _titles(_get(client, url)) == ["Ensomhed", "Kladde"]
    login(world["organiser"])
    assert _titles(_get(client, url)) == ["Afvist", "Ensomhed", "Kladde"]
    declined = next(c for c in _get(client, url)["items"] if c["title"] == "Afvist")
    assert declined["decline_reason"] == "Uden for tema"
    published = next(c for c in _get(client, url)["items"] if c["title"] == "Ensomhed")
    assert published["decline_reason"] is None
    assert published["values"] == [{"dimension": "quality",
                                     "how_noticed": "Færre føler sig ensomme."}]
    assert published["owners"] == [{"name": world["owner"].name,
                                    "organisation": world["owner"].organisation}]


def test_hidden_challenge_and_other_camps_ids_answer_404(client, login, world):
    camp, hidden = world["camp"], world["hidden"]
    url = f"/api/v1/camps/{camp.slug}/challenges/{hidden.id}"
    _get(client, url, 404)
    login(world["outsider"])
    _get(client, url, 404)
    login(world["owner"])
    assert _get(client, url)["contacts"] == "Ring til Bo"
    # A challenge of another camp, asked for under this camp's address.
    other = make_challenge(make_camp(), title="Andensteds")
    _get(client, f"/api/v1/camps/{camp.slug}/challenges/{other.id}", 404)
    _get(client, f"/api/v1/camps/{camp.slug}/teams/{world['team'].id + 1000}", 404)
    _get(client, f"/api/v1/camps/{camp.slug}/challenges/{world['published'].id}")


# -- teams -----------------------------------------------------------------------------

def test_teams_with_members_by_name_never_by_email(client, world):
    camp, lead = world["camp"], world["lead"]
    body = _get(client, f"/api/v1/camps/{camp.slug}/teams")
    assert _titles(body, "name") == ["Alfa", "Beta"]
    alfa = body["items"][0]
    assert alfa["size"] == 2 and alfa["challenge"]["title"] == "Ensomhed"
    assert {m["name"] for m in alfa["members"]} == {lead.name, world["member"].name}
    assert [m["lead"] for m in alfa["members"]] == [True, False]
    assert "@" not in json.dumps(body)
    one = _get(client, f"/api/v1/camps/{camp.slug}/teams/{world['team'].id}")
    assert one == alfa


# -- prototypes ------------------------------------------------------------------------

def test_prototypes_submitted_for_all_drafts_for_those_who_may(client, login, world):
    camp, draft = world["camp"], world["draft"]
    url = f"/api/v1/camps/{camp.slug}/prototypes"
    assert _titles(_get(client, url)) == ["Besøgsven"]
    _get(client, f"{url}/{draft.id}", 404)
    login(world["lead"])  # in the other team
    assert _titles(_get(client, url)) == ["Besøgsven"]
    _get(client, f"{url}/{draft.id}", 404)
    for who in ("outsider", "owner", "organiser"):  # its team, the challenge's owner, ...
        login(world[who])
        assert _titles(_get(client, url)) == ["Besøgsven", "Hemmelig kladde"], who
        assert _get(client, f"{url}/{draft.id}")["draft"] is True


def test_others_read_the_submission_the_team_its_draft(client, login, world):
    camp, prototype = world["camp"], world["submitted"]
    prototype.title = "Besøgsven 2 (under arbejde)"
    prototype.links = "https://example.org/a\n\nhttps://example.org/b"
    db.session.commit()
    url = f"/api/v1/camps/{camp.slug}/prototypes/{prototype.id}"
    body = _get(client, url)
    assert body["title"] == "Besøgsven" and body["draft"] is False
    assert body["revision"] == 1 and body["status"] == "submitted"
    assert body["team"] == {"id": world["team"].id, "name": "Alfa"}
    login(world["member"])
    body = _get(client, url)
    assert body["title"] == "Besøgsven 2 (under arbejde)" and body["draft"] is True
    assert body["links"] == ["https://example.org/a", "https://example.org/b"]


# -- trials ----------------------------------------------------------------------------

def test_trials_without_contact_emails_and_unagreed_commitments(client, world):
    camp, trial = world["camp"], world["trial"]
    body = _get(client, f"/api/v1/camps/{camp.slug}/trials")
    assert _titles(body) == ["Besøgsven i praksis"]
    assert body["items"][0]["prototypes"] == [{"id": world["submitted"].id,
                                               "title": "Besøgsven"}]
    one = _get(client, f"/api/v1/trials/{trial.id}")
    assert one["camp"] == {"slug": camp.slug, "title": camp.title}
    parties = {p["organisation"]: p for p in one["parties"]}
    assert parties["Roskilde Kommune"]["commitment"] == "To folk."
    assert parties["Ældresagen"]["commitment"] is None
    assert parties["Ældresagen"]["contact_name"] == "Frivillig"
    assert "@" not in json.dumps(one)


def test_trial_of_a_draft_camp_is_404(client, login, world):
    from camp.trials.models import Trial
    draft = world["draft_camp"]
    challenge = make_challenge(draft)
    trial = Trial(camp_id=draft.id, challenge_id=challenge.id, title="Skjult")
    db.session.add(trial)
    db.session.commit()
    _get(client, f"/api/v1/trials/{trial.id}", 404)
    _get(client, "/api/v1/trials/2147483647", 404)
    login(world["organiser"])
    assert _get(client, f"/api/v1/trials/{trial.id}")["title"] == "Skjult"


# -- charters --------------------------------------------------------------------------

def test_charters_visible_as_on_the_site_with_numbered_clauses(client, login, world):
    from camp.charters.models import Charter, CharterVersion, Clause, Section
    standalone = Charter(slug="nationalt", title="Nationalt charter")
    hidden = Charter(slug="kladde-charter", title="Kladde", camp_id=world["draft_camp"].id)
    section = Section(charter=standalone, position=1, title="Principper")
    db.session.add_all([standalone, hidden, section])
    db.session.flush()
    db.session.add_all([
        Clause(charter_id=standalone.id, section_id=section.id, position=1, text="Ligeværd."),
        Clause(charter_id=standalone.id, section_id=section.id, position=2, text="Fjernet.",
               removed_at=utcnow()),
        Clause(charter_id=standalone.id, section_id=section.id, position=3, text="Åbenhed."),
        CharterVersion(charter_id=standalone.id, number=1, snapshot={}, changelog=[])])
    db.session.commit()
    assert _titles(_get(client, "/api/v1/charters"), "slug") == ["nationalt"]
    _get(client, "/api/v1/charters/kladde-charter", 404)
    body = _get(client, "/api/v1/charters/nationalt")
    assert body["camp"] is None and body["latest_version"]["number"] == 1
    assert body["sections"] == [{"number": 1, "title": "Principper", "clauses": [
        {"id": body["sections"][0]["clauses"][0]["id"], "number": "1.1", "text": "Ligeværd."},
        {"id": body["sections"][0]["clauses"][1]["id"], "number": "1.2", "text": "Åbenhed."}]}]
    login(world["organiser"])
    assert set(_titles(_get(client, "/api/v1/charters"), "slug")) == {"nationalt",
                                                                      "kladde-charter"}


# -- pagination and errors -------------------------------------------------------------

def test_pagination_envelope_stable_order_and_limits(client, world):
    camp = world["camp"]
    for n in range(5):
        make_challenge(camp, title=f"Ekstra {n}")
    url = f"/api/v1/camps/{camp.slug}/challenges"
    seen = []
    for page in (1, 2, 3):
        body = _get(client, f"{url}?per_page=2&page={page}")
        assert (body["page"], body["per_page"], body["total"], body["pages"]) == \
            (page, 2, 6, 3)
        seen += _titles(body)
    assert seen == sorted(seen, key=str.lower) and len(set(seen)) == 6
    assert _get(client, f"{url}?per_page=2&page=4")["items"] == []
    assert _get(client, f"{url}?per_page=100")["total"] == 6
    for bad in ("per_page=101", "per_page=0", "page=0", "page=x"):
        body = _get(client, f"{url}?{bad}", 422)
        assert body["error"] == "unprocessable_entity" and body["errors"]["query"], bad


def test_errors_are_json_and_writes_are_not_allowed(client, login, world):
    login(world["organiser"])
    assert _get(client, "/api/v1/camps/no-such-camp", 404)["error"] == "not_found"
    res = client.post("/api/v1/camps")
    assert res.status_code == 405 and res.get_json()["error"] == "method_not_allowed"
    res = client.delete(f"/api/v1/camps/{world['camp'].slug}")
    assert res.status_code == 405


# -- queries ---------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["teams", "prototypes", "challenges", "trials"])
def test_list_queries_do_not_grow_with_the_data(client, login, world, path):
    from camp.trials.models import Trial, TrialPrototype
    camp = world["camp"]
    login(world["owner"])
    url = f"/api/v1/camps/{camp.slug}/{path}?per_page=100"

    def add_some():
        for _ in range(3):
            challenge = make_challenge(camp, make_user())
            team = make_team(camp, challenge, lead=make_user(), members=[make_user()])
            prototype = make_prototype(team)
            trial = Trial(camp_id=camp.id, challenge_id=challenge.id, title="T")
            db.session.add(trial)
            db.session.flush()
            db.session.add(TrialPrototype(trial_id=trial.id, prototype_id=prototype.id))
        db.session.commit()

    client.get(url)  # warm up
    with count_queries() as before:
        small = client.get(url).get_json()
    add_some()
    add_some()
    with count_queries() as after:
        big = client.get(url).get_json()
    assert big["total"] > small["total"]
    assert after() == before(), (before(), after())
