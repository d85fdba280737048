"""Organisers' API tokens (issue 9): the /me/api-tokens pages, and what a token may do:
read the API as its user (GET only), until revoked or expired; never the HTML site, never
the check-in POST. Rate limit per token."""
from __future__ import annotations

import hashlib
import os
import re
from datetime import timedelta

import pytest

from camp.errors import DomainError

from camp import create_app
from camp.api import tokens
from camp.api.models import ApiToken
from camp.audit import AuditEvent
from camp.camps.models import CampStatus
from camp.db import utcnow
from camp.extensions import db
from tests.conftest import FreshContextClient
from tests.factories import make_camp, make_registration, make_user

SECRET = re.compile(r'value="(sk_[A-Za-z0-9_-]+)"')


@pytest.fixture
def organiser(app):
    user = make_user(locale="en")
    make_camp(organiser=user, status=CampStatus.draft, slug="min-kladde")
    return user


def _create(client, name="Statistik", valid_days="90"):
    res = client.post("/me/api-tokens", data={"name": name, "valid_days": valid_days})
    assert res.status_code == 200, res.status_code
    found = SECRET.search(res.get_data(as_text=True))
    assert found, "the new secret is shown"
    return res, found.group(1)


def _bearer(secret):
    return {"Authorization": f"Bearer {secret}"}


# -- the pages ---------------------------------------------------------------------------

def test_organiser_creates_a_token_shown_once_and_stored_hashed(client, login, organiser):
    login(organiser)
    res, secret = _create(client)
    assert res.headers["Cache-Control"] == "no-store"
    assert secret.startswith("sk_") and len(secret) > 40
    token = db.session.execute(db.select(ApiToken)).scalar_one()
    assert token.user_id == organiser.id and token.name == "Statistik"
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert timedelta(days=89) < token.expires_at - utcnow() <= timedelta(days=90)
    page = client.get("/me/api-tokens").get_data(as_text=True)
    assert "Statistik" in page and secret not in page  # shown only that once
    event = db.session.execute(db.select(AuditEvent).where(
        AuditEvent.action == "api_token.create")).scalar_one()
    assert event.actor_id == organiser.id and event.object_id == token.id


def test_token_without_expiry_and_a_name_is_needed(client, login, organiser):
    login(organiser)
    _res, _secret = _create(client, valid_days="")
    assert db.session.execute(db.select(ApiToken)).scalar_one().expires_at is None
    res = client.post("/me/api-tokens", data={"name": "  ", "valid_days": "30"})
    assert res.status_code == 200 and not SECRET.search(res.get_data(as_text=True))
    res = client.post("/me/api-tokens", data={"name": "x", "valid_days": "1000"})
    assert not SECRET.search(res.get_data(as_text=True))
    assert db.session.execute(db.select(db.func.count(ApiToken.id))).scalar() == 1


def test_only_organisers_and_admins_create_tokens(client, login):
    participant = make_user(locale="en")
    make_registration(make_camp(), participant)
    login(participant)
    page = client.get("/me/api-tokens")
    assert page.status_code == 200 and 'name="name"' not in page.get_data(as_text=True)
    assert client.post("/me/api-tokens", data={"name": "x", "valid_days": "30"}) \
        .status_code == 403
    login(make_user(is_admin=True, locale="en"))
    _create(client)
    login(None)
    assert client.get("/me/api-tokens").status_code == 302


def test_profile_links_the_token_page_for_organisers(client, login, organiser):
    login(organiser)
    assert "/me/api-tokens" in client.get("/me/profile").get_data(as_text=True)
    login(make_user(locale="en"))
    assert "/me/api-tokens" not in client.get("/me/profile").get_data(as_text=True)


def test_revoke_own_token_only(client, login, organiser):
    login(organiser)
    _res, secret = _create(client)
    token = db.session.execute(db.select(ApiToken)).scalar_one()
    other = make_user(locale="en")
    login(other)
    assert client.post("/me/api-tokens/revoke", data={"token_id": token.id}).status_code == 404
    assert client.get("/api/v1/camps", headers=_bearer(secret)).status_code == 200
    login(organiser)
    res = client.post("/me/api-tokens/revoke", data={"token_id": token.id})
    assert res.status_code == 303
    assert db.session.get(ApiToken, token.id).revoked_at is not None
    assert "revoked" in client.get("/me/api-tokens").get_data(as_text=True)
    assert db.session.execute(db.select(AuditEvent).where(
        AuditEvent.action == "api_token.revoke")).scalar_one().object_id == token.id


# -- using a token -----------------------------------------------------------------------

def test_token_reads_as_its_user_and_notes_the_use(client, login, organiser):
    login(organiser)
    _res, secret = _create(client)
    login(None)
    assert [c["slug"] for c in client.get("/api/v1/camps").get_json()["items"]] == []
    res = client.get("/api/v1/camps", headers=_bearer(secret))
    assert res.status_code == 200
    assert [c["slug"] for c in res.get_json()["items"]] == ["min-kladde"]
    assert client.get("/api/v1/camps/min-kladde", headers=_bearer(secret)).status_code == 200
    used = db.session.execute(db.select(ApiToken)).scalar_one().last_used_at
    assert used is not None and utcnow() - used < timedelta(minutes=1)


@pytest.mark.parametrize("header", [
    "Bearer sk_not-a-real-token", "Bearer sk_", "Bearer " + "sk_" + "x" * 200,
    "Basic dXNlcjpwYXNz", "Bearer", "Bearer not-prefixed"])
def test_bad_authorization_is_401_json(client, header):
    res = client.get("/api/v1/camps", headers={"Authorization": header})
    assert res.status_code == 401
    assert res.get_json()["error"] == "unauthorized" and res.get_json()["message"]


def test_revoked_expired_and_deleted_users_tokens_are_refused(client, organiser):
    token, secret = tokens.create_token(organiser, "a", 30)
    db.session.commit()
    assert client.get("/api/v1/camps", headers=_bearer(secret)).status_code == 200
    token = db.session.get(ApiToken, token.id)
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get("/api/v1/camps", headers=_bearer(secret)).status_code == 401
    token = db.session.get(ApiToken, token.id)
    token.expires_at = None
    tokens.revoke(organiser, token)
    db.session.commit()
    assert client.get("/api/v1/camps", headers=_bearer(secret)).status_code == 401
    _token, fresh = tokens.create_token(organiser, "b", None)
    db.session.commit()
    assert client.get("/api/v1/camps", headers=_bearer(fresh)).status_code == 200
    db.session.get(type(organiser), organiser.id).deleted_at = utcnow()
    db.session.commit()
    assert client.get("/api/v1/camps", headers=_bearer(fresh)).status_code == 401


def test_token_is_no_key_to_the_site_or_the_check_in(client, organiser):
    from camp.checkin.devices import create_device
    _token, secret = tokens.create_token(organiser, "a", 30)
    camp = make_camp(organiser=organiser)
    _device, device_token = create_device(organiser, camp, "Dør", 12)
    db.session.commit()
    # The site ignores the header: not signed in.
    assert client.get("/me/profile", headers=_bearer(secret)).status_code == 302
    assert client.get("/me/api-tokens", headers=_bearer(secret)).status_code == 302
    # Check-in takes device tokens only, and never a write with an API token.
    scan = client.post(f"/api/v1/camps/{camp.slug}/scans", headers=_bearer(secret),
                       json={"ticket": "x", "nonce": "12345678"})
    assert scan.status_code == 401
    assert client.get(f"/api/v1/camps/{camp.slug}/attendees",
                      headers=_bearer(secret)).status_code == 401
    # ... and a device token is no key to the read API.
    res = client.get("/api/v1/camps", headers=_bearer(device_token))
    assert res.status_code == 401 and "device" in res.get_json()["message"]


def test_only_active_tokens_count_towards_the_limit(organiser):
    for n in range(tokens.MAX_ACTIVE):
        tokens.create_token(organiser, f"t{n}", 30)
    with pytest.raises(DomainError) as exc:
        tokens.create_token(organiser, "one too many", 30)
    assert f"{tokens.MAX_ACTIVE} aktive" in str(exc.value.message)
    first = db.session.execute(db.select(ApiToken).limit(1)).scalar_one()
    tokens.revoke(organiser, first)
    tokens.create_token(organiser, "now it fits", 30)


# -- rate limit --------------------------------------------------------------------------

@pytest.fixture
def limited_app(database_url, tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret",
                      "DATABASE_URL": database_url, "WTF_CSRF_ENABLED": False,
                      "RATELIMIT_ENABLED": True, "MAIL_BACKEND": "locmem",
                      "SERVER_NAME": "localhost", "BASE_URL": "http://localhost"})
    app.test_client_class = FreshContextClient
    app.instance_path = str(tmp_path / "instance")
    os.makedirs(app.instance_path, exist_ok=True)
    from camp.extensions import limiter
    with app.app_context():
        db.create_all()
        limiter.reset()
        yield app
        db.session.remove()
        db.engine.dispose()
    limiter.enabled = False  # one limiter for every app in the process: leave it off


def test_read_api_rate_limit_is_per_token_and_answers_json(limited_app):
    organiser = make_user(locale="en")
    make_camp(organiser=organiser)
    _one, first = tokens.create_token(organiser, "a", 30)
    _two, second = tokens.create_token(organiser, "b", 30)
    db.session.commit()
    client = limited_app.test_client()
    statuses = [client.get("/api/v1/charters", headers=_bearer(first)).status_code
                for _ in range(301)]
    assert statuses[:300] == [200] * 300 and statuses[300] == 429, statuses[-3:]
    res = client.get("/api/v1/camps", headers=_bearer(first))  # one budget for the API
    assert res.status_code == 429 and res.get_json()["error"] == "too_many_requests"
    # Another token, and callers without one, have budgets of their own.
    assert client.get("/api/v1/camps", headers=_bearer(second)).status_code == 200
    assert client.get("/api/v1/camps").status_code == 200


def test_made_up_tokens_share_the_address_budget(limited_app, monkeypatch):
    import camp.api.read as read
    monkeypatch.setattr(read, "ADDRESS_LIMIT", "5 per minute")
    client = limited_app.test_client()
    statuses = [client.get("/api/v1/camps", headers=_bearer(f"sk_guess{n}")).status_code
                for n in range(6)]
    assert statuses == [401] * 5 + [429], statuses
