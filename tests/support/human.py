"""A person in the test: the same matrix-nio client `knooppunt demo` uses (bot/devtools/demo_users.py)."""

from __future__ import annotations

from typing import Any

from nio import InviteMemberEvent

from bot.devtools.demo_users import Heard, Person

Seen = Heard


class Human(Person):
    async def login(self, device_name: str = "test") -> None:
        await super().login(device_name)


def edit_content(original_event_id: str, new_body: str) -> dict[str, Any]:
    """The extra content of an `m.replace` edit."""
    return {
        "m.new_content": {"msgtype": "m.text", "body": new_body},
        "m.relates_to": {"rel_type": "m.replace", "event_id": original_event_id},
    }


__all__ = ["Human", "InviteMemberEvent", "Seen", "edit_content"]
