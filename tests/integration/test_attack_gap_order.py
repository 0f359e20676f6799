"""After a restart a busy room comes back limited: the bot handles the newest events
first and back-fills the gap after them (bot/syncer.py). An edit, a reply or a
redaction among the newest events can name a message that is still in the gap: handled
before it, the edit found no report ("edit of a message I do not know") and the report
was then recorded as first written. A liaison who raised a report's label to RED while
the bot was down had it stored, and shown to the coordinators, under its old label.

Against a real Synapse: the bot is stopped, the liaison reports and edits with more
than a sync's timeline (50 events) of chatter between them, the bot is started again.
"""

from __future__ import annotations

import asyncio

import pytest

from tests.conftest import World
from tests.integration.test_edit_trust import _bound_rooms, _entries, _processed
from tests.support.human import edit_content

pytestmark = pytest.mark.integration

GREEN = "!melding water\ngemeente: Zwolle\nernst: matig\ntlp: groen\nDijk lekt bij gemaal."
RED = GREEN.replace("tlp: groen", "tlp: rood").replace("matig", "extreem")
CHATTER = 55  # more than the bot's sync timeline limit (50): the report is in the gap


async def test_an_edit_of_a_report_in_the_gap_is_applied_after_a_restart(world: World) -> None:
    _admin, liaison, room, _coord = await _bound_rooms(world)
    bot = world.bots[0]
    assert bot.terminate() == 0, bot.log()[-2000:]

    original = await liaison.send(room, GREEN)
    for index in range(CHATTER):
        await liaison.send(room, f"even afstemmen {index}")
    edit = await liaison.send(room, "* " + RED, extra=edit_content(original, RED))

    bot.start()
    await _processed(world, original, patience=90)
    await _processed(world, edit, patience=30)
    await asyncio.sleep(1)
    assert "back-filled" in bot.log(), bot.log()[-3000:]
    (entry,) = _entries(world)
    # The liaison's edit holds: RED (no other room sees it) and extreme.
    assert (entry["tlp"], entry["severity"], entry["revision"]) == ("RED", "Extreme", 2), dict(
        entry
    )
    unknown = [s.body for s in liaison.replies_to(edit, world.bot_user)]
    assert not any("ken ik niet" in body or "onbekend" in body for body in unknown), unknown


async def test_a_report_in_the_gap_keeps_the_binding_it_was_written_under(world: World) -> None:
    """An admin lowers the room's default label while the bot is down, after a liaison
    reported without a `tlp:` line: handled before the gap, the new binding labelled
    the earlier report GREEN, for every GREEN room to read."""
    admin, liaison, room, _coord = await _bound_rooms(world)  # default AMBER
    bot = world.bots[0]
    assert bot.terminate() == 0, bot.log()[-2000:]

    written = GREEN.replace("tlp: groen\n", "").replace("matig", "gering")
    original = await liaison.send(room, written)
    for index in range(CHATTER):
        await liaison.send(room, f"even afstemmen {index}")
    rebind = await admin.send(
        room, '!kamer koppel incident=storm org="GGD" rol=liaison tlp=green clearance=amber'
    )

    bot.start()
    await _processed(world, original, patience=90)
    await _processed(world, rebind, patience=30)
    (entry,) = _entries(world)
    assert entry["tlp"] == "AMBER", dict(entry)
