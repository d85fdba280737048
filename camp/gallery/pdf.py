"""Prototypes as PDF: one A4 page per prototype (for the owner to take to a meeting), and
the camp's booklet of every submitted prototype (a cover with contents, then one page
each, grouped by challenge).

The page shows the last submitted revision (what the owner reads); a prototype never
submitted shows its draft, marked as such. Long texts are cut with an ellipsis so that a
prototype always fits one page (and the page's box clips whatever still would not), which
also lets the booklet number its pages before rendering them.

Rendering goes through camp.badges.pdfpool: WeasyPrint with a fetcher that allows only
our static files and data: URIs, so user text can never make the server fetch a URL; the
Markdown is sanitised as on the web pages (no images), and the cover image is embedded as
a data: URI of its Pillow-made thumbnail.
"""
from __future__ import annotations

import base64
import io
import os
from dataclasses import dataclass, field

from flask import current_app, render_template, url_for
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from camp import uploads
from camp.extensions import db
from camp.markdown import render_markdown
from camp.prototypes import labels
from camp.prototypes.models import Prototype, PrototypeFile, PrototypeStatus
from camp.prototypes.services import snapshot

# The Markdown fields of the main column, in the order the page shows them.
MAIN_FIELDS = ("problem", "solution", "beneficiaries", "trial_needs", "next_steps")
# Characters the main column holds under a one-line title and pitch; a paragraph or list
# item costs a line as well, each further line of the title or pitch takes its room.
MAIN_BUDGET = 3700
LINE_CHARS = 64
TITLE_LINE_CHARS, TITLE_LINE_COST = 44, 1.8
PITCH_LINE_CHARS, PITCH_LINE_COST = 84, 1.25
TITLE_MAX = 120
PITCH_MAX = 220
MEMBERS_MAX = 8
LINKS_MAX = 4
LINK_MAX = 48
TEXT_MIN = 160  # a field is never cut shorter than this (when it is longer)
ELLIPSIS = "…"
# Prototype pages per chunk when a booklet renders (in worker processes when several).
CHUNK_PAGES = 6


def shorten(text: str | None, limit: int) -> str:
    """The text cut to at most `limit` characters at a word boundary, with an ellipsis."""
    text = (text or "").strip()
    if len(text) <= limit:
        return text
    cut = text[:max(1, limit - 1)]
    space = max(cut.rfind(" "), cut.rfind("\n"))
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(" \n\t.,;:-*_#>") + ELLIPSIS


def _cost(text: str) -> int:
    """Room a text takes in the main column, in characters (breaks cost a line)."""
    blocks = [b for b in text.split("\n") if b.strip()]
    return len(text) + LINE_CHARS * max(0, len(blocks) - 1)


def main_budget(title: str, pitch: str) -> int:
    """The main column's room left under a title and pitch of these lengths."""
    title_lines = -(-len(title) // TITLE_LINE_CHARS) or 1
    pitch_lines = -(-len(pitch) // PITCH_LINE_CHARS) or 1
    lost = (title_lines - 1) * TITLE_LINE_COST + (pitch_lines - 1) * PITCH_LINE_COST
    return MAIN_BUDGET - round(lost * LINE_CHARS)


def fit(texts: dict[str, str], budget: int = MAIN_BUDGET) -> dict[str, str]:
    """Share the budget among the texts: short ones keep all they have, the long ones
    split what is left evenly and are cut with an ellipsis."""
    present = {k: (v or "").strip() for k, v in texts.items() if (v or "").strip()}
    room = budget - LINE_CHARS * 2 * len(present)  # each field's heading
    limits: dict[str, int] = {}
    left = dict(present)
    while left:
        share = max(TEXT_MIN, room // len(left))
        small = {k: v for k, v in left.items() if _cost(v) <= share}
        if not small:
            for k in left:
                limits[k] = share
            break
        for k, v in small.items():
            limits[k] = len(v)
            room -= _cost(v)
            del left[k]
    out = {}
    for k, v in present.items():
        # A text with many short lines is cut by its cost, not only by its length.
        limit = limits[k]
        if _cost(v) > limit:
            limit = max(TEXT_MIN, limit - (_cost(v) - len(v)) * limit // max(1, _cost(v)))
        out[k] = shorten(v, limit)
    return {k: out.get(k, "") for k in texts}


@dataclass
class Member:
    name: str
    organisation: str


@dataclass
class Page:
    """Plain values of one prototype's page (what the template needs)."""
    id: int
    url: str
    title: str
    pitch: str
    texts: dict[str, Markup]
    values: list[str]
    links: list[str]
    challenge: str
    owner_organisation: str
    team: str
    members: list[Member]
    more_members: int
    submitted: bool
    revision: int | None
    submitted_at: object
    cover: str | None  # a data: URI
    cover_alt: str = ""
    results: list[tuple[str, str]] = field(default_factory=list)


def cover_uri(f: PrototypeFile | None) -> str | None:
    """The cover's thumbnail (made by Pillow) as a data: URI, or None."""
    if f is None or not f.thumbnail_name:
        return None
    try:
        path = uploads.path_of(PrototypeFile.UPLOAD_AREA, f.thumbnail_name)
        with open(path, "rb") as fh:
            data = fh.read()
    except (OSError, ValueError):
        return None
    mimetype = uploads.KINDS[f.content_type].mimetype
    return f"data:{mimetype};base64,{base64.b64encode(data).decode()}"


def published_results(camp) -> dict[int, list[tuple[str, str]]]:
    """prototype id -> [(label, text)] of the jury's and the people's choice results, each
    only once the organisers have published it (a fixed number of queries)."""
    from flask_babel import format_decimal, gettext, ngettext
    out: dict[int, list[tuple[str, str]]] = {}
    if camp.jury_results_published_at is not None:
        from camp.judging.results import jury_results
        rows = [r for r in jury_results(camp) if r.scored]
        for r in rows:
            out.setdefault(r.prototype.id, []).append((gettext("Jury result"), gettext(
                "%(mean)s of 100, rank %(rank)s of %(count)s",
                mean=format_decimal(round(r.mean, 1)), rank=r.rank, count=len(rows))))
    if camp.votes_published_at is not None:
        from camp.judging.votes import results
        for r in results(camp):
            out.setdefault(r.prototype.id, []).append((gettext("People's choice"), ngettext(
                "%(num)s vote, rank %(rank)s", "%(num)s votes, rank %(rank)s", r.votes,
                rank=r.rank)))
    return out


def page_of(prototype: Prototype, people: dict | None = None,
            results: dict[int, list[tuple[str, str]]] | None = None) -> Page:
    """The page's values: the last submitted revision, else the draft; the published
    results (computed for the whole camp unless given)."""
    from camp.teams.services import people as people_of
    last = prototype.revisions[-1] if prototype.revisions else None
    data = last.data if last is not None else snapshot(prototype)
    team = prototype.team
    ids = [m.user_id for m in team.members]
    if people is None:
        people = people_of(prototype.camp_id, ids)
    members = [Member(people[i].name, people[i].organisation) for i in ids if i in people]
    title = shorten(data.get("title") or prototype.title, TITLE_MAX)
    pitch = shorten(data.get("pitch"), PITCH_MAX)
    texts = fit({k: data.get(k) or "" for k in MAIN_FIELDS}, main_budget(title, pitch))
    links = [line.strip() for line in (data.get("links") or "").splitlines() if line.strip()]
    cover = prototype.cover
    return Page(
        id=prototype.id,
        url=url_for("prototypes.show", slug=prototype.camp.slug, prototype_id=prototype.id,
                    _external=True),
        title=title,
        pitch=pitch,
        texts={k: render_markdown(v) for k, v in texts.items() if v},
        values=[labels.value_label(v) for v in data.get("values") or []],
        links=[shorten(link, LINK_MAX) for link in links[:LINKS_MAX]]
        + ([ELLIPSIS] if len(links) > LINKS_MAX else []),
        challenge=shorten(prototype.challenge.title, 120),
        owner_organisation=shorten(prototype.challenge.owner_organisation, 80),
        team=shorten(team.name, 80),
        members=[Member(shorten(m.name, 60), shorten(m.organisation, 60))
                 for m in members[:MEMBERS_MAX]],
        more_members=max(0, len(members) - MEMBERS_MAX),
        submitted=last is not None and prototype.status == PrototypeStatus.submitted,
        revision=last.number if last is not None else None,
        submitted_at=last.submitted_at if last is not None else None,
        cover=cover_uri(cover),
        cover_alt=cover.display_name if cover is not None else "",
        results=(published_results(prototype.camp) if results is None else results
                 ).get(prototype.id, []),
    )


def _static() -> str:
    return current_app.static_folder


def render_prototype_pdf(prototype: Prototype) -> bytes:
    """One A4 page for the prototype, in the current language.

    Needs a request context (the page's address is printed); a background job gets one
    from camp.jobs.
    """
    from camp.badges.pdfpool import render_chunk
    html = render_template("pdf/prototype.html", camp=prototype.camp,
                           pages=[page_of(prototype)], labels=labels)
    return render_chunk(html, _static())


# -- the booklet ----------------------------------------------------------------------------

def booklet_prototypes(camp) -> list[Prototype]:
    """The camp's submitted prototypes, by challenge then title, with what the pages show
    loaded in a fixed number of queries."""
    from camp.challenges.models import Challenge
    from camp.teams.models import Team
    return db.session.execute(
        select(Prototype).join(Challenge, Challenge.id == Prototype.challenge_id)
        .where(Prototype.camp_id == camp.id, Prototype.status == PrototypeStatus.submitted)
        .options(selectinload(Prototype.revisions), selectinload(Prototype.files),
                 selectinload(Prototype.challenge),
                 selectinload(Prototype.team).selectinload(Team.members))
        .order_by(Challenge.title, Challenge.id, Prototype.title, Prototype.id)
    ).scalars().all()


@dataclass
class Section:
    """A challenge in the booklet's contents, with its prototypes' pages."""
    title: str
    owner_organisation: str
    entries: list[tuple[str, str, int]]  # (prototype title, team, page number)


def contents(pages: list[Page], first_page: int) -> list[Section]:
    sections: list[Section] = []
    for i, page in enumerate(pages):
        if not sections or sections[-1].title != page.challenge \
                or sections[-1].owner_organisation != page.owner_organisation:
            sections.append(Section(page.challenge, page.owner_organisation, []))
        sections[-1].entries.append((page.title, page.team, first_page + i))
    return sections


def _page_count(pdf: bytes) -> int:
    from pypdf import PdfReader
    return len(PdfReader(io.BytesIO(pdf)).pages)


def _workers(chunks: int) -> int:
    configured = int(current_app.config.get("BOOKLET_WORKERS",
                                            current_app.config.get("BADGE_WORKERS", 2)))
    return max(1, min(configured, os.cpu_count() or 1, chunks))


def render_booklet_pdf(camp, prototypes: list[Prototype] | None = None, progress=None,
                       chunk_pages: int = CHUNK_PAGES, workers: int | None = None) -> bytes:
    """The camp's booklet; `progress(done)` is told how many prototype pages are done.

    The cover (with the contents) is rendered first, again if its page count was guessed
    wrong; then the prototype pages chunk by chunk (one page each), and everything is
    merged with a bookmark per challenge and prototype.
    """
    from camp.badges.pdfpool import render_chunk, render_chunks
    from camp.teams.services import people as people_of
    from pypdf import PdfReader, PdfWriter
    prototypes = booklet_prototypes(camp) if prototypes is None else prototypes
    people = people_of(camp.id, {m.user_id for p in prototypes for m in p.team.members})
    results = published_results(camp)
    pages = [page_of(p, people, results) for p in prototypes]
    static = _static()

    def cover(cover_pages: int) -> bytes:
        html = render_template("pdf/booklet_cover.html", camp=camp, count=len(pages),
                               sections=contents(pages, cover_pages + 1), labels=labels)
        return render_chunk(html, static)

    # About 22 contents lines fit under the cover's heading, 45 on a page of its own.
    lines = len(pages) + 2 * len(contents(pages, 0))
    guess = 1 + max(0, -(-(lines - 22) // 45))
    cover_pdf = cover(guess)
    cover_pages = _page_count(cover_pdf)
    if cover_pages != guess:
        cover_pdf = cover(cover_pages)
        cover_pages = _page_count(cover_pdf)

    chunks = [pages[i:i + chunk_pages] for i in range(0, len(pages), chunk_pages)]
    htmls = (render_template("pdf/booklet_pages.html", camp=camp, pages=chunk, labels=labels)
             for chunk in chunks)
    workers = _workers(len(chunks)) if workers is None else workers

    def on_chunk(i: int) -> None:
        if progress is not None:
            progress(min(len(pages), (i + 1) * chunk_pages))

    body = render_chunks(htmls, static, workers, on_chunk) if chunks else None
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(cover_pdf)), import_outline=False)
    if body is not None:
        writer.append(PdfReader(io.BytesIO(body)), import_outline=False)
    if len(writer.pages) != cover_pages + len(pages):
        current_app.logger.warning("booklet of %s: %s pages for %s prototypes", camp.slug,
                                   len(writer.pages), len(pages))
    for section in contents(pages, cover_pages):
        parent = writer.add_outline_item(title=section.title, page_number=section.entries[0][2])
        for title, _team, index in section.entries:
            writer.add_outline_item(title=title, page_number=index, parent=parent)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()

