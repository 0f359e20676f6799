"""The baseline of bench/load.py: a bare matrix-nio client that replies to every `!` message.

No database, no commands: it keeps its sync token (and login) in a JSON file,
joins when invited, fills a limited timeline's gap with /messages (otherwise it
would not answer every message of a backlog either), and sends one notice in
reply to each `!` message, up to four rooms at a time like the bot's sender.

    python -m bench.load_baseline HOMESERVER USER_ID PASSWORD STATE_FILE [CONTENT_FILE]

With CONTENT_FILE (a JSON object) each reply carries that content (plus the reply
relation) instead of the notice "ok": a reply as large as the bot's costs the
homeserver more to store, sign and sync back. A file of the form
`{"by_command": {"!melding": {...}, "!help": {...}}}` gives each command (its first
word) the content the bot sends for it, and "ok" to any other.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from pathlib import Path
from typing import Any

from nio import (
    AsyncClient,
    AsyncClientConfig,
    Event,
    LoginResponse,
    RoomMessagesResponse,
    RoomMessageText,
    SyncResponse,
)
from nio.api import MessageDirection

PARALLEL_ROOMS = 4


def load(state_file: Path) -> dict[str, Any]:
    return dict(json.loads(state_file.read_text())) if state_file.exists() else {}


def save(state_file: Path, state: dict[str, Any]) -> None:
    state_file.write_text(json.dumps(state))


OK: dict[str, Any] = {"msgtype": "m.notice", "body": "ok"}


def reply_content(content: dict[str, Any], body: str) -> dict[str, Any]:
    """What the baseline replies to `body`: the content for its command, else `content`."""
    by_command = content.get("by_command")
    if not isinstance(by_command, dict):
        return content
    word = body.split(maxsplit=1)[0] if body.strip() else ""
    return dict(by_command.get(word, OK))


async def main(
    homeserver: str, user_id: str, password: str, state_file: Path, content: dict[str, Any]
) -> None:
    config = AsyncClientConfig(store_sync_tokens=False, encryption_enabled=False)
    client = AsyncClient(homeserver, user_id, config=config)
    state = load(state_file)
    if "token" in state:
        client.restore_login(user_id, state["device"], state["token"])
    else:
        response = await client.login(password, device_name="baseline")
        assert isinstance(response, LoginResponse), response
        state.update(device=response.device_id, token=response.access_token)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    gate = asyncio.Semaphore(PARALLEL_ROOMS)

    async def reply_all(room_id: str, events: list[Event]) -> None:
        async with gate:
            for event in events:
                await client.room_send(
                    room_id,
                    "m.room.message",
                    {
                        **reply_content(content, getattr(event, "body", "")),
                        "m.relates_to": {"m.in_reply_to": {"event_id": event.event_id}},
                    },
                )

    since: str | None = state.get("since")
    while not stop.is_set():
        syncing = asyncio.ensure_future(client.sync(timeout=30_000 if since else 0, since=since))
        stopping = asyncio.ensure_future(stop.wait())
        await asyncio.wait({syncing, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if not syncing.done():
            syncing.cancel()
            break
        response = syncing.result()
        if not isinstance(response, SyncResponse):
            await asyncio.sleep(1)
            continue
        for room_id in response.rooms.invite:
            await client.join(room_id)
        work = []
        for room_id, info in response.rooms.join.items():
            events = list(info.timeline.events)
            if info.timeline.limited and since:
                gap: list[Event] = []
                token = info.timeline.prev_batch
                while True:
                    page = await client.room_messages(
                        room_id, start=token, end=since, direction=MessageDirection.back, limit=100
                    )
                    if not isinstance(page, RoomMessagesResponse) or not page.chunk:
                        break
                    gap.extend(e for e in page.chunk if isinstance(e, Event))
                    if not page.end or page.end == token:
                        break
                    token = page.end
                events = list(reversed(gap)) + events
            commands = [
                e
                for e in events
                if isinstance(e, RoomMessageText)
                and e.sender != user_id
                and e.body.startswith("!")
                and since is not None
            ]
            if commands:
                work.append(reply_all(room_id, commands))
        await asyncio.gather(*work)
        since = response.next_batch
        state["since"] = since
        save(state_file, state)
    await client.close()


if __name__ == "__main__":
    reply: dict[str, Any] = OK
    if len(sys.argv) > 5:
        reply = dict(json.loads(Path(sys.argv[5]).read_text()))
    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], Path(sys.argv[4]), reply))
