"""Property-based fuzzing of the main forms (issue 9): arbitrary text and numbers (very
long strings, NUL bytes, unicode, wrong types, missing fields) through the test client.

Never a 500; a rejected input (anything but a redirect after success) changes nothing in
the database. One world per test function; hypothesis runs a small number of examples
inside it (the examples share the world, so an accepted one may change what the next sees).
"""
from __future__ import annotations

import hashlib
from html.parser import HTMLParser

import pytest
from flask import url_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from camp.extensions import db
from tests.factories import make_user

EXAMPLES = 25
FUZZ_SETTINGS = settings(max_examples=EXAMPLES, deadline=None, database=None,
                         suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                HealthCheck.too_slow])

# Answers a bad input may get: the form again, or a refusal. Never 500.
ACCEPTED = {302, 303}
REFUSED = {200, 400, 403, 404, 405, 409, 413, 422, 429}


# ---------------------------------------------------------------- reading the form

class _Forms(HTMLParser):
    """The forms of a page: action, method and fields with their current values."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action") or "", "method": (a.get("method") or
                          "get").lower(), "fields": {}, "choices": {}}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio"):
                self._form["choices"].setdefault(a["name"], []).append(a.get("value") or "y")
                if "checked" in a:
                    self._form["fields"][a["name"]] = a.get("value") or "y"
                else:
                    self._form["fields"].setdefault(a["name"], None)
            else:
                self._form["fields"][a["name"]] = a.get("value") or ""
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self._form["fields"][a["name"]] = ""
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self._form["fields"][a["name"]] = None
            self._form["choices"][a["name"]] = []
        elif tag == "option" and self._select:
            value = a.get("value", "")
            self._form["choices"][self._select].append(value)
            if "selected" in a or self._form["fields"][self._select] is None:
                self._form["fields"][self._select] = value

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form["fields"][self._textarea] += data


def form_on(client, url: str) -> dict:
    """The POST form of the page at url whose action is url (or empty)."""
    res = client.get(url)
    assert res.status_code == 200, (url, res.status_code)
    parser = _Forms()
    parser.feed(res.get_data(as_text=True))
    path = url.split("?")[0]
    for form in parser.forms:
        if form["method"] == "post" and form["action"].split("?")[0] in ("", path):
            form["fields"].pop("csrf_token", None)
            form["fields"] = {k: v for k, v in form["fields"].items() if v is not None}
            return form
    raise AssertionError(f"no POST form for {url}: {[f['action'] for f in parser.forms]}")


# ---------------------------------------------------------------- fuzzed values

TEXT = st.one_of(
    # Any text a browser can send: UTF-8 has no lone surrogates, so neither has a form.
    st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), max_size=40),
    st.text(max_size=5).map(lambda s: s + "\x00" + s),  # NUL: PostgreSQL cannot store it
    st.integers(min_value=1000, max_value=200_000).map(lambda n: "x" * n),  # very long
    st.integers().map(str), st.floats(allow_nan=True).map(str),
    st.sampled_from(["", " ", "-1", "0", "1e309", "NaN", "true", "null", "[]", "{}",
                     "<script>alert(1)</script>", "' OR 1=1 --", "../../etc/passwd",
                     "2026-13-45", "2026-02-30T25:61", "😀" * 50, "\u202e", "%00"]),
)


def fuzzed(fields: dict, choices: dict):
    """The page's own values with a random subset replaced, dropped or doubled."""
    names = sorted(set(fields) | set(choices))

    @st.composite
    def build(draw):
        data = dict(fields)
        for name in draw(st.lists(st.sampled_from(names), unique=True, min_size=1)
                         if names else st.just([])):
            how = draw(st.sampled_from(["text", "text", "text", "drop", "choice", "many"]))
            if how == "drop":
                data.pop(name, None)
            elif how == "choice" and choices.get(name):
                data[name] = draw(st.sampled_from(choices[name]))
            elif how == "many":
                data[name] = draw(st.lists(TEXT, min_size=2, max_size=3))
            else:
                data[name] = draw(TEXT)
        # Fields the form does not have (and a wrong CSRF token) are ignored, not fatal.
        if draw(st.booleans()):
            data[draw(st.sampled_from(["extra", "c999999", "id", "csrf_token"]))] = draw(TEXT)
        return data
    return build()


# ---------------------------------------------------------------- what "nothing changed" is

def fingerprint() -> str:
    """A digest of every row of every table."""
    digest = hashlib.sha256()
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(select(table).order_by(*table.primary_key.columns)).all()
        digest.update(table.name.encode())
        digest.update(repr(rows).encode())
    db.session.rollback()
    return digest.hexdigest()


def fuzz_form(client, url: str, *, min_fields: int = 1, before_each=None):
    form = form_on(client, url)
    assert len(set(form["fields"]) | set(form["choices"])) >= min_fields, form
    seen: dict[int, int] = {}

    @FUZZ_SETTINGS
    @given(data=fuzzed(form["fields"], form["choices"]))
    def check(data):
        if before_each is not None:
            before_each()
        before = fingerprint()
        res = client.post(url, data=data)
        status = res.status_code
        res.close()
        seen[status] = seen.get(status, 0) + 1
        assert status in ACCEPTED | REFUSED, (status, data)
        if status not in ACCEPTED:
            assert fingerprint() == before, ("a refused input changed the database", status,
                                            data)
    check()
    # The fuzzer reached the form's validation, not only a wall in front of it.
    assert seen.get(200, 0) + seen.get(422, 0) + sum(seen.get(s, 0) for s in ACCEPTED), seen
    return seen


# ---------------------------------------------------------------- the forms

@pytest.fixture
def world(app):
    from tests.test_permissions import build_world
    users, args = build_world()
    return users, args


def _url(endpoint, **kwargs):
    from flask import current_app
    with current_app.test_request_context():
        return url_for(endpoint, **kwargs)


def test_fuzz_signup(client):
    fuzz_form(client, "/signup", min_fields=5)


def test_fuzz_login(client):
    make_user(locale="en", email="known@example.org")
    fuzz_form(client, "/login", min_fields=2)


def test_fuzz_registration(client, login, world):
    _users, args = world
    login(make_user(locale="en"))
    # Someone new each time: an accepted registration would turn the form into a redirect.
    fuzz_form(client, _url("registrations.register", slug=args["slug"]), min_fields=4,
              before_each=lambda: login(make_user(locale="en")))


def test_fuzz_challenge_form(client, login, world):
    users, args = world
    login(users["owner"])
    fuzz_form(client, _url("challenges.new", slug=args["slug"]), min_fields=4)


def test_fuzz_prototype_draft(client, login, world, app):
    users, args = world
    # A team without a prototype yet, led by a fresh participant: the draft form.
    from camp.camps.models import Camp, Role
    from tests.factories import add_role, make_team
    lead = make_user(locale="en")
    camp = db.session.execute(select(Camp).where(Camp.slug == args["slug"])).scalar_one()
    add_role(lead, camp, Role.participant)
    team = make_team(camp, lead=lead)
    login(lead)
    fuzz_form(client, _url("prototypes.team_prototype", slug=args["slug"], team_id=team.id),
              min_fields=4)


def test_fuzz_charter_proposal(client, login, world):
    users, args = world
    login(users["participant"])
    fuzz_form(client, _url("charters.propose", charter_slug=args["charter_slug"],
                           clause_id=args["clause_id"]), min_fields=1)


def test_fuzz_trial_update(client, login, world):
    users, args = world
    login(users["owner"])
    fuzz_form(client, _url("trial_progress.updates", trial_id=args["trial_id"]), min_fields=2)


def test_fuzz_jury_scoring(client, login, world):
    users, args = world
    login(users["jury"])
    fuzz_form(client, _url("judging.score", slug=args["slug"],
                           assignment_id=args["assignment_id"]), min_fields=2)


# ---------------------------------------------------------------- the scan API

JSON_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                         TEXT)
JSON = st.recursive(JSON_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=10), inner, max_size=3)),
    max_leaves=8)
SCAN_KEYS = ["ticket", "direction", "nonce", "scanned_at", "override_reason"]


def test_fuzz_scan_api(client, world, app):
    from camp.camps.models import Camp
    from camp.checkin.devices import create_device
    from camp.checkin.models import CheckinEvent
    users, args = world
    camp = db.session.execute(select(Camp).where(Camp.slug == args["slug"])).scalar_one()
    _device, token = create_device(users["organiser"], camp, "Fuzz", 12)
    db.session.commit()
    url = f"/api/v1/camps/{args['slug']}/scans"
    headers = {"Authorization": f"Bearer {token}"}
    body = st.one_of(
        st.dictionaries(st.sampled_from(SCAN_KEYS), JSON, max_size=5),
        st.fixed_dictionaries({"ticket": TEXT, "nonce": TEXT},
                              optional={"direction": JSON, "scanned_at": JSON,
                                        "override_reason": JSON}),
        JSON)
    seen: dict[int, int] = {}

    def events() -> int:
        n = db.session.execute(text(f"SELECT count(*) FROM {CheckinEvent.__tablename__}"))
        return n.scalar()

    @FUZZ_SETTINGS
    @given(payload=body, raw=st.booleans())
    def check(payload, raw):
        before = events()
        if raw and isinstance(payload, str):
            res = client.post(url, data=payload, headers=headers,
                              content_type="application/json")
        else:
            res = client.post(url, json=payload, headers=headers)
        seen[res.status_code] = seen.get(res.status_code, 0) + 1
        assert res.status_code in {200, 400, 409, 413, 415, 422}, (res.status_code, payload)
        answer = res.get_json(silent=True)
        assert isinstance(answer, dict), res.get_data(as_text=True)[:200]
        if res.status_code == 200:
            assert {"result", "admitted"} <= answer.keys(), answer
        else:
            assert events() == before, payload
    check()
    assert seen.get(422), seen
