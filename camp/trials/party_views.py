"""The trial's parties, their commitments (the informal contract) and the reviews, on the
"trials" blueprint (views.py imports this module)."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from camp.errors import Conflict, DomainError
from camp.extensions import db
from camp.mail import send_email
from camp.permissions import can
from camp.trials import forms, parties, services
from camp.trials import reviews as review_services
from camp.trials.models import Party, Review
from camp.trials.views import bp, load_trial, require, trial_url
from camp.urls import external_url
from camp.web import get_child, post_action, save_form, show_domain_error


def _party(trial, party_id) -> Party:
    return get_child(Party, party_id, trial_id=trial.id)


# -- parties --------------------------------------------------------------------------------

@bp.route("/trials/<int:trial_id>/parties/new", methods=["GET", "POST"])
def party_new(trial_id):
    trial = load_trial(trial_id, "trial.manage")
    form = forms.PartyForm()
    done = save_form(
        form, lambda: parties.add_party(current_user, trial, form.data_for_service()),
        lambda p: _("%(organisation)s is a party now. %(next)s", organisation=p.organisation,
                    next=_("Its contact can write and agree to its commitment.") if p.user_id
                    else _("Its contact has no account with that e-mail yet, so nobody can "
                           "agree on its behalf until you add it with the e-mail of an "
                           "account.")),
        lambda p: trial_url(trial, f"#party-{p.id}"), after=notify_party_added)
    return done or render_template("trials/party_new.html", trial=trial, camp=trial.camp,
                                   form=form)


def notify_party_added(party: Party) -> None:
    """The new party's contact (with an account) is asked to write and agree, in their
    language (after the commit)."""
    user = party.user
    if user is None or user.deleted_at is not None or user.id == current_user.id:
        return
    send_email(user.email, _l("You speak for %(organisation)s in the trial %(title)s",
                              organisation=party.organisation, title=party.trial.title),
               "trial_party_added", locale=user.locale, user=user, party=party,
               trial=party.trial, added_by=current_user.name,
               link=external_url("trials.commitment", trial_id=party.trial_id,
                                 party_id=party.id))


@bp.post("/trials/<int:trial_id>/parties/<int:party_id>/remove")
def party_remove(trial_id, party_id):
    trial = load_trial(trial_id, "trial.manage")
    party = _party(trial, party_id)
    return post_action(lambda: parties.remove_party(current_user, trial, party),
                       lambda name: _("%(organisation)s is no longer a party.",
                                      organisation=name), trial_url(trial, "#parties"))


@bp.route("/trials/<int:trial_id>/parties/<int:party_id>/commitment", methods=["GET", "POST"])
def commitment(trial_id, party_id):
    trial = load_trial(trial_id)
    party = _party(trial, party_id)
    require(can(current_user, "party.commit", party))
    form = forms.commitment_form(party)
    conflict = False
    if form.validate_on_submit():
        try:
            rev = parties.write_commitment(current_user, party, form.commitment.data,
                                           form.resources.data, form.revision_number(),
                                           form.note.data)
        except Conflict as exc:
            show_domain_error(form, exc)
            party = db.session.get(Party, party_id)
            form.revision.data = str(party.revision)
            conflict = True
        except DomainError as exc:
            show_domain_error(form, exc)
            party = db.session.get(Party, party_id)
        else:
            db.session.commit()
            flash(_("Your party has agreed to its commitment.") if rev.kind == "agreed"
                  else _("The commitment is changed; the earlier one is kept in the "
                         "history."), "success")
            return redirect(trial_url(trial, f"#party-{party.id}"), code=303)
    return render_template("trials/commitment.html", trial=trial, camp=trial.camp,
                           party=party, form=form, conflict=conflict)


# -- reviews --------------------------------------------------------------------------------

@bp.get("/trials/<int:trial_id>/reviews")
def reviews(trial_id):
    trial = load_trial(trial_id, full=True)
    return render_template("trials/reviews.html", trial=trial, camp=trial.camp,
                           rows=review_services.history(trial),
                           manager=can(current_user, "trial.manage", trial))


def _review_page(trial, review, submitted=None, hold_form=None, status=200):
    manager = can(current_user, "trial.manage", trial)
    open_ = review.held_at is None
    answer_forms = {p.id: forms.review_answer_form(
        p, submitted if submitted is not None and submitted._prefix == f"party-{p.id}-"
        else None) for p in trial.parties if open_ and can(current_user, "party.commit", p)}
    return render_template(
        "trials/review.html", trial=trial, camp=trial.camp, review=review, manager=manager,
        answers=review_services.responses(review), answer_forms=answer_forms,
        hold_form=(hold_form or forms.HoldForm(formdata=None)) if manager and open_ else None,
        next_review=services.next_review(trial)), status


@bp.route("/trials/<int:trial_id>/reviews/<int:review_id>", methods=["GET", "POST"])
def review(trial_id, review_id):
    trial = load_trial(trial_id, full=True)
    review = get_child(Review, review_id, trial_id=trial.id)
    if request.method == "GET":
        return _review_page(trial, review)
    party = next((p for p in trial.parties
                  if str(p.id) == request.form.get("party_id", "")), None)
    if party is None:
        require(any(can(current_user, "party.commit", p) for p in trial.parties))
        flash(_("Answer in the form of your own party."), "error")
        return _review_page(trial, review)
    require(can(current_user, "party.commit", party))
    form = forms.ReviewAnswerForm(prefix=f"party-{party.id}")
    if form.validate_on_submit():
        try:
            rev = review_services.respond(
                current_user, party, review, form.answer.data or "", form.revision_number(),
                form.commitment.data, form.resources.data, form.note.data)
        except DomainError as exc:
            show_domain_error(form, exc)
            if isinstance(exc, Conflict):
                form.revision.data = str(db.session.get(Party, party.id).revision)
            trial = load_trial(trial_id, full=True)
            review = db.session.get(Review, review_id)
        else:
            db.session.commit()
            flash(_("Thank you: your commitment is confirmed unchanged.")
                  if rev.kind == "confirmed" else
                  _("Thank you: the changed commitment is kept, the earlier one stays in "
                    "the history."), "success")
            return redirect(url_for("trials.review", trial_id=trial.id, review_id=review.id,
                                    _anchor=f"party-{party.id}"), code=303)
    return _review_page(trial, review, submitted=form)


@bp.post("/trials/<int:trial_id>/reviews/<int:review_id>/hold")
def hold_review(trial_id, review_id):
    trial = load_trial(trial_id, "trial.manage")
    review = get_child(Review, review_id, trial_id=trial.id)
    form = forms.HoldForm()
    if not form.validate_on_submit():
        return _review_page(load_trial(trial_id, full=True), review, hold_form=form)
    try:
        following = review_services.hold(current_user, trial, review, form.note.data)
    except DomainError as exc:
        show_domain_error(None, exc)
        return redirect(url_for("trials.review", trial_id=trial.id, review_id=review.id),
                        code=303)
    db.session.commit()
    from camp.trials.views import trial_date
    flash(_("The review is recorded as held. The next one is due %(date)s.",
            date=trial_date(following.due_on)) if following else
          _("The review is recorded as held."), "success")
    return redirect(url_for("trials.reviews", trial_id=trial.id), code=303)
