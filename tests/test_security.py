"""Security hardening (issue 9): cookies, CSP without inline code, rate limits, bandit,
pip-audit.

The fuzzing of forms is in test_fuzz_forms.py, the OpenAPI checks in test_api_schema.py.
"""
from __future__ import annotations

import configparser
import importlib.util
import json
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import url_for

from camp import create_app
from camp.extensions import db as _db
from tests.conftest import FreshContextClient
from tests.factories import PASSWORD, make_user

ROOT = Path(__file__).resolve().parent.parent


# ---------------------------------------------------------------- an app of our own

def _make_app(database_url, tmp_path, **extra):
    config = {"TESTING": True, "SECRET_KEY": "test-secret", "DATABASE_URL": database_url,
              "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, "MAIL_BACKEND": "locmem",
              "SERVER_NAME": "localhost", "BASE_URL": "http://localhost"}
    config.update(extra)
    app = create_app(config)
    app.test_client_class = FreshContextClient
    app.instance_path = str(tmp_path / "instance")
    os.makedirs(app.instance_path, exist_ok=True)
    return app


@pytest.fixture
def app_with(database_url, tmp_path):
    """app_with(**config): a fresh app on the test's database, inside its app context."""
    contexts = []

    def build(**extra):
        app = _make_app(database_url, tmp_path, **extra)
        ctx = app.app_context()
        ctx.push()
        contexts.append(ctx)
        _db.create_all()
        return app
    yield build
    for ctx in reversed(contexts):
        _db.session.remove()
        _db.engine.dispose()
        ctx.pop()
    # The limiter is one object for every app in the process: leave it off as the others
    # expect.
    from camp.extensions import limiter
    limiter.enabled = False


def _cookie(response, name: str) -> str:
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(name + "="):
            return header
    raise AssertionError(f"no {name} cookie in {response.headers.getlist('Set-Cookie')}")


# ---------------------------------------------------------------- 1. cookies

def test_login_cookies_secure_httponly_samesite_with_production_setting(app_with):
    app = app_with(COOKIE_SECURE=True)
    user = make_user(locale="en")
    client = app.test_client()
    res = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                      "remember": "y"})
    assert res.status_code == 303
    for name in ("session", "remember_token"):
        attributes = [a.strip().lower() for a in _cookie(res, name).split(";")]
        assert "secure" in attributes, (name, attributes)
        assert "httponly" in attributes, (name, attributes)
        assert "samesite=lax" in attributes, (name, attributes)


def test_cookies_not_secure_when_the_setting_is_off(app_with):
    app = app_with(COOKIE_SECURE=False)
    user = make_user(locale="en")
    res = app.test_client().post("/login", data={"email": user.email, "password": PASSWORD})
    attributes = [a.strip().lower() for a in _cookie(res, "session").split(";")]
    assert "secure" not in attributes and "httponly" in attributes
    assert "samesite=lax" in attributes


def test_cookie_secure_defaults(monkeypatch, tmp_path):
    """Production (not debug, not testing) is Secure by default; CAMP_COOKIE_SECURE=false
    turns it off; testing and debug default to off (plain HTTP)."""
    url = f"sqlite:///{tmp_path}/x.db"
    monkeypatch.delenv("CAMP_COOKIE_SECURE", raising=False)
    monkeypatch.delenv("CAMP_CONFIG_JSON", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    monkeypatch.setenv("CAMP_SECRET_KEY", "production-" + "x" * 30)
    production = create_app({"DATABASE_URL": url})
    assert production.config["SESSION_COOKIE_SECURE"] is True
    assert production.config["REMEMBER_COOKIE_SECURE"] is True
    assert production.config["SESSION_COOKIE_HTTPONLY"] is True
    assert production.config["REMEMBER_COOKIE_HTTPONLY"] is True
    assert production.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert production.config["REMEMBER_COOKIE_SAMESITE"] == "Lax"
    assert create_app({"DATABASE_URL": url, "TESTING": True}).config[
        "SESSION_COOKIE_SECURE"] is False
    monkeypatch.setenv("CAMP_COOKIE_SECURE", "false")
    assert create_app({"DATABASE_URL": url}).config["SESSION_COOKIE_SECURE"] is False


# ---------------------------------------------------------------- 2. CSP, no inline code

class _InlineFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        for name, _value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...> (inline event handler)")
            elif name == "style":
                self.problems.append(f"<{tag} style=...> (inline style)")
        if tag == "script":
            self._in_script = True
            if not dict(attrs).get("src"):
                self.problems.append("<script> without src")
        elif tag == "style":
            self.problems.append("<style> element")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.problems.append(f"inline script: {data.strip()[:60]!r}")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self._in_script = False


def inline_code(html: str) -> list[str]:
    finder = _InlineFinder()
    finder.feed(html)
    finder.close()
    return finder.problems


@pytest.mark.once
def test_inline_finder_catches_what_csp_would_block():
    assert inline_code('<p>ok</p><script src="/static/js/x.js"></script>') == []
    assert inline_code("<script>alert(1)</script>")
    assert inline_code('<a href="#" onclick="x()">x</a>')
    assert inline_code('<div style="color:red">x</div>')
    assert inline_code("<style>p{}</style>")


def _check_csp(response, where):
    csp = response.headers.get("Content-Security-Policy", "")
    assert csp, f"{where}: no Content-Security-Policy header"
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp, (where, csp)
    directives = dict((part.strip().split(" ", 1) + [""])[:2] for part in csp.split(";")
                      if part.strip())
    assert "script-src" in directives or "default-src" in directives, (where, csp)
    if response.mimetype == "text/html":
        assert directives.get("frame-ancestors") == "'none'", (where, csp)
    else:  # a stored file: nothing runs, nothing loads
        assert "sandbox" in directives or "frame-ancestors" in directives, (where, csp)


# The role that sees the most of a page: the first in this list that the row allows.
_VIEWERS = ["organiser", "admin", "owner", "jury", "staff", "participant", "anonymous"]


def _every_html_page(app, client, login):
    """(url, role, response) for every GET route of the permission table, as the most
    privileged role that is allowed to see it: public, organiser and participant pages."""
    from tests.test_permissions import ROWS, build_world
    users, args = build_world()
    for endpoint, method, expected, default in ROWS:
        if method != "GET":
            continue
        allowed = [r for r in _VIEWERS if expected.get(r, default) == 200]
        # The most privileged viewer, and the participant (their own team, tickets, data).
        viewers = sorted({allowed[0], "participant"} & set(allowed)) if allowed else []
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
        if not viewers or set(rule.arguments) - set(args):
            continue
        with app.test_request_context():
            url = url_for(endpoint, **{k: args[k] for k in rule.arguments})
        for role in viewers:
            login(users.get(role))
            yield url, role, client.get(url)


@pytest.mark.once
def test_pages_have_csp_and_no_inline_code(app, client, login):
    checked, roles, failures = 0, set(), []
    for url, role, response in _every_html_page(app, client, login):
        try:
            _check_csp(response, url)
            # A download (the charter as a standalone .html file) is not shown by the app.
            download = response.headers.get("Content-Disposition", "").startswith("attachment")
            if response.status_code == 200 and response.mimetype == "text/html" \
                    and not download:
                problems = inline_code(response.get_data(as_text=True))
                if problems:
                    failures.append(f"{url} ({role}): {sorted(set(problems))}")
                checked += 1
                roles.add(role)
        finally:
            response.close()
    assert not failures, "\n".join(failures)
    # The sample is real: many pages, seen as the public, organisers and participants.
    assert checked >= 120, checked
    assert {"anonymous", "organiser", "participant"} <= roles, roles


def test_error_pages_and_api_carry_the_csp(client):
    for url in ("/no-such-page", "/t/not-a-ticket", "/api/v1/openapi.json"):
        _check_csp(client.get(url), url)


# ---------------------------------------------------------------- 7. rate limits

def _limited_app(app_with):
    app = app_with(RATELIMIT_ENABLED=True)
    from camp.extensions import limiter
    limiter.reset()
    return app


def _hammer(client, method, url, times, **kwargs):
    statuses = [client.open(url, method=method, **kwargs).status_code for _ in range(times)]
    return statuses


def test_login_rate_limited(app_with):
    app = _limited_app(app_with)
    user = make_user(locale="en")
    client = app.test_client()
    statuses = _hammer(client, "POST", "/login", 11,
                       data={"email": user.email, "password": "wrong password"})
    assert statuses[:10] == [200] * 10, statuses
    assert statuses[10] == 429
    # Even the right password is refused now: the limit is on tries, not on failures.
    res = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert res.status_code == 429
    # Reading the form is not limited.
    assert client.get("/login").status_code == 200


def test_password_reset_rate_limited(app_with, ):
    app = _limited_app(app_with)
    client = app.test_client()
    statuses = _hammer(client, "POST", "/password/forgot", 6,
                       data={"email": "someone@example.org"})
    assert statuses[:5] == [303] * 5 and statuses[5] == 429, statuses
    statuses = _hammer(client, "POST", "/password/reset/not-a-token", 11,
                       data={"password": "x" * 14, "password_confirm": "x" * 14})
    assert statuses[10] == 429 and 429 not in statuses[:10], statuses


def test_ticket_lookup_rate_limited(app_with):
    app = _limited_app(app_with)
    client = app.test_client()
    # The page and the PDF share one budget of 60 guesses a minute.
    statuses = _hammer(client, "GET", "/t/guess-that-is-wrong", 30)
    statuses += _hammer(client, "GET", "/t/guess-that-is-wrong.pdf", 31)
    assert statuses[:60] == [404] * 60 and statuses[60] == 429, statuses


def test_api_rate_limited(app_with):
    from camp.checkin.devices import create_device
    from tests.factories import make_camp
    app = _limited_app(app_with)
    organiser = make_user(locale="en")
    camp = make_camp(organiser=organiser)
    _device, token = create_device(organiser, camp, "Door", 12)
    _db.session.commit()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    url = f"/api/v1/camps/{camp.slug}/attendees"
    statuses = _hammer(client, "GET", url, 121, headers=headers)
    assert statuses[:120] == [200] * 120 and statuses[120] == 429, statuses[-3:]
    body = client.get(url, headers=headers)
    assert body.status_code == 429
    # Scans have their own, larger budget: a queue at the door is not an attack.
    scan = f"/api/v1/camps/{camp.slug}/scans"
    statuses = _hammer(client, "POST", scan, 601, headers=headers, json={"ticket": ""})
    assert 429 not in statuses[:600] and statuses[600] == 429, statuses[-3:]


# ---------------------------------------------------------------- 3. bandit

def _tool(module: str):
    if importlib.util.find_spec(module) is None:
        if os.environ.get("CI"):
            pytest.fail(f"{module} is not installed; ./scripts/test installs the test extras")
        pytest.skip(f"{module} is not installed (pip install -e '.[test]')")


@pytest.mark.once
@pytest.mark.slow
def test_bandit_finds_no_medium_or_high_issues():
    _tool("bandit")
    proc = subprocess.run([sys.executable, "-m", "bandit", "-r", "camp", "-q", "-f", "json",
                           "-ll", "-c", ".bandit"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    report = json.loads(proc.stdout)
    assert not report["errors"], report["errors"]
    findings = [f"{r['filename']}:{r['line_number']} {r['test_id']} {r['issue_severity']}: "
                f"{r['issue_text']}" for r in report["results"]
                if r["issue_severity"] in ("MEDIUM", "HIGH")]
    assert not findings, "\n".join(findings)
    assert report["metrics"]["_totals"]["loc"] > 1000  # it really scanned the package


# ---------------------------------------------------------------- 4. pip-audit

def pinned_requirements() -> list[str]:
    """Every pinned requirement of setup.cfg: install_requires and the extras."""
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg")
    lines = cfg["options"]["install_requires"].splitlines()
    for _name, value in cfg["options.extras_require"].items():
        lines += value.splitlines()
    return sorted({line.strip() for line in lines if line.strip()})


@pytest.mark.once
def test_every_requirement_is_pinned():
    requirements = pinned_requirements()
    assert len(requirements) > 20
    loose = [r for r in requirements if "==" not in r]
    assert not loose, loose


@pytest.mark.once
@pytest.mark.slow
def test_pip_audit_finds_no_known_vulnerabilities(tmp_path):
    """pip-audit against the pinned versions.

    Its default vulnerability service is PyPI's JSON API (/pypi/<name>/<version>/json;
    OSV is the other). Where that cannot answer (no network, or an index mirror without
    the per-version documents: every package comes back "not found on PyPI"), the test
    is skipped and says why; a vulnerability it does find fails the test.
    """
    _tool("pip_audit")
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("\n".join(pinned_requirements()) + "\n")
    cmd = [sys.executable, "-m", "pip_audit", "-r", str(requirements), "--no-deps",
           "--disable-pip", "-f", "json", "--progress-spinner", "off", "--timeout", "10",
           "--cache-dir", str(tmp_path / "cache")]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=240)
    except subprocess.TimeoutExpired:
        pytest.skip("pip-audit: the vulnerability service did not answer within 240 s")
    try:
        report = json.loads(proc.stdout)
    except ValueError:
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        pytest.skip(f"pip-audit could not reach its vulnerability service: {last[:300]}")
    dependencies = report["dependencies"]
    vulnerable = [f"{d['name']} {d['version']}: " + ", ".join(
        v["id"] + (f" (fixed in {', '.join(v['fix_versions'])})" if v["fix_versions"] else "")
        for v in d["vulns"]) for d in dependencies if d.get("vulns")]
    assert not vulnerable, "Known vulnerabilities in pinned versions:\n" + "\n".join(vulnerable)
    audited = [d for d in dependencies if "skip_reason" not in d]
    if not audited:
        reason = dependencies[0]["skip_reason"] if dependencies else "nothing audited"
        pytest.skip("pip-audit's vulnerability service cannot be reached from this machine "
                    f"(every package skipped, e.g. {reason!r})")


# ---------------------------------------------------------------- NUL characters

def test_nul_characters_are_refused_up_front(app, client):
    """PostgreSQL cannot store or compare text with NUL: found by the fuzzer as 500s."""
    from camp.checkin.devices import create_device
    from tests.factories import make_camp
    assert client.get("/t/abc%00def").status_code == 400
    assert client.get("/camps/?q=a%00b").status_code == 400
    res = client.post("/login", data={"email": "a\x00@example.org", "password": "x"})
    assert res.status_code == 400
    organiser = make_user(locale="en")
    camp = make_camp(organiser=organiser)
    _device, token = create_device(organiser, camp, "Door", 12)
    _db.session.commit()
    res = client.post(f"/api/v1/camps/{camp.slug}/scans", json={
        "ticket": "abc\x00", "nonce": "n" * 10}, headers={"Authorization": f"Bearer {token}"})
    assert res.status_code == 400
    assert res.get_json() == {"error": "bad_request",
                              "message": "Teksten må ikke indeholde NUL-tegn."}
    # Ordinary unicode is fine.
    assert client.post("/login", data={"email": "åse@example.org",
                                       "password": "😀"}).status_code == 200


# ---------------------------------------------------------------- behind a proxy

def test_client_address_comes_from_the_trusted_proxy_only(tmp_path, database_url,
                                                          monkeypatch):
    """Rate limits count per client address: behind nginx that is X-Forwarded-For, but
    only when the operator says a proxy is there (else anyone could pick an address)."""
    from flask import request
    from tests.conftest import make_test_app
    seen = {}
    for count in (0, 1):
        monkeypatch.setenv("CAMP_PROXY_COUNT", str(count))
        app = make_test_app(database_url, tmp_path / f"instance-{count}")
        app.add_url_rule("/_whoami", "whoami", lambda: request.remote_addr)
        res = app.test_client().get("/_whoami", headers={"X-Forwarded-For": "203.0.113.7"},
                                    environ_base={"REMOTE_ADDR": "10.0.0.2"})
        seen[count] = res.get_data(as_text=True)
    assert seen == {0: "10.0.0.2", 1: "203.0.113.7"}
