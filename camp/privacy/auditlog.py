"""The audit log of a camp for its organisers: who changed what, when.

AuditEvent rows are written by the services (camp.audit.record); this module reads them:
filtered by action prefix and person, paginated, exported as CSV, with readable labels.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from camp.audit import AuditEvent
from camp.extensions import db

PER_PAGE = 50

# The first part of an action ("registration" in "registration.cancel") -> a group name.
GROUP_LABELS = {
    "camp": _l("Camp"), "programme": _l("Programme"), "question": _l("Questions"),
    "invitation": _l("Invitations"), "member": _l("Organisers and staff"),
    "registration": _l("Registrations"), "ticket": _l("Tickets"), "device": _l("Scanners"),
    "challenge": _l("Challenges"), "request": _l("Requests"), "team": _l("Teams"),
    "teams": _l("Teams"), "prototype": _l("Prototypes"), "feedback": _l("Feedback"),
    "criterion": _l("Jury"), "jury": _l("Jury"), "votes": _l("People's choice"),
    "trial": _l("Trials"), "charter": _l("Charters"),
}

ACTION_LABELS = {
    "camp.create": _l("Camp created"),
    "camp.update": _l("Camp settings changed"),
    "camp.status": _l("Camp state changed"),
    "camp.personal_data_erased": _l("Participants' personal data erased"),
    "programme.save": _l("Programme item saved"),
    "programme.delete": _l("Programme item deleted"),
    "question.save": _l("Registration question saved"),
    "question.delete": _l("Registration question deleted"),
    "invitation.create": _l("Invitation sent"),
    "invitation.revoke": _l("Invitation revoked"),
    "invitation.accept": _l("Invitation accepted"),
    "member.remove": _l("Role removed"),
    "registration.create": _l("Registered"),
    "registration.cancel": _l("Registration cancelled"),
    "registration.promote": _l("Given a seat from the waiting list"),
    "ticket.rotate": _l("New ticket issued"),
    "device.create": _l("Scanner paired"),
    "device.revoke": _l("Scanner revoked"),
    "challenge.create": _l("Challenge created"),
    "challenge.update": _l("Challenge edited"),
    "challenge.submit": _l("Challenge submitted"),
    "challenge.accept": _l("Challenge accepted"),
    "challenge.publish": _l("Challenge published"),
    "challenge.decline": _l("Challenge declined"),
    "challenge.delete": _l("Challenge deleted"),
    "challenge.owner_add": _l("Challenge owner added"),
    "challenge.owner_remove": _l("Challenge owner removed"),
    "challenge.attachment_add": _l("Attachment added"),
    "challenge.attachment_delete": _l("Attachment deleted"),
    "request.create": _l("Question sent to an owner"),
    "request.answer": _l("Question answered"),
    "request.decline": _l("Question declined"),
    "team.create": _l("Team created"),
    "team.update": _l("Team edited"),
    "team.join": _l("Joined a team"),
    "team.leave": _l("Left a team"),
    "team.move": _l("Moved to another team"),
    "team.lead": _l("Team lead changed"),
    "team.lock": _l("Teams locked"),
    "team.limits": _l("Team size limits changed"),
    "team.invite": _l("Team invitation made"),
    "team.invite_revoke": _l("Team invitation revoked"),
    "team.request": _l("Asked to join a team"),
    "team.request_approved": _l("Join request approved"),
    "team.request_declined": _l("Join request declined"),
    "team.request_withdrawn": _l("Join request withdrawn"),
    "teams.settings": _l("Team settings changed"),
    "teams.placement_applied": _l("Automatic team placement applied"),
    "prototype.create": _l("Prototype started"),
    "prototype.save": _l("Prototype saved"),
    "prototype.submit": _l("Prototype submitted"),
    "prototype.extend": _l("Deadline extended for a team"),
    "prototype.deadline": _l("Prototype deadline changed"),
    "prototype.cover": _l("Prototype cover image chosen"),
    "prototype.file_add": _l("Prototype file added"),
    "prototype.file_delete": _l("Prototype file deleted"),
    "feedback.comment": _l("Feedback given"),
    "feedback.answer": _l("Feedback answered"),
    "feedback.delete": _l("Feedback deleted"),
    "criterion.add": _l("Jury criterion added"),
    "criterion.edit": _l("Jury criterion edited"),
    "criterion.delete": _l("Jury criterion deleted"),
    "criterion.presets": _l("Standard jury criteria added"),
    "jury.assign": _l("Jury assigned automatically"),
    "jury.assignment_add": _l("Juror assigned"),
    "jury.assignment_remove": _l("Juror unassigned"),
    "jury.score": _l("Scores given"),
    "jury.publish": _l("Jury results published"),
    "jury.unpublish": _l("Jury results hidden"),
    "votes.window": _l("Voting times changed"),
    "votes.cast": _l("Vote cast"),
    "votes.publish": _l("Vote results published"),
    "votes.unpublish": _l("Vote results hidden"),
    "trial.start": _l("Trial started"),
    "trial.edit": _l("Trial edited"),
    "trial.status": _l("Trial state changed"),
    "trial.update": _l("Trial progress posted"),
    "trial.party_add": _l("Trial party added"),
    "trial.party_remove": _l("Trial party removed"),
    "trial.milestone_add": _l("Milestone added"),
    "trial.milestone_edit": _l("Milestone edited"),
    "trial.milestone_done": _l("Milestone reached"),
    "trial.milestone_delete": _l("Milestone deleted"),
    "trial.review_held": _l("Trial review held"),
    "trial.evaluation_opened": _l("Evaluation opened"),
    "trial.evaluation_closed": _l("Evaluation closed"),
    "trial.evaluation_answered": _l("Evaluation answered"),
    "trial.add_prototype": _l("Prototype added to a trial"),
    "trial.commitment_agreed": _l("Commitment agreed"),
    "trial.commitment_changed": _l("Commitment changed"),
    "trial.commitment_confirmed": _l("Commitment confirmed"),
    "trial.follow": _l("Started following a trial"),
    "trial.unfollow": _l("Stopped following a trial"),
    "trial.unsubscribe": _l("Unsubscribed from a trial"),
    "charter.create": _l("Charter created"),
    "charter.edit": _l("Charter edited"),
    "charter.phase": _l("Charter phase changed"),
    "charter.version": _l("Charter version made"),
    "charter.final": _l("Charter made final"),
    "charter.propose": _l("Change proposed"),
    "charter.accept": _l("Proposal accepted"),
    "charter.reject": _l("Proposal rejected"),
    "charter.withdraw": _l("Proposal withdrawn"),
    "charter.comment": _l("Comment made"),
    "charter.comment_delete": _l("Comment deleted"),
    "charter.sign": _l("Signature given"),
    "charter.sign_confirm": _l("Signature confirmed"),
    "charter.sign_withdraw": _l("Signature withdrawn"),
}

_PREFIX_RE = re.compile(r"^[a-z_]{1,64}$")


def action_label(action: str) -> str:
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


def group_label(prefix: str) -> str:
    label = GROUP_LABELS.get(prefix)
    return str(label) if label is not None else prefix


@dataclass
class Filters:
    action: str = ""   # an action prefix: "registration" matches "registration.*"
    person: int | None = None

    @classmethod
    def from_args(cls, args) -> "Filters":
        action = (args.get("action") or "").strip()
        person = args.get("person", type=int)
        return cls(action=action if _PREFIX_RE.match(action) else "",
                   person=person if person and person > 0 else None)

    def as_args(self) -> dict:
        return {k: v for k, v in (("action", self.action), ("person", self.person)) if v}


def camp_events(camp_id: int, f: Filters):
    stmt = select(AuditEvent).where(AuditEvent.camp_id == camp_id)
    if f.action:
        # The prefix is letters and '_' only; '_' is a LIKE wildcard, so escape it.
        prefix = f.action.replace("_", "\\_")
        stmt = stmt.where((AuditEvent.action == f.action)
                          | AuditEvent.action.like(prefix + ".%", escape="\\"))
    if f.person:
        stmt = stmt.where(AuditEvent.actor_id == f.person)
    return stmt.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


def events_page(camp_id: int, f: Filters, page: int, per_page: int = PER_PAGE):
    return db.paginate(camp_events(camp_id, f), page=max(1, page), per_page=per_page,
                       error_out=False, count=True)


def actor_names(events) -> dict[int, str]:
    """Actor id -> name for these events, in one query (AuditEvent has no relationship)."""
    from camp.auth.models import User
    ids = {e.actor_id for e in events if e.actor_id}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())


def filter_choices(camp_id: int) -> tuple[list[tuple[str, str]], list[tuple[int, str]]]:
    """The action groups and the people that occur in this camp's log, for the filters."""
    from camp.auth.models import User
    actions = db.session.execute(
        select(AuditEvent.action).where(AuditEvent.camp_id == camp_id).distinct()).scalars()
    prefixes = sorted({a.split(".", 1)[0] for a in actions}, key=lambda p: group_label(p))
    people = db.session.execute(
        select(User.id, User.name).where(User.id.in_(
            select(AuditEvent.actor_id).where(AuditEvent.camp_id == camp_id).distinct()))
        .order_by(User.name, User.id)).all()
    return [(p, group_label(p)) for p in prefixes], [(uid, name) for uid, name in people]


def data_text(data) -> str:
    """The event's details as short readable text: key: value, ..."""
    if not data:
        return ""
    if not isinstance(data, dict):
        return json.dumps(data, ensure_ascii=False)
    def show(value):
        return json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) \
            else str(value)
    return ", ".join(f"{key}: {show(value)}" for key, value in sorted(data.items()))


def object_text(event) -> str:
    if not event.object_type:
        return ""
    return f"{event.object_type} #{event.object_id}" if event.object_id else event.object_type


def audit_csv(camp, events) -> bytes:
    from camp.csvfile import to_csv
    from camp.i18n import format_local
    events = list(events)
    names = actor_names(events)
    header = [_l("When"), _l("Who"), _l("Action"), _l("Action code"), _l("Object"),
              _l("Details")]
    return to_csv(header, ([format_local(e.at, camp.timezone, "short"),
                            names.get(e.actor_id, ""), action_label(e.action), e.action,
                            object_text(e), data_text(e.data)] for e in events))


def all_events(camp_id: int, f: Filters) -> list[AuditEvent]:
    return db.session.execute(camp_events(camp_id, f)).scalars().all()
