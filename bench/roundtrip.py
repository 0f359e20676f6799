"""Round trip through a real Synapse: a human sends `!help`, how long until the reply?

Measured for the bot and, in the same run against the same homeserver, for a
minimal echo client written with bare matrix-nio (the floor the homeserver
sets). Prints median and p95 of both and their ratio; target: bot <= 1.2x.

    .venv/bin/python -m bench.roundtrip [--rounds 40]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import time
from pathlib import Path

from nio import MatrixRoom, RoomMessageText
from nio.client.async_client import AsyncClient, AsyncClientConfig

from bench.synapse_world import synapse_world
from tests.conftest import World
from tests.support.synapse import Synapse


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


async def echo_client(
    server: Synapse, user: str, password: str, store: Path
) -> tuple[AsyncClient, asyncio.Task[None]]:
    """The floor: reply to every text message with a notice, nothing else."""
    store.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 - once, before any traffic
    client = AsyncClient(
        server.url, user, store_path=str(store), config=AsyncClientConfig(encryption_enabled=False)
    )
    await client.login(password)

    async def on_message(room: MatrixRoom, event: RoomMessageText) -> None:
        if event.sender == client.user_id:
            return
        await client.room_send(
            room.room_id,
            "m.room.message",
            {
                "msgtype": "m.notice",
                "body": "echo",
                "m.relates_to": {"m.in_reply_to": {"event_id": event.event_id}},
            },
        )

    async def on_invite(room: MatrixRoom, event: object) -> None:
        await client.join(room.room_id)

    from nio import InviteMemberEvent

    await client.sync(timeout=0)
    client.add_event_callback(on_message, RoomMessageText)  # type: ignore[arg-type]
    client.add_event_callback(on_invite, InviteMemberEvent)  # type: ignore[arg-type]
    task = asyncio.create_task(client.sync_forever(timeout=30000))
    return client, task


async def measure(world: World, responder: str, room: str, rounds: int) -> list[float]:
    human = world.humans[0]
    times: list[float] = []
    for _ in range(rounds):
        start = time.monotonic()
        event_id = await human.send(room, "!help")
        ok = await human.wait_until(
            lambda e=event_id: bool(human.replies_to(e, responder)), patience=20
        )
        assert ok, "no reply"
        reply = human.replies_to(event_id, responder)[0]
        times.append((reply.at - start) * 1000)
        await asyncio.sleep(0.05)
    return times


async def main(rounds: int) -> None:
    async with synapse_world("bench") as (server, world, workdir):
        bot = world.bot(KNOOPPUNT_ENCRYPTION="false")
        bot.start()
        human = await world.human("bench")
        echo_password = "echo-password"
        echo_user = server.register("echo", echo_password)
        echo, echo_task = await echo_client(server, echo_user, echo_password, workdir / "echo")

        bot_room = await human.create_room(invite=[world.bot_user])
        await human.wait_joined(bot_room, world.bot_user)
        echo_room = await human.create_room(invite=[echo_user])
        await human.wait_joined(echo_room, echo_user)
        await asyncio.sleep(1)

        # Warm both paths, then interleave the runs so drift hits both alike.
        await measure(world, world.bot_user, bot_room, 3)
        await measure(world, echo_user, echo_room, 3)
        bot_times: list[float] = []
        echo_times: list[float] = []
        for _ in range(4):
            bot_times += await measure(world, world.bot_user, bot_room, rounds // 4)
            echo_times += await measure(world, echo_user, echo_room, rounds // 4)

        bot_median, echo_median = statistics.median(bot_times), statistics.median(echo_times)
        bot_p95, echo_p95 = p95(bot_times), p95(echo_times)
        print(f"round trip, {len(bot_times)} messages each, through Synapse on 127.0.0.1")
        print(f"  echo floor : median {echo_median:6.1f} ms   p95 {echo_p95:6.1f} ms")
        print(f"  knooppunt  : median {bot_median:6.1f} ms   p95 {bot_p95:6.1f} ms")
        ratio_median, ratio_p95 = bot_median / echo_median, bot_p95 / echo_p95
        print(
            f"  ratio      : median {ratio_median:.2f}x   p95 {ratio_p95:.2f}x   (target <= 1.2x)"
        )
        echo_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await echo_task
        await echo.close()  # type: ignore[no-untyped-call]


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=40)
    asyncio.run(main(parser.parse_args().rounds))
