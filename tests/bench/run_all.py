"""Run every benchmark (or the named ones) and print one table of targets.

    python -m tests.bench.run_all                 all: checkin, badges, pages
    python -m tests.bench.run_all pages           one (memory per worker comes with pages)
    python -m tests.bench.run_all --json out.json also write the rows as JSON

Each bench prints its detailed figures first; the table comes last. The exit code is 0 even
when a target is missed (this is a report, not a test); a missed target reads FAIL. A bench
that crashes gets a FAIL row and its error, and the others still run.
"""
from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys
import time
import traceback

from tests.bench.table import Row, format_table, machine_facts

BENCHES = {
    "checkin": ("tests.bench.bench_checkin",
                "check-in API vs a bare reference view (gunicorn -w 2, SQLite)"),
    "badges": ("tests.bench.bench_badges", "1,000 A4 badges vs a straightforward rendering"),
    "pages": ("tests.bench.bench_pages",
              "organiser pages with 5,000 registrations (gunicorn -w 2, SQLite); memory "
              "per worker"),
}
ALIASES = {"memory": "pages"}


def _sqlite_version() -> str:
    import sqlite3
    return sqlite3.sqlite_version


def _weasyprint_version() -> str:
    try:
        from weasyprint import __version__
        return __version__
    except ImportError:
        return "?"


def _git_head() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, check=True).stdout.strip()
        return out + (" (with uncommitted changes)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "?"


def run(names: list[str]) -> list[Row]:
    rows: list[Row] = []
    for name in names:
        module_name, what = BENCHES[name]
        print(f"==> {name}: {what}", flush=True)
        t0 = time.perf_counter()
        try:
            module = importlib.import_module(module_name)
            results = module.measure()
            module.report(results)
            rows += module.rows(results)
        except Exception as exc:  # a report: show the failure, go on with the others
            traceback.print_exc()
            rows.append(Row(name, "bench did not run", float("nan"), "", type(exc).__name__,
                            float("nan"), False))
        print(f"    ({time.perf_counter() - t0:.0f} s)\n", flush=True)
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Samskab benchmarks: one table of targets.")
    parser.add_argument("benches", nargs="*", metavar="bench",
                        help=f"any of {', '.join(BENCHES)} (default: all)")
    parser.add_argument("--json", metavar="PATH", help="also write the rows as JSON")
    args = parser.parse_args(argv)
    names = [ALIASES.get(n, n) for n in (args.benches or list(BENCHES))]
    unknown = [n for n in names if n not in BENCHES]
    if unknown:
        parser.error(f"unknown bench {', '.join(unknown)}; choose from {', '.join(BENCHES)}")
    names = list(dict.fromkeys(names))
    started = time.strftime("%Y-%m-%d %H:%M:%S")
    rows = run(names)
    print("=" * 78)
    print(f"Samskab benchmarks, {started}, commit {_git_head()}")
    for line in machine_facts(f"SQLite {_sqlite_version()} (file, WAL); "
                              f"WeasyPrint {_weasyprint_version()}"):
        print(line)
    print("ratio: measured / reference for targets against a reference, else measured / "
          "limit (must stay below 1.00)")
    print()
    print(format_table(rows))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"started": started, "rows": [r.as_dict() for r in rows]}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
