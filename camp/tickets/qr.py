"""QR codes for tickets. Encoding costs ~10 ms, and a secret's code never changes: cache it."""
from __future__ import annotations

import functools
import io

import qrcode
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_M


def _code(data: str) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=10, border=4)
    code.add_data(data)
    code.make(fit=True)
    return code


@functools.lru_cache(maxsize=4096)
def qr_svg(data: str) -> str:
    """An inline SVG that scales to its container (no fixed size)."""
    svg = _code(data).make_image(image_factory=qrcode.image.svg.SvgPathImage).to_string(
        encoding="unicode")
    # Let CSS size it; keep the viewBox so it scales without blurring.
    head, _, rest = svg.partition(">")
    head = " ".join(part for part in head.split(" ")
                    if not part.startswith(("width=", "height=")))
    return head + ' role="img">' + rest


@functools.lru_cache(maxsize=1024)
def qr_png(data: str) -> bytes:
    """A PNG for e-mails, where inline SVG is not shown."""
    buf = io.BytesIO()
    _code(data).make_image().save(buf, format="PNG")
    return buf.getvalue()
