"""CPU of nio's requests alone: a send and the bot's /sync, stock nio against the bot's setup.

Against a bare local HTTP server in the same process (it answers a send with an event
id and a /sync with one message), so the figure is the client's work plus the same
small server share on both sides: process CPU per send + /sync pair, warm, five
interleaved rounds each. "bot" is nio as the bot runs it: its HTTP session without
trace hooks (bot/nio_session.py), the token removal and query building cached per
field (bot/nio_query.py), nio's schema checks compiled (bot/nio_schemas.py) and the
unchecked /sync parse (bot/sync_response.py). "stock" undoes the first two; the
schema checks stay compiled on both sides (installed once per process), so the
difference is what the first two save.

    .venv/bin/python -m bench.nio_requests [--pairs 1500]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from collections.abc import Mapping
from urllib import parse

from nio import api as nio_api
from nio.client import async_client
from nio.client.async_client import AsyncClient, AsyncClientConfig

from bot import nio_query, nio_schemas, nio_session, sync_response
from bot.syncer import SYNC_FILTER

ROOM = "!room:localhost"
_EVENT = {
    "type": "m.room.message",
    "event_id": "$e1",
    "sender": "@u:localhost",
    "origin_server_ts": 1,
    "content": {"msgtype": "m.text", "body": "!help"},
}
_SYNC = {
    "next_batch": "s2_1_0",
    "rooms": {"join": {ROOM: {"timeline": {"events": [_EVENT], "limited": False}}}},
}
_SENT = {"event_id": "$sent"}


def _response(body: Mapping[str, object]) -> bytes:
    data = json.dumps(body).encode()
    head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(data)}"
    return head.encode() + b"\r\n\r\n" + data


class _Server(asyncio.Protocol):
    """Keep-alive HTTP/1.1 with Content-Length bodies: all nio sends here."""

    sync = _response(_SYNC)
    sent = _response(_SENT)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.buffer = b""

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while b"\r\n\r\n" in self.buffer:
            head, _, rest = self.buffer.partition(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            if len(rest) < length:
                return
            self.buffer = rest[length:]
            is_sync = b" /_matrix/client/v3/sync" in head
            self.transport.write(self.sync if is_sync else self.sent)


def _stock() -> None:
    async_client.parse_qs = parse.parse_qs  # type: ignore[attr-defined]
    async_client.urlencode = parse.urlencode  # type: ignore[attr-defined]
    nio_api.urlencode = parse.urlencode  # type: ignore[attr-defined]


async def _round(bot: bool, pairs: int) -> float:
    """Microseconds of process CPU per send + /sync."""
    nio_query.install() if bot else _stock()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(_Server, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    config = AsyncClientConfig(
        store_sync_tokens=False, max_limit_exceeded=0, max_timeouts=0, request_timeout=60
    )
    client = AsyncClient(f"http://127.0.0.1:{port}", "@bot:localhost", config=config)
    client.restore_login("@bot:localhost", "DEVICE", "syt_Ym90_aBcDeFgHiJkLmNoPqRsT_1a2b3c")
    if bot:
        nio_session.open_session(client)
    content = {"msgtype": "m.notice", "body": "x" * 1500}

    async def pair(index: int) -> None:
        await client.room_send(ROOM, "m.room.message", content, tx_id=f"t{index}")
        await sync_response.sync(client, 30_000, f"s{index}_1_0", SYNC_FILTER)

    for index in range(200):  # warm
        await pair(index)
    began = time.process_time()
    for index in range(pairs):
        await pair(1000 + index)
    spent = (time.process_time() - began) * 1e6 / pairs
    await client.close()  # type: ignore[no-untyped-call]
    server.close()
    return spent


async def main(pairs: int) -> None:
    nio_schemas.install()
    rounds: dict[str, list[float]] = {"stock": [], "bot": []}
    for _ in range(5):
        for side in rounds:
            rounds[side].append(await _round(side == "bot", pairs))
    for side, spent in rounds.items():
        shown = " ".join(f"{us:.0f}" for us in sorted(spent))
        print(f"{side:5} µs per send + /sync: {shown}; median {statistics.median(spent):.0f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs", type=int, default=1500)
    asyncio.run(main(parser.parse_args().pairs))
