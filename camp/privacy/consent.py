"""The consent log: who agreed to what (which text, which version), when, and who took it
back. Rows are only ever added; the person's own rows are in their data export.

Written by: sign-up (kind "signup", the privacy notice's PRIVACY_VERSION), registration
with consent (kind "registration", the camp's consent_version and consent_text),
cancellation of a registration and erasure (kind "withdrawn").
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from camp.audit import ConsentEvent
from camp.db import utcnow
from camp.extensions import db

# Raise this when the privacy page (templates/privacy/policy.html) changes in substance:
# sign-ups from then on record the new version.
PRIVACY_VERSION = 1

KIND_LABELS = {
    "signup": _l("Accepted the privacy notice at sign-up"),
    "registration": _l("Consented when registering"),
    "withdrawn": _l("Withdrawn"),
    "signature": _l("Consented to publish a charter signature"),
}


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def _add(**values) -> ConsentEvent:
    event = ConsentEvent(at=utcnow(), **values)
    db.session.add(event)
    return event


def log_signup(user) -> ConsentEvent:
    """A person signed up and so accepted the privacy notice of this version."""
    return _add(user_id=user.id, kind="signup", version=PRIVACY_VERSION, text="")


def log_registration(reg) -> ConsentEvent:
    """A registration with consent: the camp's consent text exactly as it was shown."""
    return _add(user_id=reg.user_id, camp_id=reg.camp_id, registration_id=reg.id,
                kind="registration", version=reg.consent_version,
                text=reg.consent_text or "")


def log_withdrawal(reg) -> ConsentEvent:
    """A registration was cancelled (or erased): the consent for that camp is taken back."""
    return _add(user_id=reg.user_id, camp_id=reg.camp_id, registration_id=reg.id,
                kind="withdrawn", version=reg.consent_version, text="")


def log_account_deleted(user) -> ConsentEvent:
    """The person deleted their account: every consent is withdrawn (no camp)."""
    return _add(user_id=user.id, kind="withdrawn", version=PRIVACY_VERSION, text="")


def camp_consents(camp_id: int):
    return select(ConsentEvent).where(ConsentEvent.camp_id == camp_id) \
        .order_by(ConsentEvent.at.desc(), ConsentEvent.id.desc())


def consents_page(camp_id: int, page: int, per_page: int):
    return db.paginate(camp_consents(camp_id), page=max(1, page), per_page=per_page,
                       error_out=False, count=True)


def who(events) -> dict[int, str]:
    """ConsentEvent id -> the person's name, in one query whatever the number of rows:
    the account's name, else the registration's (people added by hand have no account)."""
    from camp.auth.models import User
    from camp.registrations.models import Registration
    events = list(events)
    user_ids = {e.user_id for e in events if e.user_id}
    reg_ids = {e.registration_id for e in events if e.registration_id}
    users, regs = {}, {}
    if user_ids:
        users = dict(db.session.execute(
            select(User.id, User.name).where(User.id.in_(user_ids))).all())
    if reg_ids:
        regs = dict(db.session.execute(
            select(Registration.id, Registration.name).where(Registration.id.in_(reg_ids))).all())
    return {e.id: users.get(e.user_id) or regs.get(e.registration_id) or "" for e in events}


def consents_csv(camp, events) -> bytes:
    from camp.csvfile import to_csv
    from camp.i18n import format_local
    events = list(events)
    names = who(events)
    header = [_l("Person"), _l("Kind"), _l("Version"), _l("When"), _l("Registration"),
              _l("Text")]
    labels = {kind: kind_label(kind) for kind in {e.kind for e in events}}  # once each
    return to_csv(header, ([names[e.id], labels[e.kind], e.version,
                            format_local(e.at, camp.timezone, "short"), e.registration_id,
                            e.text] for e in events))


def export_user_consents(user) -> list[dict]:
    """The person's own consent log, for the personal-data export."""
    from camp.camps.models import Camp
    rows = db.session.execute(
        select(ConsentEvent, Camp.slug).outerjoin(Camp, Camp.id == ConsentEvent.camp_id)
        .where(ConsentEvent.user_id == user.id).order_by(ConsentEvent.at, ConsentEvent.id)
    ).all()
    return [{"kind": e.kind, "camp": slug, "version": e.version, "text": e.text,
             "at": e.at.isoformat() if e.at else None} for e, slug in rows]
