"""The past Folkemøde sprint's jury (criteria, assignments, scores) and people's choice,
both published, through the same services the pages use."""
from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select

from camp.auth.models import User
from camp.camps.models import Camp, Membership, Role
from camp.extensions import db
from camp.judging import assignment, criteria, results, scoring, votes
from camp.judging.models import JuryAssignment
from camp.prototypes.models import Prototype
from camp.teams.models import TeamMember


def seed_sprint_judging(camp: Camp, organiser: User, jurors: list[User],
                        voters: list[User], rng: random.Random) -> None:
    for juror in jurors:
        db.session.add(Membership(camp_id=camp.id, user_id=juror.id, role=Role.jury))
    db.session.commit()
    criteria.add_presets(organiser, camp)
    db.session.commit()
    assignment.assign_automatically(organiser, camp, per_prototype=2)
    db.session.commit()
    marks = criteria.criteria_of(camp)
    for row in db.session.execute(select(JuryAssignment).where(
            JuryAssignment.camp_id == camp.id).order_by(JuryAssignment.id)).scalars():
        juror = db.session.get(User, row.juror_id)
        values = {c.id: rng.randint(max(1, c.scale_max - 3), c.scale_max) for c in marks}
        scoring.save_scores(juror, camp, row, values,
                            "Klar værdi for borgerne; afprøvningen skal have en tovholder.")
        db.session.commit()
    results.publish(organiser, camp)
    db.session.commit()

    opens, closes = camp.ends_at - timedelta(hours=4), camp.ends_at - timedelta(hours=1)
    votes.set_window(organiser, camp, opens, closes)
    db.session.commit()
    prototypes = db.session.execute(select(Prototype).where(
        Prototype.camp_id == camp.id).order_by(Prototype.id)).scalars().all()
    members = {(m.user_id, m.team_id) for m in db.session.execute(
        select(TeamMember).where(TeamMember.camp_id == camp.id)).scalars()}
    for voter in voters:
        choices = [p for p in prototypes if (voter.id, p.team_id) not in members]
        # The welcome friends were the tent's favourite.
        choice = choices[0] if rng.random() < 0.5 else rng.choice(choices)
        votes.cast_vote(voter, camp, choice, now=opens + timedelta(minutes=rng.randrange(170)))
        db.session.commit()
    votes.publish(organiser, camp, now=closes)
    db.session.commit()
