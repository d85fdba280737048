"""The read API: GET /api/v1/... for camps, programme, challenges, teams, prototypes,
trials and charters (camp.api.read.*), what the caller may see on the site and nothing
more. Hidden objects answer 404, as the pages do.

Every list is one page of an envelope {items, page, per_page, total, pages} (?page=,
?per_page= up to 100), in a stable order. Callers: anonymous, the browser's session, or
`Authorization: Bearer <API token>` (camp.api.auth). One rate limit for all of it, per
token or per address.
"""
from __future__ import annotations

import math

from flask import abort, url_for
from flask_limiter.util import get_remote_address
from flask_smorest import Blueprint
from sqlalchemy import func, or_, select, true

from camp.api.auth import caller, rate_limit_key, resolve_caller
from camp.camps.models import Camp, Membership
from camp.extensions import db, limiter
from camp.camps.services import PUBLIC_STATUSES
from camp.permissions import RUNS_CAMP, can, is_admin, signed_in

RATE_LIMIT = "300 per minute"  # per API token, or per address without one
# Per address whatever the tokens: made-up tokens must not each buy a budget of their own
# (an office's several scripts behind one address still fit).
ADDRESS_LIMIT = "1200 per minute"
# The int converter's bound, in the OpenAPI document too: bigger ids exist nowhere.
ID = "int(max=2147483647)"


def make_blueprint(name: str, description: str) -> Blueprint:
    bp = Blueprint(name, __name__, url_prefix="/api/v1", description=description)
    bp.before_request(resolve_caller)
    # Callables: read at each request, so a test may lower them.
    limiter.shared_limit(lambda: RATE_LIMIT, scope="api-read", key_func=rate_limit_key)(bp)
    limiter.shared_limit(lambda: ADDRESS_LIMIT, scope="api-read-address",
                         key_func=get_remote_address)(bp)
    return bp


def documented(bp: Blueprint):
    """The error answers every read operation may give, in the OpenAPI document."""
    def wrap(view):
        view = bp.doc(security=[{}, {"apiToken": []}])(view)  # the token is optional
        for status, name in ((401, "UNAUTHORIZED"), (404, "NOT_FOUND"),
                             (429, "TOO_MANY_REQUESTS")):
            view = bp.alt_response(status, response=name)(view)
        return view
    return wrap


def visible_camps_clause(user):
    """SQL for camp.view (camp.permissions._view_camp) over many camps at once."""
    if is_admin(user):
        return true()
    public = Camp.status.in_(PUBLIC_STATUSES)
    if not signed_in(user):
        return public
    runs = select(Membership.camp_id).where(Membership.user_id == user.id,
                                            Membership.role.in_(RUNS_CAMP))
    return or_(public, Camp.id.in_(runs))


def visible_camp(slug: str) -> Camp:
    camp = db.session.execute(select(Camp).where(Camp.slug == slug)).scalar_one_or_none()
    if camp is None or not can(caller(), "camp.view", camp):
        abort(404, description="no such camp")
    return camp


def in_camp(model, object_id: int, camp: Camp, action: str, **options):
    """The object of this camp that the caller may see; 404 otherwise."""
    obj = db.session.get(model, object_id, **options)
    if obj is None or obj.camp_id != camp.id or not can(caller(), action, obj):
        abort(404)
    return obj


def envelope(items: list, page: int, per_page: int, total: int) -> dict:
    return {"items": items, "page": page, "per_page": per_page, "total": total,
            "pages": math.ceil(total / per_page) if total else 0}


def paginate(stmt, query: dict, dump) -> dict:
    """One page of `stmt` (ordered, without collection joins): a count and a page."""
    page, per_page = query["page"], query["per_page"]
    total = db.session.execute(
        select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()
    rows = db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page)) \
        .scalars().all() if (page - 1) * per_page < total else []
    return envelope(dump(rows), page, per_page, total)


def paginate_list(items: list, query: dict, dump) -> dict:
    page, per_page = query["page"], query["per_page"]
    start = (page - 1) * per_page
    return envelope(dump(items[start:start + per_page]), page, per_page, len(items))


def site_url(endpoint: str, **values) -> str:
    return url_for(endpoint, _external=True, **values)
