"""(being built)"""
from flask import Blueprint

bp = Blueprint("trial_evaluation", __name__)
