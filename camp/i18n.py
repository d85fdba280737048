"""Language choice and time formatting in a camp's own time zone."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime as babel_format_datetime
from flask import current_app, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user

LANGUAGES = {"da": "Dansk", "en": "English"}


def select_locale() -> str:
    if not has_request_context():
        return current_app.config["DEFAULT_LOCALE"]
    lang = session.get("lang")
    if lang in LANGUAGES:
        return lang
    if getattr(current_user, "is_authenticated", False) and current_user.locale in LANGUAGES:
        return current_user.locale
    best = request.accept_languages.best_match(list(LANGUAGES))
    if best:
        return best
    return current_app.config["DEFAULT_LOCALE"]


def zone(name: str | None) -> ZoneInfo:
    return ZoneInfo(name or current_app.config["DEFAULT_TIMEZONE"])


FORMATS = {
    "full": "EEEE d. MMMM y 'kl.' HH:mm",
    "date": "EEEE d. MMMM y",
    "short": "d. MMM y HH:mm",
    "time": "HH:mm",
    "day": "EEE d. MMM",
}
FORMATS_EN = {
    "full": "EEEE d MMMM y, HH:mm",
    "date": "EEEE d MMMM y",
    "short": "d MMM y HH:mm",
    "time": "HH:mm",
    "day": "EEE d MMM",
}


def format_local(dt: datetime | None, tz: str | None = None, fmt: str = "short") -> str:
    """Format an aware UTC datetime in time zone `tz` and the reader's language."""
    if dt is None:
        return ""
    locale = str(get_locale() or "da")
    pattern = (FORMATS if locale == "da" else FORMATS_EN).get(fmt, fmt)
    return babel_format_datetime(dt, pattern, tzinfo=zone(tz), locale=locale)


def to_local_naive(dt: datetime | None, tz: str | None) -> datetime | None:
    """For form fields: an aware datetime as the wall-clock time in `tz`."""
    if dt is None:
        return None
    return dt.astimezone(zone(tz)).replace(tzinfo=None)


def from_local_naive(dt: datetime | None, tz: str | None) -> datetime | None:
    """From form fields: wall-clock time in `tz` to an aware UTC datetime."""
    if dt is None:
        return None
    from datetime import timezone
    return dt.replace(tzinfo=zone(tz)).astimezone(timezone.utc)
