"""Migration 0029 on a large SQLite database at 0028: its time and memory.

`python -m bench.migration_0029 [DOUBLINGS] [WAITING]`: one plain report and one whose
source carries TLP:RED, doubled DOUBLINGS times (16: 131,072 reports, half raised), and
WAITING outbox rows still waiting (GREEN, other rooms: every one raised). Run under the
shared lock: `flock /tmp/bench.lock python -m bench.migration_0029 16 200`.
"""

import asyncio
import dataclasses
import resource
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

from storage import entries as entry_repo
from storage.engine import Database
from tests.storage.test_marking_reader_migration import _report
from tests.support.migrated import migrate_to

DOUBLINGS = int(sys.argv[1]) if len(sys.argv) > 1 else 16


async def main() -> None:
    path = Path(tempfile.mkdtemp()) / "big.db"
    db = Database(f"sqlite+aiosqlite:///{path}")
    await migrate_to(db, "0028", up=True)
    async with db.transaction() as session:
        r = dataclasses.replace(
            _report("Gemaal uitgevallen, pomp draait op noodstroom. " * 4, "GREEN"),
            source="Waterschap",
        )
        await entry_repo.record(session, r, "@a:x", "!r:x", "$e0")
        r2 = dataclasses.replace(
            _report("Kwel bij dijk", "GREEN"), source="Situatierapport, TLP:RED"
        )
        await entry_repo.record(session, r2, "@a:x", "!r:x", "$e1")
    async with db.engine.begin() as conn:
        cols = [
            row[1]
            for row in (await conn.execute(text("PRAGMA table_info(entries)"))).all()
            if row[1] != "id"
        ]
        rcols = [
            row[1]
            for row in (await conn.execute(text("PRAGMA table_info(entry_revisions)"))).all()
            if row[1] != "id"
        ]
        for n in range(DOUBLINGS):
            sel = ", ".join(
                f"source_event_id || '.{n}'" if c == "source_event_id" else c for c in cols
            )
            await conn.execute(
                text(f"INSERT INTO entries ({', '.join(cols)}) SELECT {sel} FROM entries")
            )
            rsel = ", ".join(f"event_id || '.{n}'" if c == "event_id" else c for c in rcols)
            try:
                await conn.execute(
                    text(
                        f"INSERT INTO entry_revisions ({', '.join(rcols)}) SELECT {rsel} FROM entry_revisions"
                    )
                )
            except Exception as exc:
                print("revisions not doubled:", str(exc)[:120])
                break
        for i in range(int(sys.argv[2]) if len(sys.argv) > 2 else 200):
            await conn.execute(
                text(
                    "INSERT INTO outbox (txn_id, room_id, kind, content, source_event_id, created_at, attempts, tlp, tlp_shared) "
                    f"VALUES ('t{i}', '!c{i % 20}:x', 'message', '{{\"body\": \"M-{i}\"}}', '$x{i}', '2026-12-04 10:00:00', 0, 'GREEN', 'GREEN')"
                )
            )
        count = (await conn.execute(text("SELECT count(*) FROM entries"))).scalar()
        revs = (await conn.execute(text("SELECT count(*) FROM entry_revisions"))).scalar()
    started = time.perf_counter()
    await migrate_to(db, "0029", up=True)
    took = time.perf_counter() - started
    async with db.engine.connect() as conn:
        red = (await conn.execute(text("SELECT count(*) FROM entries WHERE tlp='RED'"))).scalar()
        outred = (await conn.execute(text("SELECT count(*) FROM outbox WHERE tlp='RED'"))).scalar()
    print(
        f"entries={count} revisions={revs} raised={red} outbox_raised={outred} 0029 took {took:.1f}s maxrss={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB"
    )
    await db.close()


asyncio.run(main())
