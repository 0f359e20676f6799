"""Opening a closed action again (leftovers10): the owner's room was not told when an
action came back (it had been told it was done), and an action closed before migration
0030 (no `done_event_id`) could not be opened at all: deleting its closing message does
nothing. `!actie heropen A-1` now opens it, for those who may close it, and the owner's
room is told, also when the closing message is deleted."""

from __future__ import annotations

from sqlalchemy import update

from commands.message import Reply
from storage.models import RecordItem
from tests.support.chat import CoreChat, texts
from tests.unit.test_attack_action_done import ACTION, MOD, OWNER, REAL, chat, say

__all__ = ["chat"]  # fixture, imported for pytest


async def _closed_before_0030(chat: CoreChat) -> None:
    _, result = await chat.handle(REAL, MOD, "!actie klaar A-1")
    assert result is not None and "A-1 afgerond" in texts(result[0])
    async with chat.db.transaction() as session:
        await session.execute(update(RecordItem).values(done_event_id=None))


async def test_a_closed_action_opens_again_by_command(chat: CoreChat) -> None:
    await _closed_before_0030(chat)
    assert ACTION not in await say(chat, REAL, "!acties")
    _, result = await chat.handle(REAL, MOD, "!actie heropen A-1")
    assert result is not None and "A-1" in texts(result[0]), texts(result[0] if result else [])
    assert ACTION in await say(chat, REAL, "!acties"), "A-1 stayed closed"


async def test_the_owner_s_room_is_told_the_action_is_open_again(chat: CoreChat) -> None:
    await _closed_before_0030(chat)
    _, result = await chat.handle(REAL, MOD, "!actie heropen A-1")
    assert result is not None
    told = [r for r in result[0] if isinstance(r, Reply) and r.room_id == OWNER]
    assert len(told) == 1 and "A-1" in told[0].text and told[0].notify, texts(result[0])


async def test_the_owner_s_room_is_told_when_the_closing_message_is_deleted(
    chat: CoreChat,
) -> None:
    from commands.message import Relation

    done, _ = await chat.handle(REAL, MOD, "!actie klaar A-1")
    _, result = await chat.handle(REAL, MOD, "", kind="redaction", relation=Relation(redacts=done))
    assert result is not None
    told = [r for r in result[0] if isinstance(r, Reply) and r.room_id == OWNER]
    assert len(told) == 1 and "A-1" in told[0].text, texts(result[0])


async def test_an_open_action_is_said_to_be_open(chat: CoreChat) -> None:
    _, result = await chat.handle(REAL, MOD, "!actie heropen A-1")
    assert result is not None and "A-1" in texts(result[0]) and "open" in texts(result[0])
