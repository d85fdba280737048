"""flask camp backup / restore: a consistent SQLite copy while the app writes, and back."""
from __future__ import annotations

import os
import sqlite3
import tarfile
import threading
import time

import pytest
from sqlalchemy import func, select, text

from camp import uploads
from camp.backup import head_revision, pg_dump_command, uploads_archive_path
from camp.extensions import db
from camp.registrations.models import Registration, RegistrationStatus
from tests.conftest import POSTGRES_URL
from tests.factories import make_camp, make_user

sqlite_only = pytest.mark.skipif(bool(POSTGRES_URL), reason="SQLite backups")
postgres_only = pytest.mark.skipif(not POSTGRES_URL, reason="needs PostgreSQL")


def _registration(camp_id, n):
    return Registration(camp_id=camp_id, name=f"Writer {n}", email=f"w{n}@example.dk",
                        organisation="", status=RegistrationStatus.confirmed,
                        consent_text="ok")


def _stamp():
    """What `flask db upgrade` leaves: the migration version (tests use create_all)."""
    db.session.execute(text("CREATE TABLE IF NOT EXISTS alembic_version "
                            "(version_num VARCHAR(32) NOT NULL PRIMARY KEY)"))
    db.session.execute(text("DELETE FROM alembic_version"))
    db.session.execute(text("INSERT INTO alembic_version VALUES (:v)"), {"v": head_revision()})
    db.session.commit()


def _count(path, sql):
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


@sqlite_only
def test_a_backup_taken_while_registrations_are_written_is_consistent(app, runner):
    camp = make_camp(make_user(locale="en"), slug="travl")
    camp_id = camp.id
    stored = uploads.store("challenges", b"%PDF-1.4 plan\n%%EOF\n", "pdf")
    committed, stop, errors = [], threading.Event(), []

    def writer():
        try:
            with app.app_context():
                n = 0
                while not stop.is_set():
                    n += 1
                    reg = _registration(camp_id, n)
                    db.session.add(reg)
                    db.session.commit()
                    committed.append(reg.id)
                db.session.remove()
        except Exception as exc:  # shown by the assertion below
            errors.append(exc)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(committed) < 30:
            time.sleep(0.01)
        before = list(committed)  # committed before the backup started
        out = os.path.join(app.instance_path, "copy.sqlite3")
        result = runner.invoke(args=["camp", "backup", "--out", out])
        during = len(committed)
        time.sleep(0.05)
    finally:
        stop.set()
        thread.join(30)
    assert not errors, errors
    assert result.exit_code == 0, result.output
    assert "integrity check ok" in result.output and "1 uploaded files" in result.output
    assert len(committed) > during  # the writer went on during and after the copy
    conn = sqlite3.connect(out)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        ids = {r[0] for r in conn.execute("SELECT id FROM registrations")}
        assert conn.execute("SELECT slug FROM camps").fetchall() == [("travl",)]
    finally:
        conn.close()
    assert set(before) <= ids
    assert len(ids) <= len(committed)
    assert ids == set(committed[:len(ids)])  # a snapshot: a prefix of the commits
    with tarfile.open(uploads_archive_path(out)) as tar:
        assert f"uploads/challenges/{stored}" in tar.getnames()


@sqlite_only
def test_the_default_backup_goes_to_instance_backups(app, runner):
    make_camp(slug="standard")
    result = runner.invoke(args=["camp", "backup"])
    assert result.exit_code == 0, result.output
    names = sorted(os.listdir(os.path.join(app.instance_path, "backups")))
    database = [n for n in names if n.endswith(".sqlite3")]
    assert len(names) == 2 and len(database) == 1 and database[0].startswith("camp-")
    assert database[0][:-len(".sqlite3")] + "-uploads.tar.gz" in names


@sqlite_only
def test_restore_round_trip(app, runner):
    make_camp(slug="foer")
    kept = uploads.store("challenges", b"%PDF-1.4 keep\n%%EOF\n", "pdf")
    _stamp()
    backup = os.path.join(app.instance_path, "b.sqlite3")
    assert runner.invoke(args=["camp", "backup", "--out", backup]).exit_code == 0

    make_camp(slug="efter")  # changes after the backup
    later = uploads.store("challenges", b"%PDF-1.4 later\n%%EOF\n", "pdf")
    slugs = lambda: sorted(db.session.execute(text("SELECT slug FROM camps")).scalars())  # noqa: E731
    assert slugs() == ["efter", "foer"]
    db.session.commit()

    result = runner.invoke(args=["camp", "restore", backup])
    assert result.exit_code == 1 and "--yes" in result.output
    assert slugs() == ["efter", "foer"]
    db.session.commit()

    result = runner.invoke(args=["camp", "restore", backup, "--yes"])
    assert result.exit_code == 0, result.output
    assert "previous database was saved" in result.output
    assert slugs() == ["foer"]
    folder = os.path.join(app.instance_path, "uploads", "challenges")
    assert os.listdir(folder) == [kept] and later not in os.listdir(folder)
    saved = [n for n in os.listdir(os.path.join(app.instance_path, "backups"))
             if n.startswith("camp-before-restore-")]
    assert len(saved) == 1
    assert _count(os.path.join(app.instance_path, "backups", saved[0]),
                  "SELECT count(*) FROM camps") == 2
    # The app goes on writing to the restored database.
    make_camp(slug="igen")
    assert db.session.execute(select(func.count()).select_from(
        db.metadata.tables["camps"])).scalar() == 2


@sqlite_only
def test_restore_refuses_what_is_not_our_backup(app, runner):
    make_camp(slug="bliver")
    folder = app.instance_path
    text_file = os.path.join(folder, "noter.txt")
    with open(text_file, "w") as fh:
        fh.write("not a database")
    result = runner.invoke(args=["camp", "restore", text_file, "--yes"])
    assert result.exit_code == 1 and "not a SQLite database" in result.output

    foreign = os.path.join(folder, "foreign.sqlite3")
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    result = runner.invoke(args=["camp", "restore", foreign, "--yes"])
    assert result.exit_code == 1 and "no alembic_version" in result.output

    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32))")
    conn.execute("INSERT INTO alembic_version VALUES ('9999_future')")
    conn.commit()
    conn.close()
    result = runner.invoke(args=["camp", "restore", foreign, "--yes"])
    assert result.exit_code == 1 and "9999_future" in result.output
    assert "does not know" in result.output

    result = runner.invoke(args=["camp", "restore", os.path.join(folder, "nothing.sqlite3")])
    assert result.exit_code == 1 and "no such file" in result.output
    assert db.session.execute(text("SELECT slug FROM camps")).scalars().all() == ["bliver"]


def test_the_pg_dump_command_names_the_database_but_not_the_password():
    command = pg_dump_command("postgresql+psycopg://camp:hemmelig@db.example:5433/samskab",
                              "camp.dump")
    assert command == ("pg_dump --format=custom --no-owner --file=camp.dump "
                       "--host=db.example --port=5433 --username=camp samskab")
    assert "hemmelig" not in command


@postgres_only
def test_on_postgresql_backup_prints_pg_dump_and_writes_nothing(app, runner):
    result = runner.invoke(args=["camp", "backup"])
    assert result.exit_code == 0, result.output
    assert "pg_dump --format=custom" in result.output
    assert "Nothing was written" in result.output
    assert not os.path.exists(os.path.join(app.instance_path, "backups"))
    result = runner.invoke(args=["camp", "restore", "x.sqlite3", "--yes"])
    assert result.exit_code == 1 and "pg_restore" in result.output
