"""Building a portal page or chart: read the picture, render it. In the bot's process,
or in a worker process of its own.

A build is the portal's one costly step (a picture as large as `!beeld`'s, jinja2,
pygal: 100 ms and more at 100,000 entries), and the bot has one event loop: in the
bot's process every millisecond of it is a millisecond a report waits (a thread does
not help much: the GIL). With `workers=1` the builds run in a separate process
(`concurrent.futures.ProcessPoolExecutor`, "spawn"), which opens the same database
itself and only reads; the bot's loop just waits for the result. The code of a build
is the same either way (`read_page`, `render_page`, `draw_chart`), and so are the
query and TLP rule: the worker calls `picture_service.picture_for_room` as `!beeld`
does. An in-memory SQLite database cannot be shared, so it always builds in process.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.web import charts, render
from commands.i18n import Language, t
from commands.phone import METRICS
from storage import alerts, incidents, picture_service, portal_view, series
from storage.engine import Database
from storage.picture_service import RoomPicture

log = logging.getLogger("knooppunt.portal")


@dataclass(frozen=True)
class PageJob:
    """What one page build needs (sent to the worker as is: plain data only)."""

    view: portal_view.PortalRoom
    actor: str
    now: datetime
    since: datetime | None
    lang: Language
    base: str
    print_view: bool
    marker: str
    # Bring the incident's series tables up to date first (storage/series.py), in a
    # short write transaction of its own: in the worker, off the bot's loop.
    refresh: bool = False


Page = tuple[str, dict[str, Any]]  # the HTML, and what it showed (for the audit)
Chart = tuple[str, list[int]]  # the SVG, and the entry ids it used


async def refresh_series(db: Database, incident: str) -> bool:
    """The series write, committed before the page is read (no write transaction is
    open while a picture is built). False when it could not be done now (another
    writer held on too long): the page is then built from the tables as they are, and
    the next build tries again."""
    try:
        await series.refresh_with_short_lock(db, incident)
    except Exception:
        log.exception("portal: series refresh failed; page built from the tables as they are")
        return False
    return True


async def read_page(db: Database, job: PageJob) -> tuple[RoomPicture, dict[str, Any]] | None:
    """The room's picture, read only, and what it shows; None when the incident is gone."""
    async with db.session() as session:
        incident = await incidents.get(session, job.view.incident)
        if incident is None:
            return None
        room_picture = await picture_service.picture_for_room(
            session,
            job.view.access,
            incident,
            job.now,
            actor=job.actor,
            curator=job.view.role == "curator",
            view_only=True,
            changes_since=job.since,
            refresh_series=False,
            coordinator_of=alerts.coordinator_of(job.view.role, job.view.incident),
        )
    picture = room_picture.picture
    shown = {
        "shown": sorted(f"M-{i}" for i in picture.entry_ids),
        "entries": picture.entry_count,
        "tlp": picture.highest_label,
        "open_questions": [f"V{q.id}" for q in room_picture.questions],
        # The assessments, decisions and actions the page shows (O-n, B-n, A-n).
        "record": [item.code for item in room_picture.record.items],
        "charts": render.charted_metrics(picture),
        # The reports the page names as heard of, as `picture.sent` audits them: only
        # when there are any.
        **(
            {"heard_of": [h.code for h in room_picture.heard_of.shown]}
            if room_picture.heard_of.shown
            else {}
        ),
    }
    return room_picture, shown


def render_page(room_picture: RoomPicture, job: PageJob) -> str:
    return render.incident_page(
        room_picture,
        job.view,
        job.now,
        job.lang,
        job.base,
        print_view=job.print_view,
        marker=job.marker,
        curator=job.view.role == "curator",
    )


async def draw_chart(
    db: Database, view: portal_view.PortalRoom, metric: str, lang: Language
) -> Chart:
    async with db.session() as session:
        lines, used = await portal_view.figure_history(session, view, metric)
    svg = charts.line_chart(METRICS.label(metric, lang), lines, t(lang, "portal.nothing"))
    return svg, sorted(used)


# The worker process's own event loop and database, made once when it starts.
_worker: dict[str, Any] = {}


def _start_worker(url: str) -> None:
    # A page can wait; a report should not: builds run below the bot's CPU priority, so
    # on a busy machine the scheduler gives the cores to the report path first.
    with contextlib.suppress(OSError):
        os.nice(10)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    _worker["loop"], _worker["db"] = loop, Database(url)


def _page_in_worker(job: PageJob) -> Page | None:
    async def build() -> Page | None:
        if job.refresh:
            await refresh_series(_worker["db"], job.view.incident)
        found = await read_page(_worker["db"], job)
        return None if found is None else (render_page(found[0], job), found[1])

    result: Page | None = _worker["loop"].run_until_complete(build())
    return result


def _chart_in_worker(view: portal_view.PortalRoom, metric: str, lang: Language) -> Chart:
    result: Chart = _worker["loop"].run_until_complete(
        draw_chart(_worker["db"], view, metric, lang)
    )
    return result


def _ready() -> bool:
    return True


class Builder:
    """Builds pages and charts, in a worker process when `workers` > 0 (and the
    database can be opened by another process), else in this one."""

    def __init__(self, db: Database, workers: int = 0) -> None:
        self.db = db
        shared = not (db.is_sqlite and ":memory:" in db.url)
        self.workers = workers if shared else 0
        self._pool: Executor | None = None

    def start(self) -> None:
        """Start the worker if it is not running (it takes a second to import what it
        needs). Called by the first build, so a bot whose portal nobody opens never
        spends a process on it."""
        if self.workers and self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
                initargs=(self.db.url,),
            )
            self._pool.submit(_ready)

    async def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            await asyncio.to_thread(pool.shutdown, True, cancel_futures=True)

    async def _in_worker(self, function: Any, *args: Any) -> Any:
        """Run in the worker; None when there is none (or it broke: then the next
        build starts a new one, and this one is built in process)."""
        self.start()
        if self._pool is None:
            return None
        try:
            return await asyncio.get_running_loop().run_in_executor(self._pool, function, *args)
        except BrokenProcessPool:
            log.exception("portal build worker stopped; building in the bot's process")
            self._pool = None
            return None

    async def page(self, job: PageJob) -> Page | None:
        if self.workers:
            done = await self._in_worker(_page_in_worker, job)
            if done is not None or self._pool is not None:
                return done  # type: ignore[no-any-return]
        if job.refresh:
            await refresh_series(self.db, job.view.incident)
        found = await read_page(self.db, job)
        if found is None:
            return None
        # The reads are done; jinja2 runs in a thread beside the loop.
        return await asyncio.to_thread(render_page, found[0], job), found[1]

    async def chart(self, view: portal_view.PortalRoom, metric: str, lang: Language) -> Chart:
        if self.workers:
            done = await self._in_worker(_chart_in_worker, view, metric, lang)
            if done is not None:
                return done  # type: ignore[no-any-return]
        async with self.db.session() as session:
            lines, used = await portal_view.figure_history(session, view, metric)
        svg = await asyncio.to_thread(
            charts.line_chart, METRICS.label(metric, lang), lines, t(lang, "portal.nothing")
        )
        return svg, sorted(used)
