"""Erasure of a person (issue 9): one function for self-service deletion and for admins.

`erase_user(user, by=None, reason=None)` removes or blanks everything that identifies the
person and keeps anonymous rows so counts, results and histories stay consistent:

- account: name -> "Deleted user", e-mail -> deleted-<id>-<random>@invalid, organisation,
  password and admin flag gone, session_token rotated (every session and remember cookie
  ends: the login id carries the token), deleted_at set;
- registrations (the account's, and those an organiser made for the address before the
  account existed): cancelled when the camp is ahead (the seat moves on), then blanked
  (camp.registrations.services.erase_personal_data);
- camp roles and challenge ownership removed; invitations sent to the address removed
  (pending) or re-addressed to the anonymous address (accepted: the camp's history);
- teams, join requests, the team board (camp.teams.organise.forget_user);
- trial party contact, trial following (camp.trials.parties / followers .forget_user);
- jury comments (camp.judging.scoring.forget_juror; scores stay for the results);
- charter signatures: the signer's name and e-mail (camp.charters.signatures.forget_signer;
  the organisation's signature stands, see there); the name copied into charter
  changelogs (camp.charters.versions.forget_person);
- lines of challenges' "Contact people" that name them (camp.challenges.services);
- the consent log gets a "withdrawn" event, and the audit log an "account.erase" event
  (no camp: the account is not any camp's) with who did it and the admin's reason.

Content the person wrote for others (feedback, proposals, comments, trial updates,
questions to owners, evaluation answers) stays, under the anonymous account: it is part of
a camp's or a trial's shared work.
"""
from __future__ import annotations

import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, or_, select, update

from camp.auth.models import User
from camp.db import begin_write, utcnow
from camp.errors import DomainError
from camp.extensions import db

ERASE_ACTION = "account.erase"


def sole_organiser_camps(user: User) -> list:
    """Camps where this person is the only organiser (erasing them would orphan the camp)."""
    from sqlalchemy.orm import aliased

    from camp.camps.models import Camp, Membership, Role
    other = aliased(Membership)
    others = select(other.id).where(
        other.camp_id == Camp.id, other.role == Role.organiser,
        other.user_id != user.id).correlate(Camp).exists()
    return db.session.execute(
        select(Camp).join(Membership, Membership.camp_id == Camp.id)
        .where(Membership.user_id == user.id, Membership.role == Role.organiser, ~others)
        .order_by(Camp.title)).scalars().all()


def _refuse_sole_organiser(user: User, by: User | None) -> None:
    camps = sole_organiser_camps(user)
    if not camps:
        return
    if by is None or by.id == user.id:
        raise DomainError(_l("You are the only organiser of a camp. Invite another "
                             "organiser before you delete your account."))
    raise DomainError(_l("%(name)s is the only organiser of %(camps)s. Add another organiser "
                         "to that camp before erasing this person.", name=user.name,
                         camps=", ".join(c.title for c in camps)))


def erase_user(user: User, *, by: User | None = None, reason: str | None = None) -> User:
    """Erase the person's personal data. `by` is the admin doing it (None: the person).

    Raises DomainError when the person is the only organiser of a camp. Flushes; the
    caller commits.
    """
    from camp.audit import record
    from camp.camps.models import Invitation, Membership
    from camp.challenges.models import ChallengeOwner
    from camp.registrations.models import Registration

    if user.deleted_at is not None:
        raise DomainError(_l("This account has already been erased."))
    begin_write(db.session)  # seats may be freed and handed on below
    _refuse_sole_organiser(user, by)

    now = utcnow()
    # Rows found by address alone (not linked to the account) are the person's only when
    # they proved the address is theirs: an unconfirmed sign-up with someone else's
    # address must not erase that someone's registrations, signatures or invitations.
    old_email = (user.email or "").lower() if user.email_confirmed_at is not None else ""
    erased_name = str(_l("Deleted user"))
    from camp.privacy.consent import log_account_deleted
    log_account_deleted(user)  # the consent log: every consent withdrawn (issue 9)
    record(ERASE_ACTION, actor=by or user, obj=user, by_admin=by is not None and by.id != user.id,
           reason=(reason or "").strip())
    from camp.registrations import services as registration_services
    by_address = [Registration.user_id.is_(None) & (func.lower(Registration.email) == old_email)
                  ] if old_email else []  # typed in by an organiser before the account
    registrations = db.session.execute(select(Registration).where(or_(
        Registration.user_id == user.id, *by_address))).scalars().all()
    for reg in registrations:
        registration_services.erase_personal_data(reg, now=now)
    db.session.execute(delete(Membership).where(Membership.user_id == user.id))
    from camp.challenges.services import forget_contact
    forget_contact(user, old_email)  # lines naming them in "Contact people"
    db.session.execute(delete(ChallengeOwner).where(ChallengeOwner.user_id == user.id))
    from camp.teams.organise import forget_user
    forget_user(user)  # out of teams (the lead handed on), join requests, the board
    from camp.trials.parties import forget_user as forget_trial_contact
    forget_trial_contact(user, old_email)  # no longer a trial party's contact; the contract stays
    from camp.trials.followers import forget_user as stop_following
    stop_following(user)  # follows no trial: no more e-mail, no unsubscribe tokens
    from camp.judging.scoring import forget_juror
    forget_juror(user)  # the jury comments go; the scores stay for the results
    from camp.charters.signatures import forget_signer
    forget_signer(user, old_email)  # the organisation's signature stands; the signer's name goes
    from camp.charters.versions import forget_person
    forget_person(user, erased_name)  # the name copied into charter changelogs

    user.name = erased_name
    user.email = f"deleted-{user.id}-{secrets.token_hex(4)}@invalid"
    user.organisation = ""
    user.password_hash = None
    user.is_admin = False
    user.session_token = secrets.token_hex(16)
    user.deleted_at = now
    # Invitations to the old address: pending ones go, accepted ones are the camp's history
    # (who joined its team) and keep only the anonymous address.
    if old_email:
        db.session.execute(delete(Invitation).where(func.lower(Invitation.email) == old_email,
                                                    Invitation.accepted_at.is_(None)))
    db.session.execute(update(Invitation).where(or_(
        Invitation.accepted_by_id == user.id,
        *([func.lower(Invitation.email) == old_email] if old_email else [])))
        .values(email=user.email))
    db.session.flush()
    return user
