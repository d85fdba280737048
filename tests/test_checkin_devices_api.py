"""Paired devices and the check-in API."""
import hashlib
import re
import uuid
from datetime import timedelta

from sqlalchemy import select

from camp.checkin import devices
from camp.checkin.models import CheckinEvent, Device
from camp.db import utcnow
from camp.extensions import db
from camp.registrations.models import RegistrationStatus
from tests.factories import make_camp, make_registration, make_user


def _open_camp(**kw):
    organiser = make_user()
    camp = make_camp(organiser=organiser, starts_at=utcnow() - timedelta(minutes=10), **kw)
    camp.ends_at = camp.starts_at + timedelta(hours=24)
    db.session.commit()
    return organiser, camp


def _device(camp, organiser, hours=12):
    device, token = devices.create_device(organiser, camp, "Dør 1", hours)
    db.session.commit()
    return device, token


def test_organiser_pairs_a_phone_that_scans_without_an_account(app, client, login):
    organiser, camp = _open_camp()
    reg = make_registration(camp)
    login(organiser)
    res = client.post(f"/camps/{camp.slug}/manage/devices", data={"name": "Dør 1", "hours": 12})
    assert res.status_code == 303
    page = client.get(f"/camps/{camp.slug}/manage/devices").get_data(as_text=True)
    link = re.search(r"http://localhost(/pair/[A-Za-z0-9_-]+)", page).group(1)
    assert "<svg" in page
    again = client.get(f"/camps/{camp.slug}/manage/devices").get_data(as_text=True)
    assert link not in again  # the token is shown once
    device = db.session.execute(select(Device)).scalar_one()
    assert device.token_hash == hashlib.sha256(link.rsplit("/", 1)[1].encode()).hexdigest()

    phone = app.test_client()
    assert phone.get(f"/camps/{camp.slug}/checkin").status_code == 302  # not yet paired
    assert phone.get(link).status_code == 200
    assert phone.post(link).status_code == 303
    assert phone.get(f"/camps/{camp.slug}/checkin").status_code == 200
    html = phone.post(f"/camps/{camp.slug}/checkin", data={
        "ticket": reg.ticket_secret, "direction": "in", "nonce": uuid.uuid4().hex}).get_data(
        as_text=True)
    assert "scan-ok" in html
    event = db.session.execute(select(CheckinEvent)).scalar_one()
    assert event.device_id == device.id and event.user_id is None
    # The device only works for its own camp, and not for organiser pages.
    other = make_camp()
    assert phone.get(f"/camps/{other.slug}/checkin").status_code == 302
    assert phone.get(f"/camps/{camp.slug}/manage/").status_code == 302

    client.post(f"/camps/{camp.slug}/manage/devices/{device.id}/revoke")
    assert phone.get(f"/camps/{camp.slug}/checkin").status_code == 302
    assert phone.get(link).status_code == 404


def test_device_form_validation(client, login):
    organiser, camp = _open_camp()
    login(organiser)
    for data in ({"name": "", "hours": 12}, {"name": "Dør", "hours": 0},
                 {"name": "Dør", "hours": 10000}, {"name": "Dør", "hours": "x"}):
        assert client.post(f"/camps/{camp.slug}/manage/devices", data=data).status_code == 200
    assert db.session.execute(select(Device)).first() is None


def test_api_scan_with_device_token_is_idempotent(client):
    organiser, camp = _open_camp()
    reg = make_registration(camp, diet="vegetar")
    _, token = _device(camp, organiser)
    headers = {"Authorization": f"Bearer {token}"}
    body = {"ticket": f"http://localhost/t/{reg.ticket_secret}", "direction": "in",
            "nonce": uuid.uuid4().hex}
    first = client.post(f"/api/v1/camps/{camp.slug}/scans", json=body, headers=headers)
    assert first.status_code == 200, first.get_json()
    data = first.get_json()
    assert data["result"] == "ok" and data["admitted"] and not data["replayed"]
    assert data["person"]["diet"] == "vegetar"
    again = client.post(f"/api/v1/camps/{camp.slug}/scans", json=body, headers=headers)
    assert again.get_json()["replayed"] and again.get_json()["event_id"] == data["event_id"]
    second = client.post(f"/api/v1/camps/{camp.slug}/scans", headers=headers,
                         json=dict(body, nonce=uuid.uuid4().hex))
    assert second.get_json()["result"] == "already_checked_in"
    assert second.get_json()["earlier_at"] is not None
    assert len(db.session.execute(select(CheckinEvent)).scalars().all()) == 2


def test_api_refuses_bad_tokens_and_bad_input(client, login):
    organiser, camp = _open_camp()
    other_organiser, other = _open_camp()
    device, token = _device(camp, organiser)
    body = {"ticket": "x" * 22, "nonce": uuid.uuid4().hex}
    url = f"/api/v1/camps/{camp.slug}/scans"
    res = client.post(url, json=body, headers={"Authorization": "Bearer nope"})
    assert res.status_code == 401 and res.get_json()["error"] == "unauthorized"
    res = client.post(f"/api/v1/camps/{other.slug}/scans", json=body,
                      headers={"Authorization": f"Bearer {token}"})
    assert res.status_code == 403
    res = client.post(url, json={"ticket": "", "nonce": "short"},
                      headers={"Authorization": f"Bearer {token}"})
    assert res.status_code == 422 and "nonce" in res.get_json()["errors"]["json"]
    res = client.post(url, json=dict(body, direction="sideways"),
                      headers={"Authorization": f"Bearer {token}"})
    assert res.status_code == 422
    device.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.post(url, json=body, headers={"Authorization": f"Bearer {token}"}
                       ).status_code == 401
    # A staff session needs the CSRF header.
    login(organiser)
    assert client.post(url, json=body).status_code == 400
    assert db.session.execute(select(CheckinEvent)).first() is None


def test_api_attendees_for_the_offline_cache(client):
    organiser, camp = _open_camp()
    a = make_registration(camp, make_user(name="Anna"))
    make_registration(camp, make_user(name="Bent"), status=RegistrationStatus.waitlisted)
    _, token = _device(camp, organiser)
    headers = {"Authorization": f"Bearer {token}"}
    res = client.get(f"/api/v1/camps/{camp.slug}/attendees", headers=headers)
    data = res.get_json()
    assert res.status_code == 200 and len(data["attendees"]) == 2
    first = next(x for x in data["attendees"] if x["name"] == "Anna")
    assert first["ticket_hash"] == hashlib.sha256(a.ticket_secret.encode()).hexdigest()
    assert "ticket_secret" not in first and "email" not in first
    since = data["server_time"]
    a.diet = "glutenfri"
    db.session.commit()
    changed = client.get(f"/api/v1/camps/{camp.slug}/attendees", headers=headers,
                         query_string={"since": since}).get_json()
    assert [x["name"] for x in changed["attendees"]] == ["Anna"]
    bad = client.get(f"/api/v1/camps/{camp.slug}/attendees", headers=headers,
                     query_string={"since": "yesterday"})
    assert bad.status_code == 422


def test_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/camps/{slug}/scans" in spec["paths"]
    assert "/api/v1/camps/{slug}/attendees" in spec["paths"]
