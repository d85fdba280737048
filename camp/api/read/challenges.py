"""GET /camps/<slug>/challenges[/<id>] and /camps/<slug>/teams[/<id>]."""
from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from camp.api.read import ID, caller, documented, in_camp, make_blueprint, paginate, \
    site_url, visible_camp
from camp.api.read.schemas import ChallengeOut, PageQuery, TeamOut, page_schema
from camp.challenges.models import Challenge, ChallengeOwner, ChallengeStatus
from camp.permissions import can
from camp.teams import services as team_services
from camp.teams.models import Team

bp = make_blueprint("api_challenges", "Challenges (published ones, and those the caller "
                    "owns or moderates) and the teams working on them.")

ChallengePage = page_schema(ChallengeOut, "ChallengePage")
TeamPage = page_schema(TeamOut, "TeamPage")

CHALLENGE_FIELDS = ("id", "title", "status", "owner_organisation", "owner_actor_type", "mode",
                    "problem", "context", "affected", "owner_role", "expectations",
                    "commitment", "contacts", "published_at", "values", "resources")
WITH_DETAILS = (selectinload(Challenge.values), selectinload(Challenge.resources),
                selectinload(Challenge.owners).joinedload(ChallengeOwner.user))


def challenge_payload(challenge: Challenge) -> dict:
    payload = {name: getattr(challenge, name) for name in CHALLENGE_FIELDS}
    # As on the challenge's page: the reason shows while it is declined or returned.
    payload["decline_reason"] = challenge.decline_reason or None \
        if challenge.status in (ChallengeStatus.declined, ChallengeStatus.draft) else None
    payload["owners"] = [{"name": o.user.name, "organisation": o.user.organisation}
                         for o in challenge.owners]
    payload["url"] = site_url("challenges.show", slug=challenge.camp.slug,
                              challenge_id=challenge.id)
    return payload


@bp.route("/camps/<slug>/challenges", methods=["GET"])
@documented(bp)
@bp.arguments(PageQuery, location="query")
@bp.response(200, ChallengePage)
def challenges(query, slug):
    """The camp's challenges the caller may see, by title."""
    camp = visible_camp(slug)
    user = caller()
    stmt = select(Challenge).where(Challenge.camp_id == camp.id).options(*WITH_DETAILS) \
        .order_by(func.lower(Challenge.title), Challenge.id)
    if not can(user, "camp.manage", camp):  # organisers (and admins) see every one
        published = Challenge.status == ChallengeStatus.published
        if user.is_authenticated:
            owned = select(ChallengeOwner.challenge_id).where(ChallengeOwner.user_id == user.id)
            stmt = stmt.where(or_(published, Challenge.id.in_(owned)))
        else:
            stmt = stmt.where(published)
    return paginate(stmt, query, lambda rows: [challenge_payload(c) for c in rows])


@bp.route(f"/camps/<slug>/challenges/<{ID}:challenge_id>", methods=["GET"])
@documented(bp)
@bp.response(200, ChallengeOut)
def challenge(slug, challenge_id):
    """One challenge."""
    camp = visible_camp(slug)
    return challenge_payload(in_camp(Challenge, challenge_id, camp, "challenge.view",
                                     options=WITH_DETAILS))


def team_payloads(camp, rows: list[Team]) -> list[dict]:
    people = team_services.people(camp.id, [m.user_id for t in rows for m in t.members])
    return [{
        "id": t.id, "name": t.name, "pitch": t.pitch,
        "challenge": {"id": t.challenge.id, "title": t.challenge.title},
        "size": len(t.members), "min_size": t.size_minimum, "max_size": t.size_limit,
        "locked": team_services.is_locked(t),
        "members": [{"name": people[m.user_id].name,
                     "organisation": people[m.user_id].organisation,
                     "actor_type": people[m.user_id].actor_type,
                     "lead": m.user_id == t.lead_id} for m in t.members],
        "url": site_url("teams.show", slug=camp.slug, team_id=t.id),
    } for t in rows]


TEAM_DETAILS = (selectinload(Team.members), joinedload(Team.challenge))


@bp.route("/camps/<slug>/teams", methods=["GET"])
@documented(bp)
@bp.arguments(PageQuery, location="query")
@bp.response(200, TeamPage)
def teams(query, slug):
    """The camp's teams by name, with their members as the team pages show them."""
    camp = visible_camp(slug)
    stmt = select(Team).where(Team.camp_id == camp.id).options(*TEAM_DETAILS) \
        .order_by(Team.name, Team.id)
    return paginate(stmt, query, lambda rows: team_payloads(camp, rows))


@bp.route(f"/camps/<slug>/teams/<{ID}:team_id>", methods=["GET"])
@documented(bp)
@bp.response(200, TeamOut)
def team(slug, team_id):
    """One team."""
    camp = visible_camp(slug)
    return team_payloads(camp, [in_camp(Team, team_id, camp, "team.view",
                                        options=TEAM_DETAILS)])[0]
