"""`!beeld` generation time with 1,000, 10,000 and 100,000 entries stored.

200 organisations, 50 municipalities, 20 metrics and 2,000 distinct series
(organisation, place, metric) that later entries update; each series is one
situation item whose latest entry is severe, so 2,000 items are open at once. For each size: the
bot's SQL-aggregated picture (build + render), and the naive way - load every
visible row and summarise in Python - in the same run, with median, p95 and
peak Python memory (tracemalloc). Target: under 200 ms at 100,000 on SQLite,
growing clearly slower than the entry count.

    .venv/bin/python -m bench.picture [--sizes 1000,10000,100000] [--backend sqlite]

Exercise isolation (`--exercise 1000`): the real incident's picture (with its open
questions, the path `!beeld` and the scheduler take) at the first size, in two databases
with the same real incident, one with 1,000 exercise entries beside it, timed in
alternation. The picture must show the same entries, and the median with the exercise
must stay within 10% of the median without it.

    .venv/bin/python -m bench.picture --sizes 10000 --backend sqlite --exercise 1000
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select

from commands.picture import render_picture
from storage import open_questions, tlp
from storage.engine import Database
from storage.models import EntryFigure, Incident, SituationEntry
from storage.picture import build_picture
from storage.picture_service import RoomPicture
from tests.support.rooms import warm_incident

ACCESS = tlp.RoomAccess("!coord:bench", bound=True, clearance="AMBER", organisation="VR")
SERIES = 2000


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


async def seed(db: Database, count: int) -> Incident:
    now = datetime.now(UTC)
    incident = warm_incident("bench", now, "bench")
    async with db.transaction() as session:
        session.add(incident)
    chunk = 5000
    for start in range(0, count, chunk):
        entries, figures = [], []
        for i in range(start, min(count, start + chunk)):
            series = i % SERIES
            org, municipality, metric = series % 200, series % 50, series % 20
            entries.append(
                {
                    "id": i + 1,
                    "incident": "bench",
                    "category": ("shelter", "health", "power", "water")[series % 4],
                    "organisation": f"org{org}",
                    "reporter": "@l:bench",
                    "room_id": f"!r{org}:bench",
                    "source_event_id": f"$s{i}",
                    "observed_at": now - timedelta(seconds=count - i),
                    "recorded_at": now - timedelta(seconds=count - i),
                    "updated_at": now - timedelta(seconds=count - i),
                    "municipality": f"Gemeente {municipality}",
                    "place": f"Gemeente {municipality}",
                    "region": f"Regio {municipality % 10}",
                    "location": None,
                    # The last entry of each series is severe: 2,000 open severe items.
                    "severity": "Severe"
                    if i >= count - SERIES
                    else ("Minor", "Moderate", "Severe")[i % 3],
                    # Each series is one situation item, named after its first entry.
                    "item_id": series + 1,
                    "status": "new",
                    "source": None,
                    "sector": None,
                    "text": "Benchmark entry.",
                    "tlp": ("GREEN", "AMBER", "AMBER")[i % 3],
                    "tlp_rank": (1, 2, 2)[i % 3],
                    "revision": 1,
                }
            )
            figures.append(
                {
                    "entry_id": i + 1,
                    "metric": f"metric{metric}",
                    "value": float(i % 500),
                    "unit": None,
                    "label": "m",
                }
            )
        async with db.transaction() as session:
            await session.execute(insert(SituationEntry), entries)
            await session.execute(insert(EntryFigure), figures)
    return incident


async def seed_exercise(db: Database, count: int, first_id: int) -> None:
    """`count` entries of the exercise incident `oefening`, extreme ones among them."""
    now = datetime.now(UTC)
    async with db.transaction() as session:
        if await session.get(Incident, "oefening") is None:
            session.add(warm_incident("oefening", now, "bench", exercise=True))
    rows = [
        {
            "id": first_id + i,
            "incident": "oefening",
            "category": "shelter",
            "organisation": f"org{i % 200}",
            "reporter": "@l:bench",
            "room_id": f"!oef{i % 20}:bench",
            "source_event_id": f"$oef{first_id + i}",
            "observed_at": now - timedelta(seconds=i),
            "recorded_at": now - timedelta(seconds=i),
            "updated_at": now - timedelta(seconds=i),
            "municipality": f"Gemeente {i % 50}",
            "place": f"Gemeente {i % 50}",
            "region": f"Regio {i % 10}",
            "location": None,
            "severity": "Extreme" if i % 10 == 0 else "Severe",
            "item_id": first_id + i,
            "status": "new",
            "source": None,
            "sector": None,
            "text": "OEFENING bench entry.",
            "tlp": "GREEN",
            "tlp_rank": 1,
            "revision": 1,
        }
        for i in range(count)
    ]
    async with db.transaction() as session:
        await session.execute(insert(SituationEntry), rows)


async def real_picture(db: Database, incident: Incident) -> int:
    """The real incident's picture as `!beeld` builds it: entries, series, open questions."""
    async with db.transaction() as session:
        picture = await build_picture(
            session, ACCESS, "bench", changes_since=datetime.now(UTC) - timedelta(minutes=5)
        )
        questions = await open_questions.open_for(session, ACCESS, incident="bench")
    render_picture(RoomPicture(incident, picture, questions, False), datetime.now(UTC), "nl")
    return picture.entry_count


async def run_exercise(workdir: Path, size: int, extra: int, rounds: int) -> None:
    """Two databases with the same real incident, one with `extra` exercise entries beside
    it; their real pictures are timed in alternation, so load on a shared machine falls
    on both alike."""
    print(
        f"exercise isolation: the real picture at {size:,} entries, beside {extra:,} exercise ones"
    )
    dbs: list[Database] = []
    incidents: list[Incident] = []
    for name in ("plain", "exercise"):
        db = Database(f"sqlite+aiosqlite:///{workdir / f'exercise-{name}.db'}")
        await db.migrate()
        incidents.append(await seed(db, size))
        if name == "exercise":
            await seed_exercise(db, extra, size + 1)
        await real_picture(db, incidents[-1])  # warm caches and the series tables
        dbs.append(db)
    times: list[list[float]] = [[], []]
    counts = [await real_picture(db, incident) for db, incident in zip(dbs, incidents, strict=True)]
    for n in range(rounds * 2):
        which = n % 2 if n % 4 < 2 else 1 - n % 2  # ABBA: neither side always goes first
        started = time.perf_counter()
        await real_picture(dbs[which], incidents[which])
        times[which].append((time.perf_counter() - started) * 1000)
    for db in dbs:
        await db.close()
    base, with_exercise = (statistics.median(t) for t in times)
    ratio = with_exercise / base
    print(
        f"  without: median {base:6.1f} ms p95 {p95(times[0]):6.1f} ms"
        f" | with {extra:,} exercise entries: median {with_exercise:6.1f} ms"
        f" p95 {p95(times[1]):6.1f} ms ({rounds} rounds each, alternating)"
    )
    print(
        f"  ratio {ratio:.3f} (target <= 1.10: {'met' if ratio <= 1.10 else 'NOT met'}); "
        f"entries shown {counts[0]} without, {counts[1]} with the exercise"
        f" ({'same' if counts[0] == counts[1] else 'DIFFERENT: exercise leaked'})"
    )


async def sql_picture(db: Database, incident: Incident) -> int:
    # A transaction, as in the bot: the series refresh it carries is committed.
    async with db.transaction() as session:
        picture = await build_picture(
            session, ACCESS, "bench", changes_since=datetime.now(UTC) - timedelta(minutes=5)
        )
    render_picture(RoomPicture(incident, picture, [], False), datetime.now(UTC), "nl")
    return picture.entry_count


async def python_picture(db: Database, incident: Incident) -> int:
    """The baseline: every visible row into Python, then latest-per-group and sums by hand."""
    async with db.session() as session:
        rows = (
            await session.execute(
                select(
                    SituationEntry.id,
                    SituationEntry.category,
                    SituationEntry.organisation,
                    SituationEntry.municipality,
                    SituationEntry.region,
                    SituationEntry.observed_at,
                    SituationEntry.severity,
                    SituationEntry.tlp,
                    EntryFigure.metric,
                    EntryFigure.value,
                )
                .join(EntryFigure, EntryFigure.entry_id == SituationEntry.id, isouter=True)
                .where(
                    SituationEntry.incident == "bench",
                    SituationEntry.retracted_at.is_(None),
                    tlp.visible_clause(
                        ACCESS,
                        SituationEntry.tlp_rank,
                        SituationEntry.room_id,
                        SituationEntry.organisation,
                    ),
                )
            )
        ).all()
    latest: dict[tuple[object, ...], object] = {}
    figures: dict[tuple[object, ...], tuple[datetime, float, object]] = {}
    for row in rows:
        key = (row.category, row.organisation, row.municipality)
        if key not in latest or row.observed_at > latest[key].observed_at:  # type: ignore[attr-defined]
            latest[key] = row
        if row.metric is not None:
            source = (row.organisation, row.municipality, row.metric)
            if source not in figures or row.observed_at > figures[source][0]:
                figures[source] = (row.observed_at, row.value, row.region)
    sums: dict[tuple[object, object], float] = {}
    for (_org, _mun, metric), (_at, value, region) in figures.items():
        sums[(metric, region)] = sums.get((metric, region), 0.0) + value
    return len(rows)


async def measure(fn: Callable[[], Awaitable[int]], rounds: int) -> tuple[list[float], float]:
    """Times without tracing (tracemalloc slows every allocation), then one traced run for memory."""
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        await fn()
        times.append((time.perf_counter() - started) * 1000)
    tracemalloc.start()
    await fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return times, peak / 1e6


async def run(
    url_for: Callable[[int], Awaitable[str]], name: str, sizes: list[int], rounds: int
) -> None:
    print(f"{name}: !beeld generation (SQL aggregation) vs loading every row into Python")
    previous: float | None = None
    for size in sizes:
        db = Database(await url_for(size))
        await db.migrate()
        incident = await seed(db, size)
        await sql_picture(db, incident)  # warm caches

        async def sql(db: Database = db, incident: Incident = incident) -> int:
            return await sql_picture(db, incident)

        async def naive(db: Database = db, incident: Incident = incident) -> int:
            return await python_picture(db, incident)

        sql_times, sql_peak = await measure(sql, rounds)
        py_times, py_peak = await measure(naive, max(3, rounds // 3))
        await db.close()
        median = statistics.median(sql_times)
        growth = f"  x{median / previous:.1f} for x10 entries" if previous else ""
        previous = median
        print(
            f"  {size:>7,} entries: sql median {median:7.1f} ms p95 {p95(sql_times):7.1f} ms peak {sql_peak:5.1f} MB"
            f" | python median {statistics.median(py_times):7.1f} ms peak {py_peak:6.1f} MB"
            f" | ratio {statistics.median(py_times) / median:4.1f}x{growth}"
        )
    if name == "sqlite":
        print(
            f"  target < 200 ms at 100,000 on SQLite: {'met' if sizes[-1] >= 100_000 and median < 200 else 'see above'}"
        )


async def main(sizes: list[int], backends: list[str], rounds: int, exercise: int = 0) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="knooppunt-bench-"))
    try:
        if exercise:
            await run_exercise(workdir, sizes[0], exercise, rounds)
            return
        if "sqlite" in backends:

            async def sqlite_url(size: int) -> str:
                return f"sqlite+aiosqlite:///{workdir / f'picture{size}.db'}"

            await run(sqlite_url, "sqlite", sizes, rounds)
        if "postgresql" in backends:
            from tests.support.postgres import Postgres

            with Postgres() as server:

                async def pg_url(size: int) -> str:
                    return server.create_database()

                await run(pg_url, "postgresql", sizes, rounds)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--backend", action="append", choices=("sqlite", "postgresql"))
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument(
        "--exercise", type=int, default=0, help="exercise isolation case with this many entries"
    )
    args = parser.parse_args()
    asyncio.run(
        main(
            [int(s) for s in args.sizes.split(",")],
            args.backend or ["sqlite", "postgresql"],
            args.rounds,
            args.exercise,
        )
    )
