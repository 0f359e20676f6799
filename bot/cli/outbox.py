"""`knooppunt outbox`: what waits in the outbox, oldest first, and what it waits for.

A row queued to a room whose upgrade the bot could not follow (it was not invited to the
new room) waits until that invite: the listing names the room to invite the bot to. The
rows' content is not shown (a post for the curators names who asked); the room, the
age and the kind are enough to act on."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bot.cli.common import run_task, say

if TYPE_CHECKING:
    from bot.config import Settings
    from storage.engine import Database

# Rows listed at most (the oldest first); the count says how many wait in all.
LIST_LIMIT = 200


def add_parser(sub: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    outbox = sub.add_parser(
        "outbox", help="what waits in the outbox, and for which room invite it waits"
    )
    common(outbox)
    outbox.set_defaults(handler=run_outbox, action="list")


def run_outbox(settings: Settings, args: argparse.Namespace) -> int:
    return run_task(settings, args, {"list": _list})


async def _list(db: Database, settings: Settings, args: argparse.Namespace) -> int:
    from commands.i18n import t
    from storage import outbox
    from storage.timezone import AMSTERDAM

    lang = settings.language
    async with db.session() as session:
        rows = list(await outbox.pending(session, LIST_LIMIT))
        stuck = {row.id: new for row, new in await outbox.waiting_for_invite(session)}
    if not rows:
        say(t(lang, "cli.outbox_empty"))
        return 0
    say(t(lang, "cli.outbox_header", count=len(rows), stuck=len(stuck)))
    for row in rows:
        when = row.created_at.astimezone(AMSTERDAM).strftime("%Y-%m-%d %H:%M")
        line = t(lang, "cli.outbox_row", id=row.id, room=row.room_id, when=when, kind=row.kind)
        if row.curators_only:
            line += t(lang, "cli.outbox_curators")
        if row.id in stuck:
            line += t(lang, "cli.outbox_invite", new=stuck[row.id])
        elif row.room_id.startswith("@"):  # for an admin with no direct chat (bot/sender.py)
            line += t(lang, "cli.outbox_admin_chat")
        say(line)
    return 0
