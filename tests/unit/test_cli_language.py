"""The operator's command line speaks the configured language: the labels of
`knooppunt crypto status`, the notes of `knooppunt export`, and the problems a file
check finds (recorded as catalogue keys by `knowledge/`, said by the CLI)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.cli.export import ExportResult, export_notes
from bot.config import Settings
from commands.i18n import t
from knowledge import objects
from knowledge.objects import FileResult
from tests.support.problems import said


def status_lines(tmp_path: Path, language: str, capsys: pytest.CaptureFixture[str]) -> list[str]:
    from bot.cli.crypto import run_crypto

    settings = Settings(
        user_id="@bot:example.org",
        data_dir=tmp_path,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'k.db'}",
        language=language,  # type: ignore[arg-type]
    )
    from storage.engine import Database

    async def migrate() -> None:
        db = Database(settings.effective_database_url)
        await db.migrate()
        await db.close()

    asyncio.run(migrate())
    assert run_crypto(settings, None) == 1  # type: ignore[arg-type]  # not logged in yet
    return capsys.readouterr().out.splitlines()


def test_crypto_status_labels_follow_the_language_and_line_up(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    english = status_lines(tmp_path, "en", capsys)
    assert english[0] == "user:           @bot:example.org"
    assert english[-1] == "device:         none yet (the bot has not logged in)"
    dutch = status_lines(tmp_path, "nl", capsys)
    assert dutch[0].startswith("gebruiker:") and dutch[0].endswith(" @bot:example.org")
    assert dutch[-1].startswith("apparaat:") and "nog niet ingelogd" in dutch[-1]
    # Every value starts in the same column, whatever the label's length.
    columns = {len(line) - len(line.split(":", 1)[1].lstrip()) for line in dutch}
    assert len(columns) == 1


def test_export_notes_in_dutch_and_english() -> None:
    result = ExportResult(b"", 2, "AMBER", "AMBER", {"RED": 1, "AMBER+STRICT": 2}, exercise=True)
    dutch = export_notes(result, "storm", None, "nl")
    assert dutch[0].startswith("OEFENING (oefening) 2 melding(en) van storm")
    assert "standaarduitvoer" in dutch[0]
    assert "3 melding(en) weggelaten" in dutch[1] and "2 AMBER+STRICT, 1 RED" in dutch[1]
    english = export_notes(result, "storm", Path("out.json"), "en")
    assert (
        english[0]
        == "OEFENING (exercise) 2 entries of storm written to out.json (banner TLP:AMBER)"
    )
    assert english[1].endswith("use --max-tlp RED to include them")


def test_file_problems_are_said_in_either_language() -> None:
    text = "id,naam,eigenaar\ngor-1,Gemaal,Waterschap,extra\n"
    result = objects.read_text(text, ".csv", FileResult(Path("gemalen.csv")))
    assert said(result.problems, "en")[0] == "line 2: more values than columns"
    assert said(result.problems, "nl")[0] == "regel 2: meer waarden dan kolommen"
    broken = objects.read_text("objects: [unclosed\n", ".yaml", FileResult(Path("x.yaml")))
    assert said(broken.problems, "nl")[0].startswith("geen geldige YAML: ")
    # A content rule of knowledge/model.py, nested in a problem, follows the language too.
    bad_id = objects.read_text(
        "- id: 'gor 1!'\n  naam: A\n  eigenaar: O\n", ".yaml", FileResult(Path("y.yaml"))
    )
    assert said(bad_id.problems, "nl")[0] == "object 1 (gor 1!): id: " + t(
        "nl", "knowledge.rule_id"
    )
    assert said(bad_id.problems, "en")[0] == (
        "object 1 (gor 1!): id: id: letters, digits, '.', '_' or '-', at most 100"
    )


def test_validator_messages_of_content_files_are_said_in_either_language(tmp_path: Path) -> None:
    """A partner file's or object file's own rules (knowledge/network.py, objects.py) are
    catalogue keys too, not English sentences raised inside a validator."""
    from knowledge import network

    bad = tmp_path / "kaart.yaml"
    bad.write_text(
        "id: test\nafhankelijkheden:\n  - sector: kernfusie\n    afhankelijk: zorg\n    reden: x\n",
        encoding="utf-8",
    )
    problems = network.read_file(bad).problems
    assert said(problems, "nl")[0].startswith("dependencies.0.sector: onbekende sector 'kernfusie'")
    assert said(problems, "en")[0].startswith("dependencies.0.sector: unknown sector 'kernfusie'")
    partners = tmp_path / "p.yaml"
    partners.write_text("organisaties:\n  - naam: A\n    rollen: [x]\n", encoding="utf-8")
    assert "rollen: een lijst van fase" in said(network.read_file(partners).problems, "nl")[0]
    facts = objects.read_text(
        "- id: a\n  naam: Gemaal\n  soort: gemaal\n  eigenaar: Waterschap\n  gemeente: Dordrecht\n  feiten: [x]\n",
        ".yaml",
        FileResult(Path("y.yaml")),
    )
    assert said(facts.problems, "nl")[0].startswith("object 1 (a): facts: feiten: een lijst")
    assert said(facts.problems, "en")[0].startswith("object 1 (a): facts: facts: a mapping")


def test_pydantic_checks_are_said_in_either_language(tmp_path: Path) -> None:
    """A missing field or a value of the wrong type: pydantic's own checks are in the
    catalogue too (the English as pydantic says it), not English in a Dutch reply."""
    missing = objects.read_text(
        "- id: a\n  naam: Gemaal\n  eigenaar: Waterschap\n  gemeente: Dordrecht\n",
        ".yaml",
        FileResult(Path("y.yaml")),
    )
    assert said(missing.problems, "nl")[0] == "object 1 (a): kind: verplicht veld ontbreekt"
    assert said(missing.problems, "en")[0] == "object 1 (a): kind: Field required"
    short = objects.read_text(
        "- id: a\n  naam: G\n  soort: gemaal\n  eigenaar: Waterschap\n  gemeente: Dordrecht\n",
        ".yaml",
        FileResult(Path("y.yaml")),
    )
    assert said(short.problems, "nl")[0] == "object 1 (a): name: moet minstens 2 teken(s) hebben"
    assert said(short.problems, "en")[0] == (
        "object 1 (a): name: String should have at least 2 characters"
    )
