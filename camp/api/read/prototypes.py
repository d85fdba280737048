"""GET /camps/<slug>/prototypes[/<id>]: submitted prototypes as last submitted; drafts
only for those who may see them on the site (the team, the challenge's owners, the
camp's organisers), the team and organisers reading the current draft."""
from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from camp.api.read import ID, caller, documented, in_camp, make_blueprint, paginate, \
    site_url, visible_camp
from camp.api.read.schemas import PageQuery, PrototypeOut, page_schema
from camp.challenges.models import ChallengeOwner
from camp.extensions import db
from camp.permissions import can
from camp.prototypes.models import REVISED_FIELDS, Prototype, PrototypeStatus
from camp.prototypes.services import snapshot
from camp.teams.models import TeamMember

bp = make_blueprint("api_prototypes", "Prototypes: submitted ones for all who see the "
                    "camp, drafts for their team, the challenge's owners and organisers.")

PrototypePage = page_schema(PrototypeOut, "PrototypePage")
DETAILS = (joinedload(Prototype.team), joinedload(Prototype.challenge),
           selectinload(Prototype.revisions))


def _own_team_ids(user, camp) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(db.session.execute(select(TeamMember.team_id).where(
        TeamMember.camp_id == camp.id, TeamMember.user_id == user.id)).scalars())


def prototype_payload(prototype: Prototype, editor: bool) -> dict:
    last = prototype.revisions[-1] if prototype.revisions else None
    # As on the prototype's page: others read what was submitted, the team its draft.
    draft = editor or last is None
    data = snapshot(prototype) if draft else dict(last.data or {})
    payload = {name: data.get(name) or "" for name in REVISED_FIELDS}
    payload["values"] = list(data.get("values") or [])
    payload["links"] = [line.strip() for line in str(data.get("links") or "").splitlines()
                        if line.strip()]
    payload.update(
        id=prototype.id, status=prototype.status, draft=draft,
        team={"id": prototype.team.id, "name": prototype.team.name},
        challenge={"id": prototype.challenge.id, "title": prototype.challenge.title},
        revision=last.number if last else None,
        submitted_at=last.submitted_at if last else None,
        url=site_url("prototypes.show", slug=prototype.camp.slug, prototype_id=prototype.id))
    return payload


@bp.route("/camps/<slug>/prototypes", methods=["GET"])
@documented(bp)
@bp.arguments(PageQuery, location="query")
@bp.response(200, PrototypePage)
def prototypes(query, slug):
    """The camp's prototypes the caller may see, by title."""
    camp = visible_camp(slug)
    user = caller()
    organiser = can(user, "camp.manage", camp)
    own_teams = _own_team_ids(user, camp)
    stmt = select(Prototype).where(Prototype.camp_id == camp.id).options(*DETAILS) \
        .order_by(func.lower(Prototype.title), Prototype.id)
    if not organiser:
        visible = [Prototype.status == PrototypeStatus.submitted]
        if user.is_authenticated:
            visible += [Prototype.team_id.in_(own_teams), Prototype.challenge_id.in_(
                select(ChallengeOwner.challenge_id).where(ChallengeOwner.user_id == user.id))]
        stmt = stmt.where(or_(*visible))
    return paginate(stmt, query, lambda rows: [
        prototype_payload(p, organiser or p.team_id in own_teams) for p in rows])


@bp.route(f"/camps/<slug>/prototypes/<{ID}:prototype_id>", methods=["GET"])
@documented(bp)
@bp.response(200, PrototypeOut)
def prototype(slug, prototype_id):
    """One prototype."""
    camp = visible_camp(slug)
    found = in_camp(Prototype, prototype_id, camp, "prototype.view", options=DETAILS)
    return prototype_payload(found, can(caller(), "prototype.edit", found))
