"""Versions of a charter: a frozen snapshot of the working text with a changelog.

Both the drafting side (accepting a proposal, the editors' "save a version") and the
reading side (permanent addresses, comparison, final, signatures, exports) use this.
"""
from __future__ import annotations

from sqlalchemy import func, select

from camp.charters.models import Charter, CharterVersion
from camp.extensions import db


def clause_number(section_number: int, clause_index: int) -> str:
    return f"{section_number}.{clause_index}"


def numbered(charter: Charter) -> list[tuple[int, object, list[tuple[str, object]]]]:
    """The working text as [(section number, section, [(clause number, clause)])], counting
    only clauses that are not removed; numbers follow the order, not the stored positions."""
    result = []
    for s_index, section in enumerate(charter.sections, start=1):
        clauses = [(clause_number(s_index, c_index), clause)
                   for c_index, clause in enumerate(section.live_clauses, start=1)]
        result.append((s_index, section, clauses))
    return result


def snapshot(charter: Charter) -> dict:
    """The working text as stored in CharterVersion.snapshot (see camp.charters.models)."""
    return {
        "title": charter.title,
        "introduction": charter.introduction or "",
        "sections": [
            {"id": section.id, "number": number, "title": section.title,
             "clauses": [{"id": clause.id, "number": c_number, "text": clause.text}
                         for c_number, clause in clauses]}
            for number, section, clauses in numbered(charter)],
    }


def latest(charter: Charter) -> CharterVersion | None:
    return db.session.execute(
        select(CharterVersion).where(CharterVersion.charter_id == charter.id)
        .order_by(CharterVersion.number.desc()).limit(1)).scalar_one_or_none()


def create_version(actor, charter: Charter, changelog: list[dict],
                   note: str = "") -> CharterVersion:
    """A new numbered version of the charter's current working text. The caller holds the
    write lock (begin_write) so two versions never get the same number; the unique
    constraint (charter_id, number) guards it anyway."""
    db.session.flush()
    db.session.expire(charter, ["sections"])
    number = (db.session.execute(
        select(func.max(CharterVersion.number)).where(CharterVersion.charter_id == charter.id)
    ).scalar() or 0) + 1
    version = CharterVersion(charter_id=charter.id, number=number, snapshot=snapshot(charter),
                             changelog=list(changelog), note=note,
                             created_by_id=getattr(actor, "id", None))
    db.session.add(version)
    db.session.flush()
    return version


def changelog_entry(kind: str, *, proposal=None, clause_number: str | None = None,
                    author: str = "", decided_by: str = "", summary: str = "") -> dict:
    return {"kind": kind, "proposal_id": getattr(proposal, "id", None), "clause": clause_number,
            "author": author, "decided_by": decided_by, "summary": summary[:300]}


def forget_person(user, label: str) -> None:
    """Erasure of a person (issue 9): their name leaves the changelogs, where it was
    copied as the author of accepted proposals and as the editor who decided a proposal or
    saved a version (the version's created_by). `label` takes its place."""
    from sqlalchemy import or_

    from camp.charters.models import Proposal
    authored = set(db.session.execute(
        select(Proposal.id).where(Proposal.author_id == user.id)).scalars())
    charters = select(Proposal.charter_id).where(Proposal.author_id == user.id)
    rows = db.session.execute(select(CharterVersion).where(or_(
        CharterVersion.created_by_id == user.id,
        CharterVersion.charter_id.in_(charters)))).scalars().all()
    for version in rows:
        mine = version.created_by_id == user.id
        changed = []
        for entry in version.changelog or []:
            entry = dict(entry)
            if mine:
                entry["decided_by"] = label
                if entry.get("kind") == "edit":
                    entry["author"] = label
            if entry.get("proposal_id") in authored:
                entry["author"] = label
            changed.append(entry)
        if changed != list(version.changelog or []):
            version.changelog = changed
    db.session.flush()
