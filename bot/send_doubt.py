"""Sends whose outcome this process does not know: what the echo-free sync relies on.

The sync loop leaves the bot's own events out of its long polls while nothing depends
on them (bot/syncer.py, `ECHO_FREE`): each reply's echo cost a sync wake-up, a response
to parse, and a turn of the loop. An echo is needed only for a send that may have
reached the homeserver without this process recording it (a network error, a server
error, a crash mid-send): its echo marks the row sent instead of a second send.

So the sender counts its sends as they start, and notes each row whose send ended
other than recorded as sent. While such a note is open the loop polls with its own
events; a poll without them waits for the sends begun before its answer came, and
back-fills the rooms of the rows noted meanwhile with /messages, which shows every
event. A note is closed only when the row's fate is known (see SendDoubts).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Doubt:
    room_id: str
    started: int  # the number of the send that left it in doubt (SendDoubts.started)
    # For a row that will not be sent again (given up, voided): when that was noted
    # (SendDoubts.noted). None while the row waits for another attempt.
    ended: int | None = None


class SendDoubts:
    """Per row (transaction id) in doubt: closed when a later attempt is recorded as
    sent (the homeserver answers a repeated transaction id with the event it made the
    first time), when its echo is seen, or, for a row that ended unsent, once a poll
    with our own events that began after that is handled."""

    def __init__(self) -> None:
        self.started = 0  # sends begun by this process
        self.noted = 0  # rows noted as ended unsent
        self._open: dict[str, Doubt] = {}
        self._under_way: set[int] = set()
        self._ended = asyncio.Event()  # set at each end; cleared by whoever waits

    def begin(self) -> int:
        """A send begins: its number."""
        self.started += 1
        self._under_way.add(self.started)
        return self.started

    def end(self, number: int, txn_id: str, room_id: str, sent: bool) -> None:
        """A send ended: `sent` when it was recorded as sent."""
        if sent:
            self._open.pop(txn_id, None)
        elif txn_id not in self._open or self._open[txn_id].ended is None:
            self._open[txn_id] = Doubt(room_id, number)
        self._under_way.discard(number)
        self._ended.set()

    def ended_unsent(self, txn_id: str, room_id: str, number: int) -> None:
        """The row will not be sent again (given up, voided): an earlier attempt of it
        may still have reached the homeserver."""
        self.noted += 1
        prior = self._open.get(txn_id)
        self._open[txn_id] = Doubt(room_id, prior.started if prior else number, self.noted)

    def echo_seen(self, txn_id: str) -> None:
        self._open.pop(txn_id, None)

    def any(self) -> bool:
        return bool(self._open)

    async def settled(self, started_by: int) -> None:
        """Return once no send begun up to number `started_by` is under way (not every
        send: while a backlog drains a new one begins as each ends)."""
        while any(number <= started_by for number in self._under_way):
            self._ended.clear()
            await self._ended.wait()

    def rooms(self, started_by: int) -> set[str]:
        """The rooms of the open doubts about sends begun up to number `started_by`."""
        return {d.room_id for d in self._open.values() if d.started <= started_by}

    def forget_ended(self, noted_by: int) -> None:
        """A poll with our own events that began after these rows ended is handled."""
        self._open = {
            txn: d for txn, d in self._open.items() if d.ended is None or d.ended > noted_by
        }


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
