"""Comments on a clause or on a proposal, tagged question / suggestion / note, with one
level of replies (a reply to a reply goes under the top comment)."""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from camp.audit import record
from camp.charters.models import Charter, CharterComment, CharterPhase, Clause, CommentTag, \
    Proposal
from camp.db import begin_write, utcnow
from camp.errors import DomainError
from camp.extensions import db

BODY_MAX = 5_000


def refusal(charter: Charter):
    if charter.phase == CharterPhase.final:
        return _l("The charter is final; the discussion is closed.")
    return None


def add(actor, charter: Charter, body: str, tag: str = "note", clause: Clause | None = None,
        proposal: Proposal | None = None, parent_id=None,
        now: datetime | None = None) -> CharterComment:
    """A comment on exactly one of `clause` or `proposal` (both of this charter)."""
    body = (body or "").strip()
    if not body:
        raise DomainError(_l("Write your comment."), field="body")
    if len(body) > BODY_MAX:
        raise DomainError(_l("Keep it under %(max)s characters.", max=f"{BODY_MAX:,}"),
                          field="body")
    try:
        tag_value = CommentTag(tag or "note")
    except ValueError:
        raise DomainError(_l("Choose question, suggestion or note."), field="tag") from None
    begin_write(db.session)
    message = refusal(charter)
    if message is not None:
        raise DomainError(message)
    target = clause if clause is not None else proposal
    if target is None or (clause is not None) == (proposal is not None) \
            or target.charter_id != charter.id:
        raise DomainError(_l("Comment on a clause or a proposal of this charter."))
    parent = None
    if parent_id not in (None, ""):
        parent = db.session.get(CharterComment, parent_id) if isinstance(parent_id, int) \
            else None
        if parent is not None and parent.parent_id is not None:
            parent = db.session.get(CharterComment, parent.parent_id)
        if parent is None or parent.charter_id != charter.id \
                or parent.clause_id != (clause.id if clause else None) \
                or parent.proposal_id != (proposal.id if proposal else None):
            raise DomainError(_l("That comment is not in this discussion. Reload the page "
                                 "and reply to a comment shown there."))
    comment = CharterComment(
        charter_id=charter.id, clause_id=clause.id if clause else None,
        proposal_id=proposal.id if proposal else None,
        parent_id=parent.id if parent else None, tag=tag_value, body=body,
        author_id=actor.id, created_at=now or utcnow())
    db.session.add(comment)
    db.session.flush()
    record("charter.comment", actor=actor, camp=charter.camp, obj=comment,
           clause_id=comment.clause_id, proposal_id=comment.proposal_id)
    return comment


def delete(actor, comment: CharterComment) -> CharterComment:
    """An editor takes a comment (and its replies) away; the view checked the editor."""
    begin_write(db.session)
    record("charter.comment_delete", actor=actor, obj=comment, charter_id=comment.charter_id,
           author_id=comment.author_id)
    db.session.delete(comment)
    db.session.flush()
    return comment


def thread(clause: Clause | None = None, proposal: Proposal | None = None):
    """Top comments, oldest first, each with its replies and authors (constant queries)."""
    stmt = select(CharterComment).where(CharterComment.parent_id.is_(None))
    if clause is not None:
        stmt = stmt.where(CharterComment.clause_id == clause.id)
    else:
        stmt = stmt.where(CharterComment.proposal_id == proposal.id)
    return db.session.execute(
        stmt.options(joinedload(CharterComment.author),
                     selectinload(CharterComment.replies).joinedload(CharterComment.author))
        .order_by(CharterComment.created_at, CharterComment.id)).unique().scalars().all()


def counts_per_clause(charter: Charter) -> dict[int, int]:
    rows = db.session.execute(
        select(CharterComment.clause_id, func.count()).where(
            CharterComment.charter_id == charter.id, CharterComment.clause_id.is_not(None))
        .group_by(CharterComment.clause_id)).all()
    return {cid: n for cid, n in rows}


def counts_per_proposal(proposal_ids) -> dict[int, int]:
    ids = list(proposal_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(CharterComment.proposal_id, func.count()).where(
            CharterComment.proposal_id.in_(ids)).group_by(CharterComment.proposal_id)).all()
    return {pid: n for pid, n in rows}
