"""The Q&A the bot advises reaches the asker, against real Synapse (attack13).

A municipality asks under GREEN; then its room is made public (history readable by
anyone). A text answer takes the question's label and is refused, with the advice
"beantwoord hem met een Q&A van ten hoogste TLP:CLEAR". The curator sends a CLEAR Q&A.
On main the reply carried the question's GREEN label: a public room sees CLEAR only,
its own posts included, so the send-time check voided it (the asker got only the
neutral "not sent" notice), while the curator had been told "verstuurd" and the
question was closed. (A room merely cleared lower still sees its own question's label:
that case went through before too.)
"""

from __future__ import annotations

import asyncio
import re
import sqlite3

import pytest

from tests.conftest import World
from tests.integration.test_knowledge_flow import ask, import_sample
from tests.support.human import Human

pytestmark = pytest.mark.integration

QUESTION = "Hoeveel zandzakken krijgt Papendrecht vandaag?"
QA_ID = "demo-opvang-melden"


async def _town_and_desk(
    world: World, *, sample_store: bool
) -> tuple[Human, Human, Human, str, str]:
    """What both tests arrange: a bot (with the sample store or an empty one), Anna's
    municipality room bound GREEN and the curators' room, each joined by its person:
    (admin, anna, curator, town, desk)."""
    admin = await world.human("admin")
    anna, curator = await world.human("anna"), await world.human("redacteur")
    bot_user = world.bot_user
    bot = world.bot(KNOOPPUNT_ADMINS=admin.client.user_id)
    if sample_store:
        import_sample(bot.workdir)
    bot.start()
    town = await admin.create_room(invite=[bot_user, anna.client.user_id], name="Gemeente A")
    desk = await admin.create_room(invite=[bot_user, curator.client.user_id], name="Redactie")
    for room, human in ((town, anna), (desk, curator)):
        await admin.wait_joined(room, bot_user)
        await human.client.join(room)
    for room, binding in (
        (town, 'rol=municipality org="Gemeente A" tlp=green clearance=green'),
        (desk, "rol=curator org=KCIO tlp=green clearance=amber"),
    ):
        _, bound = await ask(admin, room, f"!kamer koppel {binding}", bot_user)
        assert "Kamer gekoppeld" in bound
    return admin, anna, curator, town, desk


async def test_the_advised_qa_reaches_a_room_whose_clearance_was_lowered(world: World) -> None:
    admin, anna, curator, town, desk = await _town_and_desk(world, sample_store=True)
    bot_user = world.bot_user
    asked, told = await ask(anna, town, f"!vraag {QUESTION}", bot_user)
    match = re.search(r"\bV(\d+)\b", told)
    assert match and "geen zeker antwoord" in told, told
    code = f"V{match.group(1)}"
    response = await admin.client.room_put_state(
        town, "m.room.history_visibility", {"history_visibility": "world_readable"}
    )
    assert getattr(response, "event_id", None), response
    assert await admin.wait_until(lambda: _public(world, town))
    await asyncio.sleep(0.5)

    _, refused = await ask(curator, desk, f"!antwoord {code} Bij de gemeentewerf.", bot_user)
    assert "Niet verstuurd" in refused and "qa=<id>" in refused, refused
    _, confirm = await ask(curator, desk, f"!antwoord {code} qa={QA_ID}", bot_user)
    assert f"Q&A {QA_ID} verstuurd naar" in confirm, confirm
    assert await anna.wait_until(
        lambda: any("Antwoord van de redactie" in s.body for s in anna.replies_to(asked, bot_user))
    ), [s.body for s in anna.replies_to(asked, bot_user)]


def _public(world: World, room: str) -> bool:
    with sqlite3.connect(world.bots[0].workdir / "knooppunt.db") as db:
        found = db.execute("SELECT public FROM rooms WHERE room_id = ?", (room,)).fetchone()
        return bool(found and found[0])


async def test_a_deleted_answer_is_taken_back_from_the_asker(world: World) -> None:
    """A curator deletes their `!antwoord` (commands/answer_retraction.py): the answer
    is redacted in the asker's room on the homeserver, the asker and the curator are
    told, and a new answer reaches the asker."""
    _, anna, curator, town, desk = await _town_and_desk(world, sample_store=False)
    bot_user = world.bot_user
    asked, told = await ask(anna, town, f"!vraag {QUESTION}", bot_user)
    code = re.search(r"\bV\d+\b", told)
    assert code is not None, told
    command, _ = await ask(curator, desk, f"!antwoord {code.group(0)} Geen, helaas.", bot_user)

    def answers(word: str) -> list[str]:
        return [s.event_id for s in anna.replies_to(asked, bot_user) if word in s.body]

    assert await anna.wait_until(lambda: bool(answers("Geen, helaas")))
    (wrong,) = answers("Geen, helaas")
    await curator.client.room_redact(desk, command, reason="verkeerd antwoord")
    assert await curator.wait_until(
        lambda: any("Antwoord ingetrokken" in s.body for s in curator.from_sender(bot_user, desk))
    )
    assert await anna.wait_until(lambda: bool(answers("ingetrokken")))
    for _ in range(100):
        event = await anna.client.room_get_event(town, wrong)
        if not getattr(event, "event", None) or not event.event.source.get("content"):
            break
        await asyncio.sleep(0.2)
    assert not event.event.source.get("content"), event.event.source
    await ask(curator, desk, f"!antwoord {code.group(0)} Vijftig per straat.", bot_user)
    assert await anna.wait_until(lambda: bool(answers("Vijftig per straat")))
