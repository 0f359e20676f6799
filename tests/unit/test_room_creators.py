"""Room version 12's creators hold unlimited power without a line in m.room.power_levels
(bot/room_state.py); the real-Synapse test is tests/integration/test_attack_room_v12_creator.py."""

from __future__ import annotations

from typing import Any

from bot.room_state import CREATOR_POWER, creators_of


def _create(version: str, **content: Any) -> dict[str, Any]:
    return {
        "type": "m.room.create",
        "state_key": "",
        "sender": "@owner:x",
        "content": {"room_version": version, **content},
    }


def test_version_12_creators_are_the_sender_and_the_additional_creators() -> None:
    event = _create("12", additional_creators=["@deputy:x", 7])
    assert creators_of(event) == {"@owner:x", "@deputy:x"}


def test_older_versions_have_no_privileged_creators() -> None:
    assert creators_of(_create("11")) is None
    assert creators_of({**_create("12"), "type": "m.room.name"}) is None


def test_a_creator_outranks_any_level_a_room_can_set() -> None:
    assert CREATOR_POWER > 2**53 - 1
