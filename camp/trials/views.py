"""(being built)"""
from flask import Blueprint

bp = Blueprint("trials", __name__)
