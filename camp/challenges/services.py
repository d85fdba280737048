"""Challenges: posting and editing by owners, co-owners, and the organisers' moderation.

Status: draft -> submitted -> accepted | declined (with a reason) -> published.
Editing never hides a challenge that teams may already be working on: only a declined
challenge goes back to draft when its owners edit it, so it has to be submitted again.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from camp.audit import record
from camp.auth.models import ActorType, User
from camp.camps.models import Camp
from camp.challenges.models import Challenge, ChallengeMode, ChallengeOwner, \
    ChallengeResource, ChallengeStatus, ChallengeValue, ResourceKind, ValueDimension
from camp.db import begin_write, utcnow
from camp.errors import Conflict, DomainError
from camp.extensions import db

TEXT_FIELDS = ("title", "owner_organisation", "problem", "context", "affected", "owner_role",
               "expectations", "commitment", "contacts")


@dataclass
class ChallengeData:
    title: str
    problem: str
    commitment: str
    owner_organisation: str = ""
    owner_actor_type: ActorType = ActorType.other
    context: str = ""
    affected: str = ""
    mode: ChallengeMode = ChallengeMode.co_creation
    owner_role: str = ""
    expectations: str = ""
    contacts: str = ""
    # The intended values, each with a sentence on how it would be noticed.
    values: dict[ValueDimension, str] = field(default_factory=dict)
    # Resources offered; a kind is offered when it has a description.
    resources: dict[ResourceKind, str] = field(default_factory=dict)


def _clean(data: ChallengeData) -> ChallengeData:
    for name in TEXT_FIELDS:
        setattr(data, name, (getattr(data, name) or "").strip())
    data.values = {ValueDimension(k): (v or "").strip() for k, v in data.values.items()}
    data.resources = {ResourceKind(k): (v or "").strip() for k, v in data.resources.items()
                      if (v or "").strip()}
    if not data.title:
        raise DomainError(_l("Give the challenge a title."), field="title")
    if not data.problem:
        raise DomainError(_l("Describe the problem."), field="problem")
    if not data.commitment:
        raise DomainError(_l("Say what you will do with a good prototype."), field="commitment")
    if not data.values:
        raise DomainError(_l("Choose at least one intended value."))
    for dimension, sentence in data.values.items():
        if not sentence:
            raise DomainError(_l("Say how this value would be noticed."),
                              field=f"noticed_{dimension.value}")
    return data


def _apply(challenge: Challenge, data: ChallengeData) -> list[str]:
    """Copy the data onto the challenge; the names of what changed (for the audit log)."""
    changed = []
    for name in TEXT_FIELDS + ("owner_actor_type", "mode"):
        if getattr(challenge, name) != getattr(data, name):
            setattr(challenge, name, getattr(data, name))
            changed.append(name)
    # Rows are updated in place: deleting and re-inserting a dimension in one flush would
    # trip the unique constraint (inserts run before deletes).
    existing = {v.dimension: v for v in challenge.values}
    for dimension, sentence in data.values.items():
        row = existing.pop(dimension, None)
        if row is None:
            challenge.values.append(ChallengeValue(dimension=dimension, how_noticed=sentence))
        elif row.how_noticed != sentence:
            row.how_noticed = sentence
        else:
            continue
        changed.append(f"value:{dimension.value}")
    for row in existing.values():
        challenge.values.remove(row)
        changed.append(f"value:{row.dimension.value}")
    offered = {r.kind: r for r in challenge.resources}
    for kind, description in data.resources.items():
        row = offered.pop(kind, None)
        if row is None:
            challenge.resources.append(ChallengeResource(kind=kind, description=description))
        elif row.description != description:
            row.description = description
        else:
            continue
        changed.append(f"resource:{kind.value}")
    for row in offered.values():
        challenge.resources.remove(row)
        changed.append(f"resource:{row.kind.value}")
    return changed


def create(actor: User, camp: Camp, data: ChallengeData) -> Challenge:
    """A new draft; whoever posts it becomes its first owner."""
    data = _clean(data)
    challenge = Challenge(camp=camp, status=ChallengeStatus.draft, created_by_id=actor.id)
    _apply(challenge, data)
    challenge.owners.append(ChallengeOwner(user_id=actor.id))
    db.session.add(challenge)
    db.session.flush()
    record("challenge.create", actor=actor, camp=camp, obj=challenge)
    return challenge


def update(actor: User, challenge: Challenge, data: ChallengeData) -> Challenge:
    data = _clean(data)
    challenge = _lock(challenge)
    changed = _apply(challenge, data)
    if changed and challenge.status == ChallengeStatus.declined:
        challenge.status = ChallengeStatus.draft
    db.session.flush()
    if changed:
        record("challenge.update", actor=actor, camp=challenge.camp, obj=challenge,
               fields=changed, status=challenge.status.value)
    return challenge


def _lock(challenge: Challenge) -> Challenge:
    """Re-read the challenge as a writer (BEGIN IMMEDIATE / FOR UPDATE) before a transition."""
    begin_write(db.session)
    return db.session.execute(
        select(Challenge).where(Challenge.id == challenge.id).with_for_update()
        .execution_options(populate_existing=True)).scalar_one()


def _require(challenge: Challenge, allowed: tuple[ChallengeStatus, ...], message) -> None:
    if challenge.status not in allowed:
        raise Conflict(message)


def submit(actor: User, challenge: Challenge) -> Challenge:
    challenge = _lock(challenge)
    _require(challenge, (ChallengeStatus.draft, ChallengeStatus.declined),
             _l("Only a draft or a declined challenge can be submitted."))
    if not challenge.values or not challenge.commitment.strip():
        raise DomainError(_l("Complete the challenge before you submit it: it needs at least "
                             "one intended value and the owner's commitment."))
    challenge.status = ChallengeStatus.submitted
    challenge.submitted_at = utcnow()
    challenge.decline_reason = ""
    db.session.flush()
    record("challenge.submit", actor=actor, camp=challenge.camp, obj=challenge)
    return challenge


def delete_draft(actor: User, challenge: Challenge) -> str:
    challenge = _lock(challenge)
    _require(challenge, (ChallengeStatus.draft,), _l("Only a draft can be deleted."))
    title = challenge.title
    record("challenge.delete", actor=actor, camp=challenge.camp, obj=challenge, title=title)
    db.session.delete(challenge)
    db.session.flush()
    return title


def accept(actor: User, challenge: Challenge) -> Challenge:
    challenge = _lock(challenge)
    _require(challenge, (ChallengeStatus.submitted,),
             _l("Only a submitted challenge can be accepted."))
    challenge.status = ChallengeStatus.accepted
    challenge.decided_at = utcnow()
    challenge.decided_by_id = actor.id
    db.session.flush()
    record("challenge.accept", actor=actor, camp=challenge.camp, obj=challenge)
    return challenge


def decline(actor: User, challenge: Challenge, reason: str) -> Challenge:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_l("Give the owners a reason, so they know what to change."),
                          field="reason")
    challenge = _lock(challenge)
    _require(challenge, (ChallengeStatus.submitted, ChallengeStatus.accepted),
             _l("Only a submitted or accepted challenge can be declined."))
    challenge.status = ChallengeStatus.declined
    challenge.decline_reason = reason
    challenge.decided_at = utcnow()
    challenge.decided_by_id = actor.id
    db.session.flush()
    record("challenge.decline", actor=actor, camp=challenge.camp, obj=challenge)
    return challenge


def publish(actor: User, challenge: Challenge) -> Challenge:
    """Accepted -> published; a submitted one is accepted and published in one step."""
    challenge = _lock(challenge)
    _require(challenge, (ChallengeStatus.submitted, ChallengeStatus.accepted),
             _l("Only an accepted or submitted challenge can be published."))
    now = utcnow()
    if challenge.status == ChallengeStatus.submitted:
        challenge.decided_at = now
        challenge.decided_by_id = actor.id
        record("challenge.accept", actor=actor, camp=challenge.camp, obj=challenge)
    challenge.status = ChallengeStatus.published
    challenge.published_at = now
    db.session.flush()
    record("challenge.publish", actor=actor, camp=challenge.camp, obj=challenge)
    return challenge


def add_owner(actor: User, challenge: Challenge, email: str) -> ChallengeOwner:
    from camp.auth.services import find_user_by_email
    user = find_user_by_email(email or "")
    if user is None:
        raise DomainError(_l("No account uses %(email)s. Ask the person to sign up first, "
                             "then add them.", email=(email or "").strip()), field="email")
    begin_write(db.session)
    taken = db.session.execute(
        select(ChallengeOwner.id).where(ChallengeOwner.challenge_id == challenge.id,
                                        ChallengeOwner.user_id == user.id)).first()
    if taken:
        raise DomainError(_l("%(name)s already owns this challenge.", name=user.name),
                          field="email")
    owner = ChallengeOwner(challenge_id=challenge.id, user_id=user.id)
    db.session.add(owner)
    db.session.flush()
    db.session.expire(challenge, ["owners"])
    record("challenge.owner_add", actor=actor, camp=challenge.camp, obj=challenge,
           user_id=user.id)
    return owner


def remove_owner(actor: User, challenge: Challenge, owner: ChallengeOwner) -> User:
    challenge = _lock(challenge)
    others = [o for o in challenge.owners if o.id != owner.id]
    if not others:
        raise Conflict(_l("A challenge needs at least one owner. Add another owner first."))
    user = owner.user
    challenge.owners.remove(owner)
    db.session.flush()
    record("challenge.owner_remove", actor=actor, camp=challenge.camp, obj=challenge,
           user_id=user.id)
    return user


def forget_contact(user: User, email: str = "") -> None:
    """Erasure of a person (issue 9): lines of a challenge's "Contact people" that name
    them are taken out; the rest stays. Any challenge's line with their (confirmed)
    `email`; their name (as a whole word) only in challenges they own or created, as a
    name is no proof: anyone could call themselves after a word in someone else's text.
    Call it before the person's ChallengeOwner rows go."""
    import re

    from sqlalchemy import or_
    name = (user.name or "").strip()
    by_email = re.compile(re.escape(email), re.IGNORECASE) if email else None
    by_name = re.compile(r"(?<!\w)" + re.escape(name) + r"(?!\w)", re.IGNORECASE) \
        if len(name) >= 3 else None
    theirs = or_(Challenge.created_by_id == user.id, Challenge.id.in_(
        select(ChallengeOwner.challenge_id).where(ChallengeOwner.user_id == user.id)))
    where = [theirs] + ([Challenge.contacts.ilike(
        "%" + email.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%",
        escape="\\")] if email else [])
    for challenge in db.session.execute(select(Challenge).where(or_(*where))).scalars():
        mine = challenge.created_by_id == user.id or any(
            o.user_id == user.id for o in challenge.owners)
        lines = (challenge.contacts or "").splitlines()
        kept = [line for line in lines
                if not (by_email and by_email.search(line))
                and not (mine and by_name and by_name.search(line))]
        if len(kept) != len(lines):
            challenge.contacts = "\n".join(kept)
    db.session.flush()
