"""What the redaction tests of bot/untrusted.py and bot/held_redactions.py give the bot
in place of nio: an olm machine that trusts the verified devices only, and a redaction
event as the homeserver sends it."""

from __future__ import annotations

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
