"""The rooms under `rooms:` in the config file are bound at every start (bot/config_bindings.py)."""

from __future__ import annotations

from pathlib import Path

from bot.config import RoomBindingConfig
from bot.config_bindings import apply_config_bindings
from storage import incidents as incident_repo
from storage import rooms
from storage.engine import Database
from storage.ids import RoomId


async def test_bindings_open_their_incident_and_skip_an_unresolved_alias(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'config.db'}")
    await db.migrate()
    try:
        bindings = [
            RoomBindingConfig(room="!ggd:x", role="liaison", incident="Storm", org="GGD"),
            RoomBindingConfig(room="#redactie:x", role="redactie", clearance="AMBER"),
            RoomBindingConfig(room="#onbekend:x", role="coordinator"),
        ]
        applied = await apply_config_bindings(db, bindings, {"#redactie:x": "!red:x"})
        assert applied == 2  # the alias nobody resolved is left out
        async with db.session() as session:
            assert await incident_repo.get(session, "storm") is not None
            ggd = await rooms.binding(session, RoomId("!ggd:x"))
            curator = await rooms.binding(session, RoomId("!red:x"))
        assert ggd is not None and (ggd.role, ggd.incident, ggd.organisation) == (
            "liaison",
            "storm",
            "GGD",
        )
        # A Dutch role name in the config is stored under its one canonical name.
        assert curator is not None and (curator.role, curator.clearance) == ("curator", "AMBER")
        # Every start applies them again; the second time binds the same rooms.
        assert await apply_config_bindings(db, bindings, {"#redactie:x": "!red:x"}) == 2
    finally:
        await db.close()
