"""Uploaded files, for any feature: what a file really is, where it is kept, how it is served.

- A file's type is read from its content, never from its name. The name must not claim
  another type than the content has (a script named .png is refused as disguised).
- Accepted: PDF, PNG, JPEG (also decoded with Pillow), plain UTF-8 text, and Office Open
  XML documents (.docx, .xlsx, .pptx). Refused: SVG (it can carry scripts), archives
  (any other ZIP, gzip, 7z, rar, tar...), Office files with macros, and everything else.
- Files are stored under instance/uploads/<area>/ with a random name; the user's file
  name is only display text. A feature keeps the stored name in a row, and calls
  delete_after_commit() when the row goes (a written file whose transaction rolls back
  is removed again).
- Served as an attachment with the sniffed type, nosniff and a sandboxing CSP.
"""
from __future__ import annotations

import io
import os
import re
import secrets
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass
from urllib.parse import quote

from flask import current_app, send_file
from flask_babel import lazy_gettext as _l
from PIL import Image, UnidentifiedImageError
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.utils import secure_filename

from camp.errors import DomainError

MAX_PIXELS = 40_000_000  # refuse decompression bombs before decoding
DISPLAY_NAME_MAX = 200
STORED_NAME = re.compile(r"^[0-9a-f]{32}\.[a-z0-9]{1,5}$")
AREA = re.compile(r"^[a-z0-9_-]+$")


class UploadRefused(DomainError):
    """The file is not taken. `reason`: empty, too_large, svg, archive, macros, disguised,
    image_format, image_pixels, broken_image, type."""

    status = 400
    code = "upload_refused"

    def __init__(self, message, reason: str, field: str | None = None):
        super().__init__(message, field)
        self.reason = reason


@dataclass(frozen=True)
class Kind:
    name: str
    mimetype: str
    ext: str  # the extension stored files get
    extensions: frozenset[str]  # names a user may give such a file
    label: object  # translated, for lists
    image: bool = False


KINDS = {k.name: k for k in (
    Kind("pdf", "application/pdf", "pdf", frozenset({"pdf"}), _l("PDF")),
    Kind("png", "image/png", "png", frozenset({"png"}), _l("PNG image"), image=True),
    Kind("jpeg", "image/jpeg", "jpg", frozenset({"jpg", "jpeg", "jpe"}), _l("JPEG image"),
         image=True),
    Kind("text", "text/plain", "txt",  # served with charset=utf-8
         frozenset({"txt", "text", "md", "markdown", "csv", "tsv", "log"}), _l("Text")),
    Kind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "docx", frozenset({"docx"}), _l("Word document")),
    Kind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "xlsx", frozenset({"xlsx"}), _l("Excel spreadsheet")),
    Kind("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation",
         "pptx", frozenset({"pptx"}), _l("PowerPoint presentation")),
)}
OFFICE_PARTS = {"word/": "docx", "xl/": "xlsx", "ppt/": "pptx"}
ARCHIVE_EXTENSIONS = {"zip", "gz", "tgz", "tar", "7z", "rar", "bz2", "xz", "zst", "jar"}
# Names that say "this is some other type": refused when the content is something else.
CLAIMED = {ext: kind.name for kind in KINDS.values() for ext in kind.extensions if ext}


def _archive_signature(head: bytes) -> bool:
    return (head.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08", b"\x1f\x8b",
                             b"7z\xbc\xaf\x27\x1c", b"Rar!\x1a\x07", b"BZh",
                             b"\xfd7zXZ\x00", b"\x28\xb5\x2f\xfd"))
            or head[257:262] == b"ustar")


def _extension(filename: str | None) -> str:
    base = re.split(r"[\\/]", filename or "")[-1]
    return base.rsplit(".", 1)[1].lower().strip() if "." in base.strip(".") else ""


def _looks_like_svg(text: str) -> bool:
    head = text[:4096].lower()
    return "<svg" in head


def _text(data: bytes) -> str | None:
    if b"\0" in data:
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _office(data: bytes) -> str:
    """The Office kind of a ZIP, or refused as an archive (or for its macros)."""
    archive = UploadRefused(_l("Archives (zip and the like) are not accepted. Upload the "
                               "files one by one."), "archive")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = zf.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise archive from None
    if "[Content_Types].xml" not in names:
        raise archive
    found = {kind for prefix, kind in OFFICE_PARTS.items()
             if any(n.startswith(prefix) for n in names)}
    if len(found) != 1:
        raise archive
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise UploadRefused(_l("Office files with macros are not accepted. Save the file "
                               "without macros (.docx, .xlsx or .pptx)."), "macros")
    return found.pop()


def open_image(data: bytes, formats=("PNG", "JPEG"), max_pixels: int = MAX_PIXELS):
    """The image decoded in full (a loaded copy); refuses other formats, too many pixels
    and broken files. The one image check: attachments and badge logos both use it."""
    bad = UploadRefused(_l("The image could not be read. It may be damaged."), "broken_image")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:
                if img.format not in formats:
                    raise UploadRefused(_l("This type of image is not accepted."),
                                        "image_format")
                if img.width * img.height > max_pixels:
                    raise UploadRefused(_l("The image has too many pixels."), "image_pixels")
                img.verify()  # checksums and structure; the image must be reopened after
            with Image.open(io.BytesIO(data)) as img:
                img.load()  # every pixel: catches truncated files verify() lets through
                loaded = img.copy()
                loaded.format = img.format
                return loaded
    except UploadRefused:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, TypeError,
            EOFError, Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise bad from None


def sniff(data: bytes, filename: str | None = None) -> Kind:
    """What the file is, by its content; refuses what is not accepted (see the module)."""
    if not data:
        raise UploadRefused(_l("The file is empty."), "empty")
    ext = _extension(filename)
    if ext in ("svg", "svgz"):
        raise UploadRefused(_l("SVG images are not accepted: they can contain scripts. "
                               "Upload a PNG or a PDF instead."), "svg")
    if data.startswith(b"%PDF-"):
        kind = KINDS["pdf"]
    elif data.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = KINDS["png"]
    elif data.startswith(b"\xff\xd8\xff"):
        kind = KINDS["jpeg"]
    elif data.startswith(b"PK\x03\x04"):
        kind = KINDS[_office(data)]
    elif _archive_signature(data[:512]):
        raise UploadRefused(_l("Archives (zip and the like) are not accepted. Upload the "
                               "files one by one."), "archive")
    else:
        text = _text(data)
        if text is not None and _looks_like_svg(text):
            raise UploadRefused(_l("SVG images are not accepted: they can contain scripts. "
                                   "Upload a PNG or a PDF instead."), "svg")
        if text is None:
            raise _type_refused()
        kind = KINDS["text"]
    if ext and ext not in kind.extensions:
        if ext in CLAIMED or ext in ARCHIVE_EXTENSIONS:
            raise UploadRefused(_l("The file is named .%(ext)s, but its content is not of "
                                   "that type. It is not accepted.", ext=ext), "disguised")
        raise _type_refused()
    if kind.image:
        open_image(data, ("PNG",) if kind.name == "png" else ("JPEG",))
    return kind


def _type_refused() -> UploadRefused:
    return UploadRefused(_l("This type of file is not accepted. Accepted are PDF, PNG, JPEG, "
                            "text, Word, Excel and PowerPoint files."), "type")


def _check_size(data: bytes, max_bytes: int) -> None:
    if len(data) > max_bytes:
        raise UploadRefused(_l("The file is too large: at most %(size)s.",
                               size=human_size(max_bytes)), "too_large")
    if not data:
        raise UploadRefused(_l("The file is empty."), "empty")


def read(storage, max_bytes: int) -> bytes:
    """The uploaded file's bytes (a werkzeug FileStorage), refused when over max_bytes."""
    data = storage.stream.read(max_bytes + 1) if storage is not None else b""
    _check_size(data, max_bytes)
    return data


def accept(data: bytes, filename: str | None, max_bytes: int, field: str | None = None
           ) -> Kind:
    """The kind of an upload, checked by size and content; a refusal names the form field."""
    try:
        _check_size(data, max_bytes)
        return sniff(data, filename)
    except UploadRefused as exc:
        exc.field = field
        raise


def human_size(n: int) -> str:
    """1.5 MB, 340 KB, 12 B: in the user's language's number format."""
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{_number(n / 1024, '0')} KB"
    return f"{_number(n / (1024 * 1024), '0.#')} MB"


def _number(value: float, pattern: str) -> str:
    try:
        from flask_babel import format_decimal
        return format_decimal(value, format=pattern)
    except (RuntimeError, KeyError):  # outside an app context
        return f"{value:.1f}".rstrip("0").rstrip(".") if "#" in pattern else f"{value:.0f}"


def display_name(filename: str | None, kind: Kind) -> str:
    """The user's file name as readable text: no folders, no control characters, at most
    200 characters (the extension kept). Never used as a path."""
    name = re.split(r"[\\/]", filename or "")[-1]
    name = unicodedata.normalize("NFC", name)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = re.sub(r"\s+", " ", name).strip().strip(".").strip()
    if not name:
        name = f"file.{kind.ext}"
    if len(name) > DISPLAY_NAME_MAX:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            name = stem[:DISPLAY_NAME_MAX - len(ext) - 1].rstrip() + "." + ext
        else:
            name = name[:DISPLAY_NAME_MAX]
    return name


def area_dir(area: str) -> str:
    if not AREA.match(area):
        raise ValueError(f"bad upload area {area!r}")
    return os.path.join(current_app.instance_path, "uploads", area)


def path_of(area: str, stored_name: str) -> str:
    """The file's path; only names store() makes are accepted (no path tricks)."""
    if not STORED_NAME.match(stored_name or ""):
        raise ValueError(f"bad stored name {stored_name!r}")
    return os.path.join(area_dir(area), stored_name)


def store(area: str, data: bytes, ext: str, session: Session | None = None) -> str:
    """Write the file under a random name and return the name. With a session, the file
    is removed again if that session's transaction rolls back."""
    folder = area_dir(area)
    os.makedirs(folder, exist_ok=True)
    if session is not None and not session.in_transaction():
        session.connection()  # begin the transaction the file belongs to
    name = f"{secrets.token_hex(16)}.{ext}"
    path = os.path.join(folder, name)
    tmp = path + ".part"
    with open(tmp, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)
    if session is not None:
        session.info.setdefault("uploads_written", []).append(path)
    return name


def remove(area: str, stored_name: str | None) -> None:
    if stored_name:
        _unlink(path_of(area, stored_name))


def _unlink(path: str) -> None:
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


def delete_after_commit(session: Session, area: str, stored_name: str) -> None:
    """Remove the file once the deletion of its row is committed (not if it rolls back)."""
    session.info.setdefault("uploads_to_delete", []).append(path_of(area, stored_name))


@event.listens_for(Session, "after_commit")
def _after_commit(session):
    session.info.pop("uploads_written", None)
    for path in session.info.pop("uploads_to_delete", []):
        _unlink(path)


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session, previous_transaction):
    if previous_transaction.nested:  # a savepoint: the outer transaction goes on
        return
    session.info.pop("uploads_to_delete", None)
    for path in session.info.pop("uploads_written", []):
        _unlink(path)


def send(area: str, stored_name: str, kind: Kind, name: str):
    """The file as a download: sniffed type, attachment, nosniff, no caching by others."""
    path = path_of(area, stored_name)
    if not os.path.isfile(path):
        from flask import abort
        current_app.logger.warning("upload %s/%s is missing", area, stored_name)
        abort(404)
    response = send_file(path, mimetype=kind.mimetype, as_attachment=True,
                         download_name=name, conditional=True, etag=False)
    fallback = secure_filename(name) or f"file.{kind.ext}"
    if fallback.rsplit(".", 1)[-1].lower() not in kind.extensions:
        fallback = f"{fallback}.{kind.ext}"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{fallback}"; filename*=UTF-8\'\'{quote(name, safe="")}')
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-cache"
    return response
