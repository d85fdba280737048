"""Jury assignment: the pure planner, the automatic service and the organiser's changes."""
from collections import Counter
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from camp.audit import AuditEvent
from camp.camps.models import Role
from camp.errors import DomainError
from camp.extensions import db
from camp.judging import assignment as services
from camp.judging.assignment import JurorInfo, PrototypeInfo, conflict, plan_assignments, \
    shortfalls
from camp.judging.models import Criterion, JuryAssignment, Score
from camp.prototypes.models import PrototypeStatus
from tests.factories import add_role, make_camp, make_challenge, make_prototype, make_team, \
    make_user


# --- The pure planner ----------------------------------------------------------------------

def _protos(n, **kw):
    return [PrototypeInfo(100 + i, **kw) for i in range(n)]


def _jurors(n, org=""):
    return [JurorInfo(1 + i, org or f"Organisation {i}") for i in range(n)]


def _per_prototype(pairs):
    return Counter(p for _j, p in pairs)


def test_every_prototype_gets_two_jurors_and_loads_are_balanced():
    protos, jurors = _protos(7), _jurors(4)
    plan = plan_assignments(protos, jurors, [], per_prototype=2)
    assert len(plan) == 14 and len(set(plan)) == 14
    assert all(_per_prototype(plan)[p.id] == 2 for p in protos)
    loads = Counter(j for j, _p in plan)
    assert set(loads) == {1, 2, 3, 4}
    assert max(loads.values()) - min(loads.values()) <= 1
    # Deterministic: the same input gives the same plan.
    assert plan == plan_assignments(protos, jurors, [], per_prototype=2)


@pytest.mark.parametrize("per", [2, 3, 5])
def test_balanced_for_any_minimum(per):
    protos, jurors = _protos(11), _jurors(6)
    plan = plan_assignments(protos, jurors, [], per_prototype=per)
    assert all(_per_prototype(plan)[p.id] == per for p in protos)
    loads = Counter(j for j, _p in plan)
    assert max(loads.values()) - min(loads.values()) <= 1


def test_existing_assignments_count_and_are_kept():
    protos, jurors = _protos(3), _jurors(4)
    existing = [(1, 100), (1, 101), (2, 100)]
    plan = plan_assignments(protos, jurors, existing, per_prototype=2)
    assert not set(plan) & set(existing)
    total = _per_prototype(existing + plan)
    assert total == {100: 2, 101: 2, 102: 2}
    # Juror 1 already carries two: the new pairs go to the others first.
    assert all(j != 1 for j, _p in plan)


def test_idempotent():
    protos, jurors = _protos(5), _jurors(3)
    plan = plan_assignments(protos, jurors, [], per_prototype=2)
    assert plan_assignments(protos, jurors, plan, per_prototype=2) == []


def test_organisation_conflicts_are_never_assigned_case_and_space_insensitive():
    owner_org = PrototypeInfo(100, challenge_organisations=frozenset({"Aarhus Kommune"}))
    team_org = PrototypeInfo(101, team_organisations=frozenset({"  KL ", "Roskilde Kommune"}))
    own_team = PrototypeInfo(102, member_ids=frozenset({3}))
    jurors = [JurorInfo(1, "  aarhus   KOMMUNE "), JurorInfo(2, "kl"), JurorInfo(3, "INSP"),
              JurorInfo(4, "Via University College"), JurorInfo(5, ""),
              JurorInfo(6, "Odense Kommune")]
    plan = plan_assignments([owner_org, team_org, own_team], jurors, [], per_prototype=3)
    assert (1, 100) not in plan and (2, 101) not in plan and (3, 102) not in plan
    assert all(_per_prototype(plan)[p] == 3 for p in (100, 101, 102))
    assert conflict(jurors[0], owner_org).kind == "challenge_organisation"
    assert conflict(jurors[1], team_org).kind == "team_organisation"
    assert conflict(jurors[2], own_team).kind == "member"
    # An empty organisation never conflicts, even with a team member without one.
    assert conflict(jurors[4], PrototypeInfo(9, team_organisations=frozenset({""}))) is None


def test_too_few_eligible_jurors_are_reported_not_hidden():
    p = PrototypeInfo(100, challenge_organisations=frozenset({"Aarhus Kommune"}), title="Bus")
    ok = PrototypeInfo(101, title="Cykel")
    jurors = [JurorInfo(1, "Aarhus Kommune", "Anna"), JurorInfo(2, "KL", "Bo"),
              JurorInfo(3, "aarhus kommune", "Carl")]
    plan = plan_assignments([p, ok], jurors, [], per_prototype=2)
    assert [pair for pair in plan if pair[1] == 100] == [(2, 100)]
    [short] = shortfalls([p, ok], jurors, plan, per_prototype=2)
    assert short.prototype.id == 100 and short.assigned == 1 and short.eligible == 1
    assert [(j.name, c.kind) for j, c in short.excluded] == [
        ("Anna", "challenge_organisation"), ("Carl", "challenge_organisation")]


def test_scarce_jurors_go_where_they_are_needed():
    # Only juror 3 may judge prototype 100; the planner serves it first.
    constrained = PrototypeInfo(100, challenge_organisations=frozenset({"A"}))
    free = PrototypeInfo(101)
    jurors = [JurorInfo(1, "A"), JurorInfo(2, "A"), JurorInfo(3, "B"), JurorInfo(4, "C")]
    plan = plan_assignments([free, constrained], jurors, [], per_prototype=2)
    assert sorted(j for j, p in plan if p == 100) == [3, 4]


# --- Through the database ------------------------------------------------------------------

def jury_world(jurors=("KL", "Via University College", "INSP", "Odense Kommune")):
    organiser = make_user(name="Ole Organisator", locale="en", organisation="Samskab")
    camp = make_camp(organiser=organiser)
    owner = make_user(name="Olga Ejer", organisation="Aarhus Kommune", locale="en")
    challenge = make_challenge(camp, owner, title="Ensomhed", owner_organisation="Aarhus Kommune")
    other = make_challenge(camp, title="Trafik", owner_organisation="Region Midt")
    users = [make_user(name=f"Juror {i}", organisation=org, locale="en")
             for i, org in enumerate(jurors)]
    for u in users:
        add_role(u, camp, Role.jury)
    teams, prototypes = [], []
    for i in range(4):
        lead = make_user(name=f"Lead {i}", organisation="Borger" if i else "KL")
        team = make_team(camp, challenge if i % 2 == 0 else other, lead=lead, name=f"Hold {i}")
        teams.append(team)
        prototypes.append(make_prototype(team, title=f"Prototype {i}"))
    draft_team = make_team(camp, other, lead=make_user(), name="Hold kladde")
    draft = make_prototype(draft_team, title="Kladde", status=PrototypeStatus.draft)
    db.session.add(Criterion(camp_id=camp.id, name="Værdi", weight=1, scale_max=5))
    db.session.commit()
    return SimpleNamespace(camp=camp, organiser=organiser, owner=owner, challenge=challenge,
                           jurors=users, teams=teams, prototypes=prototypes, draft=draft)


def _pairs(camp):
    db.session.expire_all()
    return {(a.juror_id, a.prototype_id) for a in db.session.execute(
        select(JuryAssignment).where(JuryAssignment.camp_id == camp.id)).scalars()}


def test_assign_automatically_is_idempotent_and_respects_conflicts(app):
    w = jury_world(jurors=("Aarhus Kommune", "KL", "INSP", "Odense Kommune", "Via"))
    result = services.assign_automatically(w.organiser, w.camp, 2)
    db.session.commit()
    pairs = _pairs(w.camp)
    assert len(result.added) == 8 and len(pairs) == 8 and not result.shortfalls
    aarhus, kl = w.jurors[0].id, w.jurors[1].id
    on_challenge = {p.id for p in w.prototypes if p.challenge_id == w.challenge.id}
    assert not any(j == aarhus and p in on_challenge for j, p in pairs)
    # Team 0's lead is from KL.
    assert (kl, w.prototypes[0].id) not in pairs
    assert all(p != w.draft.id for _j, p in pairs)  # drafts are not judged
    again = services.assign_automatically(w.organiser, w.camp, 2)
    db.session.commit()
    assert again.added == [] and _pairs(w.camp) == pairs
    # More per prototype adds only the missing ones.
    services.assign_automatically(w.organiser, w.camp, 3)
    db.session.commit()
    assert len(_pairs(w.camp)) == 12 and pairs <= _pairs(w.camp)
    assert db.session.execute(select(AuditEvent).where(
        AuditEvent.action == "jury.assign")).scalars().all()


def test_assign_refuses_a_bad_minimum(app):
    w = jury_world()
    for bad in (1, 6, "2"):
        with pytest.raises(DomainError):
            services.assign_automatically(w.organiser, w.camp, bad)


def test_manual_add_refuses_conflicts_duplicates_and_non_jurors(app):
    w = jury_world(jurors=("aarhus kommune ", "KL"))
    p0 = w.prototypes[0]  # Aarhus Kommune's challenge; lead from KL
    with pytest.raises(DomainError, match="er problemejer for udfordringen"):
        services.add_assignment(w.organiser, w.camp, p0, w.jurors[0])
    db.session.rollback()
    with pytest.raises(DomainError, match="har et medlem på holdet"):
        services.add_assignment(w.organiser, w.camp, p0, w.jurors[1])
    db.session.rollback()
    a = services.add_assignment(w.organiser, w.camp, w.prototypes[1], w.jurors[0])
    db.session.commit()
    assert a.manual
    with pytest.raises(DomainError, match="skal allerede bedømme"):
        services.add_assignment(w.organiser, w.camp, w.prototypes[1], w.jurors[0])
    db.session.rollback()
    with pytest.raises(DomainError, match="er ikke med i campens jury"):
        services.add_assignment(w.organiser, w.camp, w.prototypes[1], w.owner)
    db.session.rollback()
    with pytest.raises(DomainError, match="Kun campens indsendte"):
        services.add_assignment(w.organiser, w.camp, w.draft, w.jurors[1])
    db.session.rollback()
    assert _pairs(w.camp) == {(w.jurors[0].id, w.prototypes[1].id)}


# --- Through HTTP --------------------------------------------------------------------------

def _manage(w):
    return f"/camps/{w.camp.slug}/manage/jury"


def test_organiser_assigns_adjusts_and_sees_shortfalls(client, login):
    w = jury_world(jurors=("Aarhus Kommune", "KL"))
    login(w.organiser)
    page = client.get(_manage(w)).get_data(as_text=True)
    assert "Prototype 0" in page and "No jurors yet" in page and "Kladde" not in page
    res = client.post(_manage(w) + "/assign", data={"per_prototype": "2"})
    assert res.status_code == 303
    page = client.get(res.headers["Location"]).get_data(as_text=True)
    assert "assignments are added" in page
    # Prototype 0: Aarhus owns the challenge and the lead is from KL: nobody may judge it.
    assert "have fewer than 2 jurors" in page
    assert "only 0 jurors may judge it" in page
    assert "Aarhus Kommune owns the challenge" in page and "KL has a member in the team" in page
    pairs = _pairs(w.camp)
    assert not any(p == w.prototypes[0].id for _j, p in pairs)
    # Adjust: add by hand (a conflict is refused with a message), then remove.
    res = client.post(_manage(w) + "/assignments",
                      data={"prototype_id": w.prototypes[0].id, "juror_id": w.jurors[0].id},
                      follow_redirects=True)
    assert "cannot judge Prototype 0: Aarhus Kommune owns the challenge" in \
        res.get_data(as_text=True)
    assert _pairs(w.camp) == pairs
    a = db.session.execute(select(JuryAssignment).where(
        JuryAssignment.prototype_id == w.prototypes[1].id)).scalars().first()
    db.session.add(Score(assignment_id=a.id, criterion_id=db.session.execute(
        select(Criterion.id)).scalar(), value=4))
    db.session.commit()
    pair = (a.juror_id, a.prototype_id)
    page = client.get(_manage(w)).get_data(as_text=True)
    assert "Their 1 score is deleted too." in page
    res = client.post(f"{_manage(w)}/assignments/{a.id}/delete", follow_redirects=True)
    assert "1 score is deleted" in res.get_data(as_text=True)
    assert db.session.execute(select(Score)).scalars().all() == []
    assert pair not in _pairs(w.camp)
    res = client.post(_manage(w) + "/assignments",
                      data={"prototype_id": w.prototypes[1].id, "juror_id": pair[0]},
                      follow_redirects=True)
    assert "is assigned to Prototype 1" in res.get_data(as_text=True)
    assert pair in _pairs(w.camp)


def test_assignment_of_another_camp_is_404(client, login):
    w = jury_world()
    other = make_camp(organiser=w.organiser)
    services.assign_automatically(w.organiser, w.camp, 2)
    db.session.commit()
    a = db.session.execute(select(JuryAssignment)).scalars().first()
    login(w.organiser)
    assert client.post(f"/camps/{other.slug}/manage/jury/assignments/{a.id}/delete"
                       ).status_code == 404
    res = client.post(f"/camps/{other.slug}/manage/jury/assignments",
                      data={"prototype_id": w.prototypes[0].id, "juror_id": w.jurors[0].id})
    assert res.status_code == 404


def test_manage_page_constant_queries(client, login, query_counter):
    w = jury_world()
    login(w.organiser)
    services.assign_automatically(w.organiser, w.camp, 2)
    db.session.commit()
    with query_counter() as n:
        assert client.get(_manage(w)).status_code == 200
    few = n()
    for i in range(8):
        team = make_team(w.camp, w.challenge, lead=make_user(organisation=f"Org {i}"))
        make_prototype(team)
    services.assign_automatically(w.organiser, w.camp, 2)
    db.session.commit()
    with query_counter() as n:
        assert client.get(_manage(w)).status_code == 200
    assert n() == few


def test_a_juror_who_left_the_jury_no_longer_counts(client, login):
    w = jury_world(jurors=("KL", "INSP", "Via", "DTU"))
    services.assign_automatically(w.organiser, w.camp, 2)
    db.session.commit()
    gone = w.jurors[1]
    before = {p for j, p in _pairs(w.camp) if j == gone.id}
    assert before
    from camp.camps.models import Membership
    db.session.execute(db.delete(Membership).where(Membership.user_id == gone.id))
    db.session.commit()
    login(w.organiser)
    page = client.get(_manage(w)).get_data(as_text=True)
    assert "No longer on the jury: cannot score" in page
    result = services.assign_automatically(w.organiser, w.camp, 2)
    db.session.commit()
    # Each of the prototypes they had gets someone else; their rows stay (with the scores).
    assert {a.prototype_id for a in result.added} == before
    assert all(a.juror_id != gone.id for a in result.added)
    pairs = _pairs(w.camp)
    for p in before:
        assert len({j for j, pid in pairs if pid == p and j != gone.id}) == 2
