"""CSV that a spreadsheet opens as data: every export writes through `to_csv`, which escapes
cells a spreadsheet would run as a formula (CSV injection, OWASP's rule)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from numbers import Number
from typing import Any

#: What makes a spreadsheet read a cell as a formula (or shift it into one): OWASP's list.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Put before such a cell, so that spreadsheets read it as text.
ESCAPE = "'"


def safe_cell(value: Any) -> Any:
    """`value` as a CSV cell that no spreadsheet runs as a formula.

    Text that begins with `=`, `+`, `-`, `@`, a tab or a carriage return gets a single quote in
    front, whatever follows: a transcribed `=HYPERLINK(…)` or `-2+3` as much as a signed change
    (`+12.5%`, `-3.0 pt`) or a phone number (`+86138****8000`). This is deliberate: those cells
    are text the page shows, and as text they stay whole (a spreadsheet would otherwise turn
    `+8613800138000` into 8.6E+12 and evaluate `+1+1`); telling a harmless number from a
    formula by its shape is how escaping rules go wrong. Values that are numbers (int, float,
    Decimal) are written as they are, since they cannot hold a formula; None is an empty cell.
    The helper is ours because defusedcsv lets tab and CR through and rewrites `|` in cells.
    """
    if value is None:
        return ""
    if isinstance(value, Number):
        return value
    text = str(value)
    return ESCAPE + text if text.startswith(FORMULA_STARTS) else text


def to_csv(rows: Iterable[Iterable[Any]], **fmtparams: Any) -> str:
    """The rows (the header first) as CSV text, each cell through `safe_cell`; `fmtparams` as for
    `csv.writer` (its defaults: the excel dialect, CRLF line ends)."""
    out = io.StringIO()
    writer = csv.writer(out, **fmtparams)
    writer.writerows([safe_cell(value) for value in row] for row in rows)
    return out.getvalue()
