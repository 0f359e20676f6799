"""`knooppunt network` and `knooppunt objects` print names an administrator's file gave
(a map's id, an owner, an organisation, a file's problems quoting its values): each line
goes through `terminal_safe`, as `knooppunt audit` and `knowledge search` do, so a file
with an escape sequence in a name can neither wipe nor forge what the operator reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main

ESC = "\x1b"


def _objects_file(folder: Path) -> Path:
    folder.mkdir()
    (folder / "ghor.yaml").write_text(
        'owner: "GHOR\\e[2J Kennemerland"\nupdated: 2026-11-30\nobjects:\n'
        "  - {id: kk-nieuw, name: Nieuw Gasthuis, kind: ziekenhuis, municipality: Haarlem}\n",
        encoding="utf-8",
    )
    return folder


def _map_file(folder: Path) -> Path:
    folder.mkdir()
    (folder / f"kaart{ESC}[2J.yaml").write_text(
        "id: algemeen\ntitel: Kaart\nafhankelijkheden:\n"
        "  - {sector: energie, afhankelijk: telecom, reden: masten, verwacht: 4 uur}\n",
        encoding="utf-8",
    )
    return folder


def test_objects_output_shows_control_characters_escaped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KNOOPPUNT_DATA_DIR", str(tmp_path))
    main(["objects", "import", str(_objects_file(tmp_path / "files"))])
    main(["objects", "export", str(tmp_path / "out")])
    main(["objects", "check", str(tmp_path / "files")])
    said = capsys.readouterr()
    assert ESC not in said.out + said.err, said
    assert "\\x1b" in said.out, said.out


def test_network_output_shows_control_characters_escaped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KNOOPPUNT_DATA_DIR", str(tmp_path))
    main(["network", "import", str(_map_file(tmp_path / "files"))])
    main(["network", "export", str(tmp_path / "out")])
    main(["network", "check", str(tmp_path / "files")])
    said = capsys.readouterr()
    assert ESC not in said.out + said.err, said
    assert "\\x1b" in said.out, said.out
