"""Accounts: sign up, log in, profile."""
from flask import Blueprint, abort, redirect
from flask_login import login_required, logout_user

bp = Blueprint("auth", __name__)


@bp.get("/login")
def login():
    abort(404)


@bp.get("/signup")
def signup():
    abort(404)


@bp.post("/logout")
def logout():
    logout_user()
    return redirect("/", code=303)


@bp.get("/me/profile")
@login_required
def profile():
    abort(404)
