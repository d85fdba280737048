"""(being built)"""
from flask import Blueprint

bp = Blueprint("gallery", __name__)
