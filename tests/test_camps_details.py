"""Camps in detail: templates and time zones, status rules, drafts, calendar, lists."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from camp.camps import services
from camp.camps.ics import build_programme_ics
from camp.camps.models import Camp, CampFormat, CampStatus, ProgrammeItem, QuestionKind, \
    RegistrationQuestion, Role
from camp.errors import DomainError
from camp.extensions import db
from camp.registrations.models import RegistrationStatus
from tests.factories import add_role, make_camp, make_registration, make_user

CPH = ZoneInfo("Europe/Copenhagen")
UTC = timezone.utc


def _data(**overrides) -> services.CampData:
    values = dict(title="Samskabelsescamp", slug="", capacity=40,
                  starts_at=datetime(2027, 9, 29, 8, tzinfo=UTC),
                  ends_at=datetime(2027, 9, 30, 8, tzinfo=UTC), consent_text="Samtykke.")
    values.update(overrides)
    return services.CampData(**values)


def _local(dt: datetime, tz=CPH) -> str:
    return dt.astimezone(tz).strftime("%Y-%m-%d %H:%M")


# Templates -------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt, items, questions", [
    (CampFormat.camp24, 15, ["yesno", "single"]),
    (CampFormat.sprint, 7, ["multiple", "single"]),
    (CampFormat.blank, 0, []),
])
def test_each_template_lays_out_its_programme_inside_the_camp(app, fmt, items, questions):
    actor = make_user()
    camp = services.create_camp(actor, _data(ends_at=None, title=f"Camp {fmt.value}"), fmt)
    db.session.commit()
    assert camp.status == CampStatus.draft and camp.format == fmt
    assert len(camp.programme) == items
    assert all(camp.starts_at <= i.starts_at < i.ends_at <= camp.ends_at for i in camp.programme)
    assert [q.kind.value for q in camp.questions] == questions
    assert all(len(q.choices) >= 2 for q in camp.questions if q.kind.value in ("single",
                                                                              "multiple"))
    assert [m.role for m in camp.memberships] == [Role.organiser]
    assert camp.memberships[0].user_id == actor.id


def test_camp24_runs_from_ten_to_ten_with_the_night_in_between(app):
    camp = services.create_camp(make_user(), _data(ends_at=None), CampFormat.camp24)
    assert _local(camp.ends_at) == "2027-09-30 10:00"  # 24 hours by default
    starts = [_local(i.starts_at) for i in camp.programme]  # arrival ... dinner ... breakfast
    assert starts[0] == "2027-09-29 10:00" and starts[8] == "2027-09-29 19:00"
    assert starts[11] == "2027-09-30 06:30"
    last = camp.programme[-1]
    assert _local(last.ends_at) == "2027-09-30 10:00"


def test_template_keeps_wall_clock_times_across_a_dst_change(app):
    # Summer time ends in Denmark at 03:00 on Sunday 31 October 2027.
    start = datetime(2027, 10, 30, 10, tzinfo=CPH).astimezone(UTC)
    camp = services.create_camp(make_user(), _data(starts_at=start, ends_at=None),
                                CampFormat.camp24)
    assert _local(camp.ends_at) == "2027-10-31 10:00"
    assert camp.ends_at - camp.starts_at == timedelta(hours=25)
    assert _local(camp.programme[11].starts_at) == "2027-10-31 06:30"  # breakfast


def test_sprint_spreads_over_three_local_days(app):
    camp = services.create_camp(make_user(), _data(ends_at=None), CampFormat.sprint)
    days = {i.starts_at.astimezone(CPH).date() for i in camp.programme}
    assert len(days) == 3
    assert _local(camp.ends_at) == "2027-10-01 16:00"


def test_short_camp_cuts_the_template_at_its_end(app):
    camp = services.create_camp(make_user(), _data(ends_at=datetime(2027, 9, 29, 14, tzinfo=UTC)),
                                CampFormat.camp24)
    assert camp.programme and all(i.ends_at <= camp.ends_at for i in camp.programme)
    assert len(camp.programme) < 15


def test_slug_from_the_title_gets_a_number_when_taken(app):
    make_camp(slug="folkemoedet-2027")
    camp = services.create_camp(make_user(), _data(title="Folkemødet 2027"))
    assert camp.slug == "folkemoedet-2027-2"
    with pytest.raises(DomainError) as err:
        services.create_camp(make_user(), _data(title="Andet", slug="folkemoedet-2027"))
    assert err.value.field == "slug"


def test_new_camp_form_without_end_uses_the_template_length(client, login):
    login(make_user(is_admin=True, locale="en"))
    page = client.get("/camps/new").get_data(as_text=True)
    assert "No programme and no questions" in page and 'aria-describedby="format-2-hint"' in page
    assert '<option selected value="Europe/Copenhagen">' in page
    res = client.post("/camps/new", data=dict(
        format="sprint", title="Folkemødet", starts_at="2027-06-10T10:00", ends_at="",
        capacity="30", timezone="Europe/Copenhagen", consent_text="Ok."))
    assert res.status_code == 303 and res.headers["Location"].endswith("/camps/folkemoedet/manage/")
    camp = db.session.execute(select(Camp)).scalar_one()
    assert _local(camp.ends_at) == "2027-06-12 16:00"


# Settings ------------------------------------------------------------------------------

def _edit_form(camp, **overrides):
    start = camp.starts_at.astimezone(CPH)
    values = dict(title=camp.title, slug=camp.slug, timezone=camp.timezone,
                  starts_at=start.strftime("%Y-%m-%dT%H:%M"),
                  ends_at=camp.ends_at.astimezone(CPH).strftime("%Y-%m-%dT%H:%M"),
                  capacity=str(camp.capacity), consent_text=camp.consent_text,
                  registration_opens_at="", registration_closes_at="")
    values.update(overrides)
    return values


def test_edit_bad_input_re_renders_and_changes_nothing(client, login):
    organiser = make_user()
    camp = make_camp(organiser=organiser, starts_at=datetime(2027, 5, 1, 8, tzinfo=UTC),
                     ends_at=datetime(2027, 5, 2, 8, tzinfo=UTC))
    make_camp(slug="optaget")
    before = (camp.title, camp.slug, camp.starts_at, camp.ends_at, camp.capacity, camp.timezone)
    login(organiser)
    url = f"/camps/{camp.slug}/manage/edit"
    cases = {
        "title": dict(title=""),
        "slug": dict(slug="optaget"),
        "timezone": dict(timezone="Europe/Atlantis"),
        "ends_at": dict(ends_at="2027-05-01T09:00"),
        "capacity": dict(capacity="0"),
        "registration_closes_at": dict(registration_opens_at="2027-04-20T10:00",
                                       registration_closes_at="2027-04-10T10:00"),
    }
    for name, change in cases.items():
        res = client.post(url, data=_edit_form(camp, **change))
        assert res.status_code == 200, name
        assert f'id="{name}-error"' in res.get_data(as_text=True), name
    db.session.expire_all()
    camp = db.session.get(Camp, camp.id)
    assert (camp.title, camp.slug, camp.starts_at, camp.ends_at, camp.capacity,
            camp.timezone) == before


def test_edit_lists_programme_items_that_would_fall_outside(client, login):
    organiser = make_user()
    camp = make_camp(organiser=organiser, starts_at=datetime(2027, 5, 1, 8, tzinfo=UTC),
                     ends_at=datetime(2027, 5, 2, 8, tzinfo=UTC))
    db.session.add_all([
        ProgrammeItem(camp=camp, title="Morgenmad", starts_at=datetime(2027, 5, 2, 6, tzinfo=UTC),
                      ends_at=datetime(2027, 5, 2, 7, tzinfo=UTC)),
        ProgrammeItem(camp=camp, title="Afslutning", starts_at=datetime(2027, 5, 2, 7, tzinfo=UTC),
                      ends_at=datetime(2027, 5, 2, 8, tzinfo=UTC))])
    db.session.commit()
    login(organiser)
    res = client.post(f"/camps/{camp.slug}/manage/edit",
                      data=_edit_form(camp, ends_at="2027-05-02T08:30"))  # 06:30 UTC
    html = res.get_data(as_text=True)
    assert res.status_code == 200 and 'id="ends_at-error"' in html
    assert "Morgenmad" in html and "Afslutning" in html
    db.session.refresh(camp)
    assert camp.ends_at == datetime(2027, 5, 2, 8, tzinfo=UTC)


def test_unchanged_consent_keeps_its_version(client, login):
    organiser = make_user()
    camp = make_camp(organiser=organiser)
    login(organiser)
    assert client.post(f"/camps/{camp.slug}/manage/edit",
                       data=_edit_form(camp, title="Nyt navn")).status_code == 303
    db.session.refresh(camp)
    assert camp.title == "Nyt navn" and camp.consent_version == 1


# Status --------------------------------------------------------------------------------

LEGAL = {(CampStatus.draft, CampStatus.published), (CampStatus.published, CampStatus.closed),
         (CampStatus.closed, CampStatus.published), (CampStatus.closed, CampStatus.archived)}


@pytest.mark.parametrize("old", list(CampStatus))
@pytest.mark.parametrize("new", list(CampStatus))
def test_only_legal_status_transitions(app, old, new):
    camp = make_camp(status=old)
    actor = make_user()
    if (old, new) in LEGAL:
        services.set_status(actor, camp, new)
        assert camp.status == new
    else:
        with pytest.raises(DomainError):
            services.set_status(actor, camp, new)
        assert camp.status == old


def test_dashboard_offers_the_legal_next_steps(client, login):
    organiser = make_user(locale="en")
    camp = make_camp(organiser=organiser, status=CampStatus.closed)
    login(organiser)
    html = client.get(f"/camps/{camp.slug}/manage/").get_data(as_text=True)
    assert 'value="published"' in html and 'value="archived"' in html
    assert 'value="draft"' not in html and "Reopen registration" in html
    res = client.post(f"/camps/{camp.slug}/manage/status", data={"status": "draft"},
                      follow_redirects=True)
    assert "cannot go from this state" in res.get_data(as_text=True)
    db.session.refresh(camp)
    assert camp.status == CampStatus.closed


def test_draft_is_seen_only_by_the_people_who_run_it(client, login):
    camp = make_camp(status=CampStatus.draft, title="Hemmelig kladde")
    people = {role: add_role(make_user(), camp, role).user for role in Role}
    for role, user in people.items():
        login(user)
        expected = 404 if role == Role.participant else 200
        assert client.get(f"/camps/{camp.slug}/").status_code == expected, role
    login(make_user(is_admin=True))
    assert client.get(f"/camps/{camp.slug}/").status_code == 200
    login(None)
    assert client.get(f"/camps/{camp.slug}/").status_code == 404
    assert client.get(f"/camps/{camp.slug}/programme.ics").status_code == 404
    assert "Hemmelig kladde" not in client.get("/camps/").get_data(as_text=True)


def test_dashboard_counts_with_constant_queries(client, login, query_counter):
    organiser = make_user()
    camp = make_camp(organiser=organiser, capacity=3)
    login(organiser)
    with query_counter() as n:
        client.get(f"/camps/{camp.slug}/manage/")
    empty = n()
    for _ in range(2):
        make_registration(camp)
    make_registration(camp, status=RegistrationStatus.waitlisted)
    with query_counter() as n:
        html = client.get(f"/camps/{camp.slug}/manage/").get_data(as_text=True)
    assert n() == empty
    assert "2 af 3 optaget" in html  # Danish by default
    assert "/manage/registrations" in html and "/manage/registrations/mix" in html


# Public pages --------------------------------------------------------------------------

@pytest.mark.parametrize("tz, month, shown", [
    ("Europe/Copenhagen", 1, "09:00"), ("Europe/Copenhagen", 7, "10:00"),
    ("Europe/London", 1, "08:00"), ("Europe/London", 7, "09:00"), ("UTC", 7, "08:00"),
])
def test_programme_is_shown_in_the_camps_time_zone(client, tz, month, shown):
    start = datetime(2027, month, 12, 8, tzinfo=UTC)
    camp = make_camp(timezone=tz, starts_at=start, ends_at=start + timedelta(hours=24))
    db.session.add(ProgrammeItem(camp=camp, title="Velkomst", starts_at=start,
                                 ends_at=start + timedelta(minutes=30)))
    db.session.commit()
    html = client.get(f"/camps/{camp.slug}/").get_data(as_text=True)
    assert f">{shown}</time>" in html


def test_show_page_groups_programme_by_local_day_and_links_registration(client):
    start = datetime(2027, 9, 29, 8, tzinfo=UTC)
    camp = make_camp(starts_at=start, ends_at=start + timedelta(hours=24), capacity=1)
    # 23:30 UTC on the 29th is already the 30th in Copenhagen.
    db.session.add_all([
        ProgrammeItem(camp=camp, title="Aftensmad", starts_at=datetime(2027, 9, 29, 17, tzinfo=UTC),
                      ends_at=datetime(2027, 9, 29, 18, tzinfo=UTC)),
        ProgrammeItem(camp=camp, title="Natkaffe",
                      starts_at=datetime(2027, 9, 29, 23, 30, tzinfo=UTC),
                      ends_at=datetime(2027, 9, 30, 0, tzinfo=UTC))])
    db.session.commit()
    html = client.get(f"/camps/{camp.slug}/").get_data(as_text=True)
    assert "onsdag 29. september 2027</h3>" in html and "torsdag 30. september 2027</h3>" in html
    assert html.index("Aftensmad") < html.index("torsdag 30. september 2027</h3>") \
        < html.index("Natkaffe")
    assert f'/camps/{camp.slug}/register' in html and "1 plads tilbage" in html
    make_registration(camp)
    html = client.get(f"/camps/{camp.slug}/").get_data(as_text=True)
    assert "venteliste" in html.lower()


def test_markdown_description_is_sanitised(client):
    camp = make_camp(description="**Fed** <script>alert(1)</script> [link](javascript:alert(1))")
    html = client.get(f"/camps/{camp.slug}/").get_data(as_text=True)
    assert "<strong>Fed</strong>" in html
    assert "<script>alert" not in html and 'href="javascript' not in html


def test_index_paginates_past_camps(client):
    for n in range(15):
        start = datetime(2020, 1, 1, 8, tzinfo=UTC) + timedelta(days=30 * n)
        make_camp(title=f"Tidligere {n:02d}", starts_at=start, ends_at=start + timedelta(days=1),
                  status=CampStatus.archived)
    make_camp(title="Kommende")
    first = client.get("/camps/").get_data(as_text=True)
    assert "Kommende" in first and "Tidligere 14" in first and "Tidligere 02" not in first
    assert 'rel="next"' in first
    second = client.get("/camps/?page=2").get_data(as_text=True)
    assert "Tidligere 02" in second and "Tidligere 14" not in second and "Kommende" not in second
    assert client.get("/camps/?page=99").status_code == 200


# Calendar ------------------------------------------------------------------------------

def test_ics_is_in_the_camps_time_zone_with_stable_uids(client):
    start = datetime(2027, 9, 29, 8, tzinfo=UTC)
    camp = make_camp(starts_at=start, ends_at=start + timedelta(hours=24), venue="INSP")
    items = [ProgrammeItem(camp=camp, title=f"Punkt {i}", place="Salen",
                           starts_at=start + timedelta(hours=i),
                           ends_at=start + timedelta(hours=i, minutes=45)) for i in range(4)]
    db.session.add_all(items)
    db.session.commit()
    res = client.get(f"/camps/{camp.slug}/programme.ics")
    assert res.status_code == 200 and res.mimetype == "text/calendar"
    assert res.headers["Content-Disposition"] == f'attachment; filename="{camp.slug}.ics"'
    body = res.get_data()
    assert b"DTSTART;TZID=Europe/Copenhagen:20270929T100000" in body
    cal = Calendar.from_ical(body)
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Copenhagen"]
    events = cal.walk("VEVENT")
    assert len(events) == 4
    assert [e.decoded("dtstart") for e in events] == [i.starts_at for i in items]
    assert [e.decoded("dtend") for e in events] == [i.ends_at for i in items]
    assert str(events[0]["location"]) == "Salen, INSP, Bispensgade 1, 4000 Roskilde"
    uids = [str(e["uid"]) for e in events]
    assert len(set(uids)) == 4
    camp.slug = "nyt-navn"
    db.session.commit()
    again = Calendar.from_ical(build_programme_ics(camp))
    assert [str(e["uid"]) for e in again.walk("VEVENT")] == uids


def test_ics_without_programme_is_the_camp_itself(app):
    camp = make_camp(title="Kun campen")
    cal = Calendar.from_ical(build_programme_ics(camp))
    (event,) = cal.walk("VEVENT")
    assert str(event["summary"]) == "Kun campen"
    assert event.decoded("dtstart") == camp.starts_at and event.decoded("dtend") == camp.ends_at


# Questions -----------------------------------------------------------------------------

def test_bad_question_edits_change_nothing(client, login):
    organiser = make_user()
    camp = make_camp(organiser=organiser)
    question = RegistrationQuestion(camp=camp, kind=QuestionKind.single, label="Tema?",
                                    choices=["Klima", "Sundhed"], position=0)
    db.session.add(question)
    db.session.commit()
    login(organiser)
    url = f"/camps/{camp.slug}/manage/questions/{question.id}"
    form = client.get(url).get_data(as_text=True)
    assert "Klima\nSundhed" in form
    for data in (dict(label="", kind="single", choices="A\nB"),
                 dict(label="Tema?", kind="multiple", choices="Kun én"),
                 dict(label="Tema?", kind="single", choices="A\nB\na"),
                 dict(label="Tema?", kind="unknown", choices="A\nB")):
        res = client.post(url, data=data)
        assert res.status_code == 200 and 'class="error"' in res.get_data(as_text=True), data
    db.session.refresh(question)
    assert question.label == "Tema?" and question.choices == ["Klima", "Sundhed"]
    assert client.post(url, data=dict(label="Fritekst", kind="text", choices="A\nB",
                                      help_text="Skriv frit")).status_code == 303
    db.session.refresh(question)
    assert question.kind.value == "text" and question.choices == []
    assert question.help_text == "Skriv frit"


def test_questions_of_another_camp_are_not_found(client, login):
    organiser = make_user()
    camp = make_camp(organiser=organiser)
    other = make_camp()
    question = RegistrationQuestion(kind=QuestionKind.text, label="Andet", position=0)
    item = ProgrammeItem(title="Andet", starts_at=other.starts_at, ends_at=other.ends_at)
    other.questions.append(question)
    other.programme.append(item)
    db.session.commit()
    login(organiser)
    assert client.get(f"/camps/{camp.slug}/manage/questions/{question.id}").status_code == 404
    assert client.post(f"/camps/{camp.slug}/manage/questions/{question.id}/delete"
                       ).status_code == 404
    assert client.post(f"/camps/{camp.slug}/manage/programme/{item.id}/delete"
                       ).status_code == 404
    assert db.session.execute(select(func.count()).select_from(RegistrationQuestion)
                              ).scalar_one() == 1
