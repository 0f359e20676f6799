"""Against real Synapse: a free-text update in a liaison room gets the offer, a 👍
records it once, and a restart does not record it twice (the issue "Reports as
liaisons actually type them", point 2)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from nio import RoomSendResponse

from tests.conftest import World
from tests.integration.test_situation_entries import _count, _db, _setup
from tests.support.human import Human

pytestmark = pytest.mark.integration

UPDATE = "update stroom zwijndrecht: nog 800 huishoudens zonder stroom"
SECOND = "Mobiel netwerk in Papendrecht weer in de lucht"


async def _react(human: Human, room: str, target: str, key: str = "👍") -> str:
    content: dict[str, Any] = {
        "m.relates_to": {"rel_type": "m.annotation", "event_id": target, "key": key}
    }
    response = await human.client.room_send(
        room, "m.reaction", content, ignore_unverified_devices=True
    )
    assert isinstance(response, RoomSendResponse), response
    return response.event_id


async def _settled(human: Human, room: str, bot: str) -> None:
    """Wait until the bot has handled everything sent before: it answers a later command."""
    probe = await human.send(room, "!hulp")
    assert await human.wait_until(lambda: bool(human.replies_to(probe, bot)), 60)


async def test_free_text_offer_thumbs_up_records_once_across_restarts(world: World) -> None:
    _admin, liaison, _coordinator, room, _coord_room = await _setup(world)
    bot_user = world.bot_user
    bot = world.bots[0]

    # Chatter gets nothing; an update gets one short offer.
    chatter = await liaison.send(room, "goedemorgen allemaal")
    original = await liaison.send(room, UPDATE)
    assert await liaison.wait_until(lambda: bool(liaison.replies_to(original, bot_user)), 30)
    (offer,) = liaison.replies_to(original, bot_user)
    assert "Vastleggen als melding?" in offer.body and "Zwijndrecht" in offer.body
    assert liaison.replies_to(chatter, bot_user) == []
    assert _count(world) == 0

    # A 👍 on the offer records it: the confirmation answers the update.
    await _react(liaison, room, offer.event_id)
    assert await liaison.wait_until(
        lambda: any("vastgelegd" in h.body for h in liaison.replies_to(original, bot_user)), 30
    ), bot.log()[-3000:]
    assert _count(world) == 1
    with _db(world) as db:
        row = db.execute("SELECT municipality, category, source_event_id FROM entries").fetchone()
    assert tuple(row) == ("Zwijndrecht", "power", original)

    # A second 👍, on the update itself, records nothing more.
    await _react(liaison, room, original)
    await _settled(liaison, room, bot_user)
    assert _count(world) == 1

    # Offer made, bot stopped, 👍 while it is down: recorded once after the start,
    # and once only however often it restarts.
    second = await liaison.send(room, SECOND)
    assert await liaison.wait_until(lambda: bool(liaison.replies_to(second, bot_user)), 30)
    assert bot.terminate() == 0, bot.log()[-2000:]
    await _react(liaison, room, second)
    await asyncio.sleep(1)
    bot.start()
    assert await liaison.wait_until(
        lambda: any("vastgelegd" in h.body for h in liaison.replies_to(second, bot_user)), 60
    ), bot.log()[-3000:]
    assert _count(world) == 2
    assert bot.terminate() == 0, bot.log()[-2000:]
    bot.start()
    await _react(liaison, room, second, "👍🏻")
    await _settled(liaison, room, bot_user)
    assert _count(world) == 2
    confirmations = [h for h in liaison.replies_to(second, bot_user) if "vastgelegd" in h.body] + [
        h for h in liaison.replies_to(original, bot_user) if "vastgelegd" in h.body
    ]
    assert len(confirmations) == 2
