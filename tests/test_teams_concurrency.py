"""A team's last seat under concurrent use: one gets in, the others a clear refusal."""
from sqlalchemy import select

from camp.auth.models import User
from camp.camps.models import Camp
from camp.extensions import db
from camp.teams import organise, services
from camp.teams.models import JoinRequest, Team, TeamMember
from tests.concurrency import run_at_once
from tests.factories import make_camp, make_challenge, make_registration, make_team, make_user


def _seated(camp):
    user = make_user(locale="en")
    make_registration(camp, user)
    return user


def _count(team_id):
    db.session.rollback()  # end our snapshot; read what the threads committed
    return db.session.execute(select(TeamMember).where(TeamMember.team_id == team_id)
                              ).scalars().all().__len__()


def test_many_people_take_the_last_seat_by_invite_link(app):
    camp = make_camp()
    team = make_team(camp, make_challenge(camp), lead=_seated(camp),
                     members=[_seated(camp)], max_size=3)
    services.create_invite(team.lead, team, 24)
    db.session.commit()
    token = services.invite_link_token(team)
    people = [_seated(camp).id for _ in range(8)]
    camp_id = camp.id

    def join(user_id):
        return lambda: services.join_by_invite(db.session.get(User, user_id),
                                               db.session.get(Camp, camp_id), token)

    outcomes = run_at_once(app, [join(uid) for uid in people])
    assert outcomes.count("ok") == 1, outcomes
    refusals = [o for o in outcomes if o != "ok"]
    assert all("er fuldt (3 personer)" in o for o in refusals), refusals
    assert _count(team.id) == 3


def test_approvals_and_moves_race_for_the_last_seat(app):
    camp = make_camp(organiser=make_user())
    lead = _seated(camp)
    team = make_team(camp, make_challenge(camp), lead=lead, max_size=2)
    askers = [_seated(camp) for _ in range(4)]
    requests = [services.request_to_join(u, team) for u in askers]
    db.session.commit()
    request_ids = [r.id for r in requests]
    organiser_id = camp.memberships[0].user_id
    moved = _seated(camp).id
    camp_id, team_id, lead_id = camp.id, team.id, lead.id

    def approve(request_id):
        return lambda: services.decide_request(db.session.get(User, lead_id),
                                               db.session.get(JoinRequest, request_id), True)

    def move():
        organise.move_person(db.session.get(User, organiser_id), db.session.get(Camp, camp_id),
                             moved, team_id)

    outcomes = run_at_once(app, [approve(r) for r in request_ids] + [move])
    assert outcomes.count("ok") == 1, outcomes
    assert not [o for o in outcomes if o.startswith("error")], outcomes
    assert _count(team_id) == 2


def test_one_person_joining_two_teams_at_once_ends_in_one(app):
    camp = make_camp()
    challenge = make_challenge(camp)
    teams = [make_team(camp, challenge, lead=_seated(camp)) for _ in range(4)]
    for team in teams:
        services.create_invite(team.lead, team, 24)
    db.session.commit()
    tokens = [services.invite_link_token(t) for t in teams]
    person = _seated(camp).id
    camp_id = camp.id

    def join(token):
        return lambda: services.join_by_invite(db.session.get(User, person),
                                               db.session.get(Camp, camp_id), token)

    outcomes = run_at_once(app, [join(t) for t in tokens])
    assert outcomes.count("ok") == 1, outcomes
    assert not [o for o in outcomes if o.startswith("error")], outcomes
    db.session.rollback()
    assert len(db.session.execute(select(TeamMember).where(TeamMember.user_id == person)
                                  ).scalars().all()) == 1
    assert all(isinstance(t, Team) for t in teams)
