"""`!abonneer beeld elke 4h [om 08:00]`, `!abonnementen`, `!opzeggen`: scheduled pictures."""

from __future__ import annotations

import re
from datetime import timedelta

from commands import render
from commands.common import local_time, session_of
from commands.context import CommandContext
from commands.errors import UserError
from commands.grammar import ParsedCommand
from commands.i18n import t
from commands.message import Outgoing
from commands.permissions import in_roles
from commands.registry import Command
from storage import incidents as incident_repo
from storage import subscriptions as subscription_repo
from storage.models import Subscription

_INTERVAL = re.compile(r"^(\d{1,4})\s*(m|min|u|h|uur|d|dag)$")
_CLOCK = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")
_FILLER = {"beeld", "summary", "elke", "every", "om", "at", "incident"}
_ALL = {"alle", "alles", "all"}
# More pictures than a crisis room can read; a pasted line repeated made hundreds.
MAX_PER_ROOM = 10
may_subscribe = in_roles("coordinator")
# The roles whose rooms get scheduled pictures (bot/scheduler.py rests the others): the
# coordinators' (`!beeld`), and a curator room an admin subscribed (its picture names who
# asked). An admin may run `!abonneer` anywhere, so the command refuses the rest itself.
PICTURE_ROLES = ("coordinator", "curator")


def parse_interval(word: str) -> timedelta | None:
    match = _INTERVAL.match(word.lower())
    if not match:
        return None
    amount, unit = int(match.group(1)), match.group(2)
    if unit.startswith("m"):
        return timedelta(minutes=amount)
    if unit.startswith("d"):
        return timedelta(days=amount)
    return timedelta(hours=amount)


def _picture_incident(ctx: CommandContext) -> str:
    """The incident whose picture the room would get; refused before any word is read
    when the room has none or is a room the scheduler posts no picture to."""
    binding = ctx.room.binding
    if binding is None or binding.incident is None:
        raise UserError("subscriptions.this_room_not_bound")
    if binding.role not in PICTURE_ROLES:
        raise UserError("subscriptions.not_a_picture_room", role=binding.role)
    return binding.incident


async def subscribe_command(ctx: CommandContext, parsed: ParsedCommand) -> list[Outgoing]:
    interval: timedelta | None = None
    at_time: str | None = None
    usage = t(ctx.lang, "subscriptions.usage_subscribe_summary_every", prefix=ctx.prefix)
    after_at = False
    incident = _picture_incident(ctx)
    own = incident.lower()
    for word in parsed.words:
        lowered = word.lower()
        if after_at and _CLOCK.match(lowered) is None:
            # "om 25:00", "om 8 uur": a time of day it cannot read. Left out, the schedule
            # ran at other hours than asked, and the confirmation did not say so.
            return [render.plain(usage + t(ctx.lang, "subscriptions.bad_time", word=word))]
        after_at = lowered in ("om", "at")
        if lowered in _FILLER:
            continue
        clock = _CLOCK.match(lowered)
        found = parse_interval(lowered) if clock is None else None
        if (clock is not None and at_time) or (found is not None and interval is not None):
            # "elke 4h elke 6h": the last one won without a word; which was meant?
            return [render.plain(usage + t(ctx.lang, "subscriptions.twice", word=word))]
        if clock is not None:
            at_time = f"{int(clock.group(1)):02d}:{clock.group(2)}"
        elif found is not None:
            interval = found
        elif lowered != own:
            # Another incident's name (or a typo) was skipped, and the room subscribed
            # to its own incident: a subscription always follows this room's binding.
            return [render.plain(usage + t(ctx.lang, "subscriptions.unknown_word", word=word))]
    if after_at:
        return [render.plain(usage + t(ctx.lang, "subscriptions.bad_time", word="-"))]
    if interval is None or interval < timedelta(minutes=1) or interval > timedelta(days=7):
        return [render.plain(usage + t(ctx.lang, "subscriptions.between_1m_7d"))]
    session = session_of(ctx)
    if (refused := await _refusal(ctx, incident, interval, at_time)) is not None:
        return [render.plain(refused)]
    subscription = await subscription_repo.add(
        session, ctx.room.room_id, incident, interval, at_time, ctx.sender
    )
    await ctx.audit(
        session,
        "subscription.added",
        subject=incident,
        detail={"id": subscription.id, "interval_s": subscription.interval_seconds, "at": at_time},
    )
    return [render.plain(await _confirmation(ctx, subscription, incident, interval))]


async def _confirmation(
    ctx: CommandContext, subscription: Subscription, incident: str, interval: timedelta
) -> str:
    """What the room is told of its new subscription, and when its incident is closed."""
    session = session_of(ctx)
    text = t(
        ctx.lang,
        "subscriptions.subscription_situation_picture_every",
        id=subscription.id,
        incident=incident,
        interval=parsed_interval_text(interval),
        next_due_at=local_time(subscription.next_due_at),
    )
    # A closed incident gets one last picture and then none until it reopens (the
    # scheduler): "elke 1h" alone promised pictures that would not come.
    subscribed = await incident_repo.get(session, incident)
    if subscribed is not None and not subscribed.open:
        text += "\n" + t(
            ctx.lang, "subscriptions.closed_now", slug=subscribed.slug, prefix=ctx.prefix
        )
    return text


async def _refusal(
    ctx: CommandContext, incident: str, interval: timedelta, at_time: str | None
) -> str | None:
    """Why no subscription is made: the same one exists (every picture would come
    twice), or the room has `MAX_PER_ROOM` already. None: make it."""
    rows = await subscription_repo.for_room(session_of(ctx), ctx.room.room_id)
    seconds = int(interval.total_seconds())
    for row in rows:
        if (row.incident, row.interval_seconds, row.at_time) == (incident, seconds, at_time):
            return t(ctx.lang, "subscriptions.exists", id=row.id, prefix=ctx.prefix)
    if len(rows) >= MAX_PER_ROOM:
        return t(ctx.lang, "subscriptions.too_many", limit=MAX_PER_ROOM, prefix=ctx.prefix)
    return None


def parsed_interval_text(interval: timedelta) -> str:
    minutes = int(interval.total_seconds() // 60)
    if minutes % 1440 == 0:
        return f"{minutes // 1440}d"
    if minutes % 60 == 0:
        return f"{minutes // 60}h"
    return f"{minutes}m"


async def list_command(ctx: CommandContext, parsed: ParsedCommand) -> list[Outgoing]:
    rows = await subscription_repo.for_room(session_of(ctx), ctx.room.room_id)
    if not rows:
        return [render.plain(t(ctx.lang, "subscriptions.no_subscriptions_this_room"))]
    lines = [t(ctx.lang, "subscriptions.subscriptions")]
    for row in rows:
        every = parsed_interval_text(timedelta(seconds=row.interval_seconds))
        lines.append(
            f"• {row.id}: {row.incident} {t(ctx.lang, 'subscriptions.every')} {every}, "
            f"{t(ctx.lang, 'subscriptions.next')} {local_time(row.next_due_at)}"
        )
    return [render.plain("\n".join(lines))]


async def unsubscribe_command(ctx: CommandContext, parsed: ParsedCommand) -> list[Outgoing]:
    session = session_of(ctx)
    rows = await subscription_repo.for_room(session, ctx.room.room_id)
    words = [w for w in parsed.words if w.lower() not in _ALL]
    # A word that is no number (`#2`, `nr2`, `twee`) once counted as no number at all,
    # and so stopped every subscription of the room: only a bare command stops all.
    if (odd := next((w for w in words if not (w.isascii() and w.isdigit())), None)) is not None:
        return [
            render.plain(t(ctx.lang, "subscriptions.not_a_number", word=odd, prefix=ctx.prefix))
        ]
    wanted = {str(int(w)) for w in words}
    stopped = [row for row in rows if not wanted or str(row.id) in wanted]
    for row in stopped:
        row.active = False
    await ctx.audit(
        session,
        "subscription.stopped",
        detail={"ids": [r.id for r in stopped]},
    )
    # A number that is no subscription of this room (mistyped, stopped before) is named:
    # "Opgezegd: 1." alone hid that the 7 asked for stopped nothing.
    unknown = sorted(wanted - {str(r.id) for r in stopped}, key=int)
    lines = []
    if stopped:
        ids = ", ".join(str(r.id) for r in stopped)
        lines.append(t(ctx.lang, "subscriptions.stopped", ids=ids))
    elif not unknown:
        lines.append(t(ctx.lang, "subscriptions.no_subscription_stop"))
    if unknown:
        lines.append(
            t(ctx.lang, "subscriptions.unknown_numbers", ids=", ".join(unknown), prefix=ctx.prefix)
        )
    return [render.plain("\n".join(lines))]


SUBSCRIBE = Command(
    name_nl="abonneer",
    name_en="subscribe",
    summary={
        "nl": "situatiebeeld op vaste tijden in deze kamer",
        "en": "the situation picture on a schedule in this room",
    },
    usage={
        "nl": "{prefix}abonneer beeld elke 4h [om 08:00]",
        "en": "{prefix}subscribe summary every 4h [at 08:00]",
    },
    example={
        "nl": "{prefix}abonneer beeld elke 4h om 08:00",
        "en": "{prefix}subscribe summary every 4h at 08:00",
    },
    handler=subscribe_command,
    permission=may_subscribe,
)
SUBSCRIPTIONS = Command(
    name_nl="abonnementen",
    name_en="subscriptions",
    reads_written=True,
    summary={"nl": "de abonnementen van deze kamer", "en": "this room's subscriptions"},
    usage={"nl": "{prefix}abonnementen", "en": "{prefix}subscriptions"},
    example={"nl": "{prefix}abonnementen", "en": "{prefix}subscriptions"},
    handler=list_command,
    permission=may_subscribe,
)
UNSUBSCRIBE = Command(
    name_nl="opzeggen",
    name_en="unsubscribe",
    summary={"nl": "stopt (een of alle) abonnementen", "en": "stops (one or all) subscriptions"},
    usage={"nl": "{prefix}opzeggen [nummer]", "en": "{prefix}unsubscribe [number]"},
    example={"nl": "{prefix}opzeggen", "en": "{prefix}unsubscribe 2"},
    handler=unsubscribe_command,
    permission=may_subscribe,
)
