"""A direct chat made a group, against real Synapse (helper "attack6", session 13).

Anna asks the bot a question in a direct chat (created with `is_direct`); the store has
no sure answer, so it goes to the curators. Before the answer, Anna invites Carla into
the chat. The curators' answer was judged as the chat's own post (a direct chat's
question has no audience but its asker) and went to Carla too. A direct chat with
anyone beside the bot and its one person is now judged as a public room: the curator
is told the answer was not sent, and the question stays open.
"""

from __future__ import annotations

import asyncio
import re

import pytest

from tests.conftest import World
from tests.integration.test_answers_learn import WATER_1
from tests.integration.test_knowledge_flow import ask, import_sample
from tests.support.human import Human

pytestmark = pytest.mark.integration


async def direct_question_to_the_curators(
    world: World, admin: Human, anna: Human, curator: Human
) -> tuple[str, str, str]:
    """The bot started with the sample store, a curator room bound by `admin` with
    `curator` in it, and Anna's question in a direct chat that the store cannot answer
    surely: (curator room, direct chat, the open question's code)."""
    bot_user = world.bot_user
    bot = world.bot(KNOOPPUNT_ADMINS=admin.client.user_id)
    import_sample(bot.workdir)
    bot.start()

    desk = await admin.create_room(invite=[bot_user, curator.client.user_id], name="Redactie")
    await admin.wait_joined(desk, bot_user)
    await curator.client.join(desk)
    _, bound = await ask(
        admin, desk, "!kamer koppel rol=curator org=KCIO tlp=green clearance=amber", bot_user
    )
    assert "Kamer gekoppeld" in bound

    chat = await anna.create_room(invite=[bot_user], direct=True, name="")
    await anna.wait_joined(chat, bot_user)
    _, told = await ask(anna, chat, f"!vraag {WATER_1}", bot_user)
    match = re.search(r"\bV(\d+)\b", told)
    assert match and "geen zeker antwoord" in told, told
    return desk, chat, f"V{match.group(1)}"


async def test_an_answer_does_not_reach_a_third_person_in_a_direct_chat(world: World) -> None:
    admin = await world.human("admin")
    anna, carla = await world.human("anna"), await world.human("carla")
    curator = await world.human("redacteur")
    bot_user = world.bot_user
    desk, chat, code = await direct_question_to_the_curators(world, admin, anna, curator)

    await anna.client.room_invite(chat, carla.client.user_id)
    await carla.client.join(chat)
    await anna.wait_joined(chat, carla.client.user_id)
    # The bot's sync sees Carla's join (its reply to anything in the chat comes after it).
    await ask(anna, chat, "!help", bot_user)

    _, confirm = await ask(curator, desk, f"!antwoord {code} Bij de kazernes.", bot_user)
    assert "Niet verstuurd" in confirm and "openbare kamer" in confirm, confirm
    await asyncio.sleep(2)
    assert not [s for s in carla.from_sender(bot_user, chat) if "kazernes" in s.body]
