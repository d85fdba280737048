"""PDF rendering with WeasyPrint, never fetching anything but our own static files."""
from __future__ import annotations

from flask import current_app, render_template

# The rendering itself lives in camp.badges.pdfpool, which imports nothing of the app so
# that its worker processes can run it too; one fetcher rule serves both.
from camp.badges.pdfpool import render_chunk, static_only_fetcher


def _fetcher():
    return static_only_fetcher(current_app.static_folder)


def render_pdf(template: str, **context) -> bytes:
    return render_chunk(render_template(template, **context), current_app.static_folder)
