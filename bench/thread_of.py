"""How long `outbox.thread_of` (run for every edit and redaction) takes in a room with a
long history, on SQLite.

    flock /tmp/bench.lock .venv/bin/python -m bench.thread_of 40000

Half of the rows are the room's; 200 look-ups of random originals; prints median and
p95 in ms. Review of session 12: 13.4 / 28 ms before (a scan of the room's rows), 0.70 /
1.0 ms after (the replies' transaction ids).
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert

from storage import outbox
from storage.models import OutboxMessage
from tests.support.migrated import migrated_sqlite

ROOM = "!liaison:x"


async def run(total: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = await migrated_sqlite(Path(folder) / "outbox.db")
        body = "TLP:AMBER — Melding M-12 vastgelegd: " + "x" * 600
        rows = [
            {
                "txn_id": outbox.txn_id_for(f"$e{i}", 0),
                "room_id": ROOM if i % 2 == 0 else "!other:x",
                "kind": "message",
                "content": {"msgtype": "m.notice", "body": body, "formatted_body": body},
                "source_event_id": f"$e{i}",
                "attempts": 0,
            }
            for i in range(total)
        ]
        async with db.transaction() as session:
            for start in range(0, total, 5000):
                await session.execute(insert(OutboxMessage), rows[start : start + 5000])
        times = []
        for i in range(200):
            target = f"$e{(i * 7919 * 2) % total}"
            began = time.perf_counter()
            async with db.session() as session:
                await outbox.thread_of(session, ROOM, target)
            times.append((time.perf_counter() - began) * 1000)
        times.sort()
        median, p95 = statistics.median(times), times[int(len(times) * 0.95)]
        print(f"rows {total}: thread_of median {median:.2f} ms, p95 {p95:.2f} ms")
        await db.close()


if __name__ == "__main__":
    asyncio.run(run(int(sys.argv[1]) if len(sys.argv) > 1 else 40_000))
