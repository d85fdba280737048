"""Check-in API throughput and latency under gunicorn (2 workers, SQLite), 8 connections.

Compared in the same run with tests/bench/ref_app.py, a bare view doing the same work.
Targets (issue 4): throughput >= 0.7 x the reference, p99 < 50 ms.
"""
from __future__ import annotations

import http.client
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from tests.bench.table import Row, below, vs_reference

ROOT = Path(__file__).resolve().parents[2]
CONNECTIONS, REQUESTS, ROUNDS = 8, 6000, 3


def bench_env(**overrides) -> dict:
    """The environment for the bench's processes: the caller's, without its CAMP_* settings
    (a Redis URL or a database of its own would change what is measured), FLASK_DEBUG or
    GUNICORN_CMD_ARGS; then the bench's own settings."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("CAMP_") and k not in ("FLASK_DEBUG", "GUNICORN_CMD_ARGS")}
    env.update(overrides)
    return env


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _prepare(work: Path, env: dict) -> tuple[str, str, list[str]]:
    subprocess.run([sys.executable, "-m", "flask", "db", "upgrade"], cwd=ROOT, env=env,
                   check=True, capture_output=True)
    script = """
import json
from datetime import timedelta
from camp import create_app
from camp.auth.models import User
from camp.camps.models import Camp, CampStatus
from camp.checkin.devices import create_device
from camp.db import utcnow
from camp.extensions import db
from camp.registrations.models import Registration, RegistrationStatus
app = create_app()
with app.app_context():
    start = utcnow() - timedelta(minutes=10)
    camp = Camp(slug="bench", title="Bench", starts_at=start, ends_at=start + timedelta(days=1),
                capacity=5000, status=CampStatus.published)
    db.session.add(camp)
    db.session.flush()
    regs = [Registration(camp_id=camp.id, name=f"P{i}", email=f"p{i}@x.dk",
                         status=RegistrationStatus.confirmed) for i in range(3000)]
    db.session.add_all(regs)
    db.session.commit()
    _device, token = create_device(None, camp, "bench", 24)
    db.session.commit()
    print(json.dumps({"token": token, "tickets": [r.ticket_secret for r in regs]}))
"""
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True).stdout
    data = json.loads(out.strip().splitlines()[-1])
    return "bench", data["token"], data["tickets"]


def _serve(module: str, port: int, env: dict) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "2", "-b",
                             f"127.0.0.1:{port}", "--log-level", "warning", module],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"{module} did not start")


def _load(port: int, path: str, bodies: list[dict], headers: dict) -> dict:
    latencies, errors = [], []
    lock = threading.Lock()
    queue = iter(bodies)

    def worker():
        while True:
            with lock:
                body = next(queue, None)
            if body is None:
                return
            t0 = time.perf_counter()
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            c.request("POST", path, json.dumps(body),
                      {"Content-Type": "application/json", **headers})
            res = c.getresponse()
            res.read()
            c.close()
            elapsed = time.perf_counter() - t0
            with lock:
                latencies.append(elapsed)
                if res.status != 200:
                    errors.append(res.status)

    threads = [threading.Thread(target=worker) for _ in range(CONNECTIONS)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    latencies.sort()
    return {"rps": len(latencies) / wall, "p50": latencies[len(latencies) // 2] * 1000,
            "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000, "errors": len(errors)}


def measure() -> dict:
    """Runs the reference and the API in turns (ROUNDS each); returns their figures."""
    with tempfile.TemporaryDirectory(prefix="samskab-bench-") as tmp:
        return _measure(Path(tmp))


def _measure(work: Path) -> dict:
    db_path = work / "camp.sqlite3"
    env = bench_env(FLASK_APP="wsgi.py", CAMP_SECRET_KEY="bench-" + "x" * 40,
               CAMP_DATABASE_URL=f"sqlite:///{db_path}", CAMP_RATELIMIT_ENABLED="false",
               CAMP_MAIL_BACKEND="locmem", BENCH_DB=str(db_path))
    slug, token, tickets = _prepare(work, env)
    rng = random.Random(1)
    sides = (("reference", "tests.bench.ref_app:app", "/ref/scans", {}),
             ("check-in API", "wsgi:app", f"/api/v1/camps/{slug}/scans",
              {"Authorization": f"Bearer {token}"}))
    # The load generator and both servers share two cores, so one run of each side can
    # be off by a tenth. The sides take turns, ROUNDS times, each with fresh nonces; each
    # side's median run counts, and every round's ratio is printed.
    runs: dict[str, list[dict]] = {name: [] for name, *_ in sides}
    for _round in range(ROUNDS):
        for name, module, path, headers in sides:
            bodies = [{"ticket": rng.choice(tickets), "direction": "in",
                       "nonce": uuid.uuid4().hex} for _ in range(REQUESTS)]
            port = _port()
            proc = _serve(module, port, env)
            try:
                _load(port, path, bodies[:200], headers)  # warm-up
                runs[name].append(_load(port, path, bodies[200:], headers))
            finally:
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
    results = {name: sorted(r, key=lambda x: x["rps"])[len(r) // 2]
               for name, r in runs.items()}
    results["round ratios"] = [api["rps"] / ref["rps"] for ref, api in
                               zip(runs["reference"], runs["check-in API"])]
    return results


def rows(results: dict | None = None) -> list[Row]:
    """The targets of issue 4, as rows of the one table."""
    results = results or measure()
    api, ref = results["check-in API"], results["reference"]
    out = [vs_reference("checkin", "scan throughput", api["rps"], "req/s", ref["rps"],
                        at_least=0.70),
           below("checkin", "scan p99 latency", api["p99"], "ms", 50),
           below("checkin", "scans not answered 200", api["errors"], "", 1)]
    return out


def report(results: dict) -> None:
    """The detailed figures, printed before the table."""
    ratio = results["check-in API"]["rps"] / results["reference"]["rps"]
    print(f"Check-in API, gunicorn -w 2, SQLite WAL, {CONNECTIONS} connections, "
          f"{REQUESTS - 200} scans per run, sides taking turns {ROUNDS} times:")
    for name in ("reference", "check-in API"):
        r = results[name]
        print(f"  {name:<13} {r['rps']:7.1f} req/s   p50 {r['p50']:6.1f} ms   "
              f"p99 {r['p99']:6.1f} ms   errors {r['errors']}  (median of {ROUNDS} runs)")
    print("  ratio per round: " + ", ".join(f"{x:.2f}" for x in results["round ratios"]))
    print(f"  throughput ratio API/reference: {ratio:.2f} (target >= 0.70); "
          f"API p99 {results['check-in API']['p99']:.1f} ms (target < 50 ms)")


def main() -> dict:
    results = measure()
    report(results)
    return results


if __name__ == "__main__":
    main()
