"""Reports on a trial and on a camp's follow-up: CSV and JSON content, PDF text."""
from __future__ import annotations

import csv
import io
import subprocess
from datetime import date, timedelta

from camp.db import utcnow
from camp.extensions import db
from camp.trials import evaluation
from camp.trials.models import Milestone, TrialStatus, TrialUpdate
from tests.test_trial_dashboards import add_trial
from tests.test_trial_evaluation import answer_data, trial_world

EN = {"Accept-Language": "en"}


def report_world():
    """The evaluation tests' trial, with a history, milestones and a round answered by two
    of its three parties (who disagree on how far quality was achieved: 2 against 5)."""
    w = trial_world()
    db.session.add_all([
        TrialUpdate(trial_id=w.trial.id, author_id=w.owner.id, body="Aftalen er på plads.",
                    status_from="idea", status_to="planned",
                    created_at=utcnow() - timedelta(days=70)),
        TrialUpdate(trial_id=w.trial.id, author_id=w.owner.id, body="Første besøg i dag.",
                    progress=20, created_at=utcnow() - timedelta(days=50)),
        TrialUpdate(trial_id=w.trial.id, author_id=w.owner.id, body="Vi går i gang.",
                    status_from="planned", status_to="running",
                    created_at=utcnow() - timedelta(days=40)),
        Milestone(trial_id=w.trial.id, title="Frivillige rekrutteret",
                  due_on=date.today() - timedelta(days=30), done_at=utcnow()),
        Milestone(trial_id=w.trial.id, title="Midtvejsmøde",
                  due_on=date.today() - timedelta(days=3)),
    ])
    w.trial.last_update_at = utcnow() - timedelta(days=6)
    db.session.commit()
    evaluation.submit(w.owner, w.trial, w.round, w.owner_party, answer_data(
        achieved=(2, 3), co_creation=(4, 3), collaboration=(4, 4, 3, 2),
        recommendation="scale_up", comment="Vi anbefaler udbredelse."))
    evaluation.submit(w.citizen, w.trial, w.round, w.citizen_party, answer_data(
        achieved=(5, 3), co_creation=(4, 2), collaboration=(4, 3, 3, 2),
        recommendation="adapt", comment="Flere frivillige."))
    db.session.commit()
    return w


def _csv(response) -> list[list[str]]:
    text = response.get_data().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def _pdf_text(response, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(response.get_data())
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def test_the_trial_csv(client, login):
    w = report_world()
    login(w.owner)
    response = client.get(f"/trials/{w.trial.id}/report.csv", headers=EN)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.get_data().startswith(b"\xef\xbb\xbf")
    rows = _csv(response)
    assert rows[0] == ["Section", "Item", "Party", "Value", "Detail"]
    assert ["Trial", "Title", "", "Besøgsven i hjemmeplejen", ""] in rows
    assert ["Trial", "Status", "", "Running", ""] in rows
    assert ["Trial", "Progress (%)", "", "40", ""] in rows
    commitment = next(r for r in rows if r[1] == "Commitment" and r[2] == "Ældresagen Roskilde")
    assert commitment[3] == "Ti frivillige besøgsvenner."
    assert "Citizen group" in commitment[4]
    assert any(r[:2] == ["Milestone", "Midtvejsmøde"] and r[4] == "overdue" for r in rows)
    assert any(r[0] == "Status change" and r[3] == "Planned → Running" for r in rows)
    section = "Evaluation: Midtvejs"
    assert [section, "Better quality: achieved", "Roskilde Kommune", "2", ""] in rows
    assert [section, "Better quality: achieved", "Ældresagen Roskilde", "5", ""] in rows
    assert [section, "Better quality: achieved", "Mean", "3.5", "The parties disagree"] in rows
    assert [section, "Higher efficiency: achieved", "Mean", "3.0", ""] in rows
    assert [section, "Recommendation", "Ældresagen Roskilde", "Adapt",
            "Flere frivillige."] in rows
    assert [section, "Not answered yet", "Hjemmeplejen Syd", "", ""] in rows


def test_the_trial_json_has_the_documented_shape(client, login):
    w = report_world()
    login(w.organiser)
    data = client.get(f"/trials/{w.trial.id}/report.json").get_json()
    assert data["format"] == "samskab.trial-report/1"
    t = data["trial"]
    assert t["title"] == "Besøgsven i hjemmeplejen" and t["status"] == "running"
    assert t["values"] == ["quality", "efficiency"] and t["progress"] == 40
    assert t["overdue_milestones"] == 1 and t["days_since_update"] == 6
    assert t["prototypes"] == [{"id": w.prototype.id, "title": "Besøgsven på hjul",
                                "team": "Hold Nord"}]
    assert t["challenge"]["title"] == "Ensomhed blandt ældre"
    assert [p["organisation"] for p in data["parties"]] == [
        "Roskilde Kommune", "Ældresagen Roskilde", "Hjemmeplejen Syd"]
    assert data["parties"][1]["role"] == "citizen_group"
    assert [(m["title"], m["overdue"]) for m in data["milestones"]] == [
        ("Frivillige rekrutteret", False), ("Midtvejsmøde", True)]
    assert [(h["from"], h["to"]) for h in data["status_history"]] == [
        ("idea", "planned"), ("planned", "running")]
    ev = data["evaluation"]
    assert ev["round"]["title"] == "Midtvejs"
    assert ev["answered"] == [w.owner_party.id, w.citizen_party.id]
    assert ev["missing"] == [w.frontline_party.id]
    quality = ev["values"][0]
    assert quality["dimension"] == "quality"
    assert quality["achieved"] == {"mean": 3.5, "spread": 3, "disagree": True, "scores": [
        {"party_id": w.owner_party.id, "score": 2},
        {"party_id": w.citizen_party.id, "score": 5}]}
    assert quality["co_creation"]["disagree"] is False
    assert [c["item"] for c in ev["collaboration"]] == [
        "equal_standing", "exchange", "learning", "leadership"]
    assert ev["recommendations"] == {"scale_up": 1, "adapt": 1, "stop": 0}
    assert ev["recommendations_differ"] is True
    assert ev["answers"][0]["comment"] == "Vi anbefaler udbredelse."


def test_a_trial_without_evaluation_has_null(client, login):
    w = trial_world(with_round=False)
    login(w.owner)
    data = client.get(f"/trials/{w.trial.id}/report.json").get_json()
    assert data["evaluation"] is None and data["status_history"] == []


def test_the_camp_csv_and_json(client, login):
    w = report_world()
    stopped = add_trial(w.camp, w.challenge, None, "Uden prototype", status=TrialStatus.stopped)
    assert stopped.id
    login(w.organiser)
    base = f"/camps/{w.camp.slug}/manage/follow-up/report"
    rows = _csv(client.get(base + ".csv", headers=EN))
    assert rows[0][:5] == ["Challenge", "Prototype", "Team", "Trial", "Status"]
    assert rows[1][:6] == ["Ensomhed blandt ældre", "Besøgsven på hjul", "Hold Nord",
                           "Besøgsven i hjemmeplejen", "Running", "40"]
    assert rows[1][-2:] == ["Midtvejs", "Scale up: 1, Adapt: 1"]
    data = client.get(base + ".json").get_json()
    assert data["format"] == "samskab.follow-up-report/1"
    assert data["counts"]["prototypes"] == 1 and data["counts"]["in_trial"] == 1
    assert data["counts"]["by_status"]["running"] == 1
    assert data["counts"]["by_status"]["scaled_up"] == 0
    assert data["prototypes"][0]["trial_id"] == w.trial.id
    assert {t["trial"]["title"] for t in data["trials"]} == {"Besøgsven i hjemmeplejen",
                                                             "Uden prototype"}


def test_the_trial_pdf_in_danish_and_in_english(client, login, tmp_path):
    w = report_world()
    login(w.owner)
    response = client.get(f"/trials/{w.trial.id}/report.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = _pdf_text(response, tmp_path)
    for expected in ("Besøgsven i hjemmeplejen", "Færre ensomme ældre i Roskilde.",
                     "Roskilde Kommune", "Ældresagen Roskilde", "Ti frivillige besøgsvenner.",
                     "Midtvejsmøde", "Aftalen er på plads.", "Midtvejs",
                     "Vi anbefaler udbredelse.", "Hjemmeplejen Syd"):
        assert expected in text, expected
    assert "3,5" in text        # the mean, with a Danish decimal comma
    english = _pdf_text(client.get(f"/trials/{w.trial.id}/report.pdf?lang=en"), tmp_path)
    assert "3.5" in english and "The parties disagree" in english
    assert "Parties and commitments" in english and "Status history" in english


def test_the_camp_pdf_has_the_counts_and_a_section_per_trial(client, login, tmp_path):
    w = report_world()
    add_trial(w.camp, w.challenge, None, "Andet forsøg", status=TrialStatus.scaled_up)
    login(w.organiser)
    text = _pdf_text(client.get(f"/camps/{w.camp.slug}/manage/follow-up/report.pdf?lang=en"),
                     tmp_path)
    assert "Of 1 prototype, 1 went into a trial: 1 running." in " ".join(text.split())
    assert "Besøgsven i hjemmeplejen" in text and "Andet forsøg" in text
    assert text.count("Parties and commitments") == 2
