"""Attack on the CSV exports (helper attack9, session 14): a formula behind the OTHER
separator. The Dutch CSV is `;`-separated, the international one `,`; a cell is only
quoted when it holds its own file's separator. A report text `Dijk,=cmd|'/C calc'!A0`
in the Dutch file stood unquoted, and a spreadsheet that splits on commas (an English
Excel opening any .csv) made `=cmd|...` a cell of its own: a formula, although
`csv_safe` had looked at the cell's start. The same for `x;=...` in the `,` file opened
by a Dutch spreadsheet, for a tab, and for a line break (a reader that does not
honour the quotes starts a new row there). Whatever separator the reader splits on, no cell
may start as a formula."""

from __future__ import annotations

import csv
import io

import pytest

from storage import export_formats
from tests.unit.test_input_trust import _entry

FORMULAS = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)"]


@pytest.mark.parametrize("writer", [export_formats.to_csv, export_formats.to_csv_nl])
@pytest.mark.parametrize("separator", [",", ";", "\t", "\n"])
def test_no_cell_is_a_formula_whatever_the_reader_splits_on(writer: object, separator: str) -> None:
    texts = [f"Dijk{separator}{formula}" for formula in FORMULAS]
    entries = [_entry(text, id=n, location=text) for n, text in enumerate(texts)]
    data = writer(entries, {}).decode("utf-8-sig")  # type: ignore[operator]
    for reader_separator in (",", ";", "\t"):
        for row in csv.reader(io.StringIO(data), delimiter=reader_separator):
            for cell in row:
                assert not cell.startswith(("=", "+", "-", "@")), (reader_separator, cell, row)
