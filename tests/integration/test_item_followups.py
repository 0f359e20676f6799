"""Against real Synapse: a reply to the bot's CONFIRMATION of a report is a follow-up of
that report's situation item (issue 12: "a reply to the report or to the bot's
confirmation"), also when the client quotes the confirmation in the body (the reply
fallback older clients still send)."""

from __future__ import annotations

import re

import pytest

from tests.conftest import World
from tests.integration.test_picture_scenario import _attention
from tests.integration.test_situation_entries import _ask, _setup

pytestmark = pytest.mark.integration


async def test_a_reply_to_the_confirmation_updates_the_item(world: World) -> None:
    _admin, liaison, coordinator, room, coord_room = await _setup(world)
    bot = world.bot_user
    severe_event = await liaison.send(
        room,
        "!melding stroom\ngemeente: Zwijndrecht\nernst: ernstig\ntlp: green\n"
        "Verpleeghuis zonder stroom, 40 bewoners",
    )
    assert await liaison.wait_until(lambda: bool(liaison.replies_to(severe_event, bot)))
    confirmation = liaison.replies_to(severe_event, bot)[0]
    found = re.search(r"(M-\d+)", confirmation.body)
    assert found, confirmation.body
    severe = found.group(1)

    # A reply to the confirmation, without a quote: updates the item, keeps it severe.
    update = await _ask(
        liaison,
        room,
        "!melding stroom\ngemeente: Zwijndrecht\ntlp: green\nAggregaat onderweg",
        bot,
        extra={"m.relates_to": {"m.in_reply_to": {"event_id": confirmation.event_id}}},
    )
    assert f"vervolg op {severe}" in update and "Ernst: ernstig" in update, update
    picture = await _ask(coordinator, coord_room, "!beeld", bot)
    attention = _attention(picture)
    assert "Aggregaat onderweg" in attention and severe not in attention, picture

    # A reply to the confirmation with the quoted fallback in the body closes the item.
    quoted = "\n".join(f"> {line}" for line in confirmation.body.splitlines())
    closed = await _ask(
        liaison,
        room,
        f"> <{bot}> {quoted[2:]}\n\n"
        "!melding stroom\ngemeente: Zwijndrecht\nstatus: opgelost\ntlp: green\nStroom terug",
        bot,
        extra={"m.relates_to": {"m.in_reply_to": {"event_id": confirmation.event_id}}},
    )
    assert f"vervolg op {severe}" in closed, closed
    picture = await _ask(coordinator, coord_room, "!beeld", bot)
    assert _attention(picture) == "", picture
