"""`flask camp ...` commands."""
import click
from flask.cli import AppGroup

camp_cli = AppGroup("camp", help="Samskab commands.")
