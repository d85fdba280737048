"""The demo seed has trials in several states on the past sprint, and stays idempotent."""
from sqlalchemy import func, select

from camp.extensions import db
from camp.trials.models import CommitmentRevision, EvaluationAnswer, Milestone, Party, \
    Review, Trial, TrialStatus, TrialUpdate


def _count(model, *where):
    return db.session.execute(select(func.count()).select_from(model).where(*where)
                              ).scalar_one()


def test_demo_has_trials_in_several_states(runner, client, login):
    assert runner.invoke(args=["camp", "seed-demo"]).exit_code == 0
    trials = {t.status: t for t in db.session.execute(select(Trial)).scalars()}
    assert set(trials) == {TrialStatus.running, TrialStatus.scaled_up, TrialStatus.stopped}
    assert all(t.camp.slug == "folkemoedet-integration" for t in trials.values())
    running = trials[TrialStatus.running]
    assert all(p.agreed_at for p in running.parties) and len(running.parties) == 3
    kinds = db.session.execute(select(CommitmentRevision.kind).join(Party).where(
        Party.trial_id == running.id)).scalars().all()
    assert kinds.count("changed") == 1 and kinds.count("agreed") == 3
    held = _count(Review, Review.trial_id == running.id, Review.held_at.is_not(None))
    [ahead] = db.session.execute(select(Review).where(Review.trial_id == running.id,
                                                      Review.held_at.is_(None))).scalars()
    assert held == 1 and running.next_review_on == ahead.due_on
    from datetime import date
    assert ahead.due_on > date.today()
    assert _count(Milestone, Milestone.trial_id == running.id) >= 3
    assert _count(TrialUpdate, TrialUpdate.trial_id == running.id) >= 3
    stopped = trials[TrialStatus.stopped]
    assert stopped.outcome_reason and stopped.next_review_on is None
    scaled = trials[TrialStatus.scaled_up]
    answers = db.session.execute(select(EvaluationAnswer)).scalars().all()
    assert len(answers) == 2 and len({a.recommendation for a in answers}) == 2
    assert {a.party.trial_id for a in answers} == {scaled.id}
    for answer in answers:
        assert set(answer.values) == set(scaled.values)
        assert {"achieved", "co_creation", "text"} <= set(next(iter(answer.values.values())))
    # The timeline's status changes follow the allowed steps.
    from camp.trials.services import ALLOWED_STEPS
    for update in db.session.execute(select(TrialUpdate).where(
            TrialUpdate.status_to.is_not(None))).scalars():
        assert TrialStatus(update.status_to) in ALLOWED_STEPS[TrialStatus(update.status_from)]
    # The pages render: trial, contract, reviews, and the prototype's "what happened next".
    for trial in trials.values():
        for url in (f"/trials/{trial.id}", f"/trials/{trial.id}/contract",
                    f"/trials/{trial.id}/reviews"):
            assert client.get(url).status_code == 200, url
    page = client.get(f"/trials/{running.id}/contract").get_data(as_text=True)
    assert "Afdelingsbestyrelsen Vestergården" in page and "To naboer er flyttet" in page
    # Idempotent: a second run adds nothing.
    again = runner.invoke(args=["camp", "seed-demo"])
    assert again.exit_code == 0 and _count(Trial) == 3
