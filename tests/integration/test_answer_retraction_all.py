"""A curator deletes an `!antwoord` that reached two askers in one room (leftovers13).

The retraction (commands/answer_retraction.py) queued one redaction per answered
question, each naming only the deleted command and the room; the sender took back
"the bot's first reply to the command in that room" for each. With two askers in the
same municipality room (a question linked to another) both redactions hit the first
answer and the second asker kept the wrong answer on the homeserver. Each redaction
now names the reply it takes back.
"""

from __future__ import annotations

import asyncio
import re

import pytest

from tests.conftest import World
from tests.integration.test_attack13_qa_remedy import _town_and_desk
from tests.integration.test_knowledge_flow import ask
from tests.support.human import Human

pytestmark = pytest.mark.integration

FIRST = "Mag mijn dementerende moeder mee naar de noodopvang in de Vlinderhal?"
SECOND = "Mag mijn dementerende vader mee naar de noodopvang in de Vlinderhal?"


async def _gone(human: Human, room: str, event_id: str) -> bool:
    for _ in range(100):
        event = await human.client.room_get_event(room, event_id)
        if not getattr(event, "event", None) or not event.event.source.get("content"):
            return True
        await asyncio.sleep(0.2)
    return False


async def test_a_deleted_answer_is_taken_back_from_both_askers_in_one_room(world: World) -> None:
    admin, anna, curator, town, desk = await _town_and_desk(world, sample_store=False)
    bot_user = world.bot_user
    piet = await world.human("piet")
    await admin.client.room_invite(town, piet.client.user_id)
    await piet.client.join(town)
    asked_a, told_a = await ask(anna, town, f"!vraag {FIRST}", bot_user)
    code = re.search(r"\bV\d+\b", told_a)
    assert code is not None, told_a
    asked_p, told_p = await ask(piet, town, f"!vraag {SECOND}", bot_user)
    assert code.group(0) in told_p, told_p  # linked: one answer reaches both
    command, _ = await ask(curator, desk, f"!antwoord {code.group(0)} Nee, dat mag niet.", bot_user)

    def answers(asked: str, word: str) -> list[str]:
        return [s.event_id for s in anna.replies_to(asked, bot_user) if word in s.body]

    assert await anna.wait_until(
        lambda: bool(answers(asked_a, "dat mag niet")) and bool(answers(asked_p, "dat mag niet"))
    )
    wrong = [*answers(asked_a, "dat mag niet"), *answers(asked_p, "dat mag niet")]
    assert len(wrong) == 2, wrong
    await curator.client.room_redact(desk, command, reason="verkeerd antwoord")
    assert await anna.wait_until(lambda: len(answers(asked_p, "ingetrokken")) == 1)
    for event_id in wrong:
        assert await _gone(anna, town, event_id), event_id
