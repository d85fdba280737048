"""Prototypes: a team's draft, submission before the deadline, revisions, files, and the
organiser's overview with the deadline and extensions."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from camp import uploads
from camp.csvfile import csv_response
from camp.errors import Conflict, DomainError
from camp.extensions import db, login_manager
from camp.i18n import from_local_naive, to_local_naive
from camp.permissions import can
from camp.prototypes import diff, feedback, files, forms, labels, services
from camp.prototypes.models import Prototype, PrototypeFile
from camp.teams.models import Team
from camp.web import get_child, get_in_camp, load_camp, post_action, save_form, \
    show_domain_error

bp = Blueprint("prototypes", __name__)
bp.add_app_template_global(labels, "prototype_labels")


def _require(allowed: bool) -> None:
    if not allowed:
        if not current_user.is_authenticated:
            abort(login_manager.unauthorized())
        abort(403)


def _load(slug, prototype_id, action="prototype.view"):
    """Camp and prototype; 404 unless the user may see it (drafts are private)."""
    camp = load_camp(slug)
    prototype = get_in_camp(Prototype, prototype_id, camp)
    if not can(current_user, "prototype.view", prototype):
        abort(404)
    if action != "prototype.view":
        _require(can(current_user, action, prototype))
    return camp, prototype


def _show_url(prototype, anchor="") -> str:
    return url_for("prototypes.show", slug=prototype.camp.slug,
                   prototype_id=prototype.id) + anchor


# -- the team's draft -----------------------------------------------------------------------

def _team(slug, team_id):
    camp = load_camp(slug)
    team = get_in_camp(Team, team_id, camp)
    _require(can(current_user, "team.member", team))
    prototype = services.prototype_of(team)
    if prototype is not None:
        _require(can(current_user, "prototype.edit", prototype))
    return camp, team, prototype


@bp.route("/camps/<slug>/teams/<int:team_id>/prototype", methods=["GET", "POST"])
def team_prototype(slug, team_id):
    camp, team, prototype = _team(slug, team_id)
    form = forms.prototype_form(prototype.challenge if prototype else team.challenge, prototype)
    newer = None
    if form.validate_on_submit():
        try:
            saved = services.save_draft(current_user, team, form.data_for_service(),
                                        form.version_number())
        except Conflict as exc:
            show_domain_error(form, exc)
            newer = services.prototype_of(team)
            form.version.data = str(newer.version if newer else 0)
            prototype = newer
        except DomainError as exc:
            show_domain_error(form, exc)
            prototype = services.prototype_of(team)
        else:
            db.session.commit()
            flash(_("The draft is saved. Submit it when the team is ready."), "success")
            return redirect(_show_url(saved), code=303)
    newer_diffs = None
    if newer is not None:
        yours = vars(form.data_for_service())
        newer_diffs = [d for d in diff.compare(yours, services.snapshot(newer)) if d.changed]
    return render_template(
        "prototypes/edit.html", camp=camp, team=team, prototype=prototype, form=form,
        newer=newer, newer_diffs=newer_diffs,
        locked=services.is_locked(camp, prototype),
        deadline=services.deadline_of(camp, prototype))


@bp.post("/camps/<slug>/teams/<int:team_id>/prototype/submit")
def submit(slug, team_id):
    camp, team, prototype = _team(slug, team_id)
    if prototype is None:
        flash(_("Save a draft of the prototype first."), "error")
        return redirect(url_for("prototypes.team_prototype", slug=slug, team_id=team.id),
                        code=303)
    try:
        rev, made = services.submit(current_user, prototype)
    except DomainError as exc:
        show_domain_error(None, exc)
    else:
        db.session.commit()
        if made:
            flash(_("Revision %(n)s is submitted. The challenge owner and the organisers "
                    "can read it now.", n=rev.number), "success")
        else:
            flash(_("Nothing has changed since revision %(n)s, so no new revision was made.",
                    n=rev.number), "info")
    return redirect(_show_url(prototype, "#revisions"), code=303)


# -- the prototype page and its revisions ---------------------------------------------------

def _page_context(camp, prototype, file_form=None) -> dict:
    editor = can(current_user, "prototype.edit", prototype)
    last = prototype.revisions[-1] if prototype.revisions else None
    # Others read what was submitted; the team and organisers see the current draft.
    data = services.snapshot(prototype) if editor or last is None else last.data
    return dict(camp=camp, prototype=prototype, data=data, editor=editor,
                locked=services.is_locked(camp, prototype),
                deadline=services.deadline_of(camp, prototype),
                unsubmitted=editor and services.unsubmitted_changes(prototype),
                file_form=file_form or forms.FileForm(), kinds=uploads.KINDS,
                files_max=files.MAX_PER_PROTOTYPE,
                feedback=feedback.figures([prototype.id])[prototype.id])


@bp.get("/camps/<slug>/prototypes/<int:prototype_id>")
def show(slug, prototype_id):
    camp, prototype = _load(slug, prototype_id)
    return render_template("prototypes/show.html", **_page_context(camp, prototype))


def _revision(prototype, number):
    rev = services.revision(prototype, number)
    if rev is None:
        abort(404)
    return rev


@bp.get("/camps/<slug>/prototypes/<int:prototype_id>/revisions/<int:number>")
def revision(slug, prototype_id, number):
    camp, prototype = _load(slug, prototype_id)
    rev = _revision(prototype, number)
    return render_template("prototypes/revision.html", camp=camp, prototype=prototype,
                           rev=rev, data=rev.data)


@bp.get("/camps/<slug>/prototypes/<int:prototype_id>/revisions/<int:number>/compare")
def compare(slug, prototype_id, number):
    camp, prototype = _load(slug, prototype_id)
    rev = _revision(prototype, number)
    previous = services.revision(prototype, number - 1)
    return render_template("prototypes/compare.html", camp=camp, prototype=prototype,
                           rev=rev, previous=previous,
                           diffs=diff.compare(previous.data if previous else None, rev.data))


# -- files ----------------------------------------------------------------------------------

@bp.post("/camps/<slug>/prototypes/<int:prototype_id>/files")
def add_file(slug, prototype_id):
    camp, prototype = _load(slug, prototype_id, "prototype.edit")
    form = forms.FileForm()

    def add():
        upload = form.file.data
        return files.add(current_user, prototype, files.read(upload), upload.filename)
    done = save_form(form, add, lambda f: _("\"%(name)s\" is added.", name=f.display_name),
                     _show_url(prototype, "#files"))
    return done or render_template("prototypes/show.html",
                                   **_page_context(camp, prototype, form))


def _file(prototype, file_id) -> PrototypeFile:
    return get_child(PrototypeFile, file_id, prototype_id=prototype.id)


@bp.get("/camps/<slug>/prototypes/<int:prototype_id>/files/<int:file_id>")
def download_file(slug, prototype_id, file_id):
    camp, prototype = _load(slug, prototype_id)
    return files.send(_file(prototype, file_id))


@bp.get("/camps/<slug>/prototypes/<int:prototype_id>/files/<int:file_id>/thumbnail")
def thumbnail(slug, prototype_id, file_id):
    camp, prototype = _load(slug, prototype_id)
    f = _file(prototype, file_id)
    if not f.thumbnail_name:
        abort(404)
    return files.send_thumbnail(f)


@bp.post("/camps/<slug>/prototypes/<int:prototype_id>/files/<int:file_id>/cover")
def set_cover(slug, prototype_id, file_id):
    camp, prototype = _load(slug, prototype_id, "prototype.edit")
    f = _file(prototype, file_id)
    return post_action(lambda: files.set_cover(current_user, prototype, f),
                       lambda f: _("\"%(name)s\" is now the cover.", name=f.display_name),
                       _show_url(prototype, "#files"))


@bp.post("/camps/<slug>/prototypes/<int:prototype_id>/files/<int:file_id>/delete")
def delete_file(slug, prototype_id, file_id):
    camp, prototype = _load(slug, prototype_id, "prototype.edit")
    f = _file(prototype, file_id)
    return post_action(lambda: files.remove(current_user, prototype, f),
                       lambda name: _("\"%(name)s\" is deleted.", name=name),
                       _show_url(prototype, "#files"))


# -- the organiser --------------------------------------------------------------------------

@bp.route("/camps/<slug>/manage/prototypes", methods=["GET", "POST"])
def manage(slug):
    camp = load_camp(slug, "camp.manage")
    form = forms.DeadlineForm()
    if request.method == "GET":
        form.prototype_deadline.data = to_local_naive(camp.prototype_deadline, camp.timezone)
    done = save_form(form, lambda: services.set_deadline(
        current_user, camp, from_local_naive(form.prototype_deadline.data, camp.timezone)),
        _("The deadline is saved."), url_for("prototypes.manage", slug=camp.slug))
    if done:
        return done
    rows = services.overview(camp)
    return render_template("prototypes/manage.html", camp=camp, form=form, rows=rows,
                           deadline=services.base_deadline(camp),
                           locked=services.is_locked, to_local_naive=to_local_naive)


@bp.post("/camps/<slug>/manage/prototypes/<int:prototype_id>/extend")
def extend(slug, prototype_id):
    camp = load_camp(slug)
    prototype = get_in_camp(Prototype, prototype_id, camp)
    _require(can(current_user, "prototype.extend", prototype))
    back = url_for("prototypes.manage", slug=camp.slug) + f"#prototype-{prototype.id}"
    form = forms.ExtendForm()
    if not form.validate_on_submit():
        flash(_("Enter a date and a time for the extension."), "error")
        return redirect(back, code=303)
    until = from_local_naive(form.until.data, camp.timezone)
    team = prototype.team.name
    return post_action(
        lambda: services.extend(current_user, prototype, until),
        _("%(team)s has more time.", team=team) if until else
        _("%(team)s has the camp's deadline again.", team=team), back)


@bp.get("/camps/<slug>/manage/prototypes.csv")
def export_csv(slug):
    camp = load_camp(slug, "camp.manage")
    rows = services.overview(camp)
    body = services.overview_csv(camp, rows, lambda p: url_for(
        "prototypes.show", slug=camp.slug, prototype_id=p.id, _external=True))
    return csv_response(body, f"{camp.slug}-prototypes.csv")
