"""Attack: an AMBER+STRICT object whose file spells its owner in another case or accent
form than the organisation's rooms are bound under (outside attacker, session 15).

Organisation names are one organisation whatever their case or Unicode form (README,
"Who sees what"): bindings, `!org`, partner files and `eigenaar:` all compare them so.
An object file's `owner:` must too, or an AMBER+STRICT object is hidden from the very
organisation that holds it (its own rooms are told to "ask the owner": themselves),
and a re-import under the other spelling is refused as another owner's ids.
"""

from __future__ import annotations

import unicodedata
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import delete

from knowledge import object_service
from storage import incidents as incident_repo
from storage import objects as store
from storage import organisations, rooms
from storage.engine import Database
from storage.ids import RoomId, UserId
from storage.models import SiteObjectRow
from tests.support.chat import CoreChat, bound_views, texts

GHOR = RoomId("!ghor:x")  # bound as "GHOR Fryslân", AMBER+STRICT
ALICE = UserId("@alice:x")
ORG = "GHOR Fryslân"

OBJECTS = """objects:
  - {{id: fr-zkh-1, name: Ziekenhuis Tjongerschans, kind: ziekenhuis, municipality: Heerenveen,
     facts: {{noodstroom: 48 uur}}}}
owner: {owner}
updated: 2026-11-20
tlp: amber+strict
"""

SPELLINGS = {
    "as bound": ORG,
    "lower case": "ghor fryslân",
    "decomposed accent": unicodedata.normalize("NFD", ORG),
}


async def objects_db(tmp_path: Path, owner: str) -> Database:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'owner.db'}")
    await database.migrate()
    async with database.transaction() as session:
        await incident_repo.open_incident(session, "storm", "Storm", "test")
        # As `!kamer koppel org=` and the config file bind: through the organisation.
        assert (await organisations.ensure(session, ORG)).name == ORG
        await rooms.bind(
            session, GHOR, role="liaison", incident="storm", organisation=ORG,
            tlp_default="AMBER", clearance="AMBER+STRICT", by="test",
        )  # fmt: skip
        await rooms.mark_joined(session, GHOR, datetime.now(UTC))
    await load(database, tmp_path / "first", owner)
    return database


def write(folder: Path, owner: str) -> Path:
    folder.mkdir()
    (folder / "ghor.yaml").write_text(OBJECTS.format(owner=owner), encoding="utf-8")
    return folder


async def load(database: Database, folder: Path, owner: str) -> object_service.ImportReport:
    path = write(folder, owner)
    return await object_service.import_path(db=database, path=path, actor="t")


@pytest.fixture(params=list(SPELLINGS))
async def db(tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[Database]:
    database = await objects_db(tmp_path, SPELLINGS[request.param])
    yield database
    await database.close()


async def test_the_owner_s_own_room_sees_its_strict_object(db: Database) -> None:
    chat = CoreChat(db, bound_views())
    _, result = await chat.handle(GHOR, ALICE, "!object Ziekenhuis Tjongerschans")
    assert result is not None
    reply = texts(result[0])
    assert "48 uur" in reply and "TLP:AMBER+STRICT" in reply, reply


async def test_a_reimport_under_the_organisation_s_own_spelling_replaces_the_objects(
    db: Database, tmp_path: Path
) -> None:
    report = await load(db, tmp_path / "again", ORG)
    assert report.ok, report.problems


async def test_objects_stored_under_an_older_spelling_are_replaced_not_refused(
    tmp_path: Path,
) -> None:
    """Objects imported before owners were named as their organisation: the next import
    replaces them (same owner), and the owner's rooms see the result."""
    database = await objects_db(tmp_path, ORG)
    try:
        async with database.transaction() as session:
            old = store.NewObject(
                "fr-zkh-1", "ghor fryslân", "Ziekenhuis Tjongerschans", "ziekenhuis",
                "Heerenveen", None, "AMBER+STRICT", {},
            )  # fmt: skip
            await session.execute(delete(SiteObjectRow))
            await store.replace_owner(session, "ghor fryslân", [old], "t")
        report = await load(database, tmp_path / "again", ORG)
        assert report.ok, report.problems
        async with database.session() as session:
            owners = {row.owner for row in await store.all_objects(session)}
        assert owners == {ORG}
    finally:
        await database.close()
