"""Evaluation rounds of a trial: opening and closing rounds, each party's answer (bad
input, twice, at once, someone else's, closed), and the results with disagreement."""
from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from flask import render_template_string
from sqlalchemy import func, select

from camp.db import utcnow
from camp.errors import DomainError
from camp.extensions import db
from camp.trials import evaluation as services
from camp.trials.models import EvaluationAnswer, EvaluationRound, Leadership, Party, \
    PartyRole, Recommendation, Trial, TrialPrototype, TrialStatus
from tests.concurrency import run_at_once
from tests.factories import make_camp, make_challenge, make_prototype, make_team, make_user


def trial_world(values=("quality", "efficiency"), with_round=True, camp=None, owner=None,
                title="Besøgsven i hjemmeplejen", **trial_kw):
    """A running trial of a submitted prototype with three parties, each with a contact:
    the owner's organisation (the challenge's owner), a citizen group, a frontline unit;
    and (with_round) an open evaluation round "Midtvejs"."""
    owner = owner or make_user(name="Olga Ejer", locale="en")
    organiser = make_user(name="Ole Organisator", locale="en")
    camp = camp or make_camp(organiser=organiser)
    challenge = make_challenge(camp, owner, title="Ensomhed blandt ældre")
    lead = make_user(name="Lene Leder", locale="en")
    team = make_team(camp, challenge, lead=lead, name="Hold Nord")
    prototype = make_prototype(team, title="Besøgsven på hjul")
    citizen = make_user(name="Carl Borger", locale="en")
    frontline = make_user(name="Frida Frontlinje", locale="en")
    values_kw = dict(camp_id=camp.id, challenge_id=challenge.id, title=title,
                     purpose="Færre ensomme ældre i Roskilde.", values=list(values),
                     municipality="Roskilde", unit="Hjemmeplejen Syd",
                     status=TrialStatus.running, progress=40,
                     starts_on=date.today() - timedelta(days=60),
                     planned_end_on=date.today() + timedelta(days=60),
                     created_by_id=owner.id)
    values_kw.update(trial_kw)
    trial = Trial(**values_kw)
    db.session.add(trial)
    db.session.flush()
    db.session.add(TrialPrototype(trial_id=trial.id, prototype_id=prototype.id))
    parties = [
        Party(trial_id=trial.id, organisation="Roskilde Kommune", contact_name="Olga Ejer",
              user_id=owner.id, role=PartyRole.owner, leadership=Leadership.defining,
              commitment="To medarbejdere i seks måneder.", agreed_at=utcnow()),
        Party(trial_id=trial.id, organisation="Ældresagen Roskilde", contact_name="Carl Borger",
              user_id=citizen.id, role=PartyRole.citizen_group,
              leadership=Leadership.facilitating, commitment="Ti frivillige besøgsvenner.",
              resources="Et mødelokale.", agreed_at=utcnow()),
        Party(trial_id=trial.id, organisation="Hjemmeplejen Syd", contact_name="Frida",
              user_id=frontline.id, role=PartyRole.frontline_unit,
              commitment="Spørger ved hvert besøg."),
    ]
    db.session.add_all(parties)
    round_ = None
    if with_round:
        round_ = EvaluationRound(trial_id=trial.id, title="Midtvejs", created_by_id=owner.id,
                                 opens_at=utcnow() - timedelta(days=1))
        db.session.add(round_)
    db.session.commit()
    return SimpleNamespace(owner=owner, organiser=organiser, camp=camp, challenge=challenge,
                           team=team, prototype=prototype, trial=trial, citizen=citizen,
                           frontline=frontline, owner_party=parties[0], citizen_party=parties[1],
                           frontline_party=parties[2], round=round_, lead=lead)


def answer_form(achieved=(4, 3), co_creation=(5, 2), collaboration=(4, 4, 3, 2),
                recommendation="scale_up", comment="Fortsæt.", dims=("quality", "efficiency")):
    data = {}
    for d, a, c in zip(dims, achieved, co_creation):
        data[services.value_field(d, "achieved")] = str(a)
        data[services.value_field(d, "co_creation")] = str(c)
        data[services.value_field(d, "text")] = f"Vi så {d}."
    for item, score in zip(services.COLLABORATION_ITEMS, collaboration):
        data[services.collaboration_field(item)] = str(score)
    data["collaboration_text"] = "Godt samarbejde."
    if recommendation is not None:
        data["recommendation"] = recommendation
    data["comment"] = comment
    return data


def answer_data(achieved=(4, 3), co_creation=(5, 2), collaboration=(4, 4, 3, 2),
                recommendation="scale_up", comment="", dims=("quality", "efficiency")):
    return services.AnswerData(
        values={d: {"achieved": a, "co_creation": c, "text": ""}
                for d, a, c in zip(dims, achieved, co_creation)},
        collaboration=dict(zip(services.COLLABORATION_ITEMS, collaboration)),
        recommendation=recommendation, comment=comment)


def _answer_url(w, party, round_=None):
    return (f"/trials/{w.trial.id}/evaluations/{(round_ or w.round).id}"
            f"/parties/{party.id}")


def _answers() -> list[EvaluationAnswer]:
    return db.session.execute(select(EvaluationAnswer).order_by(EvaluationAnswer.id)
                              ).scalars().all()


# --- Answering ----------------------------------------------------------------------------

def test_a_party_answers_and_the_answer_is_stored_in_the_documented_format(client, login):
    w = trial_world()
    login(w.citizen)
    page = client.get(_answer_url(w, w.citizen_party)).get_data(as_text=True)
    assert "Evaluation for Ældresagen Roskilde" in page
    assert "Better quality: how far was it achieved?" in page
    assert "Higher efficiency: did co-creation contribute to it?" in page
    assert "The parties met as equals" in page and "Leadership was shared" in page
    response = client.post(_answer_url(w, w.citizen_party), data=answer_form())
    assert response.status_code == 303
    assert response.headers["Location"].endswith(
        f"/trials/{w.trial.id}/evaluations/{w.round.id}")
    [a] = _answers()
    assert a.party_id == w.citizen_party.id and a.answered_by_id == w.citizen.id
    assert a.values == {"quality": {"achieved": 4, "co_creation": 5, "text": "Vi så quality."},
                        "efficiency": {"achieved": 3, "co_creation": 2,
                                       "text": "Vi så efficiency."}}
    assert a.collaboration == {"equal_standing": 4, "exchange": 4, "learning": 3,
                               "leadership": 2, "text": "Godt samarbejde."}
    assert a.recommendation == Recommendation.scale_up and a.comment == "Fortsæt."
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The answer of Ældresagen Roskilde is saved." in page
    from camp.auth.services import export_user_data
    [exported] = export_user_data(w.citizen)["trial_evaluation_answers"]
    assert "scale_up" in str(exported) and "Fortsæt." in str(exported)


@pytest.mark.parametrize("field,value", [
    ("value_quality_achieved", "7"), ("value_efficiency_co_creation", "0"),
    ("collaboration_learning", "x"), ("collaboration_exchange", ""),
    ("recommendation", "continue"),
])
def test_bad_values_are_refused_and_nothing_is_stored(client, login, field, value):
    w = trial_world()
    login(w.citizen)
    data = answer_form()
    data[field] = value
    response = client.post(_answer_url(w, w.citizen_party), data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Please correct the following" in page
    assert ("Choose scale up, adapt or stop." if field == "recommendation"
            else "Choose a value from 1 to 5.") in page
    assert 'aria-invalid' in page or 'name="recommendation"' in page
    assert _answers() == []


def test_the_service_refuses_bad_scales_itself(app):
    w = trial_world()
    with pytest.raises(DomainError) as exc:
        services.submit(w.citizen, w.trial, w.round, w.citizen_party,
                        answer_data(achieved=(6, 3), collaboration=(4, 4, 3, None),
                                    recommendation="maybe"))
    assert set(exc.value.field_errors) == {"value_quality_achieved",
                                           "collaboration_leadership", "recommendation"}
    db.session.rollback()
    assert _answers() == []


def test_answering_twice_in_a_round_is_refused(client, login):
    w = trial_world()
    login(w.citizen)
    assert client.post(_answer_url(w, w.citizen_party), data=answer_form()).status_code == 303
    response = client.post(_answer_url(w, w.citizen_party),
                           data=answer_form(recommendation="stop"))
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Ældresagen Roskilde has already answered this round. Each party answers once." \
        in page
    [a] = _answers()
    assert a.recommendation == Recommendation.scale_up
    page = client.get(_answer_url(w, w.citizen_party)).get_data(as_text=True)
    assert "has already answered this round" in page
    assert 'name="recommendation"' not in page


def test_two_answers_at_once_store_one_row(app):
    w = trial_world()
    ids = (w.citizen.id, w.trial.id, w.round.id, w.citizen_party.id)

    def job(recommendation):
        def run():
            from camp.auth.models import User
            user_id, trial_id, round_id, party_id = ids
            services.submit(db.session.get(User, user_id), db.session.get(Trial, trial_id),
                            db.session.get(EvaluationRound, round_id),
                            db.session.get(Party, party_id),
                            answer_data(recommendation=recommendation))
        return run
    db.session.commit()  # end the test's read snapshot before the threads write
    outcomes = run_at_once(app, [job("scale_up"), job("stop")])
    assert sorted(o == "ok" for o in outcomes) == [False, True], outcomes
    refused = next(o for o in outcomes if o != "ok")
    assert "har allerede svaret i denne runde" in refused
    assert db.session.execute(select(func.count(EvaluationAnswer.id))).scalar_one() == 1


def test_the_unique_constraint_guards_an_answer_that_raced_past_the_check(app, monkeypatch):
    """As on PostgreSQL without a lock: the check saw no answer, the insert meets one."""
    w = trial_world()
    services.submit(w.citizen, w.trial, w.round, w.citizen_party, answer_data())
    db.session.commit()
    monkeypatch.setattr(services, "answer_of", lambda round_, party: None)
    with pytest.raises(DomainError, match="har allerede svaret") as exc:
        services.submit(w.citizen, w.trial, w.round, w.citizen_party,
                        answer_data(recommendation="stop"))
    assert exc.value.status == 409
    db.session.rollback()
    assert [a.recommendation for a in _answers()] == [Recommendation.scale_up]


def test_only_the_partys_own_contact_answers_for_it(client, login):
    w = trial_world()
    login(w.citizen)
    assert client.get(_answer_url(w, w.frontline_party)).status_code == 403
    assert client.post(_answer_url(w, w.frontline_party), data=answer_form()).status_code == 403
    # The trial's managers speak for the owner's party, not for the others.
    login(w.owner)
    assert client.post(_answer_url(w, w.citizen_party), data=answer_form()).status_code == 403
    login(w.organiser)
    assert client.get(_answer_url(w, w.citizen_party)).status_code == 403
    assert client.post(_answer_url(w, w.owner_party), data=answer_form()).status_code == 303
    assert [a.party_id for a in _answers()] == [w.owner_party.id]
    # A party of another trial, named under this trial: 404.
    other = trial_world()
    login(other.citizen)
    assert client.get(_answer_url(w, other.citizen_party)).status_code == 404
    assert client.get(f"/trials/{w.trial.id}/evaluations/{other.round.id}"
                      f"/parties/{w.citizen_party.id}").status_code == 404


def test_a_closed_round_takes_no_answers(client, login):
    w = trial_world()
    w.round.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    login(w.citizen)
    page = client.get(_answer_url(w, w.citizen_party)).get_data(as_text=True)
    assert "This evaluation round is closed. Answers are no longer accepted." in page
    assert 'name="recommendation"' not in page
    response = client.post(_answer_url(w, w.citizen_party), data=answer_form())
    assert response.status_code == 400
    assert "This evaluation round is closed." in response.get_data(as_text=True)
    assert _answers() == []


# --- Rounds -------------------------------------------------------------------------------

def test_one_round_open_at_a_time(client, login):
    w = trial_world(with_round=False)
    url = f"/trials/{w.trial.id}/evaluations"
    login(w.owner)
    assert "No evaluation round yet." in client.get(url).get_data(as_text=True)
    response = client.post(url, data={"title": "Efter tre måneder"})
    assert response.status_code == 303
    first = db.session.execute(select(EvaluationRound)).scalar_one()
    assert first.title == "Efter tre måneder" and first.closes_at is None
    response = client.post(url, data={"title": "Endnu en"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Efter tre måneder" in page
    assert "is still open. Close it before you open a new one." in page
    assert db.session.execute(select(func.count(EvaluationRound.id))).scalar_one() == 1
    response = client.post(f"{url}/{first.id}/close")
    assert response.status_code == 303
    db.session.refresh(first)
    assert first.closes_at is not None
    response = client.post(f"{url}/{first.id}/close")
    assert "This round is already closed." in client.get(
        response.headers["Location"]).get_data(as_text=True)
    assert client.post(url, data={"title": "Slutevaluering",
                                  "closes_on": (date.today() + timedelta(days=14)).isoformat()}
                       ).status_code == 303
    second = db.session.execute(select(EvaluationRound).where(
        EvaluationRound.title == "Slutevaluering")).scalar_one()
    assert second.closes_at > utcnow() + timedelta(days=13)


def test_bad_round_input_shows_the_form_again(client, login):
    w = trial_world(with_round=False)
    url = f"/trials/{w.trial.id}/evaluations"
    login(w.owner)
    page = client.post(url, data={"title": ""}).get_data(as_text=True)
    assert "Give the round a title." in page
    response = client.post(url, data={
        "title": "For sent", "closes_on": (date.today() - timedelta(days=1)).isoformat()})
    assert response.status_code == 400
    assert "The closing date must be in the future." in response.get_data(as_text=True)
    assert db.session.execute(select(func.count(EvaluationRound.id))).scalar_one() == 0


def test_two_managers_opening_at_once_open_one_round(app):
    w = trial_world(with_round=False)
    ids = (w.owner.id, w.trial.id)

    def job(title):
        def run():
            from camp.auth.models import User
            services.open_round(db.session.get(User, ids[0]), db.session.get(Trial, ids[1]),
                                title)
        return run
    db.session.commit()
    outcomes = run_at_once(app, [job("A"), job("B")])
    assert sorted(o == "ok" for o in outcomes) == [False, True], outcomes
    assert "er stadig åben" in next(o for o in outcomes if o != "ok")
    assert db.session.execute(select(func.count(EvaluationRound.id))).scalar_one() == 1


# --- Results ------------------------------------------------------------------------------

def _hand_computed(w):
    """Three parties' answers whose aggregates were worked out by hand below."""
    services.submit(w.owner, w.trial, w.round, w.owner_party, answer_data(
        achieved=(2, 3), co_creation=(4, 1), collaboration=(5, 4, 2, 1),
        recommendation="scale_up", comment="Vi skalerer."))
    services.submit(w.citizen, w.trial, w.round, w.citizen_party, answer_data(
        achieved=(4, 3), co_creation=(4, 2), collaboration=(3, 4, 3, 1),
        recommendation="scale_up", comment="Hemmelig kommentar fra borgerne."))
    services.submit(w.frontline, w.trial, w.round, w.frontline_party, answer_data(
        achieved=(5, 3), co_creation=(5, 2), collaboration=(4, 4, 3, 2),
        recommendation="adapt"))
    db.session.commit()


def test_means_spread_and_disagreement_on_a_hand_computed_example(app):
    w = trial_world()
    _hand_computed(w)
    res = services.results(w.trial, w.round)
    quality, efficiency = res.values
    assert quality.dimension == "quality" and efficiency.dimension == "efficiency"
    # quality achieved 2, 4, 5: mean 11/3, spread 3 -> disagree
    assert quality.achieved.mean == pytest.approx(11 / 3)
    assert quality.achieved.spread == 3 and quality.achieved.disagree
    # quality co-creation 4, 4, 5: spread 1 -> agree
    assert quality.co_creation.mean == pytest.approx(13 / 3)
    assert quality.co_creation.spread == 1 and not quality.co_creation.disagree
    assert efficiency.achieved.mean == 3 and efficiency.achieved.spread == 0
    assert efficiency.co_creation.mean == pytest.approx(5 / 3)
    by_key = {i.key: i for i in res.collaboration}
    # equal standing 5, 3, 4: spread exactly 2 -> disagree
    assert by_key["collaboration.equal_standing"].mean == 4
    assert by_key["collaboration.equal_standing"].disagree
    assert by_key["collaboration.exchange"].spread == 0
    assert by_key["collaboration.learning"].mean == pytest.approx(8 / 3)
    assert not by_key["collaboration.leadership"].disagree   # 1, 1, 2
    assert [i.key for i in res.disagreements] == ["value.quality.achieved",
                                                  "collaboration.equal_standing"]
    assert res.recommendations == {Recommendation.scale_up: 2, Recommendation.adapt: 1,
                                   Recommendation.stop: 0}
    assert res.recommendations_differ
    assert res.missing == []


def test_the_results_page_shows_aggregates_disagreement_and_who_is_missing(client, login):
    w = trial_world()
    services.submit(w.owner, w.trial, w.round, w.owner_party, answer_data(
        achieved=(2, 3), collaboration=(5, 4, 2, 1), comment="Vi skalerer."))
    services.submit(w.citizen, w.trial, w.round, w.citizen_party, answer_data(
        achieved=(5, 3), collaboration=(3, 4, 3, 1), recommendation="stop",
        comment="Hemmelig kommentar fra borgerne."))
    db.session.commit()
    url = f"/trials/{w.trial.id}/evaluations/{w.round.id}"
    login(None)
    page = client.get(url, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "2 of 3 parties have answered" in page
    assert "Not answered yet" in page and "Hjemmeplejen Syd" in page
    assert "Where the parties disagree" in page
    assert "Better quality: how far it was achieved (scores from 2 to 5)" in page
    assert "The parties met as equals (scores from 3 to 5)" in page
    assert "The parties recommend different things." in page
    assert "3.5" in page          # quality achieved: (2 + 5) / 2
    # Texts are for the managers and the parties only.
    assert "Hemmelig kommentar" not in page and "What the parties wrote" not in page
    login(w.frontline)
    page = client.get(url).get_data(as_text=True)
    assert "Hemmelig kommentar fra borgerne." in page
    assert f'/parties/{w.frontline_party.id}"' in page   # its own answer link
    assert f'/parties/{w.citizen_party.id}"' not in page
    login(w.owner)
    assert "Vi skalerer." in client.get(url).get_data(as_text=True)


def test_no_disagreement_when_the_parties_agree(client, login):
    w = trial_world()
    services.submit(w.owner, w.trial, w.round, w.owner_party, answer_data())
    services.submit(w.citizen, w.trial, w.round, w.citizen_party, answer_data())
    db.session.commit()
    res = services.results(w.trial, w.round)
    assert res.disagreements == [] and not res.recommendations_differ
    page = client.get(f"/trials/{w.trial.id}/evaluations/{w.round.id}",
                      headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "1 of 3 parties" not in page and "2 of 3 parties have answered" in page
    assert "Where the parties disagree" not in page
    assert "The parties disagree" not in page


def test_the_panel_on_the_trial_page(app, client, login):
    w = trial_world()
    services.submit(w.owner, w.trial, w.round, w.owner_party, answer_data())
    db.session.commit()
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        html = render_template_string('{% include "trial_evaluation/_panel.html" %}',
                                      trial=db.session.get(Trial, w.trial.id))
    assert "Midtvejs" in html and "1 of 3 parties have answered" in html
    assert "Answer for" not in html            # anonymous: nothing to answer
    assert "Report (PDF)" not in html


def test_the_trial_page_shows_the_panel(client, login):
    w = trial_world()
    login(w.citizen)
    page = client.get(f"/trials/{w.trial.id}", headers={"Accept-Language": "en"}
                      ).get_data(as_text=True)
    assert 'id="evaluation-heading"' in page and "0 of 3 parties have answered" in page
    assert _answer_url(w, w.citizen_party) in page
    assert _answer_url(w, w.frontline_party) not in page
    assert "Report (PDF)" not in page
    login(w.owner)
    page = client.get(f"/trials/{w.trial.id}", headers={"Accept-Language": "en"}
                      ).get_data(as_text=True)
    assert _answer_url(w, w.owner_party) in page
    assert f"/trials/{w.trial.id}/report.pdf" in page
