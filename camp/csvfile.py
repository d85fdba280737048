"""CSV files that open cleanly in (Danish) Excel and cannot smuggle in formulas."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from flask import Response

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Text a spreadsheet would run as a formula gets a leading quote; numbers stay numbers."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return "" if value is None else value


def to_csv(header: list, rows: Iterable[list]) -> bytes:
    """UTF-8 with a BOM and ';' between fields; every text cell made safe.

    Excel only detects UTF-8 with the BOM (else æøå break), and Danish Excel splits
    columns on ';' because ',' is the decimal separator there (a ','-file lands in one
    column). English Excel asks, or splits on ';' when opened via Data > From Text.
    """
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    writer.writerow([str(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def csv_response(body: bytes, filename: str) -> Response:
    return Response(body, mimetype="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{filename}"'})
