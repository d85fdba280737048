"""Organisers moderate challenges: accept, decline, publish, balance, CSV; personal data."""
import csv
import io

import pytest
from sqlalchemy import func, insert, select

from camp.audit import AuditEvent
from camp.auth import services as auth_services
from camp.auth.models import ActorType
from camp.challenges import notify, services
from camp.challenges.models import Challenge, ChallengeMode, ChallengeOwner, \
    ChallengeStatus, ChallengeValue, ValueDimension
from camp.db import utcnow
from camp.errors import Conflict, DomainError
from camp.extensions import db
from tests.factories import PASSWORD, make_camp, make_challenge, make_user


def _user(**kw):
    return make_user(locale="en", **kw)


def _organised(login, **camp_kw):
    organiser = _user()
    camp = make_camp(organiser=organiser, **camp_kw)
    login(organiser)
    return camp, organiser


def _manage(camp) -> str:
    return f"/camps/{camp.slug}/manage/challenges"


def test_accept_then_publish_tells_the_owners(client, login, outbox):
    camp, organiser = _organised(login)
    owner, co_owner = _user(email="anna@example.dk"), _user(email="bo@example.dk")
    challenge = make_challenge(camp, owner, status=ChallengeStatus.submitted,
                               decided_at=None, published_at=None)
    services.add_owner(owner, challenge, co_owner.email)
    db.session.commit()
    base = f"{_manage(camp)}/{challenge.id}"
    res = client.post(f"{base}/accept", data={"next": _manage(camp)})
    assert res.status_code == 303 and res.headers["Location"].endswith(_manage(camp))
    db.session.refresh(challenge)
    assert challenge.status == ChallengeStatus.accepted
    assert challenge.decided_by_id == organiser.id and challenge.decided_at
    assert sorted(m.to[0] for m in outbox) == ["anna@example.dk", "bo@example.dk"]
    assert all("accepted" in m.subject for m in outbox)
    # Still not public.
    login(None)
    assert client.get(f"/camps/{camp.slug}/challenges/{challenge.id}").status_code == 404
    login(organiser)
    res = client.post(f"{base}/publish", follow_redirects=True)
    assert "is published" in res.get_data(as_text=True)
    db.session.refresh(challenge)
    assert challenge.status == ChallengeStatus.published and challenge.published_at
    assert len(outbox) == 4 and "published" in outbox[-1].subject
    login(None)
    assert client.get(f"/camps/{camp.slug}/challenges/{challenge.id}").status_code == 200
    actions = db.session.execute(select(AuditEvent.action).where(
        AuditEvent.object_id == challenge.id, AuditEvent.object_type == "Challenge")
        .order_by(AuditEvent.id)).scalars().all()
    assert actions[-2:] == ["challenge.accept", "challenge.publish"]


def test_accept_and_publish_in_one_step(client, login, outbox):
    camp, _ = _organised(login)
    challenge = make_challenge(camp, _user(), status=ChallengeStatus.submitted,
                               decided_at=None, published_at=None)
    page = client.get(f"/camps/{camp.slug}/challenges/{challenge.id}").get_data(as_text=True)
    assert "Accept and publish" in page
    client.post(f"{_manage(camp)}/{challenge.id}/publish")
    db.session.refresh(challenge)
    assert challenge.status == ChallengeStatus.published and challenge.decided_at
    assert len(outbox) == 1


def test_decline_needs_a_reason_and_tells_the_owner(client, login, outbox):
    camp, _ = _organised(login)
    owner = _user(email="anna@example.dk")
    challenge = make_challenge(camp, owner, status=ChallengeStatus.submitted,
                               decided_at=None, published_at=None)
    url = f"{_manage(camp)}/{challenge.id}/decline"
    assert client.get(url).status_code == 200
    res = client.post(url, data={"reason": "   "})
    assert res.status_code == 200 and 'id="reason-error"' in res.get_data(as_text=True)
    db.session.refresh(challenge)
    assert challenge.status == ChallengeStatus.submitted and outbox == []
    res = client.post(url, data={"reason": "Say what you will do with the result."})
    assert res.status_code == 303
    db.session.refresh(challenge)
    assert challenge.status == ChallengeStatus.declined
    assert challenge.decline_reason == "Say what you will do with the result."
    assert outbox[0].to == ["anna@example.dk"]
    assert "Say what you will do with the result." in outbox[0].body
    # The owner sees the reason on the page and in their list.
    login(owner)
    assert "Say what you will do" in client.get(
        f"/camps/{camp.slug}/challenges/{challenge.id}").get_data(as_text=True)
    assert "Say what you will do" in client.get("/me/challenges").get_data(as_text=True)


@pytest.mark.parametrize("status,action", [
    (ChallengeStatus.draft, "accept"), (ChallengeStatus.accepted, "accept"),
    (ChallengeStatus.published, "accept"), (ChallengeStatus.declined, "accept"),
    (ChallengeStatus.draft, "publish"), (ChallengeStatus.declined, "publish"),
    (ChallengeStatus.published, "publish"),
    (ChallengeStatus.draft, "decline"), (ChallengeStatus.published, "decline"),
    (ChallengeStatus.declined, "decline"),
])
def test_wrong_transitions_change_nothing(client, login, outbox, status, action):
    camp, _ = _organised(login)
    challenge = make_challenge(camp, _user(), status=status)
    data = {"reason": "A reason."} if action == "decline" else {}
    res = client.post(f"{_manage(camp)}/{challenge.id}/{action}", data=data,
                      follow_redirects=True)
    assert res.status_code == 200
    html = res.get_data(as_text=True)
    assert "can be" in html  # "Only a ... challenge can be ..."
    db.session.refresh(challenge)
    assert challenge.status == status and outbox == []


def test_service_transitions_raise_conflicts(app):
    organiser = make_user()
    camp = make_camp(organiser=organiser)
    challenge = make_challenge(camp, make_user(), status=ChallengeStatus.draft)
    with pytest.raises(Conflict):
        services.accept(organiser, challenge)
    with pytest.raises(Conflict):
        services.publish(organiser, challenge)
    with pytest.raises(DomainError) as exc:
        services.decline(organiser, challenge, "")
    assert exc.value.field == "reason"
    db.session.rollback()
    db.session.refresh(challenge)
    assert challenge.status == ChallengeStatus.draft


def test_moderation_is_for_the_camps_organisers(client, login):
    camp, _ = _organised(login)
    challenge = make_challenge(camp, _user(), status=ChallengeStatus.submitted)
    other_camp, _ = _organised(login)
    # An organiser of another camp, using their own camp's slug: 404; using ours: 403.
    assert client.post(f"{_manage(other_camp)}/{challenge.id}/accept").status_code == 404
    assert client.post(f"{_manage(camp)}/{challenge.id}/accept").status_code == 403
    login(challenge.owners[0].user)
    assert client.post(f"{_manage(camp)}/{challenge.id}/accept").status_code == 403
    db.session.refresh(challenge)
    assert challenge.status == ChallengeStatus.submitted


def test_emails_go_out_in_each_recipients_language(app, monkeypatch):
    sent = []
    monkeypatch.setattr(notify, "send_email",
                        lambda to, subject, template, locale=None, **kw: sent.append(
                            (to, template, locale)))
    organiser_da, organiser_en = make_user(locale="da"), make_user(locale="en")
    camp = make_camp(organiser=organiser_da)
    from tests.factories import add_role
    from camp.camps.models import Role
    add_role(organiser_en, camp, Role.organiser)
    owner = make_user(locale="en")
    challenge = make_challenge(camp, owner, status=ChallengeStatus.submitted)
    services.add_owner(owner, challenge, make_user(locale="da", email="da@example.dk").email)
    db.session.commit()
    with app.test_request_context():
        notify.submitted(challenge)
        notify.declined(challenge)
    assert (organiser_da.email, "challenge_submitted", "da") in sent
    assert (organiser_en.email, "challenge_submitted", "en") in sent
    assert (owner.email, "challenge_declined", "en") in sent
    assert ("da@example.dk", "challenge_declined", "da") in sent


def test_list_with_status_counts_filters_and_balance(client, login):
    camp, _ = _organised(login)
    owner = _user(name="Karen Problemejer")
    make_challenge(camp, owner, title="Waiting for us", status=ChallengeStatus.submitted)
    make_challenge(camp, owner, title="A private draft", status=ChallengeStatus.draft)
    quality = make_challenge(camp, owner, title="Quality one", status=ChallengeStatus.accepted)
    both = make_challenge(camp, owner, title="Quality and democracy",
                          mode=ChallengeMode.co_production)
    both.values.append(ChallengeValue(dimension=ValueDimension.democracy, how_noticed="Votes."))
    make_challenge(camp, owner, title="Citizens' idea", owner_actor_type=ActorType.citizen,
                   mode=ChallengeMode.co_production, status=ChallengeStatus.declined)
    db.session.commit()
    assert quality.id
    html = client.get(_manage(camp)).get_data(as_text=True)
    for title in ("Waiting for us", "A private draft", "Quality one", "Quality and democracy",
                  "Citizens&#39; idea"):
        assert title in html, title
    assert "Karen Problemejer" in html and "Citizen-driven" in html
    assert html.index("Waiting for us") < html.index("Quality one")  # to decide comes first
    # Accept/decline buttons only where a decision is possible.
    assert html.count(">Accept<") == 1 and html.count(">Publish<") == 1
    counts = services_counts(html)
    assert counts == {"Draft": 1, "Awaiting moderation": 1, "Accepted": 1, "Declined": 1,
                      "Published": 1}
    filtered = client.get(_manage(camp), query_string={"status": "submitted"}).get_data(
        as_text=True)
    assert "Waiting for us" in filtered and "Quality one" not in filtered
    # Balance: accepted + published only (2 challenges): quality 2 (100 %), democracy 1.
    from camp.challenges.queries import balance
    b = balance(camp.id)
    assert b["total"] == 2
    values = {row.key: (row.count, row.share) for row in b["values"]}
    assert values[ValueDimension.quality] == (2, 1.0)
    assert values[ValueDimension.democracy] == (1, 0.5)
    assert values[ValueDimension.efficiency] == (0, 0)
    modes = {row.key: row.count for row in b["modes"]}
    assert modes == {ChallengeMode.co_creation: 1, ChallengeMode.co_production: 1}
    assert "50 %" in html and "100 %" in html


def services_counts(html: str) -> dict:
    import re
    block = html[html.index('class="status-counts"'):html.index("</ul>", html.index(
        'class="status-counts"'))]
    return {label: int(n) for label, n in re.findall(r">([^<>]+)</a>: <strong>(\d+)<", block)}


def test_balance_is_empty_without_decisions(client, login):
    camp, _ = _organised(login)
    make_challenge(camp, _user(), status=ChallengeStatus.submitted)
    html = client.get(_manage(camp)).get_data(as_text=True)
    assert "No challenge is accepted yet" in html


def test_csv_export(client, login):
    camp, _ = _organised(login)
    owner = _user(name="Søren Æbelø", email="soren@example.dk")
    make_challenge(camp, owner, title="=HYPERLINK(1)", owner_organisation="Høje-Taastrup")
    make_challenge(camp, owner, title="Draft one", status=ChallengeStatus.draft)
    res = client.get(f"{_manage(camp)}.csv")
    assert res.status_code == 200 and res.mimetype == "text/csv"
    assert "attachment" in res.headers["Content-Disposition"]
    raw = res.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 3
    header = rows[0]
    by_title = {r[header.index("Title")]: dict(zip(header, r)) for r in rows[1:]}
    row = by_title["'=HYPERLINK(1)"]  # no formula injection
    assert row["Owner organisation"] == "Høje-Taastrup"
    assert row["Status"] == "Published" and row["Mode"] == "Co-creation"
    assert row["Intended values"] == "Better quality: Færre føler sig ensomme."
    assert "Søren Æbelø <soren@example.dk>" in row["Owners"]
    assert row["Link"].endswith(f"/camps/{camp.slug}/challenges/{row['ID']}")
    only = client.get(f"{_manage(camp)}.csv", query_string={"status": "draft"})
    assert len(only.get_data().decode("utf-8-sig").strip().splitlines()) == 2


def _bulk(camp, owner, n: int) -> None:
    """n challenges in each state, each with a value and an owner, inserted quickly."""
    now = utcnow()
    statuses = list(ChallengeStatus)
    ids = []
    for i in range(n):
        result = db.session.execute(insert(Challenge).values(
            camp_id=camp.id, title=f"C{i}", owner_organisation="Org", problem="P",
            commitment="C", status=statuses[i % len(statuses)], mode=ChallengeMode.co_creation,
            owner_actor_type=ActorType.citizen, created_at=now, updated_at=now,
            submitted_at=now))
        ids.append(result.inserted_primary_key[0])
    db.session.execute(insert(ChallengeValue), [
        dict(challenge_id=i, dimension=ValueDimension.quality, how_noticed="x") for i in ids])
    db.session.execute(insert(ChallengeOwner), [
        dict(challenge_id=i, user_id=owner.id, created_at=now) for i in ids])
    db.session.commit()


def test_moderation_list_runs_a_constant_number_of_queries(client, login, query_counter):
    small, organiser = _organised(login)
    big = make_camp(organiser=organiser)
    _bulk(small, make_user(), 5)
    _bulk(big, make_user(), 50)
    counts = {}
    for camp in (small, big):
        with query_counter() as n:
            res = client.get(_manage(camp))
        assert res.status_code == 200
        assert res.get_data(as_text=True).count("<tr>") > 5
        counts[camp.slug] = n()
    assert counts[small.slug] == counts[big.slug], counts
    assert 0 < counts[small.slug] < 20, counts


def test_public_list_runs_a_constant_number_of_queries(client, query_counter):
    small, big = make_camp(), make_camp()
    _bulk(small, make_user(), 5)
    _bulk(big, make_user(), 50)
    counts = []
    for camp in (small, big):
        with query_counter() as n:
            assert client.get(f"/camps/{camp.slug}/challenges/").status_code == 200
        counts.append(n())
    assert counts[0] == counts[1], counts


# Personal data ------------------------------------------------------------------------

def test_export_lists_owned_challenges(app):
    owner = make_user()
    challenge = make_challenge(make_camp(), owner, title="Benches in the park")
    data = auth_services.export_user_data(owner)
    assert data["challenges_owned"] == [{
        "camp": challenge.camp.slug, "challenge": "Benches in the park",
        "status": "published", "owner_since": challenge.owners[0].created_at.isoformat()}]


def test_deleting_an_account_removes_its_ownerships(client, login):
    owner, colleague = make_user(), make_user()
    camp = make_camp()
    challenge = make_challenge(camp, owner)
    services.add_owner(owner, challenge, colleague.email)
    db.session.commit()
    auth_services.delete_account(owner, PASSWORD)
    db.session.commit()
    rows = db.session.execute(select(ChallengeOwner.user_id)).scalars().all()
    assert rows == [colleague.id]
    assert db.session.execute(select(func.count()).select_from(Challenge)).scalar_one() == 1
    # The challenge page still renders without the anonymised owner.
    html = client.get(f"/camps/{camp.slug}/challenges/{challenge.id}").get_data(as_text=True)
    assert colleague.name in html and "Deleted user" not in html


def test_an_accepted_challenge_can_still_be_declined(client, login, outbox):
    camp, _ = _organised(login)
    challenge = make_challenge(camp, _user(), status=ChallengeStatus.accepted)
    page = client.get(f"/camps/{camp.slug}/challenges/{challenge.id}").get_data(as_text=True)
    assert ">Publish<" in page and "Decline …" in page
    res = client.post(f"{_manage(camp)}/{challenge.id}/decline",
                      data={"reason": "Another owner brings the same problem."})
    assert res.status_code == 303
    db.session.refresh(challenge)
    assert challenge.status == ChallengeStatus.declined and len(outbox) == 1
