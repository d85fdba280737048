"""CSV export of registrations, made to open cleanly in (Danish) Excel."""
from __future__ import annotations

import csv
import io

from flask_babel import gettext as _

from camp.actors import actor_label
from camp.i18n import format_local
from camp.registrations.labels import STATUS_LABELS
from camp.registrations.models import RegistrationStatus


def _answer(value) -> str:
    if isinstance(value, list):
        return ", ".join(value)
    if value == "yes":
        return _("Yes")
    if value == "no":
        return _("No")
    return value or ""


def _writer():
    """UTF-8 with a BOM and ';' between fields.

    Excel only detects UTF-8 with the BOM (else æøå break), and Danish Excel splits
    columns on ';' because ',' is the decimal separator there (a ','-file lands in one
    column). English Excel asks, or splits on ';' when opened via Data > From Text.
    """
    buf = io.StringIO()
    return buf, csv.writer(buf, delimiter=";", lineterminator="\r\n")


def _bytes(buf) -> bytes:
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def registrations_csv(camp, rows, positions: dict[int, int] | None = None) -> bytes:
    """One line per registration, one column per registration question.

    `positions` (registration id -> waiting-list position) fills that column.
    """
    positions = positions or {}
    buf, writer = _writer()
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
    return _bytes(buf)


def actor_mix_csv(mix: dict) -> bytes:
    """The actor-mix summary (queries.actor_mix) as one table.

    A row counts either an actor type or an organisation; the other column stays empty.
    """
    buf, writer = _writer()
    writer.writerow([_("Status"), _("Actor type"), _("Organisation"), _("Count"), _("Share")])
    for status, part in mix.items():
        label = str(STATUS_LABELS[RegistrationStatus(status)])
        for row in part["actor_types"]:
            writer.writerow([label, actor_label(row.label), "", row.count, _share(row.share)])
        for row in part["organisations"]:
            writer.writerow([label, "", _safe(row.label or _("No organisation")), row.count,
                             _share(row.share)])
    return _bytes(buf)


def _share(share: float) -> str:
    return f"{round(share * 100)} %"


def _safe(text: str) -> str:
    """Stop spreadsheet formula injection from user-typed text."""
    text = text or ""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
