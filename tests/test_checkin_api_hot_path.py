"""The check-in API's fast path: every answer and every way in, exactly as before.

The scan endpoint parses ordinary bodies itself, reads plain rows on a connection of its
own and sends its JSON without a schema dump; these tests pin what it must keep doing.
"""
import re
import uuid
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from camp.camps.models import Role
from camp.checkin import devices
from camp.checkin.models import CheckinEvent, Device, Direction, ScanResult
from camp.db import utcnow
from camp.extensions import db
from camp.registrations.models import RegistrationStatus
from tests.factories import add_role, make_camp, make_registration, make_user


def _open_camp(**kw):
    organiser = make_user()
    camp = make_camp(organiser=organiser, starts_at=utcnow() - timedelta(minutes=10), **kw)
    camp.ends_at = camp.starts_at + timedelta(hours=24)
    db.session.commit()
    return organiser, camp


def _token(camp, organiser):
    device, token = devices.create_device(organiser, camp, "Dør 1", 12)
    db.session.commit()
    return device, token


def _post(client, camp, token, **body):
    body.setdefault("nonce", uuid.uuid4().hex)
    return client.post(f"/api/v1/camps/{camp.slug}/scans", json=body,
                       headers={"Authorization": f"Bearer {token}"})


def _events():
    return db.session.execute(select(func.count()).select_from(CheckinEvent)).scalar_one()


def _last_event():
    return db.session.execute(select(CheckinEvent).order_by(CheckinEvent.id.desc())
                              .limit(1)).scalar_one()


def test_answers_in_and_out_with_the_earlier_admission(client):
    organiser, camp = _open_camp()
    reg = make_registration(camp, make_user(name="Karen Kvist", organisation="KL"),
                            diet="vegansk", accessibility="kørestol")
    device, token = _token(camp, organiser)
    first = _post(client, camp, token, ticket=reg.ticket_secret).get_json()
    assert first["result"] == "ok" and first["admitted"] and not first["replayed"]
    assert first["earlier_at"] is None
    assert first["person"] == {"name": "Karen Kvist", "organisation": "KL",
                               "actor_type": reg.actor_type.value, "diet": "vegansk",
                               "accessibility": "kørestol"}
    event = _last_event()
    assert first["event_id"] == event.id and first["at"] == event.at.isoformat()
    assert event.device_id == device.id and event.user_id is None
    assert event.registration_id == reg.id and event.admitted
    assert event.scanned_at == event.at and event.direction == Direction.entry

    again = _post(client, camp, token, ticket=reg.ticket_secret).get_json()
    assert again["result"] == "already_checked_in" and not again["admitted"]
    assert again["earlier_at"] == first["at"]
    out = _post(client, camp, token, ticket=reg.ticket_secret, direction="out").get_json()
    assert out["result"] == "ok" and out["admitted"] and out["earlier_at"] == first["at"]
    out_again = _post(client, camp, token, ticket=reg.ticket_secret, direction="out")
    assert out_again.get_json()["result"] == "not_checked_in"
    back = _post(client, camp, token, ticket=f"https://x/t/{reg.ticket_secret}").get_json()
    assert back["result"] == "ok" and back["earlier_at"] == out["at"]  # re-entry
    assert _events() == 5
    assert db.session.get(Device, device.id).last_seen_at is not None


def test_refusals_record_nothing_wrongly_and_hide_other_camps(client):
    organiser, camp = _open_camp()
    _, other = _open_camp()
    _, token = _token(camp, organiser)
    cancelled = make_registration(camp, status=RegistrationStatus.cancelled)
    waiting = make_registration(camp, status=RegistrationStatus.waitlisted, confirmed_at=None)
    elsewhere = make_registration(other, make_user(name="Anden Lejr"))
    for ticket, result in ((cancelled.ticket_secret, "cancelled"),
                           (waiting.ticket_secret, "waitlisted"),
                           ("A" * 22, "unknown_ticket"), ("x" * 500, "unknown_ticket"),
                           ("<script>", "unknown_ticket"),
                           (elsewhere.ticket_secret, "wrong_camp")):
        data = _post(client, camp, token, ticket=ticket).get_json()
        assert data["result"] == result and not data["admitted"], ticket
        assert data["earlier_at"] is None
        event = _last_event()
        assert event.result == ScanResult(result) and not event.admitted
        assert event.scanned == ticket[:120]
        if result in ("unknown_ticket", "wrong_camp"):
            assert data["person"] is None and event.registration_id is None
        else:
            assert data["person"]["name"] and event.registration_id is not None
    assert "Anden Lejr" not in str(data)


def test_not_open_yet_and_overrides_with_reasons(client):
    organiser = make_user()
    camp = make_camp(organiser=organiser)  # starts in 30 days
    _, token = _token(camp, organiser)
    reg = make_registration(camp)
    data = _post(client, camp, token, ticket=reg.ticket_secret).get_json()
    assert data["result"] == "not_open_yet" and not data["admitted"]
    data = _post(client, camp, token, ticket=reg.ticket_secret,
                 override_reason="  Frivillig, kommer tidligt  ").get_json()
    assert data["result"] == "not_open_yet" and data["admitted"]
    event = _last_event()
    assert event.admitted and event.override_reason == "Frivillig, kommer tidligt"
    # Nobody to admit: an unknown ticket cannot be overridden, and nothing is recorded.
    res = _post(client, camp, token, ticket="B" * 22, override_reason="sure")
    assert res.status_code == 422 and res.get_json()["message"]
    assert _events() == 2


def test_replays_answer_the_stored_answer_once_recorded(client):
    organiser, camp = _open_camp()
    reg = make_registration(camp, diet="glutenfri")
    _, token = _token(camp, organiser)
    nonce = uuid.uuid4().hex
    first = _post(client, camp, token, ticket=reg.ticket_secret, nonce=nonce).get_json()
    _post(client, camp, token, ticket=reg.ticket_secret)  # a second, real scan
    replay = _post(client, camp, token, ticket=reg.ticket_secret, nonce=nonce).get_json()
    assert replay["replayed"] and replay["event_id"] == first["event_id"]
    assert replay["result"] == "ok" and replay["admitted"] and replay["at"] == first["at"]
    assert replay["person"] == first["person"]
    # Even with another ticket: the nonce names the scan.
    other = _post(client, camp, token, ticket="C" * 22, nonce=nonce).get_json()
    assert other["replayed"] and other["event_id"] == first["event_id"]
    assert _events() == 2
    # Another camp's nonce is not this camp's answer.
    organiser2, camp2 = _open_camp()
    _, token2 = _token(camp2, organiser2)
    res = _post(client, camp2, token2, ticket=reg.ticket_secret, nonce=nonce)
    assert res.status_code == 422 and _events() == 2


def test_offline_scans_keep_their_time_and_bad_bodies_get_field_errors(client):
    organiser, camp = _open_camp()
    reg = make_registration(camp)
    _, token = _token(camp, organiser)
    when = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(minutes=7)
    res = _post(client, camp, token, ticket=reg.ticket_secret,
                scanned_at=when.isoformat(), direction="in")
    assert res.status_code == 200 and res.get_json()["admitted"]
    event = _last_event()
    assert event.scanned_at == when and event.at - event.scanned_at > timedelta(minutes=6)
    # scanned_at null is the same as none.
    assert _post(client, camp, token, ticket="D" * 22, scanned_at=None).status_code == 200
    assert _events() == 2
    bad_bodies = [
        ({"ticket": reg.ticket_secret, "nonce": "short"}, "nonce"),
        ({"nonce": uuid.uuid4().hex}, "ticket"),
        ({"ticket": "", "nonce": uuid.uuid4().hex}, "ticket"),
        ({"ticket": "x" * 501, "nonce": uuid.uuid4().hex}, "ticket"),
        ({"ticket": 12345678, "nonce": uuid.uuid4().hex}, "ticket"),
        ({"ticket": reg.ticket_secret, "nonce": uuid.uuid4().hex, "direction": None},
         "direction"),
        ({"ticket": reg.ticket_secret, "nonce": uuid.uuid4().hex, "direction": "up"},
         "direction"),
        ({"ticket": reg.ticket_secret, "nonce": uuid.uuid4().hex,
          "override_reason": "x" * 256}, "override_reason"),
        ({"ticket": reg.ticket_secret, "nonce": uuid.uuid4().hex,
          "scanned_at": "2026-01-01T10:00:00"}, "scanned_at"),  # no time zone
        ({"ticket": reg.ticket_secret, "nonce": uuid.uuid4().hex, "scanned_at": "soon"},
         "scanned_at"),
        ({"ticket": reg.ticket_secret, "nonce": uuid.uuid4().hex, "admin": True}, "admin"),
    ]
    for body, field in bad_bodies:
        res = client.post(f"/api/v1/camps/{camp.slug}/scans", json=body,
                          headers={"Authorization": f"Bearer {token}"})
        assert res.status_code == 422, body
        assert field in res.get_json()["errors"]["json"], body
    for raw, content_type in (("not json", "application/json"), ("[1, 2]", "application/json"),
                              ("ticket=x", "application/x-www-form-urlencoded")):
        res = client.post(f"/api/v1/camps/{camp.slug}/scans", data=raw,
                          content_type=content_type,
                          headers={"Authorization": f"Bearer {token}"})
        assert res.status_code in (400, 422) and res.is_json, raw
    assert _events() == 2


def test_devices_are_refused_at_once_when_revoked_or_expired(client):
    organiser, camp = _open_camp()
    reg = make_registration(camp)
    device, token = _token(camp, organiser)
    assert _post(client, camp, token, ticket=reg.ticket_secret).status_code == 200
    devices.revoke(organiser, camp, db.session.get(Device, device.id))
    db.session.commit()
    res = _post(client, camp, token, ticket=reg.ticket_secret)
    assert res.status_code == 401 and res.get_json()["error"] == "unauthorized"
    device2, token2 = _token(camp, organiser)
    device2.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert _post(client, camp, token2, ticket=reg.ticket_secret).status_code == 401
    # Unknown camp with a good token: 403 (the device scans for another camp), as before.
    _, token3 = _token(camp, organiser)
    res = client.post("/api/v1/camps/no-such-camp/scans",
                      json={"ticket": reg.ticket_secret, "nonce": uuid.uuid4().hex},
                      headers={"Authorization": f"Bearer {token3}"})
    assert res.status_code == 403
    assert _events() == 1


def _csrf(client, camp):
    page = client.get(f"/camps/{camp.slug}/checkin").get_data(as_text=True)
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)


def test_staff_session_with_csrf_header_scans_as_themselves(client, login):
    organiser, camp = _open_camp()
    staff = make_user()
    add_role(staff, camp, Role.staff)
    reg = make_registration(camp)
    login(staff)
    url = f"/api/v1/camps/{camp.slug}/scans"
    body = {"ticket": reg.ticket_secret, "nonce": uuid.uuid4().hex}
    assert client.post(url, json=body).status_code == 400  # no CSRF header
    res = client.post(url, json=body, headers={"X-CSRFToken": _csrf(client, camp)})
    assert res.status_code == 200 and res.get_json()["result"] == "ok"
    event = _last_event()
    assert event.user_id == staff.id and event.device_id is None
    assert client.post("/api/v1/camps/no-such-camp/scans", json=body,
                       headers={"X-CSRFToken": _csrf(client, camp)}).status_code == 404
    # A participant of the camp is not staff.
    outsider = make_user()
    make_registration(camp, outsider)
    login(outsider)
    token = _csrf(client, make_camp(organiser=outsider))
    assert client.post(url, json=dict(body, nonce=uuid.uuid4().hex),
                       headers={"X-CSRFToken": token}).status_code == 403
    login(None)
    assert client.post(url, json=body).status_code == 401
    assert _events() == 1


def test_paired_phone_scans_through_its_session(app, client, login):
    organiser, camp = _open_camp()
    reg = make_registration(camp)
    login(organiser)
    client.post(f"/camps/{camp.slug}/manage/devices", data={"name": "Dør 2", "hours": 12})
    page = client.get(f"/camps/{camp.slug}/manage/devices").get_data(as_text=True)
    link = re.search(r"http://localhost(/pair/[A-Za-z0-9_-]+)", page).group(1)
    phone = app.test_client()
    phone.post(link)
    res = phone.post(f"/api/v1/camps/{camp.slug}/scans",
                     json={"ticket": reg.ticket_secret, "nonce": uuid.uuid4().hex},
                     headers={"X-CSRFToken": _csrf(phone, camp)})
    assert res.status_code == 200 and res.get_json()["admitted"]
    event = _last_event()
    device = db.session.execute(select(Device)).scalar_one()
    assert event.device_id == device.id and event.user_id is None
    assert phone.get(f"/api/v1/camps/{camp.slug}/attendees").status_code == 400  # no CSRF
    attendees = phone.get(f"/api/v1/camps/{camp.slug}/attendees",
                          headers={"X-CSRFToken": _csrf(phone, camp)}).get_json()["attendees"]
    assert [a["name"] for a in attendees] == [reg.name]


def test_openapi_document_still_describes_the_scan(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    post = spec["paths"]["/api/v1/camps/{slug}/scans"]["post"]
    assert post["requestBody"] == {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ScanIn"}}}}
    assert post["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ScanOut"}
    assert post["responses"]["422"] == {"$ref": "#/components/responses/UNPROCESSABLE_ENTITY"}
    scan_in = spec["components"]["schemas"]["ScanIn"]
    assert set(scan_in["properties"]) == {"ticket", "direction", "nonce", "scanned_at",
                                          "override_reason"}
    assert scan_in["required"] == ["nonce", "ticket"]
