"""The application shell: factory, config, layout, errors, headers, languages."""
import pytest

from camp import create_app
from camp.config import DEV_SECRET_KEY


def test_refuses_dev_secret_outside_debug(monkeypatch, tmp_path):
    monkeypatch.delenv("CAMP_SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    with pytest.raises(RuntimeError, match="secret key"):
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})


def test_env_overrides(monkeypatch, tmp_path):
    monkeypatch.setenv("CAMP_SECRET_KEY", "from-env-" + "x" * 20)
    monkeypatch.setenv("CAMP_REGISTRATIONS_PER_PAGE", "7")
    monkeypatch.setenv("CAMP_COOKIE_SECURE", "false")  # production's default is true
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})
    assert app.config["SECRET_KEY"].startswith("from-env-")
    assert app.config["REGISTRATIONS_PER_PAGE"] == 7
    assert app.config["SESSION_COOKIE_SECURE"] is False
    assert app.config["SECRET_KEY"] != DEV_SECRET_KEY


def test_front_page_danish_by_default(client):
    res = client.get("/")
    assert res.status_code == 200
    html = res.get_data(as_text=True)
    assert '<html lang="da">' in html
    assert "Spring til indhold" in html or "Skip to content" in html
    assert 'href="#main"' in html


def test_language_switch_to_english(client):
    res = client.post("/language", data={"lang": "en", "next": "/camps/"})
    assert res.status_code == 303 and res.headers["Location"] == "/camps/"
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Skip to content" in html


def test_language_switch_ignores_offsite_next(client):
    res = client.post("/language", data={"lang": "en", "next": "https://evil.example/"})
    assert res.headers["Location"] == "/"


def test_404_page_in_layout(client):
    res = client.get("/no-such-page")
    assert res.status_code == 404
    assert "site-header" in res.get_data(as_text=True)


def test_api_errors_are_json(client):
    res = client.get("/api/v1/nothing")
    assert res.status_code == 404
    assert res.is_json and "error" in res.get_json()


def test_security_headers(client):
    res = client.get("/")
    assert "frame-ancestors 'none'" in res.headers["Content-Security-Policy"]
    assert res.headers["X-Content-Type-Options"] == "nosniff"


def test_sqlite_pragmas(app):
    from camp.extensions import db
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite connection settings")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000


def test_utc_datetime_roundtrip(app):
    from datetime import timezone
    from tests.factories import make_camp
    camp = make_camp()
    from camp.extensions import db
    db.session.expire_all()
    assert camp.starts_at.tzinfo is not None
    assert camp.starts_at.utcoffset() == timezone.utc.utcoffset(None)


def test_domain_error_messages_are_escaped(app, client):
    from flask_babel import lazy_gettext
    from camp.errors import DomainError

    @app.get("/_boom")
    def _boom():
        raise DomainError(lazy_gettext("%(email)s is taken", email="<script>x</script>"))

    html = client.get("/_boom").get_data(as_text=True)
    assert "<script>x</script>" not in html and "&lt;script&gt;" in html


def test_too_large_upload_gets_the_413_page(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    res = client.post("/login", data={"email": "a@b.dk", "password": "x" * 5000})
    assert res.status_code == 413 and "site-header" in res.get_data(as_text=True)
