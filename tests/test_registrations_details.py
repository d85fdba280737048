"""Registration details: every question kind, e-mails in the reader's language, positions, CSV."""
import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from camp.camps.models import CampStatus, QuestionKind, RegistrationQuestion, Role
from camp.db import utcnow
from camp.errors import DomainError
from camp.extensions import db
from camp.registrations import services
from camp.registrations.export import registrations_csv
from camp.registrations.models import Registration, RegistrationStatus
from tests.factories import add_role, make_camp, make_registration, make_user

WAITING = dict(status=RegistrationStatus.waitlisted, confirmed_at=None)


def _question(camp, kind, label, choices=(), required=False):
    q = RegistrationQuestion(camp=camp, kind=kind, label=label, choices=list(choices),
                             required=required)
    db.session.add(q)
    db.session.commit()
    return q


def _count() -> int:
    return db.session.execute(select(func.count()).select_from(Registration)).scalar_one()


def _form(**extra):
    data = dict(name="Jens Åkjær", organisation="Ærø Kommune", actor_type="frontline",
                diet="", accessibility="Trinfri adgang", consent="y")
    data.update(extra)
    return data


def test_every_question_kind_through_the_form(client, login):
    camp = make_camp()
    text = _question(camp, QuestionKind.text, "Hvad vil du bidrage med?", required=True)
    yesno = _question(camp, QuestionKind.yesno, "Overnatter du?", required=True)
    days = _question(camp, QuestionKind.multiple, "Hvilke dage?", ["Fredag", "Lørdag"],
                     required=True)
    login(make_user(locale="en"))
    url = f"/camps/{camp.slug}/register"
    html = client.get(url).get_data(as_text=True)
    assert 'type="radio"' in html and 'type="checkbox"' in html and "<textarea" in html

    res = client.post(url, data=_form())
    html = res.get_data(as_text=True)
    assert res.status_code == 200
    for q in (text, yesno, days):
        assert f'id="q_{q.id}-error"' in html
    res = client.post(url, data=_form(**{f"q_{text.id}": "Erfaring", f"q_{yesno.id}": "maybe",
                                         f"q_{days.id}": ["Fredag", "Søndag"]}))
    assert res.status_code == 200 and _count() == 0

    res = client.post(url, data=_form(**{f"q_{text.id}": "  Erfaring fra botilbud ",
                                         f"q_{yesno.id}": "yes",
                                         f"q_{days.id}": ["Fredag", "Lørdag"]}))
    assert res.status_code == 303
    reg = db.session.execute(select(Registration)).scalar_one()
    assert reg.answers == {str(text.id): "Erfaring fra botilbud", str(yesno.id): "yes",
                           str(days.id): ["Fredag", "Lørdag"]}
    assert reg.accessibility == "Trinfri adgang" and reg.organisation == "Ærø Kommune"
    page = client.get(res.headers["Location"]).get_data(as_text=True)
    assert "Erfaring fra botilbud" in page and "Fredag, Lørdag" in page and "Yes" in page


def test_service_refuses_answers_to_questions_the_camp_does_not_ask(app):
    camp = make_camp()
    other = make_camp()
    foreign = _question(other, QuestionKind.text, "Fremmed spørgsmål")
    data = services.RegistrationData(name="A", email="a@example.dk", consent=True,
                                     answers={str(foreign.id): "hej"})
    with pytest.raises(DomainError):
        services.register(camp, None, data)
    db.session.rollback()
    assert _count() == 0


def test_required_consent_is_refused_by_the_service_too(app):
    camp = make_camp()
    with pytest.raises(DomainError) as exc:
        services.register(camp, None, services.RegistrationData(name="A", email="a@example.dk"))
    assert exc.value.field == "consent"
    db.session.rollback()
    assert _count() == 0


def test_consent_records_the_version_and_text_shown(app):
    camp = make_camp(consent_text="Version to", consent_version=2)
    reg = services.register(camp, None, services.RegistrationData(
        name="A", email="a@example.dk", consent=True))
    db.session.commit()
    camp.consent_text, camp.consent_version = "Version tre", 3
    db.session.commit()
    db.session.refresh(reg)
    assert (reg.consent_version, reg.consent_text) == (2, "Version to")
    assert abs(reg.consent_at - utcnow()) < timedelta(minutes=1)


def test_waitlisted_email_gives_the_position_in_the_readers_language(client, login, outbox):
    camp = make_camp(capacity=1, title="Camp Bornholm")
    make_registration(camp)
    make_registration(camp, **WAITING)
    login(make_user(locale="en"))
    assert client.post(f"/camps/{camp.slug}/register", data=_form()).status_code == 303
    assert len(outbox) == 1
    assert outbox[0].subject == "You are on the waiting list for Camp Bornholm"
    assert "as number 2." in outbox[0].body
    html = client.get("/me/registrations").get_data(as_text=True)
    assert "Number 2 on the waiting list" in html


def test_promotion_email_speaks_the_promoted_persons_language(client, login, outbox):
    camp = make_camp(capacity=1, title="Camp Roskilde")
    seated = make_registration(camp, make_user(locale="da"))
    english = make_registration(camp, make_user(locale="en"), **WAITING)
    danish = make_registration(camp, make_user(locale="da"), **WAITING)
    login(seated.user)
    client.post(f"/me/registrations/{seated.id}/cancel")
    by_person = {m.to[0]: m for m in outbox}
    assert "A seat is free" in by_person[english.email].subject
    assert danish.email not in by_person
    # The next one, by an organiser, in Danish.
    organiser = make_user()
    add_role(organiser, camp, Role.organiser)
    login(organiser)
    outbox.clear()
    client.post(f"/camps/{camp.slug}/manage/registrations/{english.id}/cancel")
    by_person = {m.to[0]: m for m in outbox}
    assert by_person[danish.email].subject.startswith("Der er blevet en plads fri")
    db.session.refresh(danish)
    assert danish.status == RegistrationStatus.confirmed


def test_organisers_see_a_participants_answers(client, login):
    organiser = make_user()
    camp = make_camp(organiser=organiser)
    q = _question(camp, QuestionKind.text, "Hvorfor?")
    reg = make_registration(camp, answers={str(q.id): "Fordi det er vigtigt"})
    waiting = make_registration(camp, **WAITING)
    login(organiser)
    html = client.get(f"/me/registrations/{reg.id}").get_data(as_text=True)
    assert "Fordi det er vigtigt" in html
    # Seen by the organiser: about that person, with the organiser's cancel button.
    assert f"/camps/{camp.slug}/manage/registrations/{reg.id}/cancel" in html
    assert f"/me/registrations/{reg.id}/cancel" not in html
    html = client.get(f"/me/registrations/{waiting.id}").get_data(as_text=True)
    assert "Nummer 1 på ventelisten" in html and "Du er nummer" not in html
    # The list links to it.
    listing = client.get(f"/camps/{camp.slug}/manage/registrations").get_data(as_text=True)
    assert f"/me/registrations/{reg.id}" in listing


def test_draft_camps_take_no_registrations(client, login):
    organiser = make_user()
    draft = make_camp(organiser=organiser, status=CampStatus.draft)
    login(make_user())
    assert client.get(f"/camps/{draft.slug}/register").status_code == 404
    login(organiser)
    res = client.post(f"/camps/{draft.slug}/register", data=_form())
    assert res.status_code == 409 and _count() == 0


def test_registration_not_open_yet_says_when(client, login):
    login(make_user(locale="en"))
    camp = make_camp(registration_opens_at=utcnow() + timedelta(days=3))
    html = client.get(f"/camps/{camp.slug}/register").get_data(as_text=True)
    assert "Registration has not opened yet." in html and "Registration opens" in html


def test_positions_follow_the_queue_and_close_gaps(app):
    camp = make_camp(capacity=0)
    other = make_camp(capacity=0)
    early = utcnow() - timedelta(hours=1)
    a = make_registration(camp, **WAITING)
    b = make_registration(camp, **WAITING)
    c = make_registration(camp, **WAITING, queued_at=early)  # queued first, despite its id
    x = make_registration(other, **WAITING)
    assert services.waitlist_positions(camp.id) == {c.id: 1, a.id: 2, b.id: 3}
    assert services.waitlist_position(a) == 2
    services.cancel(c)
    db.session.commit()
    assert services.waitlist_positions(camp.id) == {a.id: 1, b.id: 2}
    # Only the ids asked for, across camps, each in its own queue.
    assert services.waitlist_positions(ids=[b.id, x.id]) == {b.id: 2, x.id: 1}
    assert services.waitlist_positions(ids=[]) == {}


def test_manual_add_links_an_existing_account(client, login):
    organiser = make_user()
    camp = make_camp(organiser=organiser)
    account = make_user(email="kirsten@example.dk")
    login(organiser)
    url = f"/camps/{camp.slug}/manage/registrations/new"
    for email in ("Kirsten@Example.dk", "ny@example.dk"):
        res = client.post(url, data=dict(name="K", email=email, actor_type="citizen"))
        assert res.status_code == 303
    regs = {r.email: r for r in db.session.execute(select(Registration)).scalars()}
    assert regs["kirsten@example.dk"].user_id == account.id
    assert regs["ny@example.dk"].user_id is None
    # No consent was asked by phone; none is recorded.
    assert regs["ny@example.dk"].consent_at is None


def test_csv_columns(app):
    camp = make_camp(consent_version=4)
    q1 = _question(camp, QuestionKind.yesno, "Overnatter du?")
    _question(camp, QuestionKind.text, "Bidrag")
    seated = make_registration(camp, make_user(name="Åse Øster"), diet="Vegansk",
                               accessibility="Høreslynge", answers={str(q1.id): "no"},
                               consent_version=4)
    waiting = make_registration(camp, **WAITING)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        body = registrations_csv(camp, [seated, waiting], {waiting.id: 1})
    assert body.startswith("\ufeff".encode("utf-8"))
    header, first, second = list(csv.reader(io.StringIO(body.decode("utf-8-sig")),
                                            delimiter=";"))
    assert header == ["Name", "E-mail", "Organisation", "Actor type", "Status",
                      "Waiting list position", "Registered", "Dietary needs",
                      "Accessibility needs", "Consent given", "Consent version",
                      "Overnatter du?", "Bidrag"]
    row = dict(zip(header, first))
    assert row["Name"] == "Åse Øster" and row["Dietary needs"] == "Vegansk"
    assert row["Accessibility needs"] == "Høreslynge" and row["Consent version"] == "4"
    assert row["Consent given"][:4].isdigit() and row["Overnatter du?"] == "No"
    assert row["Bidrag"] == "" and row["Status"] == "Confirmed"
    assert dict(zip(header, second))["Waiting list position"] == "1"


def test_actor_mix_csv(client, login):
    organiser = make_user(locale="en")
    camp = make_camp(organiser=organiser)
    make_registration(camp, make_user(organisation="Bornholms Regionskommune"))
    make_registration(camp, make_user(organisation=""), **WAITING)
    login(organiser)
    res = client.get(f"/camps/{camp.slug}/manage/registrations/mix.csv")
    assert res.status_code == 200 and res.mimetype == "text/csv"
    assert res.get_data().startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(res.get_data().decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Status", "Actor type", "Organisation", "Count", "Share"]
    assert ["Confirmed", "", "Bornholms Regionskommune", "1", "100 %"] in rows
    assert ["Waiting list", "", "No organisation", "1", "100 %"] in rows
    assert ["Confirmed", "Administrator (civil servant)", "", "1", "100 %"] in rows
