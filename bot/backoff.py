"""Waiting between retries: exponential with jitter, interruptible by shutdown."""

from __future__ import annotations

import asyncio
import random

import aiohttp

# What a request to the homeserver raises when the network or the server is away.
NETWORK_ERRORS: tuple[type[BaseException], ...] = (aiohttp.ClientError, OSError, TimeoutError)


class Backoff:
    def __init__(self, initial: float = 1.0, maximum: float = 60.0, factor: float = 2.0) -> None:
        self.initial, self.maximum, self.factor = initial, maximum, factor
        self.failures = 0

    def next_delay(self) -> float:
        self.failures += 1
        # The exponent stops growing once the delay is at its maximum: a float power
        # overflows after about a thousand failures (an outage of a night).
        steps = min(self.failures - 1, 64)
        base = min(self.maximum, self.initial * self.factor**steps)
        # Jitter so that many bots (or a bot and its own sender) do not retry in step.
        return base * random.uniform(0.8, 1.2)

    def reset(self) -> None:
        self.failures = 0


async def sleep_unless(stop: asyncio.Event, seconds: float) -> bool:
    """Sleep up to `seconds`; True when woken by `stop`."""
    try:
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    except TimeoutError:
        return False
    return True
