"""Accounts through HTTP: sign-up, confirmation, log-in, reset, profile, data, deletion."""
import json
import re

from sqlalchemy import func, select

from camp import create_app
from camp.auth.models import ActorType, User
from camp.extensions import db
from camp.registrations.models import RegistrationStatus
from tests.factories import PASSWORD, make_camp, make_registration, make_user

SIGNUP = dict(name="Mette Hansen", email="Mette@Roskilde.dk", organisation="Roskilde Kommune",
              actor_type="administrator", password="en lang adgangskode",
              password_confirm="en lang adgangskode")


def _link(message, path):
    match = re.search(r"http://localhost(%s[^\s]+)" % re.escape(path), message.body)
    assert match, message.body
    return match.group(1)


def _user_count():
    return db.session.execute(select(func.count()).select_from(User)).scalar_one()


def test_signup_creates_account_logs_in_and_sends_confirmation(client, outbox):
    res = client.post("/signup", data=SIGNUP)
    assert res.status_code == 303
    user = db.session.execute(select(User)).scalar_one()
    assert user.email == "mette@roskilde.dk" and user.actor_type == ActorType.administrator
    assert user.email_confirmed_at is None and user.check_password(SIGNUP["password"])
    assert len(outbox) == 1 and outbox[0].to == ["mette@roskilde.dk"]
    assert "Profil" in client.get("/").get_data(as_text=True) or \
        "Profile" in client.get("/").get_data(as_text=True)

    link = _link(outbox[0], "/confirm/")
    page = client.get(link)
    assert page.status_code == 200 and "mette@roskilde.dk" in page.get_data(as_text=True)
    db.session.expire_all()
    assert user.email_confirmed_at is None  # GET changes nothing
    assert client.post(link).status_code == 303
    db.session.expire_all()
    assert user.email_confirmed_at is not None


def test_signup_rejects_bad_input_and_stores_nothing(client, outbox):
    cases = [
        dict(SIGNUP, name=""),
        dict(SIGNUP, email="not-an-email"),
        dict(SIGNUP, password="short", password_confirm="short"),
        dict(SIGNUP, password_confirm="something else entirely"),
        dict(SIGNUP, actor_type="wizard"),
        dict(SIGNUP, name="x" * 121),
    ]
    for data in cases:
        res = client.post("/signup", data=data)
        assert res.status_code == 200
        assert 'class="error"' in res.get_data(as_text=True), data
    assert _user_count() == 0 and outbox == []


def test_signup_duplicate_email_is_a_field_error(client):
    make_user(email="mette@roskilde.dk")
    res = client.post("/signup", data=SIGNUP)
    assert res.status_code == 200
    assert "mette@roskilde.dk" not in [u.email for u in []]
    assert 'id="email-error"' in res.get_data(as_text=True)
    assert _user_count() == 1


def test_tampered_and_expired_confirmation_links(client, app):
    user = make_user(email_confirmed_at=None)
    from camp.tokens import make_token
    with app.test_request_context():
        token = make_token("confirm", {"uid": user.id, "email": user.email})
    res = client.get(f"/confirm/{token[:-3]}abc")
    assert res.status_code == 400 and "ikke gyldigt" in res.get_data(as_text=True) or \
        "not valid" in res.get_data(as_text=True)
    app.config["TOKEN_MAX_AGE"] = -1
    res = client.post(f"/confirm/{token}")
    assert res.status_code == 400
    db.session.expire_all()
    assert user.email_confirmed_at is None


def test_login_rotates_session_and_logout(client):
    user = make_user(email="anna@kl.dk")
    with client.session_transaction() as sess:
        sess["planted"] = "from before login"
    res = client.post("/login", data={"email": "ANNA@kl.dk", "password": PASSWORD})
    assert res.status_code == 303
    with client.session_transaction() as sess:
        assert "planted" not in sess
        assert sess["_user_id"] == user.get_id()
    assert client.get("/me/profile").status_code == 200
    assert client.post("/logout").status_code == 303
    assert client.get("/me/profile").status_code == 302


def test_login_wrong_password_gives_one_message(client):
    make_user(email="anna@kl.dk")
    res = client.post("/login", data={"email": "anna@kl.dk", "password": "wrong password!"})
    assert res.status_code == 200
    html = res.get_data(as_text=True)
    assert 'id="password-error"' in html
    res2 = client.post("/login", data={"email": "nobody@kl.dk", "password": "wrong password!"})
    assert res2.get_data(as_text=True).count('id="password-error"') == 1


def test_login_next_only_same_site(client):
    make_user(email="anna@kl.dk")
    res = client.post("/login?next=https://evil.example/x",
                      data={"email": "anna@kl.dk", "password": PASSWORD})
    assert res.headers["Location"] == "/"


def test_remember_me_sets_cookie(client):
    make_user(email="anna@kl.dk")
    res = client.post("/login", data={"email": "anna@kl.dk", "password": PASSWORD,
                                      "remember": "y"})
    assert "remember_token" in res.headers.get("Set-Cookie", "") or any(
        "remember_token" in h for h in res.headers.getlist("Set-Cookie"))


def test_password_reset_flow_single_use(client, outbox):
    user = make_user(email="anna@kl.dk")
    res = client.post("/password/forgot", data={"email": "anna@kl.dk"})
    assert res.status_code == 303 and len(outbox) == 1
    link = _link(outbox[0], "/password/reset/")
    assert client.get(link).status_code == 200
    res = client.post(link, data={"password": "a brand new password",
                                  "password_confirm": "a brand new password"})
    assert res.status_code == 303
    db.session.expire_all()
    assert user.check_password("a brand new password")
    client.post("/logout")
    res = client.post(link, data={"password": "yet another password",
                                  "password_confirm": "yet another password"})
    assert res.status_code == 400  # already used
    db.session.expire_all()
    assert user.check_password("a brand new password")


def test_password_reset_unknown_email_same_answer(client, outbox):
    res = client.post("/password/forgot", data={"email": "ghost@kl.dk"}, follow_redirects=True)
    assert res.status_code == 200 and outbox == []
    assert "ghost@kl.dk" in res.get_data(as_text=True)


def test_password_reset_short_password_refused(client, outbox, app):
    user = make_user(email="anna@kl.dk")
    client.post("/password/forgot", data={"email": "anna@kl.dk"})
    link = _link(outbox[0], "/password/reset/")
    res = client.post(link, data={"password": "short", "password_confirm": "short"})
    assert res.status_code == 200 and 'id="password-error"' in res.get_data(as_text=True)
    db.session.expire_all()
    assert user.check_password(PASSWORD)


def test_change_password_logs_out_other_sessions(app, client, login):
    user = make_user()
    login(user)
    other = app.test_client()
    with other.session_transaction() as sess:
        sess["_user_id"] = user.get_id()
    assert other.get("/me/profile").status_code == 200
    res = client.post("/me/password", data={"current_password": "wrong one here",
                                            "password": "a brand new password",
                                            "password_confirm": "a brand new password"})
    assert res.status_code == 200 and 'id="current_password-error"' in res.get_data(as_text=True)
    res = client.post("/me/password", data={"current_password": PASSWORD,
                                            "password": "a brand new password",
                                            "password_confirm": "a brand new password"})
    assert res.status_code == 303
    assert client.get("/me/profile").status_code == 200
    assert other.get("/me/profile").status_code == 302


def test_profile_update_and_language(client, login):
    user = login(make_user())
    res = client.post("/me/profile", data={"name": "Ny Navn", "organisation": "",
                                           "actor_type": "citizen", "locale": "en"})
    assert res.status_code == 303
    db.session.expire_all()
    assert user.name == "Ny Navn" and user.actor_type == ActorType.citizen and user.locale == "en"
    assert '<html lang="en">' in client.get("/me/profile").get_data(as_text=True)
    res = client.post("/me/profile", data={"name": "", "organisation": "",
                                           "actor_type": "citizen", "locale": "xx"})
    assert res.status_code == 200
    db.session.expire_all()
    assert user.name == "Ny Navn"


def test_download_my_data(client, login):
    user = login(make_user(name="Jens Jensen"))
    camp = make_camp()
    make_registration(camp, user, diet="vegetar", answers={"1": "A"})
    res = client.get("/me/data.json")
    assert res.status_code == 200 and "attachment" in res.headers["Content-Disposition"]
    data = json.loads(res.get_data(as_text=True))
    assert data["account"]["name"] == "Jens Jensen"
    assert data["registrations"][0]["diet"] == "vegetar"
    assert data["registrations"][0]["camp"] == camp.slug


def test_delete_account_erases_personal_data(client, login, outbox):
    user = login(make_user(name="Jens Jensen", email="jens@example.dk"))
    camp = make_camp(capacity=1)
    reg = make_registration(camp, user, diet="vegetar")
    waiting = make_registration(camp, status=RegistrationStatus.waitlisted, confirmed_at=None)

    res = client.post("/me/delete", data={"password": "wrong password", "confirm": "y"})
    assert res.status_code == 200
    res = client.post("/me/delete", data={"password": PASSWORD})
    assert res.status_code == 200  # box not ticked
    db.session.expire_all()
    assert user.deleted_at is None

    res = client.post("/me/delete", data={"password": PASSWORD, "confirm": "y"})
    assert res.status_code == 303
    db.session.expire_all()
    assert user.deleted_at is not None and user.email != "jens@example.dk"
    assert user.name != "Jens Jensen" and user.password_hash is None
    assert reg.user_id is None and reg.name != "Jens Jensen" and reg.diet == ""
    assert reg.email != "jens@example.dk" and reg.answers == {}
    assert reg.status == RegistrationStatus.cancelled
    assert waiting.status == RegistrationStatus.confirmed  # the freed seat moved on
    assert client.get("/me/profile").status_code == 302
    res = client.post("/login", data={"email": "jens@example.dk", "password": PASSWORD})
    assert res.status_code == 200


def test_only_organiser_cannot_delete_account(client, login):
    user = login(make_user())
    make_camp(organiser=user)
    res = client.post("/me/delete", data={"password": PASSWORD, "confirm": "y"})
    assert res.status_code == 200
    db.session.expire_all()
    assert user.deleted_at is None


def test_create_admin_cli(runner):
    res = runner.invoke(args=["camp", "create-admin", "--email", "Admin@Samskab.dk",
                              "--name", "Admin", "--password", "long enough password"])
    assert res.exit_code == 0, res.output
    user = db.session.execute(select(User)).scalar_one()
    assert user.is_admin and user.email == "admin@samskab.dk" and user.email_confirmed_at
    res = runner.invoke(args=["camp", "create-admin", "--email", "x@samskab.dk",
                              "--name", "X", "--password", "short"])
    assert res.exit_code != 0 and _user_count() == 1


def test_login_and_reset_are_rate_limited(app, database_url):
    limited = create_app({"TESTING": True, "SECRET_KEY": "test", "DATABASE_URL": database_url,
                          "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": True,
                          "MAIL_BACKEND": "locmem"})
    client = limited.test_client()
    codes = [client.post("/login", data={"email": "a@b.dk", "password": "x" * 12}).status_code
             for _ in range(11)]
    assert codes[:10] == [200] * 10 and codes[10] == 429
    resets = [client.post("/password/forgot", data={"email": "a@b.dk"}).status_code
              for _ in range(6)]
    assert resets[:5] == [303] * 5 and resets[5] == 429
    with limited.app_context():
        db.engine.dispose()
