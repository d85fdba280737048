"""Public camp pages."""
from flask import Blueprint, render_template

from camp.camps.services import list_public_camps

bp = Blueprint("camps", __name__, url_prefix="/camps")


@bp.get("/")
def index():
    upcoming, past = list_public_camps()
    return render_template("camps/index.html", upcoming=upcoming, past=past)


@bp.get("/<slug>/")
def show(slug):
    from flask import abort
    abort(404)
