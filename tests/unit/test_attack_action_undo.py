"""Taking back an `!actie klaar` (outside tester, session 14).

A coordinator closes the wrong action (`!actie klaar A-1` for A-2), or closes one that
turns out not to be done. In Matrix the way to take a message back is to delete it or
edit it, and the bot follows both for every other thing it records (a report, a
decision, an action itself). For the closing message it did neither: deleting it left
A-1 closed without a word, and editing it into `!actie klaar A-2` closed A-2 as well and
left A-1 closed. A task nobody did left `!acties` and the picture's open actions for
good (there is no command to open it again). Now deleting the closing message opens the
action again, and an edit closes what it now names and opens what it no longer names;
both are said.
"""

from __future__ import annotations

from commands.message import Relation
from storage.ids import EventId, RoomId, UserId
from tests.support.chat import CoreChat, texts
from tests.unit.test_attack_action_done import ACTION, MOD, OWNER, REAL, chat, say

__all__ = ["chat"]  # fixture, imported for pytest

SECOND = "Veldbedden naar De Schans"


async def _second(chat: CoreChat) -> None:
    recorded = await say(chat, REAL, f"!actie {SECOND}\neigenaar: RK\ndeadline: morgen 9 uur")
    assert "A-2" in recorded, recorded


async def _close(chat: CoreChat, room: RoomId, code: str, sender: UserId = MOD) -> EventId:
    eid, result = await chat.handle(room, sender, f"!actie klaar {code}")
    assert result is not None and f"{code} afgerond" in texts(result[0]), texts(result[0])
    return eid


async def test_deleting_the_closing_message_opens_the_action_again(chat: CoreChat) -> None:
    done = await _close(chat, REAL, "A-1")
    assert ACTION not in await say(chat, REAL, "!acties")
    _, result = await chat.handle(REAL, MOD, "", kind="redaction", relation=Relation(redacts=done))
    assert result is not None and "A-1" in texts(result[0]), "no word about A-1"
    assert ACTION in await say(chat, REAL, "!acties"), "A-1 stayed closed"


async def test_editing_the_closing_message_closes_the_new_code_and_opens_the_old(
    chat: CoreChat,
) -> None:
    await _second(chat)
    done = await _close(chat, REAL, "A-1")
    _, result = await chat.handle(
        REAL, MOD, "!actie klaar A-2", kind="edit", relation=Relation(replaces=done)
    )
    assert result is not None
    told = texts(result[0])
    assert "A-2 afgerond" in told and "A-1" in told.replace("A-2 afgerond", ""), told
    listed = await say(chat, REAL, "!acties")
    assert ACTION in listed and SECOND not in listed, listed


async def test_an_edit_that_still_closes_the_same_action_keeps_it_closed(
    chat: CoreChat,
) -> None:
    done = await _close(chat, REAL, "A-1")
    await chat.handle(REAL, MOD, "!actie klaar  A-1", kind="edit", relation=Relation(replaces=done))
    assert ACTION not in await say(chat, REAL, "!acties")


async def test_an_edit_into_other_words_opens_the_action_again(chat: CoreChat) -> None:
    done = await _close(chat, REAL, "A-1")
    _, result = await chat.handle(
        REAL, MOD, "sorry, verkeerde kamer", kind="edit", relation=Relation(replaces=done)
    )
    assert result is not None and "A-1" in texts(result[0]), texts(result[0])
    assert ACTION in await say(chat, REAL, "!acties")


async def test_the_owner_s_room_can_take_its_own_closing_back(chat: CoreChat) -> None:
    owner = UserId("@rk:x")
    done = await _close(chat, OWNER, "A-1", owner)
    await chat.handle(OWNER, owner, "", kind="redaction", relation=Relation(redacts=done))
    assert ACTION in await say(chat, REAL, "!acties")


async def test_only_the_closer_or_a_moderator_of_that_room_takes_it_back(
    chat: CoreChat,
) -> None:
    """A redaction is followed only from the message's sender or a member with the
    room's redact power, in that room (as for reports): a member without power cannot
    reopen a moderator's closing, and a redaction from another room does nothing."""
    done = await _close(chat, REAL, "A-1")
    await chat.handle(REAL, UserId("@lid:x"), "", kind="redaction", relation=Relation(redacts=done))
    await chat.handle(OWNER, MOD, "", kind="redaction", relation=Relation(redacts=done))
    assert ACTION not in await say(chat, REAL, "!acties")


async def test_an_action_closed_again_since_stays_closed_when_the_first_is_deleted(
    chat: CoreChat,
) -> None:
    """Deleting a closing message opens only what that message closed and what is still
    closed by it: an action opened by an edit and closed by a later message stays closed."""
    await _second(chat)
    done = await _close(chat, REAL, "A-1")
    await chat.handle(REAL, MOD, "!actie klaar A-2", kind="edit", relation=Relation(replaces=done))
    await _close(chat, REAL, "A-1")
    await chat.handle(REAL, MOD, "", kind="redaction", relation=Relation(redacts=done))
    listed = await say(chat, REAL, "!acties")
    assert ACTION not in listed and SECOND in listed, listed


THIRD = "Aggregaat naar gemaal"


async def test_closing_two_actions_in_one_message_closes_both(chat: CoreChat) -> None:
    """`!actie klaar A-1 A-2` answered "Actie A-1 afgerond." and left A-2 open without a
    word: the coordinator believed both were done. Every code named is closed (or said
    why not); words after the codes are a remark."""
    await _second(chat)
    await say(chat, REAL, f"!actie {THIRD}\neigenaar: RK\ndeadline: morgen 9 uur")
    told = await say(chat, REAL, "!actie klaar A-1, A-2 en A-9 (geleverd)")
    assert "A-1 afgerond" in told and "A-2 afgerond" in told and "A-9" in told, told
    listed = await say(chat, REAL, "!acties")
    assert ACTION not in listed and SECOND not in listed and THIRD in listed, listed
