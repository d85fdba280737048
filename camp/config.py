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
                              "several workers."),
    "RATELIMIT_ENABLED": (True, "Turn rate limits off (tests only)."),
    "MAX_CONTENT_LENGTH": (16 * 1024 * 1024, "Largest request body in bytes."),
    "SESSION_COOKIE_SECURE": (False, "Send cookies over HTTPS only (set true in production)."),
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

    url = app.config["DATABASE_URL"] or "sqlite:///" + os.path.join(
        app.instance_path, "camp.sqlite3")
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})
    app.config["BABEL_DEFAULT_LOCALE"] = app.config["DEFAULT_LOCALE"]
    app.config["BABEL_DEFAULT_TIMEZONE"] = "UTC"
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = os.path.join(app.root_path, "translations")
    app.config["MAIL_FILE_PATH"] = os.path.join(app.instance_path, "outbox")
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["REMEMBER_COOKIE_HTTPONLY"] = True
    app.config["REMEMBER_COOKIE_SECURE"] = app.config["SESSION_COOKIE_SECURE"]
    app.config["WTF_CSRF_TIME_LIMIT"] = None

    if app.config["SECRET_KEY"] == DEV_SECRET_KEY and not (app.debug or app.testing):
        raise RuntimeError(
            "Refusing to start with the development secret key outside debug or testing: "
            "set CAMP_SECRET_KEY to a long random value.")
