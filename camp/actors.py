"""Translated labels for actor types (DOMAIN.md: a camp's value comes from mixing them)."""
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice

from camp.auth.models import ActorType

ACTOR_TYPE_LABELS = {
    ActorType.politician: _l("Politician"),
    ActorType.administrator: _l("Administrator (civil servant)"),
    ActorType.frontline: _l("Frontline staff"),
    ActorType.citizen: _l("Citizen"),
    ActorType.service_user: _l("Service user"),
    ActorType.civil_society: _l("Civil society organisation or volunteer"),
    ActorType.business: _l("Private company"),
    ActorType.researcher: _l("Researcher"),
    ActorType.other: _l("Other"),
}


def actor_type_choices(blank: bool = True) -> list[SelectChoice]:
    """Choices for a select; the blank first option makes people choose on purpose."""
    choices = [SelectChoice(t.value, label) for t, label in ACTOR_TYPE_LABELS.items()]
    if blank:
        choices.insert(0, SelectChoice("", _l("Choose …")))
    return choices


def actor_label(value) -> str:
    try:
        return str(ACTOR_TYPE_LABELS[ActorType(value)])
    except ValueError:
        return str(value)
