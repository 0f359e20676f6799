"""Against real Synapse: a notice for the admins is not dropped when no admin has a direct
chat with the bot.

The bot tells its configured admins of an upgrade it cannot follow (it waits for an
invite to the new room) in their direct chats with it (bot/admin_chats.py). With no such
chat, only the log and the audit record said so: the notice itself was never queued
(session 18). Decided: it waits in the outbox, addressed to each admin, listed by
`knooppunt outbox` and counted on /healthz (`outbox_waiting_for_admin_chat`), and goes
to the admin's direct chat once they open one with the bot. The bot does not open one
itself: a configured admin id may be mistyped, and a room the bot makes on its own
would invite a stranger."""

from __future__ import annotations

import asyncio
import json

import pytest

from tests.conftest import World
from tests.integration.test_curator_posts_stuck_upgrade import _outbox_listing
from tests.integration.test_health_metrics import _get
from tests.integration.test_room_trust import _db, _upgrade, _upgrade_actions
from tests.support.live import ask as _ask
from tests.support.ports import free_port

pytestmark = pytest.mark.integration


async def _waiting_for_admin_chat(port: int, wanted: int) -> int:
    count = -1
    for _ in range(60):
        status, body = await asyncio.to_thread(_get, f"http://127.0.0.1:{port}/healthz")
        if status in (200, 503) and body:
            count = int(json.loads(body).get("outbox_waiting_for_admin_chat", -1))
            if count == wanted:
                break
        await asyncio.sleep(0.5)
    return count


async def test_an_admin_notice_waits_for_a_direct_chat_and_goes_there(world: World) -> None:
    admin = await world.human("admin")
    bot_user = world.bot_user
    port = free_port()
    room = await admin.create_room(invite=[bot_user], name="GGD")
    bot = world.bot(
        KNOOPPUNT_ADMINS=admin.client.user_id, KNOOPPUNT_HTTP_LISTEN=f"127.0.0.1:{port}"
    )
    bot.start()
    await admin.wait_joined(room, bot_user)
    await _ask(admin, room, "!incident open storm Storm", bot_user)
    assert "gekoppeld" in await _ask(
        admin, room, "!kamer koppel incident=storm org=GGD rol=liaison clearance=amber", bot_user
    )
    new_room = await asyncio.to_thread(_upgrade, world, admin, room)
    assert await admin.wait_until(lambda: "room.upgrade_pending" in _upgrade_actions(world), 30)

    def waiting() -> list[str]:
        with _db(world) as db:
            return [
                str(r[0])
                for r in db.execute(
                    "SELECT content FROM outbox WHERE room_id = ? AND sent_at IS NULL "
                    "AND failed_at IS NULL",
                    (admin.client.user_id,),
                )
            ]

    assert await admin.wait_until(lambda: bool(waiting()), 10), bot.log()[-4000:]
    assert new_room in waiting()[0]
    listing = await asyncio.to_thread(_outbox_listing, world)
    assert admin.client.user_id in listing, listing
    assert await _waiting_for_admin_chat(port, 1) == 1

    # The admin opens a direct chat with the bot: the notice is delivered there.
    chat = await admin.create_room(invite=[bot_user], direct=True, name="Knooppunt")
    await admin.wait_joined(chat, bot_user)

    def told() -> list[str]:
        return [s.body for s in admin.from_sender(bot_user, chat) if new_room in s.body]

    assert await admin.wait_until(lambda: bool(told()), 60), bot.log()[-4000:]
    assert any("Nodig me daar uit" in body for body in told()), told()
    assert await _waiting_for_admin_chat(port, 0) == 0
    assert waiting() == []
