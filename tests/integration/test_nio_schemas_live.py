"""bot/nio_schemas.py's fast check on what a real Synapse sends: every schema check the
test's own matrix-nio clients make (syncs, sends, key uploads and claims, to-device
and encrypted events, state, reactions, edits, redactions) is made by nio's original
validator and by the fast one, and both must agree on the outcome and leave the
instance the same. The bot beside them runs with the fast check and must answer."""

from __future__ import annotations

import asyncio
import collections
import copy
import json
import sys
from typing import Any

import pytest
from nio import schemas

from bot import nio_schemas
from tests.conftest import World
from tests.unit.test_nio_schemas_same import outcome

pytestmark = pytest.mark.integration

NAMES = {
    id(value): name for name, value in vars(schemas.Schemas).items() if isinstance(value, dict)
}


class Comparing:
    """In place of nio's validate_json: both checks, the fast one's outcome is used."""

    def __init__(self) -> None:
        self.checked: collections.Counter[str] = collections.Counter()
        self.differences: list[str] = []

    def __call__(self, instance: Any, schema: Any) -> None:
        theirs = copy.deepcopy(instance)
        expected = outcome(nio_schemas._ORIGINAL, theirs, schema)
        name = NAMES.get(id(schema), "?")
        self.checked[f"{name} {expected[0] if expected[0] == 'valid' else 'invalid'}"] += 1
        try:
            nio_schemas.cached_validate_json(instance, schema)
        except Exception:
            got = outcome(nio_schemas.cached_validate_json, copy.deepcopy(instance), schema)
            self.note(name, got, expected, instance, theirs)
            raise
        self.note(name, ("valid",), expected, instance, theirs)

    def note(self, name: str, got: Any, expected: Any, ours: Any, theirs: Any) -> None:
        if got != expected or json.dumps(ours, default=repr) != json.dumps(theirs, default=repr):
            self.differences.append(f"{name}: {got!r} vs {expected!r}: {str(theirs)[:300]}")


async def test_real_events_are_checked_as_nio_checks_them(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    comparing = Comparing()
    for name, module in list(sys.modules.items()):
        if name.split(".")[0] == "nio" and "validate_json" in vars(module):
            monkeypatch.setattr(module, "validate_json", comparing)
    bot = world.bot()
    bot.start()
    alice = await world.human("alice", encryption=True)
    bob = await world.human("bob")
    secret = await alice.create_room(invite=[world.bot_user], encrypted=True)
    plain = await bob.create_room(invite=[world.bot_user, alice.user_id])
    await alice.wait_joined(secret, world.bot_user)
    await bob.wait_joined(plain, world.bot_user)
    await alice.join(plain)
    assert "!hulp" in await alice.say(secret, "!help", world.bot_user), bot.log()[-3000:]
    assert "!hulp" in await bob.say(plain, "!help", world.bot_user), bot.log()[-3000:]
    await everyday_events(bob, plain)
    await asyncio.sleep(3)  # the last syncs come in
    assert comparing.differences == []
    checked = {key.split()[0] for key in comparing.checked}
    # The checks a day in a room makes: the sync, messages, state, encryption.
    for schema in ("sync", "room_message_text", "room_membership", "room_megolm_encrypted"):
        assert schema in checked, sorted(comparing.checked.items())
    assert sum(comparing.checked.values()) > 200, sorted(comparing.checked.items())


async def everyday_events(bob: Any, room: str) -> None:
    """A topic, a name, power levels, a reaction, an edit, a thread reply, a redaction."""
    client = bob.client
    await client.room_put_state(room, "m.room.topic", {"topic": "oefening"})
    await client.room_put_state(room, "m.room.name", {"name": "Knooppunt test"})
    levels = await client.room_get_state_event(room, "m.room.power_levels")
    content = dict(getattr(levels, "content", {}))
    await client.room_put_state(room, "m.room.power_levels", {**content, "invite": 0})
    first = await bob.send(room, "een gewoon bericht")
    relations: list[dict[str, Any]] = [
        {"m.relates_to": {"rel_type": "m.annotation", "event_id": first, "key": "+1"}},
        {
            "msgtype": "m.text",
            "body": "* bewerkt",
            "m.new_content": {"msgtype": "m.text", "body": "bewerkt"},
            "m.relates_to": {"rel_type": "m.replace", "event_id": first},
        },
        {
            "msgtype": "m.text",
            "body": "in de draad",
            "m.relates_to": {"rel_type": "m.thread", "event_id": first},
        },
    ]
    kinds = ["m.reaction", "m.room.message", "m.room.message"]
    for content, kind in zip(relations, kinds, strict=True):
        await client.room_send(room, kind, content)
    await client.room_redact(room, first, reason="weg")
