"""Cross-signing and device trust without a homeserver: signatures are checked against
`signedjson` (an independent implementation), the key file stays private, and the
start-up decisions (create, reuse, reset, no password) are the documented ones."""

from __future__ import annotations

import asyncio
import logging
import stat
from pathlib import Path
from typing import Any

import nacl.signing
import pytest
from nio.crypto.device import OlmDevice
from signedjson.key import decode_verify_key_bytes
from signedjson.sign import sign_json, verify_signed_json
from unpaddedbase64 import decode_base64, encode_base64

from bot.cross_signing import (
    CrossSigningError,
    CrossSigningKeys,
    KeysApi,
    SigningKey,
    ensure_cross_signed,
    fingerprint,
    identity_from_query,
    verify_signature,
)
from bot.device_trust import DeviceTrust, device_cross_signed

USER = "@bot:example.org"
DEVICE = "BOTDEVICE"


def device_keys(user: str = USER, device: str = DEVICE, ed: str = "ZWQ") -> dict[str, Any]:
    return {
        "user_id": user,
        "device_id": device,
        "algorithms": ["m.olm.v1.curve25519-aes-sha2", "m.megolm.v1.aes-sha2"],
        "keys": {f"curve25519:{device}": "Y3Vy", f"ed25519:{device}": ed},
    }


def test_project_signature_verifies_with_signedjson() -> None:
    key = SigningKey.generate()
    signed = key.sign({**device_keys(), "unsigned": {"x": 1}}, USER)
    assert "unsigned" not in signed
    verify = decode_verify_key_bytes(f"ed25519:{key.public}", decode_base64(key.public))
    verify_signed_json(signed, USER, verify)  # raises when wrong


def test_signedjson_signature_verifies_with_project_code() -> None:
    other = nacl.signing.SigningKey.generate()
    public = encode_base64(other.verify_key.encode())
    other.alg, other.version = "ed25519", public  # type: ignore[attr-defined]
    signed = sign_json(device_keys(), USER, other)
    assert verify_signature(signed, USER, public)
    tampered = {**signed, "device_id": "OTHER"}
    assert not verify_signature(tampered, USER, public)
    assert not verify_signature(signed, "@someone:else", public)


def test_key_file_is_private_and_round_trips(tmp_path: Path) -> None:
    keys = CrossSigningKeys.generate(USER)
    path = tmp_path / "cross-signing.json"
    keys.save(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    loaded = CrossSigningKeys.load(path, USER)
    assert loaded is not None and loaded.master.public == keys.master.public
    assert CrossSigningKeys.load(path, "@other:example.org") is None
    assert keys.master.seed() not in repr(keys)


def chain(keys: CrossSigningKeys, device: dict[str, Any]) -> dict[str, Any]:
    user = keys.user_id
    return {
        "master_keys": {user: keys.key_object("master")},
        "self_signing_keys": {user: keys.key_object("self_signing")},
        "device_keys": {user: {device["device_id"]: keys.self_signing.sign(device, user)}},
    }


def test_chain_master_self_signing_device() -> None:
    keys = CrossSigningKeys.generate(USER)
    data = chain(keys, device_keys())
    assert identity_from_query(data, USER, DEVICE).device_signed
    assert device_cross_signed(data, USER, DEVICE, "ZWQ")
    # The server shows another device key than the one we encrypt to: not trusted.
    assert not device_cross_signed(data, USER, DEVICE, "b3RoZXI")
    # A self-signing key its master did not sign breaks the chain.
    forged = CrossSigningKeys.generate(USER)
    data["self_signing_keys"][USER] = forged.key_object("self_signing")
    data["device_keys"][USER][DEVICE] = forged.self_signing.sign(device_keys(), USER)
    assert not device_cross_signed(data, USER, DEVICE, "ZWQ")
    assert not identity_from_query(data, USER, DEVICE).device_signed
    # No cross-signing at all.
    assert not device_cross_signed(
        {"device_keys": {USER: {DEVICE: device_keys()}}}, USER, DEVICE, "ZWQ"
    )


class FakeServer:
    """What ensure_cross_signed needs from the key endpoints, with UIA by password."""

    def __init__(self, wants_password: bool = False) -> None:
        self.keys: dict[str, Any] = {}
        self.device = device_keys()
        self.wants_password = wants_password
        self.uploads = 0

    async def query(self, users: list[str]) -> dict[str, Any]:
        data: dict[str, Any] = {"device_keys": {USER: {DEVICE: self.device}}}
        if self.keys:
            data["master_keys"] = {USER: self.keys["master_key"]}
            data["self_signing_keys"] = {USER: self.keys["self_signing_key"]}
        return data

    async def upload_device_signing(
        self, body: dict[str, Any], user_id: str, password: str | None
    ) -> None:
        if self.keys and self.wants_password and password is None:
            raise CrossSigningError("wants the account password; none is configured")
        self.keys = body
        self.uploads += 1

    async def upload_signatures(self, body: dict[str, Any]) -> None:
        self.device = body[USER][DEVICE]


async def test_first_start_creates_then_reuses_then_signs_a_new_device(tmp_path: Path) -> None:
    server, path = FakeServer(), tmp_path / "cross-signing.json"
    first = await ensure_cross_signed(server, USER, DEVICE, path, "pw")  # type: ignore[arg-type]
    assert first.device_signed and server.uploads == 1 and path.exists()
    server.device = device_keys(ed="bmV3")  # a new device key, unsigned
    again = await ensure_cross_signed(server, USER, DEVICE, path, None)  # type: ignore[arg-type]
    assert again.device_signed and again.master == first.master and server.uploads == 1
    assert fingerprint(first.master or "")[:4] == (first.master or "")[:4]


async def test_lost_key_file_resets_loudly(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    server, path = FakeServer(wants_password=True), tmp_path / "cross-signing.json"
    first = await ensure_cross_signed(server, USER, DEVICE, path, "pw")  # type: ignore[arg-type]
    path.unlink()
    with caplog.at_level(logging.WARNING):
        second = await ensure_cross_signed(server, USER, DEVICE, path, "pw")  # type: ignore[arg-type]
    assert second.master != first.master and second.device_signed
    assert "CROSS-SIGNING RESET" in caplog.text
    path.unlink()
    with pytest.raises(CrossSigningError, match="password"):
        await ensure_cross_signed(server, USER, DEVICE, path, None)  # type: ignore[arg-type]


class FakeOlm:
    def __init__(self) -> None:
        self.verified: set[str] = set()
        self.blacklisted: set[str] = set()
        self.users_for_key_query: set[str] = set()

    def is_device_verified(self, device: OlmDevice) -> bool:
        return device.id in self.verified

    def is_device_blacklisted(self, device: OlmDevice) -> bool:
        return device.id in self.blacklisted


class FakeDeviceStore:
    def __init__(self, devices: list[OlmDevice]) -> None:
        self.devices = devices

    @property
    def users(self) -> set[str]:
        return {d.user_id for d in self.devices}

    def active_user_devices(self, user_id: str) -> list[OlmDevice]:
        return [d for d in self.devices if d.user_id == user_id]


class FakeClient:
    """The part of nio's client that DeviceTrust uses."""

    def __init__(self, devices: list[OlmDevice]) -> None:
        self.olm = FakeOlm()
        self.device_store = FakeDeviceStore(devices)
        self.client_session = object()
        self.user_id = USER
        self.device_id = DEVICE
        self.access_token = "token"
        self.homeserver = "http://hs"

    def verify_device(self, device: OlmDevice) -> bool:
        changed = device.id not in self.olm.verified
        self.olm.verified.add(device.id)
        return changed

    def unverify_device(self, device: OlmDevice) -> bool:
        self.olm.verified.discard(device.id)
        return True

    def blacklist_device(self, device: OlmDevice) -> bool:
        self.olm.blacklisted.add(device.id)
        self.olm.verified.discard(device.id)
        return True

    def unblacklist_device(self, device: OlmDevice) -> bool:
        self.olm.blacklisted.discard(device.id)
        return True


PARTNER = "@partner:example.org"


def olm_device(device_id: str, ed: str) -> OlmDevice:
    return OlmDevice(PARTNER, device_id, {"ed25519": ed, "curve25519": "Y3Vy"})


async def test_device_trust_marks_cross_signed_devices_and_fails_closed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    keys = CrossSigningKeys.generate(PARTNER)
    good, bad = olm_device("GOOD", "Z29vZA"), olm_device("BAD", "YmFk")
    data = chain(keys, device_keys(PARTNER, "GOOD", "Z29vZA"))
    data["device_keys"][PARTNER]["BAD"] = device_keys(PARTNER, "BAD", "YmFk")
    client = FakeClient([good, bad])
    trust = DeviceTrust(client, "cross-signed")  # type: ignore[arg-type]

    async def answer(self: KeysApi, users: list[str]) -> dict[str, Any]:
        return data

    monkeypatch.setattr(KeysApi, "query", answer)
    await trust.check([PARTNER])
    assert client.olm.verified == {"GOOD"} and client.olm.blacklisted == {"BAD"}

    # The homeserver cannot be asked: a device nio just learnt about gets no keys.
    newcomer = olm_device("NEW", "bmV3")
    client.device_store.devices.append(newcomer)

    async def fail(self: KeysApi, users: list[str]) -> dict[str, Any]:
        raise CrossSigningError("/keys/query answered 502")

    monkeypatch.setattr(KeysApi, "query", fail)
    await trust.check([PARTNER])
    assert "NEW" in client.olm.blacklisted and "GOOD" in client.olm.verified
    assert PARTNER in client.olm.users_for_key_query  # asked again after the next sync

    # The owner's signature on GOOD is gone: it stops getting keys.
    data["device_keys"][PARTNER]["GOOD"] = device_keys(PARTNER, "GOOD", "Z29vZA")
    monkeypatch.setattr(KeysApi, "query", answer)
    await trust.check([PARTNER])
    assert client.olm.verified == set() and {"GOOD", "BAD"} <= client.olm.blacklisted


async def test_an_encrypted_send_waits_for_a_device_check_under_way(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The sync loop's key query found the inviter's device and its check is still asking
    the homeserver: the device is blacklisted until then, so a room key shared now would
    leave it out and the bot's welcome would be unreadable to the person who invited it."""
    from bot.key_upkeep import ready_to_encrypt

    keys = CrossSigningKeys.generate(PARTNER)
    device = olm_device("GOOD", "Z29vZA")
    data = chain(keys, device_keys(PARTNER, "GOOD", "Z29vZA"))
    client = FakeClient([device])
    client.should_query_keys = False  # type: ignore[attr-defined]
    trust = DeviceTrust(client, "cross-signed")  # type: ignore[arg-type]
    answer_now = asyncio.Event()

    async def slow_answer(self: KeysApi, users: list[str]) -> dict[str, Any]:
        await answer_now.wait()
        return data

    monkeypatch.setattr(KeysApi, "query", slow_answer)
    checking = asyncio.create_task(trust.check([PARTNER]))
    await asyncio.sleep(0)
    assert client.olm.blacklisted == {"GOOD"}  # failed closed while asking

    sending = asyncio.create_task(ready_to_encrypt(client, trust))  # type: ignore[arg-type]
    await asyncio.sleep(0.05)
    assert not sending.done()  # the send waits for the verdict
    answer_now.set()
    await asyncio.wait_for(sending, 5)
    await checking
    assert client.olm.verified == {"GOOD"} and client.olm.blacklisted == set()
    await asyncio.wait_for(trust.settled(), 1)  # and nothing is left to wait for
