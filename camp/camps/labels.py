"""Translated names for camp states and roles."""
from flask_babel import lazy_gettext as _l

from camp.camps.models import CampStatus, Role

STATUS_NAMES = {CampStatus.draft: _l("Draft"), CampStatus.published: _l("Published"),
                CampStatus.closed: _l("Closed"), CampStatus.archived: _l("Archived")}
ROLE_LABELS = {Role.organiser: _l("Organiser"), Role.staff: _l("Check-in staff"),
               Role.jury: _l("Jury"), Role.participant: _l("Participant")}
