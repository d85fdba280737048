"""Reviews in the trial's rhythm: parties confirm or change their commitments; managers
hold the review, which schedules the next one."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from camp.errors import Conflict, DomainError
from camp.extensions import db
from camp.trials import parties, reviews, services
from camp.trials.models import CommitmentRevision, Review
from tests.test_trials import start, trial_world


@pytest.fixture
def w(app):
    w = trial_world()
    w.trial = start(w)  # starts in 7 days, reviewed every 6 weeks
    w.owner_party = w.trial.parties[0]
    w.party = parties.add_party(w.owner, w.trial, parties.PartyData(
        organisation="Ældresagen Aarhus", contact_email="pia@example.dk",
        role="citizen_group", leadership="facilitating"))
    db.session.commit()
    parties.write_commitment(w.owner, w.owner_party, "To medarbejdere.", "", 1)
    parties.write_commitment(w.partner, w.party, "Ti frivillige.", "Et lokale.", 1)
    db.session.commit()
    w.review = db.session.execute(select(Review)).scalar_one()
    return w


def _url(w, review=None):
    return f"/trials/{w.trial.id}/reviews/{(review or w.review).id}"


def _answer(client, w, party, answer, revision, **fields):
    prefix = f"party-{party.id}-"
    data = {"party_id": str(party.id), prefix + "answer": answer,
            prefix + "revision": str(revision)}
    data.update({prefix + k: v for k, v in fields.items()})
    return client.post(_url(w), data=data)


def _revs(party):
    db.session.expire_all()
    return db.session.execute(
        select(CommitmentRevision).where(CommitmentRevision.party_id == party.id)
        .order_by(CommitmentRevision.number)).scalars().all()


def test_parties_confirm_or_change_and_managers_hold_the_review(client, login, w, outbox):
    login(w.partner)
    page = client.get(_url(w)).get_data(as_text=True)
    assert "Answer for Ældresagen Aarhus" in page and "Answer for Aarhus Kommune" not in page
    res = _answer(client, w, w.party, "change", 2, commitment="Otte frivillige.",
                  resources="Et lokale.", note="To er flyttet.")
    assert res.status_code == 303
    agreed, changed = _revs(w.party)
    assert (changed.kind, changed.review_id, changed.commitment, changed.note) == (
        "changed", w.review.id, "Otte frivillige.", "To er flyttet.")
    login(w.owner)
    assert "Answer for Aarhus Kommune" in client.get(_url(w)).get_data(as_text=True)
    res = _answer(client, w, w.owner_party, "confirm", 2, commitment="ignored")
    assert res.status_code == 303
    agreed, confirmed = _revs(w.owner_party)
    assert (confirmed.kind, confirmed.review_id, confirmed.commitment) == (
        "confirmed", w.review.id, "To medarbejdere.")
    # Confirming again at the same review is idempotent.
    assert _answer(client, w, w.owner_party, "confirm", 2).status_code == 303
    assert len(_revs(w.owner_party)) == 2
    page = client.get(_url(w)).get_data(as_text=True)
    assert "Confirmed unchanged" in page and "Changed" in page and "To er flyttet." in page
    # The owner records the review as held: the next one is due held date + 6 weeks.
    res = client.post(_url(w) + "/hold", data={"note": "Godt møde. Vi fortsætter."})
    assert res.status_code == 303
    db.session.expire_all()
    held = db.session.get(Review, w.review.id)
    assert held.held_at is not None and held.held_by_id == w.owner.id
    assert held.note == "Godt møde. Vi fortsætter."
    following = db.session.execute(select(Review).where(Review.held_at.is_(None))
                                   ).scalar_one()
    assert following.due_on == services.local_today(w.camp) + timedelta(weeks=6)
    trial = db.session.get(type(w.trial), w.trial.id)
    assert trial.next_review_on == following.due_on
    # The list of reviews shows what each party did.
    page = client.get(f"/trials/{w.trial.id}/reviews").get_data(as_text=True)
    assert "Held" in page and "Not held yet" in page and "Godt møde. Vi fortsætter." in page
    assert "Ældresagen Aarhus</strong>: Changed" in page
    assert "Aarhus Kommune</strong>: Confirmed unchanged" in page
    # Holding it twice: refused, nothing changes.
    res = client.post(_url(w) + "/hold", data={"note": "Igen"}, follow_redirects=True)
    assert "already held" in res.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Review, w.review.id).note == "Godt møde. Vi fortsætter."
    assert len(db.session.execute(select(Review)).scalars().all()) == 2
    # A held review takes no more answers.
    login(w.partner)
    res = _answer(client, w, w.party, "confirm", 3)
    assert res.status_code == 200
    assert len(_revs(w.party)) == 2


def test_holding_twice_in_the_service_is_refused(w):
    following = reviews.hold(w.owner, w.trial, w.review, "Første gang.")
    db.session.commit()
    with pytest.raises(Conflict, match="allerede holdt"):
        reviews.hold(w.owner, w.trial, w.review, "Anden gang.")
    db.session.rollback()
    db.session.refresh(w.review)
    assert w.review.note == "Første gang."
    # Holding the next one on the same day too (early) gives a later, free date.
    after = reviews.hold(w.owner, w.trial, following)
    db.session.commit()
    assert after.due_on > following.due_on


def test_the_next_review_follows_the_held_date_and_stops_at_an_outcome(w):
    when = datetime(2031, 5, 4, 22, 30, tzinfo=timezone.utc)  # 5 May in Copenhagen
    following = reviews.hold(w.owner, w.trial, w.review, now=when)
    db.session.commit()
    assert str(following.due_on) == "2031-06-16"
    services.change_status(w.owner, w.trial, "stopped", reason="Ingen penge.")
    db.session.commit()
    db.session.refresh(w.trial)
    assert w.trial.next_review_on is None
    assert db.session.execute(select(Review).where(Review.held_at.is_(None))).first() is None


def test_a_party_answers_only_for_itself(client, login, w):
    # The owner (a manager) cannot answer for the citizen group; nor an outsider.
    for user in (w.owner, w.organiser, w.outsider):
        login(user)
        res = _answer(client, w, w.party, "confirm", 2)
        assert res.status_code == 403
    login(w.partner)
    assert _answer(client, w, w.owner_party, "confirm", 2).status_code == 403
    assert len(_revs(w.party)) == 1 and len(_revs(w.owner_party)) == 1
    # Nobody but the managers holds a review.
    assert client.post(_url(w) + "/hold").status_code == 403
    login(None)
    assert client.post(_url(w) + "/hold").status_code == 302
    db.session.refresh(w.review)
    assert w.review.held_at is None


def test_bad_answers_change_nothing(client, login, w):
    login(w.partner)
    res = _answer(client, w, w.party, "change", 2, commitment="")
    assert res.status_code == 200 and "Write what your party commits to." in \
        res.get_data(as_text=True)
    res = _answer(client, w, w.party, "shrug", 2)
    assert res.status_code == 200 and "Choose to confirm or to change" in \
        res.get_data(as_text=True)
    # A stale form: the commitment changed meanwhile.
    parties.write_commitment(w.partner, w.party, "Ni frivillige.", "", 2)
    db.session.commit()
    res = _answer(client, w, w.party, "change", 2, commitment="Syv frivillige.")
    page = res.get_data(as_text=True)
    assert res.status_code == 200 and "changed meanwhile" in page and "Syv frivillige." in page
    assert [r.commitment for r in _revs(w.party)] == ["Ti frivillige.", "Ni frivillige."]
    # A party that has not agreed yet confirms nothing.
    late = parties.add_party(w.owner, w.trial, parties.PartyData(organisation="Sent"))
    db.session.commit()
    with pytest.raises(DomainError, match="ikke godkendt"):
        reviews.respond(w.owner, late, w.review, "confirm", late.revision)


def test_a_review_of_another_trial_is_not_found(client, login, w):
    other = start(w, title="Anden")
    other_review = db.session.execute(select(Review).where(Review.trial_id == other.id)
                                      ).scalar_one()
    login(w.owner)
    assert client.get(f"/trials/{w.trial.id}/reviews/{other_review.id}").status_code == 404


def test_holding_the_same_review_twice_at_once_holds_it_once(app, w):
    """Two managers press "held" at the same moment: one is recorded, the other refused,
    and exactly one next review is scheduled."""
    from camp.auth.models import User
    from camp.trials.models import Trial
    from tests.concurrency import run_at_once
    ids = (w.trial.id, w.review.id, w.owner.id, w.organiser.id)
    db.session.remove()

    def hold(user_id, note):
        def job():
            reviews.hold(db.session.get(User, user_id), db.session.get(Trial, ids[0]),
                         db.session.get(Review, ids[1]), note)
        return job
    outcomes = run_at_once(app, [hold(ids[2], "Ejer"), hold(ids[3], "Arrangør")])
    assert sorted(o.startswith("Opfølgningen er allerede holdt") for o in outcomes) == \
        [False, True], outcomes
    assert "ok" in outcomes
    rows = db.session.execute(select(Review).order_by(Review.id)).scalars().all()
    assert len(rows) == 2 and rows[0].held_at is not None and rows[1].held_at is None
    assert rows[0].note in ("Ejer", "Arrangør")


def test_changing_the_status_twice_at_once_takes_one_step(app, w):
    from camp.auth.models import User
    from camp.trials.models import Trial, TrialUpdate
    from tests.concurrency import run_at_once
    ids = (w.trial.id, w.owner.id)
    db.session.remove()

    def step():
        services.change_status(db.session.get(User, ids[1]), db.session.get(Trial, ids[0]),
                               "running")
    outcomes = run_at_once(app, [step, step])
    assert outcomes.count("ok") == 1 and "er allerede" in "".join(outcomes), outcomes
    assert len(db.session.execute(select(TrialUpdate)).scalars().all()) == 1
