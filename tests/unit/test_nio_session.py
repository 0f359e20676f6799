"""nio's HTTP session opened by the bot without trace hooks (bot/nio_session.py).

Requests must go as with nio's own session (headers, body, the response parsed and
handed to the client), nio must keep the session instead of opening its own, and the
bot must never rely on what the trace hook did (upload progress of a TransferMonitor).
The details of nio it relies on are pinned here.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import AsyncIterator
from functools import partial
from pathlib import Path

import pytest
from aiohttp import ClientSession, web
from nio import AsyncClient, AsyncClientConfig, RoomSendResponse
from nio.client import async_client

from bot import nio_session
from bot.runner import Bot

BOT = "@bot:localhost"
ROOM = "!room:localhost"
ROOT = Path(__file__).resolve().parents[2]
# A TransferMonitor made, imported, or handed to nio (`monitor=` of `upload`).
USES_MONITOR = re.compile(r"TransferMonitor\s*\(|import[^\n]*TransferMonitor|monitor\s*=")


@pytest.fixture
async def homeserver() -> AsyncIterator[tuple[str, list[tuple[str, str, dict[str, object]]]]]:
    """A send endpoint on 127.0.0.1 that records what it was sent."""
    seen: list[tuple[str, str, dict[str, object]]] = []

    async def handle(request: web.Request) -> web.Response:
        seen.append((request.path, request.headers.get("Authorization", ""), await request.json()))
        return web.json_response({"event_id": f"$sent{len(seen)}"})

    app = web.Application()
    app.router.add_put("/_matrix/client/v3/rooms/{room}/send/{type}/{txn}", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield f"http://127.0.0.1:{runner.addresses[0][1]}", seen
    await runner.cleanup()


async def test_requests_go_through_the_untraced_session_and_nio_keeps_it(
    homeserver: tuple[str, list[tuple[str, str, dict[str, object]]]],
) -> None:
    url, seen = homeserver
    client = AsyncClient(url, BOT, config=AsyncClientConfig(request_timeout=42))
    client.restore_login(BOT, "DEVICE", "token")
    assert nio_session.open_session(client)
    session = client.client_session
    assert isinstance(session, ClientSession)
    assert session.trace_configs == []  # what the module is for
    assert session.timeout.total == 42  # nio's: the client's request timeout
    connector = session.connector
    assert connector is not None
    assert isinstance(connector.connect, partial)
    assert connector.connect.func is async_client.connect_wrapper  # nio's write-buffer limit
    assert not nio_session.open_session(client)  # a second call keeps it
    content = {"msgtype": "m.notice", "body": "ok"}
    response = await client.room_send(ROOM, "m.room.message", content, tx_id="t1")
    assert isinstance(response, RoomSendResponse)
    assert response.event_id == "$sent1"
    assert client.client_session is session  # nio did not open one of its own
    path, authorization, sent = seen[0]
    assert path == f"/_matrix/client/v3/rooms/{ROOM}/send/m.room.message/t1"
    assert authorization == "Bearer token"
    assert sent == content
    await client.close()
    assert session.closed  # nio's close closes it, as its own


async def test_a_proxy_leaves_the_session_to_nio() -> None:
    client = AsyncClient("http://127.0.0.1:9", BOT, proxy="http://127.0.0.1:8")
    assert not nio_session.open_session(client)
    assert client.client_session is None
    await client.close()


def test_nio_opens_its_session_only_when_the_client_has_none() -> None:
    """Pin: nio's `client_session` decorator opens a session only when there is none
    (so the bot's stays), and nio's trace hook does nothing but count a
    TransferMonitor's bytes (so without it only upload progress is lost)."""
    decorator = inspect.getsource(async_client.client_session)
    assert "if not self.client_session:" in decorator
    hook = inspect.getsource(async_client.on_request_chunk_sent)
    assert "isinstance(context_obj, TransferMonitor)" in hook
    assert hook.count("context_obj.") == 1  # its one effect: the monitor's count


def test_the_bot_never_follows_an_upload_with_a_transfer_monitor() -> None:
    """The progress the trace hook counted is read through a TransferMonitor: no module
    the bot runs uses one (with one, bot/nio_session.py must keep nio's trace hook)."""
    users = [
        str(path.relative_to(ROOT))
        for folder in ("bot", "commands", "knowledge", "storage")
        for path in (ROOT / folder).rglob("*.py")
        if USES_MONITOR.search(path.read_text(encoding="utf-8"))
    ]
    assert users == []


def test_the_runner_opens_the_session_before_the_first_request() -> None:
    run = inspect.getsource(Bot.run)
    assert run.index("nio_session.open_session(self.client)") < run.index("_log_in_and_sync")
