"""A deletion refused while its sender had an unverified session counts later, against a
real Synapse (review of session 16): it was refused for good, and a client cannot delete
a deleted message again, so a wrong report stayed in every coordinator's picture.

Now it is kept and carried out once the person verifies that session (their own
cross-signing: the bot hears of it by the key query after the device list changed), or,
when they sign that session out instead (which proves nothing: it may have been a
phished login), once they confirm it with a 👍 on the bot's notice from a verified
session."""

from __future__ import annotations

import asyncio

import pytest

from tests.conftest import World
from tests.integration.test_cross_signing import SIGNED_LOG, second_device
from tests.integration.test_edit_trust import FIXED, _bound_rooms, _entries, _send_encrypted
from tests.support.cross_signing import sign_device
from tests.support.human import Human

pytestmark = pytest.mark.integration


async def _report(world: World, liaison: Human, room: str, words: str) -> str:
    report = await liaison.send(room, FIXED.replace("Dijk lekt.", words))
    assert await liaison.wait_until(lambda: bool(liaison.replies_to(report, world.bot_user)))
    return report


async def _refused_deletion(
    world: World, liaison: Human, room: str, words: str
) -> tuple[str, Human, str]:
    """(report, the unverified login, the notice under the report) after that login
    deleted the report."""
    report = await _report(world, liaison, room, words)
    unsigned = await second_device(world, liaison)
    await asyncio.sleep(2)  # the bot hears of the new device in its next sync
    deleted = await unsigned.client.room_redact(room, report, reason="fout")
    assert getattr(deleted, "event_id", None), deleted

    def told() -> list[str]:
        return [
            h.event_id
            for h in liaison.replies_to(report, world.bot_user)
            if "verwijdering" in h.body and "alsnog" in h.body
        ]

    assert await liaison.wait_until(lambda: bool(told()), 90), world.bots[0].log()[-3000:]
    return report, unsigned, told()[0]


def _retracted(world: World, words: str) -> bool:
    return any(e["retracted_at"] is not None for e in _entries(world) if words in e["text"])


async def _eventually(check: object, patience: float = 60) -> bool:
    for _ in range(int(patience / 0.5)):
        if check():  # type: ignore[operator]
            return True
        await asyncio.sleep(0.5)
    return False


async def test_a_refused_deletion_counts_once_the_session_is_verified(world: World) -> None:
    _admin, liaison, room, _coord = await _bound_rooms(world, encrypted=True)
    assert world.bots[0].wait_for_log(SIGNED_LOG, 90), world.bots[0].log()[-3000:]
    _report_id, unsigned, _notice = await _refused_deletion(world, liaison, room, "Kade A.")
    await asyncio.sleep(3)
    assert not _retracted(world, "Kade A.")  # refused while her old session is unverified

    # She verifies the session (her client signs it with her self-signing key).
    assert liaison.client.access_token and unsigned.client.device_id
    await sign_device(
        world.server.url, liaison.user_id, liaison.client.access_token, unsigned.client.device_id
    )
    assert await _eventually(lambda: _retracted(world, "Kade A.")), world.bots[0].log()[-4000:]
    assert "held deletion" in world.bots[0].log()


async def test_a_signed_out_session_needs_her_thumbs_up(world: World) -> None:
    _admin, liaison, room, _coord = await _bound_rooms(world, encrypted=True)
    assert world.bots[0].wait_for_log(SIGNED_LOG, 90), world.bots[0].log()[-3000:]
    _report_id, unsigned, notice = await _refused_deletion(world, liaison, room, "Kade B.")
    await unsigned.client.logout()  # signed out: proves nothing about who deleted
    world.humans.remove(unsigned)
    await asyncio.sleep(5)  # the bot hears of it and checks her devices again
    assert not _retracted(world, "Kade B.")

    # Her client shares a new room key (her device list changed) with her next message.
    probe = await liaison.send(room, "!hulp")
    assert await liaison.wait_until(lambda: bool(liaison.replies_to(probe, world.bot_user)))
    assert not _retracted(world, "Kade B.")
    # Encrypted, as Element sends a reaction (nio would send it in the clear: refused).
    content = {"m.relates_to": {"rel_type": "m.annotation", "event_id": notice, "key": "👍"}}
    await _send_encrypted(liaison, room, {"type": "m.reaction", "content": content})
    assert await _eventually(lambda: _retracted(world, "Kade B.")), world.bots[0].log()[-4000:]


async def test_a_session_verified_while_the_bot_was_down_counts_at_its_start(
    world: World,
) -> None:
    """The kept deletion survives a restart; the first device check after the start
    (every known person's devices) finds the session verified."""
    _admin, liaison, room, _coord = await _bound_rooms(world, encrypted=True)
    bot = world.bots[0]
    assert bot.wait_for_log(SIGNED_LOG, 90), bot.log()[-3000:]
    _report_id, unsigned, _notice = await _refused_deletion(world, liaison, room, "Kade C.")
    assert bot.terminate() == 0
    assert liaison.client.access_token and unsigned.client.device_id
    await sign_device(
        world.server.url, liaison.user_id, liaison.client.access_token, unsigned.client.device_id
    )
    assert not _retracted(world, "Kade C.")
    bot.start()
    assert await _eventually(lambda: _retracted(world, "Kade C.")), bot.log()[-4000:]
