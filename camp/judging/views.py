"""Judging: the organiser's criteria, jury assignment and results; the juror's scoring."""
import re

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from camp.auth.models import User
from camp.csvfile import csv_response
from camp.errors import DomainError
from camp.extensions import db, login_manager
from camp.judging import assignment as assign_services
from camp.judging import criteria as criteria_services
from camp.judging import forms, labels, results as result_services, scoring
from camp.judging.models import Criterion, JuryAssignment
from camp.permissions import can
from camp.prototypes.models import Prototype
from camp.web import get_in_camp, load_camp, post_action, save_form, show_domain_error

bp = Blueprint("judging", __name__)
bp.add_app_template_global(labels, "judging_labels")


# -- criteria -------------------------------------------------------------------------------

def _criteria_url(camp, anchor=""):
    return url_for("judging.criteria", slug=camp.slug) + anchor


@bp.route("/camps/<slug>/manage/jury/criteria", methods=["GET", "POST"])
def criteria(slug):
    camp = load_camp(slug, "camp.manage")
    form = forms.CriterionForm()
    done = save_form(form, lambda: criteria_services.add_criterion(
        current_user, camp, form.data_for_service()),
        lambda c: _("\"%(name)s\" is added.", name=c.name), _criteria_url(camp))
    if done:
        return done
    return render_template("judging/criteria.html", camp=camp, form=form,
                           criteria=criteria_services.criteria_of(camp),
                           counts=criteria_services.score_counts(camp),
                           presets=criteria_services.PRESETS)


@bp.route("/camps/<slug>/manage/jury/criteria/<int:criterion_id>", methods=["GET", "POST"])
def edit_criterion(slug, criterion_id):
    camp = load_camp(slug, "camp.manage")
    criterion = get_in_camp(Criterion, criterion_id, camp)
    form = forms.CriterionForm(obj=criterion)
    done = save_form(form, lambda: criteria_services.edit_criterion(
        current_user, camp, criterion, form.data_for_service()),
        lambda c: _("\"%(name)s\" is saved.", name=c.name), _criteria_url(camp))
    if done:
        return done
    criterion = db.session.get(Criterion, criterion_id)  # after a rollback
    return render_template("judging/edit_criterion.html", camp=camp, criterion=criterion,
                           form=form,
                           scores=criteria_services.score_counts(camp).get(criterion.id, 0))


@bp.post("/camps/<slug>/manage/jury/criteria/<int:criterion_id>/delete")
def delete_criterion(slug, criterion_id):
    camp = load_camp(slug, "camp.manage")
    criterion = get_in_camp(Criterion, criterion_id, camp)
    name = criterion.name
    return post_action(
        lambda: criteria_services.delete_criterion(current_user, camp, criterion),
        lambda n: ngettext("\"%(name)s\" is deleted, with its %(num)s score.",
                           "\"%(name)s\" is deleted, with its %(num)s scores.", n, name=name)
        if n else _("\"%(name)s\" is deleted.", name=name), _criteria_url(camp))


@bp.post("/camps/<slug>/manage/jury/criteria/<int:criterion_id>/move")
def move_criterion(slug, criterion_id):
    camp = load_camp(slug, "camp.manage")
    criterion = get_in_camp(Criterion, criterion_id, camp)
    direction = -1 if request.form.get("direction") == "up" else 1
    criteria_services.move_criterion(current_user, camp, criterion, direction)
    db.session.commit()
    return redirect(_criteria_url(camp, f"#criterion-{criterion.id}"), code=303)


@bp.post("/camps/<slug>/manage/jury/criteria/presets")
def add_presets(slug):
    camp = load_camp(slug, "camp.manage")
    added = criteria_services.add_presets(current_user, camp)
    db.session.commit()
    if added:
        flash(ngettext("%(num)s preset criterion is added. Adjust the weights to the camp.",
                       "%(num)s preset criteria are added. Adjust the weights to the camp.",
                       len(added)), "success")
    else:
        flash(_("Every preset criterion is there already."), "info")
    return redirect(_criteria_url(camp), code=303)


# -- jury assignment ------------------------------------------------------------------------

def _per_prototype(value) -> int:
    if not isinstance(value, int):
        return assign_services.PER_PROTOTYPE_MIN
    return min(max(value, assign_services.PER_PROTOTYPE_MIN), assign_services.PER_PROTOTYPE_MAX)


def _manage_url(camp, per=None, anchor=""):
    args = {"per": per} if per and per != assign_services.PER_PROTOTYPE_MIN else {}
    return url_for("judging.manage", slug=camp.slug, **args) + anchor


@bp.get("/camps/<slug>/manage/jury")
def manage(slug):
    camp = load_camp(slug, "camp.manage")
    per = _per_prototype(request.args.get("per", type=int))
    form = forms.AutoAssignForm(per_prototype=per)
    return render_template("judging/manage.html", camp=camp, form=form, per=per,
                           view=assign_services.overview(camp, per),
                           published=camp.jury_results_published_at is not None)


@bp.post("/camps/<slug>/manage/jury/assign")
def assign(slug):
    camp = load_camp(slug, "camp.manage")
    form = forms.AutoAssignForm()
    if not form.validate_on_submit():
        flash(_("Choose between %(low)s and %(high)s jurors per prototype.",
                low=assign_services.PER_PROTOTYPE_MIN, high=assign_services.PER_PROTOTYPE_MAX),
              "error")
        return redirect(_manage_url(camp), code=303)
    per = form.per_prototype.data
    try:
        outcome = assign_services.assign_automatically(current_user, camp, per)
    except DomainError as exc:
        show_domain_error(None, exc)
        return redirect(_manage_url(camp), code=303)
    db.session.commit()
    if outcome.added:
        flash(ngettext("%(num)s assignment is added.", "%(num)s assignments are added.",
                       len(outcome.added)), "success")
    else:
        flash(_("Nothing to add: every prototype that can get %(n)s jurors has them.", n=per),
              "info")
    if outcome.shortfalls:
        flash(ngettext("%(num)s prototype has fewer than %(n)s jurors. See why below.",
                       "%(num)s prototypes have fewer than %(n)s jurors. See why below.",
                       len(outcome.shortfalls), n=per), "warning")
    return redirect(_manage_url(camp, per, "#shortfalls" if outcome.shortfalls else ""),
                    code=303)


@bp.post("/camps/<slug>/manage/jury/assignments")
def add_assignment(slug):
    camp = load_camp(slug, "camp.manage")
    form = forms.AddAssignmentForm()
    if not form.validate_on_submit():
        flash(_("Choose a juror."), "error")
        return redirect(_manage_url(camp), code=303)
    prototype = get_in_camp(Prototype, form.prototype_id.data, camp)
    juror = db.session.get(User, form.juror_id.data)
    back = _manage_url(camp, anchor=f"#prototype-{prototype.id}")
    if juror is None:
        flash(_("That person is not on the camp's jury."), "error")
        return redirect(back, code=303)
    return post_action(
        lambda: assign_services.add_assignment(current_user, camp, prototype, juror),
        _("%(name)s is assigned to %(prototype)s.", name=juror.name, prototype=prototype.title),
        back)


@bp.post("/camps/<slug>/manage/jury/assignments/<int:assignment_id>/delete")
def remove_assignment(slug, assignment_id):
    camp = load_camp(slug, "camp.manage")
    a = get_in_camp(JuryAssignment, assignment_id, camp)
    name, title = a.juror.name, a.prototype.title
    back = _manage_url(camp, anchor=f"#prototype-{a.prototype_id}")
    return post_action(
        lambda: assign_services.remove_assignment(current_user, camp, a),
        lambda n: ngettext("%(name)s no longer judges %(prototype)s; %(num)s score is deleted.",
                           "%(name)s no longer judges %(prototype)s; %(num)s scores are "
                           "deleted.", n, name=name, prototype=title)
        if n else _("%(name)s no longer judges %(prototype)s.", name=name, prototype=title),
        back)


# -- the juror ------------------------------------------------------------------------------

@bp.get("/camps/<slug>/jury")
def panel(slug):
    camp = load_camp(slug, "jury.panel")
    rows, total = scoring.panel(camp, current_user)
    return render_template("judging/panel.html", camp=camp, rows=rows, criteria=total,
                           locked=scoring.locked(camp))


def _own_assignment(camp, assignment_id) -> JuryAssignment:
    """The signed-in juror's own assignment; 404 for anybody else's (and for admins:
    scores are the juror's own)."""
    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())
    a = db.session.get(JuryAssignment, assignment_id)
    if a is None or a.camp_id != camp.id or a.juror_id != current_user.id \
            or not can(current_user, "judging.score", a):
        abort(404)
    return a


SCORE_FIELD = re.compile(r"c(\d+)")


@bp.route("/camps/<slug>/jury/assignments/<int:assignment_id>", methods=["GET", "POST"])
def score(slug, assignment_id):
    camp = load_camp(slug)
    a = _own_assignment(camp, assignment_id)
    crit = criteria_services.criteria_of(camp)
    form = forms.score_form(crit, scoring.current_scores(a), a.comment)
    page_url = url_for("judging.score", slug=camp.slug, assignment_id=a.id)
    title = a.prototype.title
    if request.method == "POST":
        if scoring.locked(camp):
            flash(str(scoring.LOCKED_MESSAGE), "error")
            return redirect(page_url, code=303)
        known = {c.id for c in crit}
        if any((m := SCORE_FIELD.fullmatch(k)) and int(m.group(1)) not in known
               for k in request.form):
            flash(_("The criteria have changed while you were scoring. Check the form and "
                    "save again."), "error")
            form = forms.score_form(crit, scoring.current_scores(a), a.comment,
                                    formdata=None)
        else:
            done = save_form(form, lambda: scoring.save_scores(
                current_user, camp, a, forms.score_values(form, crit), form.comment.data),
                lambda saved: _("Your scores for %(title)s are saved.", title=title)
                if saved.scored_at else _("Saved. Some criteria are not scored yet."),
                url_for("judging.panel", slug=camp.slug))
            if done:
                return done
            a = db.session.get(JuryAssignment, assignment_id)
    return render_template("judging/score.html", camp=camp, assignment=a,
                           prototype=a.prototype, criteria=crit, form=form,
                           locked=scoring.locked(camp),
                           field_name=forms.score_field_name)


# -- results --------------------------------------------------------------------------------

@bp.get("/camps/<slug>/jury/results")
def results(slug):
    camp = load_camp(slug, "judging.results")
    crit = criteria_services.criteria_of(camp)
    rows = result_services.jury_results(camp, crit)
    return render_template("judging/results.html", camp=camp, criteria=crit, rows=rows,
                           organiser=can(current_user, "camp.manage", camp),
                           large=result_services.LARGE_SPREAD)


@bp.get("/camps/<slug>/manage/jury/results.csv")
def results_csv(slug):
    camp = load_camp(slug, "camp.manage")
    crit = criteria_services.criteria_of(camp)
    rows = result_services.jury_results(camp, crit)
    return csv_response(result_services.results_csv(crit, rows),
                        f"{camp.slug}-jury-results.csv")


@bp.post("/camps/<slug>/manage/jury/results/publish")
def publish(slug):
    camp = load_camp(slug, "camp.manage")
    return post_action(lambda: result_services.publish(current_user, camp),
                       _("The jury's results are published. Scores can no longer be "
                         "changed."), url_for("judging.results", slug=camp.slug))


@bp.post("/camps/<slug>/manage/jury/results/unpublish")
def unpublish(slug):
    camp = load_camp(slug, "camp.manage")
    return post_action(lambda: result_services.unpublish(current_user, camp),
                       _("The jury's results are hidden again. Jurors can change their "
                         "scores."), url_for("judging.results", slug=camp.slug))
