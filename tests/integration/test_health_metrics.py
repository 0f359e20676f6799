"""/healthz follows the homeserver; /metrics counters move."""

from __future__ import annotations

import asyncio
import json
import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable

import pytest

from tests.conftest import World
from tests.support.live import ask as _ask
from tests.support.ports import free_port
from tests.support.synapse import Synapse

pytestmark = pytest.mark.integration


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except urllib.error.URLError:
        return 0, ""  # not listening (yet)


async def _wait_status(url: str, status: int, timeout: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        code, _ = await asyncio.to_thread(_get, url)
        if code == status:
            return time.monotonic() - started
        await asyncio.sleep(1)
    raise AssertionError(f"{url} never answered {status} within {timeout}s")


def _counter(text: str, name: str, labels: str = "") -> float:
    match = re.search(rf"^{re.escape(name)}{re.escape(labels)} ([0-9.e+]+)$", text, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


async def _metrics_once(base: str, ready: Callable[[str], bool], patience: float = 30) -> str:
    """/metrics once `ready` holds for it (or as it is when patience runs out)."""
    deadline = time.monotonic() + patience
    while True:
        _, text = await asyncio.to_thread(_get, f"{base}/metrics")
        if ready(text) or time.monotonic() > deadline:
            return text
        await asyncio.sleep(0.5)


async def test_healthz_follows_the_homeserver_and_metrics_move(
    private_synapse: Callable[..., Synapse], make_world: Callable[[Synapse], World]
) -> None:
    server = private_synapse()
    world = make_world(server)
    port = free_port()
    admin = await world.human("admin")
    bot = world.bot(
        KNOOPPUNT_METRICS_LISTEN=f"127.0.0.1:{port}", KNOOPPUNT_ADMINS=admin.client.user_id
    )
    bot.start()
    base = f"http://127.0.0.1:{port}"
    await _wait_status(f"{base}/healthz", 200, 60)
    _, body = await asyncio.to_thread(_get, f"{base}/healthz")
    health = json.loads(body)
    assert health["healthy"] and health["database"] == "ok" and health["last_sync_age_seconds"] < 45

    room = await admin.create_room(invite=[world.bot_user])
    await admin.wait_joined(room, world.bot_user)
    _, before = await asyncio.to_thread(_get, f"{base}/metrics")
    for command in (
        "!help",
        "!hlep",
        "!incident open storm Storm",
        "!kamer koppel incident=storm org=GGD rol=liaison",
        "!melding zorg\ngemeente: Dordrecht\nbedden beschikbaar: 3\nTekst.",
    ):
        await _ask(admin, room, command, world.bot_user)
    # A reply is seen before its event's metrics are written: wait for the last of them.
    after = await _metrics_once(
        base, lambda text: _counter(text, "knooppunt_reply_latency_seconds_count") >= 5
    )
    help_ok = 'knooppunt_commands_total{command="help",outcome="ok"}'
    assert (
        _counter(after, help_ok.split("{")[0], "{" + help_ok.split("{")[1])
        == _counter(before, help_ok.split("{")[0], "{" + help_ok.split("{")[1]) + 1
    )
    assert _counter(after, "knooppunt_commands_total", '{command="unknown",outcome="unknown"}') >= 1
    assert _counter(after, "knooppunt_entries_recorded_total") == 1
    assert _counter(after, "knooppunt_events_processed_total", '{outcome="handled"}') >= 5
    assert _counter(after, "knooppunt_reply_latency_seconds_count") >= 5

    # The homeserver goes away: unhealthy within 60 s; it returns: healthy again.
    server.stop()
    went_bad = await _wait_status(f"{base}/healthz", 503, 60)
    _, body = await asyncio.to_thread(_get, f"{base}/healthz")
    assert json.loads(body)["sync_loop"] == "stale"
    server.start()
    came_back = await _wait_status(f"{base}/healthz", 200, 90)
    _, final = await asyncio.to_thread(_get, f"{base}/metrics")
    assert _counter(final, "knooppunt_sync_errors_total") >= 1
    print(f"unhealthy after {went_bad:.0f}s, healthy again {came_back:.0f}s after the restart")
    await world.close()
