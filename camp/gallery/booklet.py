"""The camp's booklet of prototypes, rendered outside the request like the badge runs.

`run_booklet_job(job_id)` is a plain function that needs only an app context (a queue can
call it as it is); camp.jobs launches it (BOOKLET_JOB_RUNNER, else the shared JOB_RUNNER),
records its progress, fails stale jobs and keeps the newest files.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from camp import jobs as shared
from camp.errors import DomainError
from camp.extensions import db
from camp.gallery.models import BookletJob
from camp.gallery.pdf import booklet_prototypes, render_booklet_pdf
from camp.prototypes.models import Prototype, PrototypeStatus

FOLDER = "booklets"  # under the instance folder
KEEP_FILES = shared.KEEP_FILES
wait_for_jobs = shared.wait_for_jobs


def job_path(job: BookletJob) -> str | None:
    return shared.file_path(FOLDER, job)


def camp_jobs(camp, limit: int = 10) -> list[BookletJob]:
    return shared.camp_jobs(BookletJob, camp, limit)


def count_submitted(camp) -> int:
    return db.session.execute(select(func.count(Prototype.id)).where(
        Prototype.camp_id == camp.id,
        Prototype.status == PrototypeStatus.submitted)).scalar_one()


def start_booklet_job(actor, camp, locale: str = "da") -> BookletJob:
    """A queued booklet of the camp's submitted prototypes (one at a time per camp)."""
    shared.check_none_active(BookletJob, camp, _l(
        "A booklet for this camp is already being made. Wait for it to finish."))
    total = count_submitted(camp)
    if total == 0:
        raise DomainError(_l("No prototype is submitted yet, so there is no booklet to "
                             "make."))
    job = BookletJob(camp_id=camp.id, total=total, locale=locale,
                     created_by_id=getattr(actor, "id", None))
    db.session.add(job)
    db.session.flush()
    return job


def launch(job_id: int) -> None:
    """Hand a committed job to the configured runner."""
    shared.launch(run_booklet_job, job_id, "BOOKLET_JOB_RUNNER", "booklet-job")


def run_booklet_job(job_id: int) -> None:
    """Render a queued booklet to instance/booklets, reporting progress on the row."""
    def work(job, progress):
        prototypes = booklet_prototypes(job.camp)
        progress(total=len(prototypes))
        pdf = render_booklet_pdf(job.camp, prototypes,
                                 progress=lambda done: progress(done=done))
        return pdf, len(prototypes)

    shared.run_job(BookletJob, job_id, FOLDER, work, KEEP_FILES, "booklet")
