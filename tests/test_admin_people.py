"""Admin pages for people (issue 9): search, pagination, a person's page, their data as
JSON, erasure with a typed e-mail address and a reason, and its refusals."""
import json

from sqlalchemy import func, select

from camp.audit import AuditEvent
from camp.auth.models import User
from camp.extensions import db
from tests.conftest import sign_in
from tests.factories import make_camp, make_registration, make_user


def _admin(login):
    return login(make_user(name="Ada Admin", is_admin=True, locale="en"))


def _erasures() -> int:
    return db.session.execute(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "account.erase")).scalar_one()


def _signed_in_client(app, user):
    other = app.test_client()
    sign_in(other, user.get_id())
    return other


def test_search_by_name_email_and_organisation(client, login):
    _admin(login)
    make_user(name="Anna Andersen", email="anna@roskilde.dk", organisation="Roskilde Kommune")
    make_user(name="Bo Berg", email="bo@ballerup.dk", organisation="Ældresagen")
    gone = make_user(name="Anna Gammel", email="gammel@example.dk")
    gone.deleted_at = gone.created_at
    db.session.commit()

    def names(q):
        page = client.get("/admin/people", query_string={"q": q}).get_data(as_text=True)
        return [n for n in ("Anna Andersen", "Bo Berg", "Anna Gammel", "Ada Admin")
                if n in page]

    assert names("anna") == ["Anna Andersen"]  # an erased account is not listed
    assert names("BALLERUP.dk") == ["Bo Berg"]
    assert names("ældresagen") == ["Bo Berg"]
    assert names("") == ["Anna Andersen", "Bo Berg", "Ada Admin"]
    assert names("%") == []  # LIKE wildcards are searched for, not expanded
    page = client.get("/admin/people?q=zzz").get_data(as_text=True)
    assert "Nobody matches" in page and "zzz" in page


def test_pagination(app, client, login):
    app.config["REGISTRATIONS_PER_PAGE"] = 3
    _admin(login)
    for n in range(7):
        make_user(name=f"Person {n:02d}")
    first = client.get("/admin/people").get_data(as_text=True)
    last = client.get("/admin/people?page=3").get_data(as_text=True)
    assert first.count('href="/admin/people/') == 3 and "Page 1 of 3" in first
    assert last.count('href="/admin/people/') == 2 and 'rel="prev"' in last
    assert "Person 06" in last  # ordered by name; the admin ("Ada") comes first
    beyond = client.get("/admin/people?page=9")
    assert beyond.status_code == 200


def test_navigation_link_only_for_admins(client, login):
    login(make_user(locale="en"))
    assert "/admin/people" not in client.get("/").get_data(as_text=True)
    _admin(login)
    assert "/admin/people" in client.get("/").get_data(as_text=True)


def test_person_page_and_data_export(client, login):
    admin = _admin(login)
    person = make_user(name="Jens Jensen", email="jens@example.dk")
    camp = make_camp()
    make_registration(camp, person, diet="vegetar")
    page = client.get(f"/admin/people/{person.id}").get_data(as_text=True)
    assert "Jens Jensen" in page and "jens@example.dk" in page and "1 registration" in page
    assert f"/admin/people/{person.id}/erase" in page
    own = client.get(f"/admin/people/{admin.id}").get_data(as_text=True)
    assert f"/admin/people/{admin.id}/erase" not in own and "/me/delete" in own

    res = client.get(f"/admin/people/{person.id}/data.json")
    assert res.status_code == 200 and res.mimetype == "application/json"
    assert "attachment" in res.headers["Content-Disposition"]
    data = json.loads(res.get_data(as_text=True))
    assert data["account"]["email"] == "jens@example.dk"
    assert data["registrations"][0]["diet"] == "vegetar"
    assert data["registrations"][0]["camp"] == camp.slug
    assert client.get("/admin/people/999999").status_code == 404


def test_confirmation_mismatch_changes_nothing(client, login):
    _admin(login)
    person = make_user(name="Jens Jensen", email="jens@example.dk")
    form = client.get(f"/admin/people/{person.id}/erase").get_data(as_text=True)
    assert 'name="email"' in form and 'name="reason"' in form
    for data in ({"email": "someone@example.dk", "reason": "Bedt om det"},
                 {"email": "jens@example.dk", "reason": "   "},
                 {"email": "", "reason": "Bedt om det"}):
        res = client.post(f"/admin/people/{person.id}/erase", data=data)
        assert res.status_code == 200
        assert 'class="error"' in res.get_data(as_text=True)
    db.session.expire_all()
    assert person.deleted_at is None and person.email == "jens@example.dk"
    assert _erasures() == 0


def test_erase_ends_sessions_and_is_logged(app, client, login):
    admin = _admin(login)
    person = make_user(name="Jens Jensen", email="jens@example.dk")
    camp = make_camp()
    reg = make_registration(camp, person)
    theirs = _signed_in_client(app, person)
    assert theirs.get("/me/profile").status_code == 200
    old_token = person.session_token

    res = client.post(f"/admin/people/{person.id}/erase",
                      data={"email": " JENS@example.dk ", "reason": "Bad om det pr. e-mail"})
    assert res.status_code == 303 and res.headers["Location"].endswith("/admin/people")
    db.session.expire_all()
    assert person.deleted_at is not None and person.session_token != old_token
    assert person.email != "jens@example.dk" and person.name != "Jens Jensen"
    assert reg.user_id is None and reg.email != "jens@example.dk"
    assert theirs.get("/me/profile").status_code == 302  # signed out
    event = db.session.execute(select(AuditEvent).where(
        AuditEvent.action == "account.erase")).scalar_one()
    assert event.actor_id == admin.id and event.object_id == person.id
    assert event.data["reason"] == "Bad om det pr. e-mail"
    listing = client.get("/admin/people").get_data(as_text=True)
    assert "Bad om det pr. e-mail" in listing and "Jens Jensen" not in listing
    assert client.get(f"/admin/people/{person.id}").status_code == 404
    assert client.post(f"/admin/people/{person.id}/erase",
                       data={"email": person.email, "reason": "igen"}).status_code == 404


def test_only_organiser_is_refused(client, login):
    _admin(login)
    person = make_user(name="Olga Organiser", email="olga@example.dk")
    make_camp(organiser=person, title="Ensomhedscampen")
    page = client.get(f"/admin/people/{person.id}").get_data(as_text=True)
    assert "only organiser of Ensomhedscampen" in page
    res = client.post(f"/admin/people/{person.id}/erase",
                      data={"email": "olga@example.dk", "reason": "Bedt om det"})
    assert res.status_code == 200
    assert "only organiser of Ensomhedscampen" in res.get_data(as_text=True)
    db.session.expire_all()
    assert person.deleted_at is None and _erasures() == 0


def test_admin_cannot_erase_themselves_here(client, login):
    admin = _admin(login)
    make_user(is_admin=True)  # another admin exists
    res = client.post(f"/admin/people/{admin.id}/erase",
                      data={"email": admin.email, "reason": "Test"})
    assert res.status_code == 200
    assert "cannot erase your own account here" in res.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, admin.id).deleted_at is None and _erasures() == 0


def test_not_for_other_people(client, login):
    person = make_user()
    organiser = make_user()
    make_camp(organiser=organiser)
    login(organiser)
    assert client.get("/admin/people").status_code == 403
    assert client.post(f"/admin/people/{person.id}/erase",
                       data={"email": person.email, "reason": "x"}).status_code == 403
    login(None)
    res = client.get(f"/admin/people/{person.id}/data.json")
    assert res.status_code == 302 and "/login" in res.headers["Location"]
    db.session.expire_all()
    assert person.deleted_at is None
