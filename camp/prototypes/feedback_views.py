"""Feedback: the challenge owner comments on a prototype; the team answers."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from camp.csvfile import csv_response
from camp.errors import DomainError
from camp.extensions import db, login_manager
from camp.mail import send_email
from camp.permissions import can
from camp.prototypes import feedback as services
from camp.prototypes import feedback_forms as forms
from camp.prototypes.models import Feedback, Prototype
from camp.urls import external_url
from camp.web import get_in_camp, load_camp, post_action, show_domain_error

bp = Blueprint("feedback", __name__)


def _deny():
    abort(login_manager.unauthorized() if not current_user.is_authenticated else 403)


def _allowed(action: str, obj) -> None:
    if not can(current_user, action, obj):
        _deny()


def thread_context(camp, prototype, comment_form=None, submitted_reply=None) -> dict:
    """What templates/feedback/_thread.html needs; the prototype page can pass it on too."""
    comments = services.thread(prototype)
    may_comment = can(current_user, "prototype.feedback", prototype)
    may_answer = can(current_user, "prototype.answer", prototype)
    refusal = services.refusal(prototype)
    open_ = refusal is None
    now = services.utcnow()
    return {
        "camp": camp, "prototype": prototype, "feedback_thread": comments,
        "feedback_refusal": refusal,
        "comment_form": (comment_form or forms.CommentForm(prefix="comment", formdata=None))
        if may_comment and open_ else None,
        "reply_forms": forms.reply_forms(comments, submitted_reply)
        if may_answer and open_ else {},
        "may_delete": lambda fb: services.delete_refusal(current_user, fb, now) is None,
        "delete_minutes": int(services.DELETE_WINDOW.total_seconds() // 60),
    }


def _page(camp, prototype, status=200, **kw):
    return render_template("feedback/thread.html",
                           **thread_context(camp, prototype, **kw)), status


def _back(camp, prototype, fb=None):
    return url_for("feedback.thread", slug=camp.slug, prototype_id=prototype.id,
                   _anchor=f"feedback-{fb.id}" if fb is not None else "feedback")


@bp.route("/camps/<slug>/prototypes/<int:prototype_id>/feedback", methods=["GET", "POST"])
def thread(slug, prototype_id):
    camp = load_camp(slug)
    prototype = get_in_camp(Prototype, prototype_id, camp)
    _allowed("prototype.view", prototype)
    if request.method == "GET":
        return _page(camp, prototype)
    if "parent_id" in request.form:
        return _answer(camp, prototype)
    return _comment(camp, prototype)


def _save(camp, prototype, form, action, form_kw, notify, success):
    if not form.validate_on_submit():
        return _page(camp, prototype, **form_kw)
    try:
        fb = action()
    except DomainError as exc:
        show_domain_error(form, exc)
        return _page(camp, db.session.get(Prototype, prototype.id), status=exc.status,
                     **form_kw)
    db.session.commit()
    notify(fb)
    flash(success, "success")
    return redirect(_back(camp, prototype, fb), code=303)


def _comment(camp, prototype):
    _allowed("prototype.feedback", prototype)
    form = forms.CommentForm(prefix="comment")
    return _save(camp, prototype, form,
                 lambda: services.comment(current_user, camp, prototype, form.body.data),
                 {"comment_form": form}, notify_comment,
                 _l("Your feedback is posted. The team has been told by e-mail."))


def _answer(camp, prototype):
    _allowed("prototype.answer", prototype)
    # A parent that is not an owner comment of this very prototype: 400, nothing stored.
    parent = services.reply_target(prototype, request.form.get("parent_id", type=int))
    form = forms.ReplyForm(prefix=f"reply-{parent.id}")
    return _save(camp, prototype, form,
                 lambda: services.answer(current_user, camp, prototype, parent.id,
                                         form.body.data),
                 {"submitted_reply": form}, notify_answer,
                 _l("Your answer is posted. The challenge's owners have been told by e-mail."))


@bp.post("/camps/<slug>/feedback/<int:feedback_id>/delete")
def delete(slug, feedback_id):
    camp = load_camp(slug)
    fb = db.get_or_404(Feedback, feedback_id)
    prototype = fb.prototype
    if prototype.camp_id != camp.id:
        abort(404)
    _allowed("prototype.view", prototype)
    if not current_user.is_authenticated or fb.author_id != current_user.id:
        _deny()
    return post_action(lambda: services.delete(current_user, camp, fb),
                       _l("The comment is deleted."), _back(camp, prototype))


# --- The owner's list ---------------------------------------------------------------------

@bp.get("/me/feedback")
@login_required
def mine():
    rows = services.for_owner(current_user)
    return render_template("feedback/mine.html", lacking=[r for r in rows if r.lacking],
                           given=[r for r in rows if not r.lacking])


# --- The organisers' overview -------------------------------------------------------------

def _overview(camp):
    groups = services.camp_overview(camp)
    only = request.args.get("lacking") == "1"
    return groups, (services.only_lacking(groups) if only else groups), only


@bp.get("/camps/<slug>/manage/feedback")
def manage(slug):
    camp = load_camp(slug, "camp.manage")
    groups, shown, only = _overview(camp)
    rows = [r for g in groups for r in g.rows]
    return render_template("feedback/manage.html", camp=camp, groups=shown, only=only,
                           total=len(rows), submitted=sum(1 for r in rows
                                                          if r.prototype.status.value == "submitted"),
                           lacking=sum(1 for r in rows if r.lacking))


@bp.get("/camps/<slug>/manage/feedback.csv")
def manage_csv(slug):
    camp = load_camp(slug, "camp.manage")
    _groups, shown, _only = _overview(camp)
    return csv_response(services.overview_csv(camp, shown), f"{camp.slug}-feedback.csv")


# --- E-mails (after commit, in each recipient's language) ---------------------------------

def _reachable(user, fb) -> bool:
    return user is not None and user.deleted_at is None and user.id != fb.author_id


def notify_comment(fb: Feedback) -> None:
    """Every member of the team hears of the owner's comment, with a link to answer it."""
    p = fb.prototype
    link = external_url("feedback.thread", slug=p.camp.slug, prototype_id=p.id,
                        _anchor=f"feedback-{fb.id}")
    for member in p.team.members:
        if _reachable(member.user, fb):
            send_email(member.user.email,
                       _l("Feedback on %(prototype)s from the owner of %(challenge)s",
                          prototype=p.title, challenge=p.challenge.title),
                       "feedback_comment", locale=member.user.locale, fb=fb, prototype=p,
                       camp=p.camp, link=link)


def notify_answer(fb: Feedback) -> None:
    """Every owner of the challenge hears the team's answer."""
    p = fb.prototype
    link = external_url("feedback.thread", slug=p.camp.slug, prototype_id=p.id,
                        _anchor=f"feedback-{fb.id}")
    for owner in p.challenge.owners:
        if _reachable(owner.user, fb):
            send_email(owner.user.email,
                       _l("%(team)s answered your feedback on %(prototype)s",
                          team=p.team.name, prototype=p.title),
                       "feedback_answer", locale=owner.user.locale, fb=fb, prototype=p,
                       camp=p.camp, link=link, parent=db.session.get(Feedback, fb.parent_id),
                       overview=external_url("feedback.mine"))
