"""Translated names for the prototype's fields and states (also read by templates)."""
from flask_babel import lazy_gettext as _l

from camp.challenges.labels import VALUE_LABELS
from camp.prototypes.models import PrototypeStatus

STATUS_LABELS = {
    None: _l("Not started"),
    PrototypeStatus.draft: _l("Draft"),
    PrototypeStatus.submitted: _l("Submitted"),
}

# In the order the form and the page show them (REVISED_FIELDS).
FIELD_LABELS = {
    "title": _l("Title"),
    "pitch": _l("One-line pitch"),
    "problem": _l("The problem as we understood it"),
    "solution": _l("The solution"),
    "beneficiaries": _l("Who benefits"),
    "values": _l("Intended value"),
    "trial_needs": _l("What a trial would need"),
    "next_steps": _l("Next steps"),
    "links": _l("Links"),
}

# Shown as Markdown on the prototype page.
MARKDOWN_FIELDS = ("problem", "solution", "beneficiaries", "trial_needs", "next_steps")


def value_label(value: str) -> str:
    """The translated name of a value dimension stored as its string."""
    from camp.challenges.models import ValueDimension
    try:
        return str(VALUE_LABELS[ValueDimension(value)])
    except ValueError:
        return value
