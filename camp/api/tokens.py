"""API tokens: create (the secret shown once), revoke, and find the token of a request.

A token acts as its user with read-only scope: only the read API's GET endpoints accept
it. Its secret starts with PREFIX, so the API can tell it from a scanner's device token
(both travel as `Authorization: Bearer ...`).
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from camp.api.models import ApiToken
from camp.audit import record
from camp.camps.models import Role
from camp.db import begin_write, utcnow
from camp.errors import DomainError, NotAllowed
from camp.extensions import db
from camp.permissions import roles_anywhere

PREFIX = "sk_"
MAX_ACTIVE = 20
MAX_LENGTH = 100  # longer than any secret we issue: refused before hashing
# Write last_used_at at most once a minute: a busy script should not rewrite it each call.
USED_EVERY = timedelta(minutes=1)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def may_create(user) -> bool:
    """Organisers (of at least one camp) and admins."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_admin) or Role.organiser in roles_anywhere(user)


def tokens_of(user) -> list[ApiToken]:
    return db.session.execute(
        select(ApiToken).where(ApiToken.user_id == user.id)
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())).scalars().all()


def create_token(actor, name: str, valid_days: int | None) -> tuple[ApiToken, str]:
    """A new token for `actor`; returns it and its secret (not stored, shown once)."""
    if not may_create(actor):
        raise NotAllowed(_l("Only organisers and administrators can create API tokens."))
    name = (name or "").strip()
    if not name:
        raise DomainError(_l("Give the token a name, such as 'Statistics script'."),
                          field="name")
    if valid_days is not None and not 1 <= valid_days <= 366:
        raise DomainError(_l("Choose between 1 day and one year, or no expiry."),
                          field="valid_days")
    now = utcnow()
    active = db.session.execute(
        select(func.count()).select_from(ApiToken).where(
            ApiToken.user_id == actor.id, ApiToken.revoked_at.is_(None),
            (ApiToken.expires_at.is_(None)) | (ApiToken.expires_at > now))).scalar_one()
    if active >= MAX_ACTIVE:
        raise DomainError(_l("You have %(n)s active tokens. Revoke one you no longer use "
                             "first.", n=active))
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=actor.id, name=name[:80], token_hash=hash_secret(secret),
                     created_at=now,
                     expires_at=now + timedelta(days=valid_days) if valid_days else None)
    db.session.add(token)
    db.session.flush()
    # A user-level event: no camp (the camps' audit pages do not list it).
    record("api_token.create", actor=actor, obj=token, name=token.name)
    return token, secret


def revoke(actor, token: ApiToken) -> ApiToken:
    if token.user_id != getattr(actor, "id", None):
        raise NotAllowed(_l("That is not your token."))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.flush()
        record("api_token.revoke", actor=actor, obj=token, name=token.name)
    return token


def token_for_secret(secret: str | None, now: datetime | None = None) -> ApiToken | None:
    """The usable token with this secret (not revoked, not expired, its user not deleted)."""
    if not secret or not secret.startswith(PREFIX) or len(secret) > MAX_LENGTH:
        return None
    token = db.session.execute(
        select(ApiToken).where(ApiToken.token_hash == hash_secret(secret))
    ).scalar_one_or_none()
    if token is None or not token.usable(now or utcnow()) or token.user.deleted_at is not None:
        return None
    return token


def touch(token: ApiToken) -> None:
    """Note the use (at most once a minute), committed at once in a writer's transaction."""
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > USED_EVERY:
        begin_write(db.session)  # even this small write must not upgrade a read lock
        db.session.execute(
            ApiToken.__table__.update().where(ApiToken.__table__.c.id == token.id)
            .values(last_used_at=now))
        db.session.commit()
