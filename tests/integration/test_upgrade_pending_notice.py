"""Against real Synapse: the notice that a room's binding waits for the bot's invite to
the room that replaced it (a real upgrade, an invite-only new room) reaches someone who
can act on it, and a refused notice is neither retried for ever nor lost without a trace.

The homeserver's upgrade sends the tombstone first and only then raises the old room's
power levels (members below 50 may no longer write). The bot, a member at power 0, saw
the tombstone while it could still write and queued its "invite me there" notice to the
old room; the send met the raised levels and was refused M_FORBIDDEN: no one read it,
and only the log said so (session 18)."""

from __future__ import annotations

import asyncio

import pytest

from tests.conftest import World
from tests.integration.test_room_trust import _binding, _db, _upgrade, _upgrade_actions
from tests.support.live import ask as _ask
from tests.support.live import room_with as _room_with

pytestmark = pytest.mark.integration


async def test_pending_upgrade_notice_reaches_the_admin_and_no_refusal_is_silent(
    world: World,
) -> None:
    admin, bot = await world.admin_and_bot()
    bot_user = world.bot_user
    chat = await admin.create_room(invite=[bot_user], direct=True, name="Knooppunt")
    await admin.wait_joined(chat, bot_user)
    assert await admin.wait_until(lambda: bool(admin.from_sender(bot_user, chat)), 30)
    room = await _room_with(world, admin, [], "GGD")
    await _ask(admin, room, "!incident open storm Storm", bot_user)
    assert "gekoppeld" in await _ask(
        admin, room, "!kamer koppel incident=storm org=GGD rol=liaison clearance=amber", bot_user
    )
    new_room = await asyncio.to_thread(_upgrade, world, admin, room)
    assert await admin.wait_until(lambda: "room.upgrade_pending" in _upgrade_actions(world), 30)

    def told(where: str) -> list[str]:
        return [s.body for s in admin.from_sender(bot_user, where) if new_room in s.body]

    # The admin learns it where the bot can write to them: their direct chat with it.
    assert await admin.wait_until(lambda: bool(told(chat)), 30), bot.log()[-4000:]
    assert any("Nodig me daar uit" in body for body in told(chat)), told(chat)
    await asyncio.sleep(3)  # a refused send into the old room would have happened by now
    with _db(world) as db:
        failed = [
            tuple(r)
            for r in db.execute("SELECT txn_id, last_error FROM outbox WHERE failed_at IS NOT NULL")
        ]
        audited = {
            r[0]
            for r in db.execute("SELECT subject FROM audit_log WHERE action = 'outbox.refused'")
        }
        waiting = db.execute(
            "SELECT count(*) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL "
            "AND room_id = ?",
            (room,),
        ).fetchone()[0]
    # Whatever the old room refused is audited, and nothing waits there to be retried.
    assert all(txn in audited for txn, _ in failed), (failed, bot.log()[-3000:])
    assert waiting == 0
    # The invite still carries the binding, as before.
    await admin.client.room_invite(new_room, bot_user)
    await admin.wait_joined(new_room, bot_user)
    assert await admin.wait_until(lambda: _binding(world, new_room) is not None, 30)
