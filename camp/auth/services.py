"""Account operations: sign-up, confirmation, passwords, export and deletion."""
from __future__ import annotations

import hashlib
import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from camp.auth.erasure import erase_user
from camp.auth.models import ActorType, User
from camp.db import utcnow
from camp.errors import DomainError, InvalidToken
from camp.extensions import db

MIN_PASSWORD_LENGTH = 12


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.execute(
        select(User).where(func.lower(User.email) == normalise_email(email),
                           User.deleted_at.is_(None))).scalar_one_or_none()


def check_password_strength(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise DomainError(_l("Use at least %(n)s characters.", n=MIN_PASSWORD_LENGTH),
                          field="password")


def create_user(*, email: str, name: str, password: str | None, organisation: str = "",
                actor_type: ActorType | str = ActorType.other, locale: str = "da",
                is_admin: bool = False, confirmed: bool = False) -> User:
    email = normalise_email(email)
    if find_user_by_email(email) is not None:
        raise DomainError(_l("An account with this e-mail already exists. Log in or reset "
                             "your password."), field="email")
    if password is not None:
        check_password_strength(password)
    user = User(email=email, name=name.strip(), organisation=(organisation or "").strip(),
                actor_type=ActorType(actor_type), locale=locale, is_admin=is_admin,
                session_token=secrets.token_hex(16),
                email_confirmed_at=utcnow() if confirmed else None)
    if password is not None:
        user.set_password(password)
    db.session.add(user)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise DomainError(_l("An account with this e-mail already exists. Log in or reset "
                             "your password."), field="email")
    if not confirmed:  # signed up themselves (accounts made by admins arrive confirmed)
        from camp.privacy.consent import log_signup
        log_signup(user)  # the consent log: the privacy notice's version (issue 9)
    return user


def authenticate(email: str, password: str) -> User | None:
    user = find_user_by_email(email)
    if user is None or not user.check_password(password):
        return None
    return user


def password_fingerprint(user: User) -> str:
    """Changes when the password changes, so a reset link works only once."""
    return hashlib.sha256((user.password_hash or "-").encode()).hexdigest()[:16]


def confirmation_payload(user: User) -> dict:
    return {"uid": user.id, "email": user.email}


def user_for_confirmation(payload) -> User:
    payload = payload if isinstance(payload, dict) else {}
    user = db.session.get(User, payload.get("uid")) if isinstance(payload.get("uid"), int) \
        else None
    if user is None or user.email != payload.get("email") or user.deleted_at is not None:
        raise InvalidToken(_l("This confirmation link does not belong to an active account."))
    return user


def mark_confirmed(user: User) -> User:
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    return user


def reset_payload(user: User) -> dict:
    return {"uid": user.id, "fp": password_fingerprint(user)}


def user_for_reset(payload) -> User:
    payload = payload if isinstance(payload, dict) else {}
    user = db.session.get(User, payload.get("uid")) if isinstance(payload.get("uid"), int) \
        else None
    if user is None or user.deleted_at is not None or \
            password_fingerprint(user) != payload.get("fp"):
        raise InvalidToken(_l("This reset link has already been used or is no longer valid. "
                              "Ask for a new one."))
    return user


def set_password(user: User, password: str) -> None:
    check_password_strength(password)
    user.set_password(password)
    # Log out every other session and invalidate outstanding reset links.
    user.session_token = secrets.token_hex(16)
    db.session.flush()


def change_password(user: User, current: str, new: str) -> None:
    if not user.check_password(current):
        raise DomainError(_l("The current password is not correct."), field="current_password")
    set_password(user, new)


def update_profile(user: User, *, name: str, organisation: str, actor_type, locale: str) -> User:
    user.name = name.strip()
    user.organisation = (organisation or "").strip()
    user.actor_type = ActorType(actor_type)
    user.locale = locale
    db.session.flush()
    return user


def _team_requests(user: User, iso) -> list[dict]:
    """Questions and requests the user sent to challenge owners, or answered as an owner."""
    from sqlalchemy import or_

    from camp.challenges.models import QuestionRequest
    rows = db.session.execute(
        select(QuestionRequest).where(or_(QuestionRequest.asked_by_id == user.id,
                                          QuestionRequest.answered_by_id == user.id))
        .order_by(QuestionRequest.created_at)).scalars().all()
    return [{"camp": r.camp.slug, "challenge": r.challenge.title, "team": r.team.name,
             "asked_by_me": r.asked_by_id == user.id,
             "answered_by_me": r.answered_by_id == user.id, "kind": r.kind.value,
             "text": r.text, "asked_at": iso(r.created_at), "status": r.status.value,
             "answer": r.answer, "answered_at": iso(r.answered_at)} for r in rows]


def export_user_data(user: User) -> dict:
    """Everything we hold about a person, as plain JSON-ready data."""
    from camp.audit import AuditEvent
    from camp.camps.models import Membership
    from camp.registrations.models import Registration

    def iso(dt):
        return dt.isoformat() if dt else None

    registrations = db.session.execute(
        select(Registration).where(Registration.user_id == user.id)
        .order_by(Registration.created_at)).scalars().all()
    memberships = db.session.execute(
        select(Membership).where(Membership.user_id == user.id)).scalars().all()
    events = db.session.execute(
        select(AuditEvent).where(AuditEvent.actor_id == user.id).order_by(AuditEvent.at)
    ).scalars().all()
    return {
        "account": {
            "name": user.name, "email": user.email, "organisation": user.organisation,
            "actor_type": user.actor_type.value, "locale": user.locale,
            "created_at": iso(user.created_at), "email_confirmed_at": iso(user.email_confirmed_at),
            "is_admin": user.is_admin,
        },
        "registrations": [{
            "camp": r.camp.slug, "camp_title": r.camp.title, "status": r.status.value,
            "name": r.name, "email": r.email, "organisation": r.organisation,
            "actor_type": r.actor_type.value, "diet": r.diet, "accessibility": r.accessibility,
            "answers": r.answers, "consent_at": iso(r.consent_at),
            "consent_version": r.consent_version, "consent_text": r.consent_text,
            "created_at": iso(r.created_at),
        } for r in registrations],
        "team_requests": _team_requests(user, iso),
        "consents": _consents(user),
        "camp_roles": [{"camp": m.camp.slug, "role": m.role.value,
                        "since": iso(m.created_at)} for m in memberships],
        "activity": [{"action": e.action, "object": e.object_type, "at": iso(e.at)}
                     for e in events],
        "challenges_owned": _owned_challenges(user, iso),
        "prototype_feedback": _prototype_feedback(user),
        "jury_scores": _jury_scores(user),
        "charter_signatures": _charter_signatures(user),
        "peoples_choice_votes": _votes(user),
        "prototype_work": _prototype_work(user, iso),
        **_trials(user),
        **_teams(user),
        **_trial_progress(user),
        **_charter_drafting(user),
        "trial_evaluation_answers": _evaluation_answers(user),
    }


def _consents(user: User) -> list[dict]:
    from camp.privacy.consent import export_user_consents
    return export_user_consents(user)  # the consent log (issue 9)


def _evaluation_answers(user: User) -> list[dict]:
    from camp.trials.evaluation import export_user_answers
    return export_user_answers(user)


def _charter_drafting(user: User) -> dict:
    """Charter proposals, comments and stances (issue 8, part D)."""
    from camp.charters.proposals import export_user_charters
    return export_user_charters(user)


def _teams(user: User) -> dict:
    from camp.teams.organise import export_user_teams
    return export_user_teams(user)


def _trial_progress(user: User) -> dict:
    from camp.trials.followers import export_user_data as export_trial_progress
    return export_trial_progress(user)  # trials followed, trial updates written


def _prototype_work(user: User, iso) -> list[dict]:
    """Prototype revisions the user submitted and files the user uploaded."""
    from camp.prototypes.models import PrototypeFile, PrototypeRevision
    revisions = db.session.execute(
        select(PrototypeRevision).where(PrototypeRevision.submitted_by_id == user.id)
        .order_by(PrototypeRevision.submitted_at)).scalars().all()
    uploaded = db.session.execute(
        select(PrototypeFile).where(PrototypeFile.uploaded_by_id == user.id)
        .order_by(PrototypeFile.created_at)).scalars().all()
    return [{"prototype": r.prototype.title, "revision": r.number,
             "submitted_at": iso(r.submitted_at)} for r in revisions] + \
        [{"prototype": f.prototype.title, "file": f.display_name,
          "uploaded_at": iso(f.created_at)} for f in uploaded]


def _charter_signatures(user: User) -> list[dict]:
    from camp.charters.signatures import export_user_signatures
    return export_user_signatures(user)


def _prototype_feedback(user: User) -> list[dict]:
    from camp.prototypes.feedback import export_user_feedback
    return export_user_feedback(user)


def _jury_scores(user: User) -> list[dict]:
    from camp.judging.scoring import export_user_scores
    return export_user_scores(user)


def _votes(user: User) -> list[dict]:
    from camp.judging.votes import export_user_votes
    return export_user_votes(user)


def _trials(user: User) -> dict:
    from camp.trials.parties import export_user_trials
    return export_user_trials(user)


def _owned_challenges(user: User, iso) -> list[dict]:
    from camp.challenges.models import ChallengeOwner
    rows = db.session.execute(
        select(ChallengeOwner).where(ChallengeOwner.user_id == user.id)
        .order_by(ChallengeOwner.id)).scalars().all()
    return [{"camp": o.challenge.camp.slug, "challenge": o.challenge.title,
             "status": o.challenge.status.value, "owner_since": iso(o.created_at)}
            for o in rows]


def delete_account(user: User, password: str) -> None:
    """Self-service: the person confirms with their password, then everything is erased
    as for an admin's erasure (camp.auth.erasure.erase_user)."""
    if not user.check_password(password):
        raise DomainError(_l("The password is not correct."), field="password")
    erase_user(user)
