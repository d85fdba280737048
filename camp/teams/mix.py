"""A team's actor mix: who is in it by actor type and organisation, and what to warn about.

DOMAIN.md: "a team of five civil servants from one municipality is a failure of team
formation". Pure functions, so every page (and automatic placement) shows the same thing.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from camp.actors import actor_label
from camp.auth.models import ActorType


@dataclass
class Mix:
    size: int
    # Most common first; ties in the order of ActorType / alphabetically.
    actor_types: list[tuple[ActorType, int]] = field(default_factory=list)
    organisations: list[tuple[str, int]] = field(default_factory=list)
    warnings: list = field(default_factory=list)

    @property
    def summary(self) -> str:
        """"Citizen 2, Researcher 1" — short enough for a table cell."""
        return ", ".join(f"{actor_label(t)} {n}" for t, n in self.actor_types)


def _org_key(organisation: str | None) -> str:
    return " ".join((organisation or "").split()).casefold()


def team_mix(members) -> Mix:
    """Counts per actor type and organisation, and warnings, for objects with
    `actor_type` and `organisation` attributes (registrations, users, people)."""
    members = list(members)
    order = {t: i for i, t in enumerate(ActorType)}
    types = Counter(ActorType(m.actor_type) for m in members)
    actor_types = sorted(types.items(), key=lambda kv: (-kv[1], order[kv[0]]))
    names: dict[str, str] = {}
    orgs: Counter = Counter()
    for m in members:
        key = _org_key(m.organisation)
        if key:
            names.setdefault(key, " ".join(m.organisation.split()))
            orgs[key] += 1
    organisations = sorted(((names[k], n) for k, n in orgs.items()),
                           key=lambda kv: (-kv[1], kv[0].casefold()))
    warnings = []
    if len(members) >= 2:
        if len(types) == 1:
            warnings.append(_l("Everyone is %(type)s. Invite people from other sectors.",
                               type=actor_label(actor_types[0][0]).lower()))
        if len(orgs) == 1 and orgs[next(iter(orgs))] == len(members):
            warnings.append(_l("Everyone is from %(organisation)s. Invite people from other "
                               "organisations.", organisation=organisations[0][0]))
    return Mix(size=len(members), actor_types=actor_types, organisations=organisations,
               warnings=warnings)
