"""Creating and running camps: templates, validation, status, programme, questions."""
from datetime import datetime, timedelta, timezone

from icalendar import Calendar
from sqlalchemy import func, select

from camp.camps.models import Camp, CampStatus, Membership, ProgrammeItem, \
    RegistrationQuestion, Role
from camp.extensions import db
from tests.factories import make_camp, make_registration, make_user

NEW = dict(title="Samskabelsescamp 2027", slug="", description="**Velkommen**",
           venue="INSP", address="Bispensgade 1, Roskilde", timezone="Europe/Copenhagen",
           starts_at="2027-09-29T10:00", ends_at="2027-09-30T10:00", capacity="60",
           registration_opens_at="", registration_closes_at="2027-09-28T12:00",
           consent_text="Vi gemmer dine oplysninger til og med camp'en.", format="camp24")


def _admin(login):
    return login(make_user(is_admin=True))


def _camps():
    return db.session.execute(select(func.count()).select_from(Camp)).scalar_one()


def test_create_24_hour_camp_from_template(client, login):
    admin = _admin(login)
    res = client.post("/camps/new", data=NEW)
    assert res.status_code == 303
    camp = db.session.execute(select(Camp)).scalar_one()
    assert camp.slug == "samskabelsescamp-2027" and camp.status == CampStatus.draft
    # 10:00 in Copenhagen in September (CEST) is 08:00 UTC.
    assert camp.starts_at == datetime(2027, 9, 29, 8, 0, tzinfo=timezone.utc)
    assert len(camp.programme) >= 10
    assert all(camp.starts_at <= i.starts_at < i.ends_at <= camp.ends_at for i in camp.programme)
    assert any(q.kind.value == "yesno" for q in camp.questions)
    assert db.session.execute(select(Membership).where(
        Membership.user_id == admin.id, Membership.role == Role.organiser)).scalar_one()
    page = client.get(f"/camps/{camp.slug}/").get_data(as_text=True)
    assert "10:00" in page and "<strong>Velkommen</strong>" in page


def test_sprint_template_spreads_over_three_days(client, login):
    _admin(login)
    data = dict(NEW, format="sprint", title="Folkemødet 2027", starts_at="2027-06-10T10:00",
                ends_at="2027-06-12T18:00", registration_closes_at="")
    assert client.post("/camps/new", data=data).status_code == 303
    camp = db.session.execute(select(Camp)).scalar_one()
    days = {i.starts_at.date() for i in camp.programme}
    assert len(days) == 3


def test_create_camp_bad_input_changes_nothing(client, login):
    _admin(login)
    make_camp(slug="taken")
    cases = {
        "title": dict(NEW, title=""),
        "ends_at": dict(NEW, ends_at="2027-09-28T10:00"),
        "slug": dict(NEW, slug="taken"),
        "capacity": dict(NEW, capacity="0"),
        "timezone": dict(NEW, timezone="Mars/Olympus"),
        "registration_closes_at": dict(NEW, registration_closes_at="2027-10-01T10:00"),
        "consent_text": dict(NEW, consent_text=""),
    }
    for name, data in cases.items():
        res = client.post("/camps/new", data=data)
        assert res.status_code == 200, name
        assert f'id="{name}-error"' in res.get_data(as_text=True), name
    bad_slug = client.post("/camps/new", data=dict(NEW, slug="Ikke Gyldig!"))
    assert 'id="slug-error"' in bad_slug.get_data(as_text=True)
    assert _camps() == 1


def test_only_admins_and_organisers_create_camps(client, login):
    login(make_user())
    assert client.get("/camps/new").status_code == 403
    organiser = make_user()
    make_camp(organiser=organiser)
    login(organiser)
    assert client.get("/camps/new").status_code == 200


def test_edit_refuses_capacity_below_confirmed_and_programme_outside(client, login):
    organiser = make_user()
    camp = make_camp(organiser=organiser, capacity=5)
    for _ in range(3):
        make_registration(camp)
    db.session.add(ProgrammeItem(camp=camp, title="Pitch", starts_at=camp.starts_at,
                                 ends_at=camp.starts_at + timedelta(hours=1)))
    db.session.commit()
    login(organiser)
    url = f"/camps/{camp.slug}/manage/edit"
    form = client.get(url).get_data(as_text=True)
    assert 'name="starts_at"' in form
    local = camp.starts_at.astimezone(__import__("zoneinfo").ZoneInfo(camp.timezone))
    base = dict(title=camp.title, slug=camp.slug, timezone=camp.timezone,
                starts_at=local.strftime("%Y-%m-%dT%H:%M"),
                ends_at=(local + timedelta(hours=24)).strftime("%Y-%m-%dT%H:%M"),
                capacity="5", consent_text=camp.consent_text)
    res = client.post(url, data=dict(base, capacity="2"))
    assert res.status_code == 200 and 'id="capacity-error"' in res.get_data(as_text=True)
    later = (local + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    res = client.post(url, data=dict(base, starts_at=later))
    assert res.status_code == 200 and "Pitch" in res.get_data(as_text=True)
    db.session.refresh(camp)
    assert camp.capacity == 5
    res = client.post(url, data=dict(base, capacity="3", consent_text="Ny tekst"))
    assert res.status_code == 303
    db.session.refresh(camp)
    assert camp.capacity == 3 and camp.consent_version == 2


def test_status_transitions_and_draft_privacy(client, login):
    organiser = make_user()
    camp = make_camp(organiser=organiser, status=CampStatus.draft)
    login(None)
    assert client.get(f"/camps/{camp.slug}/").status_code == 404
    login(make_user())
    assert client.get(f"/camps/{camp.slug}/").status_code == 404
    login(organiser)
    assert client.get(f"/camps/{camp.slug}/").status_code == 200
    url = f"/camps/{camp.slug}/manage/status"
    client.post(url, data={"status": "archived"})  # not allowed from draft
    db.session.refresh(camp)
    assert camp.status == CampStatus.draft
    for status in ("published", "closed", "archived"):
        assert client.post(url, data={"status": status}).status_code == 303
        db.session.refresh(camp)
        assert camp.status.value == status
    client.post(url, data={"status": "nonsense"})
    db.session.refresh(camp)
    assert camp.status == CampStatus.archived


def test_programme_items_must_lie_inside_the_camp(client, login):
    organiser = make_user()
    camp = make_camp(organiser=organiser, starts_at=datetime(2027, 1, 10, 9, tzinfo=timezone.utc),
                     ends_at=datetime(2027, 1, 11, 9, tzinfo=timezone.utc))
    login(organiser)
    url = f"/camps/{camp.slug}/manage/programme"
    ok = dict(title="Morgenmad", starts_at="2027-01-11T08:00", ends_at="2027-01-11T09:00",
              place="Café")
    assert client.post(url, data=ok).status_code == 303
    outside = dict(ok, starts_at="2027-01-11T09:30", ends_at="2027-01-11T11:00")
    res = client.post(url, data=outside)
    assert res.status_code == 200 and 'id="starts_at-error"' in res.get_data(as_text=True)
    backwards = dict(ok, starts_at="2027-01-10T12:00", ends_at="2027-01-10T11:00")
    assert 'id="ends_at-error"' in client.post(url, data=backwards).get_data(as_text=True)
    items = db.session.execute(select(ProgrammeItem)).scalars().all()
    assert len(items) == 1
    # 08:00 in Copenhagen in January is 07:00 UTC.
    assert items[0].starts_at == datetime(2027, 1, 11, 7, tzinfo=timezone.utc)
    edit = f"{url}/{items[0].id}"
    assert client.post(edit, data=dict(ok, title="Brunch")).status_code == 303
    db.session.refresh(items[0])
    assert items[0].title == "Brunch"
    assert client.post(f"{edit}/delete").status_code == 303
    assert db.session.execute(select(ProgrammeItem)).first() is None


def test_questions_crud_and_order(client, login):
    organiser = make_user()
    camp = make_camp(organiser=organiser)
    login(organiser)
    url = f"/camps/{camp.slug}/manage/questions"
    res = client.post(url, data=dict(label="Tema?", kind="single", choices="Klima"))
    assert res.status_code == 200 and 'id="choices-error"' in res.get_data(as_text=True)
    res = client.post(url, data=dict(label="Tema?", kind="single", choices="Klima\nklima"))
    assert 'id="choices-error"' in res.get_data(as_text=True)
    assert client.post(url, data=dict(label="Tema?", kind="single",
                                      choices="Klima\nSundhed\n", required="y")).status_code == 303
    assert client.post(url, data=dict(label="Overnatning?", kind="yesno")).status_code == 303
    qs = db.session.execute(select(RegistrationQuestion).order_by(
        RegistrationQuestion.position)).scalars().all()
    assert [q.label for q in qs] == ["Tema?", "Overnatning?"]
    assert qs[0].choices == ["Klima", "Sundhed"] and qs[0].required
    client.post(f"{url}/{qs[1].id}/move", data={"direction": "up"})
    db.session.expire_all()
    qs = db.session.execute(select(RegistrationQuestion).order_by(
        RegistrationQuestion.position)).scalars().all()
    assert [q.label for q in qs] == ["Overnatning?", "Tema?"]
    assert client.post(f"{url}/{qs[0].id}/delete").status_code == 303
    assert len(db.session.execute(select(RegistrationQuestion)).scalars().all()) == 1


def test_programme_ics(client):
    camp = make_camp(title="Camp med kalender")
    db.session.add_all([ProgrammeItem(camp=camp, title=f"Punkt {i}",
                                      starts_at=camp.starts_at + timedelta(hours=i),
                                      ends_at=camp.starts_at + timedelta(hours=i + 1))
                        for i in range(3)])
    db.session.commit()
    res = client.get(f"/camps/{camp.slug}/programme.ics")
    assert res.status_code == 200 and res.mimetype == "text/calendar"
    cal = Calendar.from_ical(res.get_data())
    events = cal.walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["Punkt 0", "Punkt 1", "Punkt 2"]
    assert events[0].decoded("dtstart") == camp.starts_at
    empty = make_camp()
    cal = Calendar.from_ical(client.get(f"/camps/{empty.slug}/programme.ics").get_data())
    assert len(cal.walk("VEVENT")) == 1


def test_public_lists(client):
    make_camp(title="Kommende camp")
    make_camp(title="Kladde", status=CampStatus.draft)
    past_start = datetime(2025, 6, 12, 8, tzinfo=timezone.utc)
    make_camp(title="Tidligere camp", starts_at=past_start, ends_at=past_start + timedelta(days=2),
              status=CampStatus.archived)
    html = client.get("/camps/").get_data(as_text=True)
    assert "Kommende camp" in html and "Tidligere camp" in html and "Kladde" not in html
    assert html.index("Kommende camp") < html.index("Tidligere camp")
    assert "Tidligere camp" not in client.get("/").get_data(as_text=True)


def test_camps_i_help_run(client, login):
    staff = make_user()
    camp = make_camp(title="Camp med frivillige")
    from tests.factories import add_role
    add_role(staff, camp, Role.staff)
    login(staff)
    home = client.get("/").get_data(as_text=True)
    assert "/me/camps" in home
    html = client.get("/me/camps").get_data(as_text=True)
    assert "Camp med frivillige" in html and "/manage/" not in html
    login(make_user())
    assert "/me/camps" not in client.get("/").get_data(as_text=True)
