"""(being built)"""
from flask import Blueprint

bp = Blueprint("charter_versions", __name__)
