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

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.wiring import build_dispatcher
from commands.dispatcher import RoomView
from commands.message import Message, Outgoing, Redaction
from storage import event_log
from storage import incidents as incident_repo
from storage import rooms as room_repo
from storage.engine import Database
from storage.ids import EventId, RoomId, UserId
from storage.rooms import BindingView

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


async def _room_view(session: AsyncSession, room_id: RoomId, role: str) -> RoomView:
    """The console room's binding from the database, else one made up from `--as`."""
    context = await room_repo.message_context(session, room_id, "$none")
    binding = context.binding
    if binding is None and role in ("liaison", "coordinator", "municipality", "curator"):
        incidents = [i for i in await incident_repo.all_incidents(session) if i.open]
        binding = BindingView(
            role=role,
            incident=incidents[0].slug if incidents else None,
            organisation="console",
            tlp_default="AMBER",
            clearance="AMBER",
        )
    return RoomView(
        room_id=room_id,
        role=binding.role if binding else None,
        binding=binding,
        is_direct=role == "guest",
        encrypted=True,  # a local console is not a public room: no exposure warning
    )


def format_reply(reply: Outgoing) -> str:
    if isinstance(reply, Redaction):
        return f"(de bevestiging van {reply.source_event_id} wordt ingetrokken)"
    if reply.attachment is not None:
        return f"{reply.text}\n[bestand: {reply.attachment.filename}, {len(reply.attachment.data)} bytes]"
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
    room_id = RoomId(f"!console-{role}:knooppunt.local")
    interactive = stream.isatty()
    if interactive:
        out.write("Knooppunt console. End a message with an empty line; Ctrl-D quits.\n")
    try:
        for body in read_messages(stream):
            message = Message(
                event_id=EventId(f"$console-{uuid.uuid4().hex}"),
                room_id=room_id,
                sender=user,
                body=body,
                timestamp=datetime.now(UTC),
            )
            async with db.transaction() as session:
                view = await _room_view(session, room_id, role)
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
