"""Knowledge store foundation: idempotent import, all-or-nothing files, search through the CLI."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from bot.cli import main
from knowledge.text import terms
from tests.support.eval_data import EVAL
from tests.support.problems import said

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
    assert "good.yaml: 2 toegevoegd, 0 bijgewerkt, 0 ongewijzigd" in out
    assert "bad.yaml: NIET geïmporteerd" in out and "script" in out
    assert "broken.yaml: NIET geïmporteerd" in out and "geen geldige YAML" in out
    assert await asyncio.to_thread(main, ["knowledge", "import", str(content / "good.yaml")]) == 0
    assert "0 toegevoegd, 0 bijgewerkt, 2 ongewijzigd" in capsys.readouterr().out
    (content / "good.yaml").write_text(
        GOOD.replace("radio op batterijen", "noodradio"), encoding="utf-8"
    )
    # The command line speaks the configured language (Dutch unless set otherwise).
    monkeypatch.setenv("KNOOPPUNT_LANGUAGE", "en")
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


def test_oversized_scripted_and_broken_content_is_refused(tmp_path: Path) -> None:
    huge = tmp_path / "huge.yaml"
    huge.write_text(
        "qas:\n  - id: groot\n    question: Een grote vraag?\n    answer: "
        + "x" * 5_100_000
        + "\n",
        encoding="utf-8",
    )
    long_answer = tmp_path / "long.yaml"
    long_answer.write_text(
        "- id: lang\n  question: Een lange vraag?\n  answer: " + "woord " * 5_000 + "\n",
        encoding="utf-8",
    )
    scripted = tmp_path / "script.md"
    scripted.write_text(
        "---\nid: g1\ntitle: Handreiking\n---\n# Kop\n<iframe src=x></iframe>\n", encoding="utf-8"
    )
    broken = tmp_path / "broken.md"
    broken.write_text("---\nid: [unclosed\n---\ntekst\n", encoding="utf-8")
    good_guidance = tmp_path / "ok.md"
    good_guidance.write_text(
        "---\nid: g2\ntitle: Handreiking opvang\nversion: 2\n---\nIntro\n\n# Eerste\nA\n\n## Tweede\nB\n",
        encoding="utf-8",
    )
    from knowledge.content_io import read_file
    from knowledge.model import Guidance

    assert said(read_file(huge).problems) == ["file larger than 5 MB"]
    assert "longer than 20000 characters" in said(read_file(long_answer).problems)[0]
    assert "script or embedded content" in said(read_file(scripted).problems)[0]
    assert "front matter is not valid YAML" in said(read_file(broken).problems)[0]
    result = read_file(good_guidance)
    assert result.ok and isinstance(result.items[0], Guidance)
    document = result.items[0]
    assert document.version == "2"
    assert [(s.heading, s.body) for s in document.sections()] == [
        ("Handreiking opvang", "Intro"),
        ("Eerste", "A"),
        ("Tweede", "B"),
    ]
    assert main(["knowledge", "check", str(tmp_path)]) == 1


def test_markdown_is_rendered_to_safe_html() -> None:
    from knowledge.markdown import to_html

    html = to_html(
        "**vet** <script>alert(1)</script> <img src=x onerror=alert(1)> "
        "[klik](javascript:alert(1)) [site](https://example.org)"
    )
    assert "<strong>vet</strong>" in html
    assert (
        "<script" not in html and "<img" not in html and "javascript:" not in html.split("&lt;")[0]
    )
    assert 'href="javascript' not in html
    assert '<a href="https://example.org" rel="noopener noreferrer">site</a>' in html
