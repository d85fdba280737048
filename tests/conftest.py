"""Fixtures: a fresh database per test, on SQLite or (CAMP_TEST_DATABASE=postgres) PostgreSQL."""
from __future__ import annotations

import os
import re
import uuid
from contextlib import contextmanager

import pytest
from jinja2 import BytecodeCache
from sqlalchemy import create_engine, event, text

from flask import has_app_context
from flask.testing import FlaskClient

from camp import create_app
from camp.extensions import db as _db

def pytest_sessionstart(session):
    """Compile the catalogues so tests see the same Danish a served app does."""
    from pathlib import Path
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    for po in Path(__file__).resolve().parent.parent.glob("camp/translations/*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as fh:
                catalog = read_po(fh)
            with mo.open("wb") as fh:
                write_mo(fh, catalog)


def _memoise_url_builders():
    """Every test builds an app, and Werkzeug compiles two URL builders per rule (about
    700 rules) by generating and compiling Python code: over half of create_app's time.
    The generated function depends only on the rule's parsed parts and defaults (it gets
    the rule, with its converters, as its first argument), so one copy per process serves
    every app's equal rule."""
    from werkzeug.routing.rules import Rule
    compile_builder = Rule._compile_builder
    cache: dict = {}

    def cached(self, append_unknown: bool = True):
        defaults = tuple(sorted((k, repr(v)) for k, v in (self.defaults or {}).items()))
        key = (self.rule, tuple(self._trace), defaults, append_unknown)
        if key not in cache:
            cache[key] = compile_builder(self, append_unknown)
        return cache[key]
    Rule._compile_builder = cached


_memoise_url_builders()


class _MemoryBytecodeCache(BytecodeCache):
    """Each test's app has a new Jinja environment, which would compile every template
    it renders again; compiled templates are shared by all apps of the process (Jinja
    checks each entry against the template's source)."""

    def __init__(self):
        self.store: dict = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket):
        self.store[bucket.key] = bucket.bytecode_to_string()


_TEMPLATES = _MemoryBytecodeCache()

POSTGRES_URL = os.environ.get("CAMP_TEST_POSTGRES_URL")  # a server we may create databases on
# Building the schema (about 75 tables) costs more than most tests, above all on
# PostgreSQL: each test process builds it once in a template and copies that per test.
_template: dict = {}


def pytest_collection_modifyitems(config, items):
    """The PostgreSQL pass leaves out what runs the same on any database (marked `once`):
    the permission table's routing and rules, the code scanners, pure algorithms."""
    if not POSTGRES_URL:
        return
    once = [item for item in items if item.get_closest_marker("once")]
    if once:
        config.hook.pytest_deselected(items=once)
        items[:] = [item for item in items if not item.get_closest_marker("once")]


def _admin_engine():
    return create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")


def _url_for(name: str) -> str:
    return re.sub(r"/[^/?]*(\?|$)", f"/{name}\\1", POSTGRES_URL, count=1) \
        if POSTGRES_URL.count("/") >= 3 else POSTGRES_URL + "/" + name


def _build_schema(url: str) -> None:
    from camp import models  # noqa: F401  (every table on the metadata)
    engine = create_engine(url)
    _db.metadata.create_all(engine)
    engine.dispose()


def _schema_template(tmp_root) -> str:
    """This process's template with the schema: a SQLite file, or a PostgreSQL database."""
    if "name" not in _template:
        if POSTGRES_URL:
            name = "tmpl_" + uuid.uuid4().hex[:12]
            admin = _admin_engine()
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            admin.dispose()
            _build_schema(_url_for(name))
        else:
            name = str(tmp_root / f"template-{uuid.uuid4().hex[:8]}.sqlite3")
            _build_schema(f"sqlite:///{name}")
        _template["name"] = name
    return _template["name"]


def pytest_sessionfinish(session):
    name = _template.pop("name", None)
    if name and POSTGRES_URL:
        admin = _admin_engine()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def new_database_url(tmp_path, with_schema: bool = False, template: str | None = None,
                     name: str = "test.sqlite3") -> tuple[str, callable]:
    """A database of the test's own, and a function that drops it. with_schema: every
    table already made (create_all then finds nothing to do); template: a copy of that
    database instead (a SQLite file, or a PostgreSQL database name; nobody may be
    connected to it)."""
    if with_schema:
        template = _schema_template(tmp_path.parent)
    if not POSTGRES_URL:
        path = tmp_path / name
        if template:
            import shutil
            shutil.copyfile(template, path)
        return f"sqlite:///{path}", lambda: None
    name = "t_" + uuid.uuid4().hex[:12]
    admin = _admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'
                          + (f' TEMPLATE "{template}"' if template else "")))
    admin.dispose()  # a database kept for the process (a template) is never dropped

    def drop():
        admin = _admin_engine()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return _url_for(name), drop


def database_name(url: str) -> str:
    """What new_database_url(template=...) takes: the SQLite file, or the database name."""
    from sqlalchemy.engine import make_url
    return make_url(url).database


@pytest.fixture
def database_url(tmp_path):
    """The test's database, with the schema made (tests and apps call create_all freely)."""
    url, drop = new_database_url(tmp_path, with_schema=True)
    yield url
    drop()


@pytest.fixture
def empty_database_url(tmp_path):
    """A database without tables (the migrations build it)."""
    url, drop = new_database_url(tmp_path)
    yield url
    drop()


class FreshContextClient(FlaskClient):
    """Runs each request in its own app context, as a real server does.

    Without this, requests reuse the test's app context: flask.g (Flask-Login's cached
    user) and the SQLAlchemy session would leak from one request into the next. After
    each request the test's session is committed (and so expired) so assertions read what
    was stored.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        # End the test's own transaction too: on SQLite it would keep reading its snapshot.
        if has_app_context():
            _db.session.commit()
        return response


def make_test_app(database_url: str, instance_path):
    """The app as tests use it: a database of the test's own, mail kept in memory, no
    CSRF or rate limits (their own tests turn them on), a per-test instance folder."""
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": database_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "MAIL_BACKEND": "locmem",
        "SERVER_NAME": "localhost",
        "BASE_URL": "http://localhost",
    })
    app.test_client_class = FreshContextClient
    app.jinja_env.bytecode_cache = _TEMPLATES
    app.instance_path = str(instance_path)
    os.makedirs(app.instance_path, exist_ok=True)
    return app


@pytest.fixture
def app(tmp_path, database_url):
    app = make_test_app(database_url, tmp_path / "instance")
    with app.app_context():
        _db.create_all()
        yield app
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def sign_in(client, user_key: str | None) -> None:
    """Put the session of a user (their get_id()) in the client's cookie; None: sign out."""
    with client.session_transaction() as sess:
        sess.clear()
        if user_key is not None:
            sess["_user_id"] = user_key
            sess["_fresh"] = True


@pytest.fixture
def login(client):
    """login(user) signs the test client in as user; login(None) signs out."""
    def _login(user):
        sign_in(client, user.get_id() if user is not None else None)
        return user
    return _login


@pytest.fixture
def outbox(app):
    """The messages sent during the test (locmem backend)."""
    state = app.extensions["mailman"]
    state.outbox = []
    return state.outbox


@contextmanager
def count_queries(engine=None):
    """Count SQL statements run inside the block: `with count_queries() as n: ...; n()`."""
    engine = engine or _db.engine
    statements = []

    def _before(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA",
                                                      "SAVEPOINT", "RELEASE")):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", _before)
    try:
        yield lambda: len(statements)
    finally:
        event.remove(engine, "before_cursor_execute", _before)


@pytest.fixture
def query_counter():
    return count_queries
