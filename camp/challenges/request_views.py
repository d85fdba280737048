"""Questions and resource requests from teams to challenge owners during the camp."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, \
    request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from camp.challenges import request_forms as forms
from camp.challenges import requests as services
from camp.challenges.models import Challenge, QuestionRequest, RequestStatus
from camp.csvfile import csv_response
from camp.errors import DomainError
from camp.extensions import db, login_manager
from camp.mail import send_email
from camp.permissions import can
from camp.teams.models import Team
from camp.urls import external_url
from camp.web import get_in_camp, load_camp, save_form, show_domain_error

bp = Blueprint("requests", __name__)
bp.app_template_filter("duration")(services.format_duration)


def _deny():
    abort(login_manager.unauthorized() if not current_user.is_authenticated else 403)


def _allowed(action: str, obj) -> None:
    if not can(current_user, action, obj):
        _deny()


def _per_page() -> int:
    return current_app.config.get("REQUESTS_PER_PAGE", 50)


# --- The team's side ----------------------------------------------------------------------

@bp.route("/camps/<slug>/teams/<int:team_id>/requests", methods=["GET", "POST"])
def team_requests(slug, team_id):
    camp = load_camp(slug)
    team = get_in_camp(Team, team_id, camp)
    _allowed("team.member", team)
    form = forms.AskForm()
    # The challenge is always the team's own: nothing in the form can point elsewhere.
    done = save_form(
        form, lambda: services.ask(current_user, camp, team, form.kind.data, form.text.data),
        _l("Sent. The challenge owner has been told by e-mail."),
        url_for("requests.team_requests", slug=camp.slug, team_id=team.id), after=notify_new)
    if done:
        return done
    refusal = services.ask_refusal(camp, team)
    return render_template("requests/team.html", camp=camp, team=team, form=form,
                           refusal=refusal, requests=services.for_team(team),
                           now=services.utcnow(), labels=services.KIND_LABELS, status_labels=services.STATUS_LABELS)


# --- The owner's side ---------------------------------------------------------------------

def _challenge_page(camp, challenge, submitted=None, status=200):
    reqs = services.for_challenge(challenge)
    return render_template("requests/challenge.html", camp=camp, challenge=challenge,
                           requests=reqs, forms=forms.response_forms(reqs, submitted),
                           may_answer=can(current_user, "challenge.answer", challenge),
                           labels=services.KIND_LABELS, status_labels=services.STATUS_LABELS,
                           now=services.utcnow()), status


@bp.get("/camps/<slug>/challenges/<int:challenge_id>/requests")
def challenge_requests(slug, challenge_id):
    camp = load_camp(slug)
    challenge = get_in_camp(Challenge, challenge_id, camp)
    # The owners, who answer, and the organisers, who watch.
    if not (can(current_user, "challenge.answer", challenge)
            or can(current_user, "camp.manage", camp)):
        _deny()
    return _challenge_page(camp, challenge)


def _respond(slug, request_id, form_class, status, success):
    camp = load_camp(slug)
    req = get_in_camp(QuestionRequest, request_id, camp)
    _allowed("request.answer", req)
    prefix = ("answer" if status == RequestStatus.answered else "decline") + f"-{req.id}"
    form = form_class(prefix=prefix)
    back = url_for("requests.challenge_requests", slug=camp.slug,
                   challenge_id=req.challenge_id)
    if not form.validate_on_submit():
        return _challenge_page(camp, req.challenge, submitted=form)
    try:
        services.respond(current_user, camp, req, status, form.text.data)
    except DomainError as exc:
        show_domain_error(form, exc)
        return _challenge_page(camp, db.session.get(Challenge, req.challenge_id),
                               submitted=form, status=exc.status)
    db.session.commit()
    notify_response(req)
    flash(success, "success")
    return redirect(back, code=303)


@bp.post("/camps/<slug>/requests/<int:request_id>/answer")
def answer(slug, request_id):
    return _respond(slug, request_id, forms.AnswerForm, RequestStatus.answered,
                    _("Answered. The team has been told by e-mail."))


@bp.post("/camps/<slug>/requests/<int:request_id>/decline")
def decline(slug, request_id):
    return _respond(slug, request_id, forms.DeclineForm, RequestStatus.declined,
                    _("Declined. The team has been told the reason by e-mail."))


@bp.get("/me/requests")
@login_required
def inbox():
    page = services.inbox_done(current_user, request.args.get("page", 1, type=int),
                               _per_page())
    return render_template("requests/inbox.html", page=page,
                           open_requests=services.inbox_open(current_user), labels=services.KIND_LABELS,
                           status_labels=services.STATUS_LABELS, now=services.utcnow())


# --- The organisers' overview -------------------------------------------------------------

@bp.get("/camps/<slug>/manage/requests")
def manage(slug):
    camp = load_camp(slug, "camp.manage")
    filters = services.Filters.from_args(request.args)
    page = services.page_of(camp, filters, request.args.get("page", 1, type=int), _per_page())
    by_challenge, by_organisation = services.camp_figures(camp)
    return render_template("requests/manage.html", camp=camp, page=page, filters=filters,
                           by_challenge=by_challenge, by_organisation=by_organisation,
                           challenges=[row.challenge for row in by_challenge],
                           labels=services.KIND_LABELS, status_labels=services.STATUS_LABELS,
                           slow_after=services.SLOW_AFTER, now=services.utcnow())


@bp.get("/camps/<slug>/manage/requests.csv")
def manage_csv(slug):
    camp = load_camp(slug, "camp.manage")
    filters = services.Filters.from_args(request.args)
    body = services.requests_csv(camp, services.all_rows(camp, filters))
    return csv_response(body, f"{camp.slug}-requests.csv")


# --- E-mails (after commit, in each recipient's language) ---------------------------------

def _reachable(user) -> bool:
    return user is not None and user.deleted_at is None


def notify_new(req: QuestionRequest) -> None:
    """Every owner of the challenge hears of a new request, with a link to answer it."""
    link = external_url("requests.challenge_requests", slug=req.camp.slug,
                        challenge_id=req.challenge_id, _anchor=f"request-{req.id}")
    for owner in req.challenge.owners:
        if _reachable(owner.user):
            send_email(owner.user.email,
                       _l("%(team)s asks about %(challenge)s", team=req.team.name,
                          challenge=req.challenge.title),
                       "request_new", locale=owner.user.locale, req=req, camp=req.camp,
                       kind=services.KIND_LABELS[req.kind], link=link,
                       inbox=external_url("requests.inbox"))


def notify_response(req: QuestionRequest) -> None:
    """The member who asked hears the answer (or the reason for declining)."""
    if not _reachable(req.asked_by):
        return
    answered = req.status == RequestStatus.answered
    subject = (_l("Answer from %(challenge)s", challenge=req.challenge.title) if answered
               else _l("Your request to %(challenge)s was declined",
                       challenge=req.challenge.title))
    send_email(req.asked_by.email, subject,
               "request_answered" if answered else "request_declined",
               locale=req.asked_by.locale, req=req, camp=req.camp,
               link=external_url("requests.team_requests", slug=req.camp.slug,
                                 team_id=req.team_id))
