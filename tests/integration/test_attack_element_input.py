"""Against a real Synapse, as Element sends it (outside tester, session 14).

- A coordinator who addresses the bot with its pill ("knooppunt: !beeld", the bot in
  `m.mentions`, a link in `formatted_body`) got no answer at all.
- A liaison's `⚠️ Ernst: extreem` line (a template's emoji) made an extreme report
  "unknown": no coordinator alert.
- Deleting an `!actie klaar A-1` message left the action closed without a word.
"""

from __future__ import annotations

import pytest

from tests.conftest import World
from tests.integration.test_edit_trust import _bound_rooms, _entries
from tests.support.live import ask

pytestmark = pytest.mark.integration


def _pill(bot: str, command: str) -> dict[str, object]:
    name = bot.split(":")[0].lstrip("@")
    return {
        "format": "org.matrix.custom.html",
        "formatted_body": f'<a href="https://matrix.to/#/{bot}">{name}</a>: {command}',
        "m.mentions": {"user_ids": [bot]},
    }


async def test_element_input_is_read_as_meant(world: World) -> None:
    admin, liaison, room, coord = await _bound_rooms(world)
    bot = world.bot_user
    name = bot.split(":")[0].lstrip("@")

    # The pill before a command: answered with the picture.
    asked = await admin.send(coord, f"{name}: !beeld", extra=_pill(bot, "!beeld"))
    assert await admin.wait_until(lambda: bool(admin.replies_to(asked, bot)))
    assert "storm" in admin.replies_to(asked, bot)[0].body

    # An emoji before the severity line: extreme, and the coordinators are alerted.
    body = "!melding water\n⚠️ Ernst: extreem\n📍 gemeente: Dordrecht\nDijk doorgebroken."
    told = await ask(liaison, room, body, bot)
    assert "Ernst: extreem" in told, told
    (entry,) = _entries(world)
    assert entry["severity"] == "Extreme"
    assert await admin.wait_until(
        lambda: any("Extreme melding" in s.body for s in admin.from_sender(bot, coord))
    )

    # An action closed and the closing message deleted: open again, and said.
    action = "!actie Zandzakken naar de dijk\neigenaar: GGD\ndeadline: morgen 9 uur"
    assert "A-1" in await ask(admin, coord, action, bot)
    done = await admin.send(coord, "!actie klaar A-1")
    assert await admin.wait_until(lambda: bool(admin.replies_to(done, bot)))
    assert "Zandzakken" not in await ask(admin, coord, "!acties", bot)
    await admin.client.room_redact(coord, done, reason="verkeerde actie")
    assert await admin.wait_until(
        lambda: any("Weer open: A-1" in s.body for s in admin.from_sender(bot, coord))
    )
    assert "Zandzakken" in await ask(admin, coord, "!acties", bot)
