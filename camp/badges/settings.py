"""A camp's badge choices: fields shown, accent colour, logo (checked by content, stored
under instance/uploads/badges with a random name)."""
from __future__ import annotations

import base64
import io
import re

from flask import current_app
from flask_babel import lazy_gettext as _l

from camp import uploads
from camp.badges.models import BadgeSettings
from camp.badges.render import HOUSE_COLOUR, Choices
from camp.errors import DomainError
from camp.extensions import db

AREA = "badges"  # instance/uploads/badges
LOGO_MAX_BYTES = 1024 * 1024
LOGO_MAX_PIXELS = 40_000_000  # refuse decompression bombs before decoding
LOGO_BOX = (800, 300)  # stored downscaled: sharp enough for a badge, cheap to render
LOGO_FORMATS = {"PNG": "png", "JPEG": "jpeg"}
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
MIN_CONTRAST = 4.5  # WCAG AA for normal text, white on the colour


def get_settings(camp) -> BadgeSettings | None:
    return db.session.get(BadgeSettings, camp.id)


def logo_dir() -> str:
    return uploads.area_dir(AREA)


def logo_path(name: str) -> str:
    return uploads.path_of(AREA, name)


def load_choices(camp) -> Choices:
    row = get_settings(camp)
    if row is None:
        return Choices()
    logo = None
    if row.logo_file:
        try:
            with open(logo_path(row.logo_file), "rb") as fh:
                data = fh.read()
        except OSError:
            current_app.logger.warning("badge logo %s is missing", row.logo_file)
        else:
            mime = "image/jpeg" if row.logo_file.endswith(".jpg") else "image/png"
            logo = f"data:{mime};base64," + base64.b64encode(data).decode()
    return Choices(organisation=row.show_organisation, role=row.show_role,
                   actor_type=row.show_actor_type, team=row.show_team,
                   accent=row.accent_colour or HOUSE_COLOUR, logo=logo)


def contrast_with_white(colour: str) -> float:
    def channel(hex2: str) -> float:
        c = int(hex2, 16) / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(colour[i:i + 2]) for i in (1, 3, 5))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return 1.05 / (luminance + 0.05)


def check_colour(colour: str) -> str:
    colour = (colour or "").strip()
    if not COLOUR.match(colour):
        raise DomainError(_l("Enter a colour as #rrggbb, for example #0b5c4d."), "accent_colour")
    ratio = contrast_with_white(colour)
    if ratio < MIN_CONTRAST:
        raise DomainError(_l("White text on this colour is hard to read (contrast %(ratio)s:1, "
                             "at least 4.5:1 is needed). Choose a darker colour.",
                             ratio=f"{ratio:.1f}"), "accent_colour")
    return colour.lower()


def check_logo(data: bytes) -> tuple[bytes, str]:
    """The logo re-encoded (metadata dropped, downscaled) and its file extension."""
    if len(data) > LOGO_MAX_BYTES:
        raise DomainError(_l("The logo is too large: at most 1 MB."), "logo")
    try:
        img = uploads.open_image(data, tuple(LOGO_FORMATS), LOGO_MAX_PIXELS)
    except uploads.UploadRefused as exc:
        if exc.reason == "image_pixels":
            raise DomainError(_l("The logo has too many pixels."), "logo") from None
        raise DomainError(_l("The logo must be a PNG or JPEG image."), "logo") from None
    fmt = img.format
    img.thumbnail(LOGO_BOX)
    buf = io.BytesIO()
    if fmt == "JPEG":
        img.convert("RGB").save(buf, format="JPEG", quality=90)
        return buf.getvalue(), "jpg"
    if img.mode not in ("RGB", "RGBA", "L", "LA", "P", "1"):
        img = img.convert("RGBA")
    img.save(buf, format="PNG", optimize=True)
    return buf.getvalue(), "png"


def _store_logo(data: bytes, ext: str) -> str:
    return uploads.store(AREA, data, ext)


def _remove_file(name: str | None) -> None:
    uploads.remove(AREA, name)


def save_settings(actor, camp, data: dict) -> tuple[BadgeSettings, str | None]:
    """Apply the choices; all are checked before anything changes.

    data: show_organisation, show_role, show_actor_type, show_team (bools),
    accent_colour ("" for the house colour), logo (bytes or None), remove_logo (bool).
    Returns the row and the name of a replaced logo file, to delete once committed.
    """
    colour = (data.get("accent_colour") or "").strip()
    colour = check_colour(colour) if colour else None
    logo = check_logo(data["logo"]) if data.get("logo") else None
    row = get_settings(camp)
    if row is None:
        row = BadgeSettings(camp_id=camp.id)
        db.session.add(row)
    for key in ("show_organisation", "show_role", "show_actor_type", "show_team"):
        setattr(row, key, bool(data.get(key)))
    row.accent_colour = colour
    old = None
    if logo is not None:
        old, row.logo_file = row.logo_file, _store_logo(*logo)
    elif data.get("remove_logo"):
        old, row.logo_file = row.logo_file, None
    db.session.flush()
    return row, old


def forget_logo_file(name: str | None) -> None:
    """Delete a logo file that no row names any more (after the commit)."""
    _remove_file(name)
