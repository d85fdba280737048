"""CSV export of registrations, made to open cleanly in (Danish) Excel."""
from __future__ import annotations

from flask_babel import gettext as _

from camp.actors import actor_label
from camp.csvfile import to_csv
from camp.i18n import zone
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


def registrations_csv(camp, rows, positions: dict[int, int] | None = None) -> bytes:
    """One line per registration, one column per registration question.

    `positions` (registration id -> waiting-list position) fills that column.
    """
    positions = positions or {}
    questions = list(camp.questions)
    # Thousands of rows: translate each label once, and format the fixed, locale-free
    # timestamp pattern with strftime (Babel's formatter was half the export's time).
    tz = zone(camp.timezone)
    actor = _memo(actor_label)
    status = _memo(lambda s: str(STATUS_LABELS[s]))
    answer = _memo(_answer)

    def when(dt):
        return dt.astimezone(tz).strftime("%Y-%m-%d %H:%M") if dt is not None else ""

    header = [_("Name"), _("E-mail"), _("Organisation"), _("Actor type"), _("Status"),
              _("Waiting list position"), _("Registered"), _("Dietary needs"),
              _("Accessibility needs"), _("Consent given"), _("Consent version")] \
        + [q.label for q in questions]
    keys = [str(q.id) for q in questions]
    return to_csv(header, ([
        r.name, r.email, r.organisation, actor(r.actor_type), status(r.status),
        positions.get(r.id, ""), when(r.created_at), r.diet, r.accessibility,
        when(r.consent_at), r.consent_version or "",
    ] + [answer((r.answers or {}).get(key)) for key in keys] for r in rows))


def _memo(fn):
    """fn memoised per request for hashable arguments (lists, e.g. answers, are not kept)."""
    seen = {}

    def call(value):
        if isinstance(value, list):
            return fn(value)
        if value not in seen:
            seen[value] = fn(value)
        return seen[value]
    return call


def actor_mix_csv(mix: dict) -> bytes:
    """The actor-mix summary (queries.actor_mix) as one table.

    A row counts either an actor type or an organisation; the other column stays empty.
    """
    rows = []
    for status, part in mix.items():
        label = str(STATUS_LABELS[RegistrationStatus(status)])
        for row in part["actor_types"]:
            rows.append([label, actor_label(row.label), "", row.count, _share(row.share)])
        for row in part["organisations"]:
            rows.append([label, "", row.label or _("No organisation"), row.count,
                         _share(row.share)])
    return to_csv([_("Status"), _("Actor type"), _("Organisation"), _("Count"), _("Share")],
                  rows)


def _share(share: float) -> str:
    return f"{round(share * 100)} %"

