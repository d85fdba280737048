"""The Flask application class: Flask with two per-request costs taken out.

Both matter on the check-in API, where the whole request is about a millisecond.
"""
from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSessionInterface


class SessionInterface(SecureCookieSessionInterface):
    """Flask builds a new signing serializer for every request; one per set of keys does."""

    _cached: tuple | None = None

    def get_signing_serializer(self, app):
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        if self._cached is None or self._cached[0] != keys:
            self._cached = (keys, super().get_signing_serializer(app))
        return self._cached[1]


class CampFlask(Flask):
    session_interface = SessionInterface()
    _MAX_SYNC_CACHE = 2000

    def ensure_sync(self, func):
        # Flask asks this for the view and every hook on every request, and the answer
        # (inspect.iscoroutinefunction) never changes for a function.
        cache = self.__dict__.setdefault("_sync_cache", {})
        try:
            return cache[func]
        except KeyError:
            result = super().ensure_sync(func)
            if len(cache) < self._MAX_SYNC_CACHE:
                cache[func] = result
            return result
        except TypeError:  # an unhashable callable
            return super().ensure_sync(func)
