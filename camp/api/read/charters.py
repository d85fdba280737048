"""GET /charters and /charters/<slug>: a camp's charter for whoever sees the camp, a
charter on its own for all; the working text with its clause numbers."""
from __future__ import annotations

from flask import abort
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from camp.api.read import caller, documented, make_blueprint, paginate, site_url, \
    visible_camps_clause
from camp.api.read.schemas import CharterDetailOut, CharterOut, PageQuery, page_schema
from camp.camps.models import Camp
from camp.charters import services, versions
from camp.charters.models import Charter
from camp.permissions import can

bp = make_blueprint("api_charters", "Co-creation charters and their current text.")

CharterPage = page_schema(CharterOut, "CharterPage")
CHARTER_FIELDS = ("slug", "title", "phase", "introduction", "consultation_closes_at",
                  "created_at", "updated_at")


def charter_payload(charter: Charter) -> dict:
    payload = {name: getattr(charter, name) for name in CHARTER_FIELDS}
    payload["camp"] = {"slug": charter.camp.slug, "title": charter.camp.title} \
        if charter.camp is not None else None
    payload["url"] = site_url("charters.show", charter_slug=charter.slug)
    return payload


@bp.route("/charters", methods=["GET"])
@documented(bp)
@bp.arguments(PageQuery, location="query")
@bp.response(200, CharterPage)
def charters(query):
    """Charters the caller may see, newest first."""
    stmt = select(Charter).outerjoin(Camp, Camp.id == Charter.camp_id) \
        .where(or_(Charter.camp_id.is_(None), visible_camps_clause(caller()))) \
        .options(joinedload(Charter.camp)) \
        .order_by(Charter.created_at.desc(), Charter.id.desc())
    return paginate(stmt, query, lambda rows: [charter_payload(c) for c in rows])


@bp.route("/charters/<charter_slug>", methods=["GET"])
@documented(bp)
@bp.response(200, CharterDetailOut)
def charter(charter_slug):
    """One charter: its sections and numbered clauses, and its latest version."""
    found = services.charter_by_slug(charter_slug, with_text=True)
    if found is None or not can(caller(), "charter.view", found):
        abort(404)
    payload = charter_payload(found)
    payload["sections"] = [
        {"number": number, "title": section.title,
         "clauses": [{"id": clause.id, "number": c_number, "text": clause.text}
                     for c_number, clause in clauses]}
        for number, section, clauses in versions.numbered(found)]
    latest = versions.latest(found)
    payload["latest_version"] = None if latest is None else {
        "number": latest.number, "is_final": latest.is_final, "final_at": latest.final_at,
        "created_at": latest.created_at}
    return payload
