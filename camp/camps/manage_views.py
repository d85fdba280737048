"""Organiser pages under /camps/<slug>/manage/ and camp creation."""
from flask import Blueprint, abort
from flask_login import current_user, login_required

from camp.permissions import can

bp = Blueprint("manage", __name__)


@bp.get("/camps/new")
@login_required
def new_camp():
    if not can(current_user, "camp.create"):
        abort(403)
    abort(404)
