"""Issue 9, part I: the privacy notice, the accessibility statement, and the consent log
(written at sign-up, registration, cancellation and account deletion; shown to organisers;
in the person's data export)."""
import csv
import io
import json

from flask_babel import force_locale, gettext
from sqlalchemy import select

from camp.audit import ConsentEvent
from camp.auth.models import User
from camp.extensions import db
from camp.privacy.consent import PRIVACY_VERSION
from camp.registrations import services as registrations
from camp.registrations.models import Registration, RegistrationStatus
from tests.factories import PASSWORD, make_camp, make_registration, make_user


def _consents(**where):
    stmt = select(ConsentEvent).order_by(ConsentEvent.id)
    for key, value in where.items():
        stmt = stmt.where(getattr(ConsentEvent, key) == value)
    return db.session.execute(stmt).scalars().all()


def _heading(locale, text):
    with force_locale(locale):
        return gettext(text)


def _get_in(client, url, lang):
    client.post("/language", data={"lang": lang})
    return client.get(url)


# -- the public pages ----------------------------------------------------------------

def test_privacy_page_renders_in_both_languages(client):
    for lang in ("da", "en"):
        res = _get_in(client, "/privacy", lang)
        html = res.get_data(as_text=True)
        assert res.status_code == 200
        assert f'<html lang="{lang}">' in html
        assert _heading(lang, "Privacy: how Samskab handles your personal data") in html
        assert _heading(lang, "What we store") in html
        assert _heading(lang, "Your rights") in html
    html = _get_in(client, "/privacy", "en").get_data(as_text=True)
    assert "Datatilsynet" in html and f"version {PRIVACY_VERSION}" in html
    assert "Log in first." in html  # the data export needs an account


def test_privacy_page_links_the_rights_and_shows_retention_per_camp(client, login):
    make_camp(title="Camp med sletning", retention_months=6)
    make_camp(title="Camp uden sletning")
    login(make_user(locale="en"))
    html = client.get("/privacy").get_data(as_text=True)
    assert 'href="/me/data.json"' in html and 'href="/me/delete"' in html
    assert 'href="/me/registrations"' in html
    assert "Camp med sletning" in html and "Erased 6 months after the camp" in html
    assert "Kept until the organisers erase it" in html


def test_accessibility_statement_renders_in_both_languages(client):
    for lang in ("da", "en"):
        res = _get_in(client, "/accessibility", lang)
        html = res.get_data(as_text=True)
        assert res.status_code == 200 and f'<html lang="{lang}">' in html
        assert _heading(lang, "Accessibility statement") in html
        assert _heading(lang, "Known limitations") in html
    html = _get_in(client, "/accessibility", "en").get_data(as_text=True)
    assert "WCAG 2.1" in html and "axe-core" in html and "Digitaliseringsstyrelsen" in html
    assert "USB barcode scanner" in html and "No external audit" in html


def test_footer_links_both_pages_everywhere(client):
    for url in ("/", "/camps/", "/login", "/privacy"):
        html = client.get(url).get_data(as_text=True)
        assert 'href="/privacy"' in html and 'href="/accessibility"' in html, url


def test_contact_address_is_shown_when_configured(app, client):
    app.config["CONTACT_EMAIL"] = "dpo@kommune.dk"
    assert 'href="mailto:dpo@kommune.dk"' in client.get("/accessibility").get_data(as_text=True)
    assert 'href="mailto:dpo@kommune.dk"' in client.get("/privacy").get_data(as_text=True)


# -- the consent log is written ----------------------------------------------------

def test_signup_logs_the_privacy_notice_version(client):
    res = client.post("/signup", data=dict(
        name="Ny Bruger", organisation="", actor_type="citizen", email="ny@example.dk",
        password="en lang adgangskode", password_confirm="en lang adgangskode"))
    assert res.status_code == 303
    user = db.session.execute(select(User).where(User.email == "ny@example.dk")).scalar_one()
    [event] = _consents(user_id=user.id)
    assert event.kind == "signup" and event.version == PRIVACY_VERSION
    assert event.camp_id is None and event.at is not None


def test_accounts_made_by_an_administrator_log_no_signup(runner):
    res = runner.invoke(args=["camp", "create-admin", "--email", "admin@example.dk",
                              "--name", "Admin", "--password", "en lang adgangskode"])
    assert res.exit_code == 0, res.output
    assert _consents() == []


def test_registration_logs_the_camps_consent_text_and_version(client, login):
    camp = make_camp(consent_text="Vi gemmer dit navn i et år.", consent_version=3)
    user = login(make_user(locale="en"))
    res = client.post(f"/camps/{camp.slug}/register", data=dict(
        name="Mette Hansen", organisation="Roskilde Kommune", actor_type="administrator",
        diet="", accessibility="", consent="y"))
    assert res.status_code == 303
    reg = db.session.execute(select(Registration)).scalar_one()
    [event] = _consents(kind="registration")
    assert (event.user_id, event.camp_id, event.registration_id) == (user.id, camp.id, reg.id)
    assert event.version == 3 and event.text == "Vi gemmer dit navn i et år."


def test_refused_registration_logs_nothing(client, login):
    camp = make_camp()
    login(make_user(locale="en"))
    res = client.post(f"/camps/{camp.slug}/register", data=dict(
        name="Mette Hansen", actor_type="administrator", consent=""))
    assert res.status_code == 200
    assert _consents() == []


def test_cancellation_logs_a_withdrawal(client, login):
    camp = make_camp(consent_version=2)
    user = login(make_user(locale="en"))
    reg = make_registration(camp, user, consent_version=2)
    res = client.post(f"/me/registrations/{reg.id}/cancel")
    assert res.status_code == 303
    [event] = _consents(kind="withdrawn")
    assert (event.user_id, event.camp_id, event.registration_id) == (user.id, camp.id, reg.id)
    assert event.version == 2


def test_cancellation_by_an_organiser_logs_a_withdrawal(client, login):
    organiser = make_user(locale="en")
    camp = make_camp(organiser)
    reg = make_registration(camp)
    login(organiser)
    assert client.post(f"/camps/{camp.slug}/manage/registrations/{reg.id}/cancel"
                       ).status_code == 303
    assert [e.registration_id for e in _consents(kind="withdrawn")] == [reg.id]


def test_account_deletion_logs_withdrawals(client, login):
    from datetime import timedelta

    from camp.db import utcnow
    user = login(make_user(locale="en"))
    ahead = make_camp()
    past = make_camp(starts_at=utcnow() - timedelta(days=40),
                     ends_at=utcnow() - timedelta(days=39))
    cancelled_before = make_camp()
    reg_ahead = make_registration(ahead, user)
    reg_past = make_registration(past, user)
    make_registration(cancelled_before, user, status=RegistrationStatus.cancelled)
    res = client.post("/me/delete", data={"password": PASSWORD, "confirm": "y"})
    assert res.status_code == 303
    events = _consents(kind="withdrawn")
    # One for the account, one per camp whose consent was still standing.
    assert sorted((e.camp_id or 0) for e in events) == sorted([0, ahead.id, past.id])
    assert {e.registration_id for e in events} == {None, reg_ahead.id, reg_past.id}
    assert all(e.user_id == user.id for e in events)
    account = next(e for e in events if e.camp_id is None)
    assert account.version == PRIVACY_VERSION


def test_own_consents_are_in_the_data_export(client, login):
    camp = make_camp(consent_text="Samtykke A")
    user = login(make_user(locale="en"))
    reg = registrations.register(camp, user, registrations.RegistrationData(
        name=user.name, email=user.email, consent=True))
    db.session.commit()
    registrations.cancel(reg, actor=user)
    db.session.commit()
    other = make_user()
    registrations.register(camp, other, registrations.RegistrationData(
        name=other.name, email=other.email, consent=True))
    db.session.commit()
    data = json.loads(client.get("/me/data.json").get_data(as_text=True))
    assert [(c["kind"], c["camp"], c["text"]) for c in data["consents"]] == [
        ("registration", camp.slug, "Samtykke A"), ("withdrawn", camp.slug, "")]


# -- organisers see the camp's consent log -------------------------------------------

def _log_world():
    organiser = make_user(locale="en")
    camp = make_camp(organiser, consent_text="Tekst v1")
    people = [make_user(name=f"Deltager {i:02d}") for i in range(3)]
    regs = []
    for person in people:
        regs.append(registrations.register(camp, person, registrations.RegistrationData(
            name=person.name, email=person.email, consent=True)))
        db.session.commit()
    registrations.cancel(regs[0], actor=people[0])
    db.session.commit()
    guest = registrations.register(camp, None, registrations.RegistrationData(
        name="Gæst Uden Konto", email="gaest@example.dk", consent=True),
        actor=organiser, check_window=False)
    db.session.commit()
    return organiser, camp, people, guest


def test_consent_log_page_lists_who_what_when(client, login):
    organiser, camp, people, _guest = _log_world()
    other_camp = make_camp()
    make_registration(other_camp, make_user(name="Fremmed Person"))
    registrations.register(other_camp, make_user(name="Fremmed Deltager"),
                           registrations.RegistrationData(name="x", email="f@example.dk",
                                                          consent=True))
    db.session.commit()
    login(organiser)
    res = client.get(f"/camps/{camp.slug}/manage/consents")
    html = res.get_data(as_text=True)
    assert res.status_code == 200 and "<h1>Consent log</h1>" in html
    assert "Deltager 00" in html and "Deltager 02" in html
    assert "Gæst Uden Konto" in html  # added by hand: the registration's name
    assert "Withdrawn" in html and "Consented when registering" in html
    assert "Fremmed" not in html and "5 entries." in html
    # Newest first: the guest's registration is the latest.
    assert html.index("Gæst Uden Konto") < html.index("Deltager 00")


def test_consent_log_paginates_with_constant_queries(app, client, login, query_counter):
    organiser, camp, _people, _guest = _log_world()
    login(organiser)
    app.config["REGISTRATIONS_PER_PAGE"] = 2
    with query_counter() as few:
        assert client.get(f"/camps/{camp.slug}/manage/consents").status_code == 200
    for i in range(6):
        person = make_user()
        registrations.register(camp, person, registrations.RegistrationData(
            name=f"Ekstra {i}", email=person.email, consent=True))
        db.session.commit()
    app.config["REGISTRATIONS_PER_PAGE"] = 20
    with query_counter() as many:
        html = client.get(f"/camps/{camp.slug}/manage/consents").get_data(as_text=True)
    assert "11 entries." in html and many() == few()
    app.config["REGISTRATIONS_PER_PAGE"] = 4
    html = client.get(f"/camps/{camp.slug}/manage/consents?page=3").get_data(as_text=True)
    assert "Page 3 of 3" in html and html.count("<tr>") == 1 + 3


def test_consent_log_csv(client, login):
    organiser, camp, _people, _guest = _log_world()
    login(organiser)
    res = client.get(f"/camps/{camp.slug}/manage/consents.csv")
    assert res.status_code == 200 and res.mimetype == "text/csv"
    assert f"{camp.slug}-consents.csv" in res.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(res.get_data(as_text=True).lstrip("\ufeff")),
                           delimiter=";"))
    assert rows[0][:3] == ["Person", "Kind", "Version"]
    assert len(rows) == 1 + 5
    assert {r[0] for r in rows[1:]} == {"Deltager 00", "Deltager 01", "Deltager 02",
                                        "Gæst Uden Konto"}
    assert sum(r[1] == "Withdrawn" for r in rows[1:]) == 1
    assert {r[5] for r in rows[1:] if r[1] != "Withdrawn"} == {"Tekst v1"}


def test_consent_log_is_for_the_camps_organisers_only(client, login):
    organiser, camp, people, _guest = _log_world()
    other_organiser = make_user()
    make_camp(other_organiser)
    for user, status in ((people[1], 403), (other_organiser, 403), (None, 302)):
        login(user)
        assert client.get(f"/camps/{camp.slug}/manage/consents").status_code == status
        assert client.get(f"/camps/{camp.slug}/manage/consents.csv").status_code == status
