"""The picture's domino section at crisis scale: `storage.network.open_visible`.

100,000 entries stored (bench/report_path.py's seed), 20 severe power reports, each
with three domino items: telecom answered by a RED report in the partner's own room
(which a coordinator room may not see, so for it the item stays open), drinking water
and care open. Prints the milliseconds per call for an AMBER coordinator room; every
picture, scheduled post and portal page makes one such call.

    flock /tmp/bench.lock .venv/bin/python -m bench.domino_items [--stored 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from bench.report_path import _entry_values, seed
from storage import network as store
from storage import tlp
from storage.engine import Database
from storage.models import DominoAnswer, DominoItem, SituationEntry

CAUSES = 20
CALLS = 30


async def _entry(session: AsyncSession, values: dict[str, object]) -> int:
    inserted = insert(SituationEntry).values(**values).returning(SituationEntry.id)
    return int((await session.execute(inserted)).scalar_one())


async def _items(db: Database, stored: int) -> None:
    """The causes, their RED answers and their items."""
    now = datetime.now(UTC)
    async with db.transaction() as session:
        for n in range(CAUSES):
            values = _entry_values(stored + n, now)
            cause = await _entry(
                session,
                values
                | {"severity": "Severe", "sector": "energy", "source_event_id": f"$cause{n}"}
                | {"tlp": "GREEN", "tlp_rank": 1},
            )
            answer = await _entry(
                session,
                _entry_values(stored + CAUSES + n, now)
                | {"sector": "telecom", "region": values["region"], "source_event_id": f"$a{n}"}
                | {"tlp": "RED", "tlp_rank": 4},
            )
            for sector in ("telecom", "drinking-water", "health"):
                closed = sector == "telecom"
                await session.execute(
                    insert(DominoItem).values(
                        incident="bench",
                        cause_entry_id=cause,
                        cause_sector="energy",
                        sector=sector,
                        reason="r",
                        onset=None,
                        opened_at=now - timedelta(hours=1),
                        closed_at=now if closed else None,
                        closed_by_entry_id=answer if closed else None,
                    )
                )
                if closed:
                    item = await session.scalar(
                        select(DominoItem.id).where(
                            DominoItem.cause_entry_id == cause, DominoItem.sector == sector
                        )
                    )
                    await session.execute(
                        insert(DominoAnswer).values(item_id=item, entry_id=answer)
                    )


async def run(stored: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="knooppunt-domino-items-"))
    db = Database(f"sqlite+aiosqlite:///{folder / 'bench.db'}")
    await db.migrate()
    try:
        await seed(db, stored)
        await _items(db, stored)
        access = tlp.RoomAccess("!coord:bench", True, "AMBER", "Veiligheidsregio")
        times: list[float] = []
        async with db.session() as session:
            for _ in range(CALLS):
                started = time.perf_counter()
                items = await store.open_visible(session, access, "bench")
                times.append((time.perf_counter() - started) * 1000)
        times.sort()
        p95 = times[int(len(times) * 0.95) - 1]
        print(
            f"open_visible at {stored} entries: {len(items)} items shown; "
            f"median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms"
        )
    finally:
        await db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stored", type=int, default=100_000)
    asyncio.run(run(parser.parse_args().stored))


if __name__ == "__main__":
    main()
