"""A stand-in for the outbox sender in tests that run the scheduler without a homeserver."""

from __future__ import annotations

import asyncio

from storage.models import OutboxMessage


class RecordingSender:
    """Stands in for the outbox sender: the outbox rows are the truth (a test reads what
    would be sent there); this only keeps what was handed over, in `submitted`."""

    def __init__(self) -> None:
        self.ready = asyncio.Event()
        self.ready.set()
        self.submitted: list[OutboxMessage] = []

    def submit(self, rows: list[OutboxMessage]) -> None:
        self.submitted.extend(rows)

    def wake(self) -> None:
        pass
