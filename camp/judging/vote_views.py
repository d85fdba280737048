"""(being built)"""
from flask import Blueprint

bp = Blueprint("votes", __name__)
