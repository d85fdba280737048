"""Feedback: the challenge owner comments on a prototype; the team answers."""
from flask import Blueprint

bp = Blueprint("feedback", __name__)
