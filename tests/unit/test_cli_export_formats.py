"""`knooppunt export --format` offers every format the chat `!export` has, `csv-en`
included (regression: the offline CLI refused `csv-en`)."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import load_settings
from bot.console import run_console
from commands.export import FORMATS
from tests.unit.test_console_and_cli import SCRIPT


async def test_cli_export_writes_the_international_csv(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KNOOPPUNT_DATA_DIR", str(tmp_path))
    assert await run_console(load_settings(), "admin", io.StringIO(SCRIPT), io.StringIO()) == 0
    for fmt in FORMATS:
        target = tmp_path / f"storm-{fmt}"
        code = await asyncio.to_thread(
            main, ["export", "--incident", "storm", "--format", fmt, "--out", str(target)]
        )
        assert code == 0, fmt
    english = (tmp_path / "storm-csv-en").read_text(encoding="utf-8-sig")
    # After the TLP line: the header, comma separated, English names.
    header = english.splitlines()[1]
    assert "," in header and ";" not in header and "municipality" in header, english
    assert "Dordrecht" in english
    dutch = (tmp_path / "storm-csv").read_text(encoding="utf-8-sig").splitlines()[1]
    assert ";" in dutch and "gemeente" in dutch, dutch
