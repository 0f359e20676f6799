"""A config entry that names a room by the id it had before an upgrade (session 12,
leftovers3).

After a room upgrade the bot follows to the new room and carries the binding; the old
room keeps an inactive copy. An operator who then edits the entry that still names
the old room id made the start bind the tombstoned room again, active and cleared,
while the room the partner works in kept the binding the edit was meant for.
"""

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

OLD, NEW = RoomId("!ggd-oud:x"), RoomId("!ggd-nieuw:x")


async def test_an_entry_naming_an_upgraded_room_does_not_bind_it_again(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'config.db'}")
    await db.migrate()
    try:
        entry = RoomBindingConfig(
            room=OLD, role="liaison", incident="storm", org="GGD", clearance="AMBER"
        )
        assert await apply_config_bindings(db, [entry], {}) == 1
        async with db.transaction() as session:
            assert await rooms.carry_binding(session, OLD, NEW) is not None
        # The operator edits the entry (clearance GREEN), still naming the old room.
        edited = entry.model_copy(update={"clearance": "GREEN"})
        with caplog.at_level(logging.WARNING, logger="knooppunt.config"):
            assert await apply_config_bindings(db, [edited], {}) == 0
        async with db.session() as session:
            old = await rooms.binding(session, OLD)
            new = await rooms.binding(session, NEW)
            audits = list(
                await session.scalars(select(AuditRecord.action).where(AuditRecord.room_id == OLD))
            )
        assert old is not None and not old.active  # the tombstoned room stays unbound
        assert new is not None and new.active and new.clearance == "AMBER"
        assert any(NEW in message for message in caplog.messages), caplog.messages
        assert "room.config_binding_replaced" in audits, audits
    finally:
        await db.close()
