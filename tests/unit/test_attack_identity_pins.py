"""A person's master key is pinned on first sight (bot/identity_pins.py): a new identity,
however well its chain holds, gets no room keys until an operator accepts it."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import Any

import pytest
from nio.crypto.device import OlmDevice

from bot.cli.crypto import run_crypto
from bot.config import Settings
from bot.cross_signing import CrossSigningKeys, KeysApi
from bot.device_trust import DeviceTrust
from bot.identity_pins import PIN_FILE_NAME, IdentityPins
from tests.unit.test_cross_signing import (
    PARTNER,
    USER,
    FakeClient,
    chain,
    device_keys,
    olm_device,
)


async def test_a_new_master_key_is_not_trusted_until_accepted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    first, second = CrossSigningKeys.generate(PARTNER), CrossSigningKeys.generate(PARTNER)
    own = olm_device("OWN", "b3du")
    answers = {"data": chain(first, device_keys(PARTNER, "OWN", "b3du"))}

    async def answer(self: KeysApi, users: list[str]) -> dict[str, Any]:
        return answers["data"]

    monkeypatch.setattr(KeysApi, "query", answer)
    client = FakeClient([own])
    trust = DeviceTrust(client, "cross-signed", IdentityPins(tmp_path / PIN_FILE_NAME))  # type: ignore[arg-type]
    await trust.check([PARTNER])
    assert client.olm.verified == {"OWN"}

    # Reset with her password: a new master key signs the attacker's device.
    attacker = olm_device("EVIL", "ZXZpbA")
    client.device_store.devices.append(attacker)
    answers["data"] = chain(second, device_keys(PARTNER, "EVIL", "ZXZpbA"))
    await trust.check([PARTNER])
    assert client.olm.verified == set() and {"OWN", "EVIL"} <= client.olm.blacklisted
    assert caplog.text.count("IDENTITY CHANGED") == 1
    await trust.check([PARTNER])
    assert caplog.text.count("IDENTITY CHANGED") == 1  # said once, not after every query

    # A restarted bot reads the pin from its data directory: still not trusted.
    again = DeviceTrust(client, "cross-signed", IdentityPins(tmp_path / PIN_FILE_NAME))  # type: ignore[arg-type]
    await again.check([PARTNER])
    assert "EVIL" not in client.olm.verified

    # The operator checked the new key with her and accepts it.
    settings = Settings(data_dir=tmp_path, language="en")
    assert run_crypto(settings, argparse.Namespace(action="accept-identity", user=PARTNER)) == 0
    await again.check([PARTNER])
    assert client.olm.verified == {"EVIL"}
    assert run_crypto(settings, argparse.Namespace(action="accept-identity", user="@x:y")) == 1


def test_an_unreadable_pin_file_is_left_alone(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / PIN_FILE_NAME
    path.write_text("{not json", encoding="utf-8")
    pins = IdentityPins(path)
    assert not pins.holds(PARTNER, "a2V5")  # fails closed (test_identity_pins_unreadable.py)
    assert path.read_text(encoding="utf-8") == "{not json"  # for the operator to repair
    assert "UNREADABLE" in caplog.text


async def test_another_device_of_the_bots_own_account_is_never_trusted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """nio forwards any room key to the bot's own verified devices on request: one signed
    with the bot's cross-signing keys (or keys someone with its password put there) must
    stay blacklisted."""
    own = CrossSigningKeys.generate(USER)
    other = OlmDevice(USER, "OTHER", {"ed25519": "b3RoZXI", "curve25519": "Y3Vy"})
    data = chain(own, device_keys(USER, "OTHER", "b3RoZXI"))

    async def answer(self: KeysApi, users: list[str]) -> dict[str, Any]:
        return data

    monkeypatch.setattr(KeysApi, "query", answer)
    client = FakeClient([other])
    trust = DeviceTrust(client, "cross-signed")  # type: ignore[arg-type]
    await trust.check([USER])
    assert client.olm.verified == set() and client.olm.blacklisted == {"OTHER"}
