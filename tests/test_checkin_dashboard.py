"""The organiser's check-in overview and the fire-safety list."""
import csv
import io
import uuid
from datetime import timedelta

from camp.auth.models import ActorType
from camp.checkin import services
from camp.checkin.models import Direction
from camp.db import utcnow
from camp.extensions import db
from tests.factories import make_camp, make_registration, make_user


def _camp_with_people(login):
    organiser = make_user()
    camp = make_camp(organiser=organiser, starts_at=utcnow() - timedelta(hours=1))
    camp.ends_at = camp.starts_at + timedelta(days=2)
    db.session.commit()
    login(organiser)
    people = [make_registration(camp, make_user(name=n, actor_type=a, organisation=o),
                                accessibility=acc)
              for n, a, o, acc in [("Åse Ørum", ActorType.citizen, "", "kørestol"),
                                   ("Bo Berg", ActorType.politician, "KL", ""),
                                   ("Cille Cold", ActorType.citizen, "", "")]]
    for reg in people:
        services.scan(camp, reg.ticket_secret, Direction.entry, uuid.uuid4().hex)
        db.session.commit()
    services.scan(camp, people[1].ticket_secret, Direction.exit, uuid.uuid4().hex)
    services.scan(camp, "Z" * 22, Direction.entry, uuid.uuid4().hex)
    db.session.commit()
    return camp, people


def test_dashboard_counts_and_latest_scans(client, login):
    camp, people = _camp_with_people(login)
    html = client.get(f"/camps/{camp.slug}/manage/checkin").get_data(as_text=True)
    assert 'hx-trigger="every 15s"' in html and "htmx.min.js" in html
    assert '<span class="stat-number">2</span>' in html  # Bo went out
    assert '<span class="stat-number">3</span>' in html  # expected
    assert "Bo Berg" in html  # in the latest scans
    partial = client.get(f"/camps/{camp.slug}/manage/checkin", headers={"HX-Request": "true"})
    body = partial.get_data(as_text=True)
    assert "<html" not in body and "stat-number" in body


def test_inside_list_and_csv(client, login):
    camp, people = _camp_with_people(login)
    html = client.get(f"/camps/{camp.slug}/manage/checkin/inside").get_data(as_text=True)
    assert "Åse Ørum" in html and "Cille Cold" in html and "Bo Berg" not in html
    assert "kørestol" in html
    res = client.get(f"/camps/{camp.slug}/manage/checkin/inside.csv")
    rows = list(csv.reader(io.StringIO(res.get_data().decode("utf-8-sig")), delimiter=";"))
    assert [r[0] for r in rows[1:]] == ["Cille Cold", "Åse Ørum"] or \
        sorted(r[0] for r in rows[1:]) == ["Cille Cold", "Åse Ørum"]


def test_arrivals_and_days(app):
    camp = make_camp(starts_at=utcnow() - timedelta(hours=1))
    regs = [make_registration(camp) for _ in range(3)]
    for reg in regs:
        services.scan(camp, reg.ticket_secret, Direction.entry, uuid.uuid4().hex)
    db.session.commit()
    from camp.i18n import zone
    slots = services.arrivals(camp.id, zone(camp.timezone))
    assert sum(n for _, n in slots) == 3
    assert services.attendance_by_day(camp.id, zone(camp.timezone))[0][1] == 3
