"""The web portal's incident page at 100,000 entries, against `!beeld` in the same run;
and what 50 viewers with live updates do to the report path.

1. Server-side render time: the portal's real handler (`Portal.incident_page`: token
   check, the same picture query as `!beeld`, change marker, audit, jinja2 render) and
   one chart (`Portal.chart`, pygal), against `!beeld` as its handler runs it
   (`picture_for_room` + `render_room_picture`), interleaved, median and p95.
   Target: incident page p95 < 300 ms at 100,000 entries on SQLite.
2. Viewers: the report path (`process_message` with a `!melding`, as bench.report_path)
   with reports arriving every `--interval` seconds, alone and with `--viewers` viewers
   in the same process and event loop as the bot, each polling the change marker every
   2 s and, when it moved, loading the page and its charts again (what portal.js does).
   Target: under 20% added to the report path's p95. Bounded: stops after `--reports`.
   The page is built at most once per `REBUILD_SECONDS` per room view while reports
   arrive (bot/web/portal.py); page views are audited in batches.

    .venv/bin/python -m bench.portal [--stored 100000] [--rounds 30] [--viewers 50]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import re
import shutil
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from aiohttp.test_utils import make_mocked_request

from bench.picture import seed
from bench.report_path import BINDING, timed_report
from bench.report_path import ROOM as LIAISON_ROOM
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


async def prepare(db: Database, stored: int) -> tuple[Incident, str]:
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
        token, _ = await portal_links.create(session, COORD, "@viewer:bench", now, 12)
    return incident, token


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


async def report_path(
    db: Database, reports: int, interval: float, portal: Portal | None, viewers: int, token: str
) -> tuple[list[float], int]:
    dispatcher = build_dispatcher(CommandSettings(bot_user_id="@bot:bench"))

    def view(room_id: RoomId, is_direct: bool, binding: BindingView | None) -> RoomView:
        return RoomView(room_id=room_id, role="liaison", binding=binding or BINDING, encrypted=True)

    stop = asyncio.Event()
    loads = 0

    async def viewer(n: int) -> None:
        nonlocal loads
        assert portal is not None
        request = make_mocked_request("GET", f"/p/{token}/marker", match_info={"token": token})
        seen = ""
        await asyncio.sleep(2 * n / max(1, viewers))  # viewers opened the page at different times
        while not stop.is_set():
            marker = (await portal.marker(request)).text or ""
            if marker != seen:
                seen = marker
                html = await page(portal, token)
                for metric in re.findall(r"chart\?m=([^\"&]+)", html):
                    await chart(portal, token, metric)
                loads += 1
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 2)

    tasks = [asyncio.create_task(viewer(n)) for n in range(viewers if portal else 0)]
    times: list[float] = []
    try:
        for n in range(reports):
            try:
                elapsed, _replies = await timed_report(db, dispatcher, view, n + 1)
            except Exception as exc:  # counted and shown, not hidden in the figures
                print(f"  report {n + 1} failed: {type(exc).__name__}: {str(exc)[:80]}")
                continue
            times.append(elapsed)
            await asyncio.sleep(interval)
    finally:
        stop.set()
        await asyncio.gather(*tasks)
    return times, loads


async def main(stored: int, rounds: int, viewers: int, reports: int, interval: float) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="knooppunt-bench-portal-"))
    try:
        db = Database(f"sqlite+aiosqlite:///{workdir / 'portal.db'}")
        await db.migrate()
        started = time.perf_counter()
        incident, token = await prepare(db, stored)
        print(f"sqlite: {stored:,} entries seeded in {time.perf_counter() - started:.1f}s")
        portal = Portal(db, "nl")
        await render_times(db, portal, incident, token, rounds)
        await portal.flush_audit()  # the render phase's views, not during the baseline
        if viewers:
            alone, _ = await report_path(db, reports, interval, None, 0, token)
            builds = portal.builds
            watched, loads = await report_path(db, reports, interval, portal, viewers, token)
            builds = portal.builds - builds
            print(line(f"report path, no viewers ({reports})", alone))
            print(line(f"report path, {viewers} live viewers", watched))
            added = (p95(watched) / p95(alone) - 1) * 100
            print(
                f"  {loads} page loads (with charts) by the viewers, {builds} page builds;"
                f" p95 added: {added:+.0f}%"
            )
            print(f"  target under +20%: {'met' if added < 20 else 'NOT met'}")
        await portal.close()  # the queued page-view audits
        await db.close()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--stored", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--viewers", type=int, default=50)
    parser.add_argument("--reports", type=int, default=100)
    parser.add_argument("--interval", type=float, default=0.25)
    args = parser.parse_args()
    asyncio.run(main(args.stored, args.rounds, args.viewers, args.reports, args.interval))
