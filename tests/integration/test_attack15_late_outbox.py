"""Attack 15: a reply that waits in the outbox says it is late when it finally goes.

The homeserver rate-limits the bot hard (one message per 40 s after its greeting): the
bot reads `!hulp` at once and queues the reply, which can only go out after the wait.
With `late_after_seconds` at 15, the reply must start with the late note; before, the
note was decided only when the message was read, and the reply looked current.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.conftest import World
from tests.support.synapse import Synapse

pytestmark = pytest.mark.integration


async def test_a_reply_held_up_by_the_homeserver_says_it_is_late(
    private_synapse: Callable[..., Synapse], make_world: Callable[[Synapse], World]
) -> None:
    server = private_synapse(rc_message={"per_second": 0.025, "burst_count": 1})
    world = make_world(server)
    bot = world.bot(KNOOPPUNT_LATE_AFTER_SECONDS="15")
    bot.start()
    alice = await world.human("alice")
    server.lift_rate_limit(alice.client.user_id)
    room = await alice.create_room(invite=[world.bot_user])
    await alice.wait_joined(room, world.bot_user)
    command = await alice.send(room, "!hulp")
    assert await alice.wait_until(lambda: bool(alice.replies_to(command, world.bot_user)), 150), (
        bot.log()[-3000:]
    )
    body = "\n".join(r.body for r in alice.replies_to(command, world.bot_user))
    assert body.startswith("(Late reactie op je bericht van"), body[:300]
    await world.close()
