"""Run jobs at the same moment in threads, as simultaneous requests would."""
from __future__ import annotations

import threading

from camp.errors import DomainError
from camp.extensions import db


def run_at_once(app, jobs) -> list[str]:
    """Each job in its own thread and app context, released together, then committed.

    Returns, per job in order: "ok", the message of the DomainError that refused it, or
    "error: ..." for anything unexpected (which a test should treat as a failure).
    """
    barrier = threading.Barrier(len(jobs))
    outcomes = [""] * len(jobs)

    def worker(index, job):
        with app.app_context():
            try:
                barrier.wait()
                job()
                db.session.commit()
                outcomes[index] = "ok"
            except DomainError as exc:
                db.session.rollback()
                outcomes[index] = str(exc.message)
            except Exception as exc:  # pragma: no cover - reported by the caller's assertion
                db.session.rollback()
                outcomes[index] = f"error: {exc!r}"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return outcomes
