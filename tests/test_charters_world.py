"""A small charter world shared by the charter tests (part D, issue 8); no tests here."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from sqlalchemy import select

from camp.camps.models import Role
from camp.charters import versions
from camp.charters.models import Charter, CharterPhase, CharterVersion, Clause, Proposal, \
    Section
from camp.db import utcnow
from camp.extensions import db
from tests.factories import add_role, make_camp, make_user


def charter_world(phase=CharterPhase.consultation, closes_in=timedelta(days=7)):
    organiser = make_user(name="Olivia Organiser", email="olivia@example.dk", locale="en")
    camp = make_camp(organiser=organiser, title="Samskabelsescamp Roskilde")
    author = make_user(name="Petra Proposer", email="petra@example.dk", locale="en")
    supporter = make_user(name="Sven Supporter", email="sven@example.dk", locale="da")
    opponent = make_user(name="Otto Opponent", email="otto@example.dk", locale="en")
    for user in (author, supporter, opponent):
        add_role(user, camp, Role.participant)
    outsider = make_user(name="Uma Outsider", locale="en")
    charter = Charter(slug="samskabelsescharter", camp_id=camp.id,
                      title="Samskabelsescharter", introduction="Why we *co-create*.",
                      phase=phase, created_by_id=organiser.id,
                      consultation_closes_at=utcnow() + closes_in
                      if phase == CharterPhase.consultation else None)
    section = Section(charter=charter, position=1, title="Principles")
    second = Section(charter=charter, position=2, title="Practice")
    db.session.add_all([charter, section, second])
    db.session.flush()
    c1 = Clause(charter_id=charter.id, section_id=section.id, position=1,
                text="We meet as equals.")
    c2 = Clause(charter_id=charter.id, section_id=section.id, position=2,
                text="We share what we learn.")
    c3 = Clause(charter_id=charter.id, section_id=second.id, position=1,
                text="We test in practice.")
    db.session.add_all([c1, c2, c3])
    db.session.flush()
    versions.create_version(organiser, charter, [], "First draft")
    db.session.commit()
    return SimpleNamespace(organiser=organiser, camp=camp, author=author, supporter=supporter,
                           opponent=opponent, outsider=outsider, charter=charter,
                           section=section, second=second, c1=c1, c2=c2, c3=c3)


def url(w, tail=""):
    return f"/charters/{w.charter.slug}/{tail}"


def fresh(obj):
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


def all_versions(charter) -> list[CharterVersion]:
    db.session.expire_all()
    return db.session.execute(select(CharterVersion).where(
        CharterVersion.charter_id == charter.id).order_by(CharterVersion.number)
    ).scalars().all()


def all_proposals() -> list[Proposal]:
    db.session.expire_all()
    return db.session.execute(select(Proposal).order_by(Proposal.id)).scalars().all()
