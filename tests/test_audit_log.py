"""Issue 9, part I: the camp's audit log for organisers: newest first, readable labels,
filters by area and person, pagination, CSV, a constant number of queries."""
import csv
import io
from datetime import timedelta

from camp.audit import AuditEvent
from camp.db import utcnow
from camp.extensions import db
from camp.privacy.auditlog import ACTION_LABELS, action_label
from tests.factories import make_camp, make_registration, make_user


def _event(camp, action, actor=None, minutes_ago=0, **data):
    event = AuditEvent(camp_id=camp.id, actor_id=actor.id if actor else None, action=action,
                       object_type="Registration", object_id=7, data=data,
                       at=utcnow() - timedelta(minutes=minutes_ago))
    db.session.add(event)
    return event


def _world():
    organiser = make_user(name="Olga Organisator", locale="en")
    camp = make_camp(organiser)
    staff = make_user(name="Sune Staff")
    _event(camp, "camp.update", organiser, minutes_ago=30)
    _event(camp, "registration.cancel", staff, minutes_ago=20, reason="syg")
    _event(camp, "registration.promote", None, minutes_ago=10, automatic=True)
    _event(camp, "team.request_approved", staff, minutes_ago=5)
    _event(camp, "something.unknown", organiser, minutes_ago=1)
    other = make_camp(make_user())
    _event(other, "camp.update", make_user(name="Fremmed Arrangør"))
    db.session.commit()
    return organiser, staff, camp


def _rows(html):
    return html.split("<tbody>", 1)[1].split("</tbody>", 1)[0].count("<tr>")


def test_page_lists_newest_first_with_labels(client, login):
    organiser, _staff, camp = _world()
    login(organiser)
    res = client.get(f"/camps/{camp.slug}/manage/audit")
    html = res.get_data(as_text=True)
    assert res.status_code == 200 and "<h1>Audit log</h1>" in html
    assert _rows(html) == 5 and "5 events match." in html
    order = [html.index(t) for t in ("something.unknown", "Join request approved",
                                     "Given a seat from the waiting list",
                                     "Registration cancelled", "Camp settings changed")]
    assert order == sorted(order)
    assert "Sune Staff" in html and "Olga Organisator" in html and "System" in html
    assert "reason: syg" in html and "Registration #7" in html
    assert "Fremmed" not in html
    # The organiser menu links the page.
    assert f'href="/camps/{camp.slug}/manage/audit"' in html


def test_every_known_action_has_a_label():
    assert action_label("camp.update") == "Camp settings changed"
    assert action_label("no.such") == "no.such"
    assert all(str(label) for label in ACTION_LABELS.values())


def test_filters_by_area_and_person(client, login):
    organiser, staff, camp = _world()
    login(organiser)
    url = f"/camps/{camp.slug}/manage/audit"
    html = client.get(url + "?action=registration").get_data(as_text=True)
    assert _rows(html) == 2 and "Registration cancelled" in html
    assert "Camp settings changed" not in html
    html = client.get(url + f"?person={staff.id}").get_data(as_text=True)
    assert _rows(html) == 2 and "Join request approved" in html
    html = client.get(url + f"?action=team&person={staff.id}").get_data(as_text=True)
    assert _rows(html) == 1
    # The filters offer the areas and the people in this camp's log only.
    page = client.get(url).get_data(as_text=True)
    assert '<option value="registration">Registrations</option>' in page
    assert f'<option value="{staff.id}">Sune Staff</option>' in page
    assert "Fremmed Arrangør" not in page
    # Nonsense is ignored, not an error; '_' is not a wildcard.
    for bad in ("?action=%25", "?action=camp%27--", "?person=abc", "?person=-3"):
        res = client.get(url + bad)
        assert res.status_code == 200 and _rows(res.get_data(as_text=True)) == 5, bad
    from camp.privacy.auditlog import Filters, all_events
    assert [e.action for e in all_events(camp.id, Filters(action="team"))] == [
        "team.request_approved"]
    assert all_events(camp.id, Filters(action="tea_")) == []
    assert all_events(camp.id, Filters(action="team.request_approved")) != []


def test_pagination_fifty_a_page_and_constant_queries(client, login, query_counter):
    organiser = make_user(locale="en")
    camp = make_camp(organiser)
    actors = [make_user(name=f"Person {i:03d}") for i in range(3)]
    for i in range(3):
        _event(camp, "registration.create", actors[i], minutes_ago=i)
    db.session.commit()
    login(organiser)
    url = f"/camps/{camp.slug}/manage/audit"
    with query_counter() as few:
        assert client.get(url).status_code == 200
    actors += [make_user(name=f"Person {i:03d}") for i in range(3, 60)]
    for i in range(3, 120):
        _event(camp, "registration.create" if i % 2 else "team.join", actors[i % 60],
               minutes_ago=i)
    db.session.commit()
    with query_counter() as many:
        html = client.get(url).get_data(as_text=True)
    assert many() == few()
    assert _rows(html) == 50 and "Page 1 of 3" in html and "120 events match." in html
    html = client.get(url + "?page=3").get_data(as_text=True)
    assert _rows(html) == 20
    html = client.get(url + "?action=team&page=2").get_data(as_text=True)
    assert _rows(html) == 8 and "Page 2 of 2" in html
    assert "action=team" in html.split('rel="prev"')[0].rsplit("<a", 1)[1]


def test_csv_export_with_filters(client, login):
    organiser, staff, camp = _world()
    login(organiser)
    res = client.get(f"/camps/{camp.slug}/manage/audit.csv")
    assert res.status_code == 200 and res.mimetype == "text/csv"
    assert f"{camp.slug}-audit-log.csv" in res.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(res.get_data(as_text=True).lstrip("\ufeff")),
                           delimiter=";"))
    assert rows[0] == ["When", "Who", "Action", "Action code", "Object", "Details"]
    assert [r[3] for r in rows[1:]] == ["something.unknown", "team.request_approved",
                                        "registration.promote", "registration.cancel",
                                        "camp.update"]
    assert rows[4][1:3] == ["Sune Staff", "Registration cancelled"]
    assert rows[4][5] == "reason: syg"
    res = client.get(f"/camps/{camp.slug}/manage/audit.csv?person={staff.id}")
    assert len(list(csv.reader(io.StringIO(res.get_data(as_text=True)), delimiter=";"))) == 3


def test_real_actions_show_up(client, login):
    """A change through the app lands in the log with its label."""
    organiser = make_user(name="Olga Organisator", locale="en")
    camp = make_camp(organiser)
    reg = make_registration(camp, make_user(name="Pia Deltager"))
    login(organiser)
    assert client.post(f"/camps/{camp.slug}/manage/registrations/{reg.id}/cancel"
                       ).status_code == 303
    html = client.get(f"/camps/{camp.slug}/manage/audit").get_data(as_text=True)
    assert "Registration cancelled" in html and "Olga Organisator" in html


def test_organisers_only(client, login):
    organiser, staff, camp = _world()
    from camp.camps.models import Role
    from tests.factories import add_role
    add_role(staff, camp, Role.staff)
    other_organiser = make_user()
    make_camp(other_organiser)
    participant = make_user()
    make_registration(camp, participant)
    for user, status in ((staff, 403), (participant, 403), (other_organiser, 403),
                         (None, 302)):
        login(user)
        assert client.get(f"/camps/{camp.slug}/manage/audit").status_code == status
        assert client.get(f"/camps/{camp.slug}/manage/audit.csv").status_code == status
    admin = login(make_user(is_admin=True))
    assert admin and client.get(f"/camps/{camp.slug}/manage/audit").status_code == 200
