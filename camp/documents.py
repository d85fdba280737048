"""PDF rendering with WeasyPrint, never fetching anything but our own static files."""
from __future__ import annotations

import os

from flask import current_app, render_template


def _fetcher():
    from weasyprint.urls import URLFetcher

    static = os.path.realpath(current_app.static_folder)

    class StaticOnlyFetcher(URLFetcher):
        """User text can never make the server fetch a URL: only data: and static files."""

        def fetch(self, url, *args, **kwargs):
            if url.startswith("data:"):
                return super().fetch(url, *args, **kwargs)
            if url.startswith("file://"):
                path = os.path.realpath(url[len("file://"):])
                if path.startswith(static + os.sep):
                    return super().fetch(url, *args, **kwargs)
            raise ValueError(f"refused to fetch {url[:80]}")

    return StaticOnlyFetcher()


def render_pdf(template: str, **context) -> bytes:
    from weasyprint import HTML
    html = render_template(template, **context)
    base = "file://" + os.path.realpath(current_app.static_folder) + "/"
    return HTML(string=html, base_url=base, url_fetcher=_fetcher()).write_pdf()
