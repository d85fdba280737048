"""Prototypes: a team's draft, submission before the deadline, revisions, files."""
from flask import Blueprint

bp = Blueprint("prototypes", __name__)
