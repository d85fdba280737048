"""Capacity holds when many people register or cancel at the same moment."""
from sqlalchemy import select

from camp.extensions import db
from camp.registrations import services
from camp.registrations.models import Registration, RegistrationStatus
from tests.concurrency import run_at_once
from tests.factories import make_camp, make_registration, make_user


def _run_at_once(app, jobs):
    outcomes = run_at_once(app, jobs)
    assert set(outcomes) == {"ok"}, outcomes


def test_fifty_registrations_for_ten_seats(app):
    camp = make_camp(capacity=10)
    users = [make_user() for _ in range(50)]
    camp_id = camp.id

    def job_for(user_id, name, email):
        def job():
            from camp.camps.models import Camp
            from camp.auth.models import User
            services.register(db.session.get(Camp, camp_id), db.session.get(User, user_id),
                              services.RegistrationData(name=name, email=email, consent=True))
        return job

    _run_at_once(app, [job_for(u.id, u.name, u.email) for u in users])
    db.session.rollback()  # end our snapshot; read what the threads committed
    regs = db.session.execute(select(Registration).order_by(Registration.id)).scalars().all()
    confirmed = [r for r in regs if r.status == RegistrationStatus.confirmed]
    waiting = [r for r in regs if r.status == RegistrationStatus.waitlisted]
    assert len(regs) == 50 and len(confirmed) == 10 and len(waiting) == 40
    # The first ten to get the lock got the seats; the queue follows arrival order.
    assert all(c.id < w.id for c in confirmed for w in waiting)
    positions = services.waitlist_positions(camp_id)
    assert [positions[r.id] for r in waiting] == list(range(1, 41))


def test_simultaneous_cancellations_never_overfill(app):
    camp = make_camp(capacity=5)
    seated = [make_registration(camp) for _ in range(5)]
    queue = [make_registration(camp, status=RegistrationStatus.waitlisted, confirmed_at=None)
             for _ in range(8)]
    ids = [r.id for r in seated]

    def cancel_job(reg_id):
        def job():
            services.cancel(db.session.get(Registration, reg_id))
        return job

    def register_job(i):
        def job():
            from camp.camps.models import Camp
            services.register(db.session.get(Camp, camp.id), None, services.RegistrationData(
                name=f"Walk-in {i}", email=f"walkin{i}@example.dk", consent=True))
        return job

    _run_at_once(app, [cancel_job(i) for i in ids[:3]] + [register_job(i) for i in range(5)])
    db.session.rollback()  # end our snapshot; read what the threads committed
    assert services.confirmed_count(camp.id) == 5
    promoted = [r for r in queue if db.session.get(Registration, r.id).status
                == RegistrationStatus.confirmed]
    # The freed seats went to the head of the queue, not to the walk-ins.
    assert [r.id for r in promoted] == [r.id for r in queue[:3]]
    # The rest of the queue keeps its order, the walk-ins behind it, with no gaps.
    positions = services.waitlist_positions(camp.id)
    assert sorted(positions.values()) == list(range(1, 11))
    assert [positions[r.id] for r in queue[3:]] == [1, 2, 3, 4, 5]
