"""The console runs the same handlers on the same database; `knooppunt export` reads it back."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.cli import build_parser, main
from bot.config import RoomBindingConfig, load_settings
from bot.console import read_messages, run_console
from commands.i18n import t
from knowledge.problems import complaint

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
    # Said in the configured language (Dutch by default); the actions are codes.
    assert any("legde M-1 vast in" in line and "TLP:AMBER" in line for line in lines)
    assert any("entries.listed storm" in line and "M-1" in line for line in lines)
    assert lines == sorted(lines)  # oldest first
    monkeypatch.setenv("KNOOPPUNT_LANGUAGE", "en")
    assert await asyncio.to_thread(main, ["audit", "--incident", "storm"]) == 0
    english = capsys.readouterr().out.splitlines()
    assert any("recorded M-1 in" in line and "TLP:AMBER" in line for line in english)
    assert len(english) == len(lines) and english == sorted(english)


# -- `console --demo` and the role names ----------------------------------------------------

PETS = "!vraag Mogen huisdieren mee naar de noodopvang?"  # the README's example


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh data folder (and with it a fresh SQLite database) for the console."""
    monkeypatch.setenv("KNOOPPUNT_DATA_DIR", str(tmp_path))
    return tmp_path


async def console(role: str, script: str, demo: bool = False) -> str:
    out = io.StringIO()
    assert await run_console(load_settings(), role, io.StringIO(script), out, demo=demo) == 0
    return out.getvalue()


async def test_demo_municipality_gets_the_readme_pets_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KNOOPPUNT_DATA_DIR", str(tmp_path / "empty"))
    # Without the sample the README's question finds nothing on an empty database ...
    assert "demo-evacuatie-huisdieren" not in await console("municipality", PETS)
    monkeypatch.setenv("KNOOPPUNT_DATA_DIR", str(tmp_path / "demo"))
    # ... with --demo it is answered from the sample knowledge, for either role name.
    for name in ("municipality", "gemeente"):
        text = await console(name, PETS, demo=True)
        assert "(demo-evacuatie-huisdieren)" in text, text
        assert "Ja, maar niet in de slaapruimte." in text


async def test_demo_liaison_reports_into_the_sample_incident(data_dir: Path) -> None:
    report = "!melding opvang\ngemeente: Dordrecht\nopvangplekken beschikbaar: 80\nSporthal open.\n"
    text = await console("liaison", report, demo=True)
    assert "Melding M-1 vastgelegd" in text, text
    assert "Organisatie: GGD ZHZ · incident hoogwater" in text


async def test_demo_coordinator_opens_an_incident_and_gets_the_picture(data_dir: Path) -> None:
    text = await console("coordinator", "!incident open storm Storm Zuid\n\n!beeld\n", demo=True)
    assert "Incident storm geopend: Storm Zuid" in text, text
    assert "Situatiebeeld hoogwater: Hoogwater Maas" in text


async def test_demo_loads_the_sample_network_too(data_dir: Path) -> None:
    """`console --demo` is the whole sample: the partners and dependency map of
    knowledge/sample_network as well, so `!wie` and the domino have something to show."""
    text = await console("coordinator", "!wie energie\n", demo=True)
    assert "Netbeheer Noord:" in text and "Storingscoördinator 24/7" in text, text
    assert "afhankelijkheden" in text.split("Netbeheer Noord")[0]  # the load says so


async def test_console_coordinator_may_open_an_incident_without_the_demo(data_dir: Path) -> None:
    """The console user made their room, so they hold its creator's power level."""
    text = await console("coordinator", "!incident open storm Storm Zuid\n")
    assert "Incident storm geopend" in text and "moderatorrechten" not in text, text


async def test_loading_the_demo_twice_changes_nothing(data_dir: Path) -> None:
    first = await console("curator", "", demo=True)
    # The console speaks the configured language (Dutch by default).
    assert "4 consolekamer(s) nieuw gekoppeld" in first and " 0 nieuw(e) kennis" not in first
    again = await console("curator", "", demo=True)
    assert "0 nieuw(e) kennisitem(s), 0 consolekamer(s) nieuw gekoppeld" in again


@pytest.mark.parametrize(
    ("typed", "role"),
    [
        ("gemeente", "municipality"),
        ("municipality", "municipality"),
        ("redactie", "curator"),
        ("Curator", "curator"),
        ("coördinator", "coordinator"),
        ("liaison", "liaison"),
        ("admin", "admin"),
        ("guest", "guest"),
    ],
)
def test_role_names_dutch_and_english(typed: str, role: str) -> None:
    args = build_parser().parse_args(["console", "--as", typed])
    assert args.role == role and args.demo is False
    if role not in ("admin", "guest"):
        assert RoomBindingConfig(room="!r:x", role=typed).role == role


def test_unknown_role_is_refused(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args(["console", "--as", "burgemeester"])
    assert exit_info.value.code == 2
    # Before the settings are read: the default language, or KNOOPPUNT_LANGUAGE's.
    assert "onbekende rol 'burgemeester'" in capsys.readouterr().err
    monkeypatch.setenv("KNOOPPUNT_LANGUAGE", "en")
    with pytest.raises(SystemExit):
        build_parser().parse_args(["console", "--as", "burgemeester"])
    assert "unknown role 'burgemeester'" in capsys.readouterr().err
    with pytest.raises(ValidationError) as invalid:
        RoomBindingConfig(room="!r:x", role="burgemeester")
    said = complaint(invalid.value.errors()[0])  # a rule, said in either language
    assert t("en", "cli.config_invalid", setting="role", error=said).startswith(
        "config error: role: must be one of liaison, coordinator"
    )
    assert "moet een van liaison, coordinator" in t(
        "nl", "content.field_error", field="", error=said
    )


def test_demo_flag_is_parsed() -> None:
    assert build_parser().parse_args(["console", "--demo", "--as", "gemeente"]).demo is True
