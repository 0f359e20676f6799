"""`knooppunt knowledge search --max-tlp LABEL` (session 12's known gap): the command
printed every hit whatever its label, so its output could not be pasted into a mail
or a ticket without reading every line. With the flag, hits above the ceiling are left
out altogether (their ids and questions, and from the confidence too) and only their
count goes to standard error. Without it the operator sees everything, as before."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from bot.cli import main

CONTENT = """qas:
  - id: stroom-groen
    question: Wat moet ik doen bij een stroomstoring?
    answer: Houd een radio op batterijen bij de hand.
    topic: stroom
    tlp: green
  - id: stroom-rood
    question: Waar staan de noodaggregaten bij een stroomstoring?
    answer: In de loods achter het gemaal.
    topic: stroom
    tlp: red
"""
QUERY = "stroomstoring noodaggregaten"


@pytest.fixture
async def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KNOOPPUNT_DATA_DIR", str(tmp_path))
    content = tmp_path / "qas.yaml"
    content.write_text(CONTENT, encoding="utf-8")
    assert await asyncio.to_thread(main, ["knowledge", "import", str(content)]) == 0
    return tmp_path


def _search(capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[dict[str, object], str]:
    capsys.readouterr()
    assert main(["knowledge", "search", QUERY, "--json", *extra]) == 0
    out, err = capsys.readouterr()
    return json.loads(out), err


async def test_hits_above_the_ceiling_are_left_out_and_counted_on_stderr(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    everything, err = await asyncio.to_thread(_search, capsys)
    ids = [hit["id"] for hit in everything["results"]]  # type: ignore[attr-defined]
    assert "stroom-rood" in ids and err == "", (ids, err)
    capped, err = await asyncio.to_thread(_search, capsys, "--max-tlp", "amber")
    shown = json.dumps(capped, ensure_ascii=False)
    assert "stroom-rood" not in shown and "noodaggregaten" not in shown.replace(QUERY, ""), shown
    assert [hit["id"] for hit in capped["results"]] == ["stroom-groen"]  # type: ignore[attr-defined]
    assert "1" in err and "RED" in err and "stroom-rood" not in err, err


async def test_the_plain_output_leaves_them_out_too(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert await asyncio.to_thread(main, ["knowledge", "search", QUERY, "--max-tlp", "GREEN"]) == 0
    out, err = capsys.readouterr()
    assert "stroom-groen" in out and "stroom-rood" not in out, out
    assert "RED" in err, err


def test_an_unknown_ceiling_is_refused(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["knowledge", "search", QUERY, "--max-tlp", "paars"]) != 0
