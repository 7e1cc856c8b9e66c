"""Our CSV exports read back as a person sees them in a spreadsheet: the exports put a quote
before cells that begin with `=`, `+`, `-`, `@`, tab or CR on purpose (hotline.core.csvsafe),
and these readers take exactly that quote off, so a CSV compares cell for cell with the page."""

from __future__ import annotations

import csv
import io

from hotline.core.csvsafe import ESCAPE, FORMULA_STARTS


def _unescaped(cell: str) -> str:
    if cell.startswith(ESCAPE) and cell[len(ESCAPE) :].startswith(FORMULA_STARTS):
        return cell[len(ESCAPE) :]
    return cell


def rows(text: str) -> list[list[str]]:
    return [[_unescaped(cell) for cell in row] for row in csv.reader(io.StringIO(text))]


def records(text: str) -> list[dict[str, str]]:
    header, *body = rows(text)
    return [dict(zip(header, row, strict=True)) for row in body]
