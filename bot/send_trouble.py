"""What the sender makes of a homeserver's server errors (5xx, or a proxy's page with no
code): an outage to wait out, a partial outage, or a row the server cannot take.

- Nothing taken anywhere since the row first failed: the homeserver may be down. The
  sender waits (its room behind it), however long that lasts, and the row keeps its
  place, so its room's rows arrive in order once the server is back (a coordinator
  alert before its withdrawal, part 1 before part 2). Only once it has failed for
  `budget` does it step aside (below) after each wait, so its room's next row is tried:
  the only way to tell a row the server cannot take from an outage when no other room
  is busy. (Stepping aside at once let each row of the room fail in turn, and the
  first one tried after the outage, a later one, went first.)
- Other rows taken: the server works, at least in part. One worker may be broken and
  a load balancer sends it some requests at random, or every request for the rooms it
  serves (Synapse shards event sending by room); or the row itself is what the server
  cannot take. The row *steps aside* for a while (held back, with a growing delay),
  so its room's later rows go on and show which it is. The rows of a room that have
  met a server error step aside together and go again in their order, first the
  first: a room whose worker is out gets its rows in order once it is back.
- It is the row's own problem only when its own room has taken later rows since it
  first failed *and* it has failed for longer than `budget` (far longer than an
  outage: a worker left broken overnight). Only then do its failures count as failed
  attempts, and it is given up after the sender's MAX_ATTEMPTS. A room whose rows all
  fail (its worker is out) never counts, and a row that meets the broken worker at
  random is through long before the budget: neither loses a row.
"""

from __future__ import annotations

import collections
import time
from collections.abc import Collection
from dataclasses import dataclass

from bot.backoff import Backoff


@dataclass
class _Trouble:
    room: str
    since: float  # monotonic time of the first server error
    sent: int  # rows taken anywhere, then
    room_sent: int  # rows of its room taken, then
    errors: int = 0


class ServerTrouble:
    """Server errors per row, rows taken per room, and the rows stepping aside.

    Only rooms with a row in trouble are remembered (their rows taken since, the time
    they are held until): a room whose last such row is done leaves nothing behind, so a
    bot running for weeks across many rooms keeps no record of rooms long recovered."""

    def __init__(self, budget: float) -> None:
        self.budget = budget
        self.sent = 0
        # Rows taken per room with a row in trouble (counted from its first trouble).
        self._room_sent: collections.Counter[str] = collections.Counter()
        self._rows: dict[int, _Trouble] = {}
        # Room -> monotonic time its rows that met a server error may go again.
        self._held: dict[str, float] = {}

    def taken(self, row_id: int, room_id: str) -> None:
        """The homeserver took the row."""
        self.sent += 1
        if room_id in self._room_sent:
            self._room_sent[room_id] += 1
        self.forget(row_id)

    def forget(self, row_id: int) -> None:
        """The row is done (taken or given up): its room is forgotten with its last row
        in trouble."""
        trouble = self._rows.pop(row_id, None)
        if trouble is not None and all(t.room != trouble.room for t in self._rows.values()):
            self._room_sent.pop(trouble.room, None)
            self._held.pop(trouble.room, None)

    def waiting(self, row_ids: Collection[int]) -> None:
        """The rows still waiting, as the sender just read them: a row in trouble that is
        not among them was settled elsewhere (its echo showed the server took it)."""
        for row_id in [r for r in self._rows if r not in row_ids]:
            self.forget(row_id)

    def server_error(self, row_id: int, room_id: str) -> str:
        """Record a server error for the row: 'outage' (wait, room and all), 'aside'
        (not a failed attempt) or 'own' (a failed attempt). The row steps aside after
        each (`step_aside`; in an outage only once it has failed for the budget)."""
        now = time.monotonic()
        if row_id not in self._rows:
            room_sent = self._room_sent.setdefault(room_id, 0)
            self._rows[row_id] = _Trouble(room_id, now, self.sent, room_sent)
        trouble = self._rows[row_id]
        trouble.errors += 1
        if self.sent == trouble.sent:
            return "outage"
        room_goes_on = self._room_sent[room_id] > trouble.room_sent
        return "own" if room_goes_on and now - trouble.since >= self.budget else "aside"

    def step_aside(self, row_id: int, room_id: str, backoff: Backoff) -> None:
        """Hold the room's rows that met server errors back for a while, growing with
        this row's errors as `backoff`'s delays do; its later rows may go meanwhile."""
        trouble = self._rows.get(row_id)
        if trouble is None:
            return
        if self.sent == trouble.sent and time.monotonic() - trouble.since < self.budget:
            return  # an outage: the row keeps its place (its room's order)
        steps = min(trouble.errors - 1, 32)
        delay = min(backoff.maximum, backoff.initial * backoff.factor**steps)
        self._held[room_id] = time.monotonic() + delay

    def held(self, row_id: int, room_id: str) -> bool:
        """Whether the row is stepping aside now (its room's later rows go first)."""
        if row_id not in self._rows:
            return False
        until = self._held.get(room_id)
        return until is not None and until > time.monotonic()

    def next_due(self) -> float | None:
        """Seconds until the first row held back may go again; None when none is."""
        now = time.monotonic()
        for room in [room for room, until in self._held.items() if until <= now]:
            del self._held[room]  # due: its rows may go (they are held no longer)
        waits = [until - now for until in self._held.values()]
        return min(waits) if waits else None
