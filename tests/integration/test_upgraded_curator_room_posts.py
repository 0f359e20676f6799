"""Posts for the curators follow their room's upgrade, against a real Synapse (session 17).

The homeserver's own upgrade (POST /rooms/{id}/upgrade) leaves the old room read-only
for ordinary members, the bot included, and the curators go on in the new room. With
`curator_room` naming the old room (the operator's configuration, not yet changed), a
question's notice for the curators (it names who asked) was queued to the old room and
sent there: refused by its power levels or read by nobody. Now it goes to the room that
replaced it, once the bot has joined it, and nothing goes to the old room."""

from __future__ import annotations

import asyncio

import pytest

from tests.conftest import World
from tests.integration.test_room_trust import _binding, _upgrade

pytestmark = pytest.mark.integration

QUESTION = "!vraag Mag de hond van mevrouw Pietersen mee naar de noodopvang in sporthal Kievit?"


async def test_a_question_after_the_upgrade_reaches_the_new_curator_room(world: World) -> None:
    admin = await world.human("admin")
    town = await world.human("gemeente")
    curator = await world.human("redacteur")
    bot_user = world.bot_user
    town_room = await admin.create_room(invite=[bot_user, town.user_id], name="Gemeente Dordrecht")
    desk = await admin.create_room(invite=[bot_user, curator.user_id], name="Redactie")
    bot = world.bot(KNOOPPUNT_ADMINS=admin.client.user_id, KNOOPPUNT_CURATOR_ROOM=desk)
    bot.start()
    for room, human in ((town_room, town), (desk, curator)):
        await admin.wait_joined(room, bot_user)
        await human.client.join(room)
    bind = '!kamer koppel rol=municipality org="Gemeente Dordrecht" tlp=green clearance=green'
    assert "Kamer gekoppeld" in await admin.say(town_room, bind, bot_user)
    bind = "!kamer koppel rol=curator org=KCIO tlp=green clearance=amber"
    assert "Kamer gekoppeld" in await admin.say(desk, bind, bot_user)

    new_desk = await asyncio.to_thread(_upgrade, world, admin, desk)
    await admin.client.room_invite(new_desk, bot_user)
    await admin.client.room_invite(new_desk, curator.user_id)
    await admin.wait_joined(new_desk, bot_user)
    await curator.client.join(new_desk)
    assert await admin.wait_until(lambda: _binding(world, new_desk) is not None, 30)
    before = len(curator.from_sender(bot_user, desk))

    asked = await town.send(town_room, QUESTION)
    await town.expect(lambda: bool(town.replies_to(asked, bot_user)))

    def posted(room: str) -> list[str]:
        return [s.body for s in curator.from_sender(bot_user, room) if "Pietersen" in s.body]

    assert await curator.wait_until(lambda: bool(posted(new_desk)), 30), bot.log()[-3000:]
    assert any("Open vraag" in body for body in posted(new_desk))
    await asyncio.sleep(1)
    assert posted(desk) == [] and len(curator.from_sender(bot_user, desk)) == before
