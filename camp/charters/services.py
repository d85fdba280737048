"""The charter's working text: charters, editors, phases, sections and clauses.

Editors change the text directly only while the charter is in drafting; in consultation
it changes only through accepted proposals (camp.charters.proposals). Every direct edit
bumps Charter.text_revision (and the clause's revision); an edit that started from an
older text_revision is a Conflict, so two editors never overwrite each other unseen.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from camp.audit import record
from camp.auth.models import User
from camp.camps.models import Camp, Membership, Role
from camp.charters import versions
from camp.charters.models import Charter, CharterEditor, CharterPhase, Clause, Proposal, \
    ProposalStatus, Section
from camp.db import begin_write, utcnow
from camp.errors import Conflict, DomainError
from camp.extensions import db

TITLE_MAX = 200
SLUG_MAX = 80
INTRO_MAX = 20_000
SECTION_TITLE_MAX = 200
CLAUSE_MAX = 5_000
NOTE_MAX = 2_000

STALE = _l("Someone else changed the charter while you were editing. Your text is kept "
           "below; compare it with the newer text and save again.")


# --- Reading ------------------------------------------------------------------------------

def charter_by_slug(slug: str, with_text: bool = False) -> Charter | None:
    stmt = select(Charter).where(Charter.slug == slug).options(
        joinedload(Charter.camp), selectinload(Charter.editors))
    if with_text:
        stmt = stmt.options(selectinload(Charter.sections).selectinload(Section.clauses))
    return db.session.execute(stmt).unique().scalar_one_or_none()


def visible_charters(user, q: str = "") -> list[Charter]:
    """Charters `user` may see, newest first, filtered by a search in title/introduction."""
    from camp.permissions import can
    stmt = select(Charter).options(joinedload(Charter.camp), selectinload(Charter.editors)) \
        .order_by(Charter.created_at.desc(), Charter.id.desc())
    q = (q or "").strip()
    if q:
        pattern = "%" + q.lower().replace("\\", "\\\\").replace("%", "\\%") \
            .replace("_", "\\_") + "%"
        stmt = stmt.outerjoin(Camp, Camp.id == Charter.camp_id).where(or_(
            func.lower(Charter.title).like(pattern, escape="\\"),
            func.lower(Charter.introduction).like(pattern, escape="\\"),
            func.lower(Camp.title).like(pattern, escape="\\")))
    charters = db.session.execute(stmt).unique().scalars().all()
    return [c for c in charters if can(user, "charter.view", c)]


def open_proposal_counts(charter_ids) -> dict[int, int]:
    ids = list(charter_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Proposal.charter_id, func.count()).where(
            Proposal.charter_id.in_(ids), Proposal.status == ProposalStatus.open)
        .group_by(Proposal.charter_id)).all()
    return {cid: n for cid, n in rows}


def organised_camps(user) -> list[Camp]:
    """The camps a new charter may belong to: those `user` organises (all for admins)."""
    stmt = select(Camp).order_by(Camp.starts_at.desc(), Camp.id)
    if not getattr(user, "is_admin", False):
        stmt = stmt.join(Membership, Membership.camp_id == Camp.id).where(
            Membership.user_id == user.id, Membership.role == Role.organiser)
    return db.session.execute(stmt).unique().scalars().all()


def consultation_open(charter: Charter, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return charter.phase == CharterPhase.consultation \
        and charter.consultation_closes_at is not None and now < charter.consultation_closes_at


def timezone_of(charter: Charter) -> str | None:
    return charter.camp.timezone if charter.camp is not None else None


def clause_numbers(charter: Charter) -> dict[int, str]:
    """clause id -> "2.3" for the live clauses of the working text."""
    return {clause.id: number for _n, _s, clauses in versions.numbered(charter)
            for number, clause in clauses}


def live_clause(charter: Charter, clause_id) -> Clause | None:
    clause = db.session.get(Clause, clause_id) if isinstance(clause_id, int) else None
    if clause is None or clause.charter_id != charter.id or clause.removed_at is not None:
        return None
    return clause


# --- Creating -----------------------------------------------------------------------------

def slugify(text: str) -> str:
    table = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "é": "e", "ü": "u", "ö": "oe",
                           "ä": "ae"})
    slug = re.sub(r"[^a-z0-9]+", "-", (text or "").lower().translate(table)).strip("-")
    return slug[:SLUG_MAX].strip("-")


def free_slug(title: str) -> str:
    """A slug made from the title, with -2, -3, ... when another charter has it."""
    base = slugify(title) or "charter"
    slug, n = base, 1
    while db.session.execute(select(Charter.id).where(Charter.slug == slug)).first():
        n += 1
        suffix = f"-{n}"
        slug = base[:SLUG_MAX - len(suffix)].strip("-") + suffix
    return slug


@dataclass
class CharterData:
    title: str
    introduction: str = ""
    camp_id: int | None = None


def _clean_title(title: str | None) -> str:
    title = (title or "").strip()
    if not title:
        raise DomainError(_l("Give the charter a title."), field="title")
    if len(title) > TITLE_MAX:
        raise DomainError(_l("Keep the title under %(max)s characters.", max=TITLE_MAX),
                          field="title")
    return title


def _clean_intro(text: str | None) -> str:
    text = (text or "").strip()
    if len(text) > INTRO_MAX:
        raise DomainError(_l("Keep the introduction under %(max)s characters.",
                             max=f"{INTRO_MAX:,}"), field="introduction")
    return text


def create_charter(actor, data: CharterData) -> Charter:
    title = _clean_title(data.title)
    introduction = _clean_intro(data.introduction)
    camp = None
    if data.camp_id:
        camp = next((c for c in organised_camps(actor) if c.id == data.camp_id), None)
        if camp is None:
            raise DomainError(_l("Choose one of the camps you organise, or none."),
                              field="camp_id")
    begin_write(db.session)
    charter = Charter(slug=free_slug(title), title=title, introduction=introduction,
                      camp_id=camp.id if camp else None, phase=CharterPhase.drafting,
                      created_by_id=actor.id)
    db.session.add(charter)
    db.session.flush()
    db.session.add(CharterEditor(charter_id=charter.id, user_id=actor.id))
    db.session.flush()
    record("charter.create", actor=actor, camp=camp, obj=charter, slug=charter.slug)
    return charter


# --- Locking and the optimistic check -----------------------------------------------------

def lock(charter: Charter) -> Charter:
    """Hold the charter for a read-then-write change: SQLite's write lock, PostgreSQL's row
    lock; everything read before is read again."""
    begin_write(db.session)
    if db.session.get_bind().dialect.name != "sqlite":
        db.session.execute(select(Charter.id).where(Charter.id == charter.id)
                           .with_for_update())
    db.session.expire_all()
    return charter


def _check_revision(charter: Charter, base_revision) -> None:
    if base_revision is not None and base_revision != charter.text_revision:
        raise Conflict(STALE)


def drafting_refusal(charter: Charter):
    if charter.phase == CharterPhase.consultation:
        return _l("The charter is in consultation: its text changes only through proposals. "
                  "Move it back to drafting to edit it directly.")
    if charter.phase == CharterPhase.final:
        return _l("The charter is final; its text can no longer change.")
    return None


def _editing(charter: Charter, base_revision) -> None:
    """Lock, then refuse unless in drafting and nobody changed the text meanwhile."""
    lock(charter)
    message = drafting_refusal(charter)
    if message is not None:
        raise DomainError(message)
    _check_revision(charter, base_revision)


def _bump(charter: Charter) -> None:
    charter.text_revision = (charter.text_revision or 1) + 1
    charter.updated_at = utcnow()


# --- Title, introduction, phase -----------------------------------------------------------

def update_details(actor, charter: Charter, title: str, introduction: str,
                   base_revision: int | None) -> Charter:
    title = _clean_title(title)
    introduction = _clean_intro(introduction)
    _editing(charter, base_revision)
    if (title, introduction) != (charter.title, charter.introduction or ""):
        charter.title, charter.introduction = title, introduction
        _bump(charter)
    db.session.flush()
    record("charter.edit", actor=actor, camp=charter.camp, obj=charter)
    return charter


def set_phase(actor, charter: Charter, phase: str, closes_at: datetime | None,
              now: datetime | None = None) -> Charter:
    """drafting <-> consultation (with a closing date in the future); never final here."""
    now = now or utcnow()
    try:
        target = CharterPhase(phase)
    except ValueError:
        target = None
    if target not in (CharterPhase.drafting, CharterPhase.consultation):
        raise DomainError(_l("Choose drafting or consultation. A charter becomes final when "
                             "a version is declared final."), field="phase")
    if target == CharterPhase.consultation and (closes_at is None or closes_at <= now):
        raise DomainError(_l("Choose a closing date in the future."), field="closes_at")
    lock(charter)
    if charter.phase == CharterPhase.final:
        raise DomainError(_l("The charter is final; its phase can no longer change."))
    charter.phase = target
    charter.consultation_closes_at = closes_at if target == CharterPhase.consultation \
        else charter.consultation_closes_at
    db.session.flush()
    record("charter.phase", actor=actor, camp=charter.camp, obj=charter, phase=target.value,
           closes_at=closes_at.isoformat() if closes_at else None)
    return charter


# --- Editors ------------------------------------------------------------------------------

def add_editor(actor, charter: Charter, email: str) -> CharterEditor:
    from camp.auth.services import find_user_by_email
    user = find_user_by_email((email or "").strip())
    if user is None or user.deleted_at is not None:
        raise DomainError(_l("Nobody has an account with that e-mail address. Ask them to "
                             "sign up first."), field="email")
    lock(charter)
    if any(e.user_id == user.id for e in charter.editors):
        raise DomainError(_l("%(name)s is already an editor.", name=user.name), field="email")
    editor = CharterEditor(charter_id=charter.id, user_id=user.id)
    db.session.add(editor)
    db.session.flush()
    record("charter.editor_add", actor=actor, camp=charter.camp, obj=charter, user_id=user.id)
    return editor


def remove_editor(actor, charter: Charter, user_id) -> User:
    lock(charter)
    editor = next((e for e in charter.editors if e.user_id == user_id), None)
    if editor is None:
        raise DomainError(_l("That person is not an invited editor of this charter."))
    user = editor.user
    db.session.delete(editor)
    db.session.flush()
    record("charter.editor_remove", actor=actor, camp=charter.camp, obj=charter,
           user_id=user_id)
    return user


# --- Sections -----------------------------------------------------------------------------

def _clean_section_title(title: str | None) -> str:
    title = (title or "").strip()
    if not title:
        raise DomainError(_l("Give the section a title."), field="title")
    if len(title) > SECTION_TITLE_MAX:
        raise DomainError(_l("Keep the title under %(max)s characters.",
                             max=SECTION_TITLE_MAX), field="title")
    return title


def _own_section(charter: Charter, section: Section) -> Section:
    if section is None or section.charter_id != charter.id:
        raise DomainError(_l("That section is not in this charter."))
    return section


def add_section(actor, charter: Charter, title: str, base_revision: int | None) -> Section:
    title = _clean_section_title(title)
    _editing(charter, base_revision)
    position = max((s.position for s in charter.sections), default=0) + 1
    section = Section(charter_id=charter.id, position=position, title=title)
    db.session.add(section)
    _bump(charter)
    db.session.flush()
    record("charter.section_add", actor=actor, camp=charter.camp, obj=section)
    return section


def rename_section(actor, charter: Charter, section: Section, title: str,
                   base_revision: int | None) -> Section:
    title = _clean_section_title(title)
    _editing(charter, base_revision)
    _own_section(charter, section)
    if section.title != title:
        section.title = title
        _bump(charter)
    db.session.flush()
    return section


def _swap(items: list, item, direction: str) -> bool:
    """Renumber `items` 1..n in their order and move `item` one step up or down."""
    index = items.index(item)
    target = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= target < len(items):
        return False
    items[index], items[target] = items[target], items[index]
    for position, obj in enumerate(items, start=1):
        obj.position = position
    return True


def move_section(actor, charter: Charter, section: Section, direction: str,
                 base_revision: int | None = None) -> Section:
    _editing(charter, base_revision)
    _own_section(charter, section)
    if not _swap(list(charter.sections), section, direction):
        raise DomainError(_l("The section cannot move further that way."))
    _bump(charter)
    db.session.flush()
    db.session.expire(charter, ["sections"])
    return section


def delete_section(actor, charter: Charter, section: Section,
                   base_revision: int | None = None) -> Section:
    _editing(charter, base_revision)
    _own_section(charter, section)
    if section.live_clauses:
        raise DomainError(_l("Only an empty section can be deleted. Remove or move its "
                             "clauses first."))
    if section.clauses or db.session.execute(
            select(Proposal.id).where(Proposal.section_id == section.id)).first():
        raise DomainError(_l("This section holds removed clauses or proposals kept for the "
                             "history, so it stays. Rename it instead."))
    record("charter.section_delete", actor=actor, camp=charter.camp, obj=section,
           title=section.title)
    db.session.delete(section)
    _bump(charter)
    db.session.flush()
    db.session.expire(charter, ["sections"])
    return section


# --- Clauses ------------------------------------------------------------------------------

def clean_clause_text(text: str | None, field: str = "text") -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError(_l("Write the text of the clause."), field=field)
    if len(text) > CLAUSE_MAX:
        raise DomainError(_l("Keep the clause under %(max)s characters.",
                             max=f"{CLAUSE_MAX:,}"), field=field)
    return text


def _own_clause(charter: Charter, clause: Clause) -> Clause:
    if clause is None or clause.charter_id != charter.id or clause.removed_at is not None:
        raise DomainError(_l("That clause is not in the charter's text (any more)."))
    return clause


def insert_clause(section: Section, text: str, after: Clause | None = None,
                  at_end: bool = False) -> Clause:
    """A new clause in `section`: after `after`, at the end, or else first. Positions of
    the section's clauses (removed ones too) are renumbered in their order."""
    ordered = list(section.clauses)
    clause = Clause(charter_id=section.charter_id, section_id=section.id, text=text)
    if at_end:
        ordered.append(clause)
    elif after is None:
        ordered.insert(0, clause)
    else:
        ordered.insert(ordered.index(after) + 1, clause)
    for position, obj in enumerate(ordered, start=1):
        obj.position = position
    section.clauses.append(clause)
    db.session.flush()
    db.session.expire(section, ["clauses"])  # read again in the order of the positions
    return clause


def add_clause(actor, charter: Charter, section: Section, text: str,
               base_revision: int | None) -> Clause:
    text = clean_clause_text(text)
    _editing(charter, base_revision)
    _own_section(charter, section)
    clause = insert_clause(section, text, at_end=True)
    _bump(charter)
    db.session.flush()
    record("charter.clause_add", actor=actor, camp=charter.camp, obj=clause)
    return clause


def edit_clause(actor, charter: Charter, clause: Clause, text: str,
                base_revision: int | None) -> Clause:
    text = clean_clause_text(text)
    _editing(charter, base_revision)
    _own_clause(charter, clause)
    if clause.text != text:
        clause.text = text
        clause.revision = (clause.revision or 1) + 1
        _bump(charter)
    db.session.flush()
    record("charter.clause_edit", actor=actor, camp=charter.camp, obj=clause,
           revision=clause.revision)
    return clause


def move_clause(actor, charter: Charter, clause: Clause, direction: str,
                base_revision: int | None = None) -> Clause:
    _editing(charter, base_revision)
    _own_clause(charter, clause)
    section = clause.section
    live = section.live_clauses
    if not _swap(live, clause, direction):
        raise DomainError(_l("The clause cannot move further that way."))
    # Removed clauses keep their places after the live ones.
    for position, obj in enumerate(live + [c for c in section.clauses if c.removed_at],
                                   start=1):
        obj.position = position
    _bump(charter)
    db.session.flush()
    db.session.expire(section, ["clauses"])
    return clause


def remove_clause(actor, charter: Charter, clause: Clause,
                  base_revision: int | None = None, now: datetime | None = None) -> Clause:
    _editing(charter, base_revision)
    _own_clause(charter, clause)
    clause.removed_at = now or utcnow()
    clause.revision = (clause.revision or 1) + 1
    _bump(charter)
    db.session.flush()
    record("charter.clause_remove", actor=actor, camp=charter.camp, obj=clause)
    return clause


# --- Versions -----------------------------------------------------------------------------

def save_version(actor, charter: Charter, note: str):
    """The editors' "save a version": the working text as version n+1 (kind "edit")."""
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise DomainError(_l("Keep the note under %(max)s characters.", max=f"{NOTE_MAX:,}"),
                          field="note")
    lock(charter)
    if charter.phase == CharterPhase.final:
        raise DomainError(_l("The charter is final; its text can no longer change."))
    last = versions.latest(charter)
    if last is not None and last.snapshot == versions.snapshot(charter):
        raise DomainError(_l("Nothing has changed since version %(n)s.", n=last.number))
    name = getattr(actor, "name", "")
    entry = versions.changelog_entry(
        "edit", author=name, decided_by=name,
        summary=note or str(_l("Edited by the editors.")))
    version = versions.create_version(actor, charter, [entry], note)
    record("charter.version", actor=actor, camp=charter.camp, obj=charter,
           number=version.number)
    return version
