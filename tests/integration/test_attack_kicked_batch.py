"""Messages in the sync that tells the bot it was kicked. A sync puts a room the bot
left (kicked, banned, or left itself after an upgrade) under `rooms.leave`, with the
timeline up to the leave: everything the members wrote since the bot's last sync.
Those messages were written while the bot was a member of a bound room. Only the
bot's own leave was read from there: a severe report posted just before the kick (or
while the bot was down, before an admin tidied the room) was never stored, never
shown in any picture and never alerted to the coordinators.

Against a real Synapse: the bot is stopped, the liaison reports, an admin kicks the
bot, the bot is started again.
"""

from __future__ import annotations

import asyncio

import pytest

from tests.conftest import World
from tests.integration.test_edit_trust import _bound_rooms, _db, _entries, _outbox_texts, _processed

pytestmark = pytest.mark.integration

SEVERE = (
    "!melding water\ngemeente: Zwolle\nernst: extreem\ntlp: amber\nDijk bij Zwolle doorgebroken."
)


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
async def test_a_report_in_the_batch_of_the_kick_is_recorded_and_alerted(
    world: World, encrypted: bool
) -> None:
    admin, liaison, room, coord = await _bound_rooms(world, encrypted=encrypted)
    bot = world.bots[0]
    assert bot.terminate() == 0, bot.log()[-2000:]

    report = await liaison.send(room, SEVERE)
    await admin.client.room_kick(room, world.bot_user, reason="opruimen")  # type: ignore[attr-defined]

    bot.start()
    assert bot.wait_for_log(f"room {room}: bot kicked", timeout=60), bot.log()[-3000:]
    effect = await _processed(world, report, patience=10)
    assert effect != "undecryptable", effect
    entries = _entries(world)
    assert [(e["severity"], e["tlp"]) for e in entries] == [("Extreme", "AMBER")], entries
    for _ in range(50):
        if any("M-" in text for text in _outbox_texts(world, coord)):
            break
        await asyncio.sleep(0.2)
    alerts = [text for text in _outbox_texts(world, coord) if "Dijk bij Zwolle" in text]
    assert alerts, _outbox_texts(world, coord)
    # The bot goes on serving its other rooms; the confirmation to the room it was
    # kicked from is refused by the homeserver and not tried forever.
    asked = await admin.send(coord, "!help")
    assert await admin.wait_until(lambda: bool(admin.replies_to(asked, world.bot_user)), 30)
    assert "Traceback" not in bot.log(), bot.log()[-3000:]


async def test_an_invite_turned_down_is_no_room_the_bot_reads(world: World) -> None:
    """Only rooms the bot served are read up to the leave: an invite from a server that
    is not allowed is turned down by leaving, and that leave is no room to handle."""
    bot = world.bot(KNOOPPUNT_ALLOWED_SERVERS="example.org")
    bot.start()
    mallory = await world.human("mallory")
    room = await mallory.create_room(invite=[world.bot_user])
    assert bot.wait_for_log(f"invite to {room}", timeout=30), bot.log()[-2000:]
    asked = await mallory.create_room(invite=[world.bot_user])
    assert bot.wait_for_log(f"invite to {asked}", timeout=30), bot.log()[-2000:]
    await asyncio.sleep(1)
    with _db(world) as db:
        known = db.execute("SELECT active FROM rooms WHERE room_id = ?", (room,)).fetchall()
    assert [tuple(row) for row in known] in ([], [(0,)]), [tuple(row) for row in known]
    assert "before the leave" not in bot.log(), bot.log()[-2000:]


async def test_a_report_in_the_gap_before_the_kick_is_recorded(world: World) -> None:
    """More written than one sync's timeline before the kick: the report lies in the left
    room's gap, read back with /messages up to the leave."""
    admin, liaison, room, _coord = await _bound_rooms(world)
    bot = world.bots[0]
    assert bot.terminate() == 0, bot.log()[-2000:]
    report = await liaison.send(room, SEVERE)
    for index in range(55):  # more than the bot's sync timeline limit (50)
        await liaison.send(room, f"even afstemmen {index}")
    await admin.client.room_kick(room, world.bot_user)  # type: ignore[attr-defined]
    bot.start()
    assert bot.wait_for_log(f"room {room}: bot kicked", timeout=60), bot.log()[-3000:]
    await _processed(world, report, patience=10)
    assert [e["severity"] for e in _entries(world)] == ["Extreme"]
