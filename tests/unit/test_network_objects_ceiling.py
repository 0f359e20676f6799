"""`knooppunt network export` and `knooppunt objects export` write files that travel (a
git repository, a mail to a partner): like `knooppunt knowledge export` they hold only
what is labelled up to an explicit ceiling (`--max-tlp`, default GREEN) and count on
stderr what they left out.

Both imports *replace* (an organisation's contact lines, an owner's objects), so a file
exported under a ceiling says so (`max_tlp:` per organisation, per object file) and its
import keeps what is above that ceiling: export under a ceiling, import, nothing lost."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import yaml

from bot.cli import main
from knowledge import network
from storage import objects as object_store
from storage.engine import Database
from storage.models import Organisation
from tests.support.network import SAMPLE
from tests.unit.test_objects import write_partners


def _written(directory: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(directory.iterdir()))


async def _contacts(url: str) -> dict[str, list[tuple[str, str, str]]]:
    from sqlalchemy import select

    db = Database(url.replace("sqlite:", "sqlite+aiosqlite:"))
    try:
        async with db.session() as session:
            orgs = (await session.scalars(select(Organisation))).all()
            return {
                o.name: sorted((c["label"], c["line"], c["tlp"]) for c in o.contacts or [])
                for o in orgs
                if o.contacts
            }
    finally:
        await db.close()


def test_network_export_leaves_out_contact_lines_above_green_by_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert main(["network", "import", str(SAMPLE), "--database-url", url]) == 0
    capsys.readouterr()
    out = tmp_path / "out"
    assert main(["network", "export", str(out), "--database-url", url]) == 0
    written = _written(out)
    assert "0800 0101" in written and "+31 72 555 0303" in written  # CLEAR, GREEN
    for amber_or_above in ("+31 20 555 0101", "+31 20 555 0202", "+31 72 555 0404"):
        assert amber_or_above not in written
    err = capsys.readouterr().err
    assert "3" in err and "--max-tlp GREEN" in err and "2 AMBER, 1 AMBER+STRICT" in err
    assert "--max-tlp AMBER+STRICT" in err
    # Each organisation says it was written under the ceiling; the file stays valid.
    exported = network.check(out)
    assert all(r.ok for r in exported)
    partners = {p.name: p for r in exported for p in r.partners}
    assert {p.max_tlp for p in partners.values()} == {"GREEN"}
    everything = tmp_path / "everything"
    assert (
        main(["network", "export", str(everything), "--max-tlp", "red", "--database-url", url]) == 0
    )
    assert "+31 72 555 0404" in _written(everything) and "max_tlp" not in _written(everything)
    assert not capsys.readouterr().err
    assert main(["network", "export", str(out), "--max-tlp", "paars", "--database-url", url]) == 2


def test_a_partners_file_exported_under_a_ceiling_imports_without_losing_contacts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert main(["network", "import", str(SAMPLE), "--database-url", url]) == 0
    before = asyncio.run(_contacts(url))
    out = tmp_path / "out"
    assert main(["network", "export", str(out), "--database-url", url]) == 0
    capsys.readouterr()
    assert main(["network", "import", str(out), "--database-url", url]) == 0
    assert asyncio.run(_contacts(url)) == before
    assert "behouden" in capsys.readouterr().out  # the import says what it kept
    # A line the file holds can still be removed through it; the ones above stay.
    partners = out / "partners.yaml"
    data = yaml.safe_load(partners.read_text(encoding="utf-8"))
    netbeheer = next(o for o in data["organisations"] if o["name"] == "Netbeheer Noord")
    assert [c["line"] for c in netbeheer["contacts"]] == ["0800 0101"]
    netbeheer["contacts"] = []
    partners.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert network.check(partners)[0].ok
    assert main(["network", "import", str(out), "--database-url", url]) == 0
    after = asyncio.run(_contacts(url))
    assert after["Netbeheer Noord"] == [c for c in before["Netbeheer Noord"] if c[1] != "0800 0101"]
    assert after == {**before, "Netbeheer Noord": after["Netbeheer Noord"]}


async def _objects(url: str) -> dict[str, str]:
    db = Database(url)
    try:
        async with db.session() as session:
            return {r.id: r.tlp for r in await object_store.all_objects(session)}
    finally:
        await db.close()


def test_objects_export_leaves_out_objects_above_green_and_import_keeps_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KNOOPPUNT_DATA_DIR", str(tmp_path))
    url = f"sqlite+aiosqlite:///{tmp_path / 'knooppunt.db'}"
    folder = write_partners(tmp_path / "files")
    assert main(["objects", "import", str(folder)]) == 0
    before = asyncio.run(_objects(url))
    assert before["kk-spaarne"] == "AMBER"
    capsys.readouterr()
    out = tmp_path / "out"
    assert main(["objects", "export", str(out)]) == 0
    written = _written(out)
    assert "kk-rode" in written and "gor-1" in written and "gml-1" in written
    assert "kk-spaarne" not in written and "Boerhaavelaan" not in written
    assert "max_tlp: GREEN" in written
    err = capsys.readouterr().err
    assert "1 AMBER" in err and "--max-tlp GREEN" in err and "--max-tlp AMBER" in err
    assert main(["objects", "import", str(out)]) == 0
    assert "GHOR Kennemerland: 2 object(en) (was 2)" in capsys.readouterr().out
    assert asyncio.run(_objects(url)) == before
    everything = tmp_path / "everything"
    assert main(["objects", "export", str(everything), "--max-tlp", "red"]) == 0
    assert "kk-spaarne" in _written(everything) and "max_tlp" not in _written(everything)
    assert not capsys.readouterr().err
    assert main(["objects", "export", str(out), "--max-tlp", "paars"]) == 2


def test_an_object_file_under_a_ceiling_still_replaces_what_it_may_hold(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ceiling keeps only what is above it: an object at or below it that the file
    no longer holds is removed, as before; an object the file relabels is the file's."""
    monkeypatch.setenv("KNOOPPUNT_DATA_DIR", str(tmp_path))
    url = f"sqlite+aiosqlite:///{tmp_path / 'knooppunt.db'}"
    assert main(["objects", "import", str(write_partners(tmp_path / "files"))]) == 0
    hand = tmp_path / "hand"
    hand.mkdir()
    (hand / "ghor.yaml").write_text(
        "max_tlp: GREEN\nowner: GHOR Kennemerland\nupdated: 2026-11-30\nobjects:\n"
        "  - {id: kk-nieuw, name: Nieuw Gasthuis, kind: ziekenhuis, municipality: Haarlem}\n",
        encoding="utf-8",
    )
    assert main(["objects", "import", str(hand)]) == 0
    after = asyncio.run(_objects(url))
    assert "kk-rode" not in after  # GREEN, not in the file: removed
    assert after["kk-spaarne"] == "AMBER" and after["kk-nieuw"] == "GREEN"
    (hand / "ghor.yaml").write_text(
        "max_tlp: GREEN\nowner: GHOR Kennemerland\nupdated: 2026-11-30\nobjects:\n"
        "  - {id: kk-spaarne, name: Spaarne Gasthuis, kind: ziekenhuis, municipality: Haarlem}\n",
        encoding="utf-8",
    )
    assert main(["objects", "import", str(hand)]) == 0
    assert asyncio.run(_objects(url)) == {
        **{k: v for k, v in after.items() if k != "kk-nieuw"},
        "kk-spaarne": "GREEN",
    }
