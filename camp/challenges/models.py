"""Challenges brought by problem owners, and the questions and requests teams send them."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, object_session, relationship

from camp.auth.models import ActorType, User, enum_column
from camp.camps.models import Camp
from camp.db import UTCDateTime, utcnow
from camp.extensions import db


class ChallengeStatus(str, enum.Enum):
    draft = "draft"
    submitted = "submitted"
    accepted = "accepted"
    declined = "declined"
    published = "published"


class ChallengeMode(str, enum.Enum):
    # DOMAIN.md principle 2: develop something new together, or deliver a service together.
    co_creation = "co_creation"
    co_production = "co_production"


class ValueDimension(str, enum.Enum):
    # DOMAIN.md principle 1: co-creation is costly, so it must create one of these.
    quality = "quality"
    efficiency = "efficiency"
    democracy = "democracy"
    other = "other"


class ResourceKind(str, enum.Enum):
    people = "people"
    data = "data"
    rooms = "rooms"
    budget = "budget"
    decisions = "decisions"


class Challenge(db.Model):
    __tablename__ = "challenges"

    id: Mapped[int] = mapped_column(primary_key=True)
    camp_id: Mapped[int] = mapped_column(ForeignKey("camps.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(160))
    # Who brings it: a municipality, housing association, NGO, company or a citizen group.
    owner_organisation: Mapped[str] = mapped_column(String(160), default="")
    owner_actor_type: Mapped[ActorType] = enum_column(ActorType, default=ActorType.other)
    problem: Mapped[str] = mapped_column(Text, default="")
    context: Mapped[str] = mapped_column(Text, default="")
    affected: Mapped[str] = mapped_column(Text, default="")
    mode: Mapped[ChallengeMode] = enum_column(ChallengeMode, default=ChallengeMode.co_creation)
    owner_role: Mapped[str] = mapped_column(Text, default="")
    expectations: Mapped[str] = mapped_column(Text, default="")
    commitment: Mapped[str] = mapped_column(Text, default="")
    contacts: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ChallengeStatus] = enum_column(ChallengeStatus, default=ChallengeStatus.draft,
                                                  index=True)
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    camp: Mapped[Camp] = relationship()
    owners: Mapped[list[ChallengeOwner]] = relationship(
        back_populates="challenge", cascade="all, delete-orphan", order_by="ChallengeOwner.id")
    values: Mapped[list[ChallengeValue]] = relationship(
        back_populates="challenge", cascade="all, delete-orphan", order_by="ChallengeValue.id")
    resources: Mapped[list[ChallengeResource]] = relationship(
        back_populates="challenge", cascade="all, delete-orphan",
        order_by="ChallengeResource.id")
    attachments: Mapped[list[ChallengeAttachment]] = relationship(
        back_populates="challenge", cascade="all, delete-orphan",
        order_by="ChallengeAttachment.id")

    @property
    def is_public(self) -> bool:
        return self.status == ChallengeStatus.published

    def __repr__(self) -> str:
        return f"<Challenge {self.id} {self.title!r}>"


class ChallengeOwner(db.Model):
    """A user who may edit the challenge and answers the teams. Several may co-own one."""

    __tablename__ = "challenge_owners"
    __table_args__ = (UniqueConstraint("challenge_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    challenge: Mapped[Challenge] = relationship(back_populates="owners")
    user: Mapped[User] = relationship()


class ChallengeValue(db.Model):
    """An intended value, with a sentence on how it would be noticed."""

    __tablename__ = "challenge_values"
    __table_args__ = (UniqueConstraint("challenge_id", "dimension"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    dimension: Mapped[ValueDimension] = enum_column(ValueDimension)
    how_noticed: Mapped[str] = mapped_column(String(500), default="")

    challenge: Mapped[Challenge] = relationship(back_populates="values")


class ChallengeResource(db.Model):
    """What the owner offers the teams: people, data, rooms, budget, decision power."""

    __tablename__ = "challenge_resources"
    __table_args__ = (UniqueConstraint("challenge_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ResourceKind] = enum_column(ResourceKind)
    description: Mapped[str] = mapped_column(String(500), default="")

    challenge: Mapped[Challenge] = relationship(back_populates="resources")


class ChallengeAttachment(db.Model):
    """A file the owners attach to the challenge (camp.uploads, area "challenges").

    The file lives under instance/uploads/challenges/<stored_name>; display_name is the
    uploader's file name, only ever shown as text. Deleting the row deletes the file.
    """

    __tablename__ = "challenge_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(20))  # a camp.uploads.KINDS name
    size: Mapped[int] = mapped_column()
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    challenge: Mapped[Challenge] = relationship(back_populates="attachments")
    uploaded_by: Mapped[User | None] = relationship()

    UPLOAD_AREA = "challenges"

    @property
    def kind(self):
        from camp.uploads import KINDS
        return KINDS[self.content_type]


@event.listens_for(ChallengeAttachment, "after_delete")
def _forget_file(mapper, connection, target: ChallengeAttachment) -> None:
    """The row is gone (also when its challenge is deleted): the file goes at the commit."""
    from camp.uploads import delete_after_commit
    delete_after_commit(object_session(target) or db.session(),
                        ChallengeAttachment.UPLOAD_AREA, target.stored_name)


class RequestKind(str, enum.Enum):
    question = "question"
    resource = "resource"


class RequestStatus(str, enum.Enum):
    open = "open"
    answered = "answered"
    declined = "declined"


class QuestionRequest(db.Model):
    """A team's question or resource request to the challenge owner during the camp."""

    __tablename__ = "question_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    camp_id: Mapped[int] = mapped_column(ForeignKey("camps.id", ondelete="CASCADE"), index=True)
    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    kind: Mapped[RequestKind] = enum_column(RequestKind, default=RequestKind.question)
    text: Mapped[str] = mapped_column(Text)
    asked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[RequestStatus] = enum_column(RequestStatus, default=RequestStatus.open,
                                                index=True)
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    camp: Mapped[Camp] = relationship()
    challenge: Mapped[Challenge] = relationship()
    team: Mapped["Team"] = relationship()  # noqa: F821  (camp.teams.models)
    asked_by: Mapped[User | None] = relationship(foreign_keys=[asked_by_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])


# QuestionRequest.team names Team by string; whoever loads these models must also load teams'
# (a test or script importing only this module would otherwise fail to configure mappers).
import camp.teams.models  # noqa: E402,F401  (after the classes: teams' models import them)
