"""The reference for the check-in benchmark: a bare Flask view doing the same database work.

One select (the ticket), one insert (the event) and one update (the device), in a
BEGIN IMMEDIATE transaction on the same SQLite file in WAL mode — no ORM, no checks.
"""
import os
import sqlite3
import uuid
from datetime import datetime, timezone

from flask import Flask, jsonify, request

app = Flask(__name__)
DB = os.environ["BENCH_DB"]
_conn = None


def conn():
    global _conn
    if _conn is None:
        _conn = sqlite3.connect(DB, isolation_level=None, timeout=30)
        _conn.execute("PRAGMA journal_mode=WAL")
        _conn.execute("PRAGMA busy_timeout=30000")
    return _conn


@app.post("/ref/scans")
def scan():
    body = request.get_json()
    now = datetime.now(timezone.utc).isoformat(sep=" ")
    c = conn()
    c.execute("BEGIN IMMEDIATE")
    row = c.execute("SELECT id, camp_id FROM registrations WHERE ticket_secret = ?",
                    (body["ticket"],)).fetchone()
    c.execute("INSERT INTO checkin_events (camp_id, registration_id, scanned, direction, result,"
              " admitted, override_reason, nonce, scanned_at, at) VALUES (?,?,?,?,?,?,?,?,?,?)",
              (row[1], row[0], body["ticket"], "in", "ok", 1, "", uuid.uuid4().hex, now, now))
    c.execute("UPDATE devices SET last_seen_at = ? WHERE id = 1", (now,))
    c.execute("COMMIT")
    return jsonify(result="ok")
