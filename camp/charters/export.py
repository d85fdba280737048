"""A version of a charter as a document: PDF (WeasyPrint), Markdown and standalone HTML.

Every export is built from the version's snapshot, so it never changes once the version
exists. The history (each version up to this one with its changelog) and the standing
signatures of this version are included.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from camp.charters.models import Charter, CharterVersion, Signature
from camp.extensions import db
from camp.i18n import format_local

KIND_LABELS = {
    "replace": _l("Clause changed"),
    "add": _l("Clause added"),
    "remove": _l("Clause removed"),
    "edit": _l("Edited by the editors"),
}


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def timezone_of(charter: Charter) -> str | None:
    return charter.camp.timezone if charter.camp is not None else None


@dataclass
class Document:
    charter: Charter
    version: CharterVersion
    data: dict                      # the snapshot
    history: list[CharterVersion]   # versions 1..n, oldest first
    signatures: list[Signature]     # standing, confirmed signatures of this version
    tz: str | None

    @property
    def is_latest(self) -> bool:
        return self.history[-1].number == self.version.number if self.history else True


def document(charter: Charter, version: CharterVersion) -> Document:
    from camp.charters.signatures import signatories
    history = db.session.execute(
        select(CharterVersion).where(CharterVersion.charter_id == charter.id,
                                     CharterVersion.number <= version.number)
        .options(db.joinedload(CharterVersion.created_by))
        .order_by(CharterVersion.number)).scalars().all()
    return Document(charter, version, version.snapshot or {}, history,
                    signatories(charter, version), timezone_of(charter))


def filename(charter: Charter, version: CharterVersion, ext: str) -> str:
    return f"{charter.slug}-v{version.number}.{ext}"


def to_pdf(doc: Document) -> bytes:
    from camp.documents import render_pdf
    return render_pdf("pdf/charter.html", doc=doc, kind_label=kind_label)


def to_html(doc: Document) -> str:
    """A standalone page (styles inline, nothing fetched); user Markdown sanitised."""
    return render_template("charter_versions/document.html", doc=doc, kind_label=kind_label)


def _status_line(doc: Document) -> str:
    v = doc.version
    line = _("Version %(n)s of %(when)s", n=v.number,
             when=format_local(v.created_at, doc.tz, "date"))
    if v.is_final:
        line += " · " + _("Final version (declared %(when)s)",
                          when=format_local(v.final_at, doc.tz, "date"))
    return line


def to_markdown(doc: Document) -> str:
    """The charter as Markdown: its own Markdown text, the history and the signatories."""
    d = doc.data
    out = [f"# {d.get('title', doc.charter.title)}", "", f"*{_status_line(doc)}*", ""]
    if (d.get("introduction") or "").strip():
        out += [d["introduction"].strip(), ""]
    for section in d.get("sections", []):
        out += [f"## {section['number']}. {section['title']}", ""]
        for clause in section.get("clauses", []):
            out += [f"**{clause['number']}** {clause['text'].strip()}", ""]
    out += [f"## {_('History')}", ""]
    for v in doc.history:
        who = v.created_by.name if v.created_by else ""
        head = _("Version %(n)s, %(when)s", n=v.number,
                 when=format_local(v.created_at, doc.tz, "yyyy-MM-dd"))
        out += [f"### {head}" + (f" ({who})" if who else ""), ""]
        if v.note:
            out += [v.note.strip(), ""]
        for entry in v.changelog or []:
            out.append("- " + _changelog_text(entry))
        if not v.changelog:
            out.append("- " + _("No changelog entries."))
        out.append("")
    if doc.signatures:
        out += [f"## {_('Signatories')}", ""]
        for s in doc.signatures:
            person = s.signer_name + (f", {s.signer_title}" if s.signer_title else "")
            out.append(f"- **{s.organisation}**: {person} "
                       f"({format_local(s.confirmed_at, doc.tz, 'yyyy-MM-dd')})")
        out.append("")
    return "\n".join(out)


def _changelog_text(entry: dict) -> str:
    parts = [kind_label(entry.get("kind", ""))]
    if entry.get("clause"):
        parts[0] += f" {entry['clause']}"
    if entry.get("proposal_id"):
        parts.append(_("proposal #%(id)s", id=entry["proposal_id"]))
    text = ", ".join(parts)
    if entry.get("summary"):
        text += f": {entry['summary']}"
    people = []
    if entry.get("author"):
        people.append(_("proposed by %(name)s", name=entry["author"]))
    if entry.get("decided_by"):
        people.append(_("decided by %(name)s", name=entry["decided_by"]))
    if people:
        text += f" ({'; '.join(people)})"
    return text
