"""Questions and resource requests from teams to challenge owners during the camp."""
from flask import Blueprint

bp = Blueprint("requests", __name__)
