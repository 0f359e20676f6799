"""A config entry that names its room by an alias (`#ggd:x`), and the alias was moved
to another room: the next start bound that other room, cleared as the entry says,
without a word (and unbound the room the alias named before, as an entry gone). An
alias can be moved by whoever administers it, so this is refused as for an upgraded
room: logged, audited (`room.config_alias_moved`), nothing bound or unbound; naming the
room by its id in the file applies the entry to it."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.config import RoomBindingConfig
from bot.config_bindings import apply_config_bindings
from storage import rooms
from storage.engine import Database
from storage.ids import RoomId
from storage.models import AuditRecord

ALIAS = "#ggd:x"
FIRST, OTHER = RoomId("!ggd:x"), RoomId("!elders:x")


async def test_a_moved_alias_does_not_give_its_new_room_the_clearance(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'config.db'}")
    await db.migrate()
    try:
        entry = RoomBindingConfig(
            room=ALIAS, role="liaison", incident="storm", org="GGD", clearance="AMBER"
        )
        assert await apply_config_bindings(db, [entry], {ALIAS: FIRST}) == 1
        with caplog.at_level(logging.WARNING, logger="knooppunt.config"):
            assert await apply_config_bindings(db, [entry], {ALIAS: OTHER}) == 0
        async with db.session() as session:
            first = await rooms.binding(session, FIRST)
            other = await rooms.binding(session, OTHER)
            audits = list(await session.scalars(select(AuditRecord.action)))
        assert other is None, "the room the alias now names got the entry's clearance"
        assert first is not None and first.active and first.clearance == "AMBER"
        assert any(OTHER in m and ALIAS in m for m in caplog.messages), caplog.messages
        assert "room.config_alias_moved" in audits, audits
        # Named by its id, the entry is applied to that room.
        by_id = entry.model_copy(update={"room": OTHER})
        assert await apply_config_bindings(db, [by_id], {}) == 1
    finally:
        await db.close()


async def test_an_alias_that_still_names_its_room_is_applied_as_before(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'config.db'}")
    await db.migrate()
    try:
        entry = RoomBindingConfig(
            room=ALIAS, role="liaison", incident="storm", org="GGD", clearance="AMBER"
        )
        assert await apply_config_bindings(db, [entry], {ALIAS: FIRST}) == 1
        assert await apply_config_bindings(db, [entry], {ALIAS: FIRST}) == 1
    finally:
        await db.close()
