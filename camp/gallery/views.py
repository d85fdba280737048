"""The public gallery of a camp's submitted prototypes; each card links to the prototype's
own page (prototypes.show)."""
from flask import Blueprint, render_template, request, url_for
from flask_login import current_user

from camp.gallery import forms, queries
from camp.permissions import can
from camp.web import load_camp

bp = Blueprint("gallery", __name__)


@bp.get("/camps/<slug>/gallery/")
def index(slug):
    camp = load_camp(slug, "gallery.view")
    form = forms.GalleryFilterForm(request.args)
    form.set_challenges(queries.challenges_with_prototypes(camp))
    filters = form.filters()
    challenge_id = int(filters["challenge"]) if filters.get("challenge", "").isdigit() \
        else None
    page = queries.gallery_page(camp, challenge_id=challenge_id, value=filters.get("value"),
                                q=filters.get("q"), page=request.args.get("page", 1, type=int))
    return render_template(
        "gallery/index.html", camp=camp, form=form, filters=filters, page=page,
        votes_url=url_for("votes.results", slug=camp.slug)
        if can(current_user, "vote.results", camp) else None,
        jury_url=url_for("judging.results", slug=camp.slug)
        if can(current_user, "judging.results", camp) else None)
