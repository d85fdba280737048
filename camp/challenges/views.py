"""Challenges: public list and page, owners posting and editing, organiser moderation."""
from flask import Blueprint

bp = Blueprint("challenges", __name__)
