"""The exactly-once core when a probe needs the homeserver (commands.context.FetchFirst,
bot/handling.process_message): the transaction is rolled back, the fetch runs with none
open, and the event is handled anew. Nothing may be handled, stored or answered twice,
whatever happens between the two transactions."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from commands.context import FETCHED, CommandSettings, EventFacts, FetchFirst
from storage.ids import RoomId, UserId
from tests.support.chat import CoreChat, texts
from tests.support.rooms import storm_database

REAL = RoomId("!real:x")
ALICE = UserId("@alice:x")
BOT = "@bot:x"
OFFER = "Dordrecht: 3 gewonden bij brand aan de Singel"


class Homeserver:
    """What the bot's event probe (bot/event_probe.py) does while an event is handled:
    asks for a fetch first, answers from it when the event is handled anew. `during`
    runs inside the fetch: what other events do between the two transactions."""

    def __init__(self) -> None:
        self.facts: dict[str, EventFacts] = {}
        self.fetches = 0
        self.during: list[object] = []

    async def probe(self, room_id: str, event_id: str) -> EventFacts | None:
        fetched = FETCHED.get()
        assert fetched is not None, "asked outside the core"
        key = ("event", room_id, event_id)
        if key not in fetched:

            async def fetch() -> None:
                self.fetches += 1
                for step in self.during:
                    await step()  # type: ignore[operator]
                fetched[key] = self.facts.get(event_id)

            raise FetchFirst(fetch)
        found = fetched[key]
        return found if isinstance(found, EventFacts) else None


@pytest.fixture
async def setup(tmp_path: Path) -> AsyncIterator[tuple[CoreChat, Homeserver]]:
    database = await storm_database(tmp_path / "fetch.db", [(REAL, "liaison", "GGD")])
    server = Homeserver()
    settings = CommandSettings(bot_user_id=BOT, events=server.probe)
    yield CoreChat(database, settings=settings), server
    await database.close()


async def _offer_sent_by_an_earlier_device(chat: CoreChat, server: Homeserver) -> str:
    """The liaison's free text, offered; the offer's echo never matched (an earlier
    device): a 👍 on it names an event the bot does not know, the homeserver does."""
    eid, result = await chat.handle(REAL, ALICE, OFFER)
    assert result is not None and "Vastleggen" in texts(result[0]), result
    server.facts["$old-offer"] = EventFacts(sender=BOT, in_reply_to=eid)
    return "$old-offer"


async def test_a_thumb_that_needs_the_homeserver_is_recorded_once(
    setup: tuple[CoreChat, Homeserver],
) -> None:
    chat, server = setup
    target = await _offer_sent_by_an_earlier_device(chat, server)
    thumb, result = await chat.react(REAL, ALICE, target)
    assert result is not None
    assert server.fetches == 1
    assert len(await chat.entries()) == 1, texts(result[0])
    assert len(result[0]) == 1, texts(result[0])
    # The same 👍 delivered again (a replayed batch): handled before.
    _, again = await chat.react(REAL, ALICE, target, event_id=thumb)
    assert again is None
    assert len(await chat.entries()) == 1


async def test_a_confirmation_between_the_two_transactions_is_the_only_one(
    setup: tuple[CoreChat, Homeserver],
) -> None:
    """While the 👍's transaction is rolled back and the fetch waits on the network, the
    liaison's `ja` (another event) records the offer: the 👍 handled anew finds it
    recorded, and stores no second entry."""
    chat, server = setup
    target = await _offer_sent_by_an_earlier_device(chat, server)

    async def liaison_says_yes() -> None:
        _, yes = await chat.handle(REAL, ALICE, "ja")
        assert yes is not None and len(await chat.entries()) == 1, texts(yes[0])

    server.during.append(liaison_says_yes)
    _, result = await chat.react(REAL, ALICE, target)
    assert result is not None
    assert len(await chat.entries()) == 1, texts(result[0])


async def test_the_event_itself_handled_between_the_two_transactions_is_not_handled_again(
    setup: tuple[CoreChat, Homeserver],
) -> None:
    """Another worker (a replayed batch) handles the very same 👍 while the fetch
    waits: the redo sees it handled and neither stores nor answers it again."""
    chat, server = setup
    target = await _offer_sent_by_an_earlier_device(chat, server)
    thumb = "$thumb"
    replies: list[object] = []

    async def same_event_elsewhere() -> None:
        server.during.clear()  # the other worker's own fetch does not recurse
        _, other = await chat.react(REAL, ALICE, target, event_id=thumb)
        replies.append(other)

    server.during.append(same_event_elsewhere)
    _, result = await chat.react(REAL, ALICE, target, event_id=thumb)
    assert replies and replies[0] is not None
    assert result is None  # handled before: no second reply
    assert len(await chat.entries()) == 1


async def test_an_event_that_asks_about_many_rooms_is_still_handled(
    setup: tuple[CoreChat, Homeserver], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A handler asks the homeserver once per room it judges (`!antwoord` to a group of
    questions asks, per asker's direct chat, whether they are still in it:
    commands/held_answers.asker_left; the member probe asks for a fetch per room not
    loaded). Each fetch makes progress; twelve askers are no loop. Process_message gave
    up after 8 fetches with a RuntimeError outside the batch errors: the event never
    handled, the answer never sent."""
    chat, server = setup
    for n in range(12):
        server.facts[f"$q{n}"] = EventFacts(sender=f"@asker{n}:x")
    handle = chat.dispatcher.handle

    async def asks_about_each(*args: object, **kwargs: object) -> object:
        for n in range(12):
            assert await server.probe(f"!dm{n}:x", f"$q{n}") is not None
        return await handle(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(chat.dispatcher, "handle", asks_about_each)
    _, result = await chat.handle(REAL, ALICE, "!melding zorg\ngemeente: Dordrecht\ngewonden: 4")
    assert result is not None
    assert server.fetches == 12
    assert len(await chat.entries()) == 1, texts(result[0])


async def test_a_probe_whose_fetch_keeps_nothing_is_refused_not_looped(
    setup: tuple[CoreChat, Homeserver], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A probe that asks for a fetch and keeps no answer would ask again on every redo:
    the core stops at once (nothing stored, nothing answered) instead of looping."""
    chat, _ = setup
    fetches: list[int] = []

    async def forgetful(*args: object, **kwargs: object) -> object:
        async def fetch() -> None:
            fetches.append(1)

        raise FetchFirst(fetch)

    monkeypatch.setattr(chat.dispatcher, "handle", forgetful)
    with pytest.raises(RuntimeError, match="kept no answer"):
        await chat.handle(REAL, ALICE, "!melding zorg\ngemeente: Dordrecht\ngewonden: 4")
    assert fetches == [1]
    assert await chat.entries() == []
