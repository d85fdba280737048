"""Admin pages for people: search, one person, their data (JSON), erasure (issue 9)."""
import json

from flask import Blueprint, Response, abort, current_app, redirect, render_template, \
    request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from camp import permissions
from camp.admin import forms, services
from camp.camps.labels import ROLE_LABELS
from camp.extensions import login_manager
from camp.web import save_form

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def _administrators_only():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not permissions.can(current_user, "admin"):
        abort(403)


def _person(user_id: int):
    user = services.active_person(user_id)
    if user is None:
        abort(404)
    return user


@bp.get("/people")
def people():
    form = forms.PeopleSearchForm(request.args)
    q = (form.q.data or "").strip() if form.validate() else ""
    page = services.people_page(q, request.args.get("page", 1, type=int),
                                current_app.config["REGISTRATIONS_PER_PAGE"])
    return render_template("admin/people.html", form=form, q=q, page=page,
                           erasures=services.recent_erasures())


@bp.get("/people/<int:user_id>")
def person(user_id):
    user = _person(user_id)
    return render_template("admin/person.html", person=user, summary=services.summary(user),
                           role_labels=ROLE_LABELS)


@bp.get("/people/<int:user_id>/data.json")
def person_data(user_id):
    from camp.auth.services import export_user_data
    user = _person(user_id)
    body = json.dumps(export_user_data(user), ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="samskab-person-{user.id}-data.json"'})


@bp.route("/people/<int:user_id>/erase", methods=["GET", "POST"])
def erase_person(user_id):
    user = _person(user_id)
    form = forms.EraseForm()
    done = save_form(
        form, lambda: services.erase_person(current_user, user, email=form.email.data,
                                            reason=form.reason.data),
        _("The person's personal data has been erased."), url_for("admin.people"))
    return done or render_template("admin/erase.html", person=user, form=form,
                                   summary=services.summary(user), role_labels=ROLE_LABELS,
                                   is_self=user.id == current_user.id)
