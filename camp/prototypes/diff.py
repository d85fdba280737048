"""Two revisions of a prototype compared field by field (camp.textdiff does the words)."""
from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from camp.prototypes.labels import FIELD_LABELS, value_label
from camp.prototypes.models import REVISED_FIELDS
from camp.textdiff import word_diff


def as_text(name: str, value) -> str:
    """A revised field as comparable text (values by their translated names)."""
    if name == "values":
        return ", ".join(value_label(v) for v in value or [])
    return value or ""


@dataclass
class FieldDiff:
    name: str
    label: str
    changed: bool
    html: Markup


def compare(old: dict | None, new: dict) -> list[FieldDiff]:
    """Each revised field of `new` against `old` (None: everything is new)."""
    old = old or {}
    result = []
    for name in REVISED_FIELDS:
        before, after = as_text(name, old.get(name)), as_text(name, new.get(name))
        result.append(FieldDiff(name, str(FIELD_LABELS[name]), before != after,
                                word_diff(before, after)))
    return result
