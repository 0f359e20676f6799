"""attack10's open points on device trust (helper e2ee2): under `tofu` the bot's own other
devices got room keys; an identity accepted by `knooppunt crypto accept-identity` took
effect only after a restart, and bot and command could overwrite each other's pins."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from nio.crypto.device import OlmDevice

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


async def test_tofu_never_gives_room_keys_to_the_bots_other_devices(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    other_own = OlmDevice(USER, "STALE", {"ed25519": "c3RhbGU", "curve25519": "Y3Vy"})
    partner = olm_device("ANY", "YW55")

    async def answer(self: KeysApi, users: list[str]) -> dict[str, Any]:
        return {"device_keys": {}}

    monkeypatch.setattr(KeysApi, "query", answer)
    client = FakeClient([other_own, partner])
    client.olm.blacklisted.add("STALE")  # left from a run under cross-signed
    trust = DeviceTrust(client, "tofu")  # type: ignore[arg-type]
    await trust.start()
    assert "STALE" in client.olm.blacklisted, "tofu lifted the blacklist of the bot's own device"
    client.olm.blacklisted.clear()
    await trust.check([USER, PARTNER])
    assert "STALE" in client.olm.blacklisted  # a newly seen own device: never trusted
    assert "ANY" not in client.olm.blacklisted  # everyone else: trust on first use


async def test_an_accepted_identity_is_trusted_without_a_restart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = CrossSigningKeys.generate(PARTNER), CrossSigningKeys.generate(PARTNER)
    own = olm_device("OWN", "b3du")
    answers = {"data": chain(first, device_keys(PARTNER, "OWN", "b3du"))}

    async def answer(self: KeysApi, users: list[str]) -> dict[str, Any]:
        return answers["data"]

    monkeypatch.setattr(KeysApi, "query", answer)
    client = FakeClient([own])
    path = tmp_path / PIN_FILE_NAME
    trust = DeviceTrust(client, "cross-signed", IdentityPins(path))  # type: ignore[arg-type]
    await trust.check([PARTNER])
    answers["data"] = chain(second, device_keys(PARTNER, "OWN", "b3du"))
    await trust.check([PARTNER])
    assert client.olm.verified == set()

    # The operator accepts (what `knooppunt crypto accept-identity` does, another process).
    assert IdentityPins(path).forget(PARTNER)
    # No key query needed: the running bot notices the changed file and judges again.
    await trust.reread_pins()
    assert client.olm.verified == {"OWN"}


def test_the_bot_and_the_command_do_not_overwrite_each_others_pins(tmp_path: Path) -> None:
    path = tmp_path / PIN_FILE_NAME
    bot = IdentityPins(path)
    assert bot.holds(PARTNER, "old-key")
    command = IdentityPins(path)
    assert command.forget(PARTNER)  # the operator accepts her new identity
    # The bot, which read the file before, pins someone else: the forgotten pin stays gone.
    assert bot.holds("@other:example.org", "other-key")
    stored = json.loads(path.read_text(encoding="utf-8"))
    assert PARTNER not in stored and stored["@other:example.org"] == "other-key"


def test_a_change_on_disk_stays_noticed_until_acted_on(tmp_path: Path) -> None:
    """A key query (which re-reads the pins) or a pin of the bot's own between the
    operator's change and the next sync must not hide the change: only judging every
    device again (`reread_pins`) acknowledges it."""
    path = tmp_path / PIN_FILE_NAME
    bot = IdentityPins(path)
    assert bot.holds(PARTNER, "old-key")
    assert not bot.changed()
    assert IdentityPins(path).forget(PARTNER)  # the operator, another process
    bot.refresh()  # a key query for someone else re-reads the file
    assert bot.holds("@other:example.org", "other-key")  # and pins someone
    assert bot.changed()
    bot.acknowledge()
    assert not bot.changed()
