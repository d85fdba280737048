"""The organiser's registration list, CSV export, manual add, promote and actor mix."""
import csv
import io

from sqlalchemy import insert, select

from camp.auth.models import ActorType
from camp.camps.models import QuestionKind, RegistrationQuestion
from camp.db import utcnow
from camp.extensions import db
from camp.registrations.models import Registration, RegistrationStatus, new_ticket_secret
from tests.factories import make_camp, make_registration, make_user


def _organised(login, **camp_kw):
    organiser = make_user()
    camp = make_camp(organiser=organiser, **camp_kw)
    login(organiser)
    return camp


def test_list_search_filter_and_paginate(app, client, login):
    camp = _organised(login)
    make_registration(camp, make_user(name="Åse Ørum", organisation="Aarhus Kommune",
                                      actor_type=ActorType.frontline))
    make_registration(camp, make_user(name="Bo Berg", organisation="KL",
                                      actor_type=ActorType.politician))
    make_registration(camp, make_user(name="Cille Cold", organisation="KL",
                                      actor_type=ActorType.citizen),
                      status=RegistrationStatus.waitlisted, confirmed_at=None)
    url = f"/camps/{camp.slug}/manage/registrations"
    html = client.get(url).get_data(as_text=True)
    assert all(n in html for n in ("Åse Ørum", "Bo Berg", "Cille Cold"))
    html = client.get(url, query_string={"q": "åse"}).get_data(as_text=True)
    assert "Åse Ørum" in html and "Bo Berg" not in html
    html = client.get(url, query_string={"organisation": "kl"}).get_data(as_text=True)
    assert "Bo Berg" in html and "Cille Cold" in html and "Åse Ørum" not in html
    html = client.get(url, query_string={"status": "waitlisted"}).get_data(as_text=True)
    assert "Cille Cold" in html and "Bo Berg" not in html
    html = client.get(url, query_string={"actor_type": "politician"}).get_data(as_text=True)
    assert "Bo Berg" in html and "Cille Cold" not in html
    html = client.get(url, query_string={"q": "100%_"}).get_data(as_text=True)
    assert "Bo Berg" not in html  # wildcards are literal
    app.config["REGISTRATIONS_PER_PAGE"] = 2
    first = client.get(url).get_data(as_text=True)
    second = client.get(url, query_string={"page": 2}).get_data(as_text=True)
    assert "Cille Cold" not in first and "Cille Cold" in second
    assert client.get(url, query_string={"page": 99}).status_code == 200


def test_csv_export_opens_in_excel(client, login):
    camp = _organised(login)
    q = RegistrationQuestion(camp=camp, kind=QuestionKind.multiple, label="Hvilke dage?",
                             choices=["Fredag", "Lørdag"])
    db.session.add(q)
    db.session.commit()
    make_registration(camp, make_user(name="Søren Æbelø", organisation="Høje-Taastrup"),
                      answers={str(q.id): ["Fredag", "Lørdag"]}, diet="=1+1")
    make_registration(camp, make_user(name="Bo Berg"), status=RegistrationStatus.cancelled)
    res = client.get(f"/camps/{camp.slug}/manage/registrations.csv",
                     query_string={"status": "confirmed"})
    assert res.status_code == 200 and res.mimetype == "text/csv"
    assert "attachment" in res.headers["Content-Disposition"]
    raw = res.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][-1] == "Hvilke dage?"
    assert len(rows) == 2  # header + the confirmed one; the filter applies
    assert rows[1][0] == "Søren Æbelø" and rows[1][2] == "Høje-Taastrup"
    assert rows[1][-1] == "Fredag, Lørdag"
    assert "'=1+1" in rows[1]  # no formula injection


def test_manual_add_respects_capacity(client, login, outbox):
    camp = _organised(login, capacity=1)
    url = f"/camps/{camp.slug}/manage/registrations/new"
    data = dict(name="Karen Dør", email="karen@example.dk", organisation="", actor_type="citizen")
    assert client.post(url, data=data).status_code == 303
    data2 = dict(data, name="Lars Kø", email="lars@example.dk")
    assert client.post(url, data=data2).status_code == 303
    regs = db.session.execute(select(Registration).order_by(Registration.id)).scalars().all()
    assert [r.status for r in regs] == [RegistrationStatus.confirmed,
                                       RegistrationStatus.waitlisted]
    assert len(outbox) == 2
    # Same e-mail again: a field error, nothing stored.
    res = client.post(url, data=data)
    assert res.status_code == 200 and 'id="email-error"' in res.get_data(as_text=True)
    bad = client.post(url, data=dict(data, email="not-an-email"))
    assert bad.status_code == 200
    assert len(db.session.execute(select(Registration)).scalars().all()) == 2


def test_promote_and_cancel_by_organiser(client, login, outbox):
    camp = _organised(login, capacity=1)
    seated = make_registration(camp)
    waiting = make_registration(camp, status=RegistrationStatus.waitlisted, confirmed_at=None)
    base = f"/camps/{camp.slug}/manage/registrations"
    res = client.post(f"{base}/{waiting.id}/promote", follow_redirects=True)
    assert "fuld" in res.get_data(as_text=True) or "full" in res.get_data(as_text=True)
    db.session.refresh(waiting)
    assert waiting.status == RegistrationStatus.waitlisted
    assert client.post(f"{base}/{seated.id}/cancel").status_code == 303
    db.session.refresh(seated), db.session.refresh(waiting)
    assert seated.status == RegistrationStatus.cancelled
    assert waiting.status == RegistrationStatus.confirmed  # promoted automatically
    assert {m.to[0] for m in outbox} == {seated.email, waiting.email}
    camp.capacity = 3
    db.session.commit()
    extra = make_registration(camp, status=RegistrationStatus.waitlisted, confirmed_at=None)
    assert client.post(f"{base}/{extra.id}/promote").status_code == 303
    db.session.refresh(extra)
    assert extra.status == RegistrationStatus.confirmed


def test_registration_of_another_camp_is_404(client, login):
    camp = _organised(login)
    other = make_camp()
    reg = make_registration(other)
    assert client.post(f"/camps/{camp.slug}/manage/registrations/{reg.id}/cancel"
                       ).status_code == 404


def test_actor_mix(client, login):
    camp = _organised(login)
    for actor, org in [(ActorType.citizen, ""), (ActorType.citizen, ""),
                       (ActorType.administrator, "Roskilde Kommune"),
                       (ActorType.researcher, "Roskilde Universitet")]:
        make_registration(camp, make_user(actor_type=actor, organisation=org))
    html = client.get(f"/camps/{camp.slug}/manage/registrations/mix").get_data(as_text=True)
    assert "50 %" in html and "25 %" in html
    assert "Roskilde Universitet" in html


def _bulk(camp, n):
    now = utcnow()
    db.session.execute(insert(Registration), [dict(
        camp_id=camp.id, name=f"Deltager {i}", email=f"d{i}@example.dk",
        organisation=f"Org {i % 7}", actor_type=list(ActorType)[i % 9],
        status=RegistrationStatus.confirmed if i % 3 else RegistrationStatus.waitlisted,
        queued_at=now, created_at=now, answers={}, diet="", accessibility="",
        consent_text="", ticket_secret=new_ticket_secret()) for i in range(n)])
    db.session.commit()


def test_constant_queries_for_list_and_mix(client, login, query_counter):
    small = _organised(login, capacity=5000)
    _bulk(small, 10)
    organiser = small.memberships[0].user
    big = make_camp(organiser=organiser, capacity=5000)
    _bulk(big, 1000)
    counts = {}
    slugs = {False: small.slug, True: big.slug}
    for is_big, slug in slugs.items():
        for page in ("registrations", "registrations/mix"):
            url = f"/camps/{slug}/manage/{page}"
            with query_counter() as n:
                res = client.get(url)
            assert res.status_code == 200
            counts[(is_big, page)] = n()
    assert counts[(False, "registrations")] == counts[(True, "registrations")], counts
    assert counts[(False, "registrations/mix")] == counts[(True, "registrations/mix")], counts
