"""`knooppunt console`: the same handlers and database, without a homeserver.

A message ends with an empty line, so multi-line reports can be typed; stdin
may be piped, and the replies are printed in order.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TextIO

from bot.app import build_dispatcher
from bot.config import Settings
from commands.dispatcher import RoomView
from commands.message import Message, Reply
from storage import event_log
from storage.engine import Database
from storage.ids import EventId, RoomId, UserId

CONSOLE_ROOM = RoomId("!console:knooppunt.local")
ROLES = ("admin", "liaison", "coordinator", "municipality", "curator", "guest")


def read_messages(stream: TextIO) -> Iterator[str]:
    lines: list[str] = []
    for line in stream:
        if line.strip():
            lines.append(line.rstrip("\n"))
        elif lines:
            yield "\n".join(lines)
            lines = []
    if lines:
        yield "\n".join(lines)


def format_reply(reply: Reply) -> str:
    return reply.text


async def run_console(
    settings: Settings, role: str, stream: TextIO = sys.stdin, out: TextIO = sys.stdout
) -> int:
    user = UserId(f"@console-{role}:knooppunt.local")
    admins = set(settings.admins)
    if role == "admin":
        admins.add(user)
    settings = settings.model_copy(
        update={
            "admins": sorted(admins),
            "user_id": settings.user_id or "@knooppunt:knooppunt.local",
        }
    )
    dispatcher = build_dispatcher(settings)
    db = Database(settings.effective_database_url)
    await db.migrate()
    view = RoomView(
        room_id=CONSOLE_ROOM,
        role=role if role in ("liaison", "coordinator", "municipality", "curator") else None,
        is_direct=role == "guest",
    )
    interactive = stream.isatty()
    if interactive:
        out.write("Knooppunt console. End a message with an empty line; Ctrl-D quits.\n")
    try:
        for body in read_messages(stream):
            message = Message(
                event_id=EventId(f"$console-{uuid.uuid4().hex}"),
                room_id=CONSOLE_ROOM,
                sender=user,
                body=body,
                timestamp=datetime.now(UTC),
            )
            async with db.transaction() as session:
                replies = await dispatcher.handle(message, view, session, datetime.now(UTC))
                await event_log.record(
                    session, message.event_id, message.room_id, user, "console", message.timestamp
                )
            for reply in replies:
                out.write(format_reply(reply) + "\n\n")
            out.flush()
    finally:
        await db.close()
    return 0
