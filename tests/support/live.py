"""Steps the integration tests share: a room with the bot and members in it, and a
command that waits for the bot's reply."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from tests.support.human import Human, Seen

if TYPE_CHECKING:
    from tests.conftest import World


async def ask(
    human: Human, room: str, body: str, bot: str, timeout: float = 30, **kw: object
) -> str:
    """Send `body` and return the bot's replies to it (joined); fails after `timeout` s."""
    event_id = await human.send(room, body, **kw)  # type: ignore[arg-type]
    assert await human.wait_until(lambda: bool(human.replies_to(event_id, bot)), timeout), body[:80]
    return "\n".join(s.body for s in human.replies_to(event_id, bot))


async def room_with(world: World, owner: Human, members: list[Human], name: str) -> str:
    """A room `owner` creates, with the bot and `members` joined."""
    room = await owner.create_room(
        invite=[world.bot_user, *(m.client.user_id for m in members)], name=name
    )
    await owner.wait_joined(room, world.bot_user)
    for member in members:
        await member.client.join(room)
    for member in members:
        # On the owner's timeline: the bot's sync has that join before anything they send.
        await owner.wait_joined(room, member.client.user_id)
    return room


async def send_report(
    human: Human, room: str, body: str, bot: str, pattern: str = r"(M-\d+)"
) -> tuple[str, Seen, str]:
    """Send a report; its event id, the bot's first reply and the code `pattern` finds in it."""
    event_id = await human.send(room, body)
    assert await human.wait_until(lambda: bool(human.replies_to(event_id, bot))), body[:80]
    confirmation = human.replies_to(event_id, bot)[0]
    found = re.search(pattern, confirmation.body)
    assert found, confirmation.body
    return event_id, confirmation, found.group(1)
