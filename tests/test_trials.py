"""Trials (issue 7, part F): starting a trial from a prototype, the trial page, editing with
an optimistic check, and the status steps."""
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from camp.challenges.models import ChallengeValue, ValueDimension
from camp.errors import Conflict, DomainError
from camp.extensions import db
from camp.prototypes.models import PrototypeStatus
from camp.trials import services
from camp.trials.models import Party, Review, Trial, TrialPrototype, TrialStatus, TrialUpdate
from tests.factories import make_camp, make_challenge, make_prototype, make_team, make_user


def trial_world():
    organiser = make_user(name="Ole Organisator", locale="en")
    camp = make_camp(organiser=organiser)
    owner = make_user(name="Olga Ejer", email="olga@example.dk", locale="en",
                      organisation="Aarhus Kommune")
    challenge = make_challenge(camp, owner, title="Ensomhed blandt ældre",
                               owner_organisation="Aarhus Kommune")
    challenge.values.append(ChallengeValue(dimension=ValueDimension.democracy,
                                           how_noticed="Flere borgere deltager."))
    db.session.commit()
    lead = make_user(name="Lene Leder", locale="en")
    team = make_team(camp, challenge, lead=lead, name="Hold Nord")
    prototype = make_prototype(team, title="Besøgsven på hjul", pitch="En ven på cykel.")
    team2 = make_team(camp, challenge, lead=make_user(locale="en"), name="Hold Syd")
    second = make_prototype(team2, title="Snakkebænken")
    team3 = make_team(camp, challenge, lead=make_user(locale="en"), name="Hold Øst")
    draft = make_prototype(team3, title="Kladde", status=PrototypeStatus.draft,
                           submitted_at=None)
    other_challenge = make_challenge(camp, make_user(locale="en"), title="Andet")
    foreign = make_prototype(make_team(camp, other_challenge, lead=make_user(locale="en")),
                             title="Fremmed")
    partner = make_user(name="Pia Partner", email="pia@example.dk", locale="en",
                        organisation="Ældresagen")
    outsider = make_user(name="Otto Udenfor", locale="en")
    return SimpleNamespace(camp=camp, organiser=organiser, owner=owner, challenge=challenge,
                           lead=lead, team=team, prototype=prototype, second=second,
                           draft=draft, foreign=foreign, partner=partner, outsider=outsider)


def start(w, **overrides):
    data = dict(title="Besøgsven i Aarhus", purpose="Færre ensomme.", values=["quality"],
                municipality="Aarhus", unit="Hjemmeplejen Syd", area="Viby",
                starts_on=date.today() + timedelta(days=7),
                planned_end_on=date.today() + timedelta(days=97), review_every_weeks=6)
    data.update(overrides)
    trial = services.start_trial(overrides.pop("actor", w.owner), w.prototype,
                                 services.TrialData(**data))
    db.session.commit()
    return trial


def _count(model, *where):
    return db.session.execute(select(func.count()).select_from(model).where(*where)
                              ).scalar_one()


def _start_url(w, prototype=None):
    return f"/camps/{w.camp.slug}/prototypes/{(prototype or w.prototype).id}/trial"


FORM = {"title": "Besøgsven i Aarhus", "purpose": "Færre ensomme ældre.",
        "values": ["quality", "democracy"], "municipality": "Aarhus",
        "unit": "Hjemmeplejen Syd", "area": "Viby", "starts_on": "2031-03-01",
        "planned_end_on": "2031-08-31", "review_every_weeks": "6"}


# --- Starting a trial ---------------------------------------------------------------------

def test_owner_starts_a_trial_from_the_prototype_page(client, login):
    w = trial_world()
    login(w.owner)
    show = client.get(f"/camps/{w.camp.slug}/prototypes/{w.prototype.id}").get_data(
        as_text=True)
    assert "What happened next" in show and "Take it into a trial" in show
    page = client.get(_start_url(w)).get_data(as_text=True)
    # Prefilled from the prototype; values only the challenge's; the other submitted
    # prototype of the challenge is offered, the draft and the foreign one are not.
    assert 'value="Besøgsven på hjul"' in page and "En ven på cykel." in page
    assert 'checked id="values-0" name="values" type="checkbox" value="quality"' in page
    assert 'checked id="values-1" name="values" type="checkbox" value="democracy"' in page
    assert "More democracy and participation" in page and "Higher efficiency" not in page
    assert "Snakkebænken" in page and "Kladde" not in page and "Fremmed" not in page
    res = client.post(_start_url(w), data={**FORM, "prototypes": [str(w.second.id)]})
    assert res.status_code == 303
    trial = db.session.execute(select(Trial)).scalar_one()
    assert res.headers["Location"].endswith(f"/trials/{trial.id}")
    assert (trial.title, trial.values, trial.municipality, trial.unit, trial.area) == (
        "Besøgsven i Aarhus", ["quality", "democracy"], "Aarhus", "Hjemmeplejen Syd", "Viby")
    assert trial.status == TrialStatus.planned and trial.progress == 0
    assert (trial.starts_on, trial.planned_end_on) == (date(2031, 3, 1), date(2031, 8, 31))
    assert sorted(p.id for p in trial.prototypes) == sorted([w.prototype.id, w.second.id])
    [party] = trial.parties
    assert (party.organisation, party.role.value, party.leadership.value, party.user_id,
            party.contact_name, party.agreed_at) == (
        "Aarhus Kommune", "owner", "defining", w.owner.id, "Olga Ejer", None)
    [review] = db.session.execute(select(Review)).scalars().all()
    assert review.due_on == date(2031, 3, 1) + timedelta(weeks=6) == trial.next_review_on
    page = client.get(f"/trials/{trial.id}").get_data(as_text=True)
    for text in ("Besøgsven i Aarhus", "Planned", "Hjemmeplejen Syd", "Better quality",
                 "Snakkebænken", "Aarhus Kommune", "Not agreed yet", "Edit the trial",
                 "Change the status", "12 April 2031"):
        assert text in page, text
    # The prototype page now tells what happened next, with the status.
    show = client.get(f"/camps/{w.camp.slug}/prototypes/{w.prototype.id}").get_data(
        as_text=True)
    assert f'href="/trials/{trial.id}"' in show and "Planned" in show


def test_without_dates_the_trial_is_an_idea_reviewed_from_today(client, login):
    w = trial_world()
    login(w.owner)
    res = client.post(_start_url(w), data={**FORM, "starts_on": "", "planned_end_on": "",
                                           "review_every_weeks": "4"})
    assert res.status_code == 303
    trial = db.session.execute(select(Trial)).scalar_one()
    assert trial.status == TrialStatus.idea and trial.starts_on is None
    assert trial.next_review_on == services.local_today(w.camp) + timedelta(weeks=4)


@pytest.mark.parametrize("change,field_error", [
    ({"planned_end_on": "2031-02-28"}, "The planned end cannot be before the start."),
    ({"values": ["quality", "efficiency"]},
     "Choose only among the intended values of the challenge."),
    ({"title": ""}, "Give the trial a title."),
    ({"review_every_weeks": "27"}, "Review every 1 to 26 weeks."),
    ({"review_every_weeks": "0"}, "Review every 1 to 26 weeks."),
])
def test_bad_input_shows_the_form_again_and_creates_nothing(client, login, change,
                                                            field_error):
    w = trial_world()
    login(w.owner)
    res = client.post(_start_url(w), data={**FORM, **change})
    assert res.status_code == 200
    assert field_error in res.get_data(as_text=True)
    assert _count(Trial) == 0 and _count(Party) == 0 and _count(Review) == 0


def test_only_prototypes_of_the_same_challenge_that_are_submitted(client, login):
    w = trial_world()
    login(w.owner)
    for other in (w.foreign, w.draft):
        res = client.post(_start_url(w), data={**FORM, "prototypes": [str(other.id)]})
        assert res.status_code == 200
    assert _count(Trial) == 0
    with pytest.raises(DomainError):
        services.start_trial(w.owner, w.prototype, services.TrialData(
            title="x", prototype_ids=[w.foreign.id]))
    db.session.rollback()
    with pytest.raises(DomainError, match="indsendt"):
        services.start_trial(w.owner, w.prototype, services.TrialData(
            title="x", prototype_ids=[w.draft.id]))
    db.session.rollback()
    assert _count(Trial) == 0


def test_a_draft_prototype_cannot_be_taken_into_a_trial(client, login):
    w = trial_world()
    login(w.owner)
    assert client.get(_start_url(w, w.draft)).status_code == 403
    assert client.post(_start_url(w, w.draft), data=FORM).status_code == 403
    with pytest.raises(DomainError, match="indsendt"):
        services.start_trial(w.owner, w.draft, services.TrialData(title="x"))
    db.session.rollback()
    assert _count(Trial) == 0


def test_only_the_challenge_owner_or_an_organiser_starts_a_trial(client, login):
    w = trial_world()
    for user in (w.lead, w.outsider, w.partner):
        login(user)
        assert client.get(_start_url(w)).status_code == 403
        assert client.post(_start_url(w), data=FORM).status_code == 403
    login(None)
    assert client.post(_start_url(w), data=FORM).status_code == 302
    assert _count(Trial) == 0
    login(w.organiser)
    assert client.post(_start_url(w), data=FORM).status_code == 303
    party = db.session.execute(select(Party)).scalar_one()
    assert party.user_id == w.organiser.id and party.organisation == "Aarhus Kommune"


def test_add_the_prototype_to_an_existing_trial(client, login):
    w = trial_world()
    trial = start(w)
    login(w.owner)
    page = client.get(_start_url(w, w.second)).get_data(as_text=True)
    assert "Add it to a trial that is already running" in page and trial.title in page
    res = client.post(f"{_start_url(w, w.second)}/add", data={"trial_id": str(trial.id)})
    assert res.status_code == 303 and res.headers["Location"].endswith(f"/trials/{trial.id}")
    assert _count(TrialPrototype, TrialPrototype.trial_id == trial.id) == 2
    # Twice: refused with a message, nothing added.
    res = client.post(f"{_start_url(w, w.second)}/add", data={"trial_id": str(trial.id)},
                      follow_redirects=True)
    assert "already builds on" in res.get_data(as_text=True)
    assert _count(TrialPrototype, TrialPrototype.trial_id == trial.id) == 2
    # A prototype of another challenge cannot join it.
    with pytest.raises(DomainError):
        services.add_prototype(w.owner, trial, w.foreign)


# --- Editing ------------------------------------------------------------------------------

def _edit_form(trial, **change):
    data = {**FORM, "version": str(trial.version), "title": trial.title}
    data.update(change)
    return data


def test_edit_saves_and_bumps_the_version(client, login):
    w = trial_world()
    trial = start(w)
    login(w.owner)
    page = client.get(f"/trials/{trial.id}/edit").get_data(as_text=True)
    assert 'value="Besøgsven i Aarhus"' in page and 'name="version" type="hidden" value="1"' \
        in page
    res = client.post(f"/trials/{trial.id}/edit", data=_edit_form(trial, unit="Hjemmeplejen Nord"))
    assert res.status_code == 303
    db.session.refresh(trial)
    assert trial.unit == "Hjemmeplejen Nord" and trial.version == 2
    assert client.get(f"/trials/{trial.id}/edit").status_code == 200
    login(w.partner)
    assert client.post(f"/trials/{trial.id}/edit",
                       data=_edit_form(trial, title="Kapret")).status_code == 403
    db.session.refresh(trial)
    assert trial.title == "Besøgsven i Aarhus"


def test_a_stale_edit_keeps_the_users_text_and_shows_the_conflict(client, login):
    w = trial_world()
    trial = start(w)
    stale = trial.version
    services.edit_trial(w.organiser, trial, services.TrialData(
        title="Besøgsven i hele Aarhus", values=["quality"], review_every_weeks=6), stale)
    db.session.commit()
    login(w.owner)
    res = client.post(f"/trials/{trial.id}/edit",
                      data=_edit_form(trial, version=str(stale), title="Min titel",
                                      purpose="Min egen tekst om formålet."))
    page = res.get_data(as_text=True)
    assert res.status_code == 200
    assert "Someone else changed this trial while you were editing" in page
    assert "Saved meanwhile by someone else" in page
    assert 'value="Min titel"' in page and "Min egen tekst om formålet." in page
    assert "hele" in page  # the saved title's word, marked in the comparison
    db.session.refresh(trial)
    assert trial.title == "Besøgsven i hele Aarhus" and trial.version == stale + 1
    # The form now names the saved version: saving again goes through.
    assert f'name="version" type="hidden" value="{stale + 1}"' in page
    res = client.post(f"/trials/{trial.id}/edit",
                      data=_edit_form(trial, version=str(stale + 1), title="Min titel"))
    assert res.status_code == 303
    db.session.refresh(trial)
    assert trial.title == "Min titel"
    with pytest.raises(Conflict):
        services.edit_trial(w.owner, trial, services.TrialData(title="x",
                                                               review_every_weeks=6), stale)


# --- Status -------------------------------------------------------------------------------

def _status(client, trial, status, **extra):
    return client.post(f"/trials/{trial.id}/status", data={"status": status, **extra})


def test_every_allowed_step_through_http(client, login):
    w = trial_world()
    trial = start(w, starts_on=None, planned_end_on=None)
    assert trial.status == TrialStatus.idea
    login(w.owner)
    for step, progress in (("planned", "5"), ("running", "30"), ("evaluating", "90"),
                           ("scaled_up", "100")):
        res = _status(client, trial, step, progress=progress)
        assert res.status_code == 303, step
        db.session.refresh(trial)
        assert trial.status.value == step and trial.progress == int(progress)
    updates = db.session.execute(select(TrialUpdate).order_by(TrialUpdate.id)).scalars().all()
    assert [(u.status_from, u.status_to, u.progress) for u in updates] == [
        ("idea", "planned", 5), ("planned", "running", 30), ("running", "evaluating", 90),
        ("evaluating", "scaled_up", 100)]
    assert trial.last_update_at is not None and trial.next_review_on is None
    page = client.get(f"/trials/{trial.id}").get_data(as_text=True)
    assert "Scaled up" in page and f'action="/trials/{trial.id}/status"' not in page
    # An outcome is final.
    res = _status(client, trial, "running")
    assert res.status_code == 200 and "An outcome is final" in res.get_data(as_text=True)


@pytest.mark.parametrize("path,outcome", [
    (("planned", "running", "evaluating"), "adapted"),
    ((), "stopped"), (("planned",), "stopped"), (("planned", "running"), "stopped"),
    (("planned", "running", "evaluating"), "stopped"),
])
def test_stopping_and_adapting_need_a_reason(w_trial, path, outcome):
    w, trial = w_trial
    for step in path:
        services.change_status(w.owner, trial, step)
    db.session.commit()
    with pytest.raises(DomainError, match="Skriv hvorfor") as exc:
        services.change_status(w.owner, trial, outcome, reason="  ")
    assert exc.value.field == "reason"
    db.session.rollback()
    update = services.change_status(w.owner, trial, outcome, reason="Ingen frivillige.")
    db.session.commit()
    db.session.refresh(trial)
    assert trial.status.value == outcome and trial.outcome_reason == "Ingen frivillige."
    assert (update.status_to, update.body) == (outcome, "Ingen frivillige.")
    assert services.next_statuses(trial) == []


@pytest.fixture
def w_trial(app):
    w = trial_world()
    return w, start(w, starts_on=None, planned_end_on=None)


@pytest.mark.parametrize("path,refused", [
    ((), "running"), ((), "evaluating"), ((), "scaled_up"), ((), "adapted"),
    (("planned",), "evaluating"), (("planned",), "scaled_up"),
    (("planned", "running"), "adapted"), (("planned", "running"), "scaled_up"),
    (("planned", "running"), "planned"),
])
def test_skipping_or_going_back_is_refused(w_trial, path, refused):
    w, trial = w_trial
    for step in path:
        services.change_status(w.owner, trial, step)
    db.session.commit()
    before = trial.status
    with pytest.raises(DomainError, match="uden at springe et trin over"):
        services.change_status(w.owner, trial, refused, reason="fordi")
    db.session.rollback()
    db.session.refresh(trial)
    assert trial.status == before


def test_refused_steps_through_http_show_why_and_change_nothing(client, login, w_trial):
    w, trial = w_trial
    login(w.owner)
    res = _status(client, trial, "running")
    page = res.get_data(as_text=True)
    assert res.status_code == 200 and "without skipping a step" in page
    res = _status(client, trial, "stopped")
    assert res.status_code == 200 and "Say why" in res.get_data(as_text=True)
    res = _status(client, trial, "nonsense")
    assert res.status_code == 200 and "Choose one of the statuses offered" in \
        res.get_data(as_text=True)
    db.session.refresh(trial)
    assert trial.status == TrialStatus.idea and _count(TrialUpdate) == 0
    login(w.partner)
    assert _status(client, trial, "planned").status_code == 403


@pytest.mark.parametrize("progress", ["-1", "101", "250", "abc", "12.5"])
def test_progress_outside_0_to_100_is_refused(client, login, w_trial, progress):
    w, trial = w_trial
    login(w.owner)
    res = _status(client, trial, "planned", progress=progress)
    assert res.status_code == 200
    db.session.refresh(trial)
    assert trial.status == TrialStatus.idea and trial.progress == 0
    assert _count(TrialUpdate) == 0


@pytest.mark.parametrize("progress", [-1, 101, "x", 12.5])
def test_the_service_refuses_progress_outside_0_to_100(w_trial, progress):
    w, trial = w_trial
    with pytest.raises(DomainError) as exc:
        services.change_status(w.owner, trial, "planned", progress=progress)
    assert exc.value.field == "progress"
    db.session.rollback()
    db.session.refresh(trial)
    assert trial.status == TrialStatus.idea


def test_change_status_records_on_an_update_of_the_callers(w_trial):
    """Part G's update form passes its own TrialUpdate (text, photos)."""
    w, trial = w_trial
    mine = TrialUpdate(body="Vi har aftalt datoerne.")
    returned = services.change_status(w.owner, trial, "planned", progress=10, update=mine)
    db.session.commit()
    assert returned is mine
    [row] = db.session.execute(select(TrialUpdate)).scalars().all()
    assert (row.body, row.status_from, row.status_to, row.progress, row.author_id) == (
        "Vi har aftalt datoerne.", "idea", "planned", 10, w.owner.id)


def test_trial_page_for_everyone_who_sees_the_camp(client, login, w_trial):
    w, trial = w_trial
    login(None)
    page = client.get(f"/trials/{trial.id}").get_data(as_text=True)
    assert trial.title in page and "Edit the trial" not in page
    assert f'action="/trials/{trial.id}/status"' not in page and "olga@example.dk" not in page
    login(w.owner)
    page = client.get(f"/trials/{trial.id}").get_data(as_text=True)
    assert "olga@example.dk" in page and "Edit the trial" in page
    assert client.get("/trials/999999").status_code == 404
