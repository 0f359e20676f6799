"""A reply that reaches its room late says so, also when it was late only in the sending.

The dispatcher marks a reply late when the message it answers was already older than
`late_after` when the bot read it (bot down, a backlog). A reply made at once but sent
only after an outage of the homeserver (or a restart that left it in the outbox) went
out without that note: a `!beeld` queued at 14:02 and delivered at 14:40 read as the
current picture. At the send, a reply to its own source message that is late by now,
and was not late when it was made, gets the same note in front.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from commands.common import local_time
from commands.i18n import TEXTS, Language, t
from commands.render import escape, text_to_html
from storage import event_log
from storage.engine import Database
from storage.models import OutboxMessage

# A later part of a reply sent in parts ends its first line with "(2/3)" (bot/sender.py
# `reply_parts`). Every part says it is late, as the dispatcher's parts do: a reader may
# see a later part alone (a notification, a part scrolled to), and then read a held-up
# answer as current. A later part has the note under that line, as its banner heads it.
_LATER_PART = re.compile(r"\((?:[2-9]|\d{2,})/\d+\)$")
# The late note itself, in either language ("(Late reactie op je bericht van …)").
LATE_NOTE = re.compile(
    "|".join(
        re.escape(TEXTS["late"][lang]).replace(re.escape("{when}"), ".+") for lang in ("nl", "en")
    )
)


def later_part(first_line: str) -> bool:
    """Whether a message's first line is the head of a later part ("TLP:GREEN (2/3)")."""
    return _LATER_PART.search(first_line.rstrip()) is not None


def _answers_its_source(row: OutboxMessage) -> bool:
    """A message row that replies to the message it was made for (not an alert in
    another room, nor a notice in reply to one of the bot's own alerts)."""
    if row.kind != "message" or row.source_event_id is None:
        return False
    relates = row.content.get("m.relates_to")
    if not isinstance(relates, dict):
        return False
    answered = relates.get("m.in_reply_to")
    return isinstance(answered, dict) and answered.get("event_id") == row.source_event_id


def noted(content: dict[str, Any], note: str) -> dict[str, Any]:
    """`content` with `note` in front of its text (and its HTML, where it has one); in a
    later part of a reply sent in parts, under its first line (whose HTML is its text's,
    bot/sender.py `reply_parts`)."""
    body = str(content.get("body", ""))
    head, newline, rest = body.partition("\n")
    if later_part(head):
        marked = {**content, "body": f"{head}\n{note}{newline}{rest}"}
        if isinstance(content.get("formatted_body"), str):
            marked["formatted_body"] = text_to_html(marked["body"])
        return marked
    marked = {**content, "body": f"{note}\n{body}"}
    if isinstance(content.get("formatted_body"), str):
        marked["formatted_body"] = f"<i>{escape(note)}</i><br>{content['formatted_body']}"
    return marked


async def content_to_send(
    db: Database,
    row: OutboxMessage,
    now: datetime,
    late_after: timedelta,
    language: Language,
) -> dict[str, Any]:
    """The row's content, with the late note when it is late now and was not when made."""
    if not _answers_its_source(row) or now - row.created_at <= late_after:
        return row.content  # the common case costs no query
    async with db.session() as session:
        handled = await event_log.seen(session, row.source_event_id or "")
    if handled is None:
        return row.content
    asked = handled.origin_ts
    if now - asked <= late_after or row.created_at - asked > late_after:
        return row.content  # not late, or the dispatcher said so when it made the reply
    return noted(row.content, t(language, "late", when=local_time(asked)))
