"""Against real Synapse: the bot's answer to a command typed in a thread is in that
thread (the homeserver lists it among the thread's events), not in the main timeline."""

from __future__ import annotations

import aiohttp
import pytest

from tests.conftest import World
from tests.support.live import room_with

pytestmark = pytest.mark.integration


async def test_a_command_in_a_thread_is_answered_in_the_thread(world: World) -> None:
    admin, _bot = await world.admin_and_bot()
    room = await room_with(world, admin, [], "Draad")
    root = await admin.send(room, "Overleg stroomstoring")
    threaded = {
        "m.relates_to": {
            "rel_type": "m.thread",
            "event_id": root,
            "is_falling_back": True,
            "m.in_reply_to": {"event_id": root},
        }
    }
    asked = await admin.send(room, "!hulp", extra=threaded)
    bot = world.bot_user
    assert await admin.wait_until(lambda: bool(admin.replies_to(asked, bot)))
    (answer,) = admin.replies_to(asked, bot)[:1]
    relates = answer.content["m.relates_to"]
    assert relates["rel_type"] == "m.thread" and relates["event_id"] == root, relates
    url = f"{world.server.url}/_matrix/client/v1/rooms/{room}/relations/{root}/m.thread"
    headers = {"Authorization": f"Bearer {admin.client.access_token}"}
    async with aiohttp.ClientSession() as http, http.get(url, headers=headers) as response:
        assert response.status == 200, await response.text()
        chunk = (await response.json())["chunk"]
    in_thread = {event["event_id"] for event in chunk}
    assert asked in in_thread and answer.event_id in in_thread, chunk
