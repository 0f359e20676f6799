"""Against real Synapse: the bot's answer to a command typed in a thread is in that
thread (the homeserver lists it among the thread's events), not in the main timeline."""

from __future__ import annotations

import aiohttp
import pytest

from tests.conftest import World
from tests.integration.test_edit_trust import FIXED, _bound_rooms
from tests.support.human import Human, edit_content
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


def _threaded(root: str) -> dict[str, object]:
    return {
        "m.relates_to": {
            "rel_type": "m.thread",
            "event_id": root,
            "is_falling_back": True,
            "m.in_reply_to": {"event_id": root},
        }
    }


async def _thread_events(world: World, human: Human, room: str, root: str) -> set[str]:
    """The events the homeserver lists in the thread of `root`."""
    url = f"{world.server.url}/_matrix/client/v1/rooms/{room}/relations/{root}/m.thread"
    headers = {"Authorization": f"Bearer {human.client.access_token}"}
    async with aiohttp.ClientSession() as http, http.get(url, headers=headers) as response:
        assert response.status == 200, await response.text()
        return {event["event_id"] for event in (await response.json())["chunk"]}


async def test_an_edit_of_a_report_in_a_thread_is_answered_in_the_thread(world: World) -> None:
    """An edit carries no thread relation (the original does): the confirmation of the
    new revision goes in the thread of the report it revises, not the main timeline."""
    _admin, liaison, room, _coord = await _bound_rooms(world)
    bot = world.bot_user
    root = await liaison.send(room, "Overleg dijk Zwolle")
    report = await liaison.send(room, FIXED, extra=_threaded(root))
    assert await liaison.wait_until(lambda: bool(liaison.replies_to(report, bot)))
    corrected = FIXED.replace("ernst: matig", "ernst: ernstig")
    edit = await liaison.send(room, "* " + corrected, extra=edit_content(report, corrected))
    assert await liaison.wait_until(lambda: bool(liaison.replies_to(edit, bot)))
    (answer,) = liaison.replies_to(edit, bot)[:1]
    assert "bijgewerkt" in answer.body, answer.body
    relates = answer.content["m.relates_to"]
    assert relates["rel_type"] == "m.thread" and relates["event_id"] == root, relates
    assert answer.event_id in await _thread_events(world, liaison, room, root)
