"""1,000 badges (A4, 4 per sheet): our rendering against a straightforward one.

Straightforward: all badges in one HTML document, every QR freshly encoded as a PNG image,
one WeasyPrint call. Ours: camp.badges.render (tiny cached QR images, absolutely placed
badges, chunks of 48 rendered by two worker processes and merged with pypdf).
Each runs in its own process so its peak memory (max RSS) is its own; ours also counts its
worker processes: the largest single process, and the sum of every process's peak (an
upper bound of what was in memory at once). A worker's own peak is its VmHWM; Linux's
RUSAGE_CHILDREN is printed too, but it also counts the parent's size at the moment a child
was started (exec keeps the old high-water mark), so it overstates a worker.
Targets (issue 4): at most half the straightforward time, peak memory under 300 MB.
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.bench.bench_checkin import bench_env
from tests.bench.table import Row, below, vs_reference

ROOT = Path(__file__).resolve().parents[2]
N = 1000

SETUP = """
import base64, io, json, resource, sys, time
from datetime import timedelta
from camp import create_app
from camp.camps.models import Camp, CampStatus
from camp.db import utcnow
from camp.extensions import db
from camp.registrations.models import Registration, RegistrationStatus
app = create_app({"TESTING": True, "SECRET_KEY": "bench", "DATABASE_URL": sys.argv[1]})
with app.test_request_context():
    db.create_all()
    start = utcnow() + timedelta(days=3)
    camp = Camp(slug="badges", title="Samskabelsescamp", starts_at=start,
                ends_at=start + timedelta(days=1), capacity=5000, status=CampStatus.published)
    db.session.add(camp)
    db.session.flush()
    db.session.add_all([Registration(camp_id=camp.id, name=f"Deltager Nummer {i}",
                                     email=f"p{i}@x.dk", organisation="Roskilde Kommune",
                                     status=RegistrationStatus.confirmed) for i in range(%d)])
    db.session.commit()
    regs = db.session.execute(db.select(Registration)).scalars().all()
    t0 = time.perf_counter()
    stats = {}
    pdf = RENDER(camp, regs, stats)
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    workers = stats.get("worker_peaks_mb", [])
    print(json.dumps({"seconds": seconds, "peak_mb": peak, "bytes": len(pdf),
                      "processes": 1 + len(workers), "largest_mb": max([peak, children] + workers),
                      "rusage_children_mb": children,
                      "sum_mb": peak + sum(workers)}))
""" % N

OURS = """
from camp.badges.render import render_badges_pdf
def RENDER(camp, regs, stats):
    return render_badges_pdf(camp, regs, "a4-4", stats=stats)
"""

STRAIGHTFORWARD = """
import qrcode
from weasyprint import HTML
from camp.tickets.services import ticket_url
def RENDER(camp, regs, stats):
    cells = []
    for r in regs:
        buf = io.BytesIO()
        qrcode.make(ticket_url(r)).save(buf, format="PNG")
        src = "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()
        cells.append(f'<td style="width:105mm;height:148mm"><h2>{r.name}</h2>'
                     f'<p>{r.organisation}</p><img src="{src}" style="width:50mm"></td>')
    rows = "".join("<tr>" + "".join(cells[i:i + 2]) + "</tr>" for i in range(0, len(cells), 2))
    return HTML(string=f"<style>@page{{size:A4;margin:0}}</style><table>{rows}</table>").write_pdf()
"""


def _run(code: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="samskab-badges-") as tmp:
        script = code + SETUP
        out = subprocess.run([sys.executable, "-c", script, f"sqlite:///{Path(tmp) / 'b.db'}"],
                             cwd=ROOT, env=bench_env(), check=True, capture_output=True,
                             text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def measure() -> dict:
    return {"straightforward": _run(STRAIGHTFORWARD), "ours": _run(OURS)}


def rows(results: dict | None = None) -> list[Row]:
    """The targets of issue 4: half the straightforward time, peak memory under 300 MB."""
    results = results or measure()
    ours, plain = results["ours"], results["straightforward"]
    return [vs_reference("badges", f"{N:,} A4 badges, time", ours["seconds"], "s",
                         plain["seconds"], at_most=0.50),
            below("badges", "peak memory, largest process", ours["largest_mb"], "MB", 300),
            below("badges", "peak memory, all processes", ours["sum_mb"], "MB", 300)]


def report(results: dict) -> None:
    """The detailed figures, printed before the table."""
    print(f"{N} badges, A4 with 4 per sheet:")
    for name, r in results.items():
        print(f"  {name:<16} {r['seconds']:6.1f} s   {r['processes']} process(es): largest "
              f"{r['largest_mb']:4.0f} MB, sum {r['sum_mb']:4.0f} MB "
              f"(RUSAGE_CHILDREN {r['rusage_children_mb']:3.0f} MB)   "
              f"{r['bytes'] / 1e6:5.1f} MB PDF")
    ours = results["ours"]
    ratio = ours["seconds"] / results["straightforward"]["seconds"]
    print(f"  time ratio ours/straightforward: {ratio:.2f} (target <= 0.50); peak memory "
          f"{ours['largest_mb']:.0f} MB largest process, {ours['sum_mb']:.0f} MB all processes "
          f"together (target < 300 MB)")


def main() -> dict:
    results = measure()
    report(results)
    return results


if __name__ == "__main__":
    main()
