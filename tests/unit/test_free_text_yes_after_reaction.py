"""A reaction is no message (leftovers10): the "ok as the sender's next message" rule for
free-text offers (event_log.wrote_since) counted any event of the sender handled after
the offer, reactions too. A liaison who put 👀 on a colleague's message and then said
"ok" to the bot's offer had "talked past" it: the update was not recorded, no word."""

from __future__ import annotations

import pytest

from tests.support.chat import CoreChat, texts
from tests.unit.test_attack_formatting import ALICE, LIAISON, chat

__all__ = ["chat"]  # fixture, imported for pytest

UPDATE = "Dordrecht: nog 800 huishoudens zonder stroom"


@pytest.mark.parametrize("emoji", ["👀", "❤️"])
async def test_a_reaction_between_the_offer_and_the_ok_does_not_count(
    chat: CoreChat, emoji: str
) -> None:
    colleague, _ = await chat.handle(LIAISON, ALICE, "Goedemorgen allemaal")
    _, offered = await chat.handle(LIAISON, ALICE, UPDATE)
    assert offered is not None and "ja" in texts(offered[0])
    await chat.send_event(LIAISON, ALICE, emoji, kind="reaction", annotates=colleague)
    _, result = await chat.handle(LIAISON, ALICE, "ok")
    assert result is not None and "vastgelegd" in texts(result[0]), texts(
        result[0] if result else []
    )
    assert len(await chat.entries()) == 1
