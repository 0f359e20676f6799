"""What the redaction tests of bot/untrusted.py and bot/held_redactions.py give the bot
in place of nio: a client whose person has two sessions, an olm machine that trusts the
verified ones only, and a redaction event as the homeserver sends it."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from nio import RedactionEvent


class VerifiedOnlyOlm:
    """Trusts the devices in `verified`; every other device is blacklisted."""

    def __init__(self, verified: set[str]) -> None:
        self.verified = verified

    def is_device_verified(self, device: Any) -> bool:
        return device.id in self.verified

    def is_device_blacklisted(self, device: Any) -> bool:
        return device.id not in self.verified


def two_session_client(room: str, verified: set[str], second: str, key: str) -> Any:
    """A client that knows the person's sessions LAPTOP and `second` (both keys `key`),
    in the encrypted `room`; `device_store.devices` lets a test change them."""
    devices = [
        SimpleNamespace(id="LAPTOP", curve25519="bGFw", ed25519="bGFw", deleted=False),
        SimpleNamespace(id=second, curve25519=key, ed25519=key, deleted=False),
    ]
    store = SimpleNamespace(active_user_devices=lambda user: devices, devices=devices)
    return SimpleNamespace(
        olm=VerifiedOnlyOlm(verified),
        rooms={room: SimpleNamespace(encrypted=True)},
        device_store=store,
    )


def redaction(event_id: str, redacts: str, sender: str) -> RedactionEvent:
    event: RedactionEvent = RedactionEvent.from_dict(
        {
            "type": "m.room.redaction",
            "event_id": event_id,
            "sender": sender,
            "origin_server_ts": 1_700_000_000_000,
            "redacts": redacts,
            "content": {"redacts": redacts},
        }
    )
    return event
