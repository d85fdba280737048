"""`flask camp send-reminders`: exactly the due reminders, on the day given, each once —
also across two runs at the same time; trials with an outcome get none."""
from datetime import date, datetime, timezone
from types import SimpleNamespace

import pytest
from sqlalchemy import delete, func, select

from camp.challenges.models import ChallengeOwner
from camp.extensions import db
from camp.trials import reminders
from camp.trials.models import Milestone, Party, PartyRole, ReminderSent, Review, Trial, \
    TrialStatus
from tests.concurrency import run_at_once
from tests.factories import make_user
from tests.test_trial_progress import trial_world

DAY = date(2027, 3, 10)
HELD = datetime(2027, 3, 1, 12, 0, tzinfo=timezone.utc)


def _world():
    one = trial_world()  # running; owner olga@example.dk
    t1 = one.trial
    db.session.add_all([
        Party(trial_id=t1.id, organisation="Ældresagen", user_id=one.lead.id,
              role=PartyRole.citizen_group, commitment="Ti frivillige besøgsvenner."),
        Party(trial_id=t1.id, organisation="Frivilligcentret",
              contact_email="kontakt@forening.dk", role=PartyRole.partner,
              commitment="Et lokale hver tirsdag.", resources="Kaffe og kage."),
        Party(trial_id=t1.id, organisation="Uden kontakt", role=PartyRole.other),
        Review(trial_id=t1.id, due_on=date(2027, 3, 1), held_at=HELD),
        Review(trial_id=t1.id, due_on=date(2027, 3, 14)),  # 4 days ahead: the parties
        Milestone(trial_id=t1.id, title="Første besøg", due_on=date(2027, 3, 9)),  # overdue
        Milestone(trial_id=t1.id, title="Evaluering", due_on=DAY),  # due today: not yet
        Milestone(trial_id=t1.id, title="Klaret", due_on=date(2027, 3, 2), done_at=HELD),
    ])
    # Evaluating, with an overdue review: its owner hears of the review, and (as the
    # contact of the owner's party) of the commitment up for review.
    two = trial_world(status=TrialStatus.evaluating, tag="2")
    db.session.add(Review(trial_id=two.trial.id, due_on=date(2027, 3, 8)))
    three = trial_world(status=TrialStatus.stopped, tag="3")  # an outcome: nothing at all
    db.session.add_all([
        Review(trial_id=three.trial.id, due_on=date(2027, 3, 8)),
        Milestone(trial_id=three.trial.id, title="Aldrig", due_on=date(2027, 3, 1)),
        Party(trial_id=three.trial.id, organisation="Stoppet", user_id=three.lead.id,
              role=PartyRole.partner),
    ])
    db.session.commit()
    return SimpleNamespace(one=one, two=two, three=three)


def _sent_keys():
    db.session.expire_all()
    return sorted(db.session.execute(select(ReminderSent.key)).scalars())


def _mails(outbox):
    return sorted((m.to[0], m.subject) for m in outbox)


def test_exactly_the_due_reminders_once(app, outbox):
    w = _world()
    counts = reminders.send_due_reminders(DAY)
    assert (counts.reviews, counts.milestones, counts.commitments) == (1, 1, 4)
    assert counts.emails == 6 and counts.failed == 0 and len(counts.sent) == 6
    assert _mails(outbox) == sorted([
        ("olga2@example.dk", "A review of “Besøgsven i hjemmeplejen” is due"),
        ("olga2@example.dk", "Your commitment to “Besøgsven i hjemmeplejen” comes up for "
                             "review"),
        ("olga@example.dk", "Milestone overdue in “Besøgsven i hjemmeplejen”: Første besøg"),
        ("olga@example.dk", "Your commitment to “Besøgsven i hjemmeplejen” comes up for "
                            "review"),
        ("lene@example.dk", "Your commitment to “Besøgsven i hjemmeplejen” comes up for "
                            "review"),
        # No account: the site's default language.
        ("kontakt@forening.dk", "Din forpligtelse i “Besøgsven i hjemmeplejen” skal snart "
                                "gennemgås ved en opfølgning"),
    ])
    review = next(m for m in outbox if m.subject.startswith("A review"))
    assert "8 March 2027" in review.body
    assert f"http://localhost/trials/{w.two.trial.id}" in review.body
    partner = next(m for m in outbox if m.to[0] == "kontakt@forening.dk")
    # No account: the site's default language (Danish dates), the party's own words.
    assert "14. marts 2027" in partner.body
    assert "Et lokale hver tirsdag." in partner.body and "Kaffe og kage." in partner.body
    lene = next(m for m in outbox if m.to[0] == "lene@example.dk")
    assert "Ti frivillige besøgsvenner." in lene.body and "14 March 2027" in lene.body
    milestone = next(m for m in outbox if "Milestone" in m.subject)
    assert "9 March 2027" in milestone.body

    review_2 = db.session.execute(select(Review.id).where(
        Review.trial_id == w.two.trial.id)).scalar_one()
    m_id = db.session.execute(select(Milestone.id).where(
        Milestone.title == "Første besøg")).scalar_one()
    assert f"review:{review_2}" in _sent_keys()
    assert f"milestone:{m_id}:2027-03-09" in _sent_keys()
    assert len([k for k in _sent_keys() if k.startswith("commitment:")]) == 4
    # The outcome trial got nothing; its review and milestone are not even keyed.
    assert db.session.scalar(select(func.count()).select_from(ReminderSent).where(
        ReminderSent.trial_id == w.three.trial.id)) == 0

    # A second run on the same day sends nothing.
    outbox.clear()
    again = reminders.send_due_reminders(DAY)
    assert again.total == 0 and outbox == []
    # The next day, the milestone due "today" has become overdue: only that one.
    later = reminders.send_due_reminders(date(2027, 3, 11))
    assert (later.reviews, later.milestones, later.commitments) == (0, 1, 0)
    assert [m.subject for m in outbox] == [
        "Milestone overdue in “Besøgsven i hjemmeplejen”: Evaluering"]


def test_nothing_is_due_earlier(app, outbox):
    _world()
    # T1's review is 8 days away; only T2's (in 2 days) comes up for its owner's party.
    counts = reminders.send_due_reminders(date(2027, 3, 6))
    assert (counts.reviews, counts.milestones, counts.commitments) == (0, 0, 1)
    assert [m.to[0] for m in outbox] == ["olga2@example.dk"]
    counts = reminders.send_due_reminders(date(2027, 3, 7))  # now T1's is 7 days away
    assert (counts.reviews, counts.milestones, counts.commitments) == (0, 0, 3)
    assert len(outbox) == 4


def test_a_held_review_and_a_done_milestone_are_not_reminded(app, outbox):
    w = _world()
    db.session.execute(Review.__table__.update().values(held_at=HELD))
    db.session.execute(Milestone.__table__.update().values(done_at=HELD))
    db.session.commit()
    counts = reminders.send_due_reminders(DAY)
    assert counts.total == 0 and outbox == []
    assert w.one.trial.id  # the world was built


def test_two_runs_at_the_same_time_send_each_reminder_once(app, outbox):
    _world()
    results = []
    outcomes = run_at_once(app, [lambda: results.append(reminders.send_due_reminders(DAY))
                                 for _ in range(2)])
    assert outcomes == ["ok", "ok"]
    assert sum(c.total for c in results) == 6
    assert len(outbox) == 6
    assert len({(m.to[0], m.subject) for m in outbox}) == 6
    assert len(_sent_keys()) == 6


def test_a_reminder_that_could_not_be_sent_is_tried_again(app, outbox, monkeypatch):
    _world()
    import camp.mail

    def broken(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")
    monkeypatch.setattr(camp.mail, "send_email", broken)
    counts = reminders.send_due_reminders(DAY)
    assert counts.total == 0 and counts.failed == 6 and _sent_keys() == []
    monkeypatch.undo()
    counts = reminders.send_due_reminders(DAY)
    assert counts.total == 6 and len(outbox) == 6


def test_without_an_owner_the_organisers_are_reminded(app, outbox):
    w = _world()
    db.session.execute(delete(ChallengeOwner).where(
        ChallengeOwner.challenge_id == w.two.challenge.id))
    db.session.commit()
    reminders.send_due_reminders(DAY)
    review = [m for m in outbox if m.subject.startswith("A review")]
    assert [m.to[0] for m in review] == [w.two.organiser.email]


# --- The command --------------------------------------------------------------------------

def test_the_command_sends_and_prints_what_it_sent(app, runner, outbox):
    _world()
    result = runner.invoke(args=["camp", "send-reminders", "--today", "2027-03-10"])
    assert result.exit_code == 0, result.output
    assert "Sent: review 2027-03-08 of 'Besøgsven i hjemmeplejen': 1 e-mail(s)" \
        in result.output
    assert "Sent: milestone 'Første besøg'" in result.output
    assert "1 review, 1 milestone and 4 commitment reminders sent (6 e-mails)" \
        in result.output
    assert len(outbox) == 6
    again = runner.invoke(args=["camp", "send-reminders", "--today", "2027-03-10"])
    assert again.exit_code == 0
    assert "0 review, 0 milestone and 0 commitment reminders sent" in again.output
    assert len(outbox) == 6


def test_the_command_refuses_a_bad_date(app, runner, outbox):
    result = runner.invoke(args=["camp", "send-reminders", "--today", "10-03-2027"])
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output
    assert outbox == []


def test_the_command_defaults_to_today(app, runner):
    trial_world()
    result = runner.invoke(args=["camp", "send-reminders"])
    assert result.exit_code == 0
    assert date.today().isoformat()[:7] in result.output  # today's date, whatever it is


@pytest.mark.parametrize("status", [TrialStatus.scaled_up, TrialStatus.adapted,
                                    TrialStatus.stopped])
def test_outcome_trials_get_no_reminders(app, outbox, status):
    w = trial_world(status=status)
    db.session.add_all([Review(trial_id=w.trial.id, due_on=date(2027, 3, 8)),
                        Milestone(trial_id=w.trial.id, title="M", due_on=date(2027, 3, 1)),
                        Party(trial_id=w.trial.id, organisation="P",
                              user_id=make_user().id)])
    db.session.commit()
    assert reminders.send_due_reminders(DAY).total == 0 and outbox == []
    assert db.session.get(Trial, w.trial.id).status == status
