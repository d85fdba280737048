"""Registering, the waiting list, cancelling and promoting, through HTTP and services."""
from datetime import timedelta

from sqlalchemy import func, select

from camp.camps.models import QuestionKind, RegistrationQuestion
from camp.db import utcnow
from camp.extensions import db
from camp.registrations import services
from camp.registrations.models import Registration, RegistrationStatus
from tests.factories import make_camp, make_registration, make_user


def _form(**extra):
    data = dict(name="Mette Hansen", organisation="Roskilde Kommune", actor_type="administrator",
                diet="vegetar", accessibility="", consent="y")
    data.update(extra)
    return data


def _count(**where):
    stmt = select(func.count()).select_from(Registration)
    for key, value in where.items():
        stmt = stmt.where(getattr(Registration, key) == value)
    return db.session.execute(stmt).scalar_one()


def _question(camp, kind, label, choices=(), required=False):
    q = RegistrationQuestion(camp=camp, kind=kind, label=label, choices=list(choices),
                             required=required)
    db.session.add(q)
    db.session.commit()
    return q


def test_register_takes_a_seat_and_sends_email(client, login, outbox):
    camp = make_camp(capacity=2)
    user = login(make_user(email="mette@roskilde.dk"))
    page = client.get(f"/camps/{camp.slug}/register")
    assert page.status_code == 200 and camp.consent_text in page.get_data(as_text=True)
    res = client.post(f"/camps/{camp.slug}/register", data=_form())
    assert res.status_code == 303
    reg = db.session.execute(select(Registration)).scalar_one()
    assert reg.status == RegistrationStatus.confirmed and reg.user_id == user.id
    assert reg.email == "mette@roskilde.dk" and reg.diet == "vegetar"
    assert reg.consent_at is not None and reg.consent_version == camp.consent_version
    assert reg.consent_text == camp.consent_text
    assert len(reg.ticket_secret) >= 22
    assert len(outbox) == 1 and camp.title in outbox[0].subject
    # Registering again shows the existing registration instead of a second one.
    again = client.get(f"/camps/{camp.slug}/register")
    assert again.status_code == 303 and f"/me/registrations/{reg.id}" in again.headers["Location"]


def test_full_camp_puts_people_on_the_waiting_list_in_order(client, login, outbox):
    camp = make_camp(capacity=1)
    make_registration(camp)
    positions = []
    for _ in range(3):
        login(make_user())
        assert client.post(f"/camps/{camp.slug}/register", data=_form()).status_code == 303
        reg = db.session.execute(select(Registration).order_by(Registration.id.desc())
                                 .limit(1)).scalar_one()
        assert reg.status == RegistrationStatus.waitlisted
        positions.append(services.waitlist_position(reg))
        page = client.get(f"/me/registrations/{reg.id}").get_data(as_text=True)
        assert f"{positions[-1]}" in page
    assert positions == [1, 2, 3]
    assert "venteliste" in outbox[-1].subject or "waiting list" in outbox[-1].subject


def test_consent_and_required_answers(client, login):
    camp = make_camp()
    q = _question(camp, QuestionKind.single, "Tema?", ["Sundhed", "Klima"], required=True)
    login(make_user())
    res = client.post(f"/camps/{camp.slug}/register", data=_form(consent=""))
    assert res.status_code == 200 and 'id="consent-error"' in res.get_data(as_text=True)
    res = client.post(f"/camps/{camp.slug}/register", data=_form())
    assert res.status_code == 200 and f'id="q_{q.id}-error"' in res.get_data(as_text=True)
    res = client.post(f"/camps/{camp.slug}/register", data=_form(**{f"q_{q.id}": "Krig"}))
    assert res.status_code == 200
    assert _count() == 0
    res = client.post(f"/camps/{camp.slug}/register", data=_form(**{f"q_{q.id}": "Klima"}))
    assert res.status_code == 303
    assert db.session.execute(select(Registration)).scalar_one().answers == {str(q.id): "Klima"}


def test_service_refuses_unknown_answers(app):
    camp = make_camp()
    q = _question(camp, QuestionKind.multiple, "Dage", ["Fredag", "Lørdag"])
    data = services.RegistrationData(name="A", email="a@b.dk", consent=True,
                                     answers={str(q.id): ["Fredag", "Søndag"]})
    try:
        services.register(camp, None, data)
    except services.AnswerErrors as exc:
        assert q.id in exc.errors
    else:
        raise AssertionError("unknown choice accepted")
    db.session.rollback()
    assert _count() == 0


def test_registration_window(client, login):
    login(make_user())
    later = make_camp(registration_opens_at=utcnow() + timedelta(days=2))
    res = client.get(f"/camps/{later.slug}/register")
    assert res.status_code == 409
    closed = make_camp(registration_closes_at=utcnow() - timedelta(minutes=1))
    res = client.post(f"/camps/{closed.slug}/register", data=_form())
    assert res.status_code == 409 and _count() == 0


def test_cancel_promotes_first_waitlisted_with_email(client, login, outbox):
    camp = make_camp(capacity=1)
    user = make_user()
    mine = make_registration(camp, user)
    first = make_registration(camp, status=RegistrationStatus.waitlisted, confirmed_at=None)
    second = make_registration(camp, status=RegistrationStatus.waitlisted, confirmed_at=None)
    login(user)
    res = client.post(f"/me/registrations/{mine.id}/cancel")
    assert res.status_code == 303
    db.session.refresh(mine), db.session.refresh(first), db.session.refresh(second)
    assert mine.status == RegistrationStatus.cancelled
    assert first.status == RegistrationStatus.confirmed
    assert second.status == RegistrationStatus.waitlisted
    assert services.waitlist_position(second) == 1
    assert {m.to[0] for m in outbox} == {mine.email, first.email}


def test_cannot_cancel_someone_elses_registration(client, login):
    camp = make_camp()
    other = make_registration(camp)
    login(make_user())
    assert client.post(f"/me/registrations/{other.id}/cancel").status_code == 404
    assert client.get(f"/me/registrations/{other.id}").status_code == 404
    db.session.refresh(other)
    assert other.status == RegistrationStatus.confirmed


def test_reregistering_after_cancel_goes_to_the_end(app):
    camp = make_camp(capacity=1)
    user = make_user()
    reg = make_registration(camp, user)
    services.cancel(reg)
    db.session.commit()
    make_registration(camp)
    data = services.RegistrationData(name=user.name, email=user.email, consent=True)
    again = services.register(camp, user, data)
    db.session.commit()
    assert again.id == reg.id and again.status == RegistrationStatus.waitlisted


def test_my_registrations_page(client, login):
    user = login(make_user())
    camp = make_camp(title="Samskabelsescamp Roskilde")
    make_registration(camp, user)
    html = client.get("/me/registrations").get_data(as_text=True)
    assert "Samskabelsescamp Roskilde" in html
    login(make_user())
    assert "Samskabelsescamp Roskilde" not in client.get("/me/registrations").get_data(
        as_text=True)
