"""Teams: forming, joining by invite link or request, leaving, the looking-for-a-team board."""
from flask import Blueprint

bp = Blueprint("teams", __name__)
