"""Translated names of a trial's states, the parties' roles and leadership, and the kinds of
commitment revision (also read by templates as `trial_labels`)."""
from flask_babel import lazy_gettext as _l

from camp.prototypes.labels import value_label  # noqa: F401  (for templates)
from camp.trials.models import Leadership, PartyRole, Recommendation, TrialStatus

STATUS_LABELS = {
    TrialStatus.idea: _l("Idea"),
    TrialStatus.planned: _l("Planned"),
    TrialStatus.running: _l("Running"),
    TrialStatus.evaluating: _l("Evaluating"),
    TrialStatus.scaled_up: _l("Scaled up"),
    TrialStatus.adapted: _l("Adapted"),
    TrialStatus.stopped: _l("Stopped"),
}

# What moving to a status means, shown beside the choice on the trial page.
STATUS_HINTS = {
    TrialStatus.planned: _l("Dates, place and parties are agreed."),
    TrialStatus.running: _l("The trial has started in practice."),
    TrialStatus.evaluating: _l("The parties evaluate the value it created."),
    TrialStatus.scaled_up: _l("It works: it becomes part of everyday practice."),
    TrialStatus.adapted: _l("It continues in a changed form (say why)."),
    TrialStatus.stopped: _l("It ends here (say why): a legitimate outcome."),
}

# CSS class of the status badge.
STATUS_CLASSES = {
    TrialStatus.idea: "draft",
    TrialStatus.planned: "submitted",
    TrialStatus.running: "accepted",
    TrialStatus.evaluating: "accepted",
    TrialStatus.scaled_up: "published",
    TrialStatus.adapted: "published",
    TrialStatus.stopped: "closed",
}

ROLE_LABELS = {
    PartyRole.owner: _l("Owner"),
    PartyRole.partner: _l("Partner"),
    PartyRole.citizen_group: _l("Citizen group"),
    PartyRole.frontline_unit: _l("Frontline unit"),
    PartyRole.other: _l("Other"),
}

LEADERSHIP_LABELS = {
    Leadership.defining: _l("Defining leadership (sets the frame, goal and resources)"),
    Leadership.facilitating: _l("Facilitating leadership (keeps the process going)"),
    Leadership.none: _l("No leadership role"),
}

LEADERSHIP_SHORT = {
    Leadership.defining: _l("Defining"),
    Leadership.facilitating: _l("Facilitating"),
    Leadership.none: _l("None"),
}

KIND_LABELS = {
    "agreed": _l("Agreed"),
    "confirmed": _l("Confirmed unchanged"),
    "changed": _l("Changed"),
}

RECOMMENDATION_LABELS = {
    Recommendation.scale_up: _l("Scale up"),
    Recommendation.adapt: _l("Adapt"),
    Recommendation.stop: _l("Stop"),
}


def status_label(value) -> str:
    """The translated name of a status given as its enum or stored string."""
    try:
        return str(STATUS_LABELS[TrialStatus(value)])
    except ValueError:
        return str(value)
