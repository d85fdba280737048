"""A real server on 127.0.0.1 with the demo camp, and Debian's Chromium driven by Playwright."""
from __future__ import annotations

import email
import email.policy
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEMO_PASSWORD = "samskab-demo-2027"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """Migrate, seed the demo and serve it as ./scripts/run does, on a free port."""
    work = tmp_path_factory.mktemp("live")
    # The server's own instance folder: its e-mails (outbox), uploads and badge files stay
    # out of the repository's instance/.
    instance = work / "instance"
    env = dict(os.environ, FLASK_APP="wsgi.py", CAMP_SECRET_KEY="e2e-" + "x" * 40,
               CAMP_DATABASE_URL=f"sqlite:///{work / 'camp.sqlite3'}",
               CAMP_INSTANCE_PATH=str(instance),
               CAMP_MAIL_BACKEND="file", CAMP_RATELIMIT_ENABLED="false")
    env.pop("CAMP_TEST_POSTGRES_URL", None)
    env.pop("CAMP_REDIS_URL", None)  # e-mails written by the server itself, at once
    os.environ["E2E_DATABASE_URL"] = env["CAMP_DATABASE_URL"]
    os.environ["E2E_OUTBOX"] = str(instance / "outbox")
    flask = [sys.executable, "-m", "flask"]
    for args in (["db", "upgrade"], ["camp", "seed-demo"]):
        subprocess.run(flask + args, cwd=ROOT, env=env, check=True, capture_output=True)
    port = _free_port()
    proc = subprocess.Popen(flask + ["run", "-h", "127.0.0.1", "-p", str(port)], cwd=ROOT,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            urllib.request.urlopen(url + "/healthz", timeout=1)
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError("the live server did not start")
            time.sleep(0.2)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="session")
def browser():
    chromium = shutil.which("chromium")
    if chromium is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; ./scripts/test installs it")
        pytest.skip("Debian's chromium is not installed (./scripts/test installs it)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="da-DK")
    page = context.new_page()
    page.console_problems = []
    page.on("console", lambda msg: msg.type == "error" and page.console_problems.append(msg.text))
    yield page
    context.close()


AXE = (Path(__file__).parent / "vendor/axe-core/axe.min.js").read_text()


def axe_violations(page) -> list[dict]:
    # evaluate() is not subject to the page's CSP, unlike an injected <script>.
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE)
    result = page.evaluate(
        "async () => (await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', "
        "'wcag21aa', 'best-practice']})).violations")
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]][:5]} for v in result]


def log_in(page, base_url, email):
    page.goto(base_url + "/login")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def outbox_messages(to: str) -> list[email.message.EmailMessage]:
    """The live server's e-mails to `to`, oldest first (the file backend writes one file per
    connection, messages separated by a line of 79 dashes)."""
    folder = Path(os.environ["E2E_OUTBOX"])
    found = []
    for path in sorted(folder.glob("*"), key=lambda p: (p.stat().st_mtime, p.name)):
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if not chunk.strip():
                continue
            message = email.message_from_bytes(chunk.lstrip(b"\n"), policy=email.policy.default)
            if to.lower() in str(message.get("To", "")).lower():
                found.append(message)
    return found


def newest_mail(to: str, timeout: float = 5.0) -> email.message.EmailMessage:
    """The newest e-mail to `to`; waits a little, as the server may still be writing it."""
    deadline = time.monotonic() + timeout
    while True:
        messages = outbox_messages(to)
        if messages or time.monotonic() > deadline:
            assert messages, f"no e-mail to {to} in {os.environ['E2E_OUTBOX']}"
            return messages[-1]
        time.sleep(0.1)


def mail_text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()
