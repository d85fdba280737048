"""Automatic placement of participants without a team: preview, adjust, apply."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from camp.errors import DomainError
from camp.extensions import db
from camp.teams import placement as algo
from camp.teams import placement_service as service
from camp.teams.placement_forms import chosen, placement_form, plan_of
from camp.web import load_camp, show_domain_error

bp = Blueprint("placement", __name__)


def _seed(value) -> int:
    try:
        return min(max(int(value), 0), 2**31 - 1)
    except (TypeError, ValueError):
        return 0


@bp.route("/camps/<slug>/manage/teams/placement", methods=["GET", "POST"])
def preview(slug):
    camp = load_camp(slug, "camp.manage")
    data = service.load_inputs(camp)
    seed = _seed(request.values.get("seed"))
    result = algo.place(data.people, data.slots, seed)
    form = placement_form(data, result.assignment, seed)
    assignment = result.assignment
    if form.validate_on_submit():
        wanted = chosen(form)
        if form.plan.data != plan_of(data):
            flash(_("People have joined or left teams since this preview was made. Nothing "
                    "was placed; here is a new proposal."), "error")
            form = placement_form(data, result.assignment, seed)
            form.process()  # forget the stale choices, show the new proposal
            form.plan.data, form.seed.data = plan_of(data), str(seed)
        elif request.form.get("action") == "apply":
            try:
                members = service.apply_placement(current_user, camp, wanted)
            except DomainError as exc:
                show_domain_error(form, exc)
            else:
                db.session.commit()
                flash(ngettext("%(num)s person was placed in a team.",
                               "%(num)s people were placed in teams.", len(members)),
                      "success")
                return redirect(url_for("placement.preview", slug=camp.slug), code=303)
            assignment = {uid: tid for uid, tid in wanted.items() if tid}
        else:
            assignment = {uid: tid for uid, tid in wanted.items() if tid}
    summary = service.summarise(data, result, assignment)
    return render_template("placement/preview.html", camp=camp, data=data, result=result,
                           summary=summary, form=form, seed=seed,
                           people={p.id: p for p in data.people})
