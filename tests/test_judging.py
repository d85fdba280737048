"""Judging criteria (the organiser) and scoring (the juror), through HTTP and services."""
import re
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from camp.camps.models import Membership, Role
from camp.db import utcnow
from camp.errors import DomainError, NotAllowed
from camp.extensions import db
from camp.judging import criteria as criteria_services
from camp.judging import scoring
from camp.judging.models import Criterion, JuryAssignment, Score
from tests.factories import add_role, make_camp, make_challenge, make_prototype, make_team, \
    make_user


def world():
    organiser = make_user(name="Ole Organisator", locale="en", organisation="Samskab")
    camp = make_camp(organiser=organiser)
    challenge = make_challenge(camp, owner_organisation="Aarhus Kommune")
    anna = make_user(name="Anna Jurist", organisation="KL", locale="en")
    bo = make_user(name="Bo Jurist", organisation="INSP", locale="en")
    for u in (anna, bo):
        add_role(u, camp, Role.jury)
    team = make_team(camp, challenge, lead=make_user(organisation="Borger"), name="Hold Nord")
    prototype = make_prototype(team, title="Besøgsven på hjul")
    other_team = make_team(camp, challenge, lead=make_user(organisation="Borger"), name="Hold Syd")
    other = make_prototype(other_team, title="Fællesspisning")
    value = Criterion(camp_id=camp.id, name="Value created", weight=2, scale_max=5,
                      position=0, description="Better quality, efficiency or democracy.")
    feasible = Criterion(camp_id=camp.id, name="Feasibility", weight=1, scale_max=10,
                         position=1)
    mine = JuryAssignment(camp_id=camp.id, juror_id=anna.id, prototype_id=prototype.id)
    bos = JuryAssignment(camp_id=camp.id, juror_id=bo.id, prototype_id=prototype.id)
    db.session.add_all([value, feasible, mine, bos])
    db.session.commit()
    return SimpleNamespace(camp=camp, organiser=organiser, anna=anna, bo=bo,
                           prototype=prototype, other=other, value=value, feasible=feasible,
                           mine=mine, bos=bos)


def _criteria(w):
    db.session.expire_all()
    return [(c.name, c.weight, c.scale_max) for c in criteria_services.criteria_of(w.camp)]


def _scores(assignment_id):
    db.session.expire_all()
    return dict(db.session.execute(select(Score.criterion_id, Score.value).where(
        Score.assignment_id == assignment_id)).all())


# --- Criteria ------------------------------------------------------------------------------

def test_organiser_adds_edits_reorders_and_deletes_criteria(client, login):
    w = world()
    login(w.organiser)
    url = f"/camps/{w.camp.slug}/manage/jury/criteria"
    page = client.get(url).get_data(as_text=True)
    assert "Value created" in page and "Better quality, efficiency or democracy." in page
    res = client.post(url, data={"name": "  Owner   commitment ", "description": "Ready?",
                                 "weight": "3", "scale_max": "4"})
    assert res.status_code == 303
    assert _criteria(w)[-1] == ("Owner commitment", 3, 4)
    # Bad weight and scale: the form comes back with the errors, nothing is stored.
    for weight, scale in (("0", "5"), ("11", "5"), ("2.5", "5"), ("3", "2"), ("3", "11"),
                          ("", "")):
        res = client.post(url, data={"name": "Nope", "weight": weight, "scale_max": scale})
        assert res.status_code == 200
        assert 'class="error"' in res.get_data(as_text=True)
    res = client.post(url, data={"name": "", "weight": "1", "scale_max": "5"})
    assert "This field is required." in res.get_data(as_text=True)
    res = client.post(url, data={"name": "x" * 121, "weight": "1", "scale_max": "5"})
    assert res.status_code == 200
    assert [n for n, _w, _s in _criteria(w)] == ["Value created", "Feasibility",
                                                 "Owner commitment"]
    # Edit.
    res = client.post(f"{url}/{w.feasible.id}", data={"name": "Feasibility", "description":
                                                       "Can it be tried?", "weight": "4",
                                                       "scale_max": "7"})
    assert res.status_code == 303
    assert _criteria(w)[1] == ("Feasibility", 4, 7)
    # Move the last one up.
    last = db.session.execute(select(Criterion).where(Criterion.name == "Owner commitment")
                              ).scalar_one()
    assert client.post(f"{url}/{last.id}/move", data={"direction": "up"}).status_code == 303
    assert [n for n, _w, _s in _criteria(w)] == ["Value created", "Owner commitment",
                                                 "Feasibility"]
    # Delete, with the scores: the confirmation says so.
    db.session.add(Score(assignment_id=w.mine.id, criterion_id=w.value.id, value=4))
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert "Its 1 score is deleted too." in page and "data-confirm" in page
    res = client.post(f"{url}/{w.value.id}/delete", follow_redirects=True)
    assert "is deleted, with its 1 score." in res.get_data(as_text=True)
    assert "Value created" not in [n for n, _w, _s in _criteria(w)]
    assert _scores(w.mine.id) == {}


def test_criteria_of_another_camp_are_404(client, login):
    w = world()
    other = make_camp(organiser=w.organiser)
    login(w.organiser)
    assert client.get(f"/camps/{other.slug}/manage/jury/criteria/{w.value.id}"
                      ).status_code == 404
    assert client.post(f"/camps/{other.slug}/manage/jury/criteria/{w.value.id}/delete"
                       ).status_code == 404
    assert len(_criteria(w)) == 2


def test_a_smaller_scale_is_refused_while_scores_lie_above_it(client, login):
    w = world()
    db.session.add(Score(assignment_id=w.mine.id, criterion_id=w.feasible.id, value=9))
    db.session.commit()
    login(w.organiser)
    url = f"/camps/{w.camp.slug}/manage/jury/criteria/{w.feasible.id}"
    res = client.post(url, data={"name": "Feasibility", "weight": "1", "scale_max": "6"})
    assert res.status_code == 200
    assert "1 scores are above 6, so the scale cannot end there" in res.get_data(as_text=True)
    assert _criteria(w)[1] == ("Feasibility", 1, 10)
    # Down to 9 is fine.
    res = client.post(url, data={"name": "Feasibility", "weight": "1", "scale_max": "9"})
    assert res.status_code == 303 and _criteria(w)[1] == ("Feasibility", 1, 9)


def test_presets_are_added_once_in_the_readers_language(client, login):
    w = world()
    db.session.delete(w.feasible)
    db.session.commit()
    login(w.organiser)
    url = f"/camps/{w.camp.slug}/manage/jury/criteria"
    res = client.post(url + "/presets", follow_redirects=True)
    page = res.get_data(as_text=True)
    assert "6 preset criteria are added." in page
    names = [n for n, _w, _s in _criteria(w)]
    # "Value created" was there: skipped.
    assert names.count("Value created") == 1
    assert {"Feasibility", "Quality of co-creation", "Owner commitment"} <= set(names)
    described = db.session.execute(select(Criterion).where(
        Criterion.name == "Quality of co-creation")).scalar_one()
    assert "equal terms" in described.description and described.scale_max == 5
    res = client.post(url + "/presets", follow_redirects=True)
    assert "Every preset criterion is there already." in res.get_data(as_text=True)
    assert len(_criteria(w)) == len(names)


def test_service_validation(app):
    w = world()
    for data in (criteria_services.CriterionData("X", "", 0, 5),
                 criteria_services.CriterionData("X", "", 3, 11),
                 criteria_services.CriterionData("  ", "", 3, 5),
                 criteria_services.CriterionData("X", "d" * 1001, 3, 5),
                 criteria_services.CriterionData("X", "", None, 5)):
        with pytest.raises(DomainError):
            criteria_services.add_criterion(w.organiser, w.camp, data)
        db.session.rollback()
    assert len(_criteria(w)) == 2


# --- Scoring -------------------------------------------------------------------------------

def _score_url(w, assignment):
    return f"/camps/{w.camp.slug}/jury/assignments/{assignment.id}"


def test_juror_sees_their_list_and_scores(client, login):
    w = world()
    login(w.anna)
    page = client.get(f"/camps/{w.camp.slug}/jury").get_data(as_text=True)
    assert "Besøgsven på hjul" in page and "Not started" in page
    assert "Fællesspisning" not in page  # not assigned to her
    assert f"/camps/{w.camp.slug}/prototypes/{w.prototype.id}" in page
    form = client.get(_score_url(w, w.mine)).get_data(as_text=True)
    assert "Better quality, efficiency or democracy." in form
    assert f'name="c{w.value.id}"' in form and f'name="c{w.feasible.id}"' in form
    assert "10 (highest)" in form
    # Part of it: "partly".
    res = client.post(_score_url(w, w.mine), data={f"c{w.value.id}": "4"})
    assert res.status_code == 303
    assert _scores(w.mine.id) == {w.value.id: 4}
    assert db.session.get(JuryAssignment, w.mine.id).scored_at is None
    page = client.get(f"/camps/{w.camp.slug}/jury").get_data(as_text=True)
    assert "Partly scored" in page
    # All of it: scored, with a comment; the form shows the stored values.
    res = client.post(_score_url(w, w.mine), data={
        f"c{w.value.id}": "5", f"c{w.feasible.id}": "7", "comment": " Klar til afprøvning. "})
    assert res.status_code == 303
    assert _scores(w.mine.id) == {w.value.id: 5, w.feasible.id: 7}
    a = db.session.get(JuryAssignment, w.mine.id)
    assert a.scored_at is not None and a.comment == "Klar til afprøvning."
    page = client.get(f"/camps/{w.camp.slug}/jury").get_data(as_text=True)
    assert "Scored" in page and "1 of 1 scored." in page
    form = client.get(_score_url(w, w.mine)).get_data(as_text=True)
    fid = w.feasible.id
    assert re.search(rf'checked id="c{fid}-\d+" name="c{fid}" type="radio" value="7"', form)
    assert "Klar til afprøvning." in form


def test_out_of_range_scores_are_refused_and_nothing_is_stored(client, login):
    w = world()
    login(w.anna)
    client.post(_score_url(w, w.mine), data={f"c{w.value.id}": "3"})
    for bad in ("6", "0", "-1", "abc", "3.5"):
        res = client.post(_score_url(w, w.mine), data={
            f"c{w.value.id}": bad, f"c{w.feasible.id}": "4"})
        assert res.status_code == 200
        assert "Choose a score from 1 to 5." in res.get_data(as_text=True) or \
            'class="error"' in res.get_data(as_text=True)
        assert _scores(w.mine.id) == {w.value.id: 3}
    # An unknown criterion (e.g. deleted meanwhile, or another camp's): refused.
    other_camp = make_camp()
    foreign = Criterion(camp_id=other_camp.id, name="Fremmed", weight=1, scale_max=5)
    db.session.add(foreign)
    db.session.commit()
    res = client.post(_score_url(w, w.mine), data={
        f"c{w.value.id}": "5", f"c{foreign.id}": "2"})
    assert res.status_code == 200
    assert "The criteria have changed while you were scoring." in res.get_data(as_text=True)
    assert _scores(w.mine.id) == {w.value.id: 3}


def test_a_blank_score_is_no_score_even_when_it_is_spaces(client, login):
    """Found by the form fuzzer on PostgreSQL: "  " passed Optional() and broke int()."""
    w = world()
    login(w.anna)
    client.post(_score_url(w, w.mine), data={f"c{w.value.id}": "3"})
    stored = {}
    for blank in ("", "  "):
        res = client.post(_score_url(w, w.mine), data={
            f"c{w.value.id}": blank, f"c{w.feasible.id}": "4"})
        assert res.status_code in (200, 303)
        stored[blank] = _scores(w.mine.id)
    assert stored[""] == stored["  "]


def test_service_refuses_out_of_scale_unknown_and_other_jurors(app):
    w = world()
    with pytest.raises(DomainError, match="fra 1 til 5"):
        scoring.save_scores(w.anna, w.camp, w.mine, {w.value.id: 6})
    db.session.rollback()
    with pytest.raises(DomainError, match="fra 1 til 10"):
        scoring.save_scores(w.anna, w.camp, w.mine, {w.feasible.id: 0})
    db.session.rollback()
    with pytest.raises(DomainError, match="Kriterierne er blevet ændret"):
        scoring.save_scores(w.anna, w.camp, w.mine, {w.value.id: 3, 9999: 1})
    db.session.rollback()
    with pytest.raises(NotAllowed):
        scoring.save_scores(w.bo, w.camp, w.mine, {w.value.id: 3})
    db.session.rollback()
    assert _scores(w.mine.id) == {}


def test_another_jurors_assignment_and_unassigned_prototypes_are_out_of_reach(client, login):
    w = world()
    login(w.anna)
    # Bo's assignment: 404 to read and to post, nothing stored.
    assert client.get(_score_url(w, w.bos)).status_code == 404
    assert client.post(_score_url(w, w.bos), data={f"c{w.value.id}": "5"}).status_code == 404
    assert _scores(w.bos.id) == {}
    # There is no way to score a prototype without an assignment: the only scoring
    # address names an assignment, and ids that are not hers are 404.
    assert client.get(f"/camps/{w.camp.slug}/jury/assignments/99999").status_code == 404
    # Bo is no longer on the jury: his own assignment is closed to him too.
    db.session.execute(db.delete(Membership).where(Membership.user_id == w.bo.id))
    db.session.commit()
    login(w.bo)
    assert client.get(_score_url(w, w.bos)).status_code == 404
    # The organiser is not a juror: the jury page is refused.
    login(w.organiser)
    assert client.get(f"/camps/{w.camp.slug}/jury").status_code == 403


def test_publishing_locks_scoring(client, login):
    w = world()
    login(w.anna)
    client.post(_score_url(w, w.mine), data={f"c{w.value.id}": "4", f"c{w.feasible.id}": "8"})
    login(w.organiser)
    assert client.post(f"/camps/{w.camp.slug}/manage/jury/results/publish").status_code == 303
    login(w.anna)
    page = client.get(_score_url(w, w.mine)).get_data(as_text=True)
    assert "scores are final" in page and "Save scores" not in page
    assert "4 of 5" in page and "8 of 10" in page
    res = client.post(_score_url(w, w.mine), data={f"c{w.value.id}": "1"},
                      follow_redirects=True)
    assert "can no longer be changed" in res.get_data(as_text=True)
    assert _scores(w.mine.id) == {w.value.id: 4, w.feasible.id: 8}
    with pytest.raises(DomainError, match="kan ikke længere ændres"):
        scoring.save_scores(w.anna, w.camp, w.mine, {w.value.id: 1})
    db.session.rollback()
    # Unpublished: open again.
    login(w.organiser)
    client.post(f"/camps/{w.camp.slug}/manage/jury/results/unpublish")
    login(w.anna)
    client.post(_score_url(w, w.mine), data={f"c{w.value.id}": "2", f"c{w.feasible.id}": "8"})
    assert _scores(w.mine.id) == {w.value.id: 2, w.feasible.id: 8}


def test_a_new_criterion_reopens_scored_assignments(app):
    w = world()
    scoring.save_scores(w.anna, w.camp, w.mine, {w.value.id: 3, w.feasible.id: 3})
    db.session.commit()
    assert db.session.get(JuryAssignment, w.mine.id).scored_at is not None
    c = criteria_services.add_criterion(w.organiser, w.camp, criteria_services.CriterionData(
        "Owner commitment", "", 1, 5))
    db.session.commit()
    assert db.session.get(JuryAssignment, w.mine.id).scored_at is None
    criteria_services.delete_criterion(w.organiser, w.camp, c)
    db.session.commit()
    assert db.session.get(JuryAssignment, w.mine.id).scored_at is not None
    assert utcnow() >= db.session.get(JuryAssignment, w.mine.id).scored_at


def test_personal_data_export_and_erasure_of_a_juror(app):
    from camp.auth.services import delete_account, export_user_data
    from tests.factories import PASSWORD
    w = world()
    scoring.save_scores(w.anna, w.camp, w.mine, {w.value.id: 4, w.feasible.id: 9},
                        "Godt samarbejde med borgerne.")
    db.session.commit()
    [row] = export_user_data(w.anna)["jury_scores"]
    assert row["prototype"] == "Besøgsven på hjul"
    assert row["comment"] == "Godt samarbejde med borgerne."
    assert row["scores"] == {"Value created": 4, "Feasibility": 9}
    delete_account(w.anna, PASSWORD)
    db.session.commit()
    a = db.session.get(JuryAssignment, w.mine.id)
    assert a.comment == "" and _scores(w.mine.id) == {w.value.id: 4, w.feasible.id: 9}


def test_the_same_scores_saved_twice_at_once_store_one_row_each(app):
    """A double submit of the scoring form: both saves succeed, one Score per criterion."""
    from camp.camps.models import Camp
    from tests.concurrency import run_at_once
    w = world()
    ids = SimpleNamespace(camp=w.camp.id, anna=w.anna.id, mine=w.mine.id, value=w.value.id,
                          feasible=w.feasible.id)
    db.session.remove()

    def save(value):
        def job():
            from camp.auth.models import User
            scoring.save_scores(db.session.get(User, ids.anna), db.session.get(Camp, ids.camp),
                                db.session.get(JuryAssignment, ids.mine),
                                {ids.value: value, ids.feasible: 6})
        return job
    assert run_at_once(app, [save(3), save(4)]) == ["ok", "ok"]
    stored = _scores(ids.mine)
    assert stored[ids.feasible] == 6 and stored[ids.value] in (3, 4)
    assert len(db.session.execute(select(Score)).scalars().all()) == 2
