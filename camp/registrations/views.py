"""Registering for a camp, and the participant's own registrations."""
from flask import Blueprint, render_template
from flask_login import login_required

bp = Blueprint("registrations", __name__)


@bp.get("/me/registrations")
@login_required
def mine():
    return render_template("registrations/mine.html", registrations=[])
