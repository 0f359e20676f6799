"""An asker who left their direct chat before the answer, against real Synapse (note13).

Anna asks in a direct chat; the store has no sure answer, so it goes to the curators.
Anna leaves the chat. The curators' answer used to go into the empty chat while the
curator read "verstuurd naar @anna". Now the bot reads the live room state (nio, after
its sync saw the leave): the curator is told Anna left and that the answer is kept;
when Anna opens a new direct chat with the bot and writes, the answer reaches her there.
"""

from __future__ import annotations

import asyncio

import pytest

from tests.conftest import World
from tests.integration.test_attack_direct_chat_group import direct_question_to_the_curators
from tests.integration.test_knowledge_flow import ask

pytestmark = pytest.mark.integration


async def test_an_answer_waits_for_an_asker_who_left_and_reaches_her_later(
    world: World,
) -> None:
    admin = await world.human("admin")
    anna = await world.human("anna")
    curator = await world.human("redacteur")
    bot_user = world.bot_user
    desk, chat, code = await direct_question_to_the_curators(world, admin, anna, curator)

    await anna.client.room_leave(chat)
    await asyncio.sleep(3)  # the bot's sync sees the leave

    _, confirm = await ask(curator, desk, f"!antwoord {code} Bij de kazernes.", bot_user)
    assert "verlaten" in confirm and "bewaard" in confirm, confirm
    assert f"verstuurd naar {anna.client.user_id}" not in confirm.replace("Niet verstuurd", "")

    again = await anna.create_room(invite=[bot_user], direct=True, name="")
    await anna.wait_joined(again, bot_user)
    await anna.send(again, "Hallo, ik ben er weer. Is er al nieuws over mijn vraag?")
    assert await anna.wait_until(
        lambda: any("kazernes" in s.body for s in anna.from_sender(bot_user, again)), 60
    ), [s.body for s in anna.from_sender(bot_user, again)]
