"""The console runs the same handlers on the same database; `knooppunt export` reads it back."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import load_settings
from bot.console import read_messages, run_console

SCRIPT = """!incident open storm Storm Zuid

!kamer koppel incident=storm org=GGD rol=liaison tlp=amber clearance=amber

!melding opvang
gemeente: Dordrecht
opvangplekken beschikbaar: 120
tijd: 14:30
ernst: matig
Sporthal De Schans ingericht als noodopvang.

!meldingen
"""


def test_messages_end_with_an_empty_line() -> None:
    assert list(read_messages(io.StringIO("a\nb\n\n\nc\n"))) == ["a\nb", "c"]


async def test_console_then_cli_export(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    monkeypatch.setenv("KNOOPPUNT_DATA_DIR", str(tmp_path))
    out = io.StringIO()
    assert await run_console(load_settings(), "admin", io.StringIO(SCRIPT), out) == 0
    text = out.getvalue()
    assert "Incident storm geopend" in text
    assert "Melding M-1 vastgelegd" in text and "opvangplekken beschikbaar 120" in text
    assert "TLP:AMBER — Meldingen storm (1, pagina 1/1)" in text

    target = tmp_path / "storm.json"
    import asyncio

    code = await asyncio.to_thread(
        main, ["export", "--incident", "storm", "--format", "json", "--out", str(target)]
    )
    assert code == 0
    document = json.loads(target.read_text())
    assert document["count"] == 1 and document["entries"][0]["municipality"] == "Dordrecht"
    assert document["entries"][0]["figures"][0]["value"] == 120
    code = await asyncio.to_thread(main, ["export", "--incident", "nope", "--format", "csv"])
    assert code == 2


async def test_audit_lists_who_did_what(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import asyncio

    monkeypatch.setenv("KNOOPPUNT_DATA_DIR", str(tmp_path))
    await run_console(load_settings(), "admin", io.StringIO(SCRIPT), io.StringIO())
    capsys.readouterr()
    assert await asyncio.to_thread(main, ["audit", "--incident", "storm"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any("incident.opened storm" in line for line in lines)
    assert any("recorded M-1" in line and "TLP:AMBER" in line for line in lines)
    assert any("entries.listed storm" in line and "M-1" in line for line in lines)
    assert lines == sorted(lines)  # oldest first
