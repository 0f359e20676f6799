"""Against real Synapse: a 👍 on a free-text offer is not lost when the bot comes back
as a new device before the offer's send was recorded.

The bot sent the offer, then stopped before it wrote down which event the offer became
(a crash between the send and its record), and its login was gone (every token revoked:
the next start logs in with the password, a new device). A new device does not see the
old device's transaction ids on the echo, so nothing ties the offer's event to its
outbox row; the liaison's 👍 on that offer matched no offer and was dropped without a
word (session 18). The report must be recorded, or the liaison told to send it again.

`crash`: the record and the sync token are both lost (they are written together), so
the next start syncs the offer's echo again, without a transaction id the new device
can see; the row was sent a second time (the liaison saw the offer twice). `echo gone`:
only the record is lost, and the 👍 is matched through the homeserver.
"""

from __future__ import annotations

import asyncio

import pytest

from tests.conftest import World
from tests.integration.test_liaison_free_text import UPDATE, _react
from tests.integration.test_situation_entries import _count, _db, _setup
from tests.support.cross_signing import revoke_all_tokens

pytestmark = pytest.mark.integration


def _token(world: World) -> str:
    with _db(world) as db:
        (value,) = db.execute(
            "SELECT value FROM kv WHERE key = ?", (f"sync.next_batch:{world.bot_user}",)
        ).fetchone()
    return str(value)


@pytest.mark.parametrize("loss", ["crash", "echo gone"])
async def test_thumbs_up_on_an_offer_sent_by_the_previous_device_is_not_dropped(
    world: World, loss: str
) -> None:
    _admin, liaison, _coordinator, room, _coord_room = await _setup(world)
    bot_user = world.bot_user
    bot = world.bots[0]
    before = _token(world)

    original = await liaison.send(room, UPDATE)
    assert await liaison.wait_until(lambda: bool(liaison.replies_to(original, bot_user)), 30)
    (offer,) = liaison.replies_to(original, bot_user)
    assert "Vastleggen als melding?" in offer.body
    assert bot.terminate() == 0, bot.log()[-2000:]

    # The crash between the send and its record: the offer's row reads as never sent.
    with _db(world) as db:
        changed = db.execute(
            "UPDATE outbox SET sent_at = NULL, result_event_id = NULL WHERE result_event_id = ?",
            (offer.event_id,),
        ).rowcount
        if loss == "crash":
            db.execute(
                "UPDATE kv SET value = ? WHERE key = ?",
                (before, f"sync.next_batch:{bot_user}"),
            )
    assert changed == 1
    # The next start is a new device.
    await revoke_all_tokens(world.server.url, world.bot_user, world.bot_password)

    await _react(liaison, room, offer.event_id)
    await asyncio.sleep(1)
    bot.start()

    def answered() -> bool:
        bodies = [h.body for h in liaison.from_sender(bot_user, room)]
        return any("vastgelegd" in b for b in bodies) or any("opnieuw" in b for b in bodies)

    assert await liaison.wait_until(answered, 60), bot.log()[-4000:]
    assert "new device" in bot.log()
    # Recorded, once, as the update the liaison confirmed.
    assert any("vastgelegd" in h.body for h in liaison.replies_to(original, bot_user)), [
        h.body for h in liaison.from_sender(bot_user, room)
    ]
    assert _count(world) == 1
    with _db(world) as db:
        row = db.execute("SELECT municipality, source_event_id FROM entries").fetchone()
    assert tuple(row) == ("Zwijndrecht", original)
    if loss == "crash":
        await asyncio.sleep(3)  # a second send of the offer would be here by now
        offers = [h for h in liaison.replies_to(original, bot_user) if "Vastleggen" in h.body]
        assert len(offers) == 1, [h.body for h in offers]
