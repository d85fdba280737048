"""Whole-camp badge runs outside the request: start, run (with progress), download.

`run_badge_job(job_id)` is a plain function that needs only an app context, so a queue
(issue 9: RQ) can call it as it is. The launching, progress, stale runs and old files are
camp.jobs's; set BADGE_JOB_RUNNER (or the shared JOB_RUNNER) to choose the runner.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from camp import jobs as shared
from camp.badges.models import BadgeJob, BadgeJobStatus  # noqa: F401  (re-exported)
from camp.badges.render import LAYOUTS, badge_registrations, count_badges, render_badges_pdf
from camp.errors import DomainError
from camp.extensions import db

STALE_AFTER = shared.STALE_AFTER
KEEP_FILES = shared.KEEP_FILES
FOLDER = "badges"  # under the instance folder
wait_for_jobs = shared.wait_for_jobs


def jobs_dir() -> str:
    return shared.folder_path(FOLDER)


def job_path(job: BadgeJob) -> str | None:
    return shared.file_path(FOLDER, job)


def camp_jobs(camp, limit: int = 10) -> list[BadgeJob]:
    return shared.camp_jobs(BadgeJob, camp, limit)


def start_badge_job(actor, camp, layout: str, locale: str = "da") -> BadgeJob:
    """A queued run for every confirmed participant of the camp (one at a time per camp)."""
    if layout not in LAYOUTS:
        raise DomainError(_l("Choose one of the badge layouts."), "layout")
    shared.check_none_active(BadgeJob, camp, _l(
        "A badge run for this camp is already under way. Wait for it to finish."))
    total = count_badges(camp.id)
    if total == 0:
        raise DomainError(_l("Nobody has a seat yet, so there are no badges to print."))
    job = BadgeJob(camp_id=camp.id, layout=layout, total=total, locale=locale,
                   created_by_id=getattr(actor, "id", None))
    db.session.add(job)
    db.session.flush()
    return job


def launch(job_id: int) -> None:
    """Hand a committed job to the configured runner."""
    shared.launch(run_badge_job, job_id, "BADGE_JOB_RUNNER", "badge-job")


def run_badge_job(job_id: int) -> None:
    """Render a queued run's badges to instance/badges, reporting progress on the row."""
    def work(job, progress):
        regs = badge_registrations(job.camp_id)
        progress(total=len(regs))
        pdf = render_badges_pdf(job.camp, regs, job.layout,
                                progress=lambda done: progress(done=done))
        return pdf, len(regs)

    shared.run_job(BadgeJob, job_id, FOLDER, work, KEEP_FILES, "badge run")
