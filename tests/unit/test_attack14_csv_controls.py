"""Attack on the CSV exports (helper "attack14", session 16): control characters from a
report's text went into the file as they were.

`knooppunt export --format csv` writes to standard output unless `--out` is given, so a
liaison's report holding terminal escapes (a Matrix message may carry \\u001b) moved
the cursor and wiped lines on the operator's terminal, and a spreadsheet shows them as
junk. The EDXL export already drops what XML forbids and JSON escapes them; the CSVs
now drop C0/C1 control characters other than tab and line breaks too (both forms).
"""

from __future__ import annotations

import re

import pytest

from storage import export_formats
from storage.models import SituationEntry
from tests.support.entries import entry_input

CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _entry() -> SituationEntry:
    data = entry_input(text="Dijk houdt.\x1b[1A\x1b[2K\x9b2KAlles rustig\x07")
    entry = SituationEntry(
        id=1,
        incident=data.incident,
        category=data.category,
        organisation=data.organisation,
        reporter="@l:x",
        room_id="!ggd:x",
        source_event_id="$e1",
        observed_at=data.observed_at,
        recorded_at=data.observed_at,
        updated_at=data.observed_at,
        municipality="Dordrecht\x1b[2K",
        severity=data.severity,
        status=data.status,
        text=data.text,
        tlp="GREEN",
        revision=1,
    )
    return entry


@pytest.mark.parametrize("render", [export_formats.to_csv, export_formats.to_csv_nl])
def test_a_csv_holds_no_control_characters(render: object) -> None:
    data = render([_entry()], {})  # type: ignore[operator]
    text = data.decode("utf-8-sig")
    assert not CONTROL.search(text), repr(text)
    assert "Alles rustig" in text
