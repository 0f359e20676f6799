"""Room state on demand after a restart (bot/room_state.py): no full-state sync of every room."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from nio import AsyncClient, RoomGetStateError, RoomGetStateResponse

from bot.backfill import BatchAborted
from bot.room_state import RoomStates

BOT = "@bot:localhost"


def state(room_id: str) -> list[dict[str, Any]]:
    def event(kind: str, key: str, content: dict[str, Any], n: int) -> dict[str, Any]:
        return {
            "type": kind,
            "state_key": key,
            "content": content,
            "sender": "@admin:localhost",
            "event_id": f"${room_id}{n}",
            "origin_server_ts": 1,
        }

    return [
        event("m.room.create", "", {"creator": "@admin:localhost"}, 1),
        event("m.room.member", "@admin:localhost", {"membership": "join"}, 2),
        event("m.room.member", BOT, {"membership": "join"}, 3),
        event("m.room.power_levels", "", {"users": {"@admin:localhost": 100}}, 4),
        event("m.room.join_rules", "", {"join_rule": "public"}, 5),
    ]


class Client(AsyncClient):
    def __init__(self) -> None:
        super().__init__("http://127.0.0.1:9", BOT)
        self.asked: list[str] = []
        self.refuse: dict[str, str] = {}

    async def room_get_state(self, room_id: str) -> Any:  # type: ignore[override]
        self.asked.append(room_id)
        await asyncio.sleep(0.01)
        if room_id in self.refuse:
            return RoomGetStateError("no", self.refuse[room_id])
        return RoomGetStateResponse(state(room_id), room_id)


async def test_only_rooms_not_yet_known_are_loaded_once_each_and_fed_to_nio() -> None:
    client = Client()
    states = RoomStates(client)
    states.mark_loaded(["!known:localhost"])
    rooms = ["!a:localhost", "!b:localhost", "!known:localhost"]
    # The sync loop and the sender asking at the same time: one request per room.
    await asyncio.gather(states.ensure(rooms), states.ensure(["!a:localhost"]))
    assert sorted(client.asked) == ["!a:localhost", "!b:localhost"]
    room = client.rooms["!a:localhost"]
    assert room.power_levels.users["@admin:localhost"] == 100
    assert room.join_rule == "public"
    assert set(room.users) == {"@admin:localhost", BOT}
    await states.ensure(rooms)  # loaded: nothing asked again
    assert len(client.asked) == 2
    await client.close()


async def test_a_room_we_may_not_read_is_left_but_a_failure_replays_the_batch() -> None:
    client = Client()
    client.refuse = {"!gone:localhost": "M_FORBIDDEN", "!busy:localhost": "M_UNKNOWN"}
    states = RoomStates(client)
    await states.ensure(["!gone:localhost"])
    assert "!gone:localhost" in states.loaded
    with pytest.raises(BatchAborted):
        await states.ensure(["!busy:localhost"])
    assert "!busy:localhost" not in states.loaded
    await client.close()


def _message(sender: str, n: int, txn: str | None = None) -> Any:
    from nio import Event

    source: dict[str, Any] = {
        "type": "m.room.message",
        "sender": sender,
        "event_id": f"$m{n}",
        "origin_server_ts": 1,
        "content": {"msgtype": "m.notice", "body": "hi"},
    }
    if txn is not None:
        source["unsigned"] = {"transaction_id": txn}
    return Event.parse_event(source)


def _batch(events: list[Any], state: list[Any] | None = None, limited: bool = False) -> Any:
    from types import SimpleNamespace

    timeline = SimpleNamespace(events=events, limited=limited, prev_batch=None)
    info = SimpleNamespace(timeline=timeline, state=state or [])
    rooms = SimpleNamespace(join={"!a:localhost": info}, invite={}, leave={})
    return SimpleNamespace(rooms=rooms, next_batch="s2")


async def test_a_batch_of_only_our_recorded_echoes_is_quiet(tmp_path: Any) -> None:
    """Every reply's echo comes back in a sync: that batch needs no handling and no write."""
    from bot.config import Settings
    from bot.sender import OutboxSender
    from bot.syncer import Syncer
    from bot.wiring import build_dispatcher
    from storage.engine import Database
    from storage.outbox import txn_id_for

    settings = Settings(homeserver="http://127.0.0.1:9", user_id=BOT, password="p")
    client = Client()
    db = Database(f"sqlite:///{tmp_path}/k.db")
    sender = OutboxSender(client, db, encryption=False)
    syncer = Syncer(client, db, build_dispatcher(settings), sender, settings)
    sent, unknown = txn_id_for("$cmd"), txn_id_for("$other")
    sender._sent_txns[sent] = None  # what a successful send records
    assert syncer._only_own_echoes(_batch([_message(BOT, 1, sent)]))
    assert syncer._only_own_echoes(_batch([]))  # receipts or typing only
    assert not syncer._only_own_echoes(_batch([_message(BOT, 1, unknown)]))
    assert not syncer._only_own_echoes(_batch([_message(BOT, 1)]))
    assert not syncer._only_own_echoes(_batch([_message("@u:localhost", 2)]))
    assert not syncer._only_own_echoes(_batch([_message(BOT, 1, sent)], limited=True))
    assert not syncer._only_own_echoes(_batch([], state=[object()]))
    await db.close()
    await client.close()


def _two_rooms_sync(*rooms: str) -> Any:
    from nio import SyncResponse

    def command(room: str) -> dict[str, Any]:
        return {
            "type": "m.room.message",
            "sender": "@ann:localhost",
            "event_id": f"$cmd{room}",
            "origin_server_ts": 1,
            "content": {"msgtype": "m.text", "body": "!help"},
        }

    raw = {
        "next_batch": "s2",
        "rooms": {
            "join": {room: {"timeline": {"events": [command(room)]}} for room in rooms},
            "invite": {},
            "leave": {},
        },
    }
    response = SyncResponse.from_dict(raw)
    assert isinstance(response, SyncResponse), response
    return response


def _syncer(client: AsyncClient, db: Any) -> Any:
    from bot.config import Settings
    from bot.sender import OutboxSender
    from bot.syncer import Syncer
    from bot.wiring import build_dispatcher

    settings = Settings(homeserver="http://127.0.0.1:9", user_id=BOT, password="p")
    return Syncer(client, db, build_dispatcher(settings), OutboxSender(client, db, False), settings)


class SlowClient(Client):
    """The state of the rooms in `hold` arrives only once their event is set."""

    def __init__(self) -> None:
        super().__init__()
        self.hold: dict[str, asyncio.Event] = {}

    async def room_get_state(self, room_id: str) -> Any:  # type: ignore[override]
        if room_id in self.hold:
            await self.hold[room_id].wait()
        return await super().room_get_state(room_id)


async def test_a_room_is_handled_as_soon_as_its_own_state_is_loaded(db: Any) -> None:
    """After a restart the first reply does not wait for every room's state."""
    client = SlowClient()
    syncer = _syncer(client, db)
    slow, quick = "!slow:localhost", "!quick:localhost"
    client.hold[slow] = asyncio.Event()
    handled: list[str] = []

    async def handle(room_id: str, event: Any) -> None:
        # What a handler reads: the room's power levels, known only with its state.
        assert room_id in syncer.room_states.loaded
        handled.append(room_id)

    syncer._handle_event = handle  # type: ignore[assignment,method-assign]
    batch = asyncio.ensure_future(syncer._process(_two_rooms_sync(slow, quick), "s1"))
    for _ in range(200):
        if handled:
            break
        await asyncio.sleep(0.01)
    assert handled == [quick]
    assert not batch.done()  # the slow room's state is still on its way
    client.hold[slow].set()
    await asyncio.wait_for(batch, 5)
    assert handled == [quick, slow]
    await client.close()


async def test_a_room_whose_state_cannot_be_loaded_replays_the_batch(db: Any) -> None:
    client = SlowClient()
    client.refuse = {"!busy:localhost": "M_UNKNOWN"}
    syncer = _syncer(client, db)
    handled: list[str] = []

    async def handle(room_id: str, event: Any) -> None:
        handled.append(room_id)

    syncer._handle_event = handle  # type: ignore[assignment,method-assign]
    with pytest.raises(BatchAborted):
        await syncer._process(_two_rooms_sync("!busy:localhost", "!ok:localhost"), "s1")
    assert "!busy:localhost" not in handled  # never judged without its state
    await client.close()
