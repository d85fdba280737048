"""Teams ask their challenge's owners; owners answer or decline; everyone is told."""
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from camp.audit import AuditEvent
from camp.camps.models import CampStatus
from camp.challenges import requests as services
from camp.challenges.models import ChallengeOwner, ChallengeStatus, QuestionRequest, \
    RequestKind, RequestStatus
from camp.db import utcnow
from camp.errors import Conflict, DomainError
from camp.extensions import db
from tests.concurrency import run_at_once
from tests.factories import make_camp, make_challenge, make_registration, make_team, make_user


def _world(**camp_kw):
    organiser = make_user(name="Ole Organisator")
    camp = make_camp(organiser=organiser, **camp_kw)
    owner = make_user(name="Olga Ejer", email="olga@example.dk", locale="en")
    co_owner = make_user(name="Carl Medejer", email="carl@example.dk")
    challenge = make_challenge(camp, owner, title="Ensomhed blandt ældre",
                               owner_organisation="Aarhus Kommune")
    db.session.add(ChallengeOwner(challenge=challenge, user=co_owner))
    lead = make_user(name="Lene Leder", email="lene@example.dk")
    member = make_user(name="Mads Medlem")
    team = make_team(camp, challenge, lead=lead, members=[member], name="Hold Nord")
    for user in (lead, member):
        make_registration(camp, user)
    db.session.commit()
    return SimpleNamespace(camp=camp, organiser=organiser, owner=owner, co_owner=co_owner,
                           challenge=challenge, lead=lead, member=member, team=team)


def _ask(w, text="Kan vi tale med en hjemmehjælper i eftermiddag?", **kw):
    req = services.ask(w.lead, w.camp, w.team, kw.pop("kind", "resource"), text, **kw)
    db.session.commit()
    return req


def _requests():
    db.session.expire_all()
    return db.session.execute(select(QuestionRequest).order_by(QuestionRequest.id)
                              ).scalars().all()


def _team_url(w):
    return f"/camps/{w.camp.slug}/teams/{w.team.id}/requests"


# --- Asking -------------------------------------------------------------------------------

def test_member_asks_and_every_owner_gets_an_email(client, login, outbox):
    w = _world()
    login(w.member)
    page = client.get(_team_url(w)).get_data(as_text=True)
    assert "Ensomhed blandt ældre" in page and "Olga Ejer" in page
    assert 'name="kind"' in page and "frontmedarbejder" in page  # the hint
    res = client.post(_team_url(w), data={"kind": "resource",
                                          "text": "  Har I data om hvor mange der bor alene?  "})
    assert res.status_code == 303
    [req] = _requests()
    assert req.challenge_id == w.challenge.id and req.team_id == w.team.id
    assert req.kind == RequestKind.resource and req.status == RequestStatus.open
    assert req.text == "Har I data om hvor mange der bor alene?"
    assert req.asked_by_id == w.member.id
    assert sorted(m.to[0] for m in outbox) == ["carl@example.dk", "olga@example.dk"]
    mail = next(m for m in outbox if m.to == ["olga@example.dk"])
    assert "Hold Nord" in mail.subject
    assert "Har I data om hvor mange der bor alene?" in mail.body
    assert f"/camps/{w.camp.slug}/challenges/{w.challenge.id}/requests#request-{req.id}" \
        in mail.body
    assert db.session.execute(select(AuditEvent).where(
        AuditEvent.action == "request.create", AuditEvent.object_id == req.id)).scalar_one()
    page = client.get(_team_url(w)).get_data(as_text=True)
    assert "Har I data om hvor mange der bor alene?" in page
    assert "Waiting for an answer" in page or "Venter på svar" in page


def test_the_question_always_goes_to_the_teams_own_challenge(client, login, outbox):
    w = _world()
    other = make_challenge(w.camp, make_user(email="someone-else@example.dk"))
    login(w.lead)
    res = client.post(_team_url(w), data={"kind": "question", "text": "Hvem bestemmer?",
                                           "challenge_id": other.id,
                                           "challenge": other.id})
    assert res.status_code == 303
    [req] = _requests()
    assert req.challenge_id == w.challenge.id
    assert "someone-else@example.dk" not in [m.to[0] for m in outbox]


def test_only_members_may_ask(client, login, outbox):
    w = _world()
    outsider = make_user()
    make_registration(w.camp, outsider)
    login(outsider)
    assert client.get(_team_url(w)).status_code == 403
    assert client.post(_team_url(w), data={"kind": "question", "text": "Hej?"}
                       ).status_code == 403
    login(w.owner)  # the owner is not on the team either
    assert client.post(_team_url(w), data={"kind": "question", "text": "Hej?"}
                       ).status_code == 403
    login(None)
    assert client.post(_team_url(w), data={"kind": "question", "text": "Hej?"}
                       ).status_code == 302
    # The team through another camp's address: not found.
    other_camp = make_camp()
    login(w.lead)
    assert client.get(f"/camps/{other_camp.slug}/teams/{w.team.id}/requests"
                      ).status_code == 404
    assert _requests() == [] and outbox == []


@pytest.mark.parametrize("data,message", [
    ({"kind": "question", "text": "   "}, "Write your question or request."),
    ({"kind": "question", "text": "x" * 2001}, "Keep it under 2,000 characters."),
    ({"kind": "wish", "text": "Hej"}, "Not a valid choice"),
])
def test_bad_input_rerenders_with_the_error(client, login, outbox, data, message):
    w = _world()
    login(w.lead)
    client.post("/language", data={"lang": "en"})
    res = client.post(_team_url(w), data=data)
    assert res.status_code == 200
    assert message in res.get_data(as_text=True)
    assert _requests() == [] and outbox == []


def test_service_refuses_bad_text_and_duplicates(app):
    w = _world()
    with pytest.raises(DomainError) as exc:
        services.ask(w.lead, w.camp, w.team, "question", "")
    assert exc.value.field == "text"
    with pytest.raises(DomainError):
        services.ask(w.lead, w.camp, w.team, "question", "y" * 2001)
    with pytest.raises(DomainError) as exc:
        services.ask(w.lead, w.camp, w.team, "gossip", "Hej")
    assert exc.value.field == "kind"
    db.session.rollback()
    assert _ask(w, "x" * 2000).text == "x" * 2000  # the limit itself is fine
    with pytest.raises(Conflict):  # the same question twice (a double click)
        services.ask(w.lead, w.camp, w.team, "resource", "x" * 2000)


def test_refused_after_the_camp_has_ended(client, login, outbox):
    start = utcnow() - timedelta(days=3)
    w = _world(starts_at=start, ends_at=start + timedelta(hours=24))
    login(w.lead)
    client.post("/language", data={"lang": "en"})
    page = client.get(_team_url(w)).get_data(as_text=True)
    assert "The camp has ended" in page and 'name="text"' not in page
    res = client.post(_team_url(w), data={"kind": "question", "text": "Er der nogen?"})
    assert res.status_code == 200 and "The camp has ended" in res.get_data(as_text=True)
    assert _requests() == [] and outbox == []
    with pytest.raises(DomainError):
        services.ask(w.lead, w.camp, w.team, "question", "Er der nogen?")


def test_refused_when_the_camp_is_closed_or_the_challenge_not_published(client, login):
    w = _world()
    w.challenge.status = ChallengeStatus.accepted
    db.session.commit()
    login(w.lead)
    client.post("/language", data={"lang": "en"})
    res = client.post(_team_url(w), data={"kind": "question", "text": "Hej?"})
    assert "not published" in res.get_data(as_text=True)
    w.challenge.status = ChallengeStatus.published
    w.camp.status = CampStatus.closed
    db.session.commit()
    with pytest.raises(DomainError):
        services.ask(w.lead, w.camp, w.team, "question", "Hej?")
    assert _requests() == []


# --- Answering ----------------------------------------------------------------------------

def _challenge_url(w):
    return f"/camps/{w.camp.slug}/challenges/{w.challenge.id}/requests"


def test_owner_answers_and_the_asker_is_told(client, login, outbox):
    w = _world()
    req = _ask(w)
    login(w.owner)
    page = client.get(_challenge_url(w)).get_data(as_text=True)
    assert "Kan vi tale med en hjemmehjælper i eftermiddag?" in page
    assert f'id="request-{req.id}"' in page and f'name="answer-{req.id}-text"' in page
    res = client.post(f"/camps/{w.camp.slug}/requests/{req.id}/answer",
                      data={f"answer-{req.id}-text": "Ja, Birthe kommer kl. 14."})
    assert res.status_code == 303
    assert res.headers["Location"].endswith(_challenge_url(w))
    [stored] = _requests()
    assert stored.status == RequestStatus.answered and stored.answer == "Ja, Birthe kommer kl. 14."
    assert stored.answered_by_id == w.owner.id and stored.answered_at is not None
    [mail] = outbox
    assert mail.to == ["lene@example.dk"] and "Ja, Birthe kommer kl. 14." in mail.body
    assert f"/teams/{w.team.id}/requests" in mail.body
    assert db.session.execute(select(AuditEvent).where(
        AuditEvent.action == "request.answer")).scalar_one().actor_id == w.owner.id
    login(w.member)  # the whole team sees it, with who answered
    page = client.get(_team_url(w)).get_data(as_text=True)
    assert "Ja, Birthe kommer kl. 14." in page and "Olga Ejer" in page


def test_decline_needs_a_reason(client, login, outbox):
    w = _world()
    req = _ask(w)
    login(w.co_owner)
    client.post("/language", data={"lang": "en"})
    url = f"/camps/{w.camp.slug}/requests/{req.id}/decline"
    res = client.post(url, data={f"decline-{req.id}-text": "  "})
    assert res.status_code == 200
    assert "Tell the team why you decline." in res.get_data(as_text=True)
    assert _requests()[0].status == RequestStatus.open and outbox == []
    res = client.post(url, data={f"decline-{req.id}-text": "Vi har ikke personale i dag."})
    assert res.status_code == 303
    stored = _requests()[0]
    assert stored.status == RequestStatus.declined
    assert stored.answer == "Vi har ikke personale i dag."
    [mail] = outbox
    assert mail.to == ["lene@example.dk"] and "Vi har ikke personale i dag." in mail.body
    assert "Carl Medejer" in mail.body


def test_answer_is_required_and_limited(client, login):
    w = _world()
    req = _ask(w)
    login(w.owner)
    url = f"/camps/{w.camp.slug}/requests/{req.id}/answer"
    assert client.post(url, data={f"answer-{req.id}-text": ""}).status_code == 200
    assert client.post(url, data={f"answer-{req.id}-text": "z" * 2001}).status_code == 200
    assert _requests()[0].status == RequestStatus.open


def test_answering_twice_is_a_conflict_and_changes_nothing(client, login, outbox):
    w = _world()
    req = _ask(w)
    services.respond(w.owner, w.camp, req, RequestStatus.answered, "Første svar")
    db.session.commit()
    outbox.clear()
    login(w.co_owner)
    client.post("/language", data={"lang": "en"})
    for action in ("answer", "decline"):
        res = client.post(f"/camps/{w.camp.slug}/requests/{req.id}/{action}",
                          data={f"{action}-{req.id}-text": "Andet svar"})
        assert res.status_code == 409
        assert "Olga Ejer has already answered this request" in res.get_data(as_text=True)
    stored = _requests()[0]
    assert stored.answer == "Første svar" and stored.answered_by_id == w.owner.id
    assert outbox == []
    with pytest.raises(Conflict):
        services.respond(w.co_owner, w.camp, stored, RequestStatus.declined, "Nej")


def test_two_owners_answering_at_once(app):
    w = _world()
    req_id, camp_id = _ask(w).id, w.camp.id
    owner_ids = [w.owner.id, w.co_owner.id]

    def answer_as(user_id):
        def job():
            from camp.auth.models import User
            from camp.camps.models import Camp
            user, camp = db.session.get(User, user_id), db.session.get(Camp, camp_id)
            services.respond(user, camp, db.session.get(QuestionRequest, req_id),
                             RequestStatus.answered, f"Svar fra {user_id}")
        return job

    outcomes = run_at_once(app, [answer_as(uid) for uid in owner_ids])
    assert outcomes.count("ok") == 1, outcomes
    assert not any(o.startswith("error:") for o in outcomes), outcomes
    db.session.rollback()  # end our snapshot; read what the threads committed
    stored = _requests()[0]
    assert stored.answer == f"Svar fra {stored.answered_by_id}"
    assert len(db.session.execute(select(AuditEvent).where(
        AuditEvent.action == "request.answer")).scalars().all()) == 1


def test_only_owners_answer(client, login, outbox):
    w = _world()
    req = _ask(w)
    data = {f"answer-{req.id}-text": "Det må I gerne."}
    url = f"/camps/{w.camp.slug}/requests/{req.id}/answer"
    for user in (w.organiser, w.lead, make_user()):
        login(user)
        assert client.post(url, data=data).status_code == 403
    login(None)
    assert client.post(url, data=data).status_code == 302
    # Organisers see the requests but get no answer forms.
    login(w.organiser)
    page = client.get(_challenge_url(w)).get_data(as_text=True)
    assert "Kan vi tale med en hjemmehjælper" in page and "answer-" not in page
    # A request addressed through another camp is not found.
    other_camp = make_camp()
    login(w.owner)
    assert client.post(f"/camps/{other_camp.slug}/requests/{req.id}/answer",
                       data=data).status_code == 404
    assert client.get(f"/camps/{other_camp.slug}/challenges/{w.challenge.id}/requests"
                      ).status_code == 404
    assert _requests()[0].status == RequestStatus.open and outbox == []


def test_owner_of_another_challenge_cannot_answer(client, login):
    w = _world()
    req = _ask(w)
    rival = make_user()
    make_challenge(w.camp, rival)
    login(rival)
    assert client.post(f"/camps/{w.camp.slug}/requests/{req.id}/answer",
                       data={f"answer-{req.id}-text": "Ha"}).status_code == 403
    assert client.get(_challenge_url(w)).status_code == 403
    assert _requests()[0].status == RequestStatus.open


# --- The owner's inbox --------------------------------------------------------------------

def test_inbox_lists_open_requests_across_camps_oldest_first(client, login):
    w = _world()
    now = utcnow()
    newer = _ask(w, "Nyere spørgsmål", now=now - timedelta(minutes=5))
    older = _ask(w, "Ældre spørgsmål", now=now - timedelta(minutes=50))
    done = _ask(w, "Besvaret spørgsmål", now=now - timedelta(hours=2))
    services.respond(w.owner, w.camp, done, RequestStatus.answered, "Klaret")
    # A second camp, another challenge of the same owner.
    camp2 = make_camp(title="Folkemødet")
    ch2 = make_challenge(camp2, w.owner, title="Unge uden uddannelse")
    team2 = make_team(camp2, ch2, lead=make_user())
    services.ask(team2.lead, camp2, team2, "question", "Fra den anden camp",
                 now=now - timedelta(minutes=20))
    # Someone else's challenge: not in this inbox.
    other = make_team(w.camp, make_challenge(w.camp, make_user()), lead=make_user())
    services.ask(other.lead, w.camp, other, "question", "Ikke til Olga")
    db.session.commit()
    login(w.owner)
    page = client.get("/me/requests").get_data(as_text=True)
    positions = [page.index(t) for t in ("Ældre spørgsmål", "Fra den anden camp",
                                         "Nyere spørgsmål", "Besvaret spørgsmål")]
    assert positions == sorted(positions)
    assert "Ikke til Olga" not in page and "Folkemødet" in page
    assert f"/camps/{w.camp.slug}/challenges/{w.challenge.id}/requests#request-{older.id}" \
        in page
    assert f"#request-{newer.id}" in page and f"#request-{done.id}" not in page
    login(make_user())
    assert "Ældre spørgsmål" not in client.get("/me/requests").get_data(as_text=True)


def test_open_requests_are_listed_first_on_the_team_and_challenge_pages(client, login):
    w = _world()
    now = utcnow()
    answered = _ask(w, "Gammelt, besvaret", now=now - timedelta(hours=3))
    services.respond(w.owner, w.camp, answered, RequestStatus.answered, "Svar")
    _ask(w, "Nyt og åbent", now=now - timedelta(minutes=3))
    _ask(w, "Ældre og åbent", now=now - timedelta(minutes=40))
    db.session.commit()
    for user, url in ((w.lead, _team_url(w)), (w.owner, _challenge_url(w))):
        login(user)
        page = client.get(url).get_data(as_text=True)
        order = [page.index(t) for t in ("Ældre og åbent", "Nyt og åbent", "Gammelt, besvaret")]
        assert order == sorted(order)


def test_personal_data_export_holds_the_requests(client, login):
    w = _world()
    req = _ask(w, "Må vi se jeres data?")
    services.respond(w.owner, w.camp, req, RequestStatus.answered, "Ja, her er de.")
    db.session.commit()
    login(w.lead)
    [asked] = client.get("/me/data.json").get_json()["team_requests"]
    assert asked["text"] == "Må vi se jeres data?" and asked["answer"] == "Ja, her er de."
    assert asked["asked_by_me"] and not asked["answered_by_me"]
    login(w.owner)
    [answered] = client.get("/me/data.json").get_json()["team_requests"]
    assert answered["answered_by_me"] and answered["team"] == "Hold Nord"
    login(w.member)
    assert client.get("/me/data.json").get_json()["team_requests"] == []


def test_emails_go_out_in_each_recipients_language(client, login, monkeypatch):
    from camp.challenges import request_views
    sent = []
    monkeypatch.setattr(request_views, "send_email",
                        lambda to, subject, template, locale=None, **kw: sent.append(
                            (to, template, locale)))
    w = _world()
    w.lead.locale = "en"
    db.session.commit()
    login(w.member)  # Danish
    client.post(_team_url(w), data={"kind": "question", "text": "Hvornår?"})
    assert sorted(sent) == [("carl@example.dk", "request_new", "da"),
                            ("olga@example.dk", "request_new", "en")]
    req = _requests()[0]
    sent.clear()
    login(w.owner)
    client.post(f"/camps/{w.camp.slug}/requests/{req.id}/decline",
                data={f"decline-{req.id}-text": "Ikke i dag."})
    assert sent == [(w.member.email, "request_declined", "da")]
