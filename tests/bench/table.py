"""One row per measured target, and the table that prints them (tests/bench/run_all.py).

Two kinds of target:
  against a reference  ratio = figure / reference, and the target is a bound on that ratio
                       (check-in: API req/s >= 0.70 x the bare reference's req/s);
  against a number     ratio = figure / limit, and the figure must stay below the limit
                       (p99 < 50 ms: 12 ms gives 0.24, anything >= 1.00 fails).
"""
from __future__ import annotations

import os
import platform
import sys
from dataclasses import dataclass


@dataclass
class Row:
    bench: str
    name: str
    figure: float
    unit: str
    target: str
    ratio: float
    passed: bool

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def vs_reference(bench: str, name: str, figure: float, unit: str, reference: float, *,
                 at_least: float | None = None, at_most: float | None = None) -> Row:
    ratio = figure / reference if reference else float("inf")
    if at_least is not None:
        target, passed = f">= {at_least:.2f} x ref {_num(reference)} {unit}", ratio >= at_least
    else:
        target, passed = f"<= {at_most:.2f} x ref {_num(reference)} {unit}", ratio <= at_most
    return Row(bench, name, figure, unit, target, ratio, passed)


def below(bench: str, name: str, figure: float, unit: str, limit: float) -> Row:
    return Row(bench, name, figure, unit, f"< {_num(limit)} {unit}", figure / limit,
               figure < limit)


def _num(x: float) -> str:
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def machine_facts(db: str = "") -> list[str]:
    try:
        load = "%.2f %.2f %.2f" % os.getloadavg()
    except OSError:
        load = "?"
    cpu = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f
                        if line.startswith("model name")), "")
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo", encoding="utf-8") as f:
            kb = int(next(line.split()[1] for line in f if line.startswith("MemTotal")))
        mem = f", {kb / 1024 / 1024:.1f} GB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    cores = f"{os.cpu_count()} cores" + (f" ({cpu})" if cpu else "")
    facts = [f"Machine: {cores}{mem}, load {load}",
             f"Python {platform.python_version()} ({sys.executable}), {platform.platform()}"]
    if db:
        facts.append(f"Database: {db}")
    return facts


def format_table(rows: list[Row]) -> str:
    head = ("bench", "figure", "measured", "target", "ratio", "result")
    body = [(r.bench, r.name, f"{_num(r.figure)} {r.unit}", r.target, f"{r.ratio:.2f}",
             "pass" if r.passed else "FAIL") for r in rows]
    widths = [max(len(str(x)) for x in col) for col in zip(head, *body)]
    right = {2, 4}

    def line(cells):
        return "  ".join(str(c).rjust(w) if i in right else str(c).ljust(w)
                         for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    out = [line(head), line(["-" * w for w in widths])]
    out += [line(b) for b in body]
    failed = sum(not r.passed for r in rows)
    out.append("")
    out.append(f"{len(rows) - failed} of {len(rows)} targets met"
               + (f"; {failed} FAIL" if failed else ""))
    return "\n".join(out)
