"""(being built)"""
from flask import Blueprint

bp = Blueprint("judging", __name__)
