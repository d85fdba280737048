"""A real server on 127.0.0.1 with the demo camp, and Debian's Chromium driven by Playwright."""
from __future__ import annotations

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
    env = dict(os.environ, FLASK_APP="wsgi.py", CAMP_SECRET_KEY="e2e-" + "x" * 40,
               CAMP_DATABASE_URL=f"sqlite:///{work / 'camp.sqlite3'}",
               CAMP_MAIL_BACKEND="file", CAMP_RATELIMIT_ENABLED="false")
    env.pop("CAMP_TEST_POSTGRES_URL", None)
    os.environ["E2E_DATABASE_URL"] = env["CAMP_DATABASE_URL"]
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
