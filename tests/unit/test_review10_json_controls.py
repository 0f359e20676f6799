"""Review of round 1 (helper "review10", session 16): `knooppunt export` writes to the
terminal without `--out`; round 1 cleaned the CSVs of control characters and said
"JSON escapes them". It escapes C0 (ESC as \\u001b) but writes DEL and the C1 controls
as they are (`ensure_ascii=False`): U+009B is CSI, which a terminal such as xterm obeys
(`\\x9b2K` wipes the line). The JSON now writes them as \\u escapes: the same data."""

from __future__ import annotations

import json
import re

from storage import export_formats
from tests.unit.test_attack14_csv_controls import _entry

RAW_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def test_the_json_export_writes_no_raw_control_characters() -> None:
    data = export_formats.to_json([_entry()], {}, {"incident": "storm"})
    text = data.decode("utf-8")
    assert not RAW_CONTROL.search(text), repr(text)
    entry = json.loads(text)["entries"][0]
    assert entry["text"] == "Dijk houdt.\x1b[1A\x1b[2K\x9b2KAlles rustig\x07"
