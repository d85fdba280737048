"""Files and images of a prototype, on camp.uploads; images get a thumbnail and one of
them is the cover."""
from __future__ import annotations

import io
from datetime import datetime

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps
from sqlalchemy import event, func, select
from sqlalchemy.orm import object_session

from camp import uploads
from camp.audit import record
from camp.auth.models import User
from camp.db import begin_write
from camp.errors import Conflict, DomainError
from camp.extensions import db
from camp.prototypes import services
from camp.prototypes.models import Prototype, PrototypeFile

AREA = PrototypeFile.UPLOAD_AREA
MAX_BYTES = 10 * 1024 * 1024
MAX_PER_PROTOTYPE = 20
THUMB_WIDTH = 480
FIELD = "file"


def kind_of(f: PrototypeFile) -> uploads.Kind:
    return uploads.KINDS[f.content_type]


def read(storage) -> bytes:
    """The uploaded file's bytes, refused (on the form's field) when empty or too large."""
    try:
        return uploads.read(storage, MAX_BYTES)
    except uploads.UploadRefused as exc:
        exc.field = FIELD
        raise


def make_thumbnail(data: bytes, kind: uploads.Kind) -> bytes:
    """At most THUMB_WIDTH pixels wide, turned upright, in the image's own format."""
    fmt = "PNG" if kind.name == "png" else "JPEG"
    img = uploads.open_image(data, (fmt,))
    img = ImageOps.exif_transpose(img)
    if img.width > THUMB_WIDTH:
        height = max(1, round(img.height * THUMB_WIDTH / img.width))
        img = img.resize((THUMB_WIDTH, height), Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    if fmt == "JPEG":
        img.convert("RGB").save(buf, format="JPEG", quality=82, optimize=True)
    else:
        img.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def _lock(prototype: Prototype) -> Prototype:
    begin_write(db.session)
    return db.session.execute(
        select(Prototype).where(Prototype.id == prototype.id).with_for_update()
        .execution_options(populate_existing=True)).scalar_one()


def _check_open(prototype: Prototype, now: datetime | None) -> None:
    services._check_open(prototype.camp, prototype, now, field_name=FIELD)


def add(actor: User, prototype: Prototype, data: bytes, filename: str | None,
        now: datetime | None = None) -> PrototypeFile:
    """Check the file by its content, store it (and a thumbnail for an image) under random
    names, add the row. The first image becomes the cover. Nothing is written when the
    file is refused; the files go again if the transaction rolls back."""
    kind = uploads.accept(data, filename, MAX_BYTES, FIELD)
    prototype = _lock(prototype)
    _check_open(prototype, now)
    count = db.session.scalar(select(func.count(PrototypeFile.id))
                              .where(PrototypeFile.prototype_id == prototype.id))
    if count >= MAX_PER_PROTOTYPE:
        raise Conflict(_l("A prototype can have at most %(n)s files. Delete one to add "
                          "another.", n=MAX_PER_PROTOTYPE), field=FIELD)
    thumbnail = make_thumbnail(data, kind) if kind.image else None
    session = db.session()
    stored = uploads.store(AREA, data, kind.ext, session=session)
    thumb_name = uploads.store(AREA, thumbnail, kind.ext, session=session) \
        if thumbnail is not None else None
    has_cover = db.session.scalar(select(func.count(PrototypeFile.id)).where(
        PrototypeFile.prototype_id == prototype.id, PrototypeFile.is_cover.is_(True)))
    row = PrototypeFile(prototype_id=prototype.id, stored_name=stored,
                        display_name=uploads.display_name(filename, kind),
                        content_type=kind.name, size=len(data), thumbnail_name=thumb_name,
                        is_cover=kind.image and not has_cover, uploaded_by_id=actor.id)
    db.session.add(row)
    db.session.flush()
    db.session.expire(prototype, ["files"])
    record("prototype.file_add", actor=actor, camp=prototype.camp, obj=prototype,
           file_id=row.id, kind=kind.name, size=len(data))
    return row


def remove(actor: User, prototype: Prototype, f: PrototypeFile,
           now: datetime | None = None) -> str:
    """Delete the file (its stored files go at the commit); a deleted cover passes to the
    next image. Returns the file's name."""
    prototype = _lock(prototype)
    _check_open(prototype, now)
    name, was_cover = f.display_name, f.is_cover
    record("prototype.file_delete", actor=actor, camp=prototype.camp, obj=prototype,
           file_id=f.id)
    db.session.delete(f)
    db.session.flush()
    if was_cover:
        nxt = db.session.execute(
            select(PrototypeFile).where(PrototypeFile.prototype_id == prototype.id,
                                        PrototypeFile.thumbnail_name.is_not(None))
            .order_by(PrototypeFile.id).limit(1)).scalar()
        if nxt is not None:
            nxt.is_cover = True
            db.session.flush()
    db.session.expire(prototype, ["files"])
    return name


def set_cover(actor: User, prototype: Prototype, f: PrototypeFile,
              now: datetime | None = None) -> PrototypeFile:
    prototype = _lock(prototype)
    _check_open(prototype, now)
    if f.thumbnail_name is None:
        raise DomainError(_l("Only an image (PNG or JPEG) can be the cover."))
    for other in db.session.execute(select(PrototypeFile).where(
            PrototypeFile.prototype_id == prototype.id,
            PrototypeFile.is_cover.is_(True))).scalars():
        other.is_cover = False
    f.is_cover = True
    db.session.flush()
    db.session.expire(prototype, ["files"])
    record("prototype.cover", actor=actor, camp=prototype.camp, obj=prototype, file_id=f.id)
    return f


def send(f: PrototypeFile):
    return uploads.send(AREA, f.stored_name, kind_of(f), f.display_name)


def send_thumbnail(f: PrototypeFile):
    kind = kind_of(f)
    stem = f.display_name.rsplit(".", 1)[0]
    return uploads.send(AREA, f.thumbnail_name, kind, f"{stem}-thumbnail.{kind.ext}")


@event.listens_for(PrototypeFile, "after_delete")
def _forget_files(mapper, connection, target: PrototypeFile) -> None:
    """The row is gone (also with its prototype): its files go at the commit."""
    session = object_session(target) or db.session()
    uploads.delete_after_commit(session, AREA, target.stored_name)
    if target.thumbnail_name:
        uploads.delete_after_commit(session, AREA, target.thumbnail_name)
