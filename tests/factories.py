"""Build model objects for tests with sensible defaults; override any field."""
from __future__ import annotations

import functools
import itertools
import secrets
from datetime import timedelta

from werkzeug.security import generate_password_hash

from camp.auth.models import ActorType, User
from camp.camps.models import Camp, CampStatus, Membership, Role
from camp.db import utcnow
from camp.extensions import db
from camp.registrations.models import Registration, RegistrationStatus

_seq = itertools.count(1)
PASSWORD = "correct horse battery"


@functools.cache
def _default_hash() -> str:
    return generate_password_hash(PASSWORD)


def make_user(**overrides) -> User:
    n = next(_seq)
    values = dict(email=f"user{n}@example.org", name=f"Person {n}", organisation="Roskilde Kommune",
                  actor_type=ActorType.administrator, locale="da",
                  email_confirmed_at=utcnow(), session_token=secrets.token_hex(16))
    password = overrides.pop("password", PASSWORD)
    values.update(overrides)
    user = User(**values)
    if password == PASSWORD:
        user.password_hash = _default_hash()  # hashing is slow on purpose; do it once
    else:
        user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


def make_camp(organiser: User | None = None, **overrides) -> Camp:
    n = next(_seq)
    start = utcnow().replace(microsecond=0) + timedelta(days=30)
    values = dict(slug=f"camp-{n}", title=f"Samskabelsescamp {n}", description="En camp.",
                  venue="INSP", address="Bispensgade 1, 4000 Roskilde",
                  timezone="Europe/Copenhagen", starts_at=start,
                  ends_at=start + timedelta(hours=24), capacity=50,
                  status=CampStatus.published, consent_text="Vi gemmer dine oplysninger.")
    values.update(overrides)
    camp = Camp(**values)
    db.session.add(camp)
    if organiser is not None:
        db.session.add(Membership(camp=camp, user=organiser, role=Role.organiser))
    db.session.commit()
    return camp


def add_role(user: User, camp: Camp, role: Role) -> Membership:
    m = Membership(camp=camp, user=user, role=role)
    db.session.add(m)
    db.session.commit()
    return m


def make_registration(camp: Camp, user: User | None = None, **overrides) -> Registration:
    n = next(_seq)
    if user is None and "email" not in overrides:
        user = make_user()
    values = dict(camp=camp, user=user, name=user.name if user else f"Guest {n}",
                  email=user.email if user else overrides.get("email"),
                  organisation=user.organisation if user else "",
                  actor_type=user.actor_type if user else ActorType.citizen,
                  status=RegistrationStatus.confirmed, confirmed_at=utcnow(),
                  consent_at=utcnow(), consent_version=camp.consent_version,
                  consent_text=camp.consent_text)
    values.update(overrides)
    reg = Registration(**values)
    db.session.add(reg)
    db.session.commit()
    return reg


def make_challenge(camp: Camp, owner: User | None = None, **overrides):
    from camp.challenges.models import Challenge, ChallengeMode, ChallengeOwner, \
        ChallengeStatus, ChallengeValue, ValueDimension
    n = next(_seq)
    values = dict(camp=camp, title=f"Udfordring {n}", owner_organisation="Roskilde Kommune",
                  owner_actor_type=ActorType.administrator,
                  problem="Ensomhed blandt ældre borgere.", mode=ChallengeMode.co_creation,
                  commitment="Vi afprøver den bedste prototype inden for tre måneder.",
                  status=ChallengeStatus.published, submitted_at=utcnow(),
                  decided_at=utcnow(), published_at=utcnow(),
                  created_by_id=owner.id if owner else None)
    values.update(overrides)
    challenge = Challenge(**values)
    challenge.values.append(ChallengeValue(dimension=ValueDimension.quality,
                                           how_noticed="Færre føler sig ensomme."))
    if owner is not None:
        challenge.owners.append(ChallengeOwner(user=owner))
    db.session.add(challenge)
    db.session.commit()
    return challenge


def make_team(camp: Camp, challenge=None, lead: User | None = None, members=(), **overrides):
    """A team; the lead (when given) is its first member, then `members` in order."""
    from camp.teams.models import Team, TeamMember
    n = next(_seq)
    if challenge is None:
        challenge = make_challenge(camp)
    team = Team(camp=camp, challenge=challenge, name=overrides.pop("name", f"Hold {n}"),
                pitch=overrides.pop("pitch", "Vi bygger noget sammen."),
                lead_id=lead.id if lead else None, **overrides)
    db.session.add(team)
    for user in ([lead] if lead else []) + list(members):
        db.session.add(TeamMember(team=team, camp_id=camp.id, user_id=user.id))
    db.session.commit()
    return team


def add_member(team, user: User):
    from camp.teams.models import TeamMember
    member = TeamMember(team=team, camp_id=team.camp_id, user_id=user.id)
    db.session.add(member)
    db.session.commit()
    return member


def make_prototype(team, **overrides):
    """A submitted prototype of the team, with its first revision."""
    from camp.prototypes.models import REVISED_FIELDS, Prototype, PrototypeRevision, \
        PrototypeStatus
    n = next(_seq)
    values = dict(camp_id=team.camp_id, team=team, challenge_id=team.challenge_id,
                  title=f"Prototype {n}", pitch="En besøgsven ved hvert hjemmebesøg.",
                  problem="Ensomme ældre bliver ikke opdaget.",
                  solution="Hjemmeplejen spørger, og en frivillig følger op.",
                  beneficiaries="Ældre borgere og hjemmeplejen.", values=["quality"],
                  trial_needs="To hjemmeplejegrupper i tre måneder.",
                  next_steps="Møde med ældrechefen.", links="",
                  status=PrototypeStatus.submitted, submitted_at=utcnow())
    values.update(overrides)
    prototype = Prototype(**values)
    if prototype.status == PrototypeStatus.submitted:
        prototype.revisions.append(PrototypeRevision(
            number=1, data={f: getattr(prototype, f) for f in REVISED_FIELDS},
            submitted_by_id=team.lead_id, submitted_at=prototype.submitted_at))
    db.session.add(prototype)
    db.session.commit()
    return prototype
