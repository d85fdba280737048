"""Proposals to change the charter, stances on them, and the editors' decisions.

A proposal names the clause's revision and text it was made against. Accepting it applies
the change to the working text and makes a new version, in one transaction that holds the
charter's lock, after checking the clause has not moved on (else a Conflict, nothing
changes): of two editors accepting proposals on one clause at once, exactly one wins.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload

from camp.audit import record
from camp.charters import versions
from camp.charters.models import Charter, CharterComment, CharterPhase, Clause, Proposal, \
    ProposalKind, ProposalStatus, Section, Stance
from camp.charters.services import clause_numbers, clean_clause_text, consultation_open, \
    insert_clause, lock
from camp.db import begin_write, utcnow
from camp.errors import Conflict, DomainError, NotAllowed
from camp.extensions import db

TEXT_MAX = 5_000
RATIONALE_MAX = 2_000
REASON_MAX = 2_000
PER_PAGE = 20

STANCE_VALUES = {"support": 1, "oppose": -1, "clear": 0}

CLAUSE_CHANGED = _l("The clause has changed since this proposal was made; ask the author to "
                    "make a new proposal or reject it.")


# --- Making a proposal --------------------------------------------------------------------

def consultation_refusal(charter: Charter, now: datetime | None = None):
    """Why nobody can propose (or take a stance) now, or None."""
    if charter.phase == CharterPhase.drafting:
        return _l("The charter is still being drafted by its editors. Proposals open when "
                  "the consultation starts.")
    if charter.phase == CharterPhase.final:
        return _l("The charter is final. No more proposals.")
    if not consultation_open(charter, now):
        return _l("The consultation has closed. No more proposals or stances.")
    return None


@dataclass
class ProposalData:
    kind: str
    text: str = ""
    rationale: str = ""


def _clean(data: ProposalData, base_text: str) -> tuple[ProposalKind, str, str]:
    try:
        kind = ProposalKind(data.kind)
    except ValueError:
        raise DomainError(_l("Choose what you propose."), field="kind") from None
    rationale = (data.rationale or "").strip()
    if not rationale:
        raise DomainError(_l("Explain why: the editors and the others decide on your "
                             "reasons."), field="rationale")
    if len(rationale) > RATIONALE_MAX:
        raise DomainError(_l("Keep the rationale under %(max)s characters.",
                             max=f"{RATIONALE_MAX:,}"), field="rationale")
    text = ""
    if kind != ProposalKind.remove:
        text = clean_clause_text(data.text)
        if kind == ProposalKind.replace and text == (base_text or "").strip():
            raise DomainError(_l("The new wording is the same as the current text. Change "
                                 "it, or propose something else."), field="text")
    return kind, text, rationale


def propose(actor, charter: Charter, data: ProposalData, clause: Clause | None = None,
            section: Section | None = None, now: datetime | None = None) -> Proposal:
    """Replace or remove `clause`, or add a clause after it (or first in `section`)."""
    begin_write(db.session)
    message = consultation_refusal(charter, now)
    if message is not None:
        raise DomainError(message)
    if clause is not None and (clause.charter_id != charter.id or clause.removed_at):
        raise DomainError(_l("That clause is not in the charter's text (any more)."))
    if section is not None and section.charter_id != charter.id:
        raise DomainError(_l("That section is not in this charter."))
    kind, text, rationale = _clean(data, clause.text if clause is not None else "")
    if clause is None and (kind != ProposalKind.add or section is None):
        raise DomainError(_l("Choose the clause your proposal is about."), field="kind")
    proposal = Proposal(
        charter_id=charter.id, kind=kind, clause_id=clause.id if clause else None,
        section_id=clause.section_id if clause else section.id, text=text,
        rationale=rationale, base_revision=clause.revision if clause else 0,
        base_text=clause.text if clause is not None and kind != ProposalKind.add else "",
        author_id=actor.id, created_at=now or utcnow())
    db.session.add(proposal)
    db.session.flush()
    record("charter.propose", actor=actor, camp=charter.camp, obj=proposal, kind=kind.value,
           clause_id=proposal.clause_id)
    return proposal


def withdraw(actor, proposal: Proposal, now: datetime | None = None) -> Proposal:
    lock(proposal.charter)
    if proposal.author_id != getattr(actor, "id", None):
        raise NotAllowed(_l("Only the author can withdraw a proposal."))
    if proposal.status != ProposalStatus.open:
        raise DomainError(_l("This proposal is already decided or withdrawn."))
    proposal.status = ProposalStatus.withdrawn
    proposal.decided_at = now or utcnow()
    db.session.flush()
    record("charter.withdraw", actor=actor, camp=proposal.charter.camp, obj=proposal)
    return proposal


# --- Stances ------------------------------------------------------------------------------

def set_stance(actor, proposal: Proposal, value: str, now: datetime | None = None):
    """Support, oppose or clear: one stance per person, changeable while the proposal is
    open and the consultation runs. Authors do not take a stance on their own proposal."""
    if value not in STANCE_VALUES:
        raise DomainError(_l("Choose support or oppose."))
    begin_write(db.session)
    if proposal.author_id == actor.id:
        raise DomainError(_l("This is your own proposal; your support goes without saying."))
    if proposal.status != ProposalStatus.open:
        raise DomainError(_l("This proposal is already decided or withdrawn."))
    message = consultation_refusal(proposal.charter, now)
    if message is not None:
        raise DomainError(message)
    stance = db.session.execute(select(Stance).where(
        Stance.proposal_id == proposal.id, Stance.user_id == actor.id)).scalar_one_or_none()
    number = STANCE_VALUES[value]
    if number == 0:
        if stance is not None:
            db.session.delete(stance)
        db.session.flush()
        return None
    if stance is None:
        stance = Stance(proposal_id=proposal.id, user_id=actor.id, value=number)
        db.session.add(stance)
    else:
        stance.value = number
        stance.updated_at = now or utcnow()
    db.session.flush()
    return stance


def stance_counts(proposal_ids) -> dict[int, tuple[int, int]]:
    """proposal id -> (supporters, opponents), in one query."""
    ids = list(proposal_ids)
    out = {pid: (0, 0) for pid in ids}
    if not ids:
        return out
    rows = db.session.execute(
        select(Stance.proposal_id, func.sum(case((Stance.value > 0, 1), else_=0)),
               func.sum(case((Stance.value < 0, 1), else_=0)))
        .where(Stance.proposal_id.in_(ids)).group_by(Stance.proposal_id)).all()
    for pid, support, oppose in rows:
        out[pid] = (int(support or 0), int(oppose or 0))
    return out


def stance_of(user, proposal: Proposal) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    value = db.session.execute(select(Stance.value).where(
        Stance.proposal_id == proposal.id, Stance.user_id == user.id)).scalar()
    return value or 0


# --- Deciding -----------------------------------------------------------------------------

def _apply(proposal: Proposal, now: datetime) -> Clause | None:
    """Change the working text as the proposal says (the caller holds the lock)."""
    clause = proposal.clause
    if proposal.kind == ProposalKind.add:
        if clause is not None and clause.removed_at is not None:
            raise Conflict(_l("The clause this one was to follow has been removed since; "
                              "ask the author to make a new proposal or reject it."))
        section = clause.section if clause is not None else proposal.section
        if section is None:
            raise Conflict(CLAUSE_CHANGED)
        return insert_clause(section, proposal.text, after=clause)
    if clause is None or clause.removed_at is not None \
            or clause.revision != proposal.base_revision:
        raise Conflict(CLAUSE_CHANGED)
    if proposal.kind == ProposalKind.replace:
        clause.text = proposal.text
    else:
        clause.removed_at = now
    clause.revision += 1
    return clause


def _summary(proposal: Proposal) -> str:
    text = proposal.rationale if proposal.kind == ProposalKind.remove else proposal.text
    return " ".join(text.split())


def decide(actor, proposal: Proposal, decision: str, reason: str = "",
           now: datetime | None = None) -> Proposal:
    """An editor accepts or rejects an open proposal. Accepting changes the text and makes
    version n+1 with a changelog entry, all or nothing."""
    now = now or utcnow()
    reason = (reason or "").strip()
    if decision not in ("accept", "reject"):
        raise DomainError(_l("Choose accept or reject."), field="decision")
    if decision == "reject" and not reason:
        raise DomainError(_l("Give the reason for rejecting it: the author and the "
                             "supporters are told."), field="reason")
    if len(reason) > REASON_MAX:
        raise DomainError(_l("Keep the reason under %(max)s characters.",
                             max=f"{REASON_MAX:,}"), field="reason")
    charter = lock(proposal.charter)
    if db.session.get_bind().dialect.name != "sqlite":
        db.session.execute(select(Proposal.id).where(Proposal.id == proposal.id)
                           .with_for_update())
        db.session.refresh(proposal)
    if proposal.status != ProposalStatus.open:
        raise Conflict(_l("This proposal is already decided or withdrawn."))
    if charter.phase == CharterPhase.final:
        raise DomainError(_l("The charter is final; its text can no longer change."))
    proposal.decided_by_id = actor.id
    proposal.decided_at = now
    proposal.decision_reason = reason
    if decision == "reject":
        proposal.status = ProposalStatus.rejected
        db.session.flush()
        record("charter.reject", actor=actor, camp=charter.camp, obj=proposal)
        return proposal
    number = clause_numbers(charter).get(proposal.clause_id) if proposal.clause_id else None
    clause = _apply(proposal, now)
    if proposal.kind == ProposalKind.add:
        db.session.expire(charter, ["sections"])
        number = clause_numbers(charter).get(clause.id)
    charter.text_revision = (charter.text_revision or 1) + 1
    charter.updated_at = now
    proposal.status = ProposalStatus.accepted
    entry = versions.changelog_entry(
        proposal.kind.value, proposal=proposal, clause_number=number,
        author=proposal.author.name if proposal.author else "",
        decided_by=getattr(actor, "name", ""), summary=_summary(proposal))
    version = versions.create_version(actor, charter, [entry], reason)
    proposal.version_id = version.id
    db.session.flush()
    record("charter.accept", actor=actor, camp=charter.camp, obj=proposal,
           version=version.number)
    return proposal


def recipients(proposal: Proposal) -> list:
    """Who hears of the decision: the author and the supporters, not the deciding editor."""
    users = [proposal.author] + [s.user for s in proposal.stances if s.value > 0]
    seen, out = set(), []
    for user in users:
        if user is None or user.deleted_at is not None or user.id in seen \
                or user.id == proposal.decided_by_id:
            continue
        seen.add(user.id)
        out.append(user)
    return out


# --- Reading ------------------------------------------------------------------------------

def proposals_page(charter: Charter, status: str = "", clause_id: int | None = None,
                   page: int = 1, per_page: int = PER_PAGE):
    stmt = select(Proposal).where(Proposal.charter_id == charter.id).options(
        joinedload(Proposal.author), joinedload(Proposal.clause))
    if status in {s.value for s in ProposalStatus}:
        stmt = stmt.where(Proposal.status == ProposalStatus(status))
    if clause_id:
        stmt = stmt.where(Proposal.clause_id == clause_id)
    stmt = stmt.order_by(case((Proposal.status == ProposalStatus.open, 0), else_=1),
                         Proposal.created_at.desc(), Proposal.id.desc())
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False, count=True)


def open_counts_per_clause(charter: Charter) -> dict[int, int]:
    rows = db.session.execute(
        select(Proposal.clause_id, func.count()).where(
            Proposal.charter_id == charter.id, Proposal.status == ProposalStatus.open,
            Proposal.clause_id.is_not(None))
        .group_by(Proposal.clause_id)).all()
    return {cid: n for cid, n in rows}


def for_clause(clause: Clause) -> list[Proposal]:
    return db.session.execute(
        select(Proposal).where(Proposal.clause_id == clause.id)
        .options(joinedload(Proposal.author))
        .order_by(Proposal.created_at.desc(), Proposal.id.desc())).scalars().all()


# --- Personal data ------------------------------------------------------------------------

def export_user_charters(user) -> dict:
    """The proposals, comments and stances a person made, for their data export."""
    def iso(dt):
        return dt.isoformat() if dt else None
    proposals = db.session.execute(
        select(Proposal).where(Proposal.author_id == user.id)
        .options(joinedload(Proposal.charter)).order_by(Proposal.id)).scalars().all()
    comments = db.session.execute(
        select(CharterComment, Charter.slug).join(Charter,
                                                  Charter.id == CharterComment.charter_id)
        .where(CharterComment.author_id == user.id).order_by(CharterComment.id)).all()
    stances = db.session.execute(
        select(Stance, Proposal.charter_id, Charter.slug)
        .join(Proposal, Proposal.id == Stance.proposal_id)
        .join(Charter, Charter.id == Proposal.charter_id)
        .where(Stance.user_id == user.id).order_by(Stance.id)).all()
    return {
        "charter_proposals": [{
            "charter": p.charter.slug, "id": p.id, "kind": p.kind.value, "text": p.text,
            "rationale": p.rationale, "status": p.status.value, "at": iso(p.created_at)}
            for p in proposals],
        "charter_comments": [{
            "charter": slug, "id": c.id, "tag": c.tag.value, "body": c.body,
            "clause_id": c.clause_id, "proposal_id": c.proposal_id, "reply_to": c.parent_id,
            "at": iso(c.created_at)} for c, slug in comments],
        "charter_stances": [{
            "charter": slug, "proposal_id": s.proposal_id,
            "stance": "support" if s.value > 0 else "oppose", "at": iso(s.updated_at)}
            for s, _cid, slug in stances],
    }
