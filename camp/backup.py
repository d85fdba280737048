"""Backups and restore: `flask camp backup` and `flask camp restore`.

SQLite: a consistent copy taken while the app serves, through SQLite's online backup API
on the engine's own connection (WAL mode: writers go on while the copy is read in one
step), written to instance/backups/camp-YYYYMMDD-HHMMSS.sqlite3, plus the stored files
(instance/uploads) in camp-YYYYMMDD-HHMMSS-uploads.tar.gz beside it. Two files, so the
database copy opens directly with sqlite3.

PostgreSQL: the database is backed up with pg_dump (pg_dump_command() prints the command);
this module does not pretend to do it.

Restore (SQLite only) checks the file first: a SQLite database that passes
integrity_check, with an alembic_version this code knows. The current database is saved
to instance/backups first, then replaced page by page through the same backup API.
"""
from __future__ import annotations

import os
import shlex
import sqlite3
import tarfile
from datetime import datetime

import click
from flask import current_app
from sqlalchemy.engine import make_url

from camp.extensions import db

SQLITE_HEADER = b"SQLite format 3\x00"


class BackupError(click.ClickException):
    """A backup or restore that cannot be done, with the reason (exit status 1)."""


def backup_dir() -> str:
    return os.path.join(current_app.instance_path, "backups")


def uploads_dir() -> str:
    return os.path.join(current_app.instance_path, "uploads")


def default_path(now: datetime | None = None, prefix: str = "camp") -> str:
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    return os.path.join(backup_dir(), f"{prefix}-{stamp}.sqlite3")


def uploads_archive_path(db_path: str) -> str:
    """camp-20270929-101500.sqlite3 -> camp-20270929-101500-uploads.tar.gz"""
    stem = db_path[:-len(".sqlite3")] if db_path.endswith(".sqlite3") else db_path
    return stem + "-uploads.tar.gz"


def is_sqlite() -> bool:
    return db.engine.dialect.name == "sqlite"


def sqlite_path() -> str:
    path = db.engine.url.database
    if not path or path == ":memory:" or path.startswith("file::memory:"):
        raise BackupError("The database is in memory; there is nothing to back up.")
    return os.path.abspath(path)


def backup_sqlite(dest: str) -> None:
    """A consistent copy of the live database in dest (written next to it, then moved)."""
    os.makedirs(os.path.dirname(os.path.abspath(dest)), exist_ok=True)
    tmp = dest + ".part"
    if os.path.exists(tmp):
        os.remove(tmp)
    raw = db.engine.raw_connection()  # with the engine's pragmas (WAL, busy_timeout)
    try:
        target = sqlite3.connect(tmp)
        try:
            raw.driver_connection.backup(target)  # all pages in one step: one snapshot
            target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            target.close()
    finally:
        raw.close()
    problem = integrity_problem(tmp)
    if problem:
        os.remove(tmp)
        raise BackupError(f"The copy failed its integrity check: {problem}")
    os.replace(tmp, dest)


def integrity_problem(path: str) -> str | None:
    """None when PRAGMA integrity_check says ok, else what it says."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
    except sqlite3.DatabaseError as exc:
        return str(exc)
    finally:
        conn.close()
    return None if rows == ["ok"] else "; ".join(rows[:5])


def archive_uploads(dest: str) -> int:
    """instance/uploads as a tar.gz (paths relative to uploads/); the number of files."""
    source = uploads_dir()
    count = 0
    tmp = dest + ".part"
    with tarfile.open(tmp, "w:gz") as tar:
        tar.add(source if os.path.isdir(source) else _empty_dir(), arcname="uploads",
                recursive=False)
        for folder, dirs, files in os.walk(source):
            dirs.sort()
            for name in sorted(files):
                if name.endswith(".part"):
                    continue  # a file being written
                path = os.path.join(folder, name)
                tar.add(path, arcname=os.path.join("uploads", os.path.relpath(path, source)))
                count += 1
    os.replace(tmp, dest)
    return count


def _empty_dir() -> str:
    os.makedirs(backup_dir(), exist_ok=True)
    return backup_dir()


def pg_dump_command(url, out: str) -> str:
    """The pg_dump command for this database, without the password (use PGPASSWORD or
    ~/.pgpass)."""
    url = make_url(str(url) if not isinstance(url, str) else url)
    parts = ["pg_dump", "--format=custom", "--no-owner", f"--file={out}"]
    if url.host:
        parts.append(f"--host={url.host}")
    if url.port:
        parts.append(f"--port={url.port}")
    if url.username:
        parts.append(f"--username={url.username}")
    parts.append(url.database or "")
    return shlex.join(parts)


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory
    scripts = ScriptDirectory(os.path.join(current_app.root_path, "migrations"))
    return {rev.revision for rev in scripts.walk_revisions()}


def head_revision() -> str:
    from alembic.script import ScriptDirectory
    return ScriptDirectory(os.path.join(current_app.root_path, "migrations")).get_current_head()


def check_backup_file(path: str) -> str:
    """The backup's migration revision, after checking it is one of ours and intact."""
    if not os.path.isfile(path):
        raise BackupError(f"{path}: no such file.")
    with open(path, "rb") as fh:
        if fh.read(16) != SQLITE_HEADER:
            raise BackupError(f"{path} is not a SQLite database.")
    problem = integrity_problem(path)
    if problem:
        raise BackupError(f"{path} is damaged: {problem}")
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = conn.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.DatabaseError:
        raise BackupError(f"{path} is not a Samskab database: it has no alembic_version "
                          "table.") from None
    finally:
        conn.close()
    if len(rows) != 1 or rows[0][0] not in known_revisions():
        found = ", ".join(str(r[0]) for r in rows) or "none"
        raise BackupError(f"{path} has database version {found}, which this version of "
                          "Samskab does not know. Restore it with the Samskab version that "
                          "made it.")
    return rows[0][0]


def restore_sqlite(path: str, uploads_archive: str | None = None) -> tuple[str, str]:
    """Replace the database (and with an archive, instance/uploads) with the backup's.

    Returns where the previous database was saved ("" when there was none) and the
    backup's migration revision. Stop the app's servers first."""
    revision = check_backup_file(path)
    target = sqlite_path()
    if os.path.abspath(path) == target:
        raise BackupError("That file is the database itself.")
    if uploads_archive:
        _check_archive(uploads_archive)
    saved = default_path(prefix="camp-before-restore")
    if os.path.exists(target):
        backup_sqlite(saved)
    db.session.remove()
    db.engine.dispose()  # no pooled connection keeps reading the old pages
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    dest = sqlite3.connect(target, timeout=30)
    try:
        source.backup(dest)
    finally:
        dest.close()
        source.close()
    if uploads_archive:
        _restore_uploads(uploads_archive)
    return saved if os.path.exists(saved) else "", revision


def _check_archive(archive: str) -> None:
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar.getmembers():
                parts = member.name.split("/")
                if parts[0] != "uploads" or ".." in parts or member.name.startswith("/") \
                        or not (member.isfile() or member.isdir()):
                    raise BackupError(f"{archive}: unexpected entry {member.name!r}.")
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"{archive} is not an uploads archive: {exc}") from None


def _restore_uploads(archive: str) -> None:
    """The archive's files become instance/uploads; the old folder is kept aside."""
    current = uploads_dir()
    if os.path.isdir(current):
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        os.replace(current, f"{current}.before-restore-{stamp}")
    with tarfile.open(archive, "r:gz") as tar:
        tar.extractall(current_app.instance_path, filter="data")
    os.makedirs(current, exist_ok=True)


def register_backup_commands(group) -> None:
    @group.command("backup")
    @click.option("--out", default=None, type=click.Path(dir_okay=False),
                  help="Where to write the database copy (default: "
                       "instance/backups/camp-YYYYMMDD-HHMMSS.sqlite3); the uploads "
                       "archive goes beside it as ...-uploads.tar.gz.")
    def backup_command(out):
        """Back up the database and the uploaded files while the app is running."""
        if not is_sqlite():
            click.echo("The database is PostgreSQL: back it up with pg_dump, for example\n\n"
                       f"  {pg_dump_command(db.engine.url, 'camp.dump')}\n\n"
                       "(the password from PGPASSWORD or ~/.pgpass), and the uploaded "
                       "files with\n\n"
                       f"  {shlex.join(['tar', '-czf', 'camp-uploads.tar.gz', '-C', current_app.instance_path, 'uploads'])}\n\n"
                       "Nothing was written by this command. See README, Backups.")
            return
        out = os.path.abspath(out or default_path())
        backup_sqlite(out)
        archive = uploads_archive_path(out)
        files = archive_uploads(archive)
        click.echo(f"Database copied to {out} (integrity check ok).")
        click.echo(f"{files} uploaded files archived in {archive}.")

    @group.command("restore")
    @click.argument("file", type=click.Path(dir_okay=False))
    @click.option("--uploads", "uploads_archive", default=None,
                  type=click.Path(dir_okay=False),
                  help="An uploads archive made by `flask camp backup` (default: the one "
                       "beside FILE, if there is one).")
    @click.option("--no-uploads", is_flag=True, help="Restore the database only.")
    @click.option("--yes", is_flag=True, help="Really replace the current data.")
    def restore_command(file, uploads_archive, no_uploads, yes):
        """Replace the SQLite database (and uploaded files) with a backup. Stop the app
        first."""
        if not is_sqlite():
            raise BackupError("Restore works on SQLite only. For PostgreSQL use pg_restore "
                              "(see README, Backups).")
        revision = check_backup_file(file)
        if uploads_archive is None and not no_uploads and \
                os.path.isfile(uploads_archive_path(file)):
            uploads_archive = uploads_archive_path(file)
        if no_uploads:
            uploads_archive = None
        target = sqlite_path()
        click.echo(f"{file}: a Samskab database at version {revision}.")
        if not yes:
            raise BackupError(f"This replaces {target}"
                              + (" and instance/uploads" if uploads_archive else "")
                              + ". Stop the app, then run again with --yes.")
        saved, revision = restore_sqlite(file, uploads_archive)
        if saved:
            click.echo(f"The previous database was saved to {saved}.")
        click.echo(f"Restored {target} from {file}."
                   + (f" Uploaded files restored from {uploads_archive}."
                      if uploads_archive else ""))
        if revision != head_revision():
            click.echo("The backup is from an older version: run `flask db upgrade` now.")
