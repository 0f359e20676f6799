"""Invites, joining, !help / !hulp, plain and encrypted rooms."""

from __future__ import annotations

import asyncio

import pytest

from tests.conftest import World

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
async def test_bot_joins_on_invite_and_answers_help_in_both_languages(
    world: World, encrypted: bool
) -> None:
    bot = world.bot()
    bot.start()
    alice = await world.human("alice", encryption=encrypted)
    room = await alice.create_room(invite=[world.bot_user], encrypted=encrypted)
    await alice.wait_joined(room, world.bot_user)

    # The greeting is one line pointing to help, sent once.
    assert await alice.wait_until(lambda: len(alice.from_sender(world.bot_user, room)) >= 1)
    greeting = alice.from_sender(world.bot_user, room)[0]
    assert "!hulp" in greeting.body and "\n" not in greeting.body
    assert greeting.msgtype == "m.notice"

    help_en = await alice.send(room, "!help")
    help_nl = await alice.send(room, "!hulp")
    assert await alice.wait_until(
        lambda: (
            alice.replies_to(help_en, world.bot_user) and alice.replies_to(help_nl, world.bot_user)
        )
    ), bot.log()[-3000:]
    for event_id in (help_en, help_nl):
        (reply,) = alice.replies_to(event_id, world.bot_user)
        assert reply.msgtype == "m.notice"
        assert "!hulp" in reply.body
        assert reply.content["format"] == "org.matrix.custom.html"
    await asyncio.sleep(1)
    assert (
        len([s for s in alice.from_sender(world.bot_user, room) if "hallo" in s.body.lower()]) == 1
    )


async def test_invite_from_server_not_allowed_is_rejected(world: World) -> None:
    bot = world.bot(KNOOPPUNT_ALLOWED_SERVERS="example.org,partner.example")
    bot.start()
    mallory = await world.human("mallory")
    room = await mallory.create_room(invite=[world.bot_user])
    assert bot.wait_for_log(f"invite to {room}", timeout=30), bot.log()[-2000:]
    assert "rejected" in bot.log()
    members = await mallory.client.joined_members(room)
    assert world.bot_user not in [m.user_id for m in members.members]  # type: ignore[union-attr]
    # The invite is gone (rejected), not pending.
    state = await mallory.client.room_get_state_event(room, "m.room.member", world.bot_user)
    assert state.content.get("membership") == "leave"  # type: ignore[union-attr]


async def test_admin_invite_accepted_even_from_other_server_list(world: World) -> None:
    admin = await world.human("admin")
    bot = world.bot(
        KNOOPPUNT_ALLOWED_SERVERS="example.org",
        KNOOPPUNT_ADMINS=f"{admin.client.user_id},@x:example.org",
    )
    bot.start()
    room = await admin.create_room(invite=[world.bot_user])
    await admin.wait_joined(room, world.bot_user)


async def test_undecryptable_messages_get_one_notice_after_the_grace_period(world: World) -> None:
    bot = world.bot(KNOOPPUNT_UNDECRYPTABLE_GRACE_SECONDS="3")
    bot.start()
    alice = await world.human("alice")
    room = await alice.create_room(invite=[world.bot_user])
    await alice.wait_joined(room, world.bot_user)
    assert await alice.wait_until(lambda: bool(alice.from_sender(world.bot_user, room)))
    # Megolm events for a session the bot never received a key for.
    for n in range(3):
        response = await alice.client.room_send(
            room,
            "m.room.encrypted",
            {
                "algorithm": "m.megolm.v1.aes-sha2",
                "ciphertext": f"AwgAEnB{n}notreallyciphertext",
                "session_id": "unknownsessionid0000000000000000000000000000",
                "sender_key": "unknownsenderkey000000000000000000000000000",
                "device_id": "NOSUCHDEVICE",
            },
        )
        assert getattr(response, "event_id", None)
    assert await alice.wait_until(
        lambda: any("niet ontsleutelen" in s.body for s in alice.from_sender(world.bot_user, room)),
        60,
    ), bot.log()[-2000:]
    await asyncio.sleep(6)  # a second grace period: still exactly one notice for the lot
    notices = [s for s in alice.from_sender(world.bot_user, room) if "niet ontsleutelen" in s.body]
    assert len(notices) == 1
    assert "3 versleuteld" in notices[0].body
    assert "gave up decrypting 3 event(s)" in bot.log()
