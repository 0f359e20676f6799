"""Whose messages the bot acts on (bot/device_trust.py `refusal`): the rule that decides
who gets room keys, applied to the device that made the message's Megolm session."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest
from nio.crypto.device import OlmDevice

from bot.device_trust import refusal

ROOM = "!room:example.org"
ALICE = "@alice:example.org"


@dataclass
class Session:
    ed25519: str
    forwarding_chain: list[str] = field(default_factory=list)


class Olm:
    def __init__(self, sessions: dict[tuple[str, str], Session]) -> None:
        self.sessions = sessions
        self.verified: set[str] = set()
        self.blacklisted: set[str] = set()
        self.inbound_group_store = self

    def get(self, room_id: str, sender_key: str, session_id: str) -> Session | None:
        return self.sessions.get((sender_key, session_id)) if room_id == ROOM else None

    def is_device_verified(self, device: OlmDevice) -> bool:
        return device.id in self.verified

    def is_device_blacklisted(self, device: OlmDevice) -> bool:
        return device.id in self.blacklisted


def client(olm: Olm, devices: list[OlmDevice]) -> Any:
    store = SimpleNamespace(
        active_user_devices=lambda user: [d for d in devices if d.user_id == user]
    )
    return SimpleNamespace(olm=olm, device_store=store)


def event(decrypted: bool = True, sender_key: str = "curveA", session: str = "s1") -> Any:
    return SimpleNamespace(
        decrypted=decrypted, sender=ALICE, sender_key=sender_key, session_id=session
    )


PHONE = OlmDevice(ALICE, "PHONE", {"ed25519": "edA", "curve25519": "curveA"})


@pytest.fixture
def olm() -> Olm:
    found = Olm({("curveA", "s1"): Session("edA"), ("curveA", "fwd"): Session("edA", ["x"])})
    found.verified.add("PHONE")
    return found


def test_plain_text_counts_only_where_the_room_is_not_encrypted(olm: Olm) -> None:
    for mode in ("cross-signed", "tofu"):
        assert refusal(client(olm, [PHONE]), event(False), ROOM, False, mode) is None  # type: ignore[arg-type]
        got = refusal(client(olm, [PHONE]), event(False), ROOM, True, mode)  # type: ignore[arg-type]
        assert got == "plain_in_encrypted"


def test_a_verified_device_counts(olm: Olm) -> None:
    assert refusal(client(olm, [PHONE]), event(), ROOM, True, "cross-signed") is None


@pytest.mark.parametrize(
    "case", ["unverified", "blacklisted", "unknown device", "forwarded", "other signing key"]
)
def test_everything_else_is_refused_under_cross_signed_and_acted_on_under_tofu(
    olm: Olm, case: str
) -> None:
    devices, message = [PHONE], event()
    if case == "unverified":
        olm.verified.clear()
    elif case == "blacklisted":
        olm.blacklisted.add("PHONE")
    elif case == "unknown device":
        devices = []
    elif case == "forwarded":
        message = event(session="fwd")
    else:  # the session was made by another key than the verified device's
        olm.sessions[("curveA", "s1")] = Session("edEVIL")
    assert refusal(client(olm, devices), message, ROOM, True, "cross-signed") == "untrusted_device"
    assert refusal(client(olm, devices), message, ROOM, True, "tofu") is None


def test_no_session_or_no_keys_is_refused(olm: Olm) -> None:
    assert refusal(client(olm, [PHONE]), event(session="gone"), ROOM, True, "cross-signed")
    assert refusal(client(olm, [PHONE]), event(sender_key=""), ROOM, True, "cross-signed")
