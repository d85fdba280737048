"""Moving a whole camp between installations: what the JSON document holds.

`flask camp export-camp SLUG` writes one JSON document (camp/transfer_export.py) and
`flask camp import-camp FILE` reads it into another installation in one transaction
(camp/transfer_import.py). This module is the contract both sides share.

The document (FORMAT, VERSION):

    {"format": "samskab-camp", "version": 1, "exported_at": ISO time,
     "camp": {camp columns},
     "users": [{"email", "name", "organisation", "actor_type", "deleted"}, ...],  # by e-mail
     "tables": {"<table>": [{"id": source id, column: value, ...}, ...], ...}}

- Tables come in insertion order (parents first), rows by source id, keys in column
  order: the same data always gives the same document.
- Ids are the source installation's; the importer maps them to new ids. Ids held inside
  JSON columns and keys (answers by question, board preferences, charter snapshots and
  changelogs, reminder keys) are mapped too (ID_IN_JSON).
- A column pointing at a user is written without "_id" and holds the user's e-mail
  ("created_by": "ole@example.dk"); users are matched by e-mail on import and created,
  without a usable password, when missing. Never exported for users: password hashes,
  session tokens, the admin flag.
- Credentials are never exported (SECRETS): ticket secrets, device tokens, signature and
  unsubscribe tokens, team invitation nonces, and the scanned text of check-in events
  (a scan holds a ticket secret). The importer makes new ones (REGENERATED).
- Stored files (FILES) are embedded: the stored-name column is replaced by an object
  {"content_type": ..., "base64": ...}; the importer checks each file like an upload and
  stores it under a new random name.
"""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, Enum, Table

from camp.db import UTCDateTime
from camp.extensions import db

FORMAT = "samskab-camp"
VERSION = 1

# Table -> the column that says the row belongs to the camp: "camp_id" (the camp's id),
# or a foreign key to a table listed before it. Everything of a camp is here, except
# SKIPPED. tests/test_transfer.py fails when a new table is in neither.
SCOPE = {
    "programme_items": "camp_id",
    "registration_questions": "camp_id",
    "memberships": "camp_id",
    "invitations": "camp_id",
    "registrations": "camp_id",
    "consent_events": "camp_id",
    "devices": "camp_id",
    "checkin_events": "camp_id",
    "badge_settings": "camp_id",
    "challenges": "camp_id",
    "challenge_owners": "challenge_id",
    "challenge_values": "challenge_id",
    "challenge_resources": "challenge_id",
    "challenge_attachments": "challenge_id",
    "teams": "camp_id",
    "team_members": "camp_id",
    "seekers": "camp_id",
    "join_requests": "camp_id",
    "question_requests": "camp_id",
    "prototypes": "camp_id",
    "prototype_revisions": "prototype_id",
    "prototype_files": "prototype_id",
    "prototype_feedback": "prototype_id",
    "criteria": "camp_id",
    "jury_assignments": "camp_id",
    "scores": "assignment_id",
    "votes": "camp_id",
    "trials": "camp_id",
    "trial_prototypes": "trial_id",
    "trial_parties": "trial_id",
    "trial_reviews": "trial_id",
    "trial_commitment_revisions": "party_id",
    "trial_milestones": "trial_id",
    "trial_updates": "trial_id",
    "trial_photos": "update_id",
    "trial_followers": "trial_id",
    "trial_reminders_sent": "trial_id",
    "trial_evaluation_rounds": "trial_id",
    "trial_evaluation_answers": "round_id",
    "charters": "camp_id",
    "charter_editors": "charter_id",
    "charter_sections": "charter_id",
    "charter_clauses": "charter_id",
    "charter_versions": "charter_id",
    "charter_proposals": "charter_id",
    "charter_stances": "proposal_id",
    "charter_comments": "charter_id",
    "charter_signatures": "charter_id",
}

# Tables not carried over, and why.
SKIPPED = {
    "camps": "the camp row is the document's 'camp'",
    "users": "people are the document's 'users', matched by e-mail",
    "audit_events": "the source installation's log of who did what there",
    "badge_jobs": "finished PDF runs: files of the source installation",
    "booklet_jobs": "finished PDF runs: files of the source installation",
    "api_tokens": "a person's credentials for this installation, not the camp's",
}

# Credentials: never written to the document. The importer fills them (REGENERATED).
SECRETS = {
    "registrations": ("ticket_secret",),
    "devices": ("token_hash",),
    "checkin_events": ("scanned",),
    "charter_signatures": ("token_hash",),
    "teams": ("invite_nonce",),
    "trial_followers": ("unsubscribe_token",),
}
USER_SECRETS = ("password_hash", "session_token", "is_admin")  # never exported
USER_FIELDS = ("email", "name", "organisation", "actor_type")

# What the importer puts in place of SECRETS (documented in the README):
# - ticket secrets are new: old tickets and QR codes stop working; participants get
#   theirs again from their registration page (or an organiser re-sends them);
# - devices get an unknown token: every scanner must be set up again;
# - the scanned text of a check-in event becomes the registration's new ticket secret
#   (empty when no registration was found by the scan);
# - unconfirmed signatures lose their confirmation link (the signer asks for a new one);
# - team invitation links are gone (the team makes a new one); unsubscribe links are new.
REGENERATED = {table: columns for table, columns in SECRETS.items()}

# Stored files: table -> {column: (key in the document, upload area)}.
FILES = {
    "challenge_attachments": {"stored_name": ("file", "challenges")},
    "prototype_files": {"stored_name": ("file", "prototypes"),
                        "thumbnail_name": ("thumbnail", "prototypes")},
    "trial_photos": {"stored_name": ("file", "trials"),
                     "thumbnail_name": ("thumbnail", "trials")},
    "badge_settings": {"logo_file": ("logo", "badges")},
}

# Ids inside JSON values and text keys, mapped by the importer (see transfer_import).
ID_IN_JSON = {
    ("registrations", "answers"): "keys are registration_questions ids",
    ("seekers", "preferences"): "a list of challenges ids",
    ("charter_versions", "snapshot"): "charter_sections and charter_clauses ids",
    ("charter_versions", "changelog"): "charter_proposals ids",
    ("trial_reminders_sent", "key"): "review:<id>, milestone:<id>:<day>, "
                                     "commitment:<party id>:<review id>",
}


def table(name: str) -> Table:
    return db.metadata.tables[name]


def ordered_tables() -> list[Table]:
    """The camp's tables, parents before children (the metadata's dependency order)."""
    return [t for t in db.metadata.sorted_tables if t.name in SCOPE]


def user_column(column) -> bool:
    return any(fk.column.table.name == "users" for fk in column.foreign_keys)


def user_key(column_name: str) -> str:
    """created_by_id -> created_by: the document's key for a user column."""
    return column_name[:-3] if column_name.endswith("_id") else column_name


def parent_table(column) -> str | None:
    """The camp table a foreign key column points at (None for users and plain columns)."""
    for fk in column.foreign_keys:
        name = fk.column.table.name
        if name != "users":
            return name
    return None


def dump_value(column, value):
    """A column's value as JSON."""
    if value is None:
        return None
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def load_value(column, value):
    """A JSON value back as what the column takes; ValueError when it does not fit."""
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, UTCDateTime):
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            raise ValueError(f"{column.table.name}.{column.name}: time without a zone")
        return parsed
    if isinstance(kind, Date):
        return date.fromisoformat(value)
    if isinstance(kind, Enum) and kind.enum_class is not None:
        return kind.enum_class(value)
    return value
