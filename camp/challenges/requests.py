"""Questions and resource requests from teams to the owners of their challenge.

A team asks (`ask`); an owner answers or declines (`respond`). Two co-owners may answer
the same request at once: the status is checked under a write lock, so the second gets
a Conflict and nothing changes. The organiser's figures come from `response_figures`,
a pure function of durations.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, select

from camp.audit import record
from camp.camps.models import Camp, CampStatus
from camp.challenges.models import Challenge, ChallengeOwner, ChallengeStatus, \
    QuestionRequest, RequestKind, RequestStatus
from camp.db import begin_write, utcnow
from camp.errors import Conflict, DomainError
from camp.extensions import db

TEXT_MAX = 2000
# An owner who leaves a team waiting longer than this is shown to the organisers.
SLOW_AFTER = timedelta(minutes=30)

KIND_LABELS = {
    RequestKind.question: _l("Question"),
    RequestKind.resource: _l("Resource request"),
}
STATUS_LABELS = {
    RequestStatus.open: _l("Waiting for an answer"),
    RequestStatus.answered: _l("Answered"),
    RequestStatus.declined: _l("Declined"),
}


# --- Asking -------------------------------------------------------------------------------

def ask_refusal(camp: Camp, team, now: datetime | None = None):
    """Why this team cannot ask its challenge's owner now, or None when it can."""
    now = now or utcnow()
    if camp.status != CampStatus.published or now >= camp.ends_at:
        return _l("The camp has ended, so questions to the challenge owner are closed.")
    challenge = team.challenge
    if challenge.status != ChallengeStatus.published:
        return _l("The team's challenge is not published, so its owner cannot take "
                  "questions.")
    if not challenge.owners:
        return _l("The team's challenge has no owner to answer yet. Ask the organisers.")
    return None


def clean_text(text: str | None, field: str, empty_message) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError(empty_message, field=field)
    if len(text) > TEXT_MAX:
        raise DomainError(_l("Keep it under %(max)s characters.", max=f"{TEXT_MAX:,}"),
                          field=field)
    return text


def ask(actor, camp: Camp, team, kind, text: str, now: datetime | None = None
        ) -> QuestionRequest:
    """The team asks the owners of its own challenge (never another one)."""
    refusal = ask_refusal(camp, team, now)
    if refusal is not None:
        raise DomainError(refusal)
    try:
        kind = RequestKind(kind)
    except ValueError:
        raise DomainError(_l("Choose a question or a resource request."), field="kind")
    text = clean_text(text, "text", _l("Write your question or request."))
    begin_write(db.session)
    duplicate = db.session.execute(
        select(QuestionRequest.id).where(QuestionRequest.team_id == team.id,
                                         QuestionRequest.status == RequestStatus.open,
                                         QuestionRequest.text == text)).first()
    if duplicate is not None:
        raise Conflict(_l("Your team has already sent this and is waiting for the answer."),
                       field="text")
    req = QuestionRequest(camp_id=camp.id, challenge_id=team.challenge_id, team_id=team.id,
                          kind=kind, text=text, asked_by_id=actor.id,
                          created_at=now or utcnow())
    db.session.add(req)
    db.session.flush()
    record("request.create", actor=actor, camp=camp, obj=req, team_id=team.id,
           challenge_id=team.challenge_id, kind=kind.value)
    return req


# --- Answering ----------------------------------------------------------------------------

def respond(actor, camp: Camp, req: QuestionRequest, status: RequestStatus, text: str,
            now: datetime | None = None) -> QuestionRequest:
    """Answer (or decline with a reason) an open request; Conflict when it is no longer open.

    The view has checked that the actor may answer ("request.answer").
    """
    status = RequestStatus(status)
    if status == RequestStatus.answered:
        text = clean_text(text, "text", _l("Write the answer."))
    elif status == RequestStatus.declined:
        text = clean_text(text, "text", _l("Tell the team why you decline."))
    else:
        raise DomainError(_l("The request could not be understood. Go back and try again."))
    request_id = req.id
    begin_write(db.session)
    req = db.session.execute(
        select(QuestionRequest).where(QuestionRequest.id == request_id,
                                      QuestionRequest.camp_id == camp.id).with_for_update()
        .execution_options(populate_existing=True)).scalar_one()
    if req.status != RequestStatus.open:
        who = req.answered_by.name if req.answered_by is not None else _l("someone")
        message = (_l("%(name)s has already answered this request. Nothing was changed.",
                      name=who) if req.status == RequestStatus.answered else
                   _l("%(name)s has already declined this request. Nothing was changed.",
                      name=who))
        raise Conflict(message)
    req.status = status
    req.answer = text
    req.answered_by_id = actor.id
    req.answered_at = now or utcnow()
    db.session.flush()
    record(f"request.{'answer' if status == RequestStatus.answered else 'decline'}",
           actor=actor, camp=camp, obj=req, team_id=req.team_id,
           challenge_id=req.challenge_id)
    return req


# --- Reading ------------------------------------------------------------------------------

def _with_people(stmt):
    return stmt.options(
        db.joinedload(QuestionRequest.asked_by), db.joinedload(QuestionRequest.answered_by),
        db.joinedload(QuestionRequest.team),
        db.joinedload(QuestionRequest.challenge).selectinload(Challenge.owners)
        .joinedload(ChallengeOwner.user),
        db.joinedload(QuestionRequest.camp))


_OPEN_FIRST = case((QuestionRequest.status == RequestStatus.open, 0), else_=1)


def _open_then_recent(stmt):
    """Open ones oldest first (longest waiting on top), then the rest, latest answer first."""
    return stmt.order_by(_OPEN_FIRST, case(
        (QuestionRequest.status == RequestStatus.open, QuestionRequest.created_at),
        else_=None), QuestionRequest.answered_at.desc(), QuestionRequest.id)


def for_team(team) -> list[QuestionRequest]:
    return db.session.execute(_open_then_recent(_with_people(
        select(QuestionRequest).where(QuestionRequest.team_id == team.id)))).scalars().all()


def for_challenge(challenge) -> list[QuestionRequest]:
    return db.session.execute(_open_then_recent(_with_people(
        select(QuestionRequest).where(QuestionRequest.challenge_id == challenge.id)))
    ).scalars().all()


def _owned_by(user):
    return select(QuestionRequest).join(
        ChallengeOwner, ChallengeOwner.challenge_id == QuestionRequest.challenge_id).where(
        ChallengeOwner.user_id == user.id)


def inbox_open(user) -> list[QuestionRequest]:
    """Open requests to every challenge the user owns, in any camp, oldest first."""
    return db.session.execute(_with_people(_owned_by(user)).where(
        QuestionRequest.status == RequestStatus.open).order_by(
        QuestionRequest.created_at, QuestionRequest.id)).scalars().all()


def inbox_done(user, page: int, per_page: int):
    return db.paginate(_with_people(_owned_by(user)).where(
        QuestionRequest.status != RequestStatus.open).order_by(
        QuestionRequest.answered_at.desc(), QuestionRequest.id.desc()),
        page=page, per_page=per_page, error_out=False, count=True)


@dataclass
class Filters:
    status: str = "open"
    challenge: int | None = None

    @classmethod
    def from_args(cls, args) -> Filters:
        status = args.get("status", "open")
        if status not in {"", *(s.value for s in RequestStatus)}:
            status = "open"
        return cls(status=status, challenge=args.get("challenge", type=int))

    def as_args(self) -> dict:
        out = {"status": self.status}
        if self.challenge:
            out["challenge"] = self.challenge
        return out


def camp_requests(camp: Camp, f: Filters):
    stmt = _with_people(select(QuestionRequest).where(QuestionRequest.camp_id == camp.id))
    if f.status:
        stmt = stmt.where(QuestionRequest.status == RequestStatus(f.status))
    if f.challenge:
        stmt = stmt.where(QuestionRequest.challenge_id == f.challenge)
    return _open_then_recent(stmt)


def page_of(camp: Camp, f: Filters, page: int, per_page: int):
    return db.paginate(camp_requests(camp, f), page=page, per_page=per_page, error_out=False,
                       count=True)


def all_rows(camp: Camp, f: Filters) -> list[QuestionRequest]:
    return db.session.execute(camp_requests(camp, f)).unique().scalars().all()


def challenges_of(camp: Camp) -> list[Challenge]:
    """The camp's challenges that can have requests, with their owners (two queries)."""
    return db.session.execute(
        select(Challenge).where(Challenge.camp_id == camp.id).options(
            db.selectinload(Challenge.owners).joinedload(ChallengeOwner.user))
        .order_by(Challenge.title, Challenge.id)).scalars().all()


# --- Figures ------------------------------------------------------------------------------

@dataclass(frozen=True)
class ResponseFigures:
    total: int
    open: int
    answered: int
    declined: int
    median_response: timedelta | None
    longest_response: timedelta | None
    oldest_open: timedelta | None
    waiting_too_long: bool   # an open request older than the limit
    slow_median: bool        # typical response slower than the limit

    @property
    def slow(self) -> bool:
        return self.waiting_too_long or self.slow_median


def _median(values: list[timedelta]) -> timedelta | None:
    if not values:
        return None
    values = sorted(values)
    mid = len(values) // 2
    if len(values) % 2:
        return values[mid]
    return (values[mid - 1] + values[mid]) / 2


def response_figures(rows, limit: timedelta = SLOW_AFTER) -> ResponseFigures:
    """Figures from (status, duration) pairs.

    The duration is the response time for an answered or declined request, and the
    waiting time so far for an open one.
    """
    responses, waits = [], []
    counts = {s: 0 for s in RequestStatus}
    for status, duration in rows:
        status = RequestStatus(status)
        counts[status] += 1
        (waits if status == RequestStatus.open else responses).append(duration)
    median = _median(responses)
    oldest = max(waits) if waits else None
    return ResponseFigures(
        total=sum(counts.values()), open=counts[RequestStatus.open],
        answered=counts[RequestStatus.answered], declined=counts[RequestStatus.declined],
        median_response=median, longest_response=max(responses) if responses else None,
        oldest_open=oldest, waiting_too_long=oldest is not None and oldest > limit,
        slow_median=median is not None and median > limit)


def durations(camp: Camp, now: datetime | None = None) -> dict[int, list]:
    """challenge id -> [(status, duration)] for the camp's requests, in one query."""
    now = now or utcnow()
    out: dict[int, list] = {}
    rows = db.session.execute(
        select(QuestionRequest.challenge_id, QuestionRequest.status,
               QuestionRequest.created_at, QuestionRequest.answered_at)
        .where(QuestionRequest.camp_id == camp.id)).all()
    for challenge_id, status, created, answered in rows:
        end = answered if status != RequestStatus.open and answered else now
        out.setdefault(challenge_id, []).append((status, max(end - created, timedelta(0))))
    return out


@dataclass
class OwnerRow:
    challenge: Challenge
    figures: ResponseFigures


def camp_figures(camp: Camp, now: datetime | None = None):
    """Figures per challenge and per owner organisation (slowest first), in two queries."""
    per = durations(camp, now)
    by_challenge, by_org = [], {}
    for c in challenges_of(camp):
        if c.id in per:
            by_challenge.append(OwnerRow(c, response_figures(per[c.id])))
            by_org.setdefault(c.owner_organisation or "", []).extend(per[c.id])
    by_challenge.sort(key=lambda r: (not r.figures.slow, -_seconds(r.figures.oldest_open),
                                     r.challenge.title))
    organisations = sorted(((org, response_figures(items)) for org, items in by_org.items()),
                           key=lambda r: (not r[1].slow, r[0].lower()))
    return by_challenge, organisations


def _seconds(duration: timedelta | None) -> float:
    return duration.total_seconds() if duration else 0.0


def format_duration(duration: timedelta | None) -> str:
    """Short, translated: "under a minute", "12 min", "2 h 5 min", "1 d 3 h"."""
    from flask_babel import gettext as _
    if duration is None:
        return "—"
    minutes = int(duration.total_seconds() // 60)
    if minutes < 1:
        return _("under a minute")
    if minutes < 60:
        return _("%(m)s min", m=minutes)
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return _("%(h)s h %(m)s min", h=hours, m=minutes)
    days, hours = divmod(hours, 24)
    return _("%(d)s d %(h)s h", d=days, h=hours)


def requests_csv(camp: Camp, rows) -> bytes:
    """One line per request, for Excel (BOM, ';'), times in the camp's time zone."""
    from flask_babel import gettext as _

    from camp.i18n import format_local
    from camp.csvfile import to_csv
    header = [_("Challenge"), _("Owner organisation"), _("Owners"), _("Team"), _("Kind"),
              _("Request"), _("Asked by"), _("Asked"), _("Status"), _("Answer or reason"),
              _("Answered by"), _("Answered"), _("Minutes to answer or waiting")]
    now = utcnow()

    def line(r):
        end = r.answered_at if r.status != RequestStatus.open and r.answered_at else now
        return [
            r.challenge.title, r.challenge.owner_organisation,
            ", ".join(o.user.name for o in r.challenge.owners), r.team.name,
            str(KIND_LABELS[r.kind]), r.text, r.asked_by.name if r.asked_by else "",
            format_local(r.created_at, camp.timezone, "yyyy-MM-dd HH:mm"),
            str(STATUS_LABELS[r.status]), r.answer,
            r.answered_by.name if r.answered_by else "",
            format_local(r.answered_at, camp.timezone, "yyyy-MM-dd HH:mm"),
            int(max(end - r.created_at, timedelta(0)).total_seconds() // 60)]
    return to_csv(header, (line(r) for r in rows))
