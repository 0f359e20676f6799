"""Against a real Synapse and a real PostgreSQL (session 14, attack8), as people use it.

- A message holding JSON's `\\u0000` reaches the bot (Synapse hands the body on as it
  came), and PostgreSQL text cannot hold a NUL: a liaison's free-text update and a
  coordinator's decision holding one were answered "Er ging bij mij iets mis … er is
  niets opgeslagen", every time they were sent again (tests/unit/test_attack_nul_text.py).
- A liaison room bound without `org=`: its first report made every `!beeld` of the
  incident fail (tests/unit/test_attack_no_organisation.py).
"""

from __future__ import annotations

import pytest

from tests.conftest import World
from tests.support.human import Human
from tests.support.live import ask, room_with
from tests.support.postgres import Postgres

pytestmark = [pytest.mark.integration, pytest.mark.postgres]


async def _rooms(
    world: World, postgres: Postgres, liaison_org: str
) -> tuple[Human, Human, str, str]:
    """The bot on a PostgreSQL database; a liaison room and a coordination room of the
    incident storm, bound by the admin in chat."""
    admin = await world.human("admin")
    liaison = await world.human("liaison")
    bot = world.bot(
        KNOOPPUNT_ADMINS=admin.client.user_id, KNOOPPUNT_DATABASE_URL=postgres.create_database()
    )
    bot.start()
    room = await room_with(world, admin, [liaison], "GGD")
    coord = await room_with(world, admin, [], "Coördinatie")
    assert "geopend" in await ask(admin, room, "!incident open storm Storm", world.bot_user)
    for where, binding in (
        (room, f"incident=storm {liaison_org} rol=liaison"),
        (coord, "incident=storm org=VR rol=coordinator"),
    ):
        assert "gekoppeld" in await ask(admin, where, f"!kamer koppel {binding}", world.bot_user)
    return admin, liaison, room, coord


async def test_a_message_with_a_nul_is_kept_on_postgresql(world: World, postgres: Postgres) -> None:
    admin, liaison, room, coord = await _rooms(world, postgres, "org=GGD")
    update = await ask(liaison, room, "Update: dijk\x00 bij Papendrecht houdt het", world.bot_user)
    assert "iets mis" not in update and "ja" in update.lower(), update
    decision = await ask(admin, coord, "!besluit Dijkvak\x00 12 dicht", world.bot_user)
    assert "iets mis" not in decision and "B-1" in decision, decision


async def test_a_report_from_a_room_without_organisation_leaves_the_picture_whole(
    world: World, postgres: Postgres
) -> None:
    admin, liaison, room, coord = await _rooms(world, postgres, "")
    report = "!melding opvang\ngemeente: Dordrecht\nSporthal De Schans open als noodopvang."
    assert "vastgelegd" in await ask(liaison, room, report, world.bot_user)
    picture = await ask(admin, coord, "!beeld", world.bot_user)
    assert "Sporthal De Schans" in picture, picture
