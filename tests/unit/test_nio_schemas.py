"""nio's schema checks with a validator kept per schema (bot/nio_schemas.py): the same
outcome as nio's own check, in every nio module that checks, without a new validator
per event."""

from __future__ import annotations

import sys
from typing import Any

import jsonschema
import nio
import pytest
from nio import Event, RoomMessageText, RoomSendError, RoomSendResponse, schemas
from nio.events.misc import BadEvent

from bot import nio_schemas

MESSAGE: dict[str, Any] = {
    "type": "m.room.message",
    "event_id": "$e",
    "sender": "@ann:localhost",
    "origin_server_ts": 1,
    "content": {"msgtype": "m.text", "body": "!help"},
}


def test_every_nio_module_that_checks_a_schema_uses_the_kept_validators() -> None:
    nio_schemas.install()
    users = [
        name
        for name, module in list(sys.modules.items())
        if name.startswith("nio") and "validate_json" in vars(module)
    ]
    # nio 0.26: the modules that check (events, responses, key import) and re-exports.
    assert {"nio.responses", "nio.events.misc", "nio.crypto.olm_machine"} <= set(users)
    for name in users:
        assert vars(sys.modules[name])["validate_json"] is nio_schemas.cached_validate_json, name


def test_the_outcome_is_that_of_nio() -> None:
    nio_schemas.install()
    assert isinstance(Event.parse_event(dict(MESSAGE)), RoomMessageText)
    # Not a string body: nio's check turns it into a BadEvent, as before.
    bad = {**MESSAGE, "content": {"msgtype": "m.text", "body": 5}}
    assert isinstance(Event.parse_event(bad), BadEvent)
    assert isinstance(RoomSendResponse.from_dict({"event_id": "$x"}, "!r:x"), RoomSendResponse)
    assert isinstance(RoomSendResponse.from_dict({"event": 1}, "!r:x"), RoomSendError)
    with pytest.raises(jsonschema.ValidationError):
        nio_schemas.cached_validate_json({"event_id": 1}, schemas.Schemas.room_event_id)
    # The format checker is nio's: a user id without a domain is refused.
    with pytest.raises(jsonschema.ValidationError):
        nio_schemas.cached_validate_json(
            {"user_id": "@nodomain"},
            {"type": "object", "properties": {"user_id": {"type": "string", "format": "user_id"}}},
        )


def test_a_validator_is_built_once_per_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    nio_schemas.install()
    built: list[Any] = []
    real = schemas.Validator

    def counting(*args: Any, **kwargs: Any) -> Any:
        built.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(schemas, "Validator", counting)
    monkeypatch.setattr(nio_schemas, "_HELD", {})
    for n in range(20):
        assert isinstance(Event.parse_event({**MESSAGE, "event_id": f"$e{n}"}), nio.Event)
    assert 0 < len(built) <= 3  # one per schema the parse checks, not one per event
