"""People for administrators: search, a summary of what we hold, erasure.

Plain functions (no request, no current_user): the views call them and commit.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from camp.audit import AuditEvent
from camp.auth.erasure import ERASE_ACTION, erase_user, sole_organiser_camps
from camp.auth.models import User
from camp.errors import DomainError
from camp.extensions import db


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def people_query(q: str = ""):
    """Accounts that are not erased, by name; `q` matches name, e-mail or organisation."""
    stmt = select(User).where(User.deleted_at.is_(None))
    q = (q or "").strip()
    if q:
        pattern = _like(q)
        stmt = stmt.where(or_(func.lower(User.name).like(pattern, escape="\\"),
                              func.lower(User.email).like(pattern, escape="\\"),
                              func.lower(User.organisation).like(pattern, escape="\\")))
    return stmt.order_by(func.lower(User.name), User.id)


def people_page(q: str, page: int, per_page: int):
    return db.paginate(people_query(q), page=max(1, page), per_page=per_page,
                       error_out=False, count=True)


def active_person(user_id: int) -> User | None:
    user = db.session.get(User, user_id)
    return user if user is not None and user.deleted_at is None else None


@dataclass
class Summary:
    registrations: int
    active_registrations: int
    roles: list  # (camp, role) pairs
    teams: int
    challenges_owned: int
    trial_contacts: int
    signatures: int
    sole_organiser_of: list


def summary(user: User) -> Summary:
    """What we hold about the person, counted (a handful of queries, whatever the size)."""
    from camp.camps.models import Camp, Membership
    from camp.challenges.models import ChallengeOwner
    from camp.charters.models import Signature
    from camp.registrations.models import Registration, RegistrationStatus
    from camp.teams.models import TeamMember
    from camp.trials.models import Party

    def count(model, *where) -> int:
        return db.session.execute(
            select(func.count()).select_from(model).where(*where)).scalar_one()

    active = (RegistrationStatus.confirmed, RegistrationStatus.waitlisted)
    roles = db.session.execute(
        select(Camp, Membership.role).join(Membership, Membership.camp_id == Camp.id)
        .where(Membership.user_id == user.id).order_by(Camp.starts_at.desc(), Camp.id)).all()
    return Summary(
        registrations=count(Registration, Registration.user_id == user.id),
        active_registrations=count(Registration, Registration.user_id == user.id,
                                   Registration.status.in_(active)),
        roles=[(camp, role) for camp, role in roles],
        teams=count(TeamMember, TeamMember.user_id == user.id),
        challenges_owned=count(ChallengeOwner, ChallengeOwner.user_id == user.id),
        trial_contacts=count(Party, Party.user_id == user.id),
        signatures=count(Signature, or_(Signature.user_id == user.id,
                                        func.lower(Signature.email) == user.email.lower())),
        sole_organiser_of=sole_organiser_camps(user),
    )


def erase_person(admin: User, user: User, *, email: str, reason: str) -> User:
    """An administrator erases someone else: the typed address must be the person's."""
    if admin.id == user.id:
        raise DomainError(_l("You cannot erase your own account here. Use “Delete account” "
                             "on your profile."))
    if (email or "").strip().lower() != (user.email or "").lower():
        raise DomainError(_l("This is not the person's e-mail address. Nothing was erased."),
                          field="email")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_l("Give a reason for the erasure."), field="reason")
    return erase_user(user, by=admin, reason=reason)


def recent_erasures(limit: int = 10) -> list[tuple[AuditEvent, str]]:
    """The latest erasures (by admins and by people themselves) with who did them."""
    from sqlalchemy.orm import aliased
    actor = aliased(User)
    rows = db.session.execute(
        select(AuditEvent, actor.name).outerjoin(actor, actor.id == AuditEvent.actor_id)
        .where(AuditEvent.action == ERASE_ACTION)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)).all()
    return [(event, name or "") for event, name in rows]
