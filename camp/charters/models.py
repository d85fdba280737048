"""The co-creation charter (samskabelsescharter): a shared text drafted in the open.

The working text lives in Section and Clause rows. Every change that counts produces a
CharterVersion: a frozen snapshot with a changelog, readable forever at its number.

CharterVersion.snapshot:
    {"title": str, "introduction": str (Markdown),
     "sections": [{"id": int, "number": int, "title": str,
                   "clauses": [{"id": int, "number": "2.3", "text": str (Markdown)}]}]}
CharterVersion.changelog (one entry per accepted proposal or editors' edit):
    [{"kind": "replace" | "add" | "remove" | "edit", "proposal_id": int | None,
      "clause": "2.3" | None, "author": str, "decided_by": str, "summary": str}]
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from camp.auth.models import User, enum_column
from camp.camps.models import Camp
from camp.db import UTCDateTime, utcnow
from camp.extensions import db


class CharterPhase(str, enum.Enum):
    drafting = "drafting"          # editors write; visible, not yet open for proposals
    consultation = "consultation"  # anyone taking part proposes, until closes_at
    final = "final"                # a version is declared final and can be signed


class ProposalKind(str, enum.Enum):
    replace = "replace"  # new text for a clause
    add = "add"          # a new clause after clause_id (or first in section_id)
    remove = "remove"    # take a clause out


class ProposalStatus(str, enum.Enum):
    open = "open"
    accepted = "accepted"
    rejected = "rejected"
    withdrawn = "withdrawn"


class CommentTag(str, enum.Enum):
    question = "question"
    suggestion = "suggestion"
    note = "note"


class Charter(db.Model):
    __tablename__ = "charters"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    # None: the charter stands on its own across camps.
    camp_id: Mapped[int | None] = mapped_column(
        ForeignKey("camps.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    introduction: Mapped[str] = mapped_column(Text, default="")  # Markdown, sanitised
    phase: Mapped[CharterPhase] = enum_column(CharterPhase, default=CharterPhase.drafting)
    consultation_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Bumped by every change of the working text: the optimistic check for editors.
    text_revision: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    camp: Mapped[Camp | None] = relationship()
    sections: Mapped[list[Section]] = relationship(
        back_populates="charter", order_by="Section.position", cascade="all, delete-orphan")
    editors: Mapped[list[CharterEditor]] = relationship(cascade="all, delete-orphan")
    versions: Mapped[list[CharterVersion]] = relationship(
        back_populates="charter", order_by="CharterVersion.number",
        cascade="all, delete-orphan")


class CharterEditor(db.Model):
    """An invited editor (the camp's organisers edit a camp's charter anyway)."""

    __tablename__ = "charter_editors"
    __table_args__ = (UniqueConstraint("charter_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    charter_id: Mapped[int] = mapped_column(
        ForeignKey("charters.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()


class Section(db.Model):
    __tablename__ = "charter_sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    charter_id: Mapped[int] = mapped_column(
        ForeignKey("charters.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(200))

    charter: Mapped[Charter] = relationship(back_populates="sections")
    # Every clause, removed ones too (they are kept for the history); see live_clauses.
    clauses: Mapped[list[Clause]] = relationship(
        back_populates="section", order_by="Clause.position", cascade="all, delete-orphan")

    @property
    def live_clauses(self) -> list[Clause]:
        return [c for c in self.clauses if c.removed_at is None]


class Clause(db.Model):
    """A numbered clause; its number is section.position + its position, shown as "2.3"."""

    __tablename__ = "charter_clauses"

    id: Mapped[int] = mapped_column(primary_key=True)
    charter_id: Mapped[int] = mapped_column(
        ForeignKey("charters.id", ondelete="CASCADE"), index=True)
    section_id: Mapped[int] = mapped_column(
        ForeignKey("charter_sections.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)  # Markdown, sanitised when shown
    # Bumped on every change of this clause: a proposal names the revision it was made
    # against, and accepting it when the clause has moved on is a conflict.
    revision: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # kept for history
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    section: Mapped[Section] = relationship(back_populates="clauses")


class CharterVersion(db.Model):
    __tablename__ = "charter_versions"
    __table_args__ = (UniqueConstraint("charter_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    charter_id: Mapped[int] = mapped_column(
        ForeignKey("charters.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[dict] = mapped_column(JSON, default=dict)
    changelog: Mapped[list] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(Text, default="")
    is_final: Mapped[bool] = mapped_column(default=False)
    final_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    charter: Mapped[Charter] = relationship(back_populates="versions")
    created_by: Mapped[User | None] = relationship()


class Proposal(db.Model):
    __tablename__ = "charter_proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    charter_id: Mapped[int] = mapped_column(
        ForeignKey("charters.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ProposalKind] = enum_column(ProposalKind)
    # replace/remove: the clause; add: the clause it comes after (None: first in section).
    clause_id: Mapped[int | None] = mapped_column(
        ForeignKey("charter_clauses.id", ondelete="CASCADE"), index=True)
    section_id: Mapped[int | None] = mapped_column(
        ForeignKey("charter_sections.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text, default="")  # the proposed text (not for remove)
    rationale: Mapped[str] = mapped_column(Text, default="")
    # The clause's revision and the text it was proposed against (for the difference and
    # the optimistic check).
    base_revision: Mapped[int] = mapped_column(Integer, default=1)
    base_text: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ProposalStatus] = enum_column(ProposalStatus, default=ProposalStatus.open,
                                                 index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                  index=True)
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    version_id: Mapped[int | None] = mapped_column(  # the version that took it in
        ForeignKey("charter_versions.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    charter: Mapped[Charter] = relationship()
    clause: Mapped[Clause | None] = relationship()
    section: Mapped[Section | None] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    stances: Mapped[list[Stance]] = relationship(cascade="all, delete-orphan")


class Stance(db.Model):
    """Support (+1) or opposition (-1) to a proposal: one per person, changeable."""

    __tablename__ = "charter_stances"
    __table_args__ = (UniqueConstraint("proposal_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("charter_proposals.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    value: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship()


class CharterComment(db.Model):
    """On a clause or on a proposal; a reply names its parent."""

    __tablename__ = "charter_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    charter_id: Mapped[int] = mapped_column(
        ForeignKey("charters.id", ondelete="CASCADE"), index=True)
    clause_id: Mapped[int | None] = mapped_column(
        ForeignKey("charter_clauses.id", ondelete="CASCADE"), index=True)
    proposal_id: Mapped[int | None] = mapped_column(
        ForeignKey("charter_proposals.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("charter_comments.id", ondelete="CASCADE"), index=True)
    tag: Mapped[CommentTag] = enum_column(CommentTag, default=CommentTag.note)
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                  index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User | None] = relationship()
    replies: Mapped[list[CharterComment]] = relationship(order_by="CharterComment.id",
                                                         cascade="all, delete-orphan")


class Signature(db.Model):
    """An organisation signs a final version; confirmed by a link sent to the signer."""

    __tablename__ = "charter_signatures"
    __table_args__ = (
        # One standing signature per organisation and version (withdrawn ones are history).
        Index("uq_charter_signatures_active", "version_id", "organisation_key", unique=True,
              sqlite_where=db.text("withdrawn_at IS NULL"),
              postgresql_where=db.text("withdrawn_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    charter_id: Mapped[int] = mapped_column(
        ForeignKey("charters.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("charter_versions.id", ondelete="CASCADE"), index=True)
    organisation: Mapped[str] = mapped_column(String(160))
    organisation_key: Mapped[str] = mapped_column(String(160))  # trimmed, case-folded
    signer_name: Mapped[str] = mapped_column(String(120))
    signer_title: Mapped[str] = mapped_column(String(120), default="")
    email: Mapped[str] = mapped_column(String(254))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                index=True)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)  # until confirmed
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawal_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    version: Mapped[CharterVersion] = relationship()
