"""What the hypothesis state machines share: each example gets its own event loop and
a database file in a temporary folder (in memory where /dev/shm is writable), all
closed and removed when the example ends."""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.stateful import RuleBasedStateMachine
from sqlalchemy import func, select

from storage.engine import Database
from storage.models import OutboxMessage

TMP_ROOT = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None


class DatabaseMachine(RuleBasedStateMachine):
    """`db_path` is where the subclass puts its database before it sets `self.db`."""

    db: Database

    def __init__(self, prefix: str) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.tmp = tempfile.TemporaryDirectory(prefix=prefix, dir=TMP_ROOT)
        self.db_path = Path(self.tmp.name) / "k.db"

    def teardown(self) -> None:
        self._run(self.db.close())
        self.loop.close()
        self.tmp.cleanup()

    def _run(self, coroutine: Any) -> Any:
        return self.loop.run_until_complete(coroutine)

    def _outbox_after(self, after: int) -> list[OutboxMessage]:
        """The outbox rows after id `after`, in order: what the steps since then queued."""

        async def rows() -> list[OutboxMessage]:
            async with self.db.session() as session:
                query = select(OutboxMessage).where(OutboxMessage.id > after)
                return list((await session.scalars(query.order_by(OutboxMessage.id))).all())

        return self._run(rows())

    async def _max_outbox(self) -> int:
        async with self.db.session() as session:
            return int(await session.scalar(select(func.max(OutboxMessage.id))) or 0)


def ci_settings(examples: int, steps: int) -> settings:
    """A fixed budget for a machine in CI: the same `examples` runs of up to `steps` steps
    every time (derandomized, no example database), no deadline for the slow steps."""
    return settings(
        max_examples=examples,
        stateful_step_count=steps,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )


M = TypeVar("M", bound=DatabaseMachine)


def machine_fixture(machine: Callable[[], M]) -> Any:
    """A module's `machine` fixture: one fresh machine for a replayed sequence, torn down after."""

    def fixture() -> Iterator[M]:
        state = machine()
        yield state
        state.teardown()

    return pytest.fixture(name="machine")(fixture)
