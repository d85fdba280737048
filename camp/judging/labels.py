"""Translated names of a juror's progress on an assignment (also read by templates)."""
from flask_babel import lazy_gettext as _l

STATUS_LABELS = {
    "not_started": _l("Not started"),
    "partly": _l("Partly scored"),
    "scored": _l("Scored"),
}
# The badge class of each state (static/css/app.css).
STATUS_CLASSES = {"not_started": "draft", "partly": "waitlisted", "scored": "published"}
