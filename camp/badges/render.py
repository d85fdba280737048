"""Badges as PDF: A4 sheets of 4, 6 or 8, or single labels for a label printer."""
from __future__ import annotations

import base64
import functools
from dataclasses import dataclass

from sqlalchemy import select

from camp.camps.models import Membership, Role
from camp.documents import render_pdf
from camp.extensions import db
from camp.registrations.models import Registration, RegistrationStatus
from camp.tickets.qr import qr_png
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
        return {
            "band": band, "band_font": round(band * 0.42, 1),
            "camp_font": round(min(h * 0.05, 4.2), 1),
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
ROLE_ORDER = [Role.organiser, Role.staff, Role.jury]


def roles_by_user(camp_id: int) -> dict[int, Role]:
    """The most visible role each person holds in the camp (organiser before staff...)."""
    rows = db.session.execute(select(Membership.user_id, Membership.role).where(
        Membership.camp_id == camp_id, Membership.role.in_(ROLE_ORDER))).all()
    best: dict[int, Role] = {}
    for user_id, role in rows:
        if user_id not in best or ROLE_ORDER.index(role) < ROLE_ORDER.index(best[user_id]):
            best[user_id] = role
    return best


@functools.lru_cache(maxsize=4096)
def qr_data_uri(data: str) -> str:
    """A PNG data URI: WeasyPrint lays out one image far faster than an SVG of ~600 paths."""
    return "data:image/png;base64," + base64.b64encode(qr_png(data)).decode()


def badge_registrations(camp_id: int) -> list[Registration]:
    return db.session.execute(
        select(Registration).where(Registration.camp_id == camp_id,
                                   Registration.status == RegistrationStatus.confirmed)
        .order_by(Registration.name)).scalars().all()


def render_badges_pdf(camp, registrations: list[Registration], layout_key: str = "a4-6"
                      ) -> bytes:
    layout = LAYOUTS[layout_key]
    roles = roles_by_user(camp.id)
    badges = [{
        "name": r.name, "organisation": r.organisation, "actor_type": r.actor_type.value,
        "colour": ACTOR_COLOURS.get(r.actor_type.value, "#37474f"),
        "role": roles.get(r.user_id), "qr": qr_data_uri(ticket_url(r)),
    } for r in registrations]
    pages = [badges[i:i + layout.per_page] for i in range(0, len(badges), layout.per_page)]
    from camp.camps.labels import ROLE_LABELS
    return render_pdf("badges/sheet.html", camp=camp, layout=layout, pages=pages,
                      role_labels=ROLE_LABELS)
