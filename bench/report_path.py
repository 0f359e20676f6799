"""Recording a report inside the bot with 100,000 entries already stored.

Measures the whole report path the bot runs for one message — claim the event,
parse and validate the report, store entry + revision + figures, compose the
confirmation, queue it in the outbox, commit — on SQLite and on PostgreSQL,
and compares it with a raw SQLAlchemy Core insert of the same rows in the same
run (the floor the database sets). Target: p95 under 10 ms on SQLite.

    .venv/bin/python -m bench.report_path [--stored 100000] [--reports 300]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from bot.handling import RoomViewFactory
from bot.syncer import process_message
from commands.builtin import build_dispatcher
from commands.dispatcher import CommandSettings, Dispatcher, RoomView
from commands.message import Message, Outgoing
from storage import rooms as room_repo
from storage.engine import Database
from storage.ids import EventId, RoomId, UserId
from storage.models import EntryFigure, EntryRevision, SituationEntry
from storage.rooms import BindingView
from tests.support.rooms import warm_incident

ROOM = RoomId("!liaison:bench")
BINDING = BindingView("liaison", "bench", "GGD", "AMBER", "AMBER")
REPORT = (
    "!melding opvang\ngemeente: Dordrecht\nopvangplekken beschikbaar: {n}\ntijd: 14:30\n"
    "ernst: matig\ntlp: amber\nSporthal De Schans ingericht als noodopvang, {n} bedden bezet."
)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _entry_values(i: int, now: datetime) -> dict[str, object]:
    return {
        "incident": "bench",
        "category": "shelter",
        "organisation": f"org{i % 200}",
        "reporter": "@liaison:bench",
        "room_id": f"!room{i % 50}:bench",
        "source_event_id": f"$seed{i}",
        "observed_at": now - timedelta(minutes=i % 5000),
        "recorded_at": now - timedelta(minutes=i % 5000),
        "updated_at": now,
        "municipality": f"Gemeente {i % 50}",
        "place": f"Gemeente {i % 50}",
        "region": f"Regio {i % 25}",
        "location": None,
        "severity": "Moderate",
        "status": "new",
        "source": None,
        "sector": None,
        "text": "Seed entry for the benchmark.",
        "tlp": "AMBER",
        "tlp_rank": 2,
        "revision": 1,
    }


async def seed(db: Database, count: int) -> None:
    now = datetime.now(UTC)
    async with db.transaction() as session:
        session.add(warm_incident("bench", now, "bench"))
        await room_repo.mark_joined(session, ROOM, now)
        await room_repo.bind(
            session,
            ROOM,
            role="liaison",
            incident="bench",
            organisation="GGD",
            tlp_default="AMBER",
            clearance="AMBER",
            by="bench",
        )
    chunk = 5000
    for start in range(0, count, chunk):
        rows = [_entry_values(i, now) for i in range(start, min(count, start + chunk))]
        async with db.transaction() as session:
            await session.execute(insert(SituationEntry), rows)
    async with db.transaction() as session:
        await session.execute(
            insert(EntryFigure),
            [
                {
                    "entry_id": i + 1,
                    "metric": f"m{i % 20}",
                    "value": float(i % 300),
                    "unit": None,
                    "label": "x",
                }
                for i in range(0, count, 5)
            ],
        )


async def bot_path(db: Database, reports: int) -> list[float]:
    # As the bot runs it (bot/app.py): no savepoint per handler; a failed handler
    # rolls the whole transaction back instead (bot/handling.py).
    dispatcher = build_dispatcher(CommandSettings(bot_user_id="@bot:bench"), savepoints=False)

    def view(room_id: RoomId, is_direct: bool, binding: BindingView | None) -> RoomView:
        return RoomView(room_id=room_id, role="liaison", binding=binding or BINDING, encrypted=True)

    times = []
    for n in range(reports):
        elapsed, replies = await timed_report(db, dispatcher, view, n + 1)
        times.append(elapsed)
        assert "vastgelegd" in replies[0].text  # type: ignore[union-attr]
    return times


async def timed_report(
    db: Database, dispatcher: Dispatcher, view: RoomViewFactory, n: int
) -> tuple[float, list[Outgoing]]:
    """Report number `n` from the liaison room through the exactly-once core: the
    milliseconds it took and the replies it made."""
    message = Message(
        event_id=EventId(f"$bench-{uuid.uuid4().hex}"),
        room_id=ROOM,
        sender=UserId("@liaison:bench"),
        body=REPORT.format(n=n),
        timestamp=datetime.now(UTC),
    )
    started = time.perf_counter()
    result = await process_message(db, dispatcher, message, view)
    elapsed = (time.perf_counter() - started) * 1000
    assert result is not None
    return elapsed, result[0]


async def raw_core(db: Database, reports: int) -> list[float]:
    """The same three rows per report, inserted with Core in one transaction: the floor."""
    now = datetime.now(UTC)
    times = []
    for n in range(reports):
        values = _entry_values(10_000_000 + n, now) | {
            "source_event_id": f"$raw-{uuid.uuid4().hex}"
        }
        started = time.perf_counter()
        async with db.transaction() as session:
            entry_id = (
                await session.execute(insert(SituationEntry).returning(SituationEntry.id), [values])
            ).scalar_one()
            await session.execute(
                insert(EntryRevision),
                [
                    {
                        "entry_id": entry_id,
                        "revision": 1,
                        "source_event_id": values["source_event_id"],
                        "snapshot": {"n": n},
                        "created_at": now,
                        "created_by": "@liaison:bench",
                    }
                ],
            )
            await session.execute(
                insert(EntryFigure),
                [
                    {
                        "entry_id": entry_id,
                        "metric": "opvangplekken_beschikbaar",
                        "value": float(n),
                        "unit": None,
                        "label": "x",
                    }
                ],
            )
        times.append((time.perf_counter() - started) * 1000)
    return times


async def run_backend(name: str, url: str, stored: int, reports: int) -> None:
    db = Database(url)
    await db.migrate()
    started = time.perf_counter()
    await seed(db, stored)
    seeded = time.perf_counter() - started
    # Interleave the two measurements in rounds so machine noise hits both alike.
    bot_times: list[float] = []
    raw_times: list[float] = []
    await bot_path(db, 10)
    await raw_core(db, 10)
    for _ in range(5):
        bot_times += await bot_path(db, reports // 5)
        raw_times += await raw_core(db, reports // 5)
    await db.close()
    bot_median, raw_median = statistics.median(bot_times), statistics.median(raw_times)
    print(f"{name}: {stored:,} entries stored (seeded in {seeded:.1f}s), {len(bot_times)} reports")
    print(f"  raw Core insert : median {raw_median:6.2f} ms   p95 {p95(raw_times):6.2f} ms")
    print(f"  bot report path : median {bot_median:6.2f} ms   p95 {p95(bot_times):6.2f} ms")
    print(
        f"  ratio           : median {bot_median / raw_median:.2f}x   p95 {p95(bot_times) / p95(raw_times):.2f}x"
        f"   throughput {1000 / bot_median:.0f} reports/s (one writer)"
    )
    if name == "sqlite":
        verdict = "met" if p95(bot_times) < 10 else "MISSED"
        print(f"  target p95 < 10 ms on SQLite: {verdict}")


async def main(stored: int, reports: int, backends: list[str]) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="knooppunt-bench-"))
    try:
        if "sqlite" in backends:
            await run_backend(
                "sqlite", f"sqlite+aiosqlite:///{workdir / 'bench.db'}", stored, reports
            )
        if "postgresql" in backends:
            from tests.support.postgres import Postgres

            with Postgres() as server:
                await run_backend("postgresql", server.create_database(), stored, reports)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--stored", type=int, default=100_000)
    parser.add_argument("--reports", type=int, default=300)
    parser.add_argument("--backend", action="append", choices=("sqlite", "postgresql"))
    args = parser.parse_args()
    asyncio.run(main(args.stored, args.reports, args.backend or ["sqlite", "postgresql"]))
