"""Translated names for the charter's phases, proposal kinds and states, comment tags."""
from flask_babel import lazy_gettext as _l

from camp.charters.models import CharterPhase, CommentTag, ProposalKind, ProposalStatus

PHASE_LABELS = {
    CharterPhase.drafting: _l("Drafting"),
    CharterPhase.consultation: _l("Consultation"),
    CharterPhase.final: _l("Final"),
}

KIND_LABELS = {
    ProposalKind.replace: _l("New wording"),
    ProposalKind.add: _l("New clause"),
    ProposalKind.remove: _l("Remove the clause"),
}

STATUS_LABELS = {
    ProposalStatus.open: _l("Open"),
    ProposalStatus.accepted: _l("Accepted"),
    ProposalStatus.rejected: _l("Rejected"),
    ProposalStatus.withdrawn: _l("Withdrawn"),
}

TAG_LABELS = {
    CommentTag.question: _l("Question"),
    CommentTag.suggestion: _l("Suggestion"),
    CommentTag.note: _l("Note"),
}

# CSS classes of the badges (templates).
STATUS_BADGES = {
    ProposalStatus.open: "submitted",
    ProposalStatus.accepted: "published",
    ProposalStatus.rejected: "declined",
    ProposalStatus.withdrawn: "archived",
}
PHASE_BADGES = {
    CharterPhase.drafting: "draft",
    CharterPhase.consultation: "submitted",
    CharterPhase.final: "published",
}
