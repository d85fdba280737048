"""CSV export of a camp's challenges for organisers (UTF-8 with BOM, ';' for Danish Excel)."""
from __future__ import annotations

from flask_babel import gettext as _

from camp.actors import actor_label
from camp.challenges.labels import MODE_LABELS, RESOURCE_LABELS, STATUS_LABELS, VALUE_LABELS
from camp.i18n import format_local
from camp.registrations.export import _bytes, _safe, _writer
from camp.urls import external_url


def challenges_csv(camp, challenges) -> bytes:
    buf, writer = _writer()
    writer.writerow([
        _("ID"), _("Title"), _("Status"), _("Owner organisation"), _("Owner actor type"),
        _("Mode"), _("Intended values"), _("Resources offered"), _("Commitment"),
        _("Owners"), _("Contacts"), _("Submitted"), _("Decided"), _("Published"),
        _("Reason for declining"), _("Link")])

    def when(dt):
        return format_local(dt, camp.timezone, "yyyy-MM-dd HH:mm") if dt else ""
    for c in challenges:
        writer.writerow([
            c.id, _safe(c.title), str(STATUS_LABELS[c.status]), _safe(c.owner_organisation),
            actor_label(c.owner_actor_type), str(MODE_LABELS[c.mode]),
            _safe(" | ".join(f"{VALUE_LABELS[v.dimension]}: {v.how_noticed}"
                             for v in c.values)),
            _safe(" | ".join(f"{RESOURCE_LABELS[r.kind]}: {r.description}"
                             for r in c.resources)),
            _safe(c.commitment),
            _safe(", ".join(f"{o.user.name} <{o.user.email}>" for o in c.owners)),
            _safe(c.contacts), when(c.submitted_at), when(c.decided_at), when(c.published_at),
            _safe(c.decline_reason),
            external_url("challenges.show", slug=camp.slug, challenge_id=c.id),
        ])
    return _bytes(buf)
