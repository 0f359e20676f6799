"""`knooppunt knowledge export` writes files meant for git: it holds only Q&As and
guidance up to an explicit ceiling (`--max-tlp`, default GREEN) and says on stderr
what it left out, like `knooppunt export`."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.cli import main

STORE = """qas:
  - id: open-1
    question: Waar is de informatielijn?
    answer: Bel het algemene nummer.
    tlp: clear
  - id: groen-1
    question: Waar staan de zandzakken?
    answer: Bij de gemeentewerf.
  - id: oranje-1
    question: Welke sporthal is reserve-opvang?
    answer: Zwx-oranje De Schans.
    tlp: amber
  - id: rood-1
    question: Waar is de crisisstaf?
    answer: Zwx-rood in het stadhuis.
    tlp: red
"""

GUIDANCE = "---\nid: g-rood\ntitle: Draaiboek staf\ntlp: red\n---\nZwx-gids-rood\n"


async def _store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KNOOPPUNT_DATA_DIR", str(tmp_path))
    content = tmp_path / "content"
    content.mkdir()
    (content / "qas.yaml").write_text(STORE, encoding="utf-8")
    (content / "g-rood.md").write_text(GUIDANCE, encoding="utf-8")
    assert await asyncio.to_thread(main, ["knowledge", "import", str(content)]) == 0


def _written(directory: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(directory.iterdir()))


async def test_knowledge_export_leaves_out_what_is_above_green_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    await _store(tmp_path, monkeypatch)
    capsys.readouterr()
    out = tmp_path / "out"
    assert await asyncio.to_thread(main, ["knowledge", "export", str(out)]) == 0
    written = _written(out)
    assert "open-1" in written and "groen-1" in written
    assert "Zwx-oranje" not in written and "Zwx-rood" not in written
    assert "Zwx-gids-rood" not in written and not (out / "g-rood.md").exists()
    err = capsys.readouterr().err
    assert "--max-tlp GREEN" in err and "1 AMBER, 2 RED" in err and "--max-tlp RED" in err


async def test_knowledge_export_writes_up_to_the_ceiling_it_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    await _store(tmp_path, monkeypatch)
    out = tmp_path / "out"
    code = await asyncio.to_thread(main, ["knowledge", "export", str(out), "--max-tlp", "amber"])
    assert code == 0
    written = _written(out)
    assert "Zwx-oranje" in written and "Zwx-rood" not in written
    everything = tmp_path / "all"
    code = await asyncio.to_thread(
        main, ["knowledge", "export", str(everything), "--max-tlp", "RED"]
    )
    assert code == 0 and "Zwx-gids-rood" in _written(everything)
    assert (
        await asyncio.to_thread(main, ["knowledge", "export", str(out), "--max-tlp", "paars"]) == 2
    )
