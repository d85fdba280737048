"""Prototype PDFs: one page per prototype, and the camp's booklet made in the background."""
from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from camp import jobs
from camp.camps.services import slugify
from camp.gallery import booklet
from camp.gallery.models import BookletJob
from camp.gallery.pdf import render_prototype_pdf
from camp.permissions import can
from camp.prototypes.models import Prototype
from camp.web import get_in_camp, load_camp, post_action

bp = Blueprint("booklets", __name__)


def _attachment(body: bytes, name: str) -> Response:
    """A PDF download; the name is made of [a-z0-9-] only (never raw user text)."""
    safe = slugify(name)[:60].strip("-") or "prototype"
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{safe}.pdf"',
        "Cache-Control": "private, no-store"})


@bp.get("/camps/<slug>/prototypes/<int:prototype_id>.pdf")
def prototype_pdf(slug, prototype_id):
    """The prototype on one A4 page; 404 to whoever may not see it (drafts)."""
    camp = load_camp(slug)
    prototype = get_in_camp(Prototype, prototype_id, camp)
    if not can(current_user, "prototype.view", prototype):
        abort(404)
    title = prototype.revisions[-1].data.get("title") if prototype.revisions else None
    return _attachment(render_prototype_pdf(prototype),
                       f"{title or prototype.title}-{prototype.id}")


def _page(camp):
    runs = booklet.camp_jobs(camp)
    if request.headers.get("HX-Request") == "true":
        return render_template("booklets/_runs.html", camp=camp, runs=runs)
    return render_template("booklets/page.html", camp=camp, runs=runs,
                           count=booklet.count_submitted(camp))


@bp.get("/camps/<slug>/manage/booklet")
def page(slug):
    return _page(load_camp(slug, "camp.manage"))


@bp.post("/camps/<slug>/manage/booklet/runs")
def start_run(slug):
    camp = load_camp(slug, "camp.manage")
    return post_action(
        lambda: booklet.start_booklet_job(current_user, camp, str(get_locale() or "da")),
        _l("The booklet is being made. This page shows how far it is."),
        url_for("booklets.page", slug=camp.slug) + "#runs",
        after=lambda job: booklet.launch(job.id))


@bp.get("/camps/<slug>/manage/booklet/download")
def download(slug):
    """A finished booklet (?run=<id>), only to the organisers of its own camp."""
    camp = load_camp(slug, "camp.manage")
    return jobs.send_finished(BookletJob, camp, booklet.FOLDER,
                              lambda _job: f"{camp.slug}-prototypes.pdf")
