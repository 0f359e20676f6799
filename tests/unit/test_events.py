from __future__ import annotations

from nio import Event, RoomMessageNotice, RoomMessageText

from bot.events import is_own_join, to_message
from bot.sender import reply_content
from commands.message import Reply
from storage.ids import EventId


def _event(content: dict, event_type: str = "m.room.message", **extra: object) -> Event:
    source = {
        "type": event_type,
        "event_id": "$1",
        "sender": "@alice:x",
        "origin_server_ts": 1_700_000_000_000,
        "content": content,
        **extra,
    }
    return Event.parse_event(source)


def test_text_message_becomes_message() -> None:
    event = _event(
        {
            "msgtype": "m.text",
            "body": "!help",
            "m.relates_to": {"m.in_reply_to": {"event_id": "$0"}},
        }
    )
    assert isinstance(event, RoomMessageText)
    message = to_message(event, "!r:x", "@bot:x")
    assert message is not None
    assert message.body == "!help" and message.kind == "message"
    assert message.relation.reply_to == "$0"
    assert message.timestamp.year == 2023 and message.timestamp.tzinfo is not None


def test_edit_carries_new_content_and_target() -> None:
    event = _event(
        {
            "msgtype": "m.text",
            "body": "* fixed",
            "m.new_content": {"msgtype": "m.text", "body": "fixed"},
            "m.relates_to": {"rel_type": "m.replace", "event_id": "$orig"},
        }
    )
    message = to_message(event, "!r:x", "@bot:x")
    assert message is not None and message.kind == "edit"
    assert message.body == "fixed" and message.relation.replaces == "$orig"


def test_redaction_and_notice_and_mention() -> None:
    redaction = _event({}, "m.room.redaction", redacts="$orig")
    message = to_message(redaction, "!r:x", "@bot:x")
    assert (
        message is not None and message.kind == "redaction" and message.relation.redacts == "$orig"
    )
    notice = _event({"msgtype": "m.notice", "body": "!help"})
    assert isinstance(notice, RoomMessageNotice)
    assert to_message(notice, "!r:x", "@bot:x").msgtype == "m.notice"  # type: ignore[union-attr]
    mention = _event({"msgtype": "m.text", "body": "hoi", "m.mentions": {"user_ids": ["@bot:x"]}})
    assert to_message(mention, "!r:x", "@bot:x").mentions_bot  # type: ignore[union-attr]


def test_own_join_detection() -> None:
    join = _event({"membership": "join"}, "m.room.member", state_key="@bot:x", sender="@bot:x")
    assert is_own_join(join, "@bot:x")
    rename = _event(
        {"membership": "join", "displayname": "B"},
        "m.room.member",
        state_key="@bot:x",
        sender="@bot:x",
        unsigned={"prev_content": {"membership": "join"}},
    )
    assert not is_own_join(rename, "@bot:x")


def test_reply_content_notice_vs_notifying_text() -> None:
    notice = reply_content(Reply(text="a", html="a", reply_to=EventId("$q")))
    assert notice["msgtype"] == "m.notice" and notice["m.mentions"] == {}
    assert notice["m.relates_to"] == {"m.in_reply_to": {"event_id": "$q"}}
    loud = reply_content(Reply(text="a", html="a", notify=True, mentions=("@m:x",)))  # type: ignore[arg-type]
    assert loud["msgtype"] == "m.text" and loud["m.mentions"] == {"user_ids": ["@m:x"]}
    huge = reply_content(Reply(text="é" * 70_000, html="é" * 70_000))
    import json

    # Synapse measures canonical JSON: UTF-8, no escapes, no spaces.
    assert len(json.dumps(huge, ensure_ascii=False, separators=(",", ":")).encode()) < 64_000
