"""The sync loop's /sync without nio's whole-response schema check (bot/sync_response.py).

Malformed bodies must come out as nio's own parse makes them (a `SyncError`, or
the same response), never as an exception nio would not raise; malformed events
must pass the sync loop's own checks without an error. The two private nio
details the module uses are pinned here.
"""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from nio import AsyncClient, BadEvent, SyncError, SyncResponse, UnknownBadEvent

from bot import events as ev
from bot import sync_response
from bot.sync_response import TrustedSyncResponse, well_formed

BOT = "@bot:localhost"
ROOM = "!room:localhost"


def message(n: int, **overrides: Any) -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": "m.room.message",
        "event_id": f"$e{n}",
        "sender": "@u:localhost",
        "origin_server_ts": 1000 + n,
        "content": {"msgtype": "m.text", "body": f"!help {n}"},
    }
    event.update(overrides)
    return event


def body(*events: dict[str, Any], next_batch: Any = "s2") -> dict[str, Any]:
    return {
        "next_batch": next_batch,
        "rooms": {
            "join": {
                ROOM: {
                    "timeline": {"events": list(events), "limited": False, "prev_batch": "p1"},
                    "state": {"events": []},
                    "ephemeral": {"events": []},
                    "account_data": {"events": []},
                    "summary": {"m.joined_member_count": 2},
                    "unread_notifications": {"notification_count": 1},
                }
            },
            "invite": {},
            "leave": {},
        },
        "device_lists": {"changed": [], "left": []},
        "device_one_time_keys_count": {},
        "to_device": {"events": []},
        "presence": {"events": []},
        "account_data": {"events": []},
    }


def summary(response: Any) -> Any:
    """What the bot reads of a parsed response, comparable between the two parses."""
    if not isinstance(response, SyncResponse):
        return (type(response).__name__, getattr(response, "status_code", None))
    return (
        response.next_batch,
        {
            room_id: (
                [(type(e).__name__, getattr(e, "event_id", None)) for e in info.timeline.events],
                info.timeline.limited,
                info.timeline.prev_batch,
                [type(e).__name__ for e in info.state],
            )
            for room_id, info in response.rooms.join.items()
        },
        sorted(response.rooms.invite),
        sorted(response.rooms.leave),
    )


def test_nio_keeps_its_unchecked_parse_and_checks_the_schema() -> None:
    """Pin: `SyncResponse.from_dict` is `@verify`-wrapped (schema errors become a
    `SyncError`) and keeps the unchecked parse as `__wrapped__`."""
    wrapped = SyncResponse.__dict__["from_dict"].__func__
    assert callable(wrapped.__wrapped__)
    assert isinstance(SyncResponse.from_dict({"next_batch": 5}), SyncError)
    good = body(message(1), message(2))
    assert summary(wrapped.__wrapped__(SyncResponse, copy.deepcopy(good))) == summary(
        SyncResponse.from_dict(copy.deepcopy(good))
    )


def test_a_well_formed_body_parses_as_nio_parses_it() -> None:
    good = body(message(1), message(2, content={"msgtype": "m.notice", "body": "x"}))
    trusted = TrustedSyncResponse.from_dict(copy.deepcopy(good))
    assert isinstance(trusted, SyncResponse)
    assert summary(trusted) == summary(SyncResponse.from_dict(copy.deepcopy(good)))
    assert [e.event_id for e in trusted.rooms.join[ROOM].timeline.events] == ["$e1", "$e2"]


def _malformed() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = []

    def with_(change: Any) -> None:
        case = body(message(1))
        change(case)
        cases.append(case)

    cases.append({"errcode": "M_UNKNOWN_TOKEN", "error": "Unknown access token"})
    cases.append({})
    with_(lambda b: b.update(next_batch=5))
    with_(lambda b: b.update(next_batch=None))
    with_(lambda b: b.update(rooms=[]))
    with_(lambda b: b["rooms"].update(join=[]))
    with_(lambda b: b["rooms"].update(invite="x"))
    with_(lambda b: b["rooms"]["join"].update({ROOM: "x"}))
    with_(lambda b: b["rooms"]["join"][ROOM].update(timeline=[]))
    with_(lambda b: b["rooms"]["join"][ROOM].update(timeline={"events": {}}))
    with_(lambda b: b["rooms"]["join"][ROOM].update(timeline={"events": ["x", 5]}))
    with_(lambda b: b["rooms"]["join"][ROOM]["timeline"].update(limited="yes"))
    with_(lambda b: b["rooms"]["join"][ROOM]["timeline"].update(prev_batch=7))
    with_(lambda b: b["rooms"]["join"][ROOM].update(state={"events": "x"}))
    with_(lambda b: b["rooms"]["join"][ROOM].update(ephemeral=None))
    with_(lambda b: b["rooms"]["join"][ROOM].update(summary=[]))
    with_(lambda b: b["rooms"]["join"][ROOM].update(unread_thread_notifications={"$t": 1}))
    with_(lambda b: b["rooms"]["leave"].update({ROOM: {"timeline": {"events": 3}}}))
    with_(lambda b: b["rooms"]["invite"].update({ROOM: {"invite_state": []}}))
    with_(lambda b: b.update(to_device={"events": {}}))
    with_(lambda b: b.update(presence=[]))
    with_(lambda b: b.update(device_lists={"changed": "x"}))
    with_(lambda b: b.update(device_one_time_keys_count=[]))
    return cases


@pytest.mark.parametrize("case", _malformed())
def test_a_malformed_body_comes_out_as_nio_makes_it(case: dict[str, Any]) -> None:
    """Not well formed: nio's checked parse decides, an error or the same response."""
    assert not well_formed(case)
    try:
        expected: Any = summary(SyncResponse.from_dict(copy.deepcopy(case)))
    except Exception as exc:  # nio itself fails on it: so does the trusted parse, alike
        expected = type(exc)
    try:
        got: Any = summary(TrustedSyncResponse.from_dict(copy.deepcopy(case)))
    except Exception as exc:
        got = type(exc)
    assert got == expected


def test_an_expired_token_is_a_sync_error_with_its_code() -> None:
    """The sync loop logs in again on M_UNKNOWN_TOKEN: the code must survive the parse."""
    response = TrustedSyncResponse.from_dict({"errcode": "M_UNKNOWN_TOKEN", "error": "gone"})
    assert isinstance(response, SyncError)
    assert response.status_code == "M_UNKNOWN_TOKEN"


MALFORMED_EVENTS = [
    message(1, sender=None),
    message(2, content="not an object"),
    message(3, content={"msgtype": "m.text", "body": 42}),
    message(4, content={"msgtype": "m.text", "body": "!help", "m.relates_to": "x"}),
    message(5, content={"msgtype": "m.text", "body": "!help", "m.mentions": []}),
    message(6, unsigned=[]),
    message(7, unsigned={"transaction_id": 5}),
    {"type": "m.room.message", "event_id": "$e8"},  # no sender, time or content
    {"type": "m.room.member", "event_id": "$e9", "sender": BOT, "origin_server_ts": 1},
    {"type": "m.room.member", "state_key": BOT, "content": "x", "event_id": "$e10"},
    {"type": "m.room.redaction", "event_id": "$e11", "sender": "@u:localhost"},
    {"type": "m.reaction", "event_id": "$e12", "sender": "@u:localhost", "content": []},
    {},
    message(13),
]


async def test_malformed_events_pass_the_sync_loops_checks(tmp_path: Any) -> None:
    """Each event the trusted parse lets through is read by the loop without an error:
    what nio could not parse is a bad event and ignored, the rest as usual."""
    from bot.config import Settings
    from bot.sender import OutboxSender
    from bot.syncer import Syncer
    from bot.wiring import build_dispatcher
    from storage.engine import Database

    response = TrustedSyncResponse.from_dict(body(*copy.deepcopy(MALFORMED_EVENTS)))
    assert isinstance(response, SyncResponse)
    timeline = response.rooms.join[ROOM].timeline.events
    assert any(isinstance(e, BadEvent | UnknownBadEvent) for e in timeline)
    settings = Settings(homeserver="http://127.0.0.1:9", user_id=BOT, password="p")
    client = AsyncClient("http://127.0.0.1:9", BOT)
    db = Database(f"sqlite:///{tmp_path}/k.db")
    syncer = Syncer(
        client, db, build_dispatcher(settings), OutboxSender(client, db, False), settings
    )
    syncer._only_own_echoes(response)
    syncer._refers_back(response)
    syncer._plain_batch(response)
    messages = []
    for event in timeline:
        ev.own_transaction_id(event)
        ev.is_own_join(event, BOT)
        ev.is_member_leaving(event, BOT)
        if isinstance(event, BadEvent | UnknownBadEvent):
            continue
        messages.append(ev.to_message(event, ROOM, BOT, "bot"))
    # The well-formed command at the end is still a command.
    assert any(m is not None and m.body == "!help 13" for m in messages)
    await db.close()
    await client.close()


@pytest.fixture
async def homeserver() -> AsyncIterator[tuple[str, list[dict[str, str]]]]:
    """A /sync endpoint on 127.0.0.1: a well-formed batch, or 401 for token "expired"."""
    asked: list[dict[str, str]] = []

    async def handle(request: web.Request) -> web.Response:
        asked.append(dict(request.query))
        if request.headers.get("Authorization") == "Bearer expired":
            return web.json_response(
                {"errcode": "M_UNKNOWN_TOKEN", "error": "Unknown access token"}, status=401
            )
        return web.json_response(body(message(1)))

    app = web.Application()
    app.router.add_get("/_matrix/client/v3/sync", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield f"http://127.0.0.1:{port}", asked
    await runner.cleanup()


async def test_sync_goes_through_nios_send_and_updates_its_rooms(
    homeserver: tuple[str, list[dict[str, str]]],
) -> None:
    """Pin: `AsyncClient._send(response_class, method, path, timeout=)` sends, parses with
    the class given and hands the response to the client (its rooms are updated)."""
    url, asked = homeserver
    client = AsyncClient(url, BOT)
    client.restore_login(BOT, "DEVICE", "token")
    response = await sync_response.sync(client, 30_000, "s1", {"presence": {"not_types": ["*"]}})
    assert isinstance(response, SyncResponse)
    assert response.next_batch == "s2"
    assert [e.event_id for e in response.rooms.join[ROOM].timeline.events] == ["$e1"]
    assert ROOM in client.rooms  # receive_response ran
    assert client.next_batch == "s2"
    assert asked[-1]["since"] == "s1"
    assert asked[-1]["timeout"] == "30000"
    assert "presence" in asked[-1]["filter"]
    client.access_token = "expired"
    expired = await sync_response.sync(client, 30_000, "s2")
    assert isinstance(expired, SyncError)
    assert expired.status_code == "M_UNKNOWN_TOKEN"
    await client.close()
