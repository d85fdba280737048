"""Evaluation rounds of a trial: open and close them, each party answers, the results.

Scores are as open as the trial ("trial.view"); what the parties wrote (texts and
comments) is shown to the trial's managers and the parties' own contacts only.
"""
from datetime import datetime, time

from flask import Blueprint, abort, flash, redirect, render_template, request, \
    url_for
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from camp.errors import DomainError
from camp.extensions import db, login_manager
from camp.i18n import from_local_naive
from camp.permissions import can
from camp.trials import evaluation as services
from camp.trials import evaluation_forms as forms
from camp.trials.models import EvaluationAnswer, EvaluationRound, Party, Trial
from camp.web import get_child, post_action, show_domain_error

bp = Blueprint("trial_evaluation", __name__)


def _deny():
    abort(login_manager.unauthorized() if not current_user.is_authenticated else 403)


def load_trial(trial_id: int, action: str = "trial.view") -> Trial:
    """The trial, if the user may see it (else 404) and do `action` (else 403/login)."""
    trial = db.get_or_404(Trial, trial_id)
    if not can(current_user, "trial.view", trial):
        abort(404)
    if action != "trial.view" and not can(current_user, action, trial):
        _deny()
    return trial


@bp.app_template_global()
def trial_url(trial) -> str:
    """The trial's own page (for templates; camp.trials.views.trial_url in Python)."""
    return url_for("trials.view", trial_id=trial.id)


@bp.app_template_filter("decimal1")
def decimal1(value) -> str:
    """A mean with one decimal in the reader's language ("3,5" in Danish); "—" for none."""
    if value is None:
        return "—"
    return format_decimal(value, format="0.0")


@bp.app_template_global()
def evaluation_panel(trial) -> dict:
    """What templates/trial_evaluation/_panel.html needs on the trial's page."""
    all_rounds = services.rounds(trial)
    now = services.utcnow()
    current = next((r for r in all_rounds if services.is_open(r, now)), None)
    answered = set()
    if current is not None:
        answered = set(db.session.execute(select(EvaluationAnswer.party_id).where(
            EvaluationAnswer.round_id == current.id)).scalars())
    mine = [p for p in trial.parties if can(current_user, "party.evaluate", p)]
    return {"rounds": all_rounds, "current": current, "answered": answered,
            "parties": trial.parties, "mine": mine,
            "may_manage": can(current_user, "trial.manage", trial)}


def _answer_counts(round_ids) -> dict[int, int]:
    ids = list(round_ids)
    if not ids:
        return {}
    return dict(db.session.execute(
        select(EvaluationAnswer.round_id, func.count(EvaluationAnswer.id))
        .where(EvaluationAnswer.round_id.in_(ids)).group_by(EvaluationAnswer.round_id)).all())


def _rounds_page(trial, form=None, status=200):
    all_rounds = services.rounds(trial)
    may_manage = can(current_user, "trial.manage", trial)
    if form is None and may_manage:
        form = forms.RoundForm(formdata=None)
    return render_template(
        "trial_evaluation/rounds.html", trial=trial, rounds=all_rounds,
        counts=_answer_counts(r.id for r in all_rounds), is_open=services.is_open,
        form=form if may_manage else None, parties=trial.parties), status


def _closing_moment(trial, day) -> datetime | None:
    """The end of the closing day in the camp's time zone, as UTC."""
    if day is None:
        return None
    return from_local_naive(datetime.combine(day, time(23, 59, 59)), trial.camp.timezone)


@bp.route("/trials/<int:trial_id>/evaluations", methods=["GET", "POST"])
def rounds(trial_id):
    trial = load_trial(trial_id)
    if request.method == "GET":
        return _rounds_page(trial)
    if not can(current_user, "trial.manage", trial):
        _deny()
    form = forms.RoundForm()
    if not form.validate_on_submit():
        return _rounds_page(trial, form)
    try:
        round_ = services.open_round(current_user, trial, form.title.data,
                                     _closing_moment(trial, form.closes_on.data))
    except DomainError as exc:
        show_domain_error(form, exc)
        return _rounds_page(db.session.get(Trial, trial_id), form, status=exc.status)
    db.session.commit()
    flash(_l("The round is open. Each party can now answer it."), "success")
    return redirect(url_for("trial_evaluation.results", trial_id=trial.id,
                            round_id=round_.id), code=303)


@bp.post("/trials/<int:trial_id>/evaluations/<int:round_id>/close")
def close(trial_id, round_id):
    trial = load_trial(trial_id, "trial.manage")
    round_ = get_child(EvaluationRound, round_id, trial_id=trial.id)
    return post_action(lambda: services.close_round(current_user, trial, round_),
                       _l("The round is closed."),
                       url_for("trial_evaluation.results", trial_id=trial.id,
                               round_id=round_.id))


def _answer_page(trial, round_, party, form, status=200):
    refusal = services.refusal(round_, party)
    existing = services.answer_of(round_, party)
    return render_template(
        "trial_evaluation/answer.html", trial=trial, round=round_, party=party,
        form=form if refusal is None else None, refusal=refusal and refusal.message,
        existing=existing, value_fields=forms.value_fields(form, trial),
        collaboration_fields=forms.collaboration_fields(form), ev=services), status


@bp.route("/trials/<int:trial_id>/evaluations/<int:round_id>/parties/<int:party_id>",
          methods=["GET", "POST"])
def answer(trial_id, round_id, party_id):
    trial = load_trial(trial_id)
    round_ = get_child(EvaluationRound, round_id, trial_id=trial.id)
    party = get_child(Party, party_id, trial_id=trial.id)
    if not can(current_user, "party.evaluate", party):
        _deny()
    if request.method == "GET":
        return _answer_page(trial, round_, party, forms.answer_form(trial, formdata=None))
    form = forms.answer_form(trial)
    if not form.validate_on_submit():
        return _answer_page(trial, round_, party, form)
    try:
        services.submit(current_user, trial, round_, party, forms.data_for_service(form, trial))
    except DomainError as exc:
        show_domain_error(form, exc)
        trial = db.session.get(Trial, trial_id)
        return _answer_page(trial, db.session.get(EvaluationRound, round_id),
                            db.session.get(Party, party_id), form, status=exc.status)
    db.session.commit()
    flash(_l("Thank you. The answer of %(party)s is saved.", party=party.organisation),
          "success")
    return redirect(url_for("trial_evaluation.results", trial_id=trial.id,
                            round_id=round_.id), code=303)


@bp.get("/trials/<int:trial_id>/evaluations/<int:round_id>")
def results(trial_id, round_id):
    trial = load_trial(trial_id)
    round_ = get_child(EvaluationRound, round_id, trial_id=trial.id)
    res = services.results(trial, round_)
    return render_template(
        "trial_evaluation/results.html", trial=trial, round=round_, res=res,
        open_=services.is_open(round_), texts=services.may_read_texts(current_user, trial),
        may_manage=can(current_user, "trial.manage", trial),
        may_answer=[p for p in res.missing if can(current_user, "party.evaluate", p)],
        ev=services)
