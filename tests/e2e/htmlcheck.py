"""The Nu HTML Checker on the server's HTML of the pages the browser tests visit.

vnu-jar comes from the npm registry (package.json, installed by ./scripts/test) and runs on
the system's Java. Starting the JVM costs a second or two, so pages are collected first and
checked in one batch: `pages = HtmlPages(tmp_path); pages.add(label, html); pages.errors()`.
Only errors count; warnings and info messages are left out (--errors-only).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def _require_checker() -> str:
    java = shutil.which("java")
    if java is None or not VNU.exists():
        missing = "java" if java is None else f"{VNU.relative_to(ROOT)} (npm ci)"
        if os.environ.get("CI"):
            pytest.fail(f"the HTML checker needs {missing}; ./scripts/test installs it")
        pytest.skip(f"the HTML checker needs {missing} (./scripts/test installs it)")
    return java


class HtmlPages:
    """The raw HTML of visited pages, written to files and validated in one JVM run."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.labels: dict[str, str] = {}  # file name -> what the page was (path, step)
        self.seconds = 0.0  # time the last errors() call spent in the checker
        self.seen: set[int] = set()

    def add(self, label: str, html: str) -> None:
        """Keep one page's HTML; the same HTML seen again (a reload) is checked once."""
        key = hash(html)
        if key in self.seen:
            return
        self.seen.add(key)
        name = f"{len(self.labels):03d}-{re.sub(r'[^A-Za-z0-9]+', '-', label)[:60]}.html"
        (self.directory / name).write_text(html, encoding="utf-8")
        self.labels[name] = label

    def __len__(self) -> int:
        return len(self.labels)

    def errors(self) -> list[str]:
        """One line per error: 'label line N: message «extract»'."""
        if not self.labels:
            return []
        java = _require_checker()
        files = [str(self.directory / name) for name in self.labels]
        started = time.monotonic()
        done = subprocess.run([java, "-Xss2m", "-jar", str(VNU), "--errors-only",
                               "--format", "json", *files],
                              capture_output=True, text=True, timeout=300)
        self.seconds = time.monotonic() - started
        try:
            messages = json.loads(done.stderr or done.stdout)["messages"]
        except (ValueError, KeyError):
            raise AssertionError(f"vnu gave no JSON (exit {done.returncode}): "
                                 f"{done.stderr[-2000:]}") from None
        problems = []
        for m in messages:
            if m.get("type") not in ("error", "non-document-error"):
                continue
            name = m.get("url", "").rsplit("/", 1)[-1]
            extract = " ".join(m.get("extract", "").split())[:120]
            problems.append(f"{self.labels.get(name, name)} line {m.get('lastLine', '?')}: "
                            f"{m.get('message')} «{extract}»")
        return problems
