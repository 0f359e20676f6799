"""An unreadable identity pin file fails closed (helper leftovers12, gap 4 of session 15).

The pins are what keeps an identity reset (only a password needed) from getting room
keys. Starting afresh in memory when `identities.json` cannot be read would pin whatever
master key the homeserver shows now, an attacker's reset included. So while the file is
unreadable (corrupt, or gone after it was read) nobody's identity is trusted: no room
keys, no messages acted on, a loud log line, and no "identity changed" notices (nobody's
identity changed); once the file is readable again the running bot reads it and judges
every device again."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

from bot.cross_signing import CrossSigningKeys, KeysApi, single_ed25519
from bot.device_trust import DeviceTrust
from bot.identity_pins import PIN_FILE_NAME, IdentityPins
from tests.unit.test_cross_signing import PARTNER, FakeClient, chain, device_keys, olm_device


def test_a_corrupt_pin_file_trusts_no_identity(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / PIN_FILE_NAME
    path.write_text("{not json", encoding="utf-8")
    pins = IdentityPins(path)
    assert not pins.holds(PARTNER, "a2V5")  # not pinned afresh: it may be a reset
    assert not pins.holds(PARTNER, "a2V5")
    assert path.read_text(encoding="utf-8") == "{not json"  # for the operator to repair
    assert "UNREADABLE" in caplog.text


def test_a_pin_file_that_vanishes_is_not_started_afresh(tmp_path: Path) -> None:
    path = tmp_path / PIN_FILE_NAME
    pins = IdentityPins(path)
    assert pins.holds(PARTNER, "a2V5")
    path.unlink()
    pins.refresh()
    assert not pins.holds(PARTNER, "ZXZpbA")  # the attacker's key is not pinned now
    assert not path.exists()


async def _trust(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, keys: CrossSigningKeys
) -> tuple[Any, DeviceTrust]:
    data = chain(keys, device_keys(PARTNER, "OWN", "b3du"))

    async def answer(self: KeysApi, users: list[str]) -> dict[str, Any]:
        return data

    monkeypatch.setattr(KeysApi, "query", answer)
    client = FakeClient([olm_device("OWN", "b3du")])
    trust = DeviceTrust(client, "cross-signed", IdentityPins(tmp_path / PIN_FILE_NAME))  # type: ignore[arg-type]
    return client, trust


async def test_while_the_pin_file_is_unreadable_no_device_is_trusted_and_none_announced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    path = tmp_path / PIN_FILE_NAME
    path.write_text("[broken", encoding="utf-8")
    keys = CrossSigningKeys.generate(PARTNER)
    client, trust = await _trust(tmp_path, monkeypatch, keys)
    announced: list[str] = []

    async def announce(user_id: str, master: str) -> None:
        announced.append(user_id)

    trust.on_identity_changed = announce
    await trust.check([PARTNER])
    await trust.check([PARTNER])
    assert client.olm.verified == set() and "OWN" in client.olm.blacklisted
    assert announced == []  # the file is broken, not their identity
    assert "IDENTITY PINS UNREADABLE" in caplog.text
    assert caplog.text.count("IDENTITY PINS UNREADABLE") == 1  # loud, not every query
    assert path.read_text(encoding="utf-8") == "[broken"

    # The operator restores the file from the backup: the running bot sees the change
    # after its next sync and trusts the device again, no restart.
    master = single_ed25519(keys.key_object("master"))
    assert master is not None
    path.with_name("restored").write_text(json.dumps({PARTNER: master}), encoding="utf-8")
    path.with_name("restored").replace(path)
    assert trust.pins.changed()
    await trust.reread_pins()
    assert client.olm.verified == {"OWN"}
