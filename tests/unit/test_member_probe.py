"""The bot's member probe (bot/member_probe.py) reads nio's room state after loading it."""

from __future__ import annotations

from typing import Any, cast

from nio import MatrixRoom
from nio.client.async_client import AsyncClient

from bot.member_probe import member_probe
from bot.room_state import RoomStates


class _States:
    def __init__(self, fail: bool = False) -> None:
        self.asked: list[str] = []
        self.fail = fail

    async def ensure(self, room_ids: Any) -> None:
        self.asked += list(room_ids)
        if self.fail:
            raise OSError("state not loaded")


async def test_joined_left_and_unknown() -> None:
    room = MatrixRoom("!dm:x", "@bot:x")
    room.add_member("@bot:x", None, None)
    room.add_member("@anna:x", None, None)
    client = cast(AsyncClient, type("C", (), {"rooms": {"!dm:x": room}})())
    states = _States()
    probe = member_probe(client, cast(RoomStates, states))
    assert await probe("!dm:x", "@anna:x") is True
    room.remove_member("@anna:x")
    assert await probe("!dm:x", "@anna:x") is False
    assert await probe("!other:x", "@anna:x") is None  # the bot is not in that room
    assert states.asked == ["!dm:x", "!dm:x", "!other:x"]
    failing = member_probe(client, cast(RoomStates, _States(fail=True)))
    assert await failing("!dm:x", "@anna:x") is None
