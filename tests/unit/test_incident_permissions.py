"""`!incident sluit/fase` only for admins or moderators of a coordinator room of that incident."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from commands.builtin import build_registry
from commands.dispatcher import CommandSettings, Dispatcher, RoomView
from storage import incidents as incident_repo
from storage.engine import Database
from storage.ids import RoomId
from storage.rooms import BindingView
from tests.support.chat import dispatch, texts
from tests.support.rooms import incident_database

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
ADMIN = "@admin:x"
MOD = "@mod:x"


def coordinator_room(room_id: str, incident: str | None) -> RoomView:
    return RoomView(
        room_id=RoomId(room_id),
        role="coordinator",
        binding=BindingView("coordinator", incident, "VR", "AMBER", "AMBER"),
        power_levels={MOD: 50},
    )


@pytest.fixture
async def db(tmp_path: Path):  # type: ignore[no-untyped-def]
    incidents = {"storm": "Storm", "hoogwater": "Hoogwater"}
    database = await incident_database(tmp_path / "t.db", incidents, ADMIN)
    yield database
    await database.close()


async def run(db: Database, body: str, room: RoomView, sender: str = MOD) -> str:
    d = Dispatcher(
        build_registry(),
        CommandSettings(bot_user_id="@bot:x", admins=frozenset({ADMIN})),
    )
    event_id = f"$e{body}{room.room_id}{sender}"
    _, replies = await dispatch(db, d, room, sender, body, NOW, event_id=event_id)
    return texts(replies)


async def state(db: Database, slug: str) -> tuple[str, bool]:
    async with db.session() as session:
        incident = await incident_repo.get(session, slug)
        assert incident is not None
        return incident.phase, incident.open


async def test_moderator_of_another_incident_cannot_phase_or_close(db: Database) -> None:
    other = coordinator_room("!coord-storm:x", "storm")
    reply = await run(db, "!incident fase hoogwater warm", other)
    assert "mag hier niet" in reply and "hoogwater" in reply
    reply = await run(db, "!incident sluit hoogwater", other)
    assert "mag hier niet" in reply
    assert await state(db, "hoogwater") == ("cold", True)


async def test_coordinator_room_without_incident_cannot_close_any(db: Database) -> None:
    unbound_incident = coordinator_room("!coord:x", None)
    assert "mag hier niet" in await run(db, "!incident sluit storm", unbound_incident)
    assert await state(db, "storm") == ("cold", True)


async def test_own_incident_and_admins_still_work(db: Database) -> None:
    own = coordinator_room("!coord-storm:x", "storm")
    assert "fase warm" in await run(db, "!incident fase storm warm", own)
    assert await state(db, "storm") == ("warm", True)
    # A plain member of the right room is still refused (power below moderator).
    assert "moderatorrechten" in await run(db, "!incident sluit storm", own, sender="@member:x")
    # A config admin may manage any incident, from any room.
    anywhere = RoomView(room_id=RoomId("!dm:x"), is_direct=True)
    assert "gesloten" in await run(db, "!incident sluit hoogwater", anywhere, sender=ADMIN)
    assert (await state(db, "hoogwater"))[1] is False
    assert "gesloten" in await run(db, "!incident sluit storm", own)
    assert (await state(db, "storm"))[1] is False
