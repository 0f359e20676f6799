"""A municipality withdraws its question by redacting it, against real Synapse (session 10).

The asker is told, the curators are told (and the bot redacts its post that quoted the
question), `!vragen` no longer lists it, and a curator's later `!antwoord` is refused
and reaches nobody. Unit-level cases: tests/unit/test_question_redaction.py.
"""

from __future__ import annotations

import asyncio
import re

import pytest
from nio import RoomGetEventResponse, RoomRedactResponse

from tests.conftest import World

pytestmark = pytest.mark.integration

QUESTION = "!vraag Mag de hond van mevrouw Pietersen mee naar de noodopvang in sporthal Kievit?"


async def test_a_redacted_question_is_withdrawn_and_its_answer_refused(world: World) -> None:
    admin = await world.human("admin")
    town = await world.human("gemeente")
    curator = await world.human("redacteur")
    bot_user = world.bot_user
    world.bot(KNOOPPUNT_ADMINS=admin.client.user_id).start()

    town_room = await admin.create_room(invite=[bot_user, town.user_id], name="Gemeente Dordrecht")
    desk = await admin.create_room(invite=[bot_user, curator.user_id], name="Redactie")
    for room, human in ((town_room, town), (desk, curator)):
        await admin.wait_joined(room, bot_user)
        await human.client.join(room)
    bind = '!kamer koppel rol=municipality org="Gemeente Dordrecht" tlp=green clearance=green'
    assert "Kamer gekoppeld" in await admin.say(town_room, bind, bot_user)
    bind = "!kamer koppel rol=curator org=KCIO tlp=green clearance=amber"
    assert "Kamer gekoppeld" in await admin.say(desk, bind, bot_user)
    await asyncio.sleep(0.5)

    asked = await town.send(town_room, QUESTION)
    await town.expect(lambda: bool(town.replies_to(asked, bot_user)))
    told = "\n".join(s.body for s in town.replies_to(asked, bot_user))
    match = re.search(r"\bV(\d+)\b", told)
    assert match, told
    code = f"V{match.group(1)}"

    def posted() -> list[str]:
        return [
            s.event_id
            for s in curator.from_sender(bot_user, desk)
            if f"Open vraag {code}" in s.body and "Pietersen" in s.body
        ]

    await curator.expect(lambda: bool(posted()))
    assert code in await curator.say(desk, "!vragen", bot_user)

    # The municipality redacts its question.
    redacted = await town.client.room_redact(town_room, asked, reason="verkeerde kamer")
    assert isinstance(redacted, RoomRedactResponse), redacted
    await town.expect(
        lambda: any("ingetrokken" in s.body for s in town.replies_to(redacted.event_id, bot_user))
    )
    await curator.expect(
        lambda: any(
            f"Vraag {code} is ingetrokken" in s.body for s in curator.from_sender(bot_user, desk)
        )
    )
    # The bot took back its post that quoted the question.
    (post,) = posted()
    for _ in range(100):
        event = await curator.client.room_get_event(desk, post)
        assert isinstance(event, RoomGetEventResponse), event
        if not event.event.source.get("content"):
            break
        await asyncio.sleep(0.2)
    assert not event.event.source.get("content"), event.event.source

    # The curators' list no longer shows it, and an answer is refused.
    listed = await curator.say(desk, "!vragen", bot_user)
    assert "Geen open vragen" in listed and "Pietersen" not in listed, listed
    refused = await curator.say(desk, f"!antwoord {code} Ja, honden mogen mee.", bot_user)
    assert f"Vraag {code} is ingetrokken" in refused, refused
    await asyncio.sleep(1.0)  # an answer (none expected) would have arrived by now
    assert not any("honden mogen mee" in s.body for s in town.from_sender(bot_user, town_room))
