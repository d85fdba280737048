"""Progress updates on a trial's timeline: text, and optionally a new progress share, a
status change (through camp.trials.services.change_status) and up to four photos (checked
by their content with camp.uploads, area "trials", each with a thumbnail)."""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import event, func, select
from sqlalchemy.orm import joinedload, object_session, selectinload

from camp import uploads
from camp.audit import record
from camp.db import utcnow
from camp.errors import DomainError
from camp.extensions import db
from camp.prototypes.files import make_thumbnail
from camp.trials.models import Trial, TrialPhoto, TrialStatus, TrialUpdate
from camp.trials.services import lock

AREA = TrialPhoto.UPLOAD_AREA
BODY_MAX = 5000
MAX_PHOTOS = 4
MAX_PHOTO_BYTES = 10 * 1024 * 1024
PER_PAGE = 20
PANEL_UPDATES = 5


def clean_body(body: str | None) -> str:
    body = (body or "").strip()
    if not body:
        raise DomainError(_l("Write what has happened."), field="body")
    if len(body) > BODY_MAX:
        raise DomainError(_l("Keep it under %(max)s characters.", max=f"{BODY_MAX:,}"),
                          field="body")
    return body


def clean_progress(progress) -> int | None:
    if progress is None or progress == "":
        return None
    if isinstance(progress, bool) or not isinstance(progress, int) \
            or not 0 <= progress <= 100:
        raise DomainError(_l("Progress is a whole number from 0 to 100."), field="progress")
    return progress


def clean_status(status) -> TrialStatus | None:
    if status in (None, ""):
        return None
    try:
        return TrialStatus(status)
    except ValueError:
        raise DomainError(_l("Choose one of the statuses shown."), field="status") from None


def read_photos(storages) -> list[tuple[bytes, str | None]]:
    """The uploaded photos' bytes and names (werkzeug FileStorage objects; empty file
    inputs are skipped), refused when there are too many or one is too large."""
    chosen = [s for s in (storages or []) if s is not None and getattr(s, "filename", "")]
    if len(chosen) > MAX_PHOTOS:
        raise DomainError(_l("Add at most %(n)s photos to one update.", n=MAX_PHOTOS),
                          field="photos")
    photos = []
    for storage in chosen:
        try:
            photos.append((uploads.read(storage, MAX_PHOTO_BYTES), storage.filename))
        except uploads.UploadRefused as exc:
            exc.field = "photos"
            raise
    return photos


def check_photo(data: bytes, filename: str | None) -> uploads.Kind:
    """A PNG or JPEG photo, by its content (a script named .png and SVGs are refused)."""
    kind = uploads.accept(data, filename, MAX_PHOTO_BYTES, field="photos")
    if not kind.image:
        raise uploads.UploadRefused(_l("Only photos can be added to an update: PNG or "
                                       "JPEG images."), "type", field="photos")
    return kind


def post_update(actor, trial: Trial, body: str, progress=None, status=None, reason: str = "",
                photos=(), now: datetime | None = None) -> TrialUpdate:
    """Record an update on the trial's timeline (the view checked "trial.manage").

    Everything is checked before anything is written: a bad progress, a refused photo or a
    status step that is not allowed stores nothing (the view rolls back, and photo files
    written in this transaction are removed again)."""
    body = clean_body(body)
    progress = clean_progress(progress)
    new_status = clean_status(status)
    photos = list(photos or ())
    if len(photos) > MAX_PHOTOS:
        raise DomainError(_l("Add at most %(n)s photos to one update.", n=MAX_PHOTOS),
                          field="photos")
    kinds = [check_photo(data, name) for data, name in photos]
    now = now or utcnow()
    trial = lock(trial)
    update = TrialUpdate(trial_id=trial.id, author_id=actor.id, body=body, progress=progress,
                         created_at=now)
    if new_status is not None and new_status != trial.status:
        # Part F's rules for the step (and the reason); it records the change on our update.
        from camp.trials.services import change_status
        change_status(actor, trial, new_status, reason or "", progress, update=update,
                      now=now)
    if progress is not None:
        trial.progress = progress
    trial.last_update_at = now
    db.session.add(update)
    db.session.flush()
    session = db.session()
    for (data, name), kind in zip(photos, kinds):
        stored = uploads.store(AREA, data, kind.ext, session=session)
        thumb = uploads.store(AREA, make_thumbnail(data, kind), kind.ext, session=session)
        db.session.add(TrialPhoto(update_id=update.id, stored_name=stored,
                                  thumbnail_name=thumb,
                                  display_name=uploads.display_name(name, kind),
                                  content_type=kind.name, size=len(data), created_at=now))
    db.session.flush()
    record("trial.update", actor=actor, camp=trial.camp, obj=update, trial_id=trial.id,
           progress=progress, status_to=update.status_to, photos=len(photos))
    return update


# --- Reading ------------------------------------------------------------------------------

def _timeline(trial_id: int):
    return (select(TrialUpdate).where(TrialUpdate.trial_id == trial_id)
            .options(joinedload(TrialUpdate.author), selectinload(TrialUpdate.photos))
            .order_by(TrialUpdate.created_at.desc(), TrialUpdate.id.desc()))


def recent(trial: Trial, limit: int = PANEL_UPDATES) -> list[TrialUpdate]:
    """The newest updates with their authors and photos (two queries)."""
    return db.session.execute(_timeline(trial.id).limit(limit)).unique().scalars().all()


def count(trial: Trial) -> int:
    return db.session.scalar(select(func.count(TrialUpdate.id))
                             .where(TrialUpdate.trial_id == trial.id)) or 0


def page(trial: Trial, number: int = 1, per_page: int = PER_PAGE):
    """One page of the timeline, newest first (a Flask-SQLAlchemy Pagination)."""
    return db.paginate(_timeline(trial.id), page=max(1, number), per_page=per_page,
                       error_out=False)


def photo(trial: Trial, update_id: int, number: int) -> TrialPhoto | None:
    """The `number`th photo (from 1) of an update of this trial; None for another trial's."""
    if number < 1:
        return None
    return db.session.execute(
        select(TrialPhoto).join(TrialUpdate, TrialUpdate.id == TrialPhoto.update_id)
        .where(TrialUpdate.id == update_id, TrialUpdate.trial_id == trial.id)
        .order_by(TrialPhoto.id).offset(number - 1).limit(1)).scalar()


def send_photo(p: TrialPhoto):
    return uploads.send(AREA, p.stored_name, uploads.KINDS[p.content_type], p.display_name)


def send_thumbnail(p: TrialPhoto):
    kind = uploads.KINDS[p.content_type]
    stem = p.display_name.rsplit(".", 1)[0]
    return uploads.send(AREA, p.thumbnail_name or p.stored_name, kind,
                        f"{stem}-thumbnail.{kind.ext}")


@event.listens_for(TrialPhoto, "after_delete")
def _forget_files(mapper, connection, target: TrialPhoto) -> None:
    """The row is gone (with its update or trial): its files go at the commit."""
    session = object_session(target) or db.session()
    uploads.delete_after_commit(session, AREA, target.stored_name)
    if target.thumbnail_name:
        uploads.delete_after_commit(session, AREA, target.thumbnail_name)
