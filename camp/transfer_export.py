"""Export a whole camp as one JSON document (the format: camp/transfer.py)."""
from __future__ import annotations

import base64
import json
import os

from sqlalchemy import select

from camp import uploads
from camp.camps.models import Camp
from camp.db import utcnow
from camp.errors import DomainError
from camp.extensions import db
from camp.transfer import FILES, FORMAT, SCOPE, SECRETS, USER_FIELDS, VERSION, \
    dump_value, ordered_tables, parent_table, table, user_column, user_key

MIMETYPES = {kind.ext: kind.mimetype for kind in uploads.KINDS.values()}


class ExportError(DomainError):
    code = "export_failed"


def begin_snapshot() -> None:
    """Read the whole export from one snapshot while the app goes on writing. SQLite's
    transaction is one already; PostgreSQL needs REPEATABLE READ. Call before any query."""
    if db.engine.dialect.name == "postgresql":
        db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def export_camp(camp: Camp) -> dict:
    """The camp and everything in it, as a JSON-ready dict with a stable key order."""
    scopes = {"camps": select(table("camps").c.id).where(table("camps").c.id == camp.id)}
    camp_row = db.session.execute(select(table("camps")).where(
        table("camps").c.id == camp.id)).mappings().one()
    user_ids: set[int] = set()
    rows_by_table: dict[str, list] = {}
    for t in ordered_tables():
        column = t.c[SCOPE[t.name]]
        parent = "camps" if SCOPE[t.name] == "camp_id" else parent_table(column)
        scopes[t.name] = select(t.c.id).where(column.in_(scopes[parent])) \
            if "id" in t.c else None
        rows = db.session.execute(
            select(t).where(column.in_(scopes[parent])).order_by(*t.primary_key.columns)
        ).mappings().all()
        rows_by_table[t.name] = rows
        for c in t.columns:
            if user_column(c):
                user_ids.update(r[c.name] for r in rows if r[c.name] is not None)
    emails = _emails(user_ids)
    _check_closed(rows_by_table, camp.id)
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": utcnow().replace(microsecond=0).isoformat(),
        "camp": {c.name: dump_value(c, camp_row[c.name]) for c in table("camps").columns},
        "users": _users(user_ids),
        "tables": {name: [_row(table(name), r, emails) for r in rows]
                   for name, rows in rows_by_table.items()},
    }


def _emails(user_ids) -> dict[int, str]:
    users = table("users")
    return dict(db.session.execute(
        select(users.c.id, users.c.email).where(users.c.id.in_(user_ids))).all())


def _users(user_ids) -> list[dict]:
    users = table("users")
    rows = db.session.execute(select(users).where(users.c.id.in_(user_ids))
                              .order_by(users.c.email)).mappings().all()
    return [{**{name: dump_value(users.c[name], r[name]) for name in USER_FIELDS},
             "deleted": r["deleted_at"] is not None} for r in rows]


def _row(t, row, emails) -> dict:
    out = {}
    files = FILES.get(t.name, {})
    for c in t.columns:
        if c.name in SECRETS.get(t.name, ()):
            continue
        value = row[c.name]
        if c.name in files:
            key, area = files[c.name]
            out[key] = _file(area, value)
        elif user_column(c):
            out[user_key(c.name)] = emails.get(value) if value is not None else None
        else:
            out[c.name] = dump_value(c, value)
    return out


def _file(area: str, stored_name: str | None) -> dict | None:
    if not stored_name:
        return None
    try:
        with open(uploads.path_of(area, stored_name), "rb") as fh:
            data = fh.read()
    except OSError:
        raise ExportError(f"The stored file {area}/{stored_name} is missing; restore it "
                          "from a backup of instance/uploads first.") from None
    ext = os.path.splitext(stored_name)[1].lstrip(".")
    return {"content_type": MIMETYPES.get(ext, "application/octet-stream"),
            "base64": base64.b64encode(data).decode("ascii")}


def _check_closed(rows_by_table, camp_id) -> None:
    """Every reference to camp data points inside the export (nothing of another camp)."""
    ids = {name: {r["id"] for r in rows} for name, rows in rows_by_table.items()
           if "id" in table(name).c}
    ids["camps"] = {camp_id}
    for name, rows in rows_by_table.items():
        for c in table(name).columns:
            parent = parent_table(c)
            if parent is None:
                continue
            bad = [r["id"] if "id" in r else r[c.name] for r in rows
                   if r[c.name] is not None and r[c.name] not in ids.get(parent, ())]
            if bad:
                raise ExportError(f"{name}.{c.name} points outside the camp (rows {bad[:5]}); "
                                  "the camp cannot be exported as one piece.")


def dumps(document: dict) -> str:
    """The document as text: UTF-8, indented, keys in the order they were made."""
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"
