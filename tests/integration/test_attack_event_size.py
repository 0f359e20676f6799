"""The size of a reply against a real Synapse (outside tester, session 10): what the
sender's limit (bot/sender.py MAX_EVENT_BYTES) is measured against. In an encrypted
room the content travels as base64 ciphertext, a third larger than the JSON it holds:
a reply of 50,000 bytes of body and HTML, under the old 60,000-byte guard, is refused
there (M_TOO_LARGE, which the sender gives up for good), while every part the sender
now makes of it is taken.
"""

from __future__ import annotations

import pytest
from nio import ErrorResponse, RoomSendResponse

from bot.sender import reply_content, reply_parts
from commands.message import Reply
from tests.conftest import World

pytestmark = pytest.mark.integration

LINE = "Woning ontruimd — bewoners in de sporthal, weg afgesloten tot nader bericht."


async def test_a_large_reply_in_an_encrypted_room_goes_in_parts(world: World) -> None:
    alice, bob = await world.human("alice", encryption=True), await world.human("bob")
    room = await alice.create_room(invite=[bob.user_id], encrypted=True)
    await bob.join(room)
    await alice.wait_joined(room, bob.user_id)
    text = "\n".join([LINE] * 330)  # about 25,000 bytes of text, as much again of HTML
    reply = Reply(text=text, html=text.replace("\n", "<br>"))
    assert 45_000 < len(text.encode()) + len(reply.html.encode()) < 60_000
    whole = {**reply_content(reply), "body": text, "formatted_body": reply.html}
    refused = await alice.client.room_send(
        room, "m.room.message", whole, ignore_unverified_devices=True
    )
    assert isinstance(refused, ErrorResponse) and refused.status_code == "M_TOO_LARGE", refused
    parts = reply_parts(reply)
    assert len(parts) > 1
    for part in parts:
        response = await alice.client.room_send(
            room, "m.room.message", reply_content(part), ignore_unverified_devices=True
        )
        assert isinstance(response, RoomSendResponse), response
