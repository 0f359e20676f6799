"""Against real Synapse: 10,000 objects from three partners; a liaison's report at the
AMBER hospital is confirmed with its facts, a GREEN municipality room hears only that
information exists, 'Spaarndam' links nothing; `!objecten` lists exactly the imported
set; re-importing one partner's file without one object takes only that object out."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bench.objects import generate, write_partner_files
from knowledge import object_service
from storage.engine import Database
from storage.regions import RegionTable
from tests.conftest import World
from tests.support.live import ask as _ask

pytestmark = pytest.mark.integration


async def _import(url: str, folder: Path) -> object_service.ImportReport:
    db = Database(url)
    try:
        await db.migrate()
        return await object_service.import_path(db, folder, "test")
    finally:
        await db.close()


def _objects(world: World) -> dict[str, tuple[str, str]]:
    with sqlite3.connect(world.bots[0].workdir / "knooppunt.db") as db:
        return {
            i: (o, str(d)) for i, o, d in db.execute("SELECT id, owner, data FROM site_objects")
        }


async def test_objects_at_10000_with_tlp_and_reimport_per_partner(
    world: World, tmp_path: Path
) -> None:
    partners = generate(10_000)
    folder = tmp_path / "partners"
    write_partner_files(folder, partners)
    admin = await world.human("admin")
    liaison = await world.human("liaison")
    town = await world.human("gemeente")
    bot = world.bot(KNOOPPUNT_ADMINS=admin.client.user_id)
    report = await _import(f"sqlite+aiosqlite:///{bot.workdir / 'knooppunt.db'}", folder)
    assert report.ok, report.problems[:3]
    assert sorted(c.after for c in report.owners) == [3000, 3000, 4000]
    bot.start()
    bot_user = world.bot_user
    rooms = {}
    for name, user in (("liaison", liaison), ("gemeente", town)):
        room = await admin.create_room(invite=[bot_user, user.client.user_id], name=name)
        await admin.wait_joined(room, bot_user)
        await user.client.join(room)
        rooms[name] = room
    await _ask(admin, rooms["liaison"], "!incident open storm Storm", bot_user)
    bound = await _ask(
        admin, rooms["liaison"],
        "!kamer koppel incident=storm org=GHOR rol=liaison tlp=amber clearance=amber", bot_user,
    )  # fmt: skip
    assert "gekoppeld" in bound
    bound = await _ask(
        admin, rooms["gemeente"],
        '!kamer koppel incident=storm org="Gemeente Haarlem" rol=municipality tlp=green clearance=green',
        bot_user,
    )  # fmt: skip
    assert "gekoppeld" in bound
    await asyncio.sleep(0.5)

    # 1. The AMBER hospital: facts in the AMBER room, only "information exists" in GREEN.
    confirmed = await _ask(
        liaison, rooms["liaison"],
        "!melding zorg\ngemeente: Haarlem\nlocatie: Spaarne Gasthuis\nNoodstroom draait.", bot_user,
    )  # fmt: skip
    assert "vastgelegd" in confirmed
    assert "Bekend object: Spaarne Gasthuis (noodstroom 48 uur" in confirmed
    hint = await _ask(town, rooms["gemeente"], "!object Spaarne Gasthuis", bot_user)
    assert "objectinformatie aanwezig (TLP:AMBER)" in hint
    assert "48" not in hint and "Boerhaavelaan" not in hint and "ziekenhuis" not in hint
    card = await _ask(liaison, rooms["liaison"], "!object Spaarne Gasthuis", bot_user)
    assert "• noodstroom: 48 uur" in card and card.startswith("TLP:AMBER")
    spaarndam = await _ask(
        liaison, rooms["liaison"],
        "!melding water\ngemeente: Haarlem\nlocatie: Spaarndam\nDijk bij Spaarndam houdt.", bot_user,
    )  # fmt: skip
    assert "vastgelegd" in spaarndam and "Bekend object" not in spaarndam

    # 2. `!objecten Dordrecht soort=verpleeghuis`: exactly the imported file's set.
    regions = RegionTable()
    expected = sorted(
        o["id"]
        for objects in partners.values()
        for o in objects
        if o["kind"] == "verpleeghuis"
        and regions.canonical_municipality(o["municipality"]) == "Dordrecht"
    )
    assert expected, "the generated files hold care homes in Dordrecht"
    listed = await _ask(
        liaison, rooms["liaison"], "!objecten Dordrecht soort=verpleeghuis", bot_user
    )
    assert f"Verpleeghuis in Dordrecht: {len(expected)}" in listed
    shown = sorted(
        line[2:].split(" — ")[0] for line in listed.splitlines() if line.startswith("• ")
    )
    assert shown == expected

    # 3. Re-import one partner's file with one object removed: only that object goes.
    before = _objects(world)
    gone = next(o for o in partners["Gemeenten"] if o["tlp"] == "GREEN")
    partners["Gemeenten"].remove(gone)
    again = tmp_path / "again"
    write_partner_files(again, partners)
    single = again / "only"
    single.mkdir()
    (again / "gemeenten.yaml").rename(single / "gemeenten.yaml")
    report = await _import(f"sqlite+aiosqlite:///{bot.workdir / 'knooppunt.db'}", single)
    assert report.ok and [(c.owner, c.before, c.after) for c in report.owners] == [
        ("Gemeenten", 3000, 2999)
    ]
    after = _objects(world)
    assert set(before) - set(after) == {gone["id"]}
    assert after == {k: before[k] for k in after}  # every other object exactly as it was
    missing = await _ask(liaison, rooms["liaison"], f"!object {gone['id']}", bot_user)
    assert "Geen object gevonden" in missing
