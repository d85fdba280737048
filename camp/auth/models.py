"""People: accounts and what they told us about themselves."""
from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, Enum, String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from camp.db import UTCDateTime, utcnow
from camp.extensions import db


class ActorType(str, enum.Enum):
    politician = "politician"
    administrator = "administrator"
    frontline = "frontline"
    citizen = "citizen"
    service_user = "service_user"
    civil_society = "civil_society"
    business = "business"
    researcher = "researcher"
    other = "other"


def enum_column(enum_cls, **kw):
    """Enums stored by value as plain strings with a check constraint."""
    return mapped_column(
        Enum(enum_cls, native_enum=False, length=32, validate_strings=True,
             values_callable=lambda e: [m.value for m in e],
             name=enum_cls.__name__.lower()),
        **kw)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    organisation: Mapped[str] = mapped_column(String(160), default="")
    actor_type: Mapped[ActorType] = enum_column(ActorType, default=ActorType.other)
    locale: Mapped[str] = mapped_column(String(8), default="da")
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Changes on password change and account deletion so old sessions and tokens die.
    session_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:
        return self.deleted_at is None

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"
