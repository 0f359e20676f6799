"""Against a real Synapse: a report sent as a photo's caption is recorded (it was
silently dropped: the bot read only text, notice and emote messages)."""

from __future__ import annotations

import pytest

from tests.conftest import World
from tests.integration.test_edit_trust import _bound_rooms, _entries

pytestmark = pytest.mark.integration

# An encrypted room's image carries its (encrypted) file's key, as clients upload it.
KEY = {"kty": "oct", "key_ops": ["encrypt", "decrypt"], "alg": "A256CTR", "k": "a", "ext": True}
FILE = {
    "url": "mxc://localhost/dijk",
    "key": KEY,
    "iv": "AAAA",
    "hashes": {"sha256": "x"},
    "v": "v2",
}
REPORT = "!melding water\ngemeente: Zwolle\nernst: extreem\nDijk doorgebroken, zie foto."


async def test_a_report_in_a_photo_caption_is_recorded(world: World) -> None:
    _admin, liaison, room, _coord = await _bound_rooms(world, encrypted=True)
    photo = await liaison.send(
        room,
        REPORT,
        msgtype="m.image",
        extra={"filename": "dijk.jpg", "file": FILE, "info": {"w": 1}},
    )
    assert await liaison.wait_until(lambda: bool(liaison.replies_to(photo, world.bot_user)))
    told = "\n".join(s.body for s in liaison.replies_to(photo, world.bot_user))
    assert "vastgelegd" in told and "dijk.jpg" in told, told
    (entry,) = _entries(world)
    assert entry["severity"] == "Extreme", dict(entry)
