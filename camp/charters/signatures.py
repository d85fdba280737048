"""The final version of a charter and the organisations that sign it.

Editors declare the latest version final (no open proposals left); organisations then sign
it: a signature is stored unconfirmed with the sha256 of a random token, and the link with
the token, sent by e-mail, confirms it. One standing signature per organisation and
version (the partial unique index uq_charter_signatures_active is the guard); a withdrawn
signature stays in the history. Services take plain arguments, flush, and raise
DomainError with a message for the user; the views commit and send the e-mails.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from camp.audit import record
from camp.charters.models import Charter, CharterPhase, CharterVersion, Proposal, ProposalStatus, \
    Signature
from camp.charters.services import lock
from camp.db import utcnow
from camp.errors import Conflict, DomainError, InvalidToken, NotAllowed
from camp.extensions import db

CONFIRM_WINDOW = timedelta(days=7)
ORGANISATION_MAX = 160
NAME_MAX = 120
TITLE_MAX = 120
REASON_MAX = 1000


# --- Final -----------------------------------------------------------------------------------

def open_proposals(charter: Charter) -> int:
    return db.session.execute(
        select(func.count()).select_from(Proposal).where(
            Proposal.charter_id == charter.id, Proposal.status == ProposalStatus.open)
    ).scalar_one()


def current_final(charter: Charter) -> CharterVersion | None:
    """The version organisations sign now: the newest final one, while the charter is final."""
    if charter.phase != CharterPhase.final:
        return None
    return db.session.execute(
        select(CharterVersion).where(CharterVersion.charter_id == charter.id,
                                     CharterVersion.is_final.is_(True))
        .order_by(CharterVersion.number.desc()).limit(1)).scalar_one_or_none()


def declare_final(actor, charter: Charter, version: CharterVersion,
                  now: datetime | None = None) -> CharterVersion:
    """Mark the latest version final and put the charter in its final phase. Earlier final
    versions stay final (their signatures stay with them)."""
    lock(charter)
    db.session.refresh(charter)
    latest_number = db.session.execute(
        select(func.max(CharterVersion.number))
        .where(CharterVersion.charter_id == charter.id)).scalar()
    if version.number != latest_number:
        raise DomainError(_l("Only the latest version (%(n)s) can be declared final.",
                             n=latest_number))
    db.session.refresh(version)
    if version.is_final and charter.phase == CharterPhase.final:
        raise DomainError(_l("Version %(n)s is already the final version.", n=version.number))
    count = open_proposals(charter)
    if count:
        raise DomainError(_l(
            "%(num)s proposal is still open. Accept or reject it before declaring a "
            "version final.", num=count) if count == 1 else _l(
            "%(num)s proposals are still open. Accept or reject them before declaring a "
            "version final.", num=count))
    version.is_final = True
    version.final_at = now or utcnow()
    charter.phase = CharterPhase.final
    db.session.flush()
    record("charter.final", actor=actor, camp=charter.camp, obj=version,
           charter_id=charter.id, number=version.number)
    return version


# --- Signing ---------------------------------------------------------------------------------

def organisation_key(name: str) -> str:
    """Trimmed, inner spaces collapsed, case-folded: "ROSKILDE kommune " = "Roskilde Kommune"."""
    return " ".join((name or "").split()).casefold()[:ORGANISATION_MAX]


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _clean(data: dict) -> dict:
    organisation = " ".join((data.get("organisation") or "").split())
    name = " ".join((data.get("signer_name") or "").split())
    title = " ".join((data.get("signer_title") or "").split())
    email = (data.get("email") or "").strip()
    if not organisation:
        raise DomainError(_l("Name the organisation that signs."), field="organisation")
    if len(organisation) > ORGANISATION_MAX:
        raise DomainError(_l("Keep it under %(max)s characters.", max=ORGANISATION_MAX),
                          field="organisation")
    if not name:
        raise DomainError(_l("Write the name of the person who signs."), field="signer_name")
    if len(name) > NAME_MAX:
        raise DomainError(_l("Keep it under %(max)s characters.", max=NAME_MAX),
                          field="signer_name")
    if len(title) > TITLE_MAX:
        raise DomainError(_l("Keep it under %(max)s characters.", max=TITLE_MAX),
                          field="signer_title")
    if "@" not in email or len(email) > 254 or " " in email or \
            "." not in email.rpartition("@")[2]:
        raise DomainError(_l("Enter a valid e-mail address."), field="email")
    return {"organisation": organisation, "signer_name": name, "signer_title": title,
            "email": email}


def sign_refusal(charter: Charter):
    """Why nobody can sign this charter now, or None."""
    if current_final(charter) is None:
        return _l("This charter has no final version yet. Organisations can sign it when "
                  "the editors declare a version final.")
    return None


def _standing(version: CharterVersion, key: str) -> Signature | None:
    return db.session.execute(
        select(Signature).where(Signature.version_id == version.id,
                                Signature.organisation_key == key,
                                Signature.withdrawn_at.is_(None))).scalar_one_or_none()


def _taken(organisation: str, pending: bool) -> Conflict:
    if pending:
        return Conflict(_l("%(org)s has already signed this version; the signature waits "
                           "for confirmation by e-mail. Follow the link in that e-mail.",
                           org=organisation), field="organisation")
    return Conflict(_l("%(org)s has already signed this version of the charter.",
                       org=organisation), field="organisation")


def sign(actor, charter: Charter, data: dict,
         now: datetime | None = None) -> tuple[Signature, str]:
    """Store an unconfirmed signature of the final version; returns it and the token for
    the confirmation link (only its hash is stored)."""
    now = now or utcnow()
    data = _clean(data)
    key = organisation_key(data["organisation"])
    lock(charter)
    db.session.refresh(charter)
    message = sign_refusal(charter)
    if message is not None:
        raise DomainError(message)
    version = current_final(charter)
    existing = _standing(version, key)
    if existing is not None:
        if existing.confirmed_at is None and now - existing.created_at > CONFIRM_WINDOW:
            db.session.delete(existing)  # never confirmed: the new signature replaces it
            db.session.flush()
        else:
            raise _taken(existing.organisation, existing.confirmed_at is None)
    token = secrets.token_urlsafe(32)
    signature = Signature(charter_id=charter.id, version_id=version.id,
                          organisation_key=key, token_hash=hash_token(token),
                          user_id=getattr(actor, "id", None), created_at=now, **data)
    try:
        with db.session.begin_nested():
            db.session.add(signature)
            db.session.flush()
    except IntegrityError:
        # Someone signed for the same organisation at the same moment (the index said no).
        raise _taken(data["organisation"], True)
    record("charter.sign", actor=actor, camp=charter.camp, obj=signature,
           charter_id=charter.id, version=version.number)
    return signature, token


def signature_for_token(charter: Charter, token: str, now: datetime | None = None) -> Signature:
    """The unconfirmed signature this link confirms; InvalidToken when there is none or
    the link is older than CONFIRM_WINDOW."""
    now = now or utcnow()
    signature = None
    if token and len(token) <= 100:
        signature = db.session.execute(
            select(Signature).where(Signature.token_hash == hash_token(token),
                                    Signature.charter_id == charter.id)).scalar_one_or_none()
    if signature is None or signature.withdrawn_at is not None:
        raise InvalidToken(_l("This link is not valid or has already been used. A confirmed "
                              "signature is on the list of signatories."))
    if now - signature.created_at > CONFIRM_WINDOW:
        raise InvalidToken(_l("This link has expired (links are valid for %(days)s days). "
                              "Sign again to get a new one.",
                              days=CONFIRM_WINDOW.days))
    return signature


def confirm(charter: Charter, token: str, now: datetime | None = None) -> Signature:
    now = now or utcnow()
    lock(charter)
    signature = signature_for_token(charter, token, now)
    signature.confirmed_at = now
    signature.token_hash = None
    db.session.flush()
    record("charter.sign_confirm", camp=charter.camp, obj=signature, charter_id=charter.id)
    return signature


# --- Withdrawal ------------------------------------------------------------------------------

def may_withdraw(user, signature: Signature, editor: bool) -> bool:
    if signature.withdrawn_at is not None:
        return False
    if editor:
        return True
    return bool(getattr(user, "is_authenticated", False) and user.email
                and user.email.casefold() == signature.email.casefold())


def withdraw(actor, charter: Charter, signature: Signature, reason: str, editor: bool,
             now: datetime | None = None) -> Signature:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_l("Give a reason for the withdrawal; it is shown in the history."),
                          field="reason")
    if len(reason) > REASON_MAX:
        raise DomainError(_l("Keep it under %(max)s characters.", max=REASON_MAX),
                          field="reason")
    lock(charter)
    db.session.refresh(signature)
    if signature.withdrawn_at is not None:
        raise DomainError(_l("This signature is already withdrawn."))
    if not may_withdraw(actor, signature, editor):
        raise NotAllowed(_l("Only the charter's editors or the person who signed can "
                            "withdraw a signature."))
    signature.withdrawn_at = now or utcnow()
    signature.withdrawal_reason = reason
    signature.token_hash = None
    db.session.flush()
    record("charter.sign_withdraw", actor=actor, camp=charter.camp, obj=signature,
           charter_id=charter.id)
    return signature


# --- Reading ---------------------------------------------------------------------------------

def signatories(charter: Charter, version: CharterVersion | None = None) -> list[Signature]:
    """Confirmed signatures that stand, oldest first (of one version, or of all)."""
    query = select(Signature).where(Signature.charter_id == charter.id,
                                    Signature.confirmed_at.is_not(None),
                                    Signature.withdrawn_at.is_(None))
    if version is not None:
        query = query.where(Signature.version_id == version.id)
    return db.session.execute(
        query.options(db.joinedload(Signature.version))
        .order_by(Signature.confirmed_at, Signature.id)).scalars().all()


def pending(charter: Charter) -> list[Signature]:
    """Signatures still waiting for their e-mail confirmation (editors see them; an
    editor can withdraw one made in bad faith, which frees the organisation's name)."""
    return db.session.execute(
        select(Signature).where(Signature.charter_id == charter.id,
                                Signature.confirmed_at.is_(None),
                                Signature.withdrawn_at.is_(None))
        .options(db.joinedload(Signature.version))
        .order_by(Signature.created_at, Signature.id)).scalars().all()


def withdrawn(charter: Charter) -> list[Signature]:
    """Withdrawn signatures (that had been confirmed), newest withdrawal first."""
    return db.session.execute(
        select(Signature).where(Signature.charter_id == charter.id,
                                Signature.withdrawn_at.is_not(None),
                                Signature.confirmed_at.is_not(None))
        .options(db.joinedload(Signature.version))
        .order_by(Signature.withdrawn_at.desc(), Signature.id)).scalars().all()


def signatories_csv(charter: Charter, tz: str | None) -> bytes:
    from flask_babel import gettext as _

    from camp.csvfile import to_csv
    from camp.i18n import format_local
    header = [_("Organisation"), _("Name"), _("Title"), _("Version"), _("Signed"),
              _("Withdrawn"), _("Reason for withdrawal")]
    rows = [[s.organisation, s.signer_name, s.signer_title, s.version.number,
             format_local(s.confirmed_at, tz, "yyyy-MM-dd HH:mm"),
             format_local(s.withdrawn_at, tz, "yyyy-MM-dd HH:mm"), s.withdrawal_reason]
            for s in signatories(charter) + withdrawn(charter)]
    return to_csv(header, rows)


# --- Personal data ---------------------------------------------------------------------------

def export_user_signatures(user) -> list[dict]:
    """Signatures the person made (signed in, or with their e-mail), for their data export."""
    rows = db.session.execute(
        select(Signature).where(or_(Signature.user_id == user.id,
                                    func.lower(Signature.email) == (user.email or "").lower()))
        .options(db.joinedload(Signature.version).joinedload(CharterVersion.charter))
        .order_by(Signature.created_at, Signature.id)).scalars().all()

    def iso(dt):
        return dt.isoformat() if dt else None
    return [{"charter": s.version.charter.slug, "version": s.version.number,
             "organisation": s.organisation, "name": s.signer_name, "title": s.signer_title,
             "email": s.email, "signed_at": iso(s.created_at),
             "confirmed_at": iso(s.confirmed_at), "withdrawn_at": iso(s.withdrawn_at),
             "withdrawal_reason": s.withdrawal_reason} for s in rows]


def forget_signer(user, email: str = "") -> None:
    """Erasure of a person (issue 9). A signature is the organisation's public act: a
    confirmed one (standing or withdrawn) stays on the list and in the history with the
    organisation, the signer's title and the dates, so the charter's record of who signed
    stays true; the signer's name and e-mail address, which are the person's, are erased.
    An unconfirmed signature is not an act yet: it is deleted (its link dies with it).
    `email`: the person's confirmed address, to find signatures made without signing in
    ("" when the address was never confirmed)."""
    by_address = [func.lower(Signature.email) == email.lower()] if email else []
    rows = db.session.execute(
        select(Signature).where(or_(Signature.user_id == user.id, *by_address))
    ).scalars().all()
    for s in rows:
        if s.confirmed_at is None:
            db.session.delete(s)
            continue
        s.signer_name = str(_l("Deleted user"))
        s.email = f"erased-signature-{s.id}@invalid"
        s.user_id = None
    db.session.flush()
