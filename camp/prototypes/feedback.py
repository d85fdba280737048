"""Owner feedback on prototypes: the challenge's owners comment, the team answers.

A thread is a list of owner comments (`from_owner`, no parent), each with the team's
answers (`parent_id` = the comment). Only submitted prototypes take feedback. An author may
delete their own words for `DELETE_WINDOW` after writing them, unless the team has already
answered an owner comment. The views check who may comment ("prototype.feedback") or
answer ("prototype.answer"); the services keep the thread's shape.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select

from camp.audit import record
from camp.camps.models import Camp
from camp.challenges.models import Challenge, ChallengeOwner
from camp.db import begin_write, utcnow
from camp.errors import DomainError, NotAllowed
from camp.extensions import db
from camp.prototypes.models import Feedback, Prototype, PrototypeStatus
from camp.teams.models import Team, TeamMember

BODY_MAX = 5000
DELETE_WINDOW = timedelta(minutes=15)


# --- Writing ------------------------------------------------------------------------------

def refusal(prototype: Prototype):
    """Why this prototype cannot take feedback now, or None."""
    if prototype.status != PrototypeStatus.submitted:
        return _l("This prototype is still a draft. Feedback opens when the team submits it.")
    return None


def clean_body(body: str | None, empty_message) -> str:
    body = (body or "").strip()
    if not body:
        raise DomainError(empty_message, field="body")
    if len(body) > BODY_MAX:
        raise DomainError(_l("Keep it under %(max)s characters.", max=f"{BODY_MAX:,}"),
                          field="body")
    return body


def _open(prototype: Prototype) -> None:
    message = refusal(prototype)
    if message is not None:
        raise DomainError(message)


def comment(actor, camp: Camp, prototype: Prototype, body: str,
            now: datetime | None = None) -> Feedback:
    """An owner of the prototype's challenge comments (the view checked the owner)."""
    _open(prototype)
    body = clean_body(body, _l("Write your feedback."))
    begin_write(db.session)
    fb = Feedback(prototype_id=prototype.id, author_id=actor.id, from_owner=True, body=body,
                  created_at=now or utcnow())
    db.session.add(fb)
    db.session.flush()
    record("feedback.comment", actor=actor, camp=camp, obj=fb, prototype_id=prototype.id,
           challenge_id=prototype.challenge_id)
    return fb


def reply_target(prototype: Prototype, parent_id) -> Feedback:
    """The owner comment an answer goes under: it must be one of this prototype's."""
    parent = db.session.get(Feedback, parent_id) if isinstance(parent_id, int) else None
    if parent is None or parent.prototype_id != prototype.id or not parent.from_owner \
            or parent.parent_id is not None:
        raise DomainError(_l("That comment is not on this prototype. Reload the page and "
                             "answer a comment shown there."))
    return parent


def answer(actor, camp: Camp, prototype: Prototype, parent_id, body: str,
           now: datetime | None = None) -> Feedback:
    """A member of the team answers one owner comment (the view checked the member)."""
    _open(prototype)
    parent = reply_target(prototype, parent_id)
    body = clean_body(body, _l("Write your answer."))
    begin_write(db.session)
    fb = Feedback(prototype_id=prototype.id, parent_id=parent.id, author_id=actor.id,
                  from_owner=False, body=body, created_at=now or utcnow())
    db.session.add(fb)
    db.session.flush()
    record("feedback.answer", actor=actor, camp=camp, obj=fb, prototype_id=prototype.id,
           parent_id=parent.id, team_id=prototype.team_id)
    return fb


def delete_refusal(actor, fb: Feedback, now: datetime | None = None):
    """Why `actor` may not delete this comment now, or None."""
    now = now or utcnow()
    if fb.author_id is None or fb.author_id != getattr(actor, "id", None):
        return _l("Only the author can delete a comment.")
    if now - fb.created_at > DELETE_WINDOW:
        return _l("A comment can only be deleted in the first %(minutes)s minutes. "
                  "Write a new one to correct it.",
                  minutes=int(DELETE_WINDOW.total_seconds() // 60))
    if fb.from_owner and fb.replies:
        return _l("The team has already answered this comment, so it stays.")
    return None


def delete(actor, camp: Camp, fb: Feedback, now: datetime | None = None) -> Feedback:
    begin_write(db.session)
    message = delete_refusal(actor, fb, now)
    if message is not None:
        raise NotAllowed(message)
    record("feedback.delete", actor=actor, camp=camp, obj=fb, prototype_id=fb.prototype_id,
           from_owner=fb.from_owner)
    db.session.delete(fb)
    db.session.flush()
    return fb


# --- Reading ------------------------------------------------------------------------------

def thread(prototype: Prototype) -> list[Feedback]:
    """The owner comments, oldest first, each with its answers and authors (two queries)."""
    return db.session.execute(
        select(Feedback).where(Feedback.prototype_id == prototype.id,
                               Feedback.parent_id.is_(None))
        .options(db.joinedload(Feedback.author),
                 db.selectinload(Feedback.replies).joinedload(Feedback.author))
        .order_by(Feedback.created_at, Feedback.id)).unique().scalars().all()


@dataclass
class Figures:
    owner_comments: int = 0
    last_owner_at: datetime | None = None
    answers: int = 0
    mine: int = 0

    @property
    def lacking(self) -> bool:
        return self.owner_comments == 0


def figures(prototype_ids, user=None) -> dict[int, Figures]:
    """prototype id -> Figures, in one query (`mine` counts `user`'s comments)."""
    ids = list(prototype_ids)
    if not ids:
        return {}
    mine = func.sum(case((Feedback.author_id == user.id, 1), else_=0)) if user is not None \
        else func.sum(0)
    rows = db.session.execute(
        select(Feedback.prototype_id,
               func.sum(case((Feedback.from_owner, 1), else_=0)),
               func.max(case((Feedback.from_owner, Feedback.created_at), else_=None)),
               func.sum(case((Feedback.from_owner, 0), else_=1)), mine)
        .where(Feedback.prototype_id.in_(ids)).group_by(Feedback.prototype_id)).all()
    out = {pid: Figures() for pid in ids}
    for pid, owner_comments, last_at, answers, my_count in rows:
        out[pid] = Figures(int(owner_comments or 0), last_at, int(answers or 0),
                           int(my_count or 0))
    return out


@dataclass
class Row:
    prototype: Prototype
    figures: Figures

    @property
    def lacking(self) -> bool:
        return self.prototype.status == PrototypeStatus.submitted and self.figures.lacking


def _rows(prototypes, user=None) -> list[Row]:
    per = figures((p.id for p in prototypes), user)
    rows = [Row(p, per[p.id]) for p in prototypes]
    # Lacking first; then submitted ones with feedback; drafts last.
    rows.sort(key=lambda r: (not r.lacking, r.prototype.status != PrototypeStatus.submitted,
                             r.prototype.title.lower(), r.prototype.id))
    return rows


def for_owner(user) -> list[Row]:
    """The submitted prototypes on challenges `user` owns, in every camp (two queries)."""
    prototypes = db.session.execute(
        select(Prototype).join(ChallengeOwner,
                               ChallengeOwner.challenge_id == Prototype.challenge_id)
        .where(ChallengeOwner.user_id == user.id,
               Prototype.status == PrototypeStatus.submitted)
        .options(db.joinedload(Prototype.camp), db.joinedload(Prototype.team),
                 db.joinedload(Prototype.challenge))
        .order_by(Prototype.submitted_at.desc(), Prototype.id)).unique().scalars().all()
    return _rows(prototypes, user)


@dataclass
class ChallengeGroup:
    challenge: Challenge
    rows: list[Row]

    @property
    def lacking(self) -> int:
        return sum(1 for r in self.rows if r.lacking)


def camp_overview(camp: Camp) -> list[ChallengeGroup]:
    """Per challenge, its prototypes and their owner feedback; challenges with prototypes
    still lacking it first. A constant number of queries however many prototypes."""
    prototypes = db.session.execute(
        select(Prototype).where(Prototype.camp_id == camp.id)
        .options(db.joinedload(Prototype.team).selectinload(Team.members)
                 .joinedload(TeamMember.user),
                 db.joinedload(Prototype.challenge).selectinload(Challenge.owners)
                 .joinedload(ChallengeOwner.user))
        .order_by(Prototype.id)).unique().scalars().all()
    groups: dict[int, ChallengeGroup] = {}
    for row in _rows(prototypes):
        c = row.prototype.challenge
        groups.setdefault(c.id, ChallengeGroup(c, [])).rows.append(row)
    return sorted(groups.values(), key=lambda g: (g.lacking == 0, g.challenge.title.lower(),
                                                  g.challenge.id))


def only_lacking(groups: list[ChallengeGroup]) -> list[ChallengeGroup]:
    """The same groups with only the prototypes still lacking owner feedback."""
    kept = [ChallengeGroup(g.challenge, [r for r in g.rows if r.lacking]) for g in groups]
    return [g for g in kept if g.rows]


def overview_csv(camp: Camp, groups: list[ChallengeGroup]) -> bytes:
    """One line per prototype, for Excel (BOM, ';'), times in the camp's time zone."""
    from flask_babel import gettext as _

    from camp.csvfile import to_csv
    from camp.i18n import format_local
    header = [_("Challenge"), _("Owner organisation"), _("Owners"), _("Prototype"), _("Team"),
              _("Status"), _("Submitted"), _("Owner comments"), _("Last owner comment"),
              _("Team answers"), _("Lacking owner feedback")]
    status = {PrototypeStatus.draft: _("Draft"), PrototypeStatus.submitted: _("Submitted")}

    def line(g, r):
        p = r.prototype
        return [g.challenge.title, g.challenge.owner_organisation,
                ", ".join(o.user.name for o in g.challenge.owners), p.title, p.team.name,
                status[p.status], format_local(p.submitted_at, camp.timezone, "yyyy-MM-dd HH:mm"),
                r.figures.owner_comments,
                format_local(r.figures.last_owner_at, camp.timezone, "yyyy-MM-dd HH:mm"),
                r.figures.answers, _("yes") if r.lacking else _("no")]
    return to_csv(header, (line(g, r) for g in groups for r in g.rows))


# --- Personal data ------------------------------------------------------------------------

def export_user_feedback(user) -> list[dict]:
    """What the user wrote in feedback threads, for their data export."""
    rows = db.session.execute(
        select(Feedback).where(Feedback.author_id == user.id)
        .options(db.joinedload(Feedback.prototype).joinedload(Prototype.camp))
        .order_by(Feedback.created_at, Feedback.id)).unique().scalars().all()
    return [{"camp": f.prototype.camp.slug, "prototype": f.prototype.title,
             "as_owner": f.from_owner, "answer_to": f.parent_id, "id": f.id,
             "body": f.body, "at": f.created_at.isoformat()} for f in rows]
