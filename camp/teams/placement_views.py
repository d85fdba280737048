"""Automatic placement of participants without a team: preview, adjust, apply."""
from flask import Blueprint

bp = Blueprint("placement", __name__)
