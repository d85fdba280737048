"""GET /camps/<slug>/trials and /trials/<id>: trials are followed in the open, like the
camp's prototypes. Contact e-mail addresses are never shown; a party's commitment only
once the party agreed to it (as on the trial's page)."""
from __future__ import annotations

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from camp.api.read import ID, caller, documented, make_blueprint, paginate, site_url, \
    visible_camp
from camp.api.read.schemas import PageQuery, TrialDetailOut, TrialOut, page_schema
from camp.extensions import db
from camp.permissions import can
from camp.trials.models import Trial, TrialPrototype

bp = make_blueprint("api_trials", "Trials in practice after the camp: status, progress, "
                    "parties and their commitments.")

TrialPage = page_schema(TrialOut, "TrialPage")
TRIAL_FIELDS = ("id", "title", "status", "progress", "purpose", "values", "municipality",
                "unit", "area", "starts_on", "planned_end_on", "outcome_reason")
SUMMARY = (joinedload(Trial.camp), joinedload(Trial.challenge),
           selectinload(Trial.links).joinedload(TrialPrototype.prototype))


def trial_payload(trial: Trial) -> dict:
    payload = {name: getattr(trial, name) for name in TRIAL_FIELDS}
    payload["values"] = list(trial.values or [])
    payload.update(
        challenge={"id": trial.challenge.id, "title": trial.challenge.title},
        camp={"slug": trial.camp.slug, "title": trial.camp.title},
        prototypes=[{"id": p.id, "title": p.title} for p in trial.prototypes],
        url=site_url("trials.view", trial_id=trial.id))
    return payload


@bp.route("/camps/<slug>/trials", methods=["GET"])
@documented(bp)
@bp.arguments(PageQuery, location="query")
@bp.response(200, TrialPage)
def trials(query, slug):
    """The trials that grew out of the camp, newest first."""
    camp = visible_camp(slug)
    stmt = select(Trial).where(Trial.camp_id == camp.id).options(*SUMMARY) \
        .order_by(Trial.created_at.desc(), Trial.id.desc())
    return paginate(stmt, query, lambda rows: [trial_payload(t) for t in rows])


@bp.route(f"/trials/<{ID}:trial_id>", methods=["GET"])
@documented(bp)
@bp.response(200, TrialDetailOut)
def trial(trial_id):
    """One trial, with its parties (the informal contract) and milestones."""
    found = db.session.execute(
        select(Trial).where(Trial.id == trial_id)
        .options(*SUMMARY, selectinload(Trial.parties), selectinload(Trial.milestones))
    ).unique().scalar_one_or_none()
    if found is None or not can(caller(), "trial.view", found):
        abort(404)
    payload = trial_payload(found)
    payload["review_every_weeks"] = found.review_every_weeks
    payload["parties"] = [{
        "organisation": p.organisation, "role": p.role, "leadership": p.leadership,
        "contact_name": p.contact_name, "agreed_at": p.agreed_at,
        "commitment": p.commitment if p.agreed_at else None,
        "resources": p.resources if p.agreed_at else None,
    } for p in found.parties]
    payload["milestones"] = [{"title": m.title, "due_on": m.due_on, "done_at": m.done_at}
                             for m in found.milestones]
    return payload
