"""(being built)"""
from flask import Blueprint

bp = Blueprint("charters", __name__)
