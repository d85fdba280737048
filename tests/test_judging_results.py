"""Jury results: weighted means on 0-100, spread, ranking with ties, CSV, publishing."""
import csv
import io
from types import SimpleNamespace

import pytest

from camp.camps.models import CampStatus, Role
from camp.extensions import db
from camp.judging import results as services
from camp.judging.models import Criterion, JuryAssignment, Score
from tests.factories import add_role, make_camp, make_challenge, make_prototype, make_team, \
    make_user


def results_world(status=CampStatus.published):
    """A: weight 2, 1-5; B: weight 1, 1-10. Hand-computed totals (0-100):
    P1: j1 A5 B10 -> 100; j2 A3 B1 -> (2*50 + 0)/3 = 33.33; mean 66.67, spread 66.67
    P2: j1 A4 B7 -> (2*75 + 66.67)/3 = 72.22; j3 A4 B4 -> (150 + 33.33)/3 = 61.11;
        mean 66.67 (a tie with P1), spread 11.11
    P3: j2 A2 B10 -> (2*25 + 100)/3 = 50; j3 scored only A: not counted. mean 50
    P4: j1 assigned, nothing scored; P5: nobody assigned. Both "not scored yet"."""
    organiser = make_user(name="Ole Organisator", locale="en")
    camp = make_camp(organiser=organiser, status=status)
    challenge = make_challenge(camp, title="Ensomhed")
    jurors = [make_user(name=f"Juror {i}", organisation=f"Org {i}", locale="en")
              for i in (1, 2, 3)]
    for j in jurors:
        add_role(j, camp, Role.jury)
    a = Criterion(camp_id=camp.id, name="Value created", weight=2, scale_max=5, position=0)
    b = Criterion(camp_id=camp.id, name="Feasibility", weight=1, scale_max=10, position=1)
    db.session.add_all([a, b])
    db.session.commit()
    protos = {}
    for name in ("P1", "P2", "P3", "P4", "P5"):
        team = make_team(camp, challenge, lead=make_user(organisation="Borger"),
                         name=f"Hold {name}")
        protos[name] = make_prototype(team, title=name)
    j1, j2, j3 = jurors
    plan = {("P1", j1): {a: 5, b: 10}, ("P1", j2): {a: 3, b: 1},
            ("P2", j1): {a: 4, b: 7}, ("P2", j3): {a: 4, b: 4},
            ("P3", j2): {a: 2, b: 10}, ("P3", j3): {a: 5},
            ("P4", j1): {}}
    for (name, juror), scores in plan.items():
        assignment = JuryAssignment(camp_id=camp.id, juror_id=juror.id,
                                    prototype_id=protos[name].id,
                                    comment="Stærk idé." if name == "P1" and juror is j1 else "")
        db.session.add(assignment)
        db.session.flush()
        for criterion, value in scores.items():
            db.session.add(Score(assignment_id=assignment.id, criterion_id=criterion.id,
                                 value=value))
    db.session.commit()
    return SimpleNamespace(camp=camp, organiser=organiser, jurors=jurors, a=a, b=b,
                           protos=protos)


def test_weighted_means_spread_and_ranking_with_a_tie(app):
    w = results_world()
    rows = services.jury_results(w.camp)
    by = {r.prototype.title: r for r in rows}
    assert [r.prototype.title for r in rows] == ["P1", "P2", "P3", "P4", "P5"]
    assert [r.rank for r in rows] == [1, 1, 3, None, None]
    assert by["P1"].mean == pytest.approx(200 / 3)
    assert by["P1"].spread == pytest.approx(200 / 3) and by["P1"].large_spread
    assert by["P2"].mean == pytest.approx(200 / 3)
    assert by["P2"].spread == pytest.approx(100 / 9) and not by["P2"].large_spread
    assert by["P3"].mean == pytest.approx(50) and by["P3"].spread == 0
    assert (by["P3"].jurors_scored, by["P3"].jurors_assigned) == (1, 2)
    assert (by["P4"].mean, by["P4"].jurors_scored, by["P4"].jurors_assigned) == (None, 0, 1)
    assert (by["P5"].mean, by["P5"].jurors_assigned) == (None, 0)
    assert by["P1"].criterion_means == {w.a.id: 4.0, w.b.id: 5.5}
    assert by["P3"].criterion_means == {w.a.id: 2.0, w.b.id: 10.0}
    assert by["P4"].criterion_means == {w.a.id: None, w.b.id: None}
    assert by["P1"].comments == [("Juror 1", "Stærk idé.")]


def test_no_criteria_means_nothing_is_scored(app):
    camp = make_camp()
    team = make_team(camp)
    make_prototype(team, title="Alene")
    [row] = services.jury_results(camp)
    assert row.rank is None and row.mean is None


def test_results_page_and_csv_for_the_organiser(client, login):
    w = results_world()
    login(w.organiser)
    page = client.get(f"/camps/{w.camp.slug}/jury/results").get_data(as_text=True)
    assert "66.7" in page and "11.1" in page and "50.0" in page
    assert "jurors disagree" in page and "not scored yet" in page
    assert "1 of 2" in page and "Stærk idé." in page
    assert page.index(">P1<") < page.index(">P2<") < page.index(">P3<") < page.index(">P4<")
    assert "Publish the results" in page
    res = client.get(f"/camps/{w.camp.slug}/manage/jury/results.csv")
    assert res.status_code == 200 and res.mimetype == "text/csv"
    assert "attachment" in res.headers["Content-Disposition"]
    text = res.get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["Rank", "Prototype", "Team", "Challenge", "Mean (0-100)", "Spread",
                       "Jurors scored", "Jurors assigned", "Value created (mean, 1-5)",
                       "Feasibility (mean, 1-10)"]
    assert rows[1] == ["1", "P1", "Hold P1", "Ensomhed", "66.7", "66.7", "2", "2", "4.0",
                       "5.5"]
    assert rows[2][:2] == ["1", "P2"] and rows[3][:5] == ["3", "P3", "Hold P3", "Ensomhed",
                                                            "50.0"]
    assert rows[4] == ["not scored yet", "P4", "Hold P4", "Ensomhed", "", "", "0", "1", "",
                       ""]
    assert len(rows) == 6


def test_publishing_shows_results_to_anonymous_on_a_public_camp(client, login):
    w = results_world()
    url = f"/camps/{w.camp.slug}/jury/results"
    login(None)
    assert client.get(url).status_code == 302
    login(w.jurors[0])
    assert client.get(url).status_code == 403
    login(w.organiser)
    res = client.post(f"/camps/{w.camp.slug}/manage/jury/results/publish",
                      follow_redirects=True)
    assert "are published" in res.get_data(as_text=True)
    db.session.expire_all()
    assert w.camp.jury_results_published_at is not None
    login(None)
    res = client.get(url)
    assert res.status_code == 200
    page = res.get_data(as_text=True)
    assert "66,7" in page and "P3" in page  # a visitor's Danish decimals
    assert "Stærk idé." not in page and "Publish" not in page  # organisers' only
    assert client.get(f"/camps/{w.camp.slug}/manage/jury/results.csv").status_code == 302
    login(w.organiser)
    client.post(f"/camps/{w.camp.slug}/manage/jury/results/unpublish")
    login(None)
    assert client.get(url).status_code == 302


def test_published_results_of_a_draft_camp_stay_hidden(client, login):
    w = results_world(status=CampStatus.draft)
    login(w.organiser)
    client.post(f"/camps/{w.camp.slug}/manage/jury/results/publish")
    login(None)
    assert client.get(f"/camps/{w.camp.slug}/jury/results").status_code == 404


def test_results_page_runs_a_constant_number_of_queries(client, login, query_counter):
    w = results_world()
    login(w.organiser)
    url = f"/camps/{w.camp.slug}/jury/results"
    counts = []
    for extra in (0, 7):
        for i in range(extra):
            team = make_team(w.camp, lead=make_user())
            p = make_prototype(team)
            for juror in w.jurors[:2]:
                a = JuryAssignment(camp_id=w.camp.id, juror_id=juror.id, prototype_id=p.id,
                                   comment="God.")
                db.session.add(a)
                db.session.flush()
                db.session.add_all([Score(assignment_id=a.id, criterion_id=w.a.id, value=3),
                                    Score(assignment_id=a.id, criterion_id=w.b.id, value=5)])
        db.session.commit()
        with query_counter() as n:
            assert client.get(url).status_code == 200
            assert client.get(f"/camps/{w.camp.slug}/manage/jury/results.csv"
                              ).status_code == 200
        counts.append(n())
    assert len(services.jury_results(w.camp)) == 12
    assert counts[0] == counts[1]
