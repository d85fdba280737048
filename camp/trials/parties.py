"""The parties to a trial and their informal contract: what each commits to and brings,
agreed (dated), and every later state kept as a CommitmentRevision (DOMAIN.md 4, 5).

The trial's managers ("trial.manage") add and remove parties. Only the party itself
("party.commit": its contact's account; the managers for the owner's party) writes its
commitment; the views check that. Each write names the Party.revision it started from: a
stale one is a Conflict, so nobody overwrites a commitment they have not seen.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from camp.audit import record
from camp.db import begin_write, utcnow
from camp.errors import Conflict, DomainError
from camp.extensions import db
from camp.trials.models import CommitmentRevision, EvaluationAnswer, Leadership, Party, \
    PartyRole, Trial

ORGANISATION_MAX = 160
NAME_MAX = 120
EMAIL_MAX = 254
TEXT_MAX = 5000


@dataclass
class PartyData:
    organisation: str
    contact_name: str = ""
    contact_email: str = ""
    role: str = PartyRole.partner.value
    leadership: str = Leadership.none.value


def _enum(kind, value, field_name):
    try:
        return kind(getattr(value, "value", value))
    except ValueError:
        raise DomainError(_l("Choose one of the options offered."), field=field_name)


def add_owner_party(actor, trial: Trial, challenge) -> Party:
    """The owner's organisation, first party of a new trial, with `actor` as contact."""
    organisation = (challenge.owner_organisation or actor.organisation or actor.name)
    party = Party(trial_id=trial.id, organisation=organisation[:ORGANISATION_MAX],
                  contact_name=actor.name, contact_email=actor.email, user_id=actor.id,
                  role=PartyRole.owner, leadership=Leadership.defining)
    db.session.add(party)
    db.session.flush()
    return party


def add_party(actor, trial: Trial, data: PartyData) -> Party:
    """A new party; its contact's account is found by e-mail when there is one."""
    from camp.auth.services import find_user_by_email, normalise_email
    organisation = (data.organisation or "").strip()
    if not organisation:
        raise DomainError(_l("Name the organisation or group."), field="organisation")
    if len(organisation) > ORGANISATION_MAX:
        raise DomainError(_l("Keep it under %(max)s characters.", max=ORGANISATION_MAX),
                          field="organisation")
    name = (data.contact_name or "").strip()[:NAME_MAX]
    email = normalise_email(data.contact_email)[:EMAIL_MAX]
    role = _enum(PartyRole, data.role, "role")
    leadership = _enum(Leadership, data.leadership, "leadership")
    from camp.trials.services import lock
    trial = lock(trial)
    if role == PartyRole.owner and any(p.role == PartyRole.owner for p in trial.parties):
        raise DomainError(_l("The trial has its owner already. Add this party as a partner."),
                          field="role")
    user = find_user_by_email(email) if email else None
    if user is not None and any(p.user_id == user.id for p in trial.parties):
        raise DomainError(_l("%(name)s is already the contact of another party. A person "
                             "speaks for one party.", name=user.name), field="contact_email")
    party = Party(trial_id=trial.id, organisation=organisation,
                  contact_name=name or (user.name if user else ""), contact_email=email,
                  user_id=user.id if user else None, role=role, leadership=leadership)
    db.session.add(party)
    db.session.flush()
    record("trial.party_add", actor=actor, camp=trial.camp, obj=party, trial_id=trial.id,
           has_account=user is not None)
    return party


def removal_refusal(party: Party):
    """Why this party cannot be removed, or None."""
    if party.role == PartyRole.owner:
        return _l("The owner's party stays: the trial is theirs.")
    if party.agreed_at is not None:
        return _l("This party has agreed to a commitment, which stays in the contract's "
                  "history. To leave the trial, the party changes its commitment.")
    return None


def remove_party(actor, trial: Trial, party: Party) -> str:
    """Remove a party that has not agreed to anything yet; returns its name."""
    begin_write(db.session)
    party = db.session.execute(
        select(Party).where(Party.id == party.id).with_for_update()
        .execution_options(populate_existing=True)).scalar_one()
    message = removal_refusal(party)
    if message is None and db.session.execute(
            select(EvaluationAnswer.id).where(EvaluationAnswer.party_id == party.id)
    ).first() is not None:
        message = _l("This party has answered an evaluation, so it stays.")
    if message is not None:
        raise DomainError(message)
    name = party.organisation
    record("trial.party_remove", actor=actor, camp=trial.camp, obj=party, trial_id=trial.id,
           organisation=name)
    db.session.delete(party)
    db.session.flush()
    return name


def lock_party(party: Party, revision: int) -> Party:
    """Take the writer's lock, re-read the party and check the form's revision."""
    begin_write(db.session)
    party = db.session.execute(
        select(Party).where(Party.id == party.id).with_for_update()
        .execution_options(populate_existing=True)).scalar_one()
    if revision != party.revision:
        raise Conflict(_l("The commitment was changed meanwhile. The saved text is shown "
                          "below and your text is kept in the form: check it and save "
                          "again."))
    return party


def _next_number(party: Party) -> int:
    last = db.session.execute(
        select(func.max(CommitmentRevision.number))
        .where(CommitmentRevision.party_id == party.id)).scalar()
    return (last or 0) + 1


def _clean(commitment, resources, note):
    commitment = (commitment or "").strip()
    resources = (resources or "").strip()
    note = (note or "").strip()
    if not commitment:
        raise DomainError(_l("Write what your party commits to."), field="commitment")
    for name, value in (("commitment", commitment), ("resources", resources),
                        ("note", note)):
        if len(value) > TEXT_MAX:
            raise DomainError(_l("Keep it under %(max)s characters.", max=f"{TEXT_MAX:,}"),
                              field=name)
    return commitment, resources, note


def write_commitment(actor, party: Party, commitment: str, resources: str, revision: int,
                     note: str = "", review=None,
                     now: datetime | None = None) -> CommitmentRevision:
    """The party agrees to its commitment (the first time) or changes it (later). Every
    write bumps Party.revision and is kept as a CommitmentRevision ("agreed"/"changed")."""
    commitment, resources, note = _clean(commitment, resources, note)
    party = lock_party(party, revision)
    now = now or utcnow()
    if party.agreed_at is None:
        kind = "agreed"
        party.agreed_at, party.agreed_by_id = now, actor.id
    else:
        if (commitment, resources) == (party.commitment, party.resources):
            raise DomainError(_l("Nothing has changed. To confirm the commitment as it is, "
                                 "use \"Confirm unchanged\" at a review."), field="commitment")
        kind = "changed"
    party.commitment, party.resources = commitment, resources
    party.revision += 1
    rev = CommitmentRevision(party_id=party.id, number=_next_number(party),
                             commitment=commitment, resources=resources, kind=kind,
                             review_id=getattr(review, "id", None), note=note,
                             changed_by_id=actor.id, created_at=now)
    db.session.add(rev)
    db.session.flush()
    record(f"trial.commitment_{kind}", actor=actor, camp=party.trial.camp, obj=party,
           trial_id=party.trial_id, number=rev.number, review_id=rev.review_id)
    return rev


def confirm_commitment(actor, party: Party, review, revision: int, note: str = "",
                       now: datetime | None = None) -> CommitmentRevision:
    """At a review, the party confirms its agreed commitment unchanged."""
    note = (note or "").strip()[:TEXT_MAX]
    party = lock_party(party, revision)
    if party.agreed_at is None:
        raise DomainError(_l("This party has not agreed to a commitment yet. Write it and "
                             "agree to it first."))
    rev = CommitmentRevision(party_id=party.id, number=_next_number(party),
                             commitment=party.commitment, resources=party.resources,
                             kind="confirmed", review_id=review.id, note=note,
                             changed_by_id=actor.id, created_at=now or utcnow())
    db.session.add(rev)
    db.session.flush()
    record("trial.commitment_confirmed", actor=actor, camp=party.trial.camp, obj=party,
           trial_id=party.trial_id, number=rev.number, review_id=review.id)
    return rev


# -- personal data ------------------------------------------------------------------------

def export_user_trials(user) -> dict:
    """The parties the person is the contact of and the commitment revisions they wrote."""
    def iso(dt):
        return dt.isoformat() if dt else None
    parties = db.session.execute(
        select(Party).where(Party.user_id == user.id)
        .options(db.joinedload(Party.trial)).order_by(Party.id)).scalars().all()
    revisions = db.session.execute(
        select(CommitmentRevision).where(CommitmentRevision.changed_by_id == user.id)
        .order_by(CommitmentRevision.created_at, CommitmentRevision.id)).scalars().all()
    trial_of = {p.id: p.trial for p in parties}
    missing = {r.party_id for r in revisions} - set(trial_of)
    if missing:
        for p in db.session.execute(select(Party).where(Party.id.in_(missing))
                                    .options(db.joinedload(Party.trial))).scalars():
            trial_of[p.id] = p.trial
    return {
        "trial_parties": [{
            "trial": p.trial.title, "trial_id": p.trial_id, "organisation": p.organisation,
            "contact_name": p.contact_name, "contact_email": p.contact_email,
            "role": p.role.value, "leadership": p.leadership.value,
            "commitment": p.commitment, "resources": p.resources,
            "agreed_at": iso(p.agreed_at)} for p in parties],
        "commitment_revisions": [{
            "trial": trial_of[r.party_id].title, "party_id": r.party_id,
            "number": r.number, "kind": r.kind, "commitment": r.commitment,
            "resources": r.resources, "note": r.note, "at": iso(r.created_at)}
            for r in revisions],
    }


def forget_user(user, email: str = "") -> None:
    """On account deletion: the person is no longer any party's contact (the party, its
    organisation and its commitments stay, as the contract's history)."""
    from sqlalchemy import or_
    # `email`: the person's confirmed address, for a contact added by address before they
    # signed up ("" when the address was never confirmed).
    by_address = [func.lower(Party.contact_email) == email.lower()] if email else []
    for party in db.session.execute(select(Party).where(or_(
            Party.user_id == user.id, *by_address))).scalars():
        party.user_id = None
        party.contact_name = ""
        party.contact_email = ""
