"""The organisers' view of requests: response times per owner, slow owners, CSV."""
import csv
import io
from datetime import timedelta

from camp.challenges import requests as services
from camp.challenges.models import RequestStatus
from camp.db import utcnow
from camp.extensions import db
from tests.factories import make_camp, make_challenge, make_team, make_user

M = timedelta(minutes=1)
OPEN, ANSWERED, DECLINED = RequestStatus.open, RequestStatus.answered, RequestStatus.declined


# --- The pure figures ---------------------------------------------------------------------

def test_figures_of_nothing():
    f = services.response_figures([])
    assert (f.total, f.open, f.answered, f.declined) == (0, 0, 0, 0)
    assert f.median_response is None and f.longest_response is None and f.oldest_open is None
    assert not f.slow


def test_figures_count_and_measure():
    f = services.response_figures([(ANSWERED, 10 * M), (DECLINED, 40 * M), (ANSWERED, 20 * M),
                                   (OPEN, 5 * M), (OPEN, 12 * M)])
    assert (f.total, f.open, f.answered, f.declined) == (5, 2, 2, 1)
    assert f.median_response == 20 * M          # declines count as responses too
    assert f.longest_response == 40 * M
    assert f.oldest_open == 12 * M
    assert not f.waiting_too_long and not f.slow_median and not f.slow


def test_median_of_an_even_number_is_the_middle_of_the_two():
    f = services.response_figures([(ANSWERED, 10 * M), (ANSWERED, 50 * M),
                                   (ANSWERED, 20 * M), (ANSWERED, 30 * M)])
    assert f.median_response == 25 * M


def test_slow_owner_by_an_old_open_request_or_a_slow_median():
    waiting = services.response_figures([(ANSWERED, 1 * M), (OPEN, 31 * M)])
    assert waiting.waiting_too_long and not waiting.slow_median and waiting.slow
    slow = services.response_figures([(ANSWERED, 45 * M), (ANSWERED, 35 * M), (ANSWERED, 1 * M)])
    assert slow.slow_median and not slow.waiting_too_long and slow.slow
    exactly = services.response_figures([(ANSWERED, 30 * M), (OPEN, 30 * M)])
    assert not exactly.slow  # "older than 30 minutes": thirty is still fine
    strict = services.response_figures([(OPEN, 11 * M)], limit=10 * M)
    assert strict.waiting_too_long


def test_format_duration(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        f = services.format_duration
        assert f(None) == "—"
        assert f(timedelta(seconds=20)) == "under a minute"
        assert f(12 * M) == "12 min"
        assert f(125 * M) == "2 h 5 min"
        assert f(timedelta(days=1, hours=3, minutes=4)) == "1 d 3 h"


# --- The organiser's page -----------------------------------------------------------------

def _camp_with_owners():
    organiser = make_user()
    camp = make_camp(organiser=organiser)
    quick = make_user(name="Kvik Ejer")
    slow = make_user(name="Langsom Ejer")
    fast_ch = make_challenge(camp, quick, title="Unge uden uddannelse",
                             owner_organisation="Boligselskabet 3B")
    slow_ch = make_challenge(camp, slow, title="Integration i boligområdet",
                             owner_organisation="Assens Kommune")
    fast_team = make_team(camp, fast_ch, lead=make_user(), name="Hold Hurtig")
    slow_team = make_team(camp, slow_ch, lead=make_user(), name="Hold Venter")
    return camp, organiser, (quick, fast_ch, fast_team), (slow, slow_ch, slow_team)


def _asked(team, text, minutes_ago, answered_after=None, owner=None, declined=False):
    now = utcnow()
    req = services.ask(team.lead, team.camp, team, "question", text,
                       now=now - timedelta(minutes=minutes_ago))
    if answered_after is not None:
        services.respond(owner, team.camp, req, DECLINED if declined else ANSWERED, "Svar",
                         now=req.created_at + timedelta(minutes=answered_after))
    db.session.commit()
    return req


def test_organiser_sees_slow_owners_with_text(client, login):
    camp, organiser, (quick, _fc, fast_team), (slow, _sc, slow_team) = _camp_with_owners()
    _asked(fast_team, "Hurtigt besvaret", 60, answered_after=4, owner=quick)
    _asked(fast_team, "Også hurtigt", 30, answered_after=6, owner=quick, declined=True)
    _asked(slow_team, "Venter og venter", 95)
    _asked(slow_team, "Nyligt stillet", 3)
    login(organiser)
    client.post("/language", data={"lang": "en"})
    res = client.get(f"/camps/{camp.slug}/manage/requests")
    assert res.status_code == 200
    page = res.get_data(as_text=True)
    # The slow owner is on top of the table, with the reason in words.
    assert page.index("Integration i boligområdet") < page.index("Unge uden uddannelse")
    assert "Langsom Ejer" in page and "Assens Kommune" in page
    assert "Leaves a team waiting" in page
    assert page.count("Leaves a team waiting") == 2  # per challenge and per organisation
    assert "5 min" in page  # the quick owner's median of 4 and 6 minutes
    assert "1 h 35 min" in page  # the oldest open request has waited that long
    # The open list: oldest first; answered ones are not in it by default.
    assert page.index("Venter og venter") < page.index("Nyligt stillet")
    assert "Hurtigt besvaret" not in page
    assert "(too long)" in page
    everything = client.get(f"/camps/{camp.slug}/manage/requests",
                            query_string={"status": ""}).get_data(as_text=True)
    assert "Hurtigt besvaret" in everything and "Venter og venter" in everything
    answered = client.get(f"/camps/{camp.slug}/manage/requests",
                          query_string={"status": "answered"}).get_data(as_text=True)
    assert "Hurtigt besvaret" in answered and "Også hurtigt" not in answered


def test_slow_median_is_flagged(client, login):
    camp, organiser, (quick, _fc, fast_team), _slow = _camp_with_owners()
    _asked(fast_team, "Et", 300, answered_after=50, owner=quick)
    _asked(fast_team, "To", 200, answered_after=40, owner=quick)
    login(organiser)
    client.post("/language", data={"lang": "en"})
    page = client.get(f"/camps/{camp.slug}/manage/requests").get_data(as_text=True)
    assert "Answers slowly" in page and "45 min" in page


def test_filter_by_challenge_and_paginate(app, client, login):
    camp, organiser, (_q, fast_ch, fast_team), (_s, _sc, slow_team) = _camp_with_owners()
    for i in range(3):
        _asked(fast_team, f"Hurtig nr. {i}", 10 + i)
    _asked(slow_team, "Fra det andet hold", 5)
    login(organiser)
    url = f"/camps/{camp.slug}/manage/requests"
    page = client.get(url, query_string={"challenge": fast_ch.id}).get_data(as_text=True)
    assert "Hurtig nr. 0" in page and "Fra det andet hold" not in page
    app.config["REQUESTS_PER_PAGE"] = 2
    first = client.get(url).get_data(as_text=True)
    second = client.get(url, query_string={"page": 2}).get_data(as_text=True)
    assert "Hurtig nr. 2" in first and "Fra det andet hold" in second
    assert client.get(url, query_string={"page": 99, "status": "bogus"}).status_code == 200


def test_only_organisers_of_this_camp(client, login):
    camp, _organiser, (quick, _fc, _ft), _slow = _camp_with_owners()
    for user in (quick, make_user()):
        login(user)
        assert client.get(f"/camps/{camp.slug}/manage/requests").status_code == 403
        assert client.get(f"/camps/{camp.slug}/manage/requests.csv").status_code == 403


def test_csv_export(client, login):
    camp, organiser, (quick, _fc, fast_team), (_s, _sc, slow_team) = _camp_with_owners()
    _asked(fast_team, "=HYPERLINK(\"x\")", 60, answered_after=7, owner=quick)
    _asked(slow_team, "Må vi låne et lokale?", 40)
    login(organiser)
    res = client.get(f"/camps/{camp.slug}/manage/requests.csv", query_string={"status": ""})
    assert res.status_code == 200 and res.mimetype == "text/csv"
    assert "attachment" in res.headers["Content-Disposition"]
    raw = res.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 3
    by_text = {r[5]: r for r in rows[1:]}
    waiting = by_text["Må vi låne et lokale?"]
    assert waiting[0] == "Integration i boligområdet" and waiting[3] == "Hold Venter"
    assert 39 <= int(waiting[-1]) <= 41
    answered = by_text["'=HYPERLINK(\"x\")"]  # no formula injection
    assert answered[2] == "Kvik Ejer" and answered[9] == "Svar" and answered[-1] == "7"
    open_only = client.get(f"/camps/{camp.slug}/manage/requests.csv").get_data()
    assert len(list(csv.reader(io.StringIO(open_only.decode("utf-8-sig")),
                               delimiter=";"))) == 2


def _fill(camp, n):
    """n requests spread over several challenges, owners and teams, half answered."""
    for i in range(n // 5):
        owner = make_user()
        challenge = make_challenge(camp, owner, owner_organisation=f"Organisation {i % 3}")
        team = make_team(camp, challenge, lead=make_user())
        for j in range(5):
            _asked(team, f"Spørgsmål {i}-{j}", 100 - j, owner=owner,
                   answered_after=(j * 7) if j % 2 else None)


def test_query_count_does_not_grow(client, login, query_counter):
    organiser = make_user()
    small, big = make_camp(organiser=organiser), make_camp(organiser=organiser)
    _fill(small, 5)
    _fill(big, 50)
    login(organiser)
    counts = []
    for camp in (small, big):
        for url in (f"/camps/{camp.slug}/manage/requests?status=",
                    f"/camps/{camp.slug}/manage/requests.csv?status="):
            with query_counter() as n:
                assert client.get(url).status_code == 200
            counts.append(n())
    assert counts[0] == counts[2] and counts[1] == counts[3], counts


def test_inbox_and_challenge_page_query_counts(client, login, query_counter):
    camp = make_camp()
    pages = []
    for n in (2, 20):
        owner = make_user()
        challenge = make_challenge(camp, owner)
        team = make_team(camp, challenge, lead=make_user())
        for j in range(n):
            _asked(team, f"Spørgsmål {team.id}-{j}", 60 - j,
                   answered_after=5 if j % 2 else None, owner=owner)
        pages.append((owner, challenge, team))
    counts = []
    for owner, challenge, team in pages:
        login(owner)
        for url in ("/me/requests", f"/camps/{camp.slug}/challenges/{challenge.id}/requests"):
            with query_counter() as n:
                assert client.get(url).status_code == 200
            counts.append(n())
        login(team.lead)
        with query_counter() as n:
            assert client.get(f"/camps/{camp.slug}/teams/{team.id}/requests").status_code == 200
        counts.append(n())
    assert counts[:3] == counts[3:], counts
