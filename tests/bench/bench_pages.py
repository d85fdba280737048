"""The organiser's pages with 5,000 registrations, served as in production; memory per worker.

One camp, under way, with 5,000 registrations (mixed actor types and organisations, answers
to its questions, confirmed / waiting list / cancelled), a consent record for each, check-ins
(some people went out again), challenges and teams, a scanner device and some audit events.
The rows are written with SQLAlchemy Core bulk inserts; the schema comes from `flask db
upgrade`. gunicorn serves the app with 2 workers (as in production) on 127.0.0.1, and an
organiser's session cookie asks for each organiser page REQUESTS times in a row after a
warm-up: p50 and p95 per page.

The pages are the organiser's GET routes found in the url_map (/camps/<slug>/manage...) plus
the door's scanner page, and variants of the registration list (a search, a filter, a later
page) and of the scanner search. PDFs (badge sheets, the follow-up report) and downloads of
finished runs are left out: big documents are made outside the request by design.

Targets (no issue names a figure for these pages): p95 < 500 ms per page, a bound at which
a page still feels immediate on a laptop; every answer 200. Memory: the resident size (VmRSS)
of each gunicorn worker, sampled after every page, and its high-water mark (VmHWM), both
< 200 MB, so two workers and PostgreSQL fit a 1 GB virtual machine.

    python -m tests.bench.bench_pages [--registrations 5000] [--requests 40]
"""
from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from tests.bench.pages_data import populate
from tests.bench.table import Row, below

ROOT = Path(__file__).resolve().parents[2]
REGISTRATIONS, REQUESTS, WARMUP = 5000, 40, 3
P95_MS, WORKER_MB = 500, 200
SLOW_MS = 5000  # a page slower than this once is not asked 40 more times
HTTP_TIMEOUT = 90  # beyond gunicorn's own worker timeout (30 s)

SKIPPED_SUFFIXES = (".pdf", "/download")


def page_list(app, slug: str, search: str) -> list[tuple[str, str]]:
    """(label, path) of every organiser page to time, from the url_map."""
    from flask import url_for
    found = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if ("GET" not in rule.methods or rule.arguments != {"slug"}
                    or not rule.rule.startswith("/camps/<slug>/manage")
                    or rule.rule.endswith(SKIPPED_SUFFIXES)):
                continue
            found.append((rule.endpoint, url_for(rule.endpoint, slug=slug)))
        found.sort()
        regs = url_for("registrations.manage_list", slug=slug)
        door = url_for("checkin.scanner", slug=slug)
        search = quote(search)
        found += [
            ("registrations.manage_list ?q=", f"{regs}?q={search}"),
            ("registrations.manage_list filtered",
             f"{regs}?status=confirmed&actor_type=citizen&organisation=Kommune"),
            ("registrations.manage_list page 40", f"{regs}?page=40"),
            ("registrations.export_csv ?status=", url_for(
                "registrations.export_csv", slug=slug) + "?status=waitlisted"),
            ("checkin.scanner", door),
            ("checkin.scanner ?q=", f"{door}?q={search}"),
        ]
    return found


def percentile(values: list[float], p: float) -> float:
    """Nearest rank: the smallest value with at least p% of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def _timed(fetch, path) -> tuple[float, int, bytes]:
    t0 = time.perf_counter()
    status, body = fetch(path)
    return (time.perf_counter() - t0) * 1000, status, body


def time_pages(fetch, pages, requests: int, warmup: int, log=None, after_page=None) -> dict:
    """fetch(path) -> (status, body bytes); status 0: no answer. Milliseconds.

    The first request of a page is a probe (part of the warm-up): a page that takes longer
    than SLOW_MS, or gets no answer, is not asked again; its one time stands for its p95.
    """
    results = {}
    for label, path in pages:
        first, status, body = _timed(fetch, path)
        if first > SLOW_MS or status == 0:
            times, statuses, size, stopped = [first], {status}, len(body), True
        else:
            for _ in range(warmup - 1):
                fetch(path)
            times, statuses, size, stopped = [], set(), 0, False
            for _ in range(requests):
                elapsed, status, body = _timed(fetch, path)
                times.append(elapsed)
                statuses.add(status)
                size = len(body)
        results[label] = {"path": path, "p50": percentile(times, 50),
                          "p95": percentile(times, 95), "max": max(times),
                          "statuses": sorted(statuses), "bytes": size, "count": len(times),
                          "stopped": stopped}
        if after_page:
            after_page(label)
        if log:
            log(f"  {label}: p95 {results[label]['p95']:.0f} ms"
                + (" (one request: too slow to repeat)" if stopped else ""))
    return results


def _http_fetch(port: int, cookie: str):
    headers = {"Cookie": cookie, "Accept-Language": "da"}

    def fetch(path):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=HTTP_TIMEOUT)
        try:
            c.request("GET", path, headers=headers)
            res = c.getresponse()
            return res.status, res.read()
        except (OSError, http.client.HTTPException):
            # gunicorn kills a worker after its timeout (30 s): the connection just closes.
            return 0, b""
        finally:
            c.close()
    return fetch


def _worker_pids(master: int) -> list[int]:
    try:
        with open(f"/proc/{master}/task/{master}/children", encoding="ascii") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        pids = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat", encoding="ascii") as f:
                        if int(f.read().rsplit(")", 1)[1].split()[1]) == master:
                            pids.append(int(entry))
                except (OSError, ValueError, IndexError):
                    pass
        return pids


def _memory_mb(pid: int) -> dict:
    out = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0]) / 1024
    return out


def _prepare_main(n: int) -> None:
    """Run in its own process, against CAMP_DATABASE_URL: populate, print what is needed."""
    from camp import create_app
    app = create_app()
    with app.app_context():
        t0 = time.perf_counter()
        facts = populate(n)
        facts["populate_s"] = time.perf_counter() - t0
        serializer = app.session_interface.get_signing_serializer(app)
        facts["cookie"] = "%s=%s" % (app.config["SESSION_COOKIE_NAME"], serializer.dumps(
            {"_user_id": facts["organiser_key"], "_fresh": True}))
        facts["pages"] = page_list(app, facts["slug"], facts["search"])
    print(json.dumps(facts))


def measure(n: int = REGISTRATIONS, requests: int = REQUESTS, warmup: int = WARMUP) -> dict:
    from tests.bench.bench_checkin import _port, _serve, bench_env
    with tempfile.TemporaryDirectory(prefix="samskab-pages-") as tmp:
        db_path = Path(tmp) / "camp.sqlite3"
        env = bench_env(FLASK_APP="wsgi.py", CAMP_SECRET_KEY="bench-" + "p" * 40,
                   CAMP_DATABASE_URL=f"sqlite:///{db_path}", CAMP_RATELIMIT_ENABLED="false",
                   CAMP_MAIL_BACKEND="locmem", CAMP_COOKIE_SECURE="false")
        subprocess.run([sys.executable, "-m", "flask", "db", "upgrade"], cwd=ROOT, env=env,
                       check=True, capture_output=True)
        out = subprocess.run([sys.executable, "-m", "tests.bench.bench_pages", "--prepare",
                              str(n)], cwd=ROOT, env=env, check=True, capture_output=True,
                             text=True).stdout
        facts = json.loads(out.strip().splitlines()[-1])
        port = _port()
        proc = _serve("wsgi:app", port, env)
        try:
            fetch = _http_fetch(port, facts["cookie"])
            status, _ = fetch(f"/camps/{facts['slug']}/manage/")
            if status != 200:
                raise RuntimeError(f"the organiser's cookie got {status}, not 200")
            workers: dict[int, dict] = {}

            def sample(_label=None):
                # The largest resident size each worker reached, sampled after every page;
                # a worker gunicorn replaced (timeout) keeps its last sample.
                for pid in _worker_pids(proc.pid):
                    try:
                        now = _memory_mb(pid)
                    except OSError:
                        continue
                    seen = workers.setdefault(pid, {"VmRSS": 0.0, "VmHWM": 0.0})
                    seen["VmRSS"] = max(seen["VmRSS"], now.get("VmRSS", 0.0))
                    seen["VmHWM"] = max(seen["VmHWM"], now.get("VmHWM", 0.0))

            sample()
            pages = time_pages(fetch, facts["pages"], requests, warmup, after_page=sample,
                               log=lambda line: print(line, file=sys.stderr, flush=True))
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    return {"facts": {k: v for k, v in facts.items() if k not in ("cookie", "pages")},
            "requests": requests, "pages": pages, "workers": workers}


def rows(results: dict | None = None) -> list[Row]:
    results = results or measure()
    out = []
    for label, r in results["pages"].items():
        row = below("pages", f"p95 {label}", r["p95"], "ms", P95_MS)
        notes = []
        if r.get("stopped"):
            notes.append("1 request, too slow to repeat")
        if r["statuses"] != [200]:
            row.passed = False
            notes.append("answered " + ", ".join(
                "no answer" if s == 0 else str(s) for s in r["statuses"]))
        if notes:
            row.target += f" ({'; '.join(notes)})"
        out.append(row)
    workers = results["workers"]
    if workers:
        largest = max(m["VmRSS"] for m in workers.values())
        name = "RSS of a gunicorn worker after a page"
        if len(workers) > 2:
            name += f"; {len(workers) - 2} worker(s) replaced"
        out.append(below("memory", name, largest, "MB", WORKER_MB))
        # The high-water mark: what a worker needed at its busiest moment (a big page), even
        # when Python gave the memory back afterwards.
        peak = max(m["VmHWM"] for m in workers.values())
        out.append(below("memory", "peak RSS of a gunicorn worker (VmHWM)", peak, "MB",
                         WORKER_MB))
    else:
        out.append(Row("memory", "RSS of a gunicorn worker", float("nan"), "MB",
                       f"< {WORKER_MB} MB (no workers found)", float("nan"), False))
    return out


def report(results: dict) -> None:
    f = results["facts"]
    print(f"Organiser pages, gunicorn -w 2, SQLite WAL: {f['registrations']:,} registrations, "
          f"{f['checkin_events']:,} check-in events, {f['teams']} teams (built in "
          f"{f['populate_s']:.1f} s); {results['requests']} sequential requests per page "
          "after warm-up:")
    width = max(len(label) for label in results["pages"])
    for label, r in results["pages"].items():
        statuses = ",".join("none" if s == 0 else str(s) for s in r["statuses"])
        print(f"  {label:<{width}}  p50 {r['p50']:7.1f} ms  p95 {r['p95']:7.1f} ms  "
              f"max {r['max']:7.1f} ms  {r['bytes'] / 1024:7.1f} kB  {statuses}"
              + ("  (1 request: too slow to repeat)" if r.get("stopped") else ""))
    for pid, m in results["workers"].items():
        print(f"  gunicorn worker {pid}: largest RSS seen {m['VmRSS']:.0f} MB, "
              f"peak RSS (VmHWM) {m['VmHWM']:.0f} MB")


def main(argv=None) -> dict | None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrations", type=int, default=REGISTRATIONS)
    parser.add_argument("--requests", type=int, default=REQUESTS)
    parser.add_argument("--prepare", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.prepare is not None:
        _prepare_main(args.prepare)
        return None
    results = measure(args.registrations, args.requests)
    report(results)
    return results


if __name__ == "__main__":
    main()
