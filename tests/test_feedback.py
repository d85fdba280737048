"""Owners comment on the prototypes of their challenge; the team answers; both are told."""
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from camp.audit import AuditEvent
from camp.camps.models import CampStatus
from camp.challenges.models import ChallengeOwner
from camp.db import utcnow
from camp.errors import DomainError, NotAllowed
from camp.extensions import db
from camp.prototypes import feedback as services
from camp.prototypes.models import Feedback, PrototypeStatus
from tests.factories import make_camp, make_challenge, make_prototype, make_registration, \
    make_team, make_user


def feedback_world(**camp_kw):
    organiser = make_user(name="Ole Organisator")
    camp = make_camp(organiser=organiser, **camp_kw)
    owner = make_user(name="Olga Ejer", email="olga@example.dk", locale="en")
    co_owner = make_user(name="Carl Medejer", email="carl@example.dk")
    challenge = make_challenge(camp, owner, title="Ensomhed blandt ældre",
                               owner_organisation="Aarhus Kommune")
    db.session.add(ChallengeOwner(challenge=challenge, user=co_owner))
    lead = make_user(name="Lene Leder", email="lene@example.dk", locale="en")
    member = make_user(name="Mads Medlem", email="mads@example.dk")
    team = make_team(camp, challenge, lead=lead, members=[member], name="Hold Nord")
    for user in (lead, member):
        make_registration(camp, user)
    prototype = make_prototype(team, title="Besøgsven på hjul")
    db.session.commit()
    return SimpleNamespace(camp=camp, organiser=organiser, owner=owner, co_owner=co_owner,
                           challenge=challenge, lead=lead, member=member, team=team,
                           prototype=prototype)


def _url(w, prototype=None):
    return f"/camps/{w.camp.slug}/prototypes/{(prototype or w.prototype).id}/feedback"


def _all():
    db.session.expire_all()
    return db.session.execute(select(Feedback).order_by(Feedback.id)).scalars().all()


def _comment(w, body="Hvem skal betale for cyklerne?", author=None, **kw):
    fb = services.comment(author or w.owner, w.camp, w.prototype, body, **kw)
    db.session.commit()
    return fb


def _audit(action):
    return db.session.execute(select(AuditEvent).where(AuditEvent.action == action)
                              ).scalars().all()


# --- The owner comments -------------------------------------------------------------------

def test_owner_comments_and_every_member_is_told_in_their_language(client, login, outbox):
    w = feedback_world()
    login(w.owner)
    page = client.get(_url(w)).get_data(as_text=True)
    assert "Besøgsven på hjul" in page and "Hold Nord" in page
    assert 'name="comment-body"' in page and 'name="parent_id"' not in page
    res = client.post(_url(w), data={"comment-body": "  Godt. Hvem skal betale?  "})
    assert res.status_code == 303
    [fb] = _all()
    assert res.headers["Location"].endswith(f"#feedback-{fb.id}")
    assert (fb.body, fb.from_owner, fb.author_id, fb.parent_id, fb.prototype_id) == (
        "Godt. Hvem skal betale?", True, w.owner.id, None, w.prototype.id)
    assert sorted(m.to[0] for m in outbox) == ["lene@example.dk", "mads@example.dk"]
    english = next(m for m in outbox if m.to == ["lene@example.dk"])
    danish = next(m for m in outbox if m.to == ["mads@example.dk"])
    assert english.body.startswith("Hello,") and danish.body.startswith("Hej")
    for mail in (english, danish):
        assert "Besøgsven på hjul" in mail.subject
        assert "Godt. Hvem skal betale?" in mail.body and "Olga Ejer" in mail.body
        assert f"{_url(w)}#feedback-{fb.id}" in mail.body
    [event] = _audit("feedback.comment")
    assert event.object_id == fb.id and event.actor_id == w.owner.id
    page = client.get(_url(w)).get_data(as_text=True)
    assert "Godt. Hvem skal betale?" in page and f'id="feedback-{fb.id}"' in page


def test_co_owner_may_comment_too(client, login, outbox):
    w = feedback_world()
    login(w.co_owner)
    assert client.post(_url(w), data={"comment-body": "Enig med Olga."}).status_code == 303
    [fb] = _all()
    assert fb.author_id == w.co_owner.id and fb.from_owner


@pytest.mark.parametrize("who", ["member", "organiser", "outsider", "other_owner"])
def test_only_the_challenges_owners_may_comment(client, login, outbox, who):
    w = feedback_world()
    other_owner = make_user()
    make_challenge(w.camp, other_owner)  # owns another challenge of the same camp
    users = {"member": w.member, "organiser": w.organiser, "outsider": make_user(),
             "other_owner": other_owner}
    login(users[who])
    page = client.get(_url(w))
    assert page.status_code == 200  # others of the camp may read
    assert 'name="comment-body"' not in page.get_data(as_text=True)
    assert client.post(_url(w), data={"comment-body": "Hej"}).status_code == 403
    assert _all() == [] and outbox == []


def test_anonymous_is_sent_to_log_in_and_other_camps_do_not_know_the_prototype(client, login):
    w = feedback_world()
    assert client.post(_url(w), data={"comment-body": "Hej"}).status_code == 302
    other = make_camp()
    login(w.owner)
    assert client.get(f"/camps/{other.slug}/prototypes/{w.prototype.id}/feedback"
                      ).status_code == 404
    assert client.post(f"/camps/{other.slug}/prototypes/{w.prototype.id}/feedback",
                       data={"comment-body": "Hej"}).status_code == 404
    assert _all() == []


def test_a_draft_camp_is_hidden_from_the_public(client, login):
    w = feedback_world(status=CampStatus.draft)
    assert client.get(_url(w)).status_code == 404
    login(w.organiser)
    assert client.get(_url(w)).status_code == 200


@pytest.mark.parametrize("body,message", [
    ("   ", "Write your feedback."),
    ("x" * 5001, "Keep it under 5,000 characters."),
])
def test_empty_or_overlong_comment_is_refused_with_nothing_stored(client, login, outbox,
                                                                   body, message):
    w = feedback_world()
    login(w.owner)
    res = client.post(_url(w), data={"comment-body": body})
    assert res.status_code == 200
    page = res.get_data(as_text=True)
    assert message in page and 'aria-invalid="true"' in page
    assert _all() == [] and outbox == []


def test_exactly_5000_characters_are_fine(client, login, outbox):
    w = feedback_world()
    login(w.owner)
    assert client.post(_url(w), data={"comment-body": "x" * 5000}).status_code == 303
    assert len(_all()[0].body) == 5000


def test_a_draft_prototype_takes_no_feedback(client, login, outbox):
    w = feedback_world()
    team2 = make_team(w.camp, w.challenge, lead=make_user(), name="Hold Syd")
    draft = make_prototype(team2, status=PrototypeStatus.draft, submitted_at=None)
    login(w.owner)
    page = client.get(_url(w, draft)).get_data(as_text=True)
    assert "still a draft" in page and 'name="comment-body"' not in page
    res = client.post(_url(w, draft), data={"comment-body": "For tidligt?"})
    assert res.status_code == 400
    assert "still a draft" in res.get_data(as_text=True)
    assert _all() == [] and outbox == []
    with pytest.raises(DomainError):
        services.comment(w.owner, w.camp, draft, "For tidligt?")


# --- The team answers ---------------------------------------------------------------------

def test_member_answers_and_every_owner_is_told(client, login, outbox):
    w = feedback_world()
    fb = _comment(w)
    login(w.member)
    page = client.get(_url(w)).get_data(as_text=True)
    assert f'name="reply-{fb.id}-body"' in page and 'name="comment-body"' not in page
    res = client.post(_url(w), data={"parent_id": fb.id,
                                     f"reply-{fb.id}-body": "Kommunen, i et år."})
    assert res.status_code == 303
    _, reply = _all()
    assert (reply.parent_id, reply.from_owner, reply.author_id, reply.body) == (
        fb.id, False, w.member.id, "Kommunen, i et år.")
    assert sorted(m.to[0] for m in outbox) == ["carl@example.dk", "olga@example.dk"]
    olga = next(m for m in outbox if m.to == ["olga@example.dk"])
    carl = next(m for m in outbox if m.to == ["carl@example.dk"])
    assert olga.body.startswith("Hello,") and carl.body.startswith("Hej")
    assert "Hold Nord" in olga.subject
    assert "Kommunen, i et år." in olga.body and "Hvem skal betale for cyklerne?" in olga.body
    assert f"#feedback-{reply.id}" in olga.body and "/me/feedback" in olga.body
    assert _audit("feedback.answer")[0].object_id == reply.id
    page = client.get(_url(w)).get_data(as_text=True)
    assert "Kommunen, i et år." in page and "Mads Medlem" in page


@pytest.mark.parametrize("who", ["owner", "organiser", "outsider"])
def test_only_team_members_may_answer(client, login, outbox, who):
    w = feedback_world()
    fb = _comment(w)
    login({"owner": w.owner, "organiser": w.organiser, "outsider": make_user()}[who])
    res = client.post(_url(w), data={"parent_id": fb.id, f"reply-{fb.id}-body": "Svar"})
    assert res.status_code == 403
    assert len(_all()) == 1 and outbox == []


def test_a_tampered_parent_is_refused_with_nothing_stored(client, login, outbox):
    w = feedback_world()
    fb = _comment(w)
    reply = services.answer(w.lead, w.camp, w.prototype, fb.id, "Svar")
    # Another prototype's owner comment, in the same camp.
    team2 = make_team(w.camp, w.challenge, lead=make_user(), name="Hold Syd")
    other = make_prototype(team2)
    foreign = services.comment(w.owner, w.camp, other, "Til Hold Syd")
    db.session.commit()
    outbox.clear()
    login(w.member)
    for parent in (foreign.id, reply.id, 999999, "abc", ""):
        res = client.post(_url(w), data={"parent_id": parent,
                                         f"reply-{parent}-body": "Snydt"})
        assert res.status_code == 400, parent
        assert "hører ikke til denne prototype" in res.get_data(as_text=True)
    assert [f.body for f in _all()] == ["Hvem skal betale for cyklerne?", "Svar",
                                        "Til Hold Syd"]
    assert outbox == []
    with pytest.raises(DomainError):
        services.answer(w.member, w.camp, w.prototype, foreign.id, "Snydt")


def test_empty_answer_is_refused_and_shown_at_its_comment(client, login, outbox):
    w = feedback_world()
    fb = _comment(w)
    outbox.clear()
    login(w.lead)  # English
    res = client.post(_url(w), data={"parent_id": fb.id, f"reply-{fb.id}-body": "  "})
    assert res.status_code == 200
    page = res.get_data(as_text=True)
    assert "Write your answer." in page and f'id="reply-{fb.id}-body-error"' in page
    res = client.post(_url(w), data={"parent_id": fb.id,
                                     f"reply-{fb.id}-body": "y" * 5001})
    assert "Keep it under 5,000 characters." in res.get_data(as_text=True)
    assert len(_all()) == 1 and outbox == []


# --- Deleting within 15 minutes -----------------------------------------------------------

def _delete_url(w, fb):
    return f"/camps/{w.camp.slug}/feedback/{fb.id}/delete"


def test_author_deletes_own_comment_within_the_window(client, login):
    w = feedback_world()
    fb = _comment(w)
    fb_id = fb.id
    login(w.owner)
    page = client.get(_url(w)).get_data(as_text=True)
    assert _delete_url(w, fb) in page and "data-confirm" in page
    res = client.post(_delete_url(w, fb))
    assert res.status_code == 303
    assert _all() == []
    assert _audit("feedback.delete")[0].object_id == fb_id


def test_nobody_else_deletes_a_comment(client, login):
    w = feedback_world()
    fb = _comment(w)
    for user in (w.co_owner, w.organiser, w.lead):
        login(user)
        assert _delete_url(w, fb) not in client.get(_url(w)).get_data(as_text=True)
        assert client.post(_delete_url(w, fb)).status_code == 403
    login(None)
    assert client.post(_delete_url(w, fb)).status_code == 302
    other = make_camp()
    login(w.owner)
    assert client.post(f"/camps/{other.slug}/feedback/{fb.id}/delete").status_code == 404
    assert len(_all()) == 1


def test_after_15_minutes_the_comment_stays(client, login):
    w = feedback_world()
    fb = _comment(w, now=utcnow() - timedelta(minutes=16))
    login(w.owner)
    assert _delete_url(w, fb) not in client.get(_url(w)).get_data(as_text=True)
    res = client.post(_delete_url(w, fb), follow_redirects=True)
    assert "first 15 minutes" in res.get_data(as_text=True)
    assert len(_all()) == 1
    fresh = _comment(w, now=utcnow() - timedelta(minutes=14))
    with pytest.raises(NotAllowed):
        services.delete(w.owner, w.camp, fb)
    services.delete(w.owner, w.camp, fresh)
    db.session.commit()
    assert [f.id for f in _all()] == [fb.id]


def test_a_comment_the_team_answered_stays_but_the_answer_may_go(client, login):
    w = feedback_world()
    fb = _comment(w)
    reply = services.answer(w.lead, w.camp, w.prototype, fb.id, "Svar")
    db.session.commit()
    login(w.owner)
    res = client.post(_delete_url(w, fb), follow_redirects=True)
    assert "already answered" in res.get_data(as_text=True)
    assert len(_all()) == 2
    login(w.lead)
    assert client.post(_delete_url(w, reply)).status_code == 303
    assert [f.id for f in _all()] == [fb.id]
    login(w.owner)
    assert client.post(_delete_url(w, fb)).status_code == 303
    assert _all() == []


# --- Personal data ------------------------------------------------------------------------

def test_export_holds_the_users_feedback_and_deletion_keeps_it_anonymous(app, login):
    from camp.auth.services import delete_account, export_user_data
    from tests.factories import PASSWORD
    w = feedback_world()
    fb = _comment(w, "Min kommentar")
    services.answer(w.lead, w.camp, w.prototype, fb.id, "Vores svar")
    db.session.commit()
    [mine] = export_user_data(w.owner)["prototype_feedback"]
    assert mine["body"] == "Min kommentar" and mine["as_owner"] is True
    assert mine["prototype"] == "Besøgsven på hjul" and mine["camp"] == w.camp.slug
    [answer] = export_user_data(w.lead)["prototype_feedback"]
    assert answer["body"] == "Vores svar" and answer["answer_to"] == fb.id
    delete_account(w.owner, PASSWORD)
    db.session.commit()
    [kept, _] = _all()
    assert kept.body == "Min kommentar" and kept.author_id == w.owner.id
    assert "olga" not in kept.author.email and kept.author.name != "Olga Ejer"


def test_the_prototype_page_counts_the_feedback_and_links_to_it(client, login):
    from camp.prototypes.models import Feedback
    owner, member = make_user(locale="en"), make_user(locale="en")
    camp = make_camp()
    challenge = make_challenge(camp, owner)
    make_registration(camp, member)
    prototype = make_prototype(make_team(camp, challenge, lead=member))
    url = f"/camps/{camp.slug}/prototypes/{prototype.id}"
    login(member)
    assert "has not commented yet" in client.get(url).get_data(as_text=True)
    db.session.add(Feedback(prototype_id=prototype.id, author_id=owner.id, from_owner=True,
                            body="Godt."))
    db.session.commit()
    html = client.get(url).get_data(as_text=True)
    assert "1 comment from the owner" in html and f"{url}/feedback" in html
