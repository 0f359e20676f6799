"""Sends whose outcome this process does not know: what the echo-free sync relies on.

The sync loop leaves the bot's own events out of its long polls while nothing depends
on them (bot/syncer.py, `ECHO_FREE`): each reply's echo cost a sync wake-up, a response
to parse, and a turn of the loop. An echo is needed only for a send that may have
reached the homeserver without this process recording it (a network error, a server
error, a crash mid-send): its echo marks the row sent instead of a second send.

So the sender counts its sends as they start, and notes each send that ended other
than recorded as sent (or voided before any request): its room and when it started and
ended. While such a note is open the loop polls with its own events; a poll without
them waits for the sends under way before its batch is handled, and back-fills the
rooms of the sends noted meanwhile with /messages, which shows every event.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Doubt:
    room_id: str
    started: int  # the send's number (SendDoubts.started when it began)
    ended: int  # the note's number (SendDoubts.noted when it was made)


class SendDoubts:
    def __init__(self) -> None:
        self.started = 0  # sends begun by this process
        self.noted = 0  # doubts noted by this process
        self._open: list[Doubt] = []
        self._under_way = 0
        self._none_under_way = asyncio.Event()
        self._none_under_way.set()

    def begin(self) -> int:
        """A send begins: its number."""
        self.started += 1
        self._under_way += 1
        self._none_under_way.clear()
        return self.started

    def end(self, number: int, room_id: str, recorded: bool) -> None:
        """A send ended: `recorded` when it was recorded as sent, or never asked for."""
        if not recorded:
            self.noted += 1
            self._open.append(Doubt(room_id, number, self.noted))
        self._under_way -= 1
        if not self._under_way:
            self._none_under_way.set()

    def any(self) -> bool:
        return bool(self._open)

    async def settled(self) -> None:
        """Return once no send is under way."""
        await self._none_under_way.wait()

    def rooms(self, started_by: int) -> set[str]:
        """The rooms of the open doubts about sends begun up to number `started_by`."""
        return {d.room_id for d in self._open if d.started <= started_by}

    def forget(self, *, started_by: int = 0, noted_by: int = 0) -> None:
        """Close the doubts about sends begun up to `started_by` (their rooms were
        back-filled), or noted up to `noted_by` (a poll with our own events that began
        after them has been handled)."""
        self._open = [d for d in self._open if d.started > started_by and d.ended > noted_by]


@dataclass
class PollState:
    """The sync loop's poll under way (bot/syncer.py, ECHO_FREE): whether it leaves out
    our own events; the rooms its batch back-fills whole, and from which token; and the
    doubts it resolves once handled (see `SendDoubts.forget`)."""

    echo_free: bool = False
    refill: set[str] = field(default_factory=set)
    refill_from: str = ""
    noted_by: int = 0
    started_by: int = 0
