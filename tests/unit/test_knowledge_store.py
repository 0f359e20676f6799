"""Knowledge store foundation: idempotent import, all-or-nothing files, search through the CLI."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from bot.cli import main
from knowledge.text import terms

EVAL = Path(__file__).resolve().parents[3] / "shared" / "eval"

GOOD = """qas:
  - id: stroom-1
    question: Wat moet ik doen bij een stroomstoring?
    alternatives: ["Wat te doen als de stroom uitvalt?"]
    answer: Houd een radio op batterijen bij de hand.
    topic: stroom
    owner: Veiligheidsregio
  - id: water-1
    question: Is het kraanwater veilig om te drinken?
    answer: Volg de berichten van het drinkwaterbedrijf.
    topic: water
"""


def test_terms_fold_stem_and_map_synonyms() -> None:
    assert terms("Stroomuitval in de wijk") == terms("stroomstoring wijk")
    assert terms("Oekraïners") == terms("vluchtelingen")


async def test_import_is_idempotent_and_bad_files_import_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KNOOPPUNT_DATA_DIR", str(tmp_path))
    content = tmp_path / "content"
    content.mkdir()
    (content / "good.yaml").write_text(GOOD, encoding="utf-8")
    (content / "bad.yaml").write_text(
        "qas:\n  - id: ok-1\n    question: Een goede vraag?\n    answer: Ja.\n"
        "  - id: bad-1\n    question: Script?\n    answer: <script>alert(1)</script>\n",
        encoding="utf-8",
    )
    (content / "broken.yaml").write_text("qas: [unclosed\n", encoding="utf-8")
    code = await asyncio.to_thread(main, ["knowledge", "import", str(content)])
    out = capsys.readouterr().out
    assert code == 1
    assert "good.yaml: 2 added, 0 updated, 0 unchanged" in out
    assert "bad.yaml: NOT imported" in out and "script" in out
    assert "broken.yaml: NOT imported" in out and "not valid YAML" in out
    assert await asyncio.to_thread(main, ["knowledge", "import", str(content / "good.yaml")]) == 0
    assert "0 added, 0 updated, 2 unchanged" in capsys.readouterr().out
    (content / "good.yaml").write_text(
        GOOD.replace("radio op batterijen", "noodradio"), encoding="utf-8"
    )
    assert await asyncio.to_thread(main, ["knowledge", "import", str(content / "good.yaml")]) == 0
    assert "0 added, 1 updated, 1 unchanged" in capsys.readouterr().out

    assert (
        await asyncio.to_thread(main, ["knowledge", "search", "de stroom is uitgevallen", "--json"])
        == 0
    )
    result = json.loads(capsys.readouterr().out)
    assert result["query"] == "de stroom is uitgevallen"
    assert result["results"][0]["id"] == "stroom-1"
    assert set(result["results"][0]) == {"id", "score", "question"}

    assert await asyncio.to_thread(main, ["knowledge", "export", str(tmp_path / "out")]) == 0
    exported = (tmp_path / "out" / "qas.yaml").read_text(encoding="utf-8")
    assert "noodradio" in exported and "water-1" in exported


def test_eval_store_validates() -> None:
    if not EVAL.exists():
        pytest.skip(f"evaluation data not found at {EVAL}")
    code = main(["knowledge", "check", str(EVAL / "qa-store.jsonl")])
    assert code == 0
