"""What each scan answer says, and how it looks (ok / warning / refused)."""
from flask_babel import lazy_gettext as _l

from camp.checkin.models import ScanResult

RESULT_TEXT = {
    ScanResult.ok: _l("Welcome in"),
    ScanResult.already_checked_in: _l("Already checked in"),
    ScanResult.not_checked_in: _l("Not checked in"),
    ScanResult.unknown_ticket: _l("Unknown ticket"),
    ScanResult.cancelled: _l("Registration cancelled"),
    ScanResult.waitlisted: _l("On the waiting list, no seat"),
    ScanResult.wrong_camp: _l("Ticket for another camp"),
    ScanResult.not_open_yet: _l("The doors are not open yet"),
}
RESULT_TONE = {
    ScanResult.ok: "ok",
    ScanResult.already_checked_in: "warn",
    ScanResult.not_checked_in: "warn",
}
EXIT_TEXT = _l("Checked out")
OVERRIDE_TEXT = _l("Let in by staff decision")
