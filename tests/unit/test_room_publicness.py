"""One rule decides whether a room is public (sees CLEAR only): join rule, history, guests."""

from __future__ import annotations

import pytest
from nio import MatrixRoom

from bot.room_lifecycle import room_is_public
from storage import tlp


@pytest.mark.parametrize(
    ("join_rule", "history", "guests", "public"),
    [
        ("invite", "shared", "forbidden", False),
        # Synapse's private-chat preset: guests may join, but only with an invite.
        ("invite", "shared", "can_join", False),
        # Anyone in the allowed space joins without an invite, unvetted: a space the bot
        # cannot see into (a national crisis space holds every partner's staff).
        ("restricted", "joined", "forbidden", True),
        ("public", "shared", "forbidden", True),
        ("knock", "shared", "forbidden", True),
        ("knock_restricted", "shared", "forbidden", True),
        ("invite", "world_readable", "forbidden", True),
        ("restricted", "shared", "can_join", True),
        (None, None, None, False),
    ],
)
def test_is_public(
    join_rule: str | None, history: str | None, guests: str | None, public: bool
) -> None:
    assert tlp.is_public(join_rule, history, guests) is public


def test_live_room_state_uses_the_same_rule() -> None:
    room = MatrixRoom("!r:x", "@bot:x")
    assert not room_is_public(room) and not room_is_public(None)
    room.history_visibility = "world_readable"
    assert room_is_public(room)
    room.history_visibility = "shared"
    room.join_rule = "knock"
    assert room_is_public(room)
