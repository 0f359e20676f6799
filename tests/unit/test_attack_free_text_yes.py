"""Saying yes to a free-text offer as people say it (outside tester, session 14).

A liaison's update ("Dordrecht: nog 800 huishoudens zonder stroom") gets an offer:
"Vastleggen als melding? Antwoord 'ja' of reageer met 👍." Only "ja", "yes", "graag" and
👍 counted. "ok", "oké", "ja hoor", "jazeker", "ja, doe maar", "akkoord", "klopt",
"ja 👍" got no answer and recorded nothing: the liaison, who had answered, believed the
update was recorded, and it was lost without a word. A reply made only of words that
say yes (and courtesy: "graag", "dank je", "hoor") now confirms; anything with other
words, a doubt ("ja maar", "nee", "wacht") or a question mark does not.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from commands.free_text import is_yes
from storage.ids import UserId
from storage.models import RoomBinding
from tests.support.chat import CoreChat, texts
from tests.support.rooms import storm_database
from tests.unit.test_attack_formatting import ALICE, LIAISON, chat

__all__ = ["chat"]  # fixture, imported for pytest

UPDATE = "Dordrecht: nog 800 huishoudens zonder stroom"
YES = [
    "ok", "Oké", "OK!", "okay", "Ja hoor", "jazeker", "ja, doe maar", "Doe maar", "Ja svp",
    "akkoord", "prima", "Klopt", "ja, klopt", "dat klopt", "ja 👍", "Ja graag, dank je",
    "is goed", "yes please", "sure", "👍🏻",
]  # fmt: skip
NOT_YES = [
    "ja?", "nee", "ja maar", "ja maar wacht", "ok wacht even", "nee, niet vastleggen",
    "Ja, de brug is dicht", "ok, ik ga kijken bij de sporthal", "niet ok", "jaja", "",
]  # fmt: skip


@pytest.mark.parametrize("answer", YES)
async def test_a_yes_as_people_say_it_records_the_offer(chat: CoreChat, answer: str) -> None:
    _, offered = await chat.handle(LIAISON, ALICE, UPDATE)
    assert offered is not None and "ja" in texts(offered[0]), texts(offered[0] if offered else [])
    _, result = await chat.handle(LIAISON, ALICE, answer)
    assert result is not None and "vastgelegd" in texts(result[0]), f"{answer!r}: no word"
    assert len(await chat.entries()) == 1


@pytest.mark.parametrize("answer", NOT_YES)
def test_other_words_are_no_yes(answer: str) -> None:
    assert not is_yes(answer)


@pytest.mark.parametrize("answer", ["ok", "ja", "klopt", "prima"])
async def test_a_yes_in_reply_to_someone_else_records_nothing(chat: CoreChat, answer: str) -> None:
    """A liaison who let an offer lapse answers a colleague's question with "ok" (a reply
    to the colleague's message): that is no yes to the bot. It recorded the update she
    had not confirmed, as a report in the picture (review6)."""
    _, offered = await chat.handle(LIAISON, ALICE, UPDATE)
    assert offered is not None
    colleague, _ = await chat.handle(LIAISON, UserId("@bob:x"), "Kun jij de sporthal bellen?")
    reply = await chat.send_event(LIAISON, ALICE, answer, reply_to=colleague)
    assert "vastgelegd" not in texts(reply[1]), texts(reply[1])
    assert await chat.entries() == []


@pytest.mark.parametrize("answer", ["ok", "klopt", "prima", "top"])
async def test_a_chat_word_after_other_messages_confirms_nothing(
    chat: CoreChat, answer: str
) -> None:
    """The offer stands unanswered; the liaison chats on ("Wie gaat er even kijken?") and a
    while later says "ok" to a colleague without replying to anything: that is no yes to
    an offer she has talked past. It recorded the update (review6's leftover; lead)."""
    _, offered = await chat.handle(LIAISON, ALICE, UPDATE)
    assert offered is not None
    _, said = await chat.handle(LIAISON, ALICE, "Wie gaat er even kijken?")
    assert said is None or not said[0], said  # chatter: no offer of its own
    _, result = await chat.handle(LIAISON, ALICE, answer)
    assert result is None or "vastgelegd" not in texts(result[0]), texts(result[0])
    assert await chat.entries() == []


async def test_ja_after_other_messages_still_confirms(chat: CoreChat) -> None:
    """ "ja" (and 👍) confirmed the latest offer of the hour before the wider words came
    in, and still does: a liaison who answers the bot late with "ja" means it."""
    _, offered = await chat.handle(LIAISON, ALICE, UPDATE)
    assert offered is not None
    _, said = await chat.handle(LIAISON, ALICE, "Wie gaat er even kijken?")
    assert said is None or not said[0], said  # chatter: no offer of its own
    _, result = await chat.handle(LIAISON, ALICE, "ja")
    assert result is not None and "vastgelegd" in texts(result[0])
    assert len(await chat.entries()) == 1


@pytest.mark.parametrize("answer", ["ok", "klopt"])
async def test_an_ok_read_from_the_backlog_after_a_restart_still_confirms(
    tmp_path: Path, answer: str
) -> None:
    """The bot was down for twenty minutes; on its return it reads the room's backlog:
    the liaison's "Goedemorgen" (09:40), her update (09:41) and her "ok" to its offer
    (09:42), all handled now. The "ok" is her next word after the offer, yet it recorded
    nothing, without a word: `wrote_since` compared the handling time of her earlier
    "Goedemorgen" (now) with the offer's time (the update's own, 09:41), so a message
    written before the offer counted as talking past it (review7)."""
    database = await storm_database(tmp_path / "late.db", [(LIAISON, "liaison", "GGD")])
    start = datetime.now(UTC) - timedelta(minutes=20)
    async with database.transaction() as session:  # bound before the bot went down
        await session.execute(update(RoomBinding).values(bound_at=start - timedelta(days=1)))
    times = iter(start + timedelta(minutes=n) for n in range(10))
    chat = CoreChat(database, clock=lambda: next(times))
    try:
        await chat.handle(LIAISON, ALICE, "Goedemorgen allemaal")
        _, offered = await chat.handle(LIAISON, ALICE, UPDATE)
        assert offered is not None and "ja" in texts(offered[0])
        _, result = await chat.handle(LIAISON, ALICE, answer)
        assert result is not None and "vastgelegd" in texts(result[0]), "the yes was lost"
        assert len(await chat.entries()) == 1
    finally:
        await database.close()


@pytest.mark.parametrize("answer", ["ok", "klopt", "ja"])
async def test_an_ok_after_correcting_the_offered_update_confirms(
    chat: CoreChat, answer: str
) -> None:
    """The liaison corrects a typo in her update (an edit of the offered message) and then
    says "ok" to the offer: the edit is no talking past it (review7)."""
    update, offered = await chat.handle(LIAISON, ALICE, UPDATE)
    assert offered is not None
    await chat.send_event(LIAISON, ALICE, "* " + UPDATE + "!", kind="edit", replaces=update)
    _, result = await chat.handle(LIAISON, ALICE, answer)
    assert result is not None and "vastgelegd" in texts(result[0]), "the yes was lost"
    assert len(await chat.entries()) == 1


@pytest.mark.parametrize("answer", ["ja👍", "Ok👍🏻", "graag👍"])
async def test_a_yes_with_a_thumb_typed_against_it_records_the_offer(
    chat: CoreChat, answer: str
) -> None:
    """ "ja 👍" confirmed, "ja👍" (a phone keyboard puts no space before an emoji) was no
    yes at all and got no answer: the update was lost without a word (review7)."""
    _, offered = await chat.handle(LIAISON, ALICE, UPDATE)
    assert offered is not None
    _, result = await chat.handle(LIAISON, ALICE, answer)
    assert result is not None and "vastgelegd" in texts(result[0]), f"{answer!r}: no word"
    assert len(await chat.entries()) == 1
