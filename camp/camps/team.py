"""Who runs a camp: organisers, check-in staff and jury, invited by e-mail."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from camp.audit import record
from camp.auth.models import User
from camp.camps.models import Camp, Invitation, Membership, Role
from camp.db import utcnow
from camp.errors import DomainError, InvalidToken
from camp.extensions import db

STAFF_ROLES = (Role.organiser, Role.staff, Role.jury)


def members(camp: Camp) -> list[Membership]:
    return db.session.execute(
        select(Membership).where(Membership.camp_id == camp.id,
                                 Membership.role.in_(STAFF_ROLES))
        .options(db.joinedload(Membership.user)).order_by(Membership.role, Membership.id)
    ).scalars().all()


def camps_run_by(user) -> list[Membership]:
    """The camps a user helps run, newest first, with their roles."""
    return db.session.execute(
        select(Membership).where(Membership.user_id == user.id,
                                 Membership.role.in_(STAFF_ROLES))
        .join(Membership.camp).options(db.contains_eager(Membership.camp))
        .order_by(Camp.starts_at.desc(), Membership.role)).scalars().all()


def pending_invitations(camp: Camp) -> list[Invitation]:
    return db.session.execute(
        select(Invitation).where(Invitation.camp_id == camp.id,
                                 Invitation.accepted_at.is_(None),
                                 Invitation.revoked_at.is_(None))
        .options(db.selectinload(Invitation.invited_by))
        .order_by(Invitation.created_at)).scalars().all()


def invite(actor, camp: Camp, email: str, role: Role) -> Invitation:
    email = email.strip().lower()
    if role not in STAFF_ROLES:
        raise DomainError(_l("Choose a role from the list."), field="role")
    has_role = db.session.execute(
        select(Membership.id).join(User, User.id == Membership.user_id).where(
            Membership.camp_id == camp.id, Membership.role == role,
            func.lower(User.email) == email)).first()
    if has_role:
        raise DomainError(_l("%(email)s already has this role.", email=email), field="email")
    # Inviting again replaces an earlier invitation (lost e-mail, expired link).
    for earlier in db.session.execute(
            select(Invitation).where(Invitation.camp_id == camp.id, Invitation.role == role,
                                     Invitation.email == email,
                                     Invitation.accepted_at.is_(None),
                                     Invitation.revoked_at.is_(None))).scalars():
        earlier.revoked_at = utcnow()
    invitation = Invitation(camp=camp, email=email, role=role, invited_by_id=actor.id)
    db.session.add(invitation)
    db.session.flush()
    record("invitation.create", actor=actor, camp=camp, obj=invitation, role=role.value)
    return invitation


def has_role(user, invitation: Invitation) -> bool:
    """Whether the (signed-in) user already holds the role the invitation offers."""
    if not getattr(user, "is_authenticated", False):
        return False
    return db.session.execute(
        select(Membership.id).where(Membership.camp_id == invitation.camp_id,
                                    Membership.user_id == user.id,
                                    Membership.role == invitation.role)).first() is not None


def locale_for(email: str) -> str | None:
    """The language of the account with this e-mail, if there is one."""
    return db.session.execute(
        select(User.locale).where(func.lower(User.email) == email.strip().lower())).scalar()


def usable_invitation(invitation_id) -> Invitation:
    invitation = db.session.get(Invitation, invitation_id) if isinstance(invitation_id, int) \
        else None
    if invitation is None or invitation.revoked_at is not None:
        raise InvalidToken(_l("This invitation has been withdrawn. Ask the organisers for a "
                              "new one."))
    if invitation.accepted_at is not None:
        raise InvalidToken(_l("This invitation has already been used."))
    return invitation


def accept(user, invitation: Invitation) -> Membership:
    invitation = usable_invitation(invitation.id)
    membership = db.session.execute(
        select(Membership).where(Membership.camp_id == invitation.camp_id,
                                 Membership.user_id == user.id,
                                 Membership.role == invitation.role)).scalar_one_or_none()
    if membership is None:
        membership = Membership(camp_id=invitation.camp_id, user_id=user.id,
                                role=invitation.role)
        db.session.add(membership)
    invitation.accepted_at = utcnow()
    invitation.accepted_by_id = user.id
    db.session.flush()
    record("invitation.accept", actor=user, camp=invitation.camp, obj=invitation)
    return membership


def revoke(actor, camp: Camp, invitation: Invitation) -> None:
    if invitation.accepted_at is not None:
        raise DomainError(_l("This invitation has already been used."))
    invitation.revoked_at = utcnow()
    db.session.flush()
    record("invitation.revoke", actor=actor, camp=camp, obj=invitation)


def remove_member(actor, camp: Camp, membership: Membership) -> None:
    if membership.role == Role.organiser:
        organisers = db.session.execute(
            select(func.count()).select_from(Membership).where(
                Membership.camp_id == camp.id, Membership.role == Role.organiser)).scalar_one()
        if organisers <= 1:
            raise DomainError(_l("A camp needs at least one organiser."))
    record("member.remove", actor=actor, camp=camp, obj=membership,
           user_id=membership.user_id, role=membership.role.value)
    db.session.delete(membership)
    db.session.flush()
