"""Site-wide pieces: home page, language switch, template helpers, security headers."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, redirect, render_template, request, session
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup, escape

from camp import permissions
from camp.actors import actor_label
from camp.extensions import db, login_manager
from camp.i18n import LANGUAGES, format_local
from camp.markdown import render_markdown

bp = Blueprint("web", __name__)


@bp.get("/")
def index():
    from camp.camps.services import list_public_camps
    upcoming, _past = list_public_camps(limit=6)
    return render_template("index.html", upcoming=upcoming)


@bp.post("/language")
def set_language():
    lang = request.form.get("lang", "")
    if lang in LANGUAGES:
        session["lang"] = lang
        if current_user.is_authenticated:
            current_user.locale = lang
            db.session.commit()
    return redirect(safe_next(request.form.get("next")), code=303)


@bp.get("/healthz")
def health():
    db.session.execute(db.text("SELECT 1"))
    return {"status": "ok"}


def safe_next(target: str | None, default: str = "/") -> str:
    """Only same-site relative paths; anything else goes home."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def _load_user(user_id: str):
    from camp.auth.models import User
    uid, _, token = user_id.partition(":")
    if not uid.isdigit() or not token:
        return None
    user = db.session.get(User, int(uid))
    if user is None or user.session_token != token or user.deleted_at is not None:
        return None
    return user


CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


SECURITY_HEADERS = (("Content-Security-Policy", CSP), ("X-Content-Type-Options", "nosniff"),
                    ("Referrer-Policy", "same-origin"), ("X-Frame-Options", "DENY"))


def _security_headers(response):
    # A view may set its own (uploads set a stricter CSP): added only where missing, with
    # one pass over the headers rather than one per header.
    present = {key.lower() for key, _value in response.headers.items()}
    for key, value in SECURITY_HEADERS:
        if key.lower() not in present:
            response.headers.add(key, value)
    return response


def _has_nul(multidict) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values
                                      if isinstance(value, str))
               for key, values in multidict.lists())


def _nul_in_json(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_nul_in_json(k) or _nul_in_json(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_nul_in_json(v) for v in value)
    return False


def _refuse_nul_bytes():
    """A NUL character in the address, a form or a JSON body is refused (400) up front.

    Nobody types one, PostgreSQL cannot store or even compare one (the query fails), and
    SQLite would store it: so it is one bad request, never a 500 deep in a view.
    """
    if "\x00" in request.path or (request.args and _has_nul(request.args)):
        abort(400)
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if request.mimetype == "application/json":
        # A JSON string can hold NUL only as the escape \u0000: the cheap byte search
        # spares every ordinary body (the door's scans) the walk through its values.
        if b"\\u0000" in request.get_data(cache=True) and \
                _nul_in_json(request.get_json(silent=True)):
            abort(400, description=_l("Text must not contain NUL characters."))
    elif request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        if _has_nul(request.form) or any(
                "\x00" in (f.filename or "") for _name, f in request.files.items(multi=True)):
            abort(400)


def _writer_transaction():
    """On SQLite, a request that may write holds the write lock from its start.

    A deferred transaction that reads and then writes fails at once with "database is
    locked" when another writer is busy (busy_timeout does not apply to the upgrade).
    SQLite has one writer anyway, so queueing whole POSTs costs nothing and no request
    can fail that way. PostgreSQL needs none of this.
    """
    from flask import current_app, request
    from camp.db import begin_write
    if request.method not in ("GET", "HEAD", "OPTIONS") and \
            db.engine.dialect.name == "sqlite":
        view = current_app.view_functions.get(request.endpoint)
        if getattr(view, "takes_write_lock_itself", False):
            return
        begin_write(db.session)


def takes_write_lock_itself(view):
    """Mark a busy POST view that takes SQLite's write lock itself, as late as it can
    (begin_write(), or a connection of its own begun with sqlite_immediate), so that the
    parsing before it does not hold the only write lock: every moment the lock is held,
    the other workers wait (the check-in API). Such a view must not write through the
    session without begin_write()."""
    view.takes_write_lock_itself = True
    return view


def attr_text(value) -> Markup:
    """Text for a quoted HTML attribute.

    Translated strings arrive as Markup: their placeholders are escaped, but the quotes of
    the message itself are not, and a '"' would end the attribute early.
    """
    if isinstance(value, Markup):
        return Markup(str(value).replace('"', "&#34;"))  # nosec B704 - already Markup
    return escape(value)


def init_app(app) -> None:
    app.before_request(_refuse_nul_bytes)
    app.before_request(_writer_transaction)
    login_manager.user_loader(_load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Log in to see that page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    app.after_request(_security_headers)
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["local"] = format_local
    app.jinja_env.filters["actor_label"] = actor_label
    app.jinja_env.filters["attr_text"] = attr_text
    from camp.registrations.labels import STATUS_LABELS
    from camp.registrations.models import RegistrationStatus
    app.jinja_env.globals.update(can=permissions.can, LANGUAGES=LANGUAGES,
                                 roles_anywhere=permissions.roles_anywhere,
                                 STATUS_LABELS=STATUS_LABELS,
                                 RegistrationStatus=RegistrationStatus)
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.context_processor(lambda: {"current_locale": str(get_locale() or "da")})


def load_camp(slug: str, action: str = "camp.view"):
    """The camp with this slug, if the current user may see it and do `action` (else 404/403).

    A camp the user may not even see answers 404, so drafts stay private.
    """
    from flask import abort
    from camp.camps.services import camp_by_slug
    camp = camp_by_slug(slug)
    if camp is None or not permissions.can(current_user, "camp.view", camp):
        abort(404)
    if action != "camp.view" and not permissions.can(current_user, action, camp):
        if not current_user.is_authenticated:
            abort(login_manager.unauthorized())
        abort(403)
    return camp


def show_domain_error(form, exc) -> None:
    """Undo the failed change and put the message where the user will see it."""
    from flask import flash
    db.session.rollback()
    field_errors = dict(getattr(exc, "field_errors", {}))
    if exc.field:
        field_errors.setdefault(exc.field, exc.message)
    shown = False
    for name, message in field_errors.items():
        if form is not None and name in form:
            form[name].errors = list(form[name].errors) + [str(message)]
            shown = True
    if not shown:
        flash(str(exc.message), "error")


def save_form(form, action, success, next_url, after=None):
    """The write half of a form view: validate, run the service, commit, flash, redirect.

    Returns None when the form should be shown (again), with its errors on it.
    `success` and `next_url` may be callables taking what the action returned; `after`
    runs once the change is committed (e-mails must not announce what was rolled back).
    """
    from flask import flash
    from camp.errors import DomainError
    if not form.validate_on_submit():
        return None
    try:
        result = action()
    except DomainError as exc:
        show_domain_error(form, exc)
        return None
    db.session.commit()
    if after is not None:
        after(result)
    flash(str(success(result) if callable(success) else success), "success")
    return redirect(next_url(result) if callable(next_url) else next_url, code=303)


def post_action(action, success, next_url, after=None):
    """A button that changes something: run it, commit, flash the outcome, redirect."""
    from flask import flash
    from camp.errors import DomainError
    try:
        result = action()
    except DomainError as exc:
        show_domain_error(None, exc)
    else:
        db.session.commit()
        if after is not None:
            after(result)
        flash(str(success(result) if callable(success) else success), "success")
    return redirect(next_url, code=303)


def get_child(model, object_id: int, **parent):
    """An object by id that must belong to its parent, e.g. challenge_id=challenge.id;
    404 otherwise (ids are guessable, and the URL names the parent)."""
    from flask import abort
    obj = db.get_or_404(model, object_id)
    if any(getattr(obj, key) != value for key, value in parent.items()):
        abort(404)
    return obj


def get_in_camp(model, object_id: int, camp):
    """An object by id that must belong to this camp; 404 otherwise."""
    return get_child(model, object_id, camp_id=camp.id)
