"""`org:` of a room in the configuration file: an organisation name longer than its
column (200 characters) is refused when the file is read, with the rule said, as
`!kamer bind` refuses it; before, the binding failed on PostgreSQL at startup."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings
from commands.i18n import said


def test_an_org_name_over_the_limit_is_refused_at_load(tmp_path: Path) -> None:
    config = tmp_path / "k.yaml"
    config.write_text(f"rooms: [{{room: '!a:x', role: liaison, org: '{'x' * 201}'}}]\n")
    with pytest.raises(ConfigError) as info:
        load_settings(config)
    message = said("en", info.value)
    assert message.startswith("config error: rooms.0.org"), message
    assert "200" in message, message
    assert "200" in said("nl", info.value)


def test_an_org_name_at_the_limit_is_kept(tmp_path: Path) -> None:
    config = tmp_path / "k.yaml"
    name = "é" * 200  # characters, not bytes
    config.write_text(f"rooms: [{{room: '!a:x', role: liaison, org: '{name}'}}]\n")
    (room,) = load_settings(config).rooms
    assert room.org == name
