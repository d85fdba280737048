"""(being built)"""
from flask import Blueprint

bp = Blueprint("trial_progress", __name__)
