"""People's choice: one final vote per participant, in the window, never for one's own team;
organisers set the window, see the counts, export them and publish them."""
import html
from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from camp.audit import AuditEvent
from camp.camps.models import Camp
from camp.db import utcnow
from camp.errors import DomainError
from camp.extensions import db
from camp.judging import votes as services
from camp.judging.models import Vote
from camp.prototypes.models import Prototype, PrototypeStatus
from camp.registrations.models import RegistrationStatus
from tests.concurrency import run_at_once
from tests.factories import make_camp, make_challenge, make_prototype, make_registration, \
    make_team, make_user


def vote_world(open_window=True, **camp_kw):
    organiser = make_user(name="Ole Organisator", locale="en")
    camp = make_camp(organiser=organiser, **camp_kw)
    if open_window:
        camp.voting_opens_at = utcnow() - timedelta(hours=1)
        camp.voting_closes_at = utcnow() + timedelta(hours=1)
    challenge = make_challenge(camp, title="Ensomhed blandt ældre")
    lead = make_user(name="Lene Leder", locale="en")
    team = make_team(camp, challenge, lead=lead, name="Hold Nord")
    other_lead = make_user(name="Søren Syd", locale="en")
    other_team = make_team(camp, challenge, lead=other_lead, name="Hold Syd")
    voter = make_user(name="Vera Vælger", locale="en")
    for user in (lead, other_lead, voter):
        make_registration(camp, user)
    prototype = make_prototype(team, title="Besøgsven på hjul")
    other = make_prototype(other_team, title="Fælleskøkken")
    db.session.commit()
    return SimpleNamespace(camp=camp, organiser=organiser, challenge=challenge, lead=lead,
                           team=team, other_lead=other_lead, other_team=other_team,
                           voter=voter, prototype=prototype, other=other)


def _votes():
    db.session.expire_all()
    return db.session.execute(select(Vote).order_by(Vote.id)).scalars().all()


def _vote_url(w, prototype=None):
    return f"/camps/{w.camp.slug}/prototypes/{(prototype or w.prototype).id}/vote"


def _show_url(w, prototype=None):
    return f"/camps/{w.camp.slug}/prototypes/{(prototype or w.prototype).id}"


def _page(client, url):
    """The page's text with entities resolved (messages carry apostrophes and quotes)."""
    return html.unescape(client.get(url, follow_redirects=True).get_data(as_text=True))


# --- Casting a vote -----------------------------------------------------------------------

def test_a_participant_votes_through_the_panel(client, login):
    w = vote_world()
    login(w.voter)
    page = _page(client, _show_url(w))
    assert "People's choice" in page and "Voting is open" in page
    assert f'action="{_vote_url(w)}"' in page and "Your vote is final" in page
    res = client.post(_vote_url(w))
    assert res.status_code == 303 and res.headers["Location"].endswith("#peoples-choice")
    page = _page(client, res.headers["Location"])
    assert "Your vote for “Besøgsven på hjul” is counted." in page
    assert "You voted for this prototype." in page and f'action="{_vote_url(w)}"' not in page
    [vote] = _votes()
    assert (vote.camp_id, vote.voter_id, vote.prototype_id) == (
        w.camp.id, w.voter.id, w.prototype.id)
    assert db.session.execute(select(AuditEvent).where(
        AuditEvent.action == "votes.cast")).scalar_one().actor_id == w.voter.id
    # On another prototype's page the panel names the vote and offers no button.
    page = _page(client, _show_url(w, w.other))
    assert "You voted for" in page and "Besøgsven på hjul" in page
    assert f'action="{_vote_url(w, w.other)}"' not in page


def test_voting_twice_is_refused_and_the_first_vote_stays(client, login):
    w = vote_world()
    login(w.voter)
    assert client.post(_vote_url(w)).status_code == 303
    res = client.post(_vote_url(w, w.other))
    assert res.status_code == 303
    page = _page(client, res.headers["Location"])
    assert "You have already voted for “Besøgsven på hjul”. A vote is final." in page
    [vote] = _votes()
    assert vote.prototype_id == w.prototype.id
    # The same prototype again: refused too.
    with pytest.raises(DomainError, match="har allerede stemt"):
        services.cast_vote(w.voter, w.camp, w.prototype)
    db.session.rollback()
    assert len(_votes()) == 1


def test_two_votes_at_the_same_moment_leave_exactly_one(app):
    w = vote_world()
    camp_id, voter_id = w.camp.id, w.voter.id
    targets = [w.prototype.id, w.other.id]
    db.session.commit()

    def job(prototype_id):
        def run():
            from camp.auth.models import User
            services.cast_vote(db.session.get(User, voter_id), db.session.get(Camp, camp_id),
                               db.session.get(Prototype, prototype_id))
        return run
    outcomes = run_at_once(app, [job(targets[0]), job(targets[1])])
    assert sorted(o == "ok" for o in outcomes) == [False, True], outcomes
    refused = next(o for o in outcomes if o != "ok")
    assert "har allerede stemt" in refused and not refused.startswith("error")
    assert db.session.execute(select(func.count(Vote.id))).scalar_one() == 1


def test_the_unique_constraint_guards_a_vote_that_raced_past_the_check(app, monkeypatch):
    """As on PostgreSQL without a lock: the check saw no vote, the insert meets one."""
    w = vote_world()
    db.session.add(Vote(camp_id=w.camp.id, voter_id=w.voter.id, prototype_id=w.other.id))
    db.session.commit()
    monkeypatch.setattr(services, "vote_of", lambda user, camp: None)
    with pytest.raises(DomainError, match="har allerede stemt") as exc:
        services.cast_vote(w.voter, w.camp, w.prototype)
    assert exc.value.status == 409
    db.session.rollback()
    assert [v.prototype_id for v in _votes()] == [w.other.id]


def test_no_vote_for_ones_own_team(client, login):
    w = vote_world()
    login(w.lead)
    page = _page(client, _show_url(w))
    assert "You cannot vote for your own team's prototype." in page
    assert f'action="{_vote_url(w)}"' not in page
    res = client.post(_vote_url(w))
    assert "You cannot vote for your own team's prototype." in _page(
        client, res.headers["Location"])
    assert _votes() == []
    # ... but for another team's prototype, yes.
    assert f'action="{_vote_url(w, w.other)}"' in _page(client, _show_url(w, w.other))
    services.cast_vote(w.lead, w.camp, w.other)
    db.session.commit()
    assert len(_votes()) == 1


@pytest.mark.parametrize("opens,closes,expected", [
    (timedelta(hours=1), timedelta(hours=2), "Voting has not opened yet. It is open from"),
    (-timedelta(hours=2), -timedelta(hours=1), "Voting closed"),
    (None, None, "the organisers have not opened it yet"),
])
def test_outside_the_window_is_refused(client, login, opens, closes, expected):
    w = vote_world(open_window=False)
    now = utcnow()
    w.camp.voting_opens_at = now + opens if opens is not None else None
    w.camp.voting_closes_at = now + closes if closes is not None else None
    db.session.commit()
    login(w.voter)
    page = _page(client, _show_url(w))
    assert f'action="{_vote_url(w)}"' not in page
    assert ("Not open yet" if opens is not None and opens > timedelta(0)
            else "Voting is closed") in page
    res = client.post(_vote_url(w))
    assert res.status_code == 303
    assert expected in _page(client, res.headers["Location"])
    assert _votes() == []


def test_the_window_edges_use_the_given_time(app):
    w = vote_world(open_window=False)
    w.camp.voting_opens_at = datetime(2030, 5, 1, 10, 0, tzinfo=utcnow().tzinfo)
    w.camp.voting_closes_at = datetime(2030, 5, 1, 12, 0, tzinfo=utcnow().tzinfo)
    db.session.commit()
    with pytest.raises(DomainError, match="ikke åbnet endnu"):
        services.cast_vote(w.voter, w.camp, w.prototype,
                           now=w.camp.voting_opens_at - timedelta(seconds=1))
    db.session.rollback()
    with pytest.raises(DomainError, match="Afstemningen lukkede"):
        services.cast_vote(w.voter, w.camp, w.prototype, now=w.camp.voting_closes_at)
    db.session.rollback()
    vote = services.cast_vote(w.voter, w.camp, w.prototype, now=w.camp.voting_opens_at)
    db.session.commit()
    assert vote.id is not None


def test_a_draft_prototype_takes_no_votes(client, login):
    w = vote_world()
    team = make_team(w.camp, w.challenge, lead=make_user(), name="Hold Øst")
    draft = make_prototype(team, title="Kladde", status=PrototypeStatus.draft,
                           submitted_at=None)
    login(w.voter)
    # The voter cannot even see the draft: 404, nothing stored.
    assert client.post(_vote_url(w, draft)).status_code == 404
    with pytest.raises(DomainError, match="Kun indsendte prototyper"):
        services.cast_vote(w.voter, w.camp, draft)
    db.session.rollback()
    # An organiser (who sees drafts) with a seat is refused with a message too.
    make_registration(w.camp, w.organiser)
    login(w.organiser)
    res = client.post(_vote_url(w, draft))
    assert res.status_code == 303
    assert "Only submitted prototypes take part" in _page(client, res.headers["Location"])
    assert _votes() == []


def test_another_camps_prototype_is_not_found(client, login):
    w = vote_world()
    elsewhere = vote_world()
    login(w.voter)
    url = f"/camps/{w.camp.slug}/prototypes/{elsewhere.prototype.id}/vote"
    assert client.post(url).status_code == 404
    with pytest.raises(DomainError, match="hører ikke til denne camp"):
        services.cast_vote(w.voter, w.camp, elsewhere.prototype)
    db.session.rollback()
    assert _votes() == []


def test_without_a_confirmed_seat_there_is_no_vote(client, login):
    w = vote_world()
    guest = make_user(locale="en")
    waiting = make_user(locale="en")
    make_registration(w.camp, waiting, status=RegistrationStatus.waitlisted)
    for user in (guest, waiting):
        login(user)
        page = _page(client, _show_url(w))
        assert "Only participants with a confirmed seat at the camp can vote." in page
        assert f'action="{_vote_url(w)}"' not in page
        assert client.post(_vote_url(w)).status_code == 403
    with pytest.raises(DomainError, match="bekræftet plads"):
        services.cast_vote(guest, w.camp, w.prototype)
    db.session.rollback()
    login(None)
    page = _page(client, _show_url(w))
    assert "Log ind for at stemme" in page
    assert client.post(_vote_url(w)).status_code == 302
    assert _votes() == []


# --- The organisers -----------------------------------------------------------------------

def _manage(w):
    return f"/camps/{w.camp.slug}/manage/votes"


def test_organiser_sets_the_window_in_the_camps_time(client, login):
    w = vote_world(open_window=False)
    login(w.organiser)
    page = client.get(_manage(w)).get_data(as_text=True)
    assert "Voting window" in page and "Voting is closed" in page
    res = client.post(_manage(w), data={"voting_opens_at": "2030-06-01T10:00",
                                        "voting_closes_at": "2030-06-01T16:30"})
    assert res.status_code == 303
    db.session.expire_all()
    camp = db.session.get(Camp, w.camp.id)
    # Copenhagen is UTC+2 in summer.
    assert camp.voting_opens_at.isoformat() == "2030-06-01T08:00:00+00:00"
    assert camp.voting_closes_at.isoformat() == "2030-06-01T14:30:00+00:00"
    page = client.get(_manage(w)).get_data(as_text=True)
    assert 'value="2030-06-01T10:00"' in page and "Not open yet" in page
    event = db.session.execute(select(AuditEvent).where(
        AuditEvent.action == "votes.window")).scalar_one()
    assert event.data["opens"].startswith("2030-06-01T08:00")


@pytest.mark.parametrize("data,field,message", [
    ({"voting_opens_at": "2030-06-01T10:00", "voting_closes_at": "2030-06-01T10:00"},
     "voting_closes_at", "Voting must close after it opens."),
    ({"voting_opens_at": "2030-06-01T10:00", "voting_closes_at": "2030-06-01T09:00"},
     "voting_closes_at", "Voting must close after it opens."),
    ({"voting_opens_at": "2030-06-01T10:00", "voting_closes_at": ""},
     "voting_closes_at", "Give both times"),
    ({"voting_opens_at": "i morgen", "voting_closes_at": "2030-06-01T09:00"},
     "voting_opens_at", "Enter a date and a time."),
])
def test_a_bad_window_is_refused_on_its_field(client, login, data, field, message):
    w = vote_world()
    before = (w.camp.voting_opens_at, w.camp.voting_closes_at)
    login(w.organiser)
    res = client.post(_manage(w), data=data)
    assert res.status_code == 200
    page = res.get_data(as_text=True)
    assert f'id="{field}-error"' in page and message in page
    db.session.expire_all()
    camp = db.session.get(Camp, w.camp.id)
    assert (camp.voting_opens_at, camp.voting_closes_at) == before


def test_empty_window_closes_voting(client, login):
    w = vote_world()
    login(w.organiser)
    assert client.post(_manage(w), data={"voting_opens_at": "",
                                         "voting_closes_at": ""}).status_code == 303
    db.session.expire_all()
    camp = db.session.get(Camp, w.camp.id)
    assert camp.voting_opens_at is None and camp.voting_closes_at is None
    assert services.window_state(camp) == services.UNSET


def _cast(w, voter, prototype):
    services.cast_vote(voter, w.camp, prototype)
    db.session.commit()


def _three_votes(w):
    """Two for the other team's prototype, one for the first; a third prototype gets none."""
    _cast(w, w.voter, w.other)
    _cast(w, w.lead, w.other)
    _cast(w, w.other_lead, w.prototype)


def test_ranking_shares_ranks_on_ties(app):
    w = vote_world()
    third_team = make_team(w.camp, w.challenge, lead=make_user(), name="Hold Vest")
    third = make_prototype(third_team, title="Cykelbudet")
    _cast(w, w.voter, w.other)
    _cast(w, w.lead, w.other)
    rows = services.results(w.camp)
    assert [(r.rank, r.title, r.votes) for r in rows] == [
        (1, "Fælleskøkken", 2), (2, "Besøgsven på hjul", 0), (2, "Cykelbudet", 0)]
    _cast(w, w.other_lead, third)
    rows = services.results(w.camp)
    assert [(r.rank, r.votes) for r in rows] == [(1, 2), (2, 1), (3, 0)]


def test_organiser_sees_counts_and_publishes(client, login):
    w = vote_world()
    _three_votes(w)
    login(w.organiser)
    page = client.get(_manage(w)).get_data(as_text=True)
    assert "3</span> votes cast" in page and "Not published" in page
    assert page.index("Fælleskøkken") < page.index("Besøgsven på hjul")
    # Not yet public: a participant is refused, an anonymous visitor sent to log in.
    results = f"/camps/{w.camp.slug}/votes/results"
    assert client.get(results).status_code == 200
    login(w.voter)
    assert client.get(results).status_code == 403
    login(None)
    assert client.get(results).status_code == 302
    login(w.organiser)
    res = client.post(f"/camps/{w.camp.slug}/manage/votes/publish")
    assert res.status_code == 303
    db.session.expire_all()
    assert db.session.get(Camp, w.camp.id).votes_published_at is not None
    login(None)
    page = client.get(results).get_data(as_text=True)
    assert "har afgivet 3 stemmer" in page and "ikke offentliggjort" not in page
    assert page.index("Fælleskøkken") < page.index("Besøgsven på hjul")
    assert "<td class=\"num\">2</td>" in page
    # The gallery and the prototype page link to the results now.
    assert results in client.get(f"/camps/{w.camp.slug}/gallery/").get_data(as_text=True)
    assert results in _page(client, _show_url(w))
    login(w.organiser)
    assert client.post(f"/camps/{w.camp.slug}/manage/votes/unpublish").status_code == 303
    login(None)
    assert client.get(results).status_code == 302
    actions = db.session.execute(select(AuditEvent.action).where(
        AuditEvent.action.like("votes.%publish"))).scalars().all()
    assert actions == ["votes.publish", "votes.unpublish"]


def test_results_csv(client, login):
    w = vote_world()
    _three_votes(w)
    login(w.organiser)
    res = client.get(f"/camps/{w.camp.slug}/manage/votes.csv")
    assert res.status_code == 200 and res.mimetype == "text/csv"
    assert "peoples-choice.csv" in res.headers["Content-Disposition"]
    text = res.get_data().decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "Rank;Prototype;Team;Challenge;Votes;Address"
    assert lines[1].startswith("1;Fælleskøkken;Hold Syd;Ensomhed blandt ældre;2;http")
    assert lines[1].endswith(f"/prototypes/{w.other.id}")
    assert lines[2].startswith("2;Besøgsven på hjul;Hold Nord;Ensomhed blandt ældre;1;")
    assert len(lines) == 3


def test_the_public_title_is_the_submitted_one(app):
    """An unsubmitted draft title never shows in the results."""
    w = vote_world()
    w.prototype.title = "Hemmelig ny titel"
    db.session.commit()
    titles = [r.title for r in services.results(w.camp)]
    assert "Besøgsven på hjul" in titles and "Hemmelig ny titel" not in titles


def test_votes_are_in_the_personal_data_export(app):
    from camp.auth.services import export_user_data
    w = vote_world()
    _cast(w, w.voter, w.prototype)
    data = export_user_data(w.voter)
    assert data["peoples_choice_votes"][0]["prototype"] == "Besøgsven på hjul"
    assert data["peoples_choice_votes"][0]["camp"] == w.camp.slug
