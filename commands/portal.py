"""`!portaal` / `!portal`: a personal link to this room's read-only web view of the picture.

The reply goes to the room as a notice (a reply to the asker's message). The bot has no
way to open a direct chat of its own, and the link shows only what this room may see, so
every member who could read the reply could also ask for their own link; the link is
still personal: views are audited under the asker's name and `!portaal intrekken` ends
the asker's links at once. `storage.portal_links` keeps only the token's hash.
"""

from __future__ import annotations

from commands import render
from commands.common import local_time, session_of
from commands.context import CommandContext
from commands.grammar import ParsedCommand
from commands.i18n import t
from commands.message import Outgoing
from commands.registry import Command
from storage import portal_links

REVOKE_WORDS = frozenset({"intrekken", "revoke"})


def in_bound_room(ctx: CommandContext) -> str | None:
    """A room bound to an incident (not a direct chat): the page is that room's view."""
    binding = ctx.room.binding
    if ctx.room.is_direct or binding is None or binding.incident is None:
        return t(ctx.lang, "portal.needs_binding")
    return None


async def portal_command(ctx: CommandContext, parsed: ParsedCommand) -> list[Outgoing]:
    session = session_of(ctx)
    words = [w.lower() for w in parsed.words]
    if words and (words[0] not in REVOKE_WORDS or len(words) > 1):
        bad = words[0] if words[0] not in REVOKE_WORDS else words[1]
        return [
            render.plain(
                t(ctx.lang, "portal.bad_word", word=render.shorten(bad, 30), prefix=ctx.prefix)
            )
        ]
    if words:
        count = await portal_links.revoke(session, ctx.room.room_id, ctx.sender, ctx.now)
        return [render.plain(t(ctx.lang, "portal.revoked", count=count))]
    if not ctx.settings.public_url:
        # `http_listen` is off: no page would answer a link.
        return [render.plain(t(ctx.lang, "portal.not_served"))]
    token, expires = await portal_links.create(
        session, ctx.room.room_id, ctx.sender, ctx.now, ctx.settings.portal_link_hours
    )
    url = f"{ctx.settings.public_url}/p/{token}"
    return [
        render.plain(
            t(ctx.lang, "portal.link", url=url, until=local_time(expires), prefix=ctx.prefix)
        )
    ]


PORTAL = Command(
    name_nl="portaal",
    name_en="portal",
    summary={
        "nl": "persoonlijke link naar het beeld van deze kamer op het web",
        "en": "a personal link to this room's picture on the web",
    },
    usage={
        "nl": "{prefix}portaal [intrekken]",
        "en": "{prefix}portal [revoke]",
    },
    example={"nl": "{prefix}portaal", "en": "{prefix}portal"},
    handler=portal_command,
    permission=in_bound_room,
)
