"""Translated names of registration states."""
from flask_babel import lazy_gettext as _l

from camp.registrations.models import RegistrationStatus

STATUS_LABELS = {
    RegistrationStatus.confirmed: _l("Confirmed"),
    RegistrationStatus.waitlisted: _l("Waiting list"),
    RegistrationStatus.cancelled: _l("Cancelled"),
}
