"""People's choice: the vote button on a prototype's page, the organisers' window, counts,
publishing and CSV, and the public results."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from camp.csvfile import csv_response
from camp.extensions import login_manager
from camp.i18n import from_local_naive, to_local_naive
from camp.judging import vote_forms as forms
from camp.judging import votes as services
from camp.permissions import can
from camp.prototypes.models import Prototype
from camp.web import get_in_camp, load_camp, post_action, save_form

bp = Blueprint("votes", __name__)


@bp.app_template_global()
def vote_panel(camp, prototype) -> dict:
    """What templates/votes/_panel.html shows on a submitted prototype's page."""
    vote = services.vote_of(current_user, camp)
    problem = None
    if vote is None:
        problem = services.refusal(current_user, camp, prototype, vote=None)
    return {
        "state": services.window_state(camp),
        "opens": camp.voting_opens_at, "closes": camp.voting_closes_at,
        "vote": vote,
        "title": services.public_title(prototype),
        "voted_title": services.public_title(vote.prototype) if vote else None,
        "may_vote": vote is None and problem is None,
        "why_not": str(problem.message) if problem is not None else None,
        "signed_in": current_user.is_authenticated,
        "results": can(current_user, "vote.results", camp),
    }


@bp.post("/camps/<slug>/prototypes/<int:prototype_id>/vote")
def cast(slug, prototype_id):
    camp = load_camp(slug)
    prototype = get_in_camp(Prototype, prototype_id, camp)
    if not can(current_user, "prototype.view", prototype):
        abort(404)
    if not can(current_user, "vote.cast", camp):
        abort(login_manager.unauthorized() if not current_user.is_authenticated else 403)
    back = url_for("prototypes.show", slug=camp.slug, prototype_id=prototype.id,
                   _anchor="peoples-choice")
    return post_action(lambda: services.cast_vote(current_user, camp, prototype),
                       _("Thank you. Your vote for \u201c%(title)s\u201d is counted.",
                         title=services.public_title(prototype)), back)


# --- The organisers -----------------------------------------------------------------------

def _manage_url(camp) -> str:
    return url_for("votes.manage", slug=camp.slug)


@bp.route("/camps/<slug>/manage/votes", methods=["GET", "POST"])
def manage(slug):
    camp = load_camp(slug, "camp.manage")
    form = forms.WindowForm()
    if request.method == "GET":
        form.voting_opens_at.data = to_local_naive(camp.voting_opens_at, camp.timezone)
        form.voting_closes_at.data = to_local_naive(camp.voting_closes_at, camp.timezone)
    done = save_form(form, lambda: services.set_window(
        current_user, camp, from_local_naive(form.voting_opens_at.data, camp.timezone),
        from_local_naive(form.voting_closes_at.data, camp.timezone)),
        _("The voting window is saved."), _manage_url(camp))
    if done:
        return done
    return render_template("votes/manage.html", camp=camp, form=form,
                           rows=services.results(camp), total=services.total_votes(camp),
                           state=services.window_state(camp))


@bp.post("/camps/<slug>/manage/votes/publish")
def publish(slug):
    camp = load_camp(slug, "camp.manage")
    return post_action(lambda: services.publish(current_user, camp),
                       _("The people's choice results are published."), _manage_url(camp))


@bp.post("/camps/<slug>/manage/votes/unpublish")
def unpublish(slug):
    camp = load_camp(slug, "camp.manage")
    return post_action(lambda: services.unpublish(current_user, camp),
                       _("The people's choice results are hidden again."), _manage_url(camp))


@bp.get("/camps/<slug>/manage/votes.csv")
def export_csv(slug):
    camp = load_camp(slug, "camp.manage")
    body = services.results_csv(camp, services.results(camp), lambda p: url_for(
        "prototypes.show", slug=camp.slug, prototype_id=p.id, _external=True))
    return csv_response(body, f"{camp.slug}-peoples-choice.csv")


# --- Everybody, once published ------------------------------------------------------------

@bp.get("/camps/<slug>/votes/results")
def results(slug):
    camp = load_camp(slug, "vote.results")
    return render_template("votes/results.html", camp=camp, rows=services.results(camp),
                           total=services.total_votes(camp))

