"""Trials in practice: start one from a prototype, the trial page, edit, status, and the
printable contract. The parties, commitments and reviews are in party_views.py (same
blueprint)."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from camp.errors import Conflict, DomainError
from camp.extensions import db, login_manager
from camp.permissions import can
from camp.prototypes.models import Prototype
from camp.textdiff import word_diff
from camp.trials import forms, labels, services
from camp.trials.models import Trial
from camp.web import get_in_camp, load_camp, save_form, show_domain_error

bp = Blueprint("trials", __name__)
bp.add_app_template_global(labels, "trial_labels")


@bp.app_template_global("trials_of_prototype")
def trials_of_prototype(prototype):
    """The trials that build on a prototype ("what happened next"), for its page."""
    return [t for t in services.trials_of_prototype(prototype)
            if can(current_user, "trial.view", t)]


@bp.app_template_filter("trial_date")
def trial_date(value, fmt="long") -> str:
    """A plain date (no time zone: days are days) in the reader's language."""
    if value is None:
        return ""
    from babel.dates import format_date
    locale = str(get_locale() or "da")
    pattern = {"long": "d. MMMM y" if locale == "da" else "d MMMM y",
               "short": "d. MMM y" if locale == "da" else "d MMM y"}.get(fmt, fmt)
    return format_date(value, pattern, locale=locale)


def require(allowed: bool) -> None:
    if not allowed:
        if not current_user.is_authenticated:
            abort(login_manager.unauthorized())
        abort(403)


def load_trial(trial_id: int, action: str = "trial.view", full: bool = False) -> Trial:
    """The trial, 404 unless the user may see it, 403 unless they may do `action`."""
    trial = services.load_for_page(trial_id) if full else db.session.get(Trial, trial_id)
    if trial is None or not can(current_user, "trial.view", trial):
        abort(404)
    if action != "trial.view":
        require(can(current_user, action, trial))
    return trial


def trial_url(trial, anchor: str = "") -> str:
    return url_for("trials.view", trial_id=trial.id) + anchor


# -- starting a trial from a prototype ------------------------------------------------------

def _prototype(slug, prototype_id):
    camp = load_camp(slug)
    prototype = get_in_camp(Prototype, prototype_id, camp)
    if not can(current_user, "prototype.view", prototype):
        abort(404)
    require(can(current_user, "trial.start", prototype))
    return camp, prototype


@bp.route("/camps/<slug>/prototypes/<int:prototype_id>/trial", methods=["GET", "POST"])
def start(slug, prototype_id):
    camp, prototype = _prototype(slug, prototype_id)
    challenge = prototype.challenge
    form = forms.trial_form(challenge, others=services.candidates(challenge, [prototype]))
    if request.method == "GET":
        form.title.data = prototype.title
        form.purpose.data = prototype.pitch
        form.values.data = [c.data for c in form.values]
    done = save_form(form, lambda: services.start_trial(current_user, prototype,
                                                        form.data_for_service()),
                     _("The trial is started. Add the other parties, and ask each to write "
                       "and agree to its commitment."), lambda t: trial_url(t))
    if done:
        return done
    existing = [t for t in services.trials_of_challenge(challenge)
                if prototype.id not in {link.prototype_id for link in t.links}
                and can(current_user, "trial.manage", t)]
    return render_template("trials/start.html", camp=camp, prototype=prototype, form=form,
                           challenge=challenge, existing=existing,
                           add_form=forms.add_to_trial_form(existing, formdata=None)
                           if existing else None)


@bp.post("/camps/<slug>/prototypes/<int:prototype_id>/trial/add")
def add_prototype(slug, prototype_id):
    camp, prototype = _prototype(slug, prototype_id)
    form = forms.add_to_trial_form(services.trials_of_challenge(prototype.challenge))
    back = url_for("trials.start", slug=camp.slug, prototype_id=prototype.id)
    if not form.validate_on_submit():
        flash(_("Choose one of the challenge's trials."), "error")
        return redirect(back, code=303)
    trial = load_trial(form.trial_id.data, "trial.manage")
    try:
        services.add_prototype(current_user, trial, prototype)
    except DomainError as exc:
        show_domain_error(None, exc)
        return redirect(back, code=303)
    db.session.commit()
    flash(_("The trial now also builds on \"%(title)s\".", title=prototype.title), "success")
    return redirect(trial_url(trial), code=303)


# -- the trial page -------------------------------------------------------------------------

def page_context(trial, status_form=None) -> dict:
    manager = can(current_user, "trial.manage", trial)
    return dict(
        trial=trial, camp=trial.camp, manager=manager,
        next_review=services.next_review(trial), final=services.is_final(trial),
        path=services.PATH, outcomes=services.OUTCOMES,
        may_commit={p.id: can(current_user, "party.commit", p) for p in trial.parties},
        status_form=(status_form or forms.status_form(trial, formdata=None))
        if manager and not services.is_final(trial) else None)


@bp.get("/trials/<int:trial_id>")
def view(trial_id):
    trial = load_trial(trial_id, full=True)
    return render_template("trials/view.html", **page_context(trial))


@bp.route("/trials/<int:trial_id>/edit", methods=["GET", "POST"])
def edit(trial_id):
    trial = load_trial(trial_id, "trial.manage")
    form = forms.trial_form(trial.challenge, trial)
    del form.prototypes
    saved = diffs = None
    if form.validate_on_submit():
        try:
            services.edit_trial(current_user, trial, form.data_for_service(),
                                form.version_number())
        except Conflict as exc:
            show_domain_error(form, exc)
            saved = db.session.get(Trial, trial_id)
            form.version.data = str(saved.version)
            diffs = _differences(form, saved)
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            db.session.commit()
            flash(_("The trial is saved."), "success")
            return redirect(trial_url(trial), code=303)
    return render_template("trials/edit.html", trial=trial, camp=trial.camp, form=form,
                           saved=saved, diffs=diffs)


def _differences(form, saved) -> list:
    """Where the form (yours) and the saved trial differ: (label, word diff)."""
    yours = form.data_for_service()
    out = []
    for name in ("title", "purpose", "values", "municipality", "unit", "area", "starts_on",
                 "planned_end_on", "review_every_weeks"):
        a, b = getattr(yours, name), getattr(saved, name)
        if name == "values":
            a, b = (", ".join(str(labels.value_label(v)) for v in x or []) for x in (a, b))
        a, b = ("" if a is None else str(a)), ("" if b is None else str(b))
        if a != b:
            out.append((form[name].label.text, word_diff(a, b)))
    return out


@bp.post("/trials/<int:trial_id>/status")
def status(trial_id):
    trial = load_trial(trial_id, "trial.manage")
    form = forms.status_form(trial)
    if form.validate_on_submit():
        try:
            services.change_status(current_user, trial, form.status.data, form.reason.data,
                                   form.progress.data)
        except DomainError as exc:
            # A final trial has no status form to show the error on: flash it.
            show_domain_error(None if services.is_final(trial) else form, exc)
        else:
            db.session.commit()
            flash(_("The status is now \"%(status)s\".",
                    status=labels.status_label(form.status.data)), "success")
            return redirect(trial_url(trial), code=303)
    trial = load_trial(trial_id, full=True)
    return render_template("trials/view.html", **page_context(trial, form))


@bp.get("/trials/<int:trial_id>/contract")
def contract(trial_id):
    trial = load_trial(trial_id, full=True)
    return render_template("trials/contract.html", trial=trial, camp=trial.camp,
                           manager=can(current_user, "trial.manage", trial))


from camp.trials import party_views  # noqa: E402,F401  (its routes are on this blueprint)
