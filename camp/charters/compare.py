"""Two versions of a charter compared, from their snapshots (camp.textdiff does the words).

Clauses are matched by their id across the two snapshots, so a clause keeps its identity
when it is renumbered or moves to another section. Sections are matched by id as well.
Pure functions: nothing here touches the database.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup, escape

from camp.textdiff import word_diff

UNCHANGED, CHANGED, ADDED, REMOVED = "unchanged", "changed", "added", "removed"


@dataclass
class ClauseDiff:
    clause_id: int
    state: str                 # unchanged | changed | added | removed
    number_a: str | None       # its number in version a (None: not there)
    number_b: str | None       # its number in version b
    html: Markup               # the text with <ins>/<del> (escaped Markdown source)

    @property
    def renumbered(self) -> bool:
        return bool(self.number_a and self.number_b and self.number_a != self.number_b)


@dataclass
class SectionDiff:
    section_id: int
    state: str
    number_a: int | None
    number_b: int | None
    title_html: Markup
    title_changed: bool
    clauses: list[ClauseDiff] = field(default_factory=list)

    @property
    def has_changes(self) -> bool:
        return self.state != UNCHANGED or self.title_changed or \
            any(c.state != UNCHANGED or c.renumbered for c in self.clauses)


@dataclass
class Comparison:
    title_html: Markup
    title_changed: bool
    introduction_html: Markup
    introduction_changed: bool
    sections: list[SectionDiff]

    def counts(self) -> dict[str, int]:
        out = {UNCHANGED: 0, CHANGED: 0, ADDED: 0, REMOVED: 0}
        for s in self.sections:
            for c in s.clauses:
                out[c.state] += 1
        return out

    @property
    def has_changes(self) -> bool:
        return self.title_changed or self.introduction_changed or \
            any(s.has_changes for s in self.sections)

    def only_changes(self) -> Comparison:
        """The same comparison without unchanged clauses and sections without changes."""
        sections = []
        for s in self.sections:
            if not s.has_changes:
                continue
            kept = [c for c in s.clauses if c.state != UNCHANGED or c.renumbered]
            sections.append(SectionDiff(s.section_id, s.state, s.number_a, s.number_b,
                                        s.title_html, s.title_changed, kept))
        return Comparison(self.title_html, self.title_changed, self.introduction_html,
                          self.introduction_changed, sections)


def _clauses(snapshot: dict) -> dict[int, tuple[dict, dict]]:
    """clause id -> (clause, its section), over the whole snapshot."""
    return {c["id"]: (c, s) for s in snapshot.get("sections", []) for c in s.get("clauses", [])}


def _whole(text: str, tag: str) -> Markup:
    # tag is one of this module's literals; % escapes the text.
    return Markup(f"<{tag}>%s</{tag}>") % text if text else Markup("")  # nosec B704


def compare(a: dict, b: dict) -> Comparison:
    """Version b against version a (both CharterVersion.snapshot dicts), in b's order;
    what a had and b has not is shown where it stood in a."""
    clauses_a, clauses_b = _clauses(a), _clauses(b)
    sections_a = {s["id"]: s for s in a.get("sections", [])}
    sections_b_ids = {s["id"] for s in b.get("sections", [])}
    result: list[SectionDiff] = []

    for s in b.get("sections", []):
        old = sections_a.get(s["id"])
        title_a = old["title"] if old else ""
        diff = SectionDiff(
            s["id"], UNCHANGED if old else ADDED, old["number"] if old else None, s["number"],
            word_diff(title_a, s["title"]) if old else escape(s["title"]),
            bool(old) and title_a != s["title"])
        for c in s.get("clauses", []):
            before = clauses_a.get(c["id"])
            if before is None:
                diff.clauses.append(ClauseDiff(c["id"], ADDED, None, c["number"],
                                               _whole(c["text"], "ins")))
            else:
                old_text = before[0]["text"]
                state = UNCHANGED if old_text == c["text"] else CHANGED
                diff.clauses.append(ClauseDiff(
                    c["id"], state, before[0]["number"], c["number"],
                    escape(c["text"]) if state == UNCHANGED else word_diff(old_text, c["text"])))
        if old:
            _insert_removed(diff, old, clauses_b)
        result.append(diff)

    for s in a.get("sections", []):
        if s["id"] in sections_b_ids:
            continue
        diff = SectionDiff(s["id"], REMOVED, s["number"], None, escape(s["title"]), False)
        _insert_removed(diff, s, clauses_b)
        # Place it where it stood in a: after the section that preceded it there.
        result.insert(_position_after(result, a, s), diff)
    return Comparison(word_diff(a.get("title", ""), b.get("title", "")),
                      a.get("title", "") != b.get("title", ""),
                      word_diff(a.get("introduction", ""), b.get("introduction", "")),
                      (a.get("introduction") or "") != (b.get("introduction") or ""),
                      result)


def _insert_removed(diff: SectionDiff, old_section: dict, clauses_b: dict) -> None:
    """Clauses of old_section that are nowhere in b, each after its predecessor in a."""
    previous_id = None
    for c in old_section.get("clauses", []):
        if c["id"] not in clauses_b:
            removed = ClauseDiff(c["id"], REMOVED, c["number"], None, _whole(c["text"], "del"))
            index = 0
            if previous_id is not None:
                for i, item in enumerate(diff.clauses):
                    if item.clause_id == previous_id:
                        index = i + 1
                        break
            diff.clauses.insert(index, removed)
        previous_id = c["id"]


def _position_after(result: list[SectionDiff], a: dict, section: dict) -> int:
    ids = [s["id"] for s in a.get("sections", [])]
    before = ids[:ids.index(section["id"])]
    for prev in reversed(before):
        for i, item in enumerate(result):
            if item.section_id == prev:
                return i + 1
    return 0
