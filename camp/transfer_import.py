"""Import a camp document (camp/transfer.py) into this installation, in one transaction.

import_camp(document, slug=None) adds everything to the session and flushes; the caller
commits (or rolls back: the stored files written so far are then removed again).
"""
from __future__ import annotations

import base64
import binascii
import re
import secrets
import uuid
from dataclasses import dataclass, field

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from camp import uploads
from camp.auth.models import ActorType, User
from camp.camps.services import SLUG_MAX, SLUG_RE
from camp.checkin.devices import hash_token
from camp.db import utcnow
from camp.errors import DomainError
from camp.extensions import db
from camp.registrations.models import new_ticket_secret
from camp.transfer import FILES, FORMAT, ID_IN_JSON, SCOPE, SECRETS, VERSION, \
    load_value, ordered_tables, parent_table, table, user_column, user_key


class ImportRefused(DomainError):
    code = "import_refused"


@dataclass
class ImportResult:
    camp_id: int
    slug: str
    users_created: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    files: int = 0


def check_document(document) -> None:
    """Refuse what is not a camp document of a version this code reads."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ImportRefused("This is not a Samskab camp export (no \"format\": "
                            f"\"{FORMAT}\").")
    if document.get("version") != VERSION:
        raise ImportRefused(f"The camp export has format version {document.get('version')!r}; "
                            f"this installation reads version {VERSION} only. Export the "
                            "camp again with the same Samskab version as this one.")
    for key, kind in (("camp", dict), ("users", list), ("tables", dict)):
        if not isinstance(document.get(key), kind):
            raise ImportRefused(f"The camp export has no valid {key!r} part.")
    unknown = sorted(set(document["tables"]) - set(SCOPE))
    if unknown:
        raise ImportRefused(f"The camp export has tables this installation does not know: "
                            f"{', '.join(unknown)}.")


def import_camp(document: dict, slug: str | None = None) -> ImportResult:
    check_document(document)
    importer = _Importer(document)
    try:
        return importer.run(slug)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ImportRefused(f"The camp export is damaged: {importer.where}: "
                            f"{type(exc).__name__}: {exc}") from None
    except IntegrityError as exc:
        raise ImportRefused(f"The camp export does not fit this installation's data at "
                            f"{importer.where}: {exc.orig}") from None


class _Importer:
    def __init__(self, document):
        self.doc = document
        self.ids: dict[str, dict[int, int]] = {}  # table -> source id -> new id
        self.users: dict[str, int] = {}  # e-mail in the document -> user id here
        self.tickets: dict[int, str] = {}  # new registration id -> new ticket secret
        self.later: list[tuple] = []  # (table, column, new id, source value, kept values)
        self.where = "the document"

    def run(self, slug):
        camp_doc = self.doc["camp"]
        slug = slug or camp_doc["slug"]
        if not SLUG_RE.match(slug or "") or len(slug) > SLUG_MAX:
            raise ImportRefused(f"{slug!r} is not a valid camp address (lower-case letters, "
                                "digits and dashes).")
        camps = table("camps")
        if db.session.execute(select(camps.c.id).where(camps.c.slug == slug)).first():
            raise ImportRefused(f"A camp with the address {slug!r} exists already; import "
                                "with --slug NEW.")
        result = ImportResult(camp_id=0, slug=slug)
        self._users(result)
        self.where = "camp"
        values = {c.name: load_value(c, camp_doc[c.name]) for c in camps.columns
                  if c.name != "id"}
        values["slug"] = slug
        result.camp_id = db.session.execute(insert(camps).values(**values)) \
            .inserted_primary_key[0]
        self.ids["camps"] = {camp_doc["id"]: result.camp_id}
        self._nonces_taken = self._taken_nonces()
        for t in ordered_tables():
            rows = self.doc["tables"].get(t.name, [])
            self.ids[t.name] = {}
            for index, row in enumerate(rows):
                self.where = f"{t.name}[{index}]"
                new_id = self._insert(t, row, result)
                if "id" in t.c:
                    self.ids[t.name][row["id"]] = new_id
            result.counts[t.name] = len(rows)
        self._map_later()
        db.session.flush()
        return result

    # people
    def _users(self, result):
        users = table("users")
        for index, person in enumerate(self.doc["users"]):
            self.where = f"users[{index}]"
            email = person["email"]
            found = db.session.execute(select(users.c.id).where(
                func.lower(users.c.email) == email.strip().lower())).scalar()
            if found is None:
                # No password: the person sets one through "forgot password".
                user = User(email=email.strip().lower(), name=person["name"],
                            organisation=person["organisation"],
                            actor_type=ActorType(person["actor_type"]),
                            session_token=secrets.token_hex(16),
                            deleted_at=utcnow() if person.get("deleted") else None)
                db.session.add(user)
                db.session.flush()
                found = user.id
                result.users_created.append(user.email)
            self.users[email] = found

    # rows
    def _insert(self, t, row, result):
        values, pending = {}, []  # pending: (column, source value) to map at the end
        files = FILES.get(t.name, {})
        for c in t.columns:
            if c.name == "id":
                continue
            if c.name in SECRETS.get(t.name, ()):
                values[c.name] = self._secret(t.name, c.name, row)
            elif c.name in files:
                key, area = files[c.name]
                values[c.name] = self._file(area, row[key], c.nullable)
                result.files += values[c.name] is not None
            elif user_column(c):
                email = row[user_key(c.name)]
                values[c.name] = None if email is None else self.users[email]
            elif parent_table(c) == t.name and row[c.name] is not None \
                    and row[c.name] not in self.ids[t.name]:
                values[c.name] = None  # a reply to a row further on
                pending.append((c.name, row[c.name]))
            elif parent_table(c) is not None:
                source = row[c.name]
                values[c.name] = None if source is None else self.ids[parent_table(c)][source]
            elif (t.name, c.name) in ID_IN_JSON:  # the ids it holds may come later
                values[c.name] = f"import:{uuid.uuid4().hex}" if c.name == "key" \
                    else row[c.name]
                pending.append((c.name, row[c.name]))
            else:
                values[c.name] = load_value(c, row[c.name])
        if t.name == "charters":
            values["slug"] = self._free_charter_slug(values["slug"])
        if t.name == "checkin_events" and values["nonce"] in self._nonces_taken:
            values["nonce"] = uuid.uuid4().hex
        new_id = db.session.execute(insert(t).values(**values)).inserted_primary_key[0]
        if t.name == "registrations":
            self.tickets[new_id] = values["ticket_secret"]
        # An UPDATE would touch updated_at (onupdate): it keeps the imported value.
        keep = {c.name: values[c.name] for c in t.columns if c.onupdate is not None}
        self.later.extend((t.name, column, new_id, value, keep) for column, value in pending)
        return new_id

    def _secret(self, table_name, column, row):
        if table_name == "registrations":
            return new_ticket_secret()
        if table_name == "devices":
            return hash_token(secrets.token_urlsafe(32))  # nobody knows it: set up again
        if table_name == "trial_followers":
            return secrets.token_urlsafe(32)
        if table_name == "checkin_events":
            reg = row.get("registration_id")
            return self.tickets.get(self.ids["registrations"].get(reg), "") if reg else ""
        return None  # signature confirmation links, team invitation nonces

    def _file(self, area, embedded, nullable):
        if embedded is None:
            if not nullable:
                raise ValueError("a stored file is missing")
            return None
        try:
            data = base64.b64decode(embedded["base64"], validate=True)
        except (binascii.Error, TypeError) as exc:
            raise ValueError(f"a file is not valid base64 ({exc})") from None
        kind = uploads.sniff(data)
        if kind.mimetype != embedded.get("content_type"):
            raise ValueError(f"a file is {kind.mimetype}, not {embedded.get('content_type')}")
        return uploads.store(area, data, kind.ext, session=db.session())

    def _free_charter_slug(self, slug):
        charters = table("charters")
        base, n = slug, 1
        while db.session.execute(select(charters.c.id).where(charters.c.slug == slug)).first():
            n += 1
            suffix = f"-{n}"
            slug = base[:80 - len(suffix)] + suffix
        return slug

    def _taken_nonces(self) -> set[str]:
        events = table("checkin_events")
        nonces = [r["nonce"] for r in self.doc["tables"].get("checkin_events", [])]
        taken = set()
        for start in range(0, len(nonces), 500):
            taken.update(db.session.execute(select(events.c.nonce).where(
                events.c.nonce.in_(nonces[start:start + 500]))).scalars())
        return taken

    # ids inside values, and replies to later rows
    def _map_later(self):
        groups: dict[tuple, list] = {}
        for table_name, column, new_id, value, keep in self.later:
            self.where = f"{table_name}.{column}"
            groups.setdefault((table_name, column), []).append(
                {"_id": new_id, "_value": self._mapped(table_name, column, value),
                 **{f"_keep_{k}": v for k, v in keep.items()}})
        for (table_name, column), params in groups.items():
            t = table(table_name)
            kept = {c.name: bindparam(f"_keep_{c.name}") for c in t.columns
                    if c.onupdate is not None}
            db.session.execute(update(t).where(t.c.id == bindparam("_id"))
                               .values({column: bindparam("_value"), **kept})
                               .execution_options(synchronize_session=False), params)

    def _mapped(self, table_name, column, value):
        if value is None:
            return None
        if parent_table(table(table_name).c[column]) == table_name:
            return self.ids[table_name][value]
        ids = self.ids
        if column == "answers":
            return {_map_key(ids["registration_questions"], k): v for k, v in value.items()}
        if column == "preferences":
            return [ids["challenges"].get(v) for v in value]
        if column == "snapshot":
            return _map_snapshot(value, ids["charter_sections"], ids["charter_clauses"])
        if column == "changelog":
            return [{**entry, "proposal_id": ids["charter_proposals"].get(
                entry.get("proposal_id"))} if entry.get("proposal_id") is not None else entry
                for entry in value]
        if column == "key":
            return _map_reminder_key(value, ids)
        raise ValueError(f"no mapping for {table_name}.{column}")


def _map_key(mapping, key):
    return str(mapping[int(key)]) if str(key).isdigit() and int(key) in mapping else key


def _map_snapshot(snapshot, sections, clauses):
    return {**snapshot, "sections": [
        {**s, "id": sections.get(s.get("id")),
         "clauses": [{**c, "id": clauses.get(c.get("id"))} for c in s.get("clauses", [])]}
        for s in snapshot.get("sections", [])]}


REMINDER_KEY = re.compile(r"^(review|milestone|commitment):(\d+)(?::(.*))?$")


def _map_reminder_key(key, ids):
    match = REMINDER_KEY.match(key)
    if not match:
        return key
    kind, first, rest = match.groups()
    if kind == "review":
        return f"review:{ids['trial_reviews'][int(first)]}"
    if kind == "milestone":
        return f"milestone:{ids['trial_milestones'][int(first)]}:{rest}"
    return f"commitment:{ids['trial_parties'][int(first)]}:{ids['trial_reviews'][int(rest)]}"
