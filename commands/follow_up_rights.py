"""Who may close a situation item: the organisation that opened it.

A follow-up (`betreft: M-17`, a reply, or an edit that names an item) adds to an item;
its status and severity become the item's. From another organisation than the one that
opened the item, that would let one partner close (`status: opgelost`) or downgrade
another's severe item on its own judgement - or by a mistyped number - and take it out of
the coordinators' attention list; only the writer saw a warning. A crisis coordinator
expects the owner to say when its item is over: another organisation's follow-up may add
information and may raise the severity, but a closing status or a lower severity is
refused with the reason, so the writer can send it without them or ask the owner.
"""

from __future__ import annotations

from commands.common import session_of
from commands.context import CommandContext
from commands.report_parser import Problem
from storage import entries as entry_repo
from storage import items, organisations
from storage.models import SituationEntry
from storage.vocabulary import Severity


def _same(one: str | None, other: str | None) -> bool:
    return organisations.same(one, other)


async def lowers_unseen(
    ctx: CommandContext,
    item_id: int,
    data: entry_repo.EntryInput,
    carried: str,
    seen: SituationEntry | None,
) -> bool:
    """Whether another organisation's follow-up carrying severity `carried` would lower
    the item below a severe state its room may not see; `seen` is the item's state as the
    room sees it (`items.latest_in_item`, which the caller has read already).

    A room cleared for GREEN sees only an item's GREEN entries: its follow-up inherits
    (or names) the severity it can see, say minor, while an AMBER follow-up of the owner
    made the item extreme. Joining the item, it became the item's state and took the
    extreme item out of the coordinators' attention list. Such a report is recorded in
    the item marked `keeps_item_state` (`reports._follow_up`): the item's state skips it
    for the rooms that see the state it would lower (storage/items.py `_state`), and
    for every other purpose it is a follow-up of the item. Refusing it, answering it as
    a new item, or keeping it as an item of its own (a follow-up naming it was answered
    as one of that item) would tell the room that the item holds something it may not
    see, and what a room may not see does not exist for it.

    The owner's own rooms (its organisation, the room that opened the item) and anyone
    following an item without an owner may lower what they see, never a state they
    cannot see: an organisation's GREEN room, sending "Pompen draaien." after its AMBER
    room had made the item extreme, took the moderate state it saw, and as the owner's
    word took the extreme item out of the coordinators' attention list, and its "status:
    opgelost" closed it (attack18)."""
    session = session_of(ctx)
    opener = await session.get(SituationEntry, item_id)
    if opener is None:
        return False
    current = await items.open_severity(session, data.incident or "", item_id)
    if current is None:
        return False
    # A resolve ends the state whatever severity it carries.
    resolves = data.status == "resolved"
    if not resolves and Severity.of(carried).rank >= Severity.of(current).rank:
        return False
    if (
        opener.organisation is None
        or _same(opener.organisation, data.organisation)
        or ctx.room.access.own(opener.room_id)
    ):
        # The owner lowers (or resolves) knowingly what its room sees as severe; a
        # severe state the room cannot see stays, its follow-up kept in the item apart.
        return seen is not None and Severity.of(seen.severity).rank < Severity.of(current).rank
    if resolves:
        return False  # another organisation may not close the item at all: `refusal`
    # A room that sees a state as severe lowers it knowingly: `refusal` tells it to ask
    # the owner (split off silently, the writer believed the item lowered).
    # A lower severity than the room itself sees is refused the same (`refusal`),
    # hidden state or not: recorded apart, it told the room a hidden one exists.
    if seen is None:
        return True
    seen_rank = Severity.of(seen.severity).rank
    return seen_rank < Severity.of(current).rank and Severity.of(carried).rank >= seen_rank


async def refusal(
    ctx: CommandContext, item_id: int, data: entry_repo.EntryInput, given: set[str]
) -> Problem | None:
    """Why a follow-up of item `item_id` with `data` may not be stored, or None.

    The owner is the organisation of the entry that opened the item (a follow-up's own
    organisation does not make the item another partner's). An item whose opener has no
    organisation has no owner to protect."""
    session = session_of(ctx)
    opener = await session.get(SituationEntry, item_id)
    if opener is None or opener.organisation is None:
        return None
    if _same(opener.organisation, data.organisation) or ctx.room.access.own(opener.room_id):
        # The room that opened the item (or the room it replaced) speaks for its owner,
        # whatever its organisation is called now: a renamed organisation could otherwise
        # never close its own items, and no one else may.
        return None
    code = f"M-{item_id}"
    if data.status == "resolved" and "status" in given:
        # Only a named status closes: a note keeps a closed item's status (reports._inherit).
        return Problem.of("reports.follow_up_may_not_close", code=code)
    if "severity" not in given:
        return None
    latest = await items.latest_in_item(session, ctx.room.access, item_id)
    if latest is not None and Severity.of(data.severity).rank < Severity.of(latest.severity).rank:
        return Problem.of("reports.follow_up_may_not_lower", code=code)
    return None
