"""Attack on the config file's room bindings (outside tester, session 11).

`rooms:` in the config file was bound again at every start, over whatever an admin had
changed in chat since. An admin who lowered a compromised room's clearance (or unbound
it, or moved it into a drill) saw the change silently undone by the next restart (a
crash, a deploy): the room read AMBER again. Every start also gave each such room a
new `bound_at`, which voids its pending free-text offers ("send it again"), although
offers are meant to survive a restart.

Decision: the file is applied when its entry is new or changed since it was last
applied; a binding changed in chat since then is kept (logged and audited, so the
operator sees the two disagree), and a binding that already says what the file says
is left untouched.
"""

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

ROOM = RoomId("!ggd:x")
ENTRY = RoomBindingConfig(
    room=ROOM, role="liaison", incident="storm", org="GGD", tlp="AMBER", clearance="AMBER"
)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'config.db'}")
    await database.migrate()
    await apply_config_bindings(database, [ENTRY], {})  # the first start
    yield database
    await database.close()


async def _chat_rebind(db: Database, clearance: str) -> None:
    async with db.transaction() as session:
        await rooms.bind(
            session, ROOM, role="liaison", incident="storm", organisation="GGD",
            tlp_default="GREEN", clearance=clearance, by="@admin:x",
        )  # fmt: skip


async def test_a_clearance_lowered_in_chat_survives_a_restart(db: Database) -> None:
    await _chat_rebind(db, "GREEN")
    await apply_config_bindings(db, [ENTRY], {})  # the restart
    async with db.session() as session:
        binding = await rooms.binding(session, ROOM)
        kept = await session.scalars(select(AuditRecord.action).where(AuditRecord.room_id == ROOM))
        actions = list(kept)
    assert binding is not None and binding.clearance == "GREEN", binding.clearance
    assert "room.config_binding_kept" in actions, actions


async def test_a_room_unbound_in_chat_stays_unbound_after_a_restart(db: Database) -> None:
    async with db.transaction() as session:
        assert await rooms.unbind(session, ROOM)
    await apply_config_bindings(db, [ENTRY], {})
    async with db.session() as session:
        assert await rooms.binding(session, ROOM) is None


async def test_a_changed_config_entry_is_applied_over_chat(db: Database) -> None:
    await _chat_rebind(db, "GREEN")
    changed = ENTRY.model_copy(update={"clearance": "AMBER+STRICT"})
    await apply_config_bindings(db, [changed], {})  # the operator edited the file
    async with db.session() as session:
        binding = await rooms.binding(session, ROOM)
    assert binding is not None and binding.clearance == "AMBER+STRICT"


async def test_a_restart_leaves_an_unchanged_binding_alone(db: Database) -> None:
    """The same `bound_at`: pending free-text offers of the room stay valid."""
    async with db.session() as session:
        before = await rooms.binding(session, ROOM)
        assert before is not None
        bound_at = before.bound_at
    await apply_config_bindings(db, [ENTRY], {})
    async with db.session() as session:
        after = await rooms.binding(session, ROOM)
    assert after is not None and after.bound_at == bound_at


async def test_an_edited_entry_applies_to_a_room_first_bound_in_chat(tmp_path: Path) -> None:
    """A room an admin bound in chat before the file listed it (or before the marks of
    what the file applied existed): the file's entry is kept out at first, and the log
    says to edit the entry to apply it. Editing it must then apply it; before, nothing
    the file said was ever applied to that room, edited or not."""
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'chat-first.db'}")
    await database.migrate()
    try:
        async with database.transaction() as session:
            await rooms.bind(
                session, ROOM, role="liaison", incident=None, organisation="GGD",
                tlp_default="GREEN", clearance="GREEN", by="@admin:x",
            )  # fmt: skip
        await apply_config_bindings(database, [ENTRY], {})  # kept: chat's binding
        async with database.session() as session:
            kept = await rooms.binding(session, ROOM)
        assert kept is not None and kept.clearance == "GREEN"
        edited = ENTRY.model_copy(update={"clearance": "AMBER+STRICT"})
        await apply_config_bindings(database, [edited], {})  # the operator edited it
        async with database.session() as session:
            binding = await rooms.binding(session, ROOM)
        assert binding is not None and binding.clearance == "AMBER+STRICT", binding.clearance
    finally:
        await database.close()
