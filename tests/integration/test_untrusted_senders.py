"""The bot acts only on messages from devices it trusts (helper e2ee2; attack10's open
point). With `encryption_trust: cross-signed` the rule that decides who gets room keys
(bot/device_trust.py) also decides whose messages count: a phished password and a new,
unverified login must not be able to file reports or answer questions as the person. A
plain-text message in a room whose state says it is encrypted (what a malicious
homeserver or a stolen access token can inject) is refused in either mode. Each refused
message gets one short notice, never silence."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from tests.conftest import World
from tests.integration.test_cross_signing import (
    SIGNED_LOG,
    cross_signed_human,
    encrypted_room_with_bot,
    second_device,
)
from tests.support.human import Human

pytestmark = pytest.mark.integration

HELP_WORD = "!hulp"


async def _helped(world: World, watcher: Human, event_id: str, patience: float = 90) -> str:
    assert await watcher.wait_until(
        lambda: bool(watcher.replies_to(event_id, world.bot_user)), patience
    )
    return watcher.replies_to(event_id, world.bot_user)[0].body


async def _plain_send(human: Human, room_id: str, body: str) -> str:
    """A plain-text m.room.message sent past the client's encryption (as a stolen access
    token or the homeserver itself can)."""
    client = human.client
    assert client.client_session is not None
    url = (
        f"{client.homeserver}/_matrix/client/v3/rooms/{room_id}/send/m.room.message/"
        f"plain-{uuid.uuid4().hex}"
    )
    headers = {"Authorization": f"Bearer {client.access_token}"}
    body_json = {"msgtype": "m.text", "body": body}
    async with client.client_session.put(url, json=body_json, headers=headers) as response:
        assert response.status == 200, await response.text()
        return str((await response.json())["event_id"])


@pytest.mark.parametrize("trust", ["cross-signed", "tofu"])
async def test_unverified_device_and_plain_text_are_refused_with_one_notice(
    world: World, trust: str
) -> None:
    bot = world.bot(KNOOPPUNT_ENCRYPTION_TRUST=trust)
    bot.start()
    assert bot.wait_for_log(SIGNED_LOG, 90), bot.log()[-3000:]
    liaison = await cross_signed_human(world, "liaison")
    room_id = await encrypted_room_with_bot(world, liaison)
    first = await _helped(world, liaison, await liaison.send(room_id, HELP_WORD))
    assert "!" in first  # the help list: her verified session is heard

    # A new login with her password, never verified (cross-signed) by her.
    unsigned = await second_device(world, liaison)
    await asyncio.sleep(2)  # the bot hears of the new device in its next sync
    forged = await unsigned.send(room_id, HELP_WORD)
    answer = await _helped(world, liaison, forged)
    if trust == "cross-signed":
        assert "geverifieerde sessie" in answer, answer  # the notice, not the help list
        # Encrypted for her trusted devices only: it names the refused session, so she
        # recognises it there (leftovers12), and the refused session cannot read it.
        assert f"sessie {unsigned.client.device_id}," in answer, answer
        assert "encryption_trust: tofu" in answer, answer
        assert not unsigned.replies_to(forged, world.bot_user)
    else:
        assert "geverifieerde" not in answer, answer  # tofu: acted on

    # Plain text in an encrypted room: refused in both modes.
    injected = await _plain_send(unsigned, room_id, HELP_WORD)
    notice = await _helped(world, liaison, injected)
    assert "onversleuteld" in notice, notice

    # Exactly once: no second notice for the same events, however long we wait.
    await asyncio.sleep(4)
    assert len(liaison.replies_to(forged, world.bot_user)) == 1
    assert len(liaison.replies_to(injected, world.bot_user)) == 1
    # Her verified session is still heard.
    again = await _helped(world, liaison, await liaison.send(room_id, HELP_WORD))
    assert "geverifieerde" not in again and "onversleuteld" not in again, again


async def test_a_redaction_while_an_unverified_session_exists_is_not_acted_on(
    world: World,
) -> None:
    """A redaction travels in the clear, so nothing says which session sent it
    (leftovers12): while she has an unverified login (a phished password), her deletions
    do not take anything back; the notice under the message names that session."""
    bot = world.bot()
    bot.start()
    assert bot.wait_for_log(SIGNED_LOG, 90), bot.log()[-3000:]
    liaison = await cross_signed_human(world, "liaison")
    room_id = await encrypted_room_with_bot(world, liaison)
    asked = await liaison.send(room_id, HELP_WORD)
    await _helped(world, liaison, asked)  # acted on: the help list

    unsigned = await second_device(world, liaison)
    await asyncio.sleep(2)  # the bot hears of the new device in its next sync
    deleted = await unsigned.client.room_redact(room_id, asked, reason="weg ermee")
    redaction_id = str(getattr(deleted, "event_id", ""))
    assert redaction_id, deleted

    def told() -> list[str]:
        return [
            h.body for h in liaison.replies_to(asked, world.bot_user) if "verwijdering" in h.body
        ]

    assert await liaison.wait_until(lambda: bool(told()), 90), bot.log()[-3000:]
    assert unsigned.client.device_id in told()[0], told()[0]
    assert bot.wait_for_log(f"did not act on redaction {redaction_id}", 10) or (
        f"did not act on {redaction_id}" in bot.log()
    ), bot.log()[-3000:]
