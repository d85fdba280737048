"""A word-level comparison of two revisions, as escaped HTML with <ins> and <del>."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from markupsafe import Markup, escape

from camp.prototypes.labels import FIELD_LABELS, value_label
from camp.prototypes.models import REVISED_FIELDS

_TOKENS = re.compile(r"\s+|\S+\s*")  # a word with the space after it


def _tokens(text: str) -> list[str]:
    return _TOKENS.findall(text or "")


def word_diff(old: str, new: str) -> Markup:
    """`new` against `old`, word by word: removed words in <del>, added words in <ins>.
    Every piece of text is escaped; user text never becomes markup."""
    a, b = _tokens(old), _tokens(new)
    out = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append(escape("".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            out.append(Markup("<del>%s</del>") % "".join(a[i1:i2]))
        if op in ("insert", "replace"):
            out.append(Markup("<ins>%s</ins>") % "".join(b[j1:j2]))
    return Markup("").join(out)


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
