"""A trial's progress: milestones, updates with photos (the timeline), following, and the
unsubscribe link. The trial's page (part F) includes templates/trial_progress/_panel.html,
which loads what it shows through the template global trial_timeline(trial)."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.routing import BuildError

from camp.extensions import db, login_manager
from camp.permissions import can
from camp.trials import followers, milestones, updates
from camp.trials import progress_forms as forms
from camp.trials.models import Milestone, Trial
from camp.web import get_child, post_action, safe_next, save_form

bp = Blueprint("trial_progress", __name__)


def _deny():
    abort(login_manager.unauthorized() if not current_user.is_authenticated else 403)


def _trial(trial_id: int, action: str = "trial.view") -> Trial:
    """The trial, if the user may see it (else 404) and do `action` (else 403/login)."""
    trial = db.get_or_404(Trial, trial_id)
    if not can(current_user, "trial.view", trial):
        abort(404)
    if action != "trial.view" and not can(current_user, action, trial):
        _deny()
    return trial


def trial_url(trial: Trial, anchor: str | None = None) -> str:
    """The trial's own page (part F's), or its timeline while that page does not exist."""
    try:
        return url_for("trials.view", trial_id=trial.id, _anchor=anchor)
    except BuildError:
        return url_for("trial_progress.updates", trial_id=trial.id, _anchor=anchor)


def _back(trial: Trial, anchor: str) -> str:
    """Where a form posted from the panel or one of our pages goes back to."""
    nxt = request.form.get("next")
    if nxt and safe_next(nxt, "") and nxt.startswith(f"/trials/{trial.id}"):
        return nxt.split("#", 1)[0] + f"#{anchor}"
    return trial_url(trial, anchor)


# --- The panel on the trial's page --------------------------------------------------------

@bp.app_template_global("trial_timeline")
def trial_timeline(trial: Trial) -> dict:
    """What the panel shows, in a constant number of queries."""
    may_manage = can(current_user, "trial.manage", trial)
    follower = followers.following(current_user, trial)
    today = milestones.today_in(trial.camp)
    listed = milestones.for_trial(trial)
    return {
        "today": today,
        "milestones": listed,
        "overdue": {m.id for m in listed if milestones.is_overdue(m, today)},
        "updates": updates.recent(trial),
        "update_count": updates.count(trial),
        "following": follower is not None,
        "may_follow": can(current_user, "trial.follow", trial),
        "invite": follower is None and followers.worked_on(current_user, trial),
        "may_manage": may_manage,
        "milestone_form": forms.MilestoneForm(formdata=None) if may_manage else None,
        "update_form": forms.UpdateForm(formdata=None, trial=trial) if may_manage else None,
        "trial_url": trial_url(trial),
    }


@bp.app_template_global("trial_status_label")
def trial_status_label(value) -> str:
    from camp.trials.labels import status_label  # part F's names of the statuses
    return status_label(value)


# --- Milestones ---------------------------------------------------------------------------

def _milestone(trial: Trial, milestone_id: int) -> Milestone:
    return get_child(Milestone, milestone_id, trial_id=trial.id)


@bp.route("/trials/<int:trial_id>/milestones", methods=["GET", "POST"],
          endpoint="milestones")
def milestones_page(trial_id):
    trial = _trial(trial_id, "trial.manage" if request.method == "POST" else "trial.view")
    form = forms.MilestoneForm()
    if request.method == "POST":
        done = save_form(form, lambda: milestones.add(current_user, trial, form.title.data,
                                                      form.due_on.data),
                         lambda m: _("The milestone “%(title)s” is added.", title=m.title),
                         lambda m: _back(trial, "milestones"))
        if done:
            return done
    return render_template("trial_progress/milestones.html", trial=trial, form=form,
                           tl=trial_timeline(trial))


@bp.route("/trials/<int:trial_id>/milestones/<int:milestone_id>/edit",
          methods=["GET", "POST"])
def edit_milestone(trial_id, milestone_id):
    trial = _trial(trial_id, "trial.manage")
    m = _milestone(trial, milestone_id)
    form = forms.MilestoneForm(obj=m if request.method == "GET" else None)
    done = save_form(form, lambda: milestones.edit(current_user, trial, m, form.title.data,
                                                   form.due_on.data),
                     _l("The milestone is saved."),
                     lambda m: _back(trial, f"milestone-{m.id}"))
    return done or render_template("trial_progress/edit_milestone.html", trial=trial,
                                   milestone=m, form=form)


@bp.post("/trials/<int:trial_id>/milestones/<int:milestone_id>/done")
def milestone_done(trial_id, milestone_id):
    trial = _trial(trial_id, "trial.manage")
    m = _milestone(trial, milestone_id)
    return post_action(lambda: milestones.set_done(current_user, trial, m, True),
                       lambda m: _("“%(title)s” is marked done.", title=m.title),
                       _back(trial, f"milestone-{m.id}"))


@bp.post("/trials/<int:trial_id>/milestones/<int:milestone_id>/undo")
def milestone_undo(trial_id, milestone_id):
    trial = _trial(trial_id, "trial.manage")
    m = _milestone(trial, milestone_id)
    return post_action(lambda: milestones.set_done(current_user, trial, m, False),
                       lambda m: _("“%(title)s” is no longer marked done.", title=m.title),
                       _back(trial, f"milestone-{m.id}"))


@bp.post("/trials/<int:trial_id>/milestones/<int:milestone_id>/delete")
def delete_milestone(trial_id, milestone_id):
    trial = _trial(trial_id, "trial.manage")
    m = _milestone(trial, milestone_id)
    return post_action(lambda: milestones.delete(current_user, trial, m),
                       lambda title: _("The milestone “%(title)s” is deleted.", title=title),
                       _back(trial, "milestones"))


# --- Updates and their photos -------------------------------------------------------------

@bp.route("/trials/<int:trial_id>/updates", methods=["GET", "POST"], endpoint="updates")
def updates_page(trial_id):
    trial = _trial(trial_id, "trial.manage" if request.method == "POST" else "trial.view")
    form = forms.UpdateForm(trial=trial)
    if request.method == "POST":
        def action():
            photos = updates.read_photos(form.photos.data)
            return updates.post_update(current_user, trial, form.body.data,
                                       progress=form.progress.data, status=form.status.data,
                                       reason=form.reason.data, photos=photos)
        done = save_form(form, action, _l("The update is posted. Followers are told by "
                                          "e-mail."),
                         lambda u: _back(trial, f"update-{u.id}"),
                         after=followers.notify_update)
        if done:
            return done
        trial = db.session.get(Trial, trial.id)
        form.status.choices = forms.status_choices(trial)
    elif not can(current_user, "trial.manage", trial):
        form = None
    pagination = updates.page(trial, request.args.get("page", 1, type=int))
    return render_template("trial_progress/updates.html", trial=trial, form=form,
                           pagination=pagination, trial_url=trial_url(trial))


def _photo(trial_id, update_id, number):
    trial = _trial(trial_id)
    p = updates.photo(trial, update_id, number)
    if p is None:
        abort(404)
    return p


@bp.get("/trials/<int:trial_id>/updates/<int:update_id>/photos/<int:number>")
def photo(trial_id, update_id, number):
    return updates.send_photo(_photo(trial_id, update_id, number))


@bp.get("/trials/<int:trial_id>/updates/<int:update_id>/photos/<int:number>/thumbnail")
def photo_thumbnail(trial_id, update_id, number):
    return updates.send_thumbnail(_photo(trial_id, update_id, number))


# --- Following ----------------------------------------------------------------------------

@bp.post("/trials/<int:trial_id>/follow")
def follow(trial_id):
    trial = _trial(trial_id, "trial.follow")
    return post_action(lambda: followers.follow(current_user, trial),
                       _l("You follow the trial now: you get an e-mail for each update."),
                       _back(trial, "follow"))


@bp.post("/trials/<int:trial_id>/unfollow")
def unfollow(trial_id):
    trial = _trial(trial_id, "trial.follow")
    return post_action(lambda: followers.unfollow(current_user, trial),
                       _l("You no longer follow the trial."), _back(trial, "follow"))


@bp.route("/trials/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token):
    follower = followers.by_token(token)
    if follower is None:
        return render_template("trial_progress/unsubscribe.html", follower=None), 404
    trial = db.session.get(Trial, follower.trial_id)
    if request.method == "GET":
        return render_template("trial_progress/unsubscribe.html", follower=follower,
                               trial=trial)
    title = trial.title
    followers.unsubscribe(follower)
    db.session.commit()
    flash(_("You no longer get e-mail about the trial “%(trial)s”.", trial=title), "success")
    target = trial_url(trial) if can(current_user, "trial.view", trial) else url_for("web.index")
    return redirect(target, code=303)
