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
