"""Issue 9, part I: participants' personal data is erased N months after a camp; the
statistics stay; a camp is erased once, however often (or how concurrently) it runs."""
import secrets
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from camp.audit import AuditEvent, ConsentEvent
from camp.auth.models import ActorType, User
from camp.camps.models import Camp
from camp.checkin.models import CheckinEvent, Direction, ScanResult
from camp.extensions import db
from camp.privacy.retention import ERASED_NAME, add_months, apply_retention, \
    camp_statistics, erase_due_at
from camp.registrations import services as registrations
from camp.registrations.models import Registration, RegistrationStatus
from camp.teams.models import JoinRequest, JoinRequestStatus, Seeker
from tests.concurrency import run_at_once
from tests.factories import make_camp, make_registration, make_team, make_user

START = datetime(2025, 3, 10, 9, 0, tzinfo=timezone.utc)
END = datetime(2025, 3, 11, 9, 0, tzinfo=timezone.utc)  # + 6 months: 11 September 2025
DUE = datetime(2025, 9, 11, 9, 0, tzinfo=timezone.utc)


def _camp(months=6, **overrides):
    organiser = make_user(locale="en")
    values = dict(starts_at=START, ends_at=END, retention_months=months)
    values.update(overrides)
    return organiser, make_camp(organiser, **values)


def _world(camp):
    """Registrations of every status and actor type, check-ins, team requests, a board."""
    people = [make_user(name=f"Deltager {i}", email=f"d{i}@example.dk",
                        actor_type=ActorType.citizen if i % 2 else ActorType.politician)
              for i in range(4)]
    regs = [make_registration(camp, p, diet="vegetar", accessibility="trinfri",
                              organisation="Roskilde Kommune", answers={"1": "ja"},
                              actor_type=p.actor_type) for p in people[:3]]
    regs.append(make_registration(camp, people[3], status=RegistrationStatus.cancelled,
                                  actor_type=people[3].actor_type))
    for reg in regs[:2]:
        db.session.add(CheckinEvent(camp_id=camp.id, registration_id=reg.id,
                                    scanned=reg.ticket_secret, direction=Direction.entry,
                                    result=ScanResult.ok, admitted=True,
                                    override_reason="Glemte telefonen, kender hende",
                                    nonce=secrets.token_hex(8)))
    team = make_team(camp, lead=people[0])
    db.session.add_all([
        JoinRequest(camp_id=camp.id, team_id=team.id, user_id=people[1].id,
                    message="Jeg hedder Bo og vil gerne være med"),
        JoinRequest(camp_id=camp.id, team_id=team.id, user_id=people[2].id,
                    message="Tag mig", status=JoinRequestStatus.declined),
        Seeker(camp_id=camp.id, user_id=people[2].id, interests="ældrepleje",
               skills="jura")])
    db.session.commit()
    return people, regs


def _count(model, *where):
    return db.session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def _regs(camp):
    db.session.expire_all()
    return db.session.execute(select(Registration).where(Registration.camp_id == camp.id)
                              .order_by(Registration.id)).scalars().all()


def test_add_months_keeps_the_day_or_takes_the_last():
    assert add_months(END, 6) == DUE
    assert add_months(datetime(2025, 8, 31, tzinfo=timezone.utc), 6) == \
        datetime(2026, 2, 28, tzinfo=timezone.utc)
    assert add_months(datetime(2025, 11, 30, tzinfo=timezone.utc), 120) == \
        datetime(2035, 11, 30, tzinfo=timezone.utc)


def test_nothing_is_erased_before_the_date(app):
    _organiser, camp = _camp()
    _people, regs = _world(camp)
    report = apply_retention(DUE - timedelta(minutes=1))
    assert report.erased == []
    assert [r.name for r in _regs(camp)] == ["Deltager 0", "Deltager 1", "Deltager 2",
                                             "Deltager 3"]
    assert db.session.get(Camp, camp.id).personal_data_erased_at is None
    assert erase_due_at(camp) == DUE


def test_erased_after_the_date_statistics_intact(app):
    _organiser, camp = _camp()
    people, regs = _world(camp)
    secrets_before = {r.ticket_secret for r in regs}
    stats_before = camp_statistics(camp.id)
    report = apply_retention(DUE + timedelta(days=1))
    assert report.erased == [(camp.slug, 4)]

    erased = _regs(camp)
    assert {r.name for r in erased} == {ERASED_NAME}
    assert all(r.email == f"erased-{r.id}@invalid" for r in erased)
    assert all((r.organisation, r.diet, r.accessibility, r.answers, r.user_id)
               == ("", "", "", {}, None) for r in erased)
    assert not secrets_before & {r.ticket_secret for r in erased}
    # The statistics: status and actor type per registration, check-ins by id.
    assert camp_statistics(camp.id) == stats_before
    assert stats_before["status"] == {"confirmed": 3, "cancelled": 1}
    assert stats_before["actor_type"] == {"politician": 2, "citizen": 2}
    assert stats_before["admitted_scans"] == 2
    scans = db.session.execute(select(CheckinEvent)).scalars().all()
    assert {s.registration_id for s in scans} == {regs[0].id, regs[1].id}
    assert {(s.scanned, s.override_reason) for s in scans} == {("", "")}
    # The consent a registration was made under stays (the camp's text, not personal).
    assert all(r.consent_text == camp.consent_text and r.consent_at for r in erased[:3])
    # Team requests and the board are gone; the team and the accounts stay.
    assert _count(JoinRequest, JoinRequest.camp_id == camp.id) == 0
    assert _count(Seeker, Seeker.camp_id == camp.id) == 0
    assert all(db.session.get(User, p.id).email == p.email for p in people)
    # Recorded, and shown on the settings page.
    saved = db.session.get(Camp, camp.id)
    assert saved.personal_data_erased_at == DUE + timedelta(days=1)
    [event] = db.session.execute(select(AuditEvent).where(
        AuditEvent.action == "camp.personal_data_erased")).scalars().all()
    assert event.camp_id == camp.id and event.data["registrations"] == 4
    assert event.data["join_requests"] == 2


def test_running_twice_is_a_no_op(app):
    _organiser, camp = _camp()
    _world(camp)
    assert len(apply_retention(DUE).erased) == 1
    first = db.session.get(Camp, camp.id).personal_data_erased_at
    # Someone registers again by hand afterwards: a second run must not touch it.
    late = make_registration(camp, make_user(name="Sen Tilmelding"))
    report = apply_retention(DUE + timedelta(days=30))
    assert report.erased == [] and report.skipped == []
    db.session.expire_all()
    assert db.session.get(Camp, camp.id).personal_data_erased_at == first
    assert db.session.get(Registration, late.id).name == "Sen Tilmelding"
    assert _count(AuditEvent, AuditEvent.action == "camp.personal_data_erased") == 1


def test_two_runs_at_once_erase_once(app):
    _organiser, camp = _camp()
    _world(camp)
    reports = []
    outcomes = run_at_once(app, [lambda: reports.append(apply_retention(DUE))
                                 for _ in range(2)])
    assert outcomes == ["ok", "ok"], outcomes
    db.session.rollback()
    erased = [r for report in reports for r in report.erased]
    assert erased == [(camp.slug, 4)]
    assert _count(AuditEvent, AuditEvent.action == "camp.personal_data_erased") == 1
    assert {r.name for r in _regs(camp)} == {ERASED_NAME}


def test_other_camps_untouched(app):
    _organiser, due = _camp(months=6)
    _o2, later = _camp(months=12, slug="later")
    _o3, never = _camp(months=None, slug="never")
    for camp in (due, later, never):
        make_registration(camp, make_user(name=f"Person i {camp.slug}"))
    report = apply_retention(DUE + timedelta(days=1))
    assert [slug for slug, _n in report.erased] == [due.slug]
    assert [r.name for r in _regs(later)] == ["Person i later"]
    assert [r.name for r in _regs(never)] == ["Person i never"]
    assert db.session.get(Camp, later.id).personal_data_erased_at is None
    # A year after the camp, the 12-month camp is due too.
    report = apply_retention(add_months(END, 12))
    assert [slug for slug, _n in report.erased] == ["later"]


def test_consent_log_is_kept_and_the_account_still_sees_its_consents(app):
    _organiser, camp = _camp()
    user = make_user(email="bo@example.dk")
    registrations.register(camp, user, registrations.RegistrationData(
        name="Bo", email=user.email, consent=True), check_window=False)
    db.session.commit()
    apply_retention(DUE)
    from camp.auth.services import export_user_data
    data = export_user_data(db.session.get(User, user.id))
    assert data["registrations"] == []  # no longer linked to the account
    assert [c["kind"] for c in data["consents"]] == ["registration"]
    assert _count(ConsentEvent, ConsentEvent.camp_id == camp.id) == 1


def test_cli_with_today(runner):
    _organiser, camp = _camp()
    _world(camp)
    res = runner.invoke(args=["camp", "apply-retention", "--today", "2025-09-10"])
    assert res.exit_code == 0, res.output
    assert "0 camps erased" in res.output
    res = runner.invoke(args=["camp", "apply-retention", "--today", "2025-09-11"])
    assert res.exit_code == 0, res.output
    assert f"Erased: {camp.slug} (4 registrations)" in res.output
    assert "1 camps erased, 4 registrations anonymised." in res.output
    res = runner.invoke(args=["camp", "apply-retention", "--today", "2025-09-12"])
    assert "0 camps erased" in res.output
    res = runner.invoke(args=["camp", "apply-retention", "--today", "11-09-2025"])
    assert res.exit_code != 0 and "YYYY-MM-DD" in res.output


def test_cli_without_today_uses_now(runner):
    _organiser, camp = _camp()  # ended in 2025, six months: long due
    _world(camp)
    res = runner.invoke(args=["camp", "apply-retention"])
    assert res.exit_code == 0 and f"Erased: {camp.slug}" in res.output


# -- the setting on the camp settings form ---------------------------------------

def _settings_form(camp, **overrides):
    data = dict(title=camp.title, slug=camp.slug, description="", venue="", address="",
                timezone="Europe/Copenhagen", starts_at="2027-09-29T10:00",
                ends_at="2027-09-30T10:00", capacity="50", registration_opens_at="",
                registration_closes_at="", consent_text=camp.consent_text,
                retention_months="")
    data.update(overrides)
    return data


def test_settings_form_sets_and_clears_retention(client, login):
    organiser, camp = _camp(months=None, starts_at=START + timedelta(days=900),
                            ends_at=END + timedelta(days=900))
    login(organiser)
    page = client.get(f"/camps/{camp.slug}/manage/edit").get_data(as_text=True)
    assert 'name="retention_months"' in page
    res = client.post(f"/camps/{camp.slug}/manage/edit",
                      data=_settings_form(camp, retention_months="12"))
    assert res.status_code == 303
    assert db.session.get(Camp, camp.id).retention_months == 12
    page = client.get(f"/camps/{camp.slug}/manage/edit").get_data(as_text=True)
    assert "Due for erasure on" in page
    for bad in ("0", "121", "tolv"):
        res = client.post(f"/camps/{camp.slug}/manage/edit",
                          data=_settings_form(camp, retention_months=bad))
        assert res.status_code == 200, bad
        assert 'id="retention_months-error"' in res.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Camp, camp.id).retention_months == 12
    res = client.post(f"/camps/{camp.slug}/manage/edit", data=_settings_form(camp))
    assert res.status_code == 303
    assert db.session.get(Camp, camp.id).retention_months is None


def test_settings_page_shows_when_data_was_erased(client, login):
    organiser, camp = _camp()
    apply_retention(DUE)
    login(organiser)
    page = client.get(f"/camps/{camp.slug}/manage/edit").get_data(as_text=True)
    assert "personal data was erased on" in page
