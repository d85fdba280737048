"""Badge PDFs: a whole camp for organisers, one person's from the door."""
from flask import Blueprint, Response, abort, render_template, request

from camp.badges.render import LAYOUTS, badge_registrations, render_badges_pdf
from camp.extensions import db
from camp.registrations.models import Registration, RegistrationStatus
from camp.web import load_camp

bp = Blueprint("badges", __name__)


def _pdf(body: bytes, filename: str) -> Response:
    return Response(body, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{filename}"'})


def _layout() -> str:
    layout = request.args.get("layout", "a4-6")
    if layout not in LAYOUTS:
        abort(400)
    return layout


@bp.get("/camps/<slug>/manage/badges")
def page(slug):
    camp = load_camp(slug, "camp.manage")
    count = len(badge_registrations(camp.id))
    return render_template("badges/page.html", camp=camp, count=count, layouts=LAYOUTS)


@bp.get("/camps/<slug>/manage/badges.pdf")
def camp_pdf(slug):
    camp = load_camp(slug, "camp.manage")
    layout = _layout()
    return _pdf(render_badges_pdf(camp, badge_registrations(camp.id), layout),
                f"{camp.slug}-badges-{layout}.pdf")


@bp.get("/camps/<slug>/checkin/badges/<int:reg_id>.pdf")
def single(slug, reg_id):
    from camp.checkin.views import _door
    camp, _device = _door(slug)
    reg = db.get_or_404(Registration, reg_id)
    if reg.camp_id != camp.id or reg.status != RegistrationStatus.confirmed:
        abort(404)
    return _pdf(render_badges_pdf(camp, [reg], request.args.get("layout", "label-90x54")
                                  if request.args.get("layout") in LAYOUTS else "label-90x54"),
                f"badge-{reg.id}.pdf")
