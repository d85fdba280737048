"""(being built)"""
from flask import Blueprint

bp = Blueprint("booklets", __name__)
