"""The bot's own notices outside commands are marked OEFENING in exercise rooms.

The room-upgrade notices (carried, refused/pending) and the join greeting are
queued straight into the outbox by bot/room_lifecycle.py and bot/membership.py;
in a room bound to an exercise they must start with the marker like every
command reply, and in a real room they must not. `!kamer lijst` marks the
bindings to an exercise.
"""

from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import select

from bot.config import load_settings
from bot.console import run_console
from bot.membership import Membership
from bot.room_lifecycle import RoomLifecycle, Verdict
from storage import incidents, rooms
from storage.engine import Database
from storage.ids import RoomId, UserId
from storage.models import OutboxMessage
from storage.rooms import BindingView

ADMIN = "@admin:x"


@pytest.fixture
async def db(tmp_path: Path) -> Any:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'k.db'}")
    await database.migrate()
    async with database.transaction() as session:
        await incidents.open_incident(session, "oef", "Oefening", ADMIN, exercise=True)
        await incidents.open_incident(session, "echt", "Echt", ADMIN)
        for room, incident in (
            ("!oef-old:x", "oef"),
            ("!echt-old:x", "echt"),
            ("!oef-refused:x", "oef"),
            ("!echt-refused:x", "echt"),
            ("!oef-join:x", "oef"),
            ("!echt-join:x", "echt"),
        ):
            liaison = BindingView("liaison", incident, "GGD", "GREEN", "AMBER")
            await rooms.bind_as(session, RoomId(room), liaison, ADMIN)
    yield database
    await database.close()


async def _texts(db: Database) -> dict[str, str]:
    async with db.session() as session:
        rows = (await session.scalars(select(OutboxMessage))).all()
    return {row.room_id: str(row.content["body"]) for row in rows}


async def test_upgrade_notices_and_greeting_are_marked_in_exercise_rooms_only(
    db: Database,
) -> None:
    client: Any = SimpleNamespace(rooms={})
    lifecycle = RoomLifecycle(client, db, UserId("@bot:x"), "nl", lambda: None)
    async with db.transaction() as session:
        await lifecycle._carry(
            session, Verdict(RoomId("!oef-old:x"), RoomId("!oef-new:x"), None), ADMIN
        )
        await lifecycle._carry(
            session, Verdict(RoomId("!echt-old:x"), RoomId("!echt-new:x"), None), ADMIN
        )
        await lifecycle._refuse(
            session, Verdict(RoomId("!oef-refused:x"), RoomId("!x1:x"), "join"), ADMIN, "$a"
        )
        await lifecycle._refuse(
            session, Verdict(RoomId("!echt-refused:x"), RoomId("!x2:x"), "join"), ADMIN, "$b"
        )

    class _Lifecycle:
        async def after_own_join(self, room_id: RoomId) -> None:
            return None

    sender: Any = SimpleNamespace(wake=lambda: None, rooms_moved=lambda: None)
    settings = load_settings(user_id="@bot:x", homeserver="http://127.0.0.1:1", language="nl")
    membership = Membership(client, db, sender, settings, _Lifecycle())  # type: ignore[arg-type]
    for n, room in enumerate(("!oef-join:x", "!echt-join:x")):
        event: Any = SimpleNamespace(
            event_id=f"$join{n}", sender="@bot:x", server_timestamp=1_700_000_000_000
        )
        await membership.on_own_join(RoomId(room), event)

    texts = await _texts(db)
    for room in ("!oef-new:x", "!oef-refused:x", "!oef-join:x"):
        assert texts[room].startswith("OEFENING — "), (room, texts[room])
    for room in ("!echt-new:x", "!echt-refused:x", "!echt-join:x"):
        assert not texts[room].startswith("OEFENING"), (room, texts[room])


async def test_room_list_marks_exercise_bindings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KNOOPPUNT_DATA_DIR", str(tmp_path))
    script = (
        '!incident open oef "Oefening" oefening=ja\n\n'
        '!incident open echt "Echt"\n\n'
        "!kamer koppel incident=echt org=GGD rol=liaison tlp=amber clearance=amber\n\n"
        "!kamer lijst\n\n"
        "!kamer koppel incident=oef org=GGD rol=liaison tlp=amber clearance=amber\n\n"
        "!kamer lijst\n"
    )
    out = io.StringIO()
    assert await run_console(load_settings(), "admin", io.StringIO(script), out) == 0
    listed = [block for block in out.getvalue().split("\n\n") if "clearance AMBER" in block]
    assert len(listed) == 4, out.getvalue()  # each binding's confirmation, each list
    real, drill = listed[1], listed[3]
    assert "incident echt" in real and "OEFENING" not in real, real
    # The binding line itself says so, not only the reply's marker in front.
    assert "incident OEFENING oef," in drill, drill
