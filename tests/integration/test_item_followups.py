"""Against real Synapse: a reply to the bot's CONFIRMATION of a report is a follow-up of
that report's situation item (issue 12: "a reply to the report or to the bot's
confirmation"), also when the client quotes the confirmation in the body (the reply
fallback older clients still send)."""

from __future__ import annotations

import pytest

from tests.conftest import World
from tests.integration.test_picture_scenario import _attention
from tests.integration.test_situation_entries import _setup
from tests.support.live import ask as _ask
from tests.support.live import send_report

pytestmark = pytest.mark.integration


async def test_a_reply_to_the_confirmation_updates_the_item(world: World) -> None:
    _admin, liaison, coordinator, room, coord_room = await _setup(world)
    bot = world.bot_user
    _, confirmation, severe = await send_report(
        liaison,
        room,
        "!melding stroom\ngemeente: Zwijndrecht\nernst: ernstig\ntlp: green\n"
        "Verpleeghuis zonder stroom, 40 bewoners",
        bot,
    )

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
