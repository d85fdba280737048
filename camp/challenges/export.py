"""CSV export of a camp's challenges for organisers (UTF-8 with BOM, ';' for Danish Excel)."""
from __future__ import annotations

from flask_babel import gettext as _

from camp.actors import actor_label
from camp.csvfile import to_csv
from camp.challenges.labels import MODE_LABELS, RESOURCE_LABELS, STATUS_LABELS, VALUE_LABELS
from camp.i18n import format_local
from camp.urls import external_url


def challenges_csv(camp, challenges) -> bytes:
    header = [
        _("ID"), _("Title"), _("Status"), _("Owner organisation"), _("Owner actor type"),
        _("Mode"), _("Intended values"), _("Resources offered"), _("Commitment"),
        _("Owners"), _("Contacts"), _("Submitted"), _("Decided"), _("Published"),
        _("Reason for declining"), _("Link")]

    def when(dt):
        return format_local(dt, camp.timezone, "yyyy-MM-dd HH:mm") if dt else ""
    return to_csv(header, ([
        c.id, c.title, str(STATUS_LABELS[c.status]), c.owner_organisation,
        actor_label(c.owner_actor_type), str(MODE_LABELS[c.mode]),
        " | ".join(f"{VALUE_LABELS[v.dimension]}: {v.how_noticed}" for v in c.values),
        " | ".join(f"{RESOURCE_LABELS[r.kind]}: {r.description}" for r in c.resources),
        c.commitment, ", ".join(f"{o.user.name} <{o.user.email}>" for o in c.owners),
        c.contacts, when(c.submitted_at), when(c.decided_at), when(c.published_at),
        c.decline_reason, external_url("challenges.show", slug=camp.slug, challenge_id=c.id),
    ] for c in challenges))
