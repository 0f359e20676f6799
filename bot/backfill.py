"""Back-fill: the events a limited sync timeline left out, fetched with /messages."""

from __future__ import annotations

import logging

from nio import Event, RoomMessagesResponse
from nio.api import MessageDirection
from nio.client.async_client import AsyncClient

from bot import events as ev
from storage.ids import RoomId, UserId

log = logging.getLogger(__name__)

BACKFILL_PAGE = 100
BACKFILL_MAX_PAGES = 50


class BatchAborted(Exception):
    """The batch could not be completed (database or homeserver trouble): retry it."""


class GapRefused(BatchAborted):
    """The homeserver refuses the room's history for good (M_FORBIDDEN, M_NOT_FOUND):
    asking again will not help. For a room the bot is in, still a reason to replay."""


REFUSED_FOR_GOOD = frozenset({"M_FORBIDDEN", "M_NOT_FOUND"})


async def backfill(
    client: AsyncClient,
    user_id: UserId,
    room_id: RoomId,
    prev_batch: str,
    last_id: str | None,
    since: str | None,
    until_join: bool,
) -> list[Event]:
    """Fetch the events a limited timeline left out, oldest first.

    The gap is bounded by storage order only: the homeserver stops at `since`
    (the token of the previous batch, passed as `to`), and we stop at the last
    event we handled. Never at a timestamp: an event stored later can carry
    an older `origin_server_ts` (clock skew, load, appservice `ts`).
    """
    collected: list[Event] = []
    token = prev_batch
    for _ in range(BACKFILL_MAX_PAGES):
        response = await client.room_messages(
            room_id,
            start=token,
            end=None if until_join else since,
            direction=MessageDirection.back,
            limit=BACKFILL_PAGE,
        )
        if not isinstance(response, RoomMessagesResponse):
            status = str(getattr(response, "status_code", "") or "")
            refused = GapRefused if status in REFUSED_FOR_GOOD else BatchAborted
            raise refused(f"cannot back-fill {room_id}: {response}")
        for event in response.chunk:
            if not isinstance(event, Event):
                continue  # unparseable events carry nothing to handle
            if last_id is not None and event.event_id == last_id:
                return list(reversed(collected))
            if ev.is_own_join(event, user_id):
                collected.append(event)
                return list(reversed(collected))
            collected.append(event)
        if not response.chunk or not response.end or response.end == token:
            break
        token = response.end
    else:
        # Not a silent loss: say that the oldest part of an enormous gap is skipped.
        log.warning(
            "room %s: gap longer than %s events; its oldest part is not handled",
            room_id,
            BACKFILL_PAGE * BACKFILL_MAX_PAGES,
        )
    if until_join:
        # Never found our join: what we have may predate it, so process none of it.
        log.warning("room %s: own join not found while back-filling; skipping the gap", room_id)
        return []
    return list(reversed(collected))
