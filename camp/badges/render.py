"""Badges as PDF: A4 sheets of 4, 6 or 8, or single labels for a label printer.

Small runs (a badge at the door, a tiny camp) render at once in this process. Big runs
are cut into chunks of whole sheets; the chunks render in a small pool of worker
processes and are merged in order (camp.badges.pdfpool), which on two cores takes well
under half the time of one big WeasyPrint call.
"""
from __future__ import annotations

import base64
import functools
import io
import os
from dataclasses import dataclass

from flask import current_app, render_template
from PIL import Image
from qrcode import QRCode
from qrcode.constants import ERROR_CORRECT_M
from sqlalchemy import select

from camp.camps.models import Membership, Role
from camp.extensions import db
from camp.registrations.models import Registration, RegistrationStatus
from camp.tickets.services import ticket_url


@dataclass(frozen=True)
class Layout:
    key: str
    page: str  # CSS @page size
    width_mm: float
    height_mm: float
    per_page: int

    @property
    def tall(self) -> bool:
        """Tall badges put the QR under the name; wide ones beside it."""
        return self.height_mm > self.width_mm * 1.2

    @property
    def sizes(self) -> dict:
        h, w = self.height_mm, self.width_mm
        band = round(min(h * 0.14, 14), 1)
        qr = round(min(h * 0.42, w * 0.42, 45), 1)
        head = round(min(h * 0.1, 9), 1)
        return {
            "band": band, "band_font": round(band * 0.42, 1),
            "head": head, "camp_font": round(min(head * 0.42, 4.2), 1),
            "name_font": round(min(h * 0.1, 9), 1),
            "org_font": round(min(h * 0.06, 5), 1),
            "qr": qr,
            # Wide badges keep the text clear of the QR code on the right.
            "text_right": 4 if self.tall else round(qr + 7, 1),
        }


LAYOUTS = {
    "a4-4": Layout("a4-4", "A4", 105, 148.5, 4),
    "a4-6": Layout("a4-6", "A4", 105, 99, 6),
    "a4-8": Layout("a4-8", "A4", 105, 74.25, 8),
    "label-90x54": Layout("label-90x54", "90mm 54mm", 90, 54, 1),
}
# A colour band per actor type, so people can see the mix across the room (white text
# on each meets WCAG AA contrast).
ACTOR_COLOURS = {
    "politician": "#7b1fa2", "administrator": "#0b5c4d", "frontline": "#1565c0",
    "citizen": "#c62828", "service_user": "#ad1457", "civil_society": "#2e7d32",
    "business": "#37474f", "researcher": "#4527a0", "other": "#5d4037",
}
HOUSE_COLOUR = "#0b5c4d"
ROLE_ORDER = [Role.organiser, Role.staff, Role.jury]
# Up to this many badges render in the calling process in one go.
DIRECT_MAX = 96
# Badges per chunk in a big run (whole sheets in every layout: 4, 6 and 8 divide it).
CHUNK_BADGES = 96


def roles_by_user(camp_id: int) -> dict[int, Role]:
    """The most visible role each person holds in the camp (organiser before staff...)."""
    rows = db.session.execute(select(Membership.user_id, Membership.role).where(
        Membership.camp_id == camp_id, Membership.role.in_(ROLE_ORDER))).all()
    best: dict[int, Role] = {}
    for user_id, role in rows:
        if user_id not in best or ROLE_ORDER.index(role) < ROLE_ORDER.index(best[user_id]):
            best[user_id] = role
    return best


def teams_by_user(camp_id: int) -> dict[int, str]:
    """Each team member's team name in this camp, in one query."""
    from camp.teams.models import Team, TeamMember
    rows = db.session.execute(
        select(TeamMember.user_id, Team.name).join(Team, Team.id == TeamMember.team_id)
        .where(TeamMember.camp_id == camp_id)).all()
    return dict(rows)


@functools.lru_cache(maxsize=8192)
def qr_data_uri(data: str) -> str:
    """A tiny 1-bit PNG (one pixel per module) as a data URI, scaled up without smoothing.

    A fixed mask skips the mask search (any mask decodes; the search only picks the
    prettiest), which makes encoding ~10x faster; the small image keeps WeasyPrint's
    image handling cheap. The cache serves every document in this process.
    """
    code = QRCode(error_correction=ERROR_CORRECT_M, box_size=1, border=4, mask_pattern=0)
    code.add_data(data)
    code.make(fit=True)
    matrix = code.get_matrix()
    size = len(matrix)
    img = Image.new("1", (size, size), 1)
    img.putdata([0 if dark else 1 for row in matrix for dark in row])
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def badge_registrations(camp_id: int) -> list[Registration]:
    return db.session.execute(
        select(Registration).where(Registration.camp_id == camp_id,
                                   Registration.status == RegistrationStatus.confirmed)
        .order_by(Registration.name)).scalars().all()


def count_badges(camp_id: int) -> int:
    from sqlalchemy import func
    return db.session.execute(
        select(func.count()).select_from(Registration).where(
            Registration.camp_id == camp_id,
            Registration.status == RegistrationStatus.confirmed)).scalar_one()


@dataclass(frozen=True)
class Choices:
    """A camp's badge settings, as plain values (what the template needs)."""
    organisation: bool = True
    role: bool = True
    actor_type: bool = True
    team: bool = True
    accent: str = HOUSE_COLOUR
    logo: str | None = None  # a data: URI


def camp_choices(camp) -> Choices:
    from camp.badges.settings import load_choices
    return load_choices(camp)


def badge_data(camp, registrations: list[Registration], choices: Choices,
               lookups: tuple[dict, dict] | None = None) -> list[dict]:
    """Plain values per badge, looked up in a fixed number of queries."""
    roles, teams = lookups if lookups is not None else _lookups(camp, choices)
    return [{
        "name": r.name,
        "organisation": r.organisation if choices.organisation else "",
        "actor_type": r.actor_type.value if choices.actor_type else None,
        "role": roles.get(r.user_id), "team": teams.get(r.user_id),
        "qr": qr_data_uri(ticket_url(r)),
    } for r in registrations]


def _lookups(camp, choices: Choices) -> tuple[dict, dict]:
    return (roles_by_user(camp.id) if choices.role else {},
            teams_by_user(camp.id) if choices.team else {})


def _html(camp, layout: Layout, badges: list[dict], choices: Choices) -> str:
    from camp.camps.labels import ROLE_LABELS
    pages = [badges[i:i + layout.per_page] for i in range(0, len(badges), layout.per_page)]
    return render_template("badges/sheet.html", camp=camp, layout=layout, pages=pages,
                           choices=choices, role_labels=ROLE_LABELS,
                           actor_colours=ACTOR_COLOURS)


def default_workers() -> int:
    return max(1, min(int(current_app.config.get("BADGE_WORKERS", 2)), os.cpu_count() or 1))


def render_badges_pdf(camp, registrations: list[Registration], layout_key: str = "a4-6",
                      choices: Choices | None = None, progress=None, workers: int | None = None,
                      chunk_size: int | None = None, stats: dict | None = None) -> bytes:
    """The badges as one PDF. `progress(done)` is told how many badges are finished.

    Runs of more than DIRECT_MAX badges (or any run given a chunk_size) render chunk by
    chunk, in `workers` processes when more than one.
    """
    from camp.badges.pdfpool import render_chunk, render_chunks
    layout = LAYOUTS[layout_key]
    choices = choices if choices is not None else camp_choices(camp)
    lookups = _lookups(camp, choices)
    static = current_app.static_folder
    total = len(registrations)
    if chunk_size is None and total <= DIRECT_MAX:
        badges = badge_data(camp, registrations, choices, lookups)
        pdf = render_chunk(_html(camp, layout, badges, choices), static)
        if progress is not None:
            progress(total)
        return pdf
    size = chunk_size or CHUNK_BADGES
    size = max(layout.per_page, size - size % layout.per_page)  # whole sheets only
    chunks = (_html(camp, layout, badge_data(camp, registrations[i:i + size], choices, lookups),
                    choices) for i in range(0, total, size))
    workers = default_workers() if workers is None else workers
    workers = min(workers, -(-total // size))

    def on_chunk(i: int) -> None:
        if progress is not None:
            progress(min(total, (i + 1) * size))

    return render_chunks(chunks, static, workers, on_chunk, stats)
