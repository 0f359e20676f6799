"""Outages, rate limits, hostile input, lost tokens, kicks."""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
import time
import urllib.request
from collections.abc import Callable

import pytest

from tests.conftest import World
from tests.support.synapse import Synapse

pytestmark = pytest.mark.integration


async def _room(world: World, name: str = "alice") -> tuple[object, str]:
    human = await world.human(name)
    room = await human.create_room(invite=[world.bot_user])
    await human.wait_joined(room, world.bot_user)
    assert await human.wait_until(lambda: bool(human.from_sender(world.bot_user, room)))
    return human, room


async def test_bot_survives_homeserver_outage_and_backs_off(
    private_synapse: Callable[..., Synapse], make_world: Callable[[Synapse], World]
) -> None:
    server = private_synapse()
    world = make_world(server)
    bot = world.bot()
    bot.start()
    alice, room = await _room(world)
    server.stop()
    down_at = time.monotonic()
    await asyncio.sleep(30)
    server.start()
    up_after = time.monotonic() - down_at
    command = await alice.send(room, "!help")  # type: ignore[attr-defined]
    assert await alice.wait_until(lambda: bool(alice.replies_to(command, world.bot_user)), 60), (
        bot.log()[-3000:]
    )  # type: ignore[attr-defined]
    assert bot.running()
    failures = re.findall(r"backing off ([0-9.]+)s", bot.log())
    # Back-off, not a tight loop: a handful of attempts over the outage, growing delays.
    assert 2 <= len(failures) <= 12, (len(failures), up_after)
    delays = [float(d) for d in failures]
    assert max(delays) >= 4
    # Logged once the batch that carried the reply is committed, just after the reply.
    assert bot.wait_for_log("sync recovered", timeout=15)
    await world.close()


async def test_rate_limited_bot_answers_a_burst_completely_once(
    private_synapse: Callable[..., Synapse], make_world: Callable[[Synapse], World]
) -> None:
    server = private_synapse(rc_message={"per_second": 1, "burst_count": 5})
    world = make_world(server)
    bot = world.bot()
    bot.start()
    alice = await world.human("alice")
    server.lift_rate_limit(alice.client.user_id)
    room = await alice.create_room(invite=[world.bot_user])
    await alice.wait_joined(room, world.bot_user)
    commands = [await alice.send(room, "!help") for _ in range(30)]
    assert await alice.wait_until(
        lambda: all(alice.replies_to(e, world.bot_user) for e in commands), 120
    ), bot.log()[-3000:]
    await asyncio.sleep(2)
    assert all(len(alice.replies_to(e, world.bot_user)) == 1 for e in commands)
    assert "rate limited by homeserver" in bot.log()
    await world.close()


async def test_unknown_command_big_message_and_html_are_handled_safely(world: World) -> None:
    bot = world.bot()
    bot.start()
    alice, room = await _room(world)
    typo = await alice.send(room, "!hlep")  # type: ignore[attr-defined]
    big = await alice.send(room, "!hlep " + "x" * 60_000)  # type: ignore[attr-defined]
    hostile = await alice.send(  # type: ignore[attr-defined]
        room,
        "!<b>bold</b><script>alert(1)</script>",
        extra={"format": "org.matrix.custom.html", "formatted_body": "<script>alert(1)</script>"},
    )
    notice = await alice.send(room, "!help", msgtype="m.notice")  # type: ignore[attr-defined]
    after = await alice.send(room, "!help")  # type: ignore[attr-defined]
    assert await alice.wait_until(  # type: ignore[attr-defined]
        lambda: all(alice.replies_to(e, world.bot_user) for e in (typo, big, hostile, after)),
        30,  # type: ignore[attr-defined]
    ), bot.log()[-3000:]
    (typo_reply,) = alice.replies_to(typo, world.bot_user)  # type: ignore[attr-defined]
    assert "Bedoelde je !hulp?" in typo_reply.body or "Bedoelde je !help?" in typo_reply.body
    (big_reply,) = alice.replies_to(big, world.bot_user)  # type: ignore[attr-defined]
    assert len(big_reply.body) < 500
    (hostile_reply,) = alice.replies_to(hostile, world.bot_user)  # type: ignore[attr-defined]
    html = hostile_reply.content["formatted_body"]
    assert "<script" not in html and "<b>" not in html
    assert "&lt;b&gt;" in html
    # A notice is never a command: no reply to it.
    assert alice.replies_to(notice, world.bot_user) == []  # type: ignore[attr-defined]


def _bot_db(world: World) -> sqlite3.Connection:
    return sqlite3.connect(world.bots[0].workdir / "knooppunt.db")


async def test_lost_access_token_logs_in_again(world: World) -> None:
    bot = world.bot()
    bot.start()
    alice, room = await _room(world)
    with _bot_db(world) as db:
        (raw,) = db.execute("SELECT value FROM kv WHERE key LIKE 'login:%'").fetchone()
    token = json.loads(raw)["access_token"]
    request = urllib.request.Request(
        f"{world.server.url}/_matrix/client/v3/logout", data=b"{}", method="POST"
    )
    request.add_header("Authorization", f"Bearer {token}")
    await asyncio.to_thread(lambda: urllib.request.urlopen(request, timeout=10).read())
    command = await alice.send(room, "!help")  # type: ignore[attr-defined]
    assert await alice.wait_until(lambda: bool(alice.replies_to(command, world.bot_user)), 60), (
        bot.log()[-3000:]
    )  # type: ignore[attr-defined]
    assert "M_UNKNOWN_TOKEN" in bot.log()


async def test_restart_reuses_device(world: World) -> None:
    bot = world.bot()
    bot.start()
    alice, room = await _room(world)
    assert bot.terminate() == 0
    bot.start()
    command = await alice.send(room, "!help")  # type: ignore[attr-defined]
    assert await alice.wait_until(lambda: bool(alice.replies_to(command, world.bot_user)), 30)  # type: ignore[attr-defined]
    assert bot.log().count("logged in with password") == 1
    assert "restored session for device" in bot.log()


async def test_kick_keeps_room_but_marks_it_inactive(world: World) -> None:
    bot = world.bot()
    bot.start()
    alice, room = await _room(world)
    await alice.client.room_kick(room, world.bot_user, reason="test")  # type: ignore[attr-defined]
    assert bot.wait_for_log(f"room {room}: bot kicked", timeout=30), bot.log()[-2000:]
    with _bot_db(world) as db:
        row = db.execute(
            "SELECT active, left_reason FROM rooms WHERE room_id = ?", (room,)
        ).fetchone()
    assert row == (0, "kicked")
