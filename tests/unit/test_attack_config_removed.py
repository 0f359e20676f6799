"""An operator takes a room out of the crisis by deleting its entry under `rooms:` in the
config file and restarting: the entries are applied on every start when new or
changed, but a deleted entry changed nothing, so the room kept its binding and its
clearance (a RED-cleared room went on reading every AMBER report and getting the
alerts) while the file said it was bound to nothing. A binding the file made and that
nobody changed since now goes with its entry; one an admin changed in chat stays (chat
wins, as for a changed entry); nothing goes while an alias of the file cannot be
resolved (which room it names is not known then)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.config import RoomBindingConfig
from bot.config_bindings import apply_config_bindings
from storage import rooms
from storage.engine import Database
from storage.ids import RoomId
from storage.models import AuditRecord

GGD = RoomBindingConfig(room="!ggd:x", role="liaison", incident="storm", org="GGD", clearance="RED")
VR = RoomBindingConfig(room="!vr:x", role="coordinator", incident="storm", org="VR")


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'config.db'}")
    await database.migrate()
    yield database
    await database.close()


async def _bound(db: Database, room: str) -> str | None:
    async with db.session() as session:
        binding = await rooms.binding(session, RoomId(room))
    return None if binding is None else binding.clearance


async def test_a_deleted_entry_unbinds_its_room(db: Database) -> None:
    assert await apply_config_bindings(db, [GGD, VR], {}) == 2
    await apply_config_bindings(db, [VR], {})  # the operator deleted the GGD entry
    assert await _bound(db, "!ggd:x") is None
    assert await _bound(db, "!vr:x") is not None
    async with db.session() as session:
        actions = list(await session.scalars(select(AuditRecord.action)))
    assert "room.config_binding_removed" in actions, actions


async def test_deleting_every_entry_unbinds_them_all(db: Database) -> None:
    await apply_config_bindings(db, [GGD, VR], {})
    await apply_config_bindings(db, [], {})
    assert (await _bound(db, "!ggd:x"), await _bound(db, "!vr:x")) == (None, None)


async def test_a_binding_changed_in_chat_stays_when_its_entry_goes(db: Database) -> None:
    await apply_config_bindings(db, [GGD], {})
    async with db.transaction() as session:  # an admin lowered it in chat
        await rooms.bind(
            session,
            RoomId("!ggd:x"),
            role="liaison",
            incident="storm",
            organisation="GGD",
            tlp_default="GREEN",
            clearance="AMBER",
            by="@admin:x",
        )
    await apply_config_bindings(db, [], {})
    assert await _bound(db, "!ggd:x") == "AMBER"


async def test_nothing_goes_while_an_alias_is_not_resolved(db: Database) -> None:
    alias = RoomBindingConfig(room="#ggd:x", role="liaison", incident="storm", clearance="RED")
    await apply_config_bindings(db, [alias], {"#ggd:x": "!ggd:x"})
    await apply_config_bindings(db, [alias], {})  # the homeserver did not resolve it
    assert await _bound(db, "!ggd:x") == "RED"
