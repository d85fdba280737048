"""GET /camps, /camps/<slug>, /camps/<slug>/programme."""
from __future__ import annotations

from sqlalchemy import select

from camp.api.read import caller, documented, make_blueprint, paginate, site_url, \
    visible_camp, visible_camps_clause
from camp.api.read.schemas import CampDetailOut, CampOut, PageQuery, ProgrammeItemOut, \
    page_schema
from camp.camps.models import Camp, ProgrammeItem

bp = make_blueprint("api_camps", "Camps and their programme: the public ones, and the "
                    "drafts of camps the caller runs.")

CampPage = page_schema(CampOut, "CampPage")
ProgrammePage = page_schema(ProgrammeItemOut, "ProgrammePage")

CAMP_FIELDS = ("slug", "title", "description", "format", "status", "venue", "address",
               "timezone", "starts_at", "ends_at", "capacity", "registration_opens_at",
               "registration_closes_at", "prototype_deadline")


def camp_payload(camp: Camp) -> dict:
    payload = {name: getattr(camp, name) for name in CAMP_FIELDS}
    payload["url"] = site_url("camps.show", slug=camp.slug)
    return payload


@bp.route("/camps", methods=["GET"])
@documented(bp)
@bp.arguments(PageQuery, location="query")
@bp.response(200, CampPage)
def camps(query):
    """Camps the caller may see, soonest first."""
    stmt = select(Camp).where(visible_camps_clause(caller())) \
        .order_by(Camp.starts_at, Camp.id)
    return paginate(stmt, query, lambda rows: [camp_payload(c) for c in rows])


@bp.route("/camps/<slug>", methods=["GET"])
@documented(bp)
@bp.response(200, CampDetailOut)
def camp(slug):
    """One camp, with the seats left."""
    from camp.registrations.services import confirmed_count
    found = visible_camp(slug)
    payload = camp_payload(found)
    payload["seats_left"] = max(0, found.capacity - confirmed_count(found.id))
    return payload


@bp.route("/camps/<slug>/programme", methods=["GET"])
@documented(bp)
@bp.arguments(PageQuery, location="query")
@bp.response(200, ProgrammePage)
def programme(query, slug):
    """The camp's programme in time order."""
    found = visible_camp(slug)
    stmt = select(ProgrammeItem).where(ProgrammeItem.camp_id == found.id) \
        .order_by(ProgrammeItem.starts_at, ProgrammeItem.id)
    return paginate(stmt, query, lambda rows: rows)
