"""CSV export of registrations, made to open cleanly in (Danish) Excel."""
from __future__ import annotations

import csv
import io

from flask_babel import gettext as _

from camp.actors import actor_label
from camp.i18n import format_local
from camp.registrations.labels import STATUS_LABELS



def _answer(value) -> str:
    if isinstance(value, list):
        return ", ".join(value)
    if value == "yes":
        return _("Yes")
    if value == "no":
        return _("No")
    return value or ""


def registrations_csv(camp, rows, positions: dict[int, int]) -> bytes:
    """UTF-8 with a BOM and ';' between fields.

    Excel only detects UTF-8 with the BOM (else æøå break), and Danish Excel splits
    columns on ';' because ',' is the decimal separator there.
    """
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    questions = list(camp.questions)
    writer.writerow([_("Name"), _("E-mail"), _("Organisation"), _("Actor type"), _("Status"),
                     _("Waiting list position"), _("Registered"), _("Dietary needs"),
                     _("Accessibility needs"), _("Consent given"), _("Consent version")]
                    + [q.label for q in questions])
    for r in rows:
        writer.writerow([
            _safe(r.name), r.email, _safe(r.organisation), actor_label(r.actor_type),
            str(STATUS_LABELS[r.status]), positions.get(r.id, ""),
            format_local(r.created_at, camp.timezone, "yyyy-MM-dd HH:mm"),
            _safe(r.diet), _safe(r.accessibility),
            format_local(r.consent_at, camp.timezone, "yyyy-MM-dd HH:mm"),
            r.consent_version or "",
        ] + [_safe(_answer((r.answers or {}).get(str(q.id)))) for q in questions])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _safe(text: str) -> str:
    """Stop spreadsheet formula injection from user-typed text."""
    text = text or ""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
