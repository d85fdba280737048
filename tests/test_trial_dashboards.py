"""The owner's dashboard (/me/trials) and the organisers' follow-up overview."""
from __future__ import annotations

from datetime import date, timedelta

from camp.db import utcnow
from camp.extensions import db
from camp.prototypes.models import PrototypeStatus
from camp.trials import dashboards
from camp.trials.models import Milestone, Review, Trial, TrialPrototype, TrialStatus
from tests.factories import make_camp, make_challenge, make_prototype, make_team, make_user
from tests.test_trial_evaluation import trial_world

EN = {"Accept-Language": "en"}


def add_trial(camp, challenge, prototype, title, status=TrialStatus.running, progress=50,
              updated_days_ago=1, **kw) -> Trial:
    trial = Trial(camp_id=camp.id, challenge_id=challenge.id, title=title, values=["quality"],
                  status=status, progress=progress,
                  last_update_at=utcnow() - timedelta(days=updated_days_ago), **kw)
    db.session.add(trial)
    db.session.flush()
    if prototype is not None:
        db.session.add(TrialPrototype(trial_id=trial.id, prototype_id=prototype.id))
    db.session.commit()
    return trial


def _prototype(camp, challenge, title, **kw):
    team = make_team(camp, challenge, lead=make_user(locale="en"))
    return make_prototype(team, title=title, **kw)


def owner_world():
    """An owner with challenges in two camps: a trial with an overdue review and milestone,
    a quiet one (no update for 45 days), a fresh one, a stopped one, and a prototype
    without a trial."""
    owner = make_user(name="Olga Ejer", locale="en")
    old_camp = make_camp(title="Camp 2026", organiser=make_user())
    new_camp = make_camp(title="Camp 2027", organiser=make_user())
    c1 = make_challenge(old_camp, owner, title="Ensomhed")
    c2 = make_challenge(new_camp, owner, title="Madspild")
    p1 = _prototype(old_camp, c1, "Besøgsven")
    p2 = _prototype(old_camp, c1, "Spisevenner")
    p3 = _prototype(new_camp, c2, "Fælleskøleskab")
    p4 = _prototype(new_camp, c2, "Restebank")
    _prototype(new_camp, c2, "Kladde", status=PrototypeStatus.draft)
    late = add_trial(old_camp, c1, p1, "Besøgsven i praksis", updated_days_ago=3)
    db.session.add_all([
        Review(trial_id=late.id, due_on=date.today() - timedelta(days=5)),
        Review(trial_id=late.id, due_on=date.today() - timedelta(days=50),
               held_at=utcnow() - timedelta(days=49)),
        Milestone(trial_id=late.id, title="Første besøg", due_on=date.today() - timedelta(days=2)),
        Milestone(trial_id=late.id, title="Klar", due_on=date.today() - timedelta(days=9),
                  done_at=utcnow()),
        Milestone(trial_id=late.id, title="Senere", due_on=date.today() + timedelta(days=9)),
    ])
    quiet = add_trial(old_camp, c1, p2, "Spisevenner i praksis", updated_days_ago=45,
                      status=TrialStatus.planned, progress=10)
    fresh = add_trial(new_camp, c2, p3, "Fælleskøleskab i praksis", updated_days_ago=2)
    stopped = add_trial(new_camp, c2, p4, "Restebank i praksis", status=TrialStatus.stopped,
                        outcome_reason="Ingen frivillige.", updated_days_ago=90, progress=20)
    db.session.commit()
    # Someone else's challenge and trial in the same camp: not on the owner's dashboard.
    other = make_challenge(new_camp, make_user(), title="Andres udfordring")
    add_trial(new_camp, other, _prototype(new_camp, other, "Andres"), "Andres forsøg")
    return owner, old_camp, new_camp, late, quiet, fresh, stopped


def test_the_owners_dashboard_orders_trials_by_need_of_attention(client, login):
    owner, _old, _new, late, quiet, fresh, stopped = owner_world()
    board = dashboards.owner_dashboard(owner)
    assert [r.trial.id for r in board.trials] == [late.id, quiet.id, fresh.id, stopped.id]
    first = board.trials[0]
    assert (first.overdue_reviews, first.overdue_milestones) == (1, 1)
    assert board.trials[1].stale and board.trials[1].days_since_update == 45
    assert not board.trials[3].needs_attention and board.trials[3].finished
    assert [r.trial.id for r in board.attention] == [late.id, quiet.id]
    login(owner)
    page = client.get("/me/trials", headers=EN).get_data(as_text=True)
    assert "Andres" not in page
    order = [page.index(t) for t in ("Besøgsven i praksis", "Spisevenner i praksis",
                                     "Fælleskøleskab i praksis", "Restebank i praksis")]
    assert order == sorted(order)
    assert "1 review overdue" in page and "1 milestone overdue" in page
    assert "No update for a long time" in page and "45 days" in page
    assert "Stopped" in page and "Finished" in page
    assert "Camp 2026" in page and "Camp 2027" in page
    # Challenges with their submitted prototypes; drafts are not shown.
    assert "Ensomhed" in page and "Madspild" in page
    assert "Spisevenner" in page and "Kladde" not in page
    assert "2 need attention" in page.replace("</span> ", " ")


def test_a_prototype_without_a_trial_is_shown_as_such(client, login):
    owner = make_user(locale="en")
    camp = make_camp()
    challenge = make_challenge(camp, owner, title="Ensomhed")
    _prototype(camp, challenge, "Uden forsøg")
    login(owner)
    page = client.get("/me/trials", headers=EN).get_data(as_text=True)
    assert "Uden forsøg" in page and "not in a trial" in page
    assert "Start a trial" in page
    assert "None of your challenges' prototypes has gone into a trial yet." in page


def test_the_dashboard_of_someone_without_challenges(client, login):
    login(make_user(locale="en"))
    page = client.get("/me/trials", headers=EN).get_data(as_text=True)
    assert "You do not own any challenge yet." in page


def test_the_dashboard_reads_a_constant_number_of_queries(client, login, query_counter):
    owner = make_user(locale="en")
    camp = make_camp()
    challenge = make_challenge(camp, owner)

    def add(n):
        for i in range(n):
            t = add_trial(camp, challenge, _prototype(camp, challenge, f"P{i}"), f"Forsøg {i}")
            db.session.add_all([Review(trial_id=t.id, due_on=date.today() - timedelta(days=1)),
                                Milestone(trial_id=t.id, title="M",
                                          due_on=date.today() - timedelta(days=1))])
        db.session.commit()
    login(owner)

    def count():
        with query_counter() as n:
            response = client.get("/me/trials", headers=EN)
            assert response.status_code == 200
        return n(), response.get_data(as_text=True)
    add(2)
    few, page = count()
    assert page.count("1 review overdue") == 2
    add(8)
    many, page = count()
    assert page.count("1 review overdue") == 10
    assert many == few, (few, many)


# --- The organisers' follow-up ------------------------------------------------------------

def follow_world():
    organiser = make_user(locale="en")
    camp = make_camp(organiser=organiser)
    challenge = make_challenge(camp, make_user())
    prototypes = [_prototype(camp, challenge, f"Prototype {c}") for c in "ABCDEF"]
    _prototype(camp, challenge, "Kladde", status=PrototypeStatus.draft)
    statuses = [TrialStatus.running, TrialStatus.running, TrialStatus.scaled_up,
                TrialStatus.stopped]
    trials = [add_trial(camp, challenge, p, f"Forsøg {p.title[-1]}", status=s)
              for p, s in zip(prototypes, statuses)]
    return organiser, camp, prototypes, trials


def test_the_follow_up_counts_and_table(client, login):
    organiser, camp, prototypes, trials = follow_world()
    follow = dashboards.follow_up(camp)
    assert (follow.prototypes, follow.in_trial) == (6, 4)
    assert follow.by_status[TrialStatus.running] == 2
    assert follow.by_status[TrialStatus.scaled_up] == 1
    assert follow.by_status[TrialStatus.stopped] == 1
    assert follow.by_status[TrialStatus.idea] == 0
    login(organiser)
    url = f"/camps/{camp.slug}/manage/follow-up"
    page = client.get(url, headers=EN).get_data(as_text=True)
    assert "Of 6 prototypes, 4 went into a trial: 2 running, 1 scaled up, 1 stopped." in page
    for t in trials:
        assert t.title in page
        assert f"/trials/{t.id}/report.pdf" in page
    assert "Prototype E" in page and "Not in a trial" in page and "Kladde" not in page
    assert f"/camps/{camp.slug}/manage/follow-up/report.csv" in page
    page = client.get(url + "?status=running", headers=EN).get_data(as_text=True)
    assert "Forsøg A" in page and "Forsøg B" in page
    assert "Forsøg C" not in page and "Prototype E" not in page
    page = client.get(url + "?status=none", headers=EN).get_data(as_text=True)
    assert "Prototype E" in page and "Forsøg A" not in page


def test_a_prototype_in_two_trials_counts_once_by_its_newest_trial(app):
    _organiser, camp, prototypes, trials = follow_world()
    newer = add_trial(camp, trials[0].challenge, prototypes[0], "Forsøg A, anden runde",
                      status=TrialStatus.planned)
    newer.created_at = trials[0].created_at + timedelta(days=1)
    db.session.commit()
    follow = dashboards.follow_up(camp)
    assert follow.in_trial == 4
    row = next(r for r in follow.rows if r.prototype.id == prototypes[0].id)
    assert row.trial.trial.id == newer.id
    assert follow.by_status[TrialStatus.running] == 1
    assert follow.by_status[TrialStatus.planned] == 1


def test_an_empty_follow_up(client, login):
    organiser = make_user(locale="en")
    camp = make_camp(organiser=organiser)
    login(organiser)
    page = client.get(f"/camps/{camp.slug}/manage/follow-up", headers=EN).get_data(as_text=True)
    assert "No prototype has been submitted in this camp yet." in page
    assert "No team has submitted a prototype in this camp." in page


def test_the_follow_up_reads_a_constant_number_of_queries(client, login, query_counter):
    organiser = make_user(locale="en")
    camp = make_camp(organiser=organiser)
    challenge = make_challenge(camp, make_user())
    login(organiser)

    def add(n, start):
        for i in range(start, start + n):
            add_trial(camp, challenge, _prototype(camp, challenge, f"P{i}"), f"Forsøg {i}")

    def count():
        with query_counter() as n:
            assert client.get(f"/camps/{camp.slug}/manage/follow-up").status_code == 200
        return n()
    add(2, 0)
    few = count()
    add(8, 2)
    assert count() == few


def test_the_trial_world_fits_the_dashboard(app):
    """The evaluation tests' world: its owner sees its one running trial."""
    w = trial_world()
    board = dashboards.owner_dashboard(w.owner)
    assert [r.trial.id for r in board.trials] == [w.trial.id]
    assert board.challenges[0].prototypes[0].trials[0].trial.id == w.trial.id
