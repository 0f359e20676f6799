"""Which events of a timeline were sent before their room was switched to encryption
(bot/events.before_encryption): only those before the room's first m.room.encryption
event; a re-sent one (it replaces an earlier one) starts no clear part, so a plain
message injected before it is still refused as plain text in an encrypted room."""

from __future__ import annotations

from typing import Any

from nio import Event

from bot.events import before_encryption


def _event(event_id: str, kind: str = "m.room.message", **extra: Any) -> Event:
    source: dict[str, Any] = {
        "type": kind,
        "event_id": event_id,
        "sender": "@a:x",
        "origin_server_ts": 1,
        "content": {"msgtype": "m.text", "body": "x"},
        **extra,
    }
    if kind == "m.room.encryption":
        source["state_key"] = ""
        source["content"] = {"algorithm": "m.megolm.v1.aes-sha2"}
    parsed = Event.parse_event(source)
    assert isinstance(parsed, Event)
    return parsed


def test_the_events_before_the_first_switch_were_sent_in_the_clear() -> None:
    events = [_event("$a"), _event("$b"), _event("$on", "m.room.encryption"), _event("$c")]
    assert before_encryption(events) == {"$a", "$b"}


def test_a_re_sent_encryption_event_starts_no_clear_part() -> None:
    again = _event(
        "$again",
        "m.room.encryption",
        unsigned={"prev_content": {"algorithm": "m.megolm.v1.aes-sha2"}, "replaces_state": "$x"},
    )
    assert before_encryption([_event("$a"), again, _event("$c")]) == set()


def test_without_a_switch_in_the_timeline_nothing_is_in_the_clear() -> None:
    assert before_encryption([_event("$a"), _event("$b")]) == set()
