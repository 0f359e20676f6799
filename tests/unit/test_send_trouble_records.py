"""bot/send_trouble.py forgets a room once its trouble is over (session 12, leftovers3).

It kept, for every room it ever sent to, a count of rows taken, and for every room that
ever met a server error the time its rows were held until; a row settled elsewhere (its
echo showed the server had taken it after all) stayed a row in trouble for ever. A bot
that runs for weeks across hundreds of rooms kept all of it.
"""

from __future__ import annotations

import time

from bot.backoff import Backoff
from bot.send_trouble import ServerTrouble


def _kept(trouble: ServerTrouble) -> int:
    """Everything it remembers: rooms' counts, rooms held, rows in trouble."""
    return len(trouble._room_sent) + len(trouble._held) + len(trouble._rows)


def test_a_room_that_recovered_leaves_nothing_behind() -> None:
    trouble = ServerTrouble(budget=3600)
    backoff = Backoff(initial=0.001, maximum=0.002)
    for n in range(200):  # rows of many rooms taken: nothing to remember about them
        trouble.taken(n, f"!room{n}:x")
    assert _kept(trouble) == 0
    assert trouble.server_error(7, "!sick:x") == "outage"
    trouble.taken(1000, "!busy:x")  # another room goes on: not an outage
    assert trouble.server_error(7, "!sick:x") == "aside"
    trouble.step_aside(7, "!sick:x", backoff)
    assert _kept(trouble) > 0
    time.sleep(0.005)
    trouble.taken(7, "!sick:x")  # the room recovered
    assert trouble.next_due() is None
    assert _kept(trouble) == 0


def test_a_row_settled_elsewhere_is_forgotten_when_the_queue_is_read() -> None:
    """Its send met a server error, yet the server had taken it (its echo came): it is
    no longer waiting when the sender reads the queue, and its trouble goes with it."""
    trouble = ServerTrouble(budget=3600)
    trouble.taken(1000, "!busy:x")
    trouble.server_error(7, "!sick:x")
    trouble.server_error(8, "!sick:x")
    trouble.waiting({8})
    assert _kept(trouble) == 1 + 1  # row 8 and its room
    assert not trouble.held(7, "!sick:x")
