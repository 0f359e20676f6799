"""The web portal's incident page at 100,000 entries, against `!beeld` in the same run;
and what 50 viewers with live updates do to the report path.

1. Server-side render time: the portal's real handler (`Portal.incident_page`: token
   check, the same picture query as `!beeld`, change marker, audit, jinja2 render) and
   one chart (`Portal.chart`, pygal), against `!beeld` as its handler runs it
   (`picture_for_room` + `render_room_picture`), interleaved, median and p95.
   Target: incident page p95 < 300 ms at 100,000 entries on SQLite.
2. Viewers: the report path (`process_message` with a `!melding`, as bench.report_path)
   with reports arriving every `--interval` seconds, alone and with `--viewers` viewers,
   in alternating blocks of `--per-block` reports: alone, watched, alone, ..., alone
   (`--blocks` watched blocks, one more alone). The portal is served over real HTTP on 127.0.0.1
   by the bot's event loop; the viewers are a process of their own, as browsers are
   (bench/portal_viewers.py): each has its own link, keeps its page's event stream
   open and, when a new page is pushed, loads the charts whose URL (version) changed
   (what portal.js and a browser do). Pages and charts are built in the worker process
   (`--build-workers 0`: in the bot's process). Reported: the report path's median and
   p95 in both phases, their ratio, and the event loop's CPU per second in both (what
   the viewers add to the loop's work, however busy the machine is). The figure that
   counts is the median over the watched blocks of p95(block) / p95(the two alone
   blocks around it), with its quartiles and range: a p95 of a few hundred reports
   pooled over the run moves 20-40% from run to run on a shared machine, the median of
   the paired blocks much less. Target: under 20% added to the report path's p95.
   Bounded: (2 * blocks + 1) * per-block reports, about 3 minutes by default.

    .venv/bin/python -m bench.portal [--stored 100000] [--rounds 30] [--viewers 50]
        [--per-block 40] [--blocks 8] [--interval 0.25] [--build-workers 1]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import re
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.test_utils import make_mocked_request

from bench.picture import seed
from bench.report_path import BINDING, timed_report
from bench.report_path import ROOM as LIAISON_ROOM
from bot.http import RUNNER_OPTIONS
from bot.web.portal import Portal
from commands.builtin import build_dispatcher
from commands.dispatcher import CommandSettings, RoomView
from commands.picture import render_room_picture
from storage import picture_service, portal_links, tlp
from storage import rooms as room_repo
from storage.engine import Database
from storage.ids import RoomId
from storage.models import Incident
from storage.rooms import BindingView

COORD = RoomId("!coord:bench")
ACCESS = tlp.RoomAccess(COORD, bound=True, clearance="AMBER", organisation="VR")


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def line(name: str, times: list[float]) -> str:
    return f"{name:<34} median {statistics.median(times):7.1f} ms  p95 {p95(times):7.1f} ms"


async def prepare(db: Database, stored: int, viewers: int) -> tuple[Incident, list[str]]:
    """The seeded incident, and links to the coordinator room's view: the first for the
    render timings, one per viewer (each viewer is another person with their own link)."""
    incident = await seed(db, stored)
    now = datetime.now(UTC)
    async with db.transaction() as session:
        for room_id, role, org in ((COORD, "coordinator", "VR"), (LIAISON_ROOM, "liaison", "GGD")):
            await room_repo.mark_joined(session, room_id, now)
            await room_repo.bind(
                session,
                room_id,
                role=role,
                incident="bench",
                organisation=org,
                tlp_default="AMBER",
                clearance="AMBER",
                by="bench",
            )
        tokens = [
            (await portal_links.create(session, COORD, f"@viewer{n}:bench", now, 12))[0]
            for n in range(max(1, viewers))
        ]
    return incident, tokens


async def beeld(db: Database, incident: Incident) -> None:
    now = datetime.now(UTC)
    async with db.transaction() as session:
        room_picture = await picture_service.picture_for_room(
            session, ACCESS, incident, now, actor="@coordinator:bench"
        )
        await render_room_picture(session, ACCESS, room_picture, now, "nl", "!", False)


async def page(portal: Portal, token: str) -> str:
    response = await portal.incident_page(
        make_mocked_request("GET", f"/p/{token}", match_info={"token": token})
    )
    assert response.status == 200, response.status
    return response.text or ""


async def chart(portal: Portal, token: str, metric: str) -> None:
    response = await portal.chart(
        make_mocked_request("GET", f"/p/{token}/chart?m={metric}", match_info={"token": token})
    )
    assert response.status == 200 and (response.text or "").startswith("<svg")


async def timed(coroutine: object) -> float:
    started = time.perf_counter()
    await coroutine  # type: ignore[misc]
    return (time.perf_counter() - started) * 1000


async def render_times(
    db: Database, portal: Portal, incident: Incident, token: str, rounds: int
) -> None:
    html = await page(portal, token)  # warm: the series tables are brought up to date once
    await beeld(db, incident)
    metrics = re.findall(r"chart\?m=([^\"&]+)", html)
    beeld_times: list[float] = []
    page_times: list[float] = []
    shared_times: list[float] = []
    chart_times: list[float] = []
    for n in range(rounds):
        beeld_times.append(await timed(beeld(db, incident)))
        portal.clear_cache()  # cold: the first viewer after a change
        page_times.append(await timed(page(portal, token)))
        shared_times.append(await timed(page(portal, token)))  # the next viewers
        chart_times.append(await timed(chart(portal, token, metrics[n % len(metrics)])))
    print(line("!beeld (build + render)", beeld_times))
    print(line("portal incident page, first viewer", page_times))
    print(line("portal incident page, next viewers", shared_times))
    print(line("portal one chart (pygal), cold", chart_times))
    print(
        f"  portal page / !beeld, medians: {statistics.median(page_times) / statistics.median(beeld_times):.2f}"
    )
    print(f"  page: {len(html):,} bytes, {len(metrics)} charts linked")
    verdict = "met" if p95(page_times) < 300 else "NOT met"
    print(f"  target incident page p95 < 300 ms: {verdict}")


async def reports(
    db: Database,
    count: int,
    interval: float,
    failed: list[str],
    first: int = 1,
    phase: str = "",
) -> list[float]:
    """`count` timed reports through the core (numbered from `first`), one every
    `interval` seconds; a failing report is counted in `failed` (and shown), not in
    the times."""
    dispatcher = build_dispatcher(CommandSettings(bot_user_id="@bot:bench"))

    def view(room_id: RoomId, is_direct: bool, binding: BindingView | None) -> RoomView:
        return RoomView(room_id=room_id, role="liaison", binding=binding or BINDING, encrypted=True)

    times: list[float] = []
    for n in range(first, first + count):
        started, queued = time.perf_counter(), run_queue_ms()
        try:
            elapsed, _replies = await timed_report(db, dispatcher, view, n)
        except Exception as exc:  # counted and shown, not hidden in the figures
            failed.append(f"{type(exc).__name__}: {str(exc)[:80]}")
            print(f"  report {n} failed: {failed[-1]}")
            continue
        times.append(elapsed)
        OVERLAPS.report(phase, started, elapsed, run_queue_ms() - queued)
        await asyncio.sleep(interval)
    return times


class GcPauses:
    """The garbage collector's pauses in this process (the bot's loop) per phase and
    generation: a full collection walks every live object and holds the loop for all of
    it (yesterday ~150 ms with viewers), which a report waiting then has on its p95."""

    def __init__(self) -> None:
        self.phase = "setup"
        self.pauses: dict[tuple[str, int], list[float]] = {}
        self._started = 0.0
        gc.callbacks.append(self._callback)

    def _callback(self, what: str, info: dict[str, int]) -> None:
        if what == "start":
            self._started = time.perf_counter()
            return
        elapsed = (time.perf_counter() - self._started) * 1000
        self.pauses.setdefault((self.phase, info["generation"]), []).append(elapsed)

    def close(self) -> None:
        gc.callbacks.remove(self._callback)

    def summary(self, phase: str) -> str:
        parts = []
        for generation in (0, 1, 2):
            found = self.pauses.get((phase, generation), [])
            if found:
                parts.append(
                    f"gen{generation} {len(found)}x max {max(found):.1f} ms"
                    f" total {sum(found):.0f} ms"
                )
        return ", ".join(parts) or "none"


GC = GcPauses()


def run_queue_ms() -> float:
    """How long this process's threads (the loop, aiosqlite's) have waited, runnable, for
    a core so far (Linux: /proc/self/task/*/schedstat, second field, in ns); 0 where it
    cannot be read. Over a report: the part of its time the machine's other work took."""
    total = 0
    for task in Path("/proc/self/task").glob("*/schedstat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            total += int(task.read_text().split()[1])
    return total / 1e6


class Overlaps:
    """When the portal's builds (the worker's read, series write and render, awaited by
    the loop) and audit flushes (a write transaction in the bot's process) ran, and
    when each report did: of the slow reports, how many ran while one of those did. A
    write transaction that a report's own must wait for costs it SQLite's busy
    handler's sleeps (1, 2, 5, 10 ms, ...), not only the other's length."""

    def __init__(self) -> None:
        self.spans: dict[str, list[tuple[float, float]]] = {"build": [], "audit flush": []}
        self.reports: dict[str, list[tuple[float, float, float]]] = {}
        self.queued: dict[str, list[tuple[float, float]]] = {}  # (ms, ms waiting for a core)

    def wrap(self, owner: Any, name: str, kind: str) -> None:
        original = getattr(owner, name)

        async def timed_call(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return await original(*args, **kwargs)
            finally:
                self.spans[kind].append((started, time.perf_counter()))

        setattr(owner, name, timed_call)

    def report(self, phase: str, started: float, elapsed: float, queued: float = 0.0) -> None:
        self.reports.setdefault(phase, []).append((started, time.perf_counter(), elapsed))
        self.queued.setdefault(phase, []).append((elapsed, queued))

    def run_queue(self, phase: str, above: float) -> str:
        """What the slow reports, and all, waited for a core (the machine's other work:
        other processes, the build worker, the viewers) against how long they took."""
        every = self.queued.get(phase, [])
        slow = [(ms, q) for ms, q in every if ms > above]
        if not slow:
            return "no slow reports"

        def share(found: list[tuple[float, float]]) -> str:
            waited, took = sum(q for _ms, q in found), sum(ms for ms, _q in found)
            median = statistics.median(q for _ms, q in found)
            return f"median {median:.1f} ms, {100 * waited / max(took, 1e-9):.0f}% of their time"

        return (
            f"the {len(slow)} slow reports waited for a core {share(slow)};"
            f" all {len(every)}: {share(every)}"
        )

    def summary(self, phase: str, above: float) -> str:
        every = [(a, b) for a, b, _ms in self.reports.get(phase, [])]
        slow = [(a, b) for a, b, ms in self.reports.get(phase, []) if ms > above]
        parts = [f"{len(slow)} reports over {above:.1f} ms"]
        for kind, spans in self.spans.items():

            def during(reports: list[tuple[float, float]], spans: Any = spans) -> int:
                return sum(any(a < end and start < b for start, end in spans) for a, b in reports)

            share = 100 * during(every) / max(1, len(every))
            parts.append(f"{during(slow)} of them during a portal {kind} (of all: {share:.0f}%)")
        return ", ".join(parts)


OVERLAPS = Overlaps()


class Blocks:
    """The report times of each block, in the order run: alone, watched, alone, ...,
    alone (one more alone block than watched ones, so that every watched block has an
    alone block on either side)."""

    def __init__(self) -> None:
        self.alone: list[list[float]] = []
        self.watched: list[list[float]] = []

    def pooled(self, name: str) -> list[float]:
        return [t for block in getattr(self, name) for t in block]

    def ratios(self) -> list[float]:
        """Per watched block: its p95 over the p95 of the two alone blocks around it
        (a load that comes and goes on a shared machine, or a drift over the run,
        falls on both sides of each ratio about equally)."""
        found = []
        for n, watched in enumerate(self.watched):
            around = self.alone[n] + (self.alone[n + 1] if n + 1 < len(self.alone) else [])
            if watched and around:
                found.append(p95(watched) / p95(around))
        return found


def spread(values: list[float]) -> str:
    """Median, quartiles and range of the per-block ratios, as added percentages."""
    if not values:
        return "no blocks"
    ordered = sorted(values)
    quartiles = (
        statistics.quantiles(ordered, n=4, method="inclusive") if len(ordered) > 1 else ordered * 3
    )
    pct = [(v - 1) * 100 for v in (statistics.median(ordered), *quartiles, ordered[0], ordered[-1])]
    return (
        f"median {pct[0]:+.0f}%, quartiles {pct[1]:+.0f}% .. {pct[3]:+.0f}%,"
        f" range {pct[4]:+.0f}% .. {pct[5]:+.0f}% ({len(values)} blocks)"
    )


async def start_viewers(tokens: list[str], port: int, limit: float) -> Any:
    """The viewers' process, once every viewer has its page and stream open."""
    # The viewers stand in for 50 browsers on other machines: their client work is not
    # the bot's, so on a 2-core bench box they run at the lowest CPU priority and take
    # only what the bot leaves (else the harness, not the portal, slows the reports).
    child = await asyncio.create_subprocess_exec(
        "nice",
        "-n",
        "19",
        sys.executable,
        "-m",
        "bench.portal_viewers",
        f"http://127.0.0.1:{port}",
        str(limit),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert child.stdin is not None and child.stdout is not None
    child.stdin.write("".join(f"{token}\n" for token in tokens).encode() + b"\n")
    await child.stdin.drain()
    ready = await asyncio.wait_for(child.stdout.readline(), limit)
    assert ready.strip() == b"ready", ready
    return child


async def alone_and_watched(
    db: Database,
    portal: Portal,
    tokens: list[str],
    size: int,
    interval: float,
    blocks: int,
    failed: dict[str, list[str]],
) -> tuple[Blocks, dict[str, Any]]:
    """The report path alone and while the viewers watch, in alternating blocks of
    `size` reports each (alone, watched, alone, ..., alone: `blocks` watched blocks),
    so that a load that comes and goes on a shared machine falls on both about
    equally. The portal is served over real HTTP on 127.0.0.1 by this process's event
    loop (the bot's); the viewers run in a process of their own
    (bench/portal_viewers.py), as browsers do, and are paused (their pages hidden:
    streams closed, no polls) during the blocks alone. Bounded: the viewers stop when
    the reports are done, and after a time limit in any case."""
    app = web.Application()
    portal.install(app)
    runner = web.AppRunner(app, **RUNNER_OPTIONS)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    limit = 60 + (2 * blocks + 1) * size * (interval + 1)
    child = await start_viewers(tokens, port, limit)
    stdin, stdout = child.stdin, child.stdout

    async def tell(command: str, answer: str) -> None:
        stdin.write(f"{command}\n".encode())
        await stdin.drain()
        said = await asyncio.wait_for(stdout.readline(), limit)
        assert said.strip() == answer.encode(), said

    times = Blocks()
    OVERLAPS.wrap(portal.builder, "page", "build")
    OVERLAPS.wrap(portal._audits, "flush", "audit flush")
    # CPU time of this thread (the bot's event loop) per phase, and the wall time: what
    # the viewers add to the loop's work, whatever else the machine is doing.
    cpu = {"alone": 0.0, "watched": 0.0}
    wall = {"alone": 0.0, "watched": 0.0}
    pushes = portal.pushes

    async def phase(name: str, first: int) -> None:
        started_cpu, started = time.thread_time(), time.perf_counter()
        GC.phase = name
        getattr(times, name).append(await reports(db, size, interval, failed[name], first, name))
        cpu[name] += time.thread_time() - started_cpu
        wall[name] += time.perf_counter() - started
        GC.phase = "between"

    try:
        for block in range(blocks):
            await tell("pause", "paused")
            await phase("alone", 1 + 2 * block * size)
            await tell("resume", "resumed")
            await phase("watched", 1 + (2 * block + 1) * size)
        await tell("pause", "paused")
        await phase("alone", 1 + 2 * blocks * size)
        stdin.write(b"stop\n")
        await stdin.drain()
        counts = json.loads(await asyncio.wait_for(stdout.readline(), limit))
        counts["loop_ms_per_s"] = {k: 1000 * cpu[k] / max(wall[k], 1e-9) for k in cpu}
        counts["sent"] = portal.pushes - pushes
        # Streams the portal dropped because their viewer did not read (none should be).
        counts["dropped"] = getattr(portal, "dropped", 0)
    finally:
        if child.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                stdin.close()
            await asyncio.wait_for(child.wait(), 30)
        await runner.cleanup()
    return times, counts


def viewers_report(viewers: int, times: Blocks, counts: dict[str, Any], builds: int) -> None:
    alone, watched = times.pooled("alone"), times.pooled("watched")
    print(line(f"report path, no viewers ({len(alone)})", alone))
    print(line(f"report path, {viewers} live viewers ({len(watched)})", watched))
    print(
        f"  viewers over HTTP: {counts['pushes']} pages/updates received, {counts['polls']}"
        f" marker polls, {counts['loads']} page loads, {counts['requests']} requests (streams,"
        f" pages, charts), {counts['errors']} errors in {counts['seconds']} s;"
        f" {builds} page builds; {counts['bytes'] / 1e6:.1f} MB of events received"
        f" ({counts['whole']} pages whole, the rest patches);"
        f" {counts.get('dropped', 0)} streams dropped as not reading"
    )
    busy = counts["loop_ms_per_s"]
    print(
        f"  event loop CPU: {busy['alone']:.0f} ms/s alone, {busy['watched']:.0f} ms/s"
        f" watched: the viewers add {busy['watched'] - busy['alone']:.0f} ms of loop"
        " work per second"
    )
    for phase in ("alone", "watched"):
        print(f"  slow reports {phase}: {OVERLAPS.summary(phase, p95(alone))}")
        print(f"  run queue {phase}: {OVERLAPS.run_queue(phase, p95(alone))}")
    print(f"  GC pauses alone: {GC.summary('alone')}")
    print(f"  GC pauses watched: {GC.summary('watched')}")
    ratios = times.ratios()
    print(
        "  per-block p95 ratios (watched / alone around it): "
        + " ".join(f"{(r - 1) * 100:+.0f}%" for r in ratios)
    )
    print(f"  report path p95 added by the viewers, per block: {spread(ratios)}")
    added = (p95(watched) / p95(alone) - 1) * 100
    medians = (statistics.median(watched) / statistics.median(alone) - 1) * 100
    print(
        f"  pooled: p95 {p95(alone):.1f} ms alone, {p95(watched):.1f} ms watched: added"
        f" {added:+.0f}% (medians: {medians:+.0f}%)"
    )
    median = (statistics.median(ratios) - 1) * 100 if ratios else float("inf")
    print(f"  target under +20% (median of the blocks): {'met' if median < 20 else 'NOT met'}")


async def main(
    stored: int,
    rounds: int,
    viewers: int,
    count: int,
    interval: float,
    workers: int,
    blocks: int,
    freeze: bool = True,
) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="knooppunt-bench-portal-"))
    try:
        db = Database(f"sqlite+aiosqlite:///{workdir / 'portal.db'}")
        await db.migrate()
        started = time.perf_counter()
        incident, tokens = await prepare(db, stored, viewers)
        token = tokens[0]
        print(f"sqlite: {stored:,} entries seeded in {time.perf_counter() - started:.1f}s")
        portal = Portal(db, "nl", build_workers=workers)
        if rounds > 0:
            await render_times(db, portal, incident, token, rounds)
        else:  # --rounds 0: the viewers only (the series tables brought up to date once)
            await page(portal, token)
        await portal.flush_audit()  # the render phase's views, not during the baseline
        if freeze:
            # As the bot does once it has loaded and wired everything (bot/startup.py
            # resume_gc): what exists now is kept out of every later collection, so a
            # full collection during the reports walks only what was made since.
            gc.collect()
            gc.freeze()
        if viewers:
            failed: dict[str, list[str]] = {"alone": [], "watched": []}
            builds = portal.builds
            print(
                f"  objects the collector tracks: {len(gc.get_objects()):,}"
                f" (frozen: {gc.get_freeze_count():,})"
            )
            times, counts = await alone_and_watched(
                db, portal, tokens, count, interval, blocks, failed
            )
            viewers_report(viewers, times, counts, portal.builds - builds)
            if failed["alone"] or failed["watched"]:
                print(
                    f"  failed reports (not in the times): {len(failed['alone'])} alone,"
                    f" {len(failed['watched'])} with viewers"
                )
        await portal.close()  # the queued page-view audits
        await db.close()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--stored", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--viewers", type=int, default=50)
    parser.add_argument(
        "--per-block", type=int, default=40, help="reports in each block, alone or watched"
    )
    parser.add_argument("--interval", type=float, default=0.25)
    parser.add_argument(
        "--build-workers", type=int, default=1, help="0: build pages in the bot's process"
    )
    parser.add_argument(
        "--blocks", type=int, default=8, help="watched blocks (between alone blocks)"
    )
    parser.add_argument(
        "--no-gc-freeze",
        action="store_true",
        help="do not freeze the objects made at start (the bot does: bot/startup.py)",
    )
    args = parser.parse_args()
    asyncio.run(
        main(
            args.stored,
            args.rounds,
            args.viewers,
            args.per_block,
            args.interval,
            args.build_workers,
            args.blocks,
            not args.no_gc_freeze,
        )
    )
