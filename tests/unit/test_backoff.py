"""Backoff through a long outage: the delay stays at its maximum, however many waits."""

from __future__ import annotations

from bot.backoff import Backoff


def test_a_backoff_through_a_night_long_outage_does_not_overflow() -> None:
    """The sender's backoff (0.5 s up to 30 s) waited about 1,030 times is an outage of
    about eight and a half hours; `initial * factor ** failures` then overflowed a float
    (OverflowError), which stopped the outbox sender's loop."""
    backoff = Backoff(initial=0.5, maximum=30.0)
    delays = [backoff.next_delay() for _ in range(3000)]
    assert 24.0 <= delays[-1] <= 36.0
