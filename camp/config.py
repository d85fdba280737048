"""Configuration: defaults here, overrides from CAMP_* environment variables.

Every setting can be overridden by an environment variable of the same name with a
CAMP_ prefix (CAMP_SECRET_KEY, CAMP_DATABASE_URL, ...). The README lists them all.
"""
import json
import os

DEV_SECRET_KEY = "dev-only-not-secret"

# name -> (default, description). The README's configuration table mirrors this.
SETTINGS = {
    "SECRET_KEY": (DEV_SECRET_KEY, "Signs sessions and tokens. Required in production."),
    "DATABASE_URL": (None, "SQLAlchemy URL; default SQLite in instance/camp.sqlite3. "
                     "PostgreSQL: postgresql+psycopg://user:pass@host/db"),
    "BASE_URL": ("http://127.0.0.1:5000", "Public address used in e-mailed links."),
    "DEFAULT_TIMEZONE": ("Europe/Copenhagen", "Time zone for new camps."),
    "DEFAULT_LOCALE": ("da", "Language when the reader has not chosen one."),
    "MAIL_BACKEND": ("file", "file (instance/outbox), console, smtp or locmem."),
    "MAIL_SERVER": ("localhost", "SMTP host."),
    "MAIL_PORT": (25, "SMTP port."),
    "MAIL_USERNAME": (None, "SMTP user."),
    "MAIL_PASSWORD": (None, "SMTP password."),
    "MAIL_USE_TLS": (False, "STARTTLS for SMTP."),
    "MAIL_USE_SSL": (False, "SMTP over TLS."),
    "MAIL_DEFAULT_SENDER": ("Samskab <noreply@samskab.local>", "From address."),
    "RATELIMIT_STORAGE_URI": ("memory://", "Flask-Limiter storage; redis://host:6379 for "
                              "several workers (default: CAMP_REDIS_URL when that is set)."),
    "REDIS_URL": (None, "redis://host:6379/0: rate limits, badge runs, booklets and e-mail "
                  "deliveries shared by every process and host through Redis; "
                  "`flask camp worker` runs the jobs. Unset: one process's memory and "
                  "threads."),
    "INSTANCE_PATH": (None, "The instance folder (SQLite file, uploads, badge and booklet "
                      "files, outbox); default instance/ beside the code. Several hosts: "
                      "one shared folder."),
    "RATELIMIT_ENABLED": (True, "Turn rate limits off (tests only)."),
    "PROXY_COUNT": (0, "Reverse proxies in front of the app (nginx, a load balancer) whose "
                    "X-Forwarded-For/-Proto/-Host headers are trusted: client addresses for "
                    "rate limits and https links. 0 trusts none."),
    "MAX_CONTENT_LENGTH": (16 * 1024 * 1024, "Largest request body in bytes."),
    "COOKIE_SECURE": (True, "Session and remember-me cookies over HTTPS only. On unless set; "
                      "off by default in debug and testing."),
    "CONTACT_EMAIL": (None, "Shown on the privacy page and the accessibility statement."),
    "REGISTRATIONS_PER_PAGE": (50, "Rows per page in organiser lists."),
    "TOKEN_MAX_AGE": (48 * 3600, "Seconds a confirmation or invitation link is valid."),
    "RESET_MAX_AGE": (3600, "Seconds a password reset link is valid."),
}


def _coerce(raw: str, default):
    if isinstance(default, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(raw)
    return raw


def _explicit(name: str, test_config) -> bool:
    """Whether the setting was given (environment, CAMP_CONFIG_JSON or test_config)."""
    return "CAMP_" + name in os.environ or name in (test_config or {}) \
        or name in json.loads(os.environ.get("CAMP_CONFIG_JSON") or "{}")


def load_config(app, test_config=None) -> None:
    for name, (default, _help) in SETTINGS.items():
        app.config[name] = default
    for name, (default, _help) in SETTINGS.items():
        raw = os.environ.get("CAMP_" + name)
        if raw is not None:
            app.config[name] = _coerce(raw, default)
    if os.environ.get("CAMP_CONFIG_JSON"):
        app.config.update(json.loads(os.environ["CAMP_CONFIG_JSON"]))
    if test_config:
        app.config.update(test_config)
    # Secure cookies unless the setting says otherwise; the development server (debug) and
    # the tests speak plain HTTP, so there the default is off.
    secure = bool(app.config["COOKIE_SECURE"]) if _explicit("COOKIE_SECURE", test_config) \
        else not (app.debug or app.testing)

    # Redis, when there is one, holds the rate limits too (unless they are sent elsewhere).
    if app.config["REDIS_URL"] and not _explicit("RATELIMIT_STORAGE_URI", test_config):
        app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"]

    url = app.config["DATABASE_URL"] or "sqlite:///" + os.path.join(
        app.instance_path, "camp.sqlite3")
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    # A dropped server connection is a PostgreSQL matter; SQLite files do not go away.
    if not url.startswith("sqlite"):
        app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})
    app.config["BABEL_DEFAULT_LOCALE"] = app.config["DEFAULT_LOCALE"]
    app.config["BABEL_DEFAULT_TIMEZONE"] = "UTC"
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = os.path.join(app.root_path, "translations")
    # The file backend's folder; CAMP_CONFIG_JSON may point it elsewhere (the browser tests).
    app.config.setdefault("MAIL_FILE_PATH", os.path.join(app.instance_path, "outbox"))
    app.config["SESSION_COOKIE_SECURE"] = secure
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["REMEMBER_COOKIE_SECURE"] = secure
    app.config["REMEMBER_COOKIE_HTTPONLY"] = True
    app.config["REMEMBER_COOKIE_SAMESITE"] = "Lax"
    app.config["WTF_CSRF_TIME_LIMIT"] = None
    # The JSON API's OpenAPI document, generated by flask-smorest: /api/v1/openapi.json
    app.config.update(API_TITLE="Samskab API", API_VERSION="v1", OPENAPI_VERSION="3.0.3",
                      OPENAPI_URL_PREFIX="/api/v1", OPENAPI_JSON_PATH="openapi.json")

    if app.config["SECRET_KEY"] == DEV_SECRET_KEY and not (app.debug or app.testing):
        raise RuntimeError(
            "Refusing to start with the development secret key outside debug or testing: "
            "set CAMP_SECRET_KEY to a long random value.")
