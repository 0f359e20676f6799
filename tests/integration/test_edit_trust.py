"""The trust issue against a real Synapse: nothing a user sends by editing is dropped, edits
and redactions count only from the right person in the right room.

Synapse itself refuses a local user's relation to another room's event and a redaction
without the power for it. What it cannot check is what sits inside an encrypted event:
a member of an encrypted room can put an `m.replace` of another room's report, or a
whole `m.room.redaction`, in the ciphertext. Those are sent here as they would be by a
hostile client, with the human's own megolm session.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import uuid
from typing import Any

import pytest
from nio import RoomRedactError, RoomSendResponse
from nio.api import Api

from tests.conftest import World
from tests.support.human import Human, edit_content
from tests.support.live import ask as _ask

pytestmark = pytest.mark.integration

REFUSED = "!melding water\ngemeente: Zwolle\nernst: heel erg\nDijk lekt."
FIXED = "!melding water\ngemeente: Zwolle\nernst: matig\nDijk lekt."


def _db(world: World) -> sqlite3.Connection:
    connection = sqlite3.connect(world.bots[0].workdir / "knooppunt.db")
    connection.row_factory = sqlite3.Row
    return connection


def _entries(world: World) -> list[sqlite3.Row]:
    with _db(world) as db:
        return list(db.execute("SELECT * FROM entries ORDER BY id"))


async def _processed(world: World, event_id: str, patience: float = 30) -> str:
    """Wait until the bot has handled `event_id`; its effect in the event log."""
    for _ in range(int(patience / 0.2)):
        with _db(world) as db:
            row = db.execute(
                "SELECT effect FROM processed_events WHERE event_id = ?", (event_id,)
            ).fetchone()
        if row is not None:
            return str(row[0])
        await asyncio.sleep(0.2)
    raise AssertionError(f"{event_id} was not handled:\n{world.bots[0].log()[-3000:]}")


def _outbox_texts(world: World, room_id: str) -> list[str]:
    with _db(world) as db:
        rows = db.execute(
            "SELECT content FROM outbox WHERE room_id = ? AND kind = 'message'", (room_id,)
        )
        return [str(json.loads(row[0]).get("body", "")) for row in rows]


async def _edit(human: Human, room: str, original: str, body: str, bot: str, **kw: Any) -> str:
    extra = edit_content(original, body)
    if "msgtype" in kw:
        extra["m.new_content"]["msgtype"] = kw.pop("msgtype")
    return await _ask(human, room, "* " + body, bot, extra=extra)


async def _bound_rooms(world: World, encrypted: bool = False) -> tuple[Human, Human, str, str]:
    admin = await world.human("admin", encryption=encrypted)
    liaison = await world.human("liaison", encryption=encrypted)
    bot = world.bot(KNOOPPUNT_ADMINS=admin.user_id)
    bot.start()
    room = await admin.create_room(
        invite=[world.bot_user, liaison.user_id], encrypted=encrypted, name="GGD"
    )
    await admin.wait_joined(room, world.bot_user)
    await liaison.join(room)
    await admin.wait_joined(room, liaison.user_id)
    coord = await admin.create_room(invite=[world.bot_user], encrypted=encrypted, name="Coörd")
    await admin.wait_joined(coord, world.bot_user)
    assert "geopend" in await _ask(admin, room, "!incident open storm Storm", world.bot_user)
    assert "gekoppeld" in await _ask(
        admin,
        room,
        '!kamer koppel incident=storm org="GGD" rol=liaison tlp=amber clearance=amber',
        world.bot_user,
    )
    assert "gekoppeld" in await _ask(
        admin,
        coord,
        "!kamer koppel incident=storm org=VR rol=coordinator clearance=amber",
        world.bot_user,
    )
    return admin, liaison, room, coord


async def test_edits_are_never_silently_dropped(world: World) -> None:
    admin, liaison, room, coord = await _bound_rooms(world)
    bot = world.bot_user

    # A refused report, corrected by editing it: recorded, once.
    refused = await liaison.send(room, REFUSED)
    assert await liaison.wait_until(lambda: bool(liaison.replies_to(refused, bot)))
    assert "niet opgeslagen" in liaison.replies_to(refused, bot)[0].body
    assert "vastgelegd" in await _edit(liaison, room, refused, FIXED, bot)
    (entry,) = _entries(world)
    assert entry["origin_event_id"] == refused and entry["severity"] == "Moderate"
    code = f"M-{entry['id']}"

    # `!hulp` edited into a report becomes a report.
    help_request = await liaison.send(room, "!hulp")
    assert await liaison.wait_until(lambda: bool(liaison.replies_to(help_request, bot)))
    assert "vastgelegd" in await _edit(
        liaison, room, help_request, FIXED.replace("Dijk lekt.", "Kade lekt."), bot
    )
    assert len(_entries(world)) == 2

    # An edit whose new content is a notice still revises the report.
    answer = await _edit(
        liaison,
        room,
        refused,
        FIXED.replace("Dijk lekt.", "Dijk lekt meer."),
        bot,
        msgtype="m.notice",
    )
    assert f"{code} bijgewerkt (revisie 2)" in answer

    # An edit that makes it severe alerts the coordinators, as a new severe report would;
    # a further edit that keeps it severe does not alert again.
    severe = FIXED.replace("matig", "ernstig")
    assert "revisie 3" in await _edit(liaison, room, refused, severe, bot)
    assert await admin.wait_until(
        lambda: any(code in s.body for s in admin.from_sender(bot, coord)), 30
    )
    assert "revisie 4" in await _edit(
        liaison, room, refused, severe.replace("Dijk lekt.", "Dijk breekt."), bot
    )
    await asyncio.sleep(2)
    alerts = [s for s in admin.from_sender(bot, coord) if code in s.body]
    assert len(alerts) == 1, [a.body for a in alerts]
    assert alerts[0].msgtype == "m.text" and "Ernstige melding" in alerts[0].body
    assert len(_entries(world)) == 2


async def _send_encrypted(human: Human, room_id: str, plaintext: dict[str, Any]) -> str:
    """Send `plaintext` as the ciphertext of an `m.room.encrypted` event with no cleartext
    relation: what a hostile client can do, and what the server cannot look into."""
    client = human.client
    assert client.olm is not None and client.access_token
    payload = client.olm.group_encrypt(room_id, plaintext)
    method, path, data = Api.room_send(
        client.access_token, room_id, "m.room.encrypted", payload, uuid.uuid4()
    )
    response = await client._send(RoomSendResponse, method, path, data, (room_id,))
    assert isinstance(response, RoomSendResponse), response
    return response.event_id


async def _forged_edit(world: World, human: Human, room_id: str, original: str, body: str) -> str:
    """An edit of `original` hidden in an encrypted event (see `_send_encrypted`), once the
    bot has handled it."""
    content = {"msgtype": "m.text", "body": "* " + body, **edit_content(original, body)}
    event_id = await _send_encrypted(human, room_id, {"type": "m.room.message", "content": content})
    await _processed(world, event_id)
    return event_id


async def test_edits_and_redactions_only_from_the_right_person_in_the_right_room(
    world: World,
) -> None:
    admin, liaison, room, _coord = await _bound_rooms(world, encrypted=True)
    bot = world.bot_user
    mallory = await world.human("mallory", encryption=True)
    await admin.client.room_invite(room, mallory.user_id)
    await mallory.join(room)
    await admin.wait_joined(room, mallory.user_id)

    report = await liaison.send(room, FIXED)
    assert await _processed(world, report) == "replied"
    (entry,) = _entries(world)
    code = f"M-{entry['id']}"

    # Mallory (power 0) cannot redact the liaison's report through the server ...
    refused = await mallory.client.room_redact(room, report)
    assert isinstance(refused, RoomRedactError), refused  # 403 from Synapse
    # ... nor by hiding a redaction inside an encrypted event.
    await _processed(world, await mallory.send(room, "hallo allemaal"))  # shares her session
    forged_redaction = await _send_encrypted(
        mallory,
        room,
        {"type": "m.room.redaction", "content": {"redacts": report}, "redacts": report},
    )
    # A forged edit in the same room: Mallory is not the reporter.
    await _forged_edit(world, mallory, room, report, FIXED.replace("matig", "gering"))
    await asyncio.sleep(1)  # the forged redaction came first; give the bot its batch
    (after,) = _entries(world)
    assert after["retracted_at"] is None, "a forged redaction retracted the report"
    assert after["severity"] == "Moderate" and after["revision"] == 1

    # In a room of her own, Mallory names the liaison room's report in an encrypted edit:
    # the same answer as for a message the bot never saw, and the code is not revealed.
    other = await mallory.create_room(invite=[bot], encrypted=True, name="Elders")
    await mallory.wait_joined(other, bot)
    await mallory.send(other, "hallo")  # shares her megolm session with the bot
    cross = await _forged_edit(world, mallory, other, report, FIXED.replace("matig", "extreem"))
    unknown = await _forged_edit(world, mallory, other, "$unknown-event:localhost", FIXED)
    other_texts = _outbox_texts(world, other)
    assert not any(code in text for text in other_texts), other_texts

    with _db(world) as db:
        replies = {
            row[0]: json.loads(row[1]).get("body", "")
            for row in db.execute(
                "SELECT source_event_id, content FROM outbox WHERE kind = 'message'"
            )
        }
    assert replies.get(cross) == replies.get(unknown)  # indistinguishable from unknown
    (after,) = _entries(world)
    assert after["retracted_at"] is None, "a forged redaction retracted the report"
    assert after["severity"] == "Moderate" and after["revision"] == 1
    assert forged_redaction  # sent and accepted by the server, ignored by the bot

    # The room's moderator (the creator, power 100 >= redact 50) may retract it.
    await admin.client.room_redact(room, report)
    for _ in range(100):
        (after,) = _entries(world)
        if after["retracted_at"] is not None:
            break
        await asyncio.sleep(0.2)
    assert after["retracted_at"] is not None
