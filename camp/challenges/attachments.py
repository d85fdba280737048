"""Files the owners attach to a challenge (background material, data, photos), on camp.uploads."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from camp import uploads
from camp.audit import record
from camp.auth.models import User
from camp.challenges.models import Challenge, ChallengeAttachment
from camp.db import begin_write
from camp.errors import Conflict
from camp.extensions import db

AREA = ChallengeAttachment.UPLOAD_AREA
MAX_BYTES = 10 * 1024 * 1024
MAX_PER_CHALLENGE = 10
FIELD = "file"


def read(storage) -> bytes:
    """The uploaded file's bytes, refused (on the form's field) when empty or too large."""
    try:
        return uploads.read(storage, MAX_BYTES)
    except uploads.UploadRefused as exc:
        exc.field = FIELD
        raise


def add(actor: User, challenge: Challenge, data: bytes, filename: str | None
        ) -> ChallengeAttachment:
    """Check the file by its content, store it under a random name, add the row (flushed).

    Everything is checked before anything is written; the file is removed again if the
    transaction rolls back.
    """
    kind = uploads.accept(data, filename, MAX_BYTES, FIELD)
    begin_write(db.session)
    # Lock the challenge so two uploads at once cannot pass the limit together.
    db.session.execute(select(Challenge.id).where(Challenge.id == challenge.id)
                       .with_for_update()).one()
    count = db.session.scalar(select(func.count(ChallengeAttachment.id))
                              .where(ChallengeAttachment.challenge_id == challenge.id))
    if count >= MAX_PER_CHALLENGE:
        raise Conflict(_l("A challenge can have at most %(n)s attachments. Delete one to add "
                          "another.", n=MAX_PER_CHALLENGE), field=FIELD)
    stored = uploads.store(AREA, data, kind.ext, session=db.session())
    attachment = ChallengeAttachment(
        challenge_id=challenge.id, stored_name=stored,
        display_name=uploads.display_name(filename, kind), content_type=kind.name,
        size=len(data), uploaded_by_id=actor.id)
    db.session.add(attachment)
    db.session.flush()
    record("challenge.attachment_add", actor=actor, camp=challenge.camp, obj=challenge,
           attachment_id=attachment.id, kind=kind.name, size=len(data))
    return attachment


def remove(actor: User, challenge: Challenge, attachment: ChallengeAttachment) -> str:
    """Delete the row; the file goes when the deletion is committed. Returns its name."""
    name = attachment.display_name
    record("challenge.attachment_delete", actor=actor, camp=challenge.camp, obj=challenge,
           attachment_id=attachment.id)
    db.session.delete(attachment)
    db.session.flush()
    return name


def send(attachment: ChallengeAttachment):
    return uploads.send(AREA, attachment.stored_name, attachment.kind,
                        attachment.display_name)
