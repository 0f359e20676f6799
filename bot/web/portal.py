"""The portal's routes on the bot's HTTP server: `/p/<token>` and what hangs below it.

Every request under /p/ checks its token first (unknown, expired, revoked: 403 with no
data, the same page for all three) and rebuilds the link's room view from the room's
CURRENT binding (`storage.portal_view.room_view`), so a link can never show more than
its room may see now. The incident page is the picture `!beeld` builds
(`storage.picture_service.picture_for_room`, `view_only`): the same query and TLP rule.
Every page view is audited under the link's owner. Tokens are never logged: the
server has no access log, and errors are logged without the request's path.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import secrets
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from typing import Any

from aiohttp import web

from bot.web import builds, render
from bot.web.security import FailureLimiter, headers_for
from commands.i18n import Language
from commands.reports import parse_since
from storage import audit, portal_links, portal_view
from storage.engine import Database
from storage.timezone import AMSTERDAM
from storage.write_watch import ACCESS, ENTRIES, WriteWatch

log = logging.getLogger("knooppunt.portal")

# Viewers of one room's page share one render while what the room may see is unchanged
# (same room view, same options): 50 open pages cost one picture per change, not 50.
# A page older than CACHE_SECONDS is built again anyway, so ages ("3 min") and open
# questions stay current (and an entry moved to another incident leaves the page).
CACHE_SECONDS = 10.0
CACHE_SIZE = 128
# New reports are taken in at most once per REBUILD_SECONDS per room view: with reports
# arriving every second, live viewers would otherwise rebuild the page (a picture as
# costly as `!beeld`) for every one of them. Worst case for "a new report appears
# within 5 s": the report lands just after a look, is taken in REBUILD_SECONDS later,
# and the next 2-second poll of portal.js sees it: 2 + 2 s plus one build. An edit,
# retraction or relabel of an entry already there is never throttled: the next page
# or chart request looks again at once (`portal_view.existing_changed`).
REBUILD_SECONDS = 2.0
# How long an in-process copy of the incident's change stamp and of a link's check is
# trusted at most. Within it they are dropped at once when this process commits a
# change they depend on (`storage.write_watch`: a report, edit, retraction or relabel;
# a revoked link, a changed binding), so 50 polling viewers cost no database read
# while nothing changes. The limit only bounds how late a write by ANOTHER process
# on the same database is seen.
STAMP_SECONDS = 1.0
LINK_SECONDS = 120.0
LINK_CACHE_SIZE = 4096
MARKER_STAMP_SECONDS = STAMP_SECONDS  # the name tests know it by
# Page views are audited in batches: one transaction every AUDIT_FLUSH_SECONDS instead
# of one write per view competing with the report path for SQLite's write lock. Every
# view is still audited (with the time it happened); `Portal.close` flushes the rest.
# 5 s: with live pages every push is a row per viewer, and each flush is a write
# transaction a report may have to wait behind; fewer, larger flushes collide less
# often (a flush of 250 small rows is a few ms).
AUDIT_FLUSH_SECONDS = 5.0
# Live updates are pushed (server-sent events on /p/<token>/events): an open page
# holds one idle connection, and a change costs the loop one write per open page (of
# the same bytes, mostly a small patch: SENT_KEPT) instead of a poll plus a page
# request each. The pusher looks at the open room views every PUSH_TICK_SECONDS (in
# memory while nothing changed, see `_stamp`) and at once when this process commits a
# change to links, rooms or bindings. An open page is sent
# a new page at most once per PUSH_MIN_SECONDS (and new reports are taken in at most
# once per REBUILD_SECONDS per room view, as for the poll), one build per room view for
# all its pages, and the open pages of a room view are sent it spread
# over PUSH_SPREAD_SECONDS, so the writes, and the charts the pages then load, do not
# all fall into the same milliseconds as a report. Worst case for "a new report
# appears within 5 s": REBUILD_SECONDS + PUSH_TICK_SECONDS + a build + the spread
# (2 + 1 + ~0.3 + 0.5 s). A look costs the loop a read of the change stamp (three
# queries, ~1.6 ms of loop CPU at 100,000 entries) whenever entries were written since
# the last, and with a report every 0.25 s that is every look: a look every 1 s
# instead of 0.5 s, and none for a room view whose pages may not be sent one yet
# (PUSH_MIN_SECONDS), halves what the viewers cost the loop in reads.
PUSH_TICK_SECONDS = 1.0
PUSH_MIN_SECONDS = 1.0
PUSH_SPREAD_SECONDS = 0.5
# Each open page's own task writes the page to its stream; they are woken at most
# PAGES_PER_TURN per turn of the event loop (the next ones a turn later, or, spread,
# PUSH_SPREAD_SECONDS / chunks later), so 50 viewers never make one long turn that a
# report's next step waits behind.
PAGES_PER_TURN = 10
# A viewer that does not read (a phone in a tunnel, a frozen tab) is dropped once more
# than MAX_UNSENT bytes wait unsent on its connection (beyond the kernel's buffers), or
# a write of it has not gone out in WRITE_SECONDS: it holds no one up in any case (its
# own task waits, nobody else), and this bounds what it holds in memory. The browser
# opens the stream again by itself and catches up (a patch, or the whole page).
MAX_UNSENT = 1 << 20
WRITE_SECONDS = 30.0
# The pages a stream was sent are kept (their text, as lines) so that the next page is
# sent as a patch against the one the viewer holds: the lines it has are named by
# number, only new lines are sent (a new report is a few of the page's ~800 lines;
# the whole page is 160 KB at 100,000 entries). A viewer whose page is no longer kept
# (or who has none: a page loaded over HTTP holds the viewer's own links, not the
# shared text) is sent the whole page.
SENT_KEPT = 16
KEEPALIVE_SECONDS = 25.0  # a comment line, so proxies keep an idle stream open
STREAMS_PER_LINK = 4  # more tabs of one link than this: the oldest stream is closed
MAX_STREAMS = 1000


@dataclass
class _Mark:
    """What one room view may see, as last looked at: the incident's change stamp then,
    the room's change marker (`portal_view.change_marker`), and when it was computed."""

    stamp: portal_view.IncidentStamp
    marker: str
    at: float


@dataclass(eq=False)
class _Stream:
    """One open page's event stream: its link, the room view and page it shows, and
    what it is to be sent next (the newest page only: pages not yet sent are
    replaced, never queued)."""

    token: str = field(repr=False)  # never in a log line or a traceback's repr
    key: str  # the token's hash
    link: portal_links.ValidLink
    view: portal_view.PortalRoom
    since: datetime | None
    marker: str  # the marker of the page the viewer has
    wake: asyncio.Event
    transport: asyncio.Transport | None = None  # to drop a viewer that does not read
    holds: str = ""  # the version of the pushed page text the viewer has ("": none)
    event: bytes | None = None  # the next event (a page or patch), shared by its viewers
    version: str = ""  # the version of the page that event makes
    pushed: float = float("-inf")  # loop time the last page was (to be) sent
    end: bytes | None = None  # the last event before the stream is closed


@dataclass(frozen=True)
class _Sent:
    """A page as it is pushed: the room view's render with the per-process stand-in
    for the links (`_BASE`: portal.js puts in the viewer's own /p/<token>, so one text
    and one event serve every viewer, and no token is in it), line ends made LF, its
    lines, and its version (a hash of the text)."""

    version: str
    marker: str
    group: tuple[Any, ...]  # (room view, since): a patch is only ever against its own
    text: str
    lines: list[str]
    index: dict[str, int]

    @classmethod
    def of(cls, parts: list[bytes], marker: str, group: tuple[Any, ...]) -> _Sent:
        # A lone CR ends a line in an event stream too: every line end is made LF, so
        # a report's text cannot start a field of its own, and the lines the browser
        # puts together are the lines a patch names.
        text = _BASE.encode().join(parts).decode().replace("\r\n", "\n").replace("\r", "\n")
        # Without the age texts ("5 min"): portal.js fills them in, so the pushed page
        # is the same text as time passes and a patch carries only what changed.
        text = render.without_ages(text)
        lines = text.split("\n")
        index: dict[str, int] = {}
        for n, found in enumerate(lines):
            index.setdefault(found, n)
        version = hashlib.blake2b(text.encode(), digest_size=8).hexdigest()
        return cls(version, marker, group, text, lines, index)

    def event_id(self) -> str:
        # A reconnecting browser sends it back (Last-Event-ID): the marker says whether
        # its page is behind, the version which page text it holds.
        return f"{self.marker}.{self.version}"

    def full(self) -> bytes:
        """The whole page as one event "full": the stand-in on the first data line,
        then every line of the page a `data:` line."""
        return (
            f"id: {self.event_id()}\nevent: full\ndata: {_BASE}\ndata: "
            + self.text.replace("\n", "\ndata: ")
            + "\n\n"
        ).encode()

    def patch(self, old: _Sent) -> bytes:
        """This page as an event "patch" against `old`: a run of old lines is sent as
        [first, count], a line the old page lacks as its text (JSON: one data line)."""
        ops: list[Any] = []
        for found in self.lines:
            last = ops[-1] if ops and isinstance(ops[-1], list) else None
            if last is not None and sum(last) < len(old.lines) and old.lines[sum(last)] == found:
                last[1] += 1  # the next old line: the run goes on
                continue
            at = old.index.get(found)
            ops.append(found if at is None else [at, 1])
        body = json.dumps({"from": old.version, "base": _BASE, "ops": ops}, ensure_ascii=False)
        return f"id: {self.event_id()}\nevent: patch\ndata: {body}\n\n".encode()


class _NotReading(Exception):
    """The viewer does not read its stream (see MAX_UNSENT)."""


GONE = b"event: gone\ndata: \n\n"  # the link no longer opens the page: load it (403)
RELOAD = b"event: reload\ndata: \n\n"  # the room's view changed: load the page again
POLL = b"event: poll\ndata: \n\n"  # too many streams of the link: poll the marker instead
CLOSING = b": closing\n\n"  # shutdown: the browser reconnects when the bot is back


@dataclass(frozen=True)
class _Access:
    """A token's checked link and its room view, as read when the ACCESS count was
    `count` (storage.write_watch), at `at` (monotonic)."""

    count: int
    at: float
    link: portal_links.ValidLink
    view: portal_view.PortalRoom


class _Cache:
    """A small time-bounded LRU of rendered pages and charts (with what they showed)."""

    def __init__(self, ticks: Callable[[], float]) -> None:
        self._ticks = ticks
        self._items: OrderedDict[tuple[Any, ...], tuple[float, Any]] = OrderedDict()
        self._locks: dict[tuple[Any, ...], asyncio.Lock] = {}

    def get(self, key: tuple[Any, ...]) -> Any:
        found = self._items.get(key)
        if found is None or self._ticks() - found[0] > CACHE_SECONDS:
            return None
        self._items.move_to_end(key)
        return found[1]

    def lock(self, key: tuple[Any, ...]) -> asyncio.Lock:
        """One builder per key at a time: viewers who arrive while a page is being built
        wait for it instead of each building it again."""
        if key not in self._locks:
            self._locks[key] = asyncio.Lock()
            while len(self._locks) > CACHE_SIZE:
                oldest = next(iter(self._locks))
                if self._locks[oldest].locked():
                    break
                del self._locks[oldest]
        return self._locks[key]

    def put(self, key: tuple[Any, ...], value: Any) -> None:
        self._items[key] = (self._ticks(), value)
        self._items.move_to_end(key)
        while len(self._items) > CACHE_SIZE:
            self._items.popitem(last=False)


class _AuditQueue:
    """Page-view audit rows, written in one transaction per AUDIT_FLUSH_SECONDS by a
    background task (started with the first row), and on `close`."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._rows: list[dict[str, Any]] = []
        self._task: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()

    def add(self, **row: Any) -> None:
        self._rows.append(row)
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while self._rows:
            await asyncio.sleep(AUDIT_FLUSH_SECONDS)
            try:
                # Shielded: `close` cancelling this task mid-write neither loses nor
                # doubles rows; its own flush waits for this one (the lock).
                await asyncio.shield(self.flush())
            except asyncio.CancelledError:
                raise
            except Exception:  # kept for the next round; never the request's problem
                log.exception("portal audit flush failed")

    async def flush(self) -> int:
        """Write what is queued, in one transaction; how many rows."""
        async with self._lock:
            rows, self._rows = self._rows, []
            if not rows:
                return 0
            try:
                # One executemany, committed in the same trip to the database thread:
                # the flush holds the loop and SQLite's write lock as little as it can.
                async with self.db.transaction() as session:
                    await audit.add_many_and_commit(session, rows)
            except BaseException:
                self._rows[:0] = rows  # not lost: the next flush writes them
                raise
            return len(rows)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        try:
            await self.flush()
        except Exception:  # shutdown goes on; the rows are named in the log's count
            log.exception("portal audit: %d page views not written", len(self._rows))


# Where a page's own links start, in a render shared by every link of the room: a
# random stand-in per process (no report can contain it), replaced by the viewer's
# own /p/<token> when the page is sent.
_BASE = f"/p/{secrets.token_hex(16)}"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
STATIC = {
    "portal.css": "text/css",
    "portal.js": "text/javascript",
}


def _static(name: str) -> bytes:
    return resources.files("bot.web").joinpath("static", name).read_bytes()


class Portal:
    def __init__(
        self,
        db: Database,
        lang: Language,
        clock: Callable[[], datetime] | None = None,
        limiter: FailureLimiter | None = None,
        prefix: str = "!",
        ticks: Callable[[], float] = time.monotonic,
        build_workers: int = 0,
    ) -> None:
        """`ticks`: the monotonic clock of the caches and the rebuild window (tests).
        `build_workers`: 1 builds pages and charts in a worker process (bot/web/builds.py),
        0 in this one."""
        self.db, self.lang, self.prefix = db, lang, prefix
        self.ticks = ticks
        self.clock = clock or (lambda: datetime.now(UTC))
        self.limiter = limiter or FailureLimiter()
        self._static = {name: _static(name) for name in STATIC}
        self._cache = _Cache(self.ticks)
        self._marks: OrderedDict[portal_view.PortalRoom, _Mark] = OrderedDict()
        # (room view, entry id) -> (ENTRIES count before the read, when, marker or None)
        self._entry_marks: OrderedDict[
            tuple[portal_view.PortalRoom, int], tuple[int, float, str | None]
        ] = OrderedDict()
        # incident -> (ENTRIES count before the read, when read, the stamp read)
        self._stamps: dict[str, tuple[int, float, portal_view.IncidentStamp]] = {}
        # token hash -> its checked link and room view (never the token itself)
        self._links: OrderedDict[str, _Access] = OrderedDict()
        # token hash -> when its link expires: links that opened their page here. A
        # throttled address (many viewers share one behind a proxy or a NAT) still has
        # these checked: they are no guesses (`_link`).
        self._opened: OrderedDict[str, datetime] = OrderedDict()
        self.watch = WriteWatch(db.engine)
        self._refreshed: dict[str, portal_view.IncidentStamp] = {}
        self._refresh_lock = asyncio.Lock()
        self._changed: dict[tuple[Any, ...], bool] = {}
        self._audits = _AuditQueue(db)
        self.builder = builds.Builder(db, build_workers)
        self.builds = 0  # pages built (bench/portal.py reports it)
        self._streams: dict[_Stream, None] = {}  # open pages, oldest first
        # Pushed pages by version (for the patches), and by the render they came from.
        self._sent: OrderedDict[str, _Sent] = OrderedDict()
        self._sent_of: dict[int, tuple[list[bytes], _Sent]] = {}
        self._pusher: asyncio.Task[None] | None = None
        self._waking: set[asyncio.Task[None]] = set()  # hand-outs waking their streams
        self.dropped = 0  # streams dropped because their viewer did not read
        self._push_wake = asyncio.Event()
        self._push_access = -1
        self._rechecked = float("-inf")  # ticks of the last recheck of the streams' links
        self._callbacks_on = False
        self.pushes = 0  # pages sent to open pages (bench/portal.py reports it)

    def clear_cache(self) -> None:
        self._cache = _Cache(self.ticks)
        self._marks.clear()
        self._entry_marks.clear()
        self._stamps.clear()
        self._links.clear()
        self._changed.clear()

    async def flush_audit(self) -> int:
        """Write the queued page-view audit rows now; how many."""
        return await self._audits.flush()

    async def close(self) -> None:
        """On shutdown: every page view queued so far reaches the audit log."""
        await self.close_streams()
        await self._audits.close()
        await self.builder.close()
        self.watch.close()

    def install(self, app: web.Application) -> None:
        # The build worker starts with the first page asked for, not here: spawning it
        # imports the picture code in a second process, and at the bot's start that
        # would compete with the first replies for the machine's cores.
        app.middlewares.append(self.middleware)
        app.router.add_get("/p/{token}", self.incident_page)
        app.router.add_get("/p/{token}/e/{entry_id:[0-9]{1,12}}", self.entry_page)
        app.router.add_get("/p/{token}/e/{entry_id:[0-9]{1,12}}/marker", self.entry_marker)
        app.router.add_get("/p/{token}/chart", self.chart)
        app.router.add_get("/p/{token}/marker", self.marker)
        app.router.add_get("/p/{token}/events", self.events)
        app.router.add_get("/static/{name}", self.static)
        # Open streams end before the server waits for its handlers to finish.
        app.on_shutdown.append(lambda _app: self.close_streams())

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Security headers on every portal response, errors included; errors logged
        without the path (it holds the token)."""
        portal = request.path.startswith(("/p/", "/static/"))
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            if not portal:
                raise
            response = self._error(exc.status, "portal.not_found")
        except Exception:
            if not portal:
                raise
            log.exception("portal request failed")
            response = self._error(500, "portal.not_found")
        if portal:
            for key, value in headers_for(response.content_type or "").items():
                response.headers.setdefault(key, value)
        return response

    def _error(self, status: int, key: str) -> web.Response:
        return web.Response(
            status=status,
            text=render.error_page(self.lang, key, self.prefix),
            content_type="text/html",
            charset="utf-8",
        )

    async def static(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name not in STATIC:
            raise web.HTTPNotFound()
        return web.Response(body=self._static[name], content_type=STATIC[name], charset="utf-8")

    async def _link(
        self, request: web.Request, stamp: str = "fresh"
    ) -> (
        tuple[portal_links.ValidLink, portal_view.PortalRoom, portal_view.IncidentStamp]
        | web.Response
    ):
        """The request's link, room view and the incident's change stamp, or the refusal
        to send instead. Reads only, and while nothing they depend on changed, not even
        that: see STAMP_SECONDS and LINK_SECONDS. `stamp`: "none" skips the stamp."""
        client = request.remote or "-"
        token = request.match_info["token"]
        if self.limiter.blocked(client) and not self._opened_before(token):
            # Guessing stays limited; a link that opened its page before is no guess,
            # and the others behind the same address must not lose their pages to one
            # stale tab's (or an outsider's) failed checks.
            return self._error(429, "portal.too_many")
        found = await self._access(token)
        if found is None:
            await self.limiter.failed(client)
            return self._error(403, "portal.forbidden")
        link, view = found
        key = portal_links.hash_token(token)
        self._opened[key] = link.expires_at
        self._opened.move_to_end(key)
        while len(self._opened) > LINK_CACHE_SIZE:
            self._opened.popitem(last=False)
        return link, view, await self._stamp(view.incident, stamp)

    def _opened_before(self, token: str) -> bool:
        if not token or len(token) > 100:
            return False
        expires = self._opened.get(portal_links.hash_token(token))
        return expires is not None and expires > self.clock()

    async def _access(
        self, token: str
    ) -> tuple[portal_links.ValidLink, portal_view.PortalRoom] | None:
        """The link the token opens now and its room's current view, or None. Kept per
        token hash until this process commits a change to links, rooms or bindings (a
        revocation, unbinding, clearance change: the next request reads them again) and
        for LINK_SECONDS at most; the expiry is checked on every request."""
        if not token or len(token) > 100:
            return None
        key = portal_links.hash_token(token)
        now = self.clock()
        count = self.watch.count(ACCESS)  # before the read: a commit during it drops it
        kept = self._links.get(key)
        if kept is not None and kept.count == count and self.ticks() - kept.at < LINK_SECONDS:
            self._links.move_to_end(key)
            return (kept.link, kept.view) if kept.link.expires_at > now else None
        async with self.db.session() as session:
            link = await portal_links.check(session, token, now)
            view = None if link is None else await portal_view.room_view(session, link.room_id)
        if link is None or view is None:
            self._links.pop(key, None)
            return None
        self._links[key] = _Access(count, self.ticks(), link, view)
        self._links.move_to_end(key)
        while len(self._links) > LINK_CACHE_SIZE:
            self._links.popitem(last=False)
        return link, view

    async def _stamp(self, incident: str, how: str) -> portal_view.IncidentStamp:
        """The incident's change stamp: read once after each commit of this process that
        wrote entries (for every request and room view), and at least every
        STAMP_SECONDS (writes by another process)."""
        if how == "none":
            return portal_view.IncidentStamp(None, None, None)
        memo = self._stamps.get(incident)
        if memo is not None and self._stamp_holds(memo):
            return memo[2]
        async with self._cache.lock(("stamp", incident)):
            memo = self._stamps.get(incident)
            if memo is not None and self._stamp_holds(memo):
                return memo[2]
            count = self.watch.count(ENTRIES)
            async with self.db.session() as session:
                stamp = await portal_view.incident_stamp(session, incident)
            self._stamps[incident] = (count, self.ticks(), stamp)
            return stamp

    def _stamp_holds(self, memo: tuple[int, float, portal_view.IncidentStamp]) -> bool:
        count, at, _stamp = memo
        return count == self.watch.count(ENTRIES) and self.ticks() - at < STAMP_SECONDS

    async def _mark(self, view: portal_view.PortalRoom, stamp: portal_view.IncidentStamp) -> _Mark:
        """The room view's current mark: looked at again when the incident changed, at
        most once per REBUILD_SECONDS for new reports only; at once when an entry
        already there was edited, retracted or relabelled."""
        mark = self._marks.get(view)
        if mark is not None and not await self._must_look(view, mark, stamp):
            return mark
        async with self._cache.lock(("mark", view)):
            mark = self._marks.get(view)
            if mark is not None and not await self._must_look(view, mark, stamp):
                return mark
            async with self.db.session() as session:
                marker = await portal_view.change_marker(session, view)
            mark = _Mark(stamp, marker, self.ticks())
            self._marks[view] = mark
            self._marks.move_to_end(view)
            while len(self._marks) > CACHE_SIZE:
                self._marks.popitem(last=False)
            return mark

    async def _must_look(
        self,
        view: portal_view.PortalRoom,
        mark: _Mark,
        stamp: portal_view.IncidentStamp,
    ) -> bool:
        if stamp == mark.stamp:
            return False
        if stamp.record != mark.stamp.record:
            return True  # an assessment, decision or action moved: look at once
        if stamp.questions != mark.stamp.questions:
            return True  # a question asked, answered or withdrawn: look at once
        if stamp.closed != mark.stamp.closed:
            return True  # the incident was closed or reopened: the page says so at once
        if stamp.left != mark.stamp.left:
            return True  # an entry left the incident (edited into another): at once
        if self.ticks() - mark.at >= REBUILD_SECONDS:
            return True
        # Within the window: only new reports may wait. Whether an entry already there
        # changed is asked once per pair of stamps, for all polls and room views (the
        # polls that arrive meanwhile wait for that one answer).
        key = (view.incident, mark.stamp, stamp)
        if key not in self._changed:
            async with self._cache.lock(("changed", *key)):
                if key not in self._changed:
                    async with self.db.session() as session:
                        changed = await portal_view.existing_changed(
                            session, view.incident, mark.stamp
                        )
                    self._changed[key] = changed
                    while len(self._changed) > CACHE_SIZE:
                        del self._changed[next(iter(self._changed))]
        return self._changed[key]

    def _since(self, request: web.Request, now: datetime) -> datetime | None:
        text = request.query.get("since", "").strip()[:40]
        if not text:
            return None
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return parse_since(text, now)  # 4h, gisteren, 14:30; None when unreadable
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=AMSTERDAM)
        return min(moment.astimezone(UTC), now)

    async def incident_page(self, request: web.Request) -> web.Response:
        for _attempt in range(3):
            access = self.watch.count(ACCESS)
            found = await self._link(request)
            if isinstance(found, web.Response):
                return found
            link, view, _stamp = found
            page, shown = await self._incident_page(request, *found)
            # Links, rooms or bindings changed while the page was built (a lowered
            # clearance): it may show more than the room may see now. Built again for
            # the view as it is now (or refused, when the link no longer opens it).
            if self.watch.count(ACCESS) == access:
                if shown is not None:
                    self._audit(link, view, "incident", shown)
                return page
        return self._error(503, "portal.busy")

    async def _incident_page(
        self,
        request: web.Request,
        link: portal_links.ValidLink,
        view: portal_view.PortalRoom,
        stamp: portal_view.IncidentStamp,
    ) -> tuple[web.Response, dict[str, Any] | None]:
        """The page for the viewer, and what it showed (to audit once it is sent)."""
        now = self.clock()
        since = self._since(request, now)
        print_view = request.query.get("print") == "1"
        token = request.match_info["token"]
        cached = await self._page(link, view, stamp, now, since, print_view)
        if cached is None:
            return self._error(404, "portal.not_found"), None
        parts, shown, _marker = cached
        detail = {**shown, "since": since.isoformat() if since else None, "print": print_view}
        # The viewer's own links put into the shared render: a join of its bytes.
        body = f"/p/{token}".encode().join(parts)
        return web.Response(body=body, content_type="text/html", charset="utf-8"), detail

    async def _page(
        self,
        link: portal_links.ValidLink,
        view: portal_view.PortalRoom,
        stamp: portal_view.IncidentStamp,
        now: datetime,
        since: datetime | None,
        print_view: bool,
    ) -> tuple[list[bytes], dict[str, Any], str] | None:
        """The room's rendered page (encoded, split where the viewer's link goes), what
        it showed, and its change marker: from the
        cache while the room view's mark stands, else built once for all its viewers."""
        mark = await self._mark(view, stamp)
        key = ("page", view, since, print_view, mark.stamp)
        async with self._cache.lock(key):
            cached = self._cache.get(key)
            if cached is None:
                cached = await self._build_page(key, link, view, mark, now, since, print_view)
        return cached  # type: ignore[no-any-return]

    async def _build_page(
        self,
        key: tuple[Any, ...],
        link: portal_links.ValidLink,
        view: portal_view.PortalRoom,
        mark: _Mark,
        now: datetime,
        since: datetime | None,
        print_view: bool,
    ) -> tuple[list[bytes], dict[str, Any], str] | None:
        # No write transaction is open while the picture is built or the page rendered:
        # the series write is committed first, the build only reads (a WAL reader does
        # not block the report path's writes), the render runs after the read.
        self.builds += 1
        # The page holds no token: links are written with a stand-in, filled in per
        # viewer, so one render serves every link of the room. The series tables are
        # brought up to date once per change for every room view of the incident. One
        # build at a time: two first refreshes of an incident at once collide on its
        # watermark row (storage/series.py inserts it).
        async with self._refresh_lock:
            job = builds.PageJob(
                view,
                link.created_by,
                now,
                since,
                self.lang,
                _BASE,
                print_view,
                mark.marker,
                refresh=self._refreshed.get(view.incident) != mark.stamp,
            )
            built = await self.builder.page(job)
            if job.refresh:
                self._refreshed[view.incident] = mark.stamp
        if built is None:
            return None
        html, shown = built
        page = (html.encode().split(_BASE.encode()), shown, mark.marker)
        self._cache.put(key, page)
        return page

    async def entry_page(self, request: web.Request) -> web.Response:
        found = await self._link(request, stamp="none")
        if isinstance(found, web.Response):
            return found
        link, view, _stamp = found
        entry_id = int(request.match_info["entry_id"])
        async with self.db.session() as session:
            entry_view = await portal_view.entry_with_history(session, view, entry_id)
        # What the room may not see does not exist for it: the same 404 as no entry.
        if entry_view is None:
            return self._error(404, "portal.not_found")
        self._audit(
            link,
            view,
            "entry",
            {"shown": [f"M-{entry_id}"], "revisions": [r.revision for r in entry_view.revisions]},
        )
        html = render.entry_page(
            entry_view,
            self.clock(),
            self.lang,
            f"/p/{request.match_info['token']}",
            print_view=request.query.get("print") == "1",
        )
        return web.Response(text=html, content_type="text/html", charset="utf-8")

    async def entry_marker(self, request: web.Request) -> web.Response:
        """An open entry page's poll: the marker of what it shows of the entry, or the
        same 404 as the page when the room may no longer see it (portal.js then loads
        the page again, which says so). Not audited: the page it leads to is."""
        found = await self._link(request, stamp="none")
        if isinstance(found, web.Response):
            return found
        _link, view, _stamp = found
        entry_id = int(request.match_info["entry_id"])
        count = self.watch.count(ENTRIES)  # before the read: a commit during it drops it
        kept = self._entry_marks.get((view, entry_id))
        if kept is not None and kept[0] == count and self.ticks() - kept[1] < STAMP_SECONDS:
            marker = kept[2]
        else:
            async with self.db.session() as session:
                entry_view = await portal_view.entry_with_history(session, view, entry_id)
            marker = None if entry_view is None else entry_view.marker
            self._entry_marks[(view, entry_id)] = (count, self.ticks(), marker)
            while len(self._entry_marks) > CACHE_SIZE:
                self._entry_marks.popitem(last=False)
        if marker is None:
            return self._error(404, "portal.not_found")
        return web.json_response({"marker": marker})

    async def chart(self, request: web.Request) -> web.Response:
        found = await self._link(request)
        if isinstance(found, web.Response):
            return found
        _link, view, stamp = found
        metric = request.query.get("m", "")[:100]
        mark = await self._mark(view, stamp)
        key = ("chart", view, metric, mark.stamp)
        async with self._cache.lock(key):
            cached = self._cache.get(key)
            if cached is None:
                # Drawn (in the worker) once per change of what the room may see, for
                # all its viewers; a live page asks only for the charts whose version
                # (render.chart_version) moved. Any `v` gets the current chart.
                svg, _used_ids = await self.builder.chart(view, metric, self.lang)
                cached = svg.encode()
                self._cache.put(key, cached)
        # Not audited per request: a chart is part of the page whose view is audited
        # (with the metrics it charts).
        return web.Response(body=cached, content_type="image/svg+xml", charset="utf-8")

    async def marker(self, request: web.Request) -> web.Response:
        """The live-update poll: the room view's change marker (a hash of what the room
        may see). Reads only, and little: nothing while nothing changed (the token check
        and the incident's change stamp are kept in process, see `_access`, `_stamp`);
        when the stamp moved, the marker query: at once after an edit, retraction or
        relabel, else at most once per REBUILD_SECONDS per room view. Builds nothing,
        writes nothing (not audited: the page it leads to is)."""
        found = await self._link(request)
        if isinstance(found, web.Response):
            return found
        _link, view, stamp = found
        mark = await self._mark(view, stamp)
        return web.json_response({"marker": mark.marker})

    async def events(self, request: web.Request) -> web.StreamResponse:
        """The live page's event stream: while the link opens the page, the room view's
        new page is pushed whenever what the room may see changed (event "full": the
        whole page; "patch": only its new lines, against the pushed page the viewer
        holds; both with a stand-in for the links, the same bytes for every viewer);
        "gone" when the link stops opening it (revoked, expired, the member left, the
        room unbound), "reload" when the room's view changed (a
        lowered clearance, a room turned public): the page then loads itself again.
        `m` and `v` (or Last-Event-ID "<m>.<v>"): the marker of the page the viewer
        shows and the version of the pushed page text it holds; a page behind is sent
        the current one at once. Each page sent is audited as a page view."""
        found = await self._link(request, stamp="none")
        if isinstance(found, web.Response):
            return found
        link, view, _stamp = found
        if len(self._streams) >= MAX_STREAMS:
            return self._error(429, "portal.too_many")
        token = request.match_info["token"]
        # "<marker>.<version>" (Last-Event-ID, the browser reconnecting by itself), or
        # m=<marker> and v=<version> (portal.js opening the stream again): the page the
        # viewer shows, and which pushed page text it holds (none after a page load).
        known = request.headers.get("Last-Event-ID", "")
        marker, _dot, holds = known.partition(".")
        if not known:
            marker, holds = request.query.get("m", ""), request.query.get("v", "")
        stream = _Stream(
            token,
            portal_links.hash_token(token),
            link,
            view,
            self._since(request, self.clock()),
            marker.strip()[:64],
            asyncio.Event(),
            holds=holds.strip()[:64],
            transport=request.transport,
        )
        response = web.StreamResponse(
            headers={
                **headers_for("text/event-stream"),
                "Content-Type": "text/event-stream; charset=utf-8",
                "X-Accel-Buffering": "no",  # a reverse proxy passes events on at once
            }
        )
        await response.prepare(request)
        self._open(stream)
        try:
            await response.write(b"retry: 3000\n\n")
            await self._send_events(stream, response)
        except (ConnectionError, RuntimeError):
            pass  # the viewer went away (closed tab, lost network)
        except _NotReading:
            self._drop(stream)
        finally:
            self._streams.pop(stream, None)
        return response

    def _drop(self, stream: _Stream) -> None:
        """A viewer that does not read: its connection is closed at once, what waits
        unsent on it thrown away (closing gracefully would wait for it to be read)."""
        self.dropped += 1
        # The link's number, never its token.
        log.info("portal: dropped the stream of link %s: its viewer did not read", stream.link.id)
        self._streams.pop(stream, None)
        if stream.transport is not None:
            stream.transport.abort()

    async def _write(self, stream: _Stream, response: web.StreamResponse, data: bytes) -> None:
        """A write to the stream, bounded: see MAX_UNSENT and WRITE_SECONDS."""
        transport = stream.transport
        unsent = transport.get_write_buffer_size() if transport is not None else 0
        if unsent > MAX_UNSENT:
            raise _NotReading()
        try:
            async with asyncio.timeout(WRITE_SECONDS):
                await response.write(data)
        except TimeoutError:
            raise _NotReading() from None

    async def _send_events(self, stream: _Stream, response: web.StreamResponse) -> None:
        while True:
            left = (stream.link.expires_at - self.clock()).total_seconds()
            if left <= 0:
                stream.end = GONE
            if stream.end is None:
                try:
                    async with asyncio.timeout(min(left, KEEPALIVE_SECONDS)):
                        await stream.wake.wait()
                except TimeoutError:
                    if stream.link.expires_at > self.clock():
                        await self._write(stream, response, b": \n\n")
                    continue
            stream.wake.clear()
            if stream.end is not None:
                with contextlib.suppress(ConnectionError, RuntimeError):
                    await response.write(stream.end)
                return
            event, stream.event = stream.event, None
            if event is None:
                continue
            # From here the viewer holds that page (the write below either reaches it
            # or ends the stream): a round that runs meanwhile patches against it.
            stream.holds = stream.version
            # What the page showed is audited once per pushed page (`portal.pushed`,
            # below); each viewer's row names that page by its marker. Fifty copies of
            # the entry list per change were most of what the viewers cost the reports.
            self._audit(
                stream.link, stream.view, "incident", {"live": True, "marker": stream.marker}
            )
            self.pushes += 1
            # The same bytes for every viewer of the room view (no token in them).
            await self._write(stream, response, event)

    def _open(self, stream: _Stream) -> None:
        mine = [s for s in self._streams if s.key == stream.key]
        for old in mine[: max(0, len(mine) + 1 - STREAMS_PER_LINK)]:
            self._end(old, POLL)
        self._streams[stream] = None
        if not self._callbacks_on:
            self.watch.on_change(self._on_write)
            self._callbacks_on = True
        if self._pusher is None or self._pusher.done():
            self._pusher = asyncio.create_task(self._push_loop())
        self._push_wake.set()  # a page behind is sent the current one now

    def _end(self, stream: _Stream, event: bytes) -> None:
        if stream.end is None:
            stream.end = event
        self._streams.pop(stream, None)
        stream.wake.set()

    async def close_streams(self) -> None:
        """End every open stream (shutdown): the browsers retry them by themselves."""
        for stream in list(self._streams):
            self._end(stream, CLOSING)
        pusher, self._pusher = self._pusher, None
        for task in [*self._waking, *([pusher] if pusher is not None else [])]:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await asyncio.sleep(0)  # the handlers write their last event

    def _on_write(self, kinds: frozenset[str]) -> None:
        # A committed change to links, rooms or bindings: the open streams' access is
        # checked again now, not at the next tick.
        if ACCESS in kinds and self._streams:
            self._push_wake.set()

    async def _push_loop(self) -> None:
        while self._streams:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(PUSH_TICK_SECONDS):
                    await self._push_wake.wait()
            self._push_wake.clear()
            try:
                await self._push_round()
            except Exception:  # the next round tries again; never a stream's problem
                log.exception("portal push failed")

    async def _push_round(self) -> None:
        """Who still may see what: streams whose link no longer opens the page are
        ended, streams whose room view changed are told to load again; then every room
        view with a page behind is sent its current page (built once for all)."""
        now = self.clock()
        access = self.watch.count(ACCESS)
        # Every stream's link and view again after this process committed a change to
        # links, rooms or bindings, and at least every LINK_SECONDS (a change written
        # by another process), as a page request would (`_access`).
        recheck = access != self._push_access or self.ticks() - self._rechecked >= LINK_SECONDS
        if recheck:
            self._push_access, self._rechecked = access, self.ticks()
        groups = await self._stream_groups(now, recheck)
        loop = asyncio.get_running_loop()
        for (view, since), streams in groups.items():
            # A page behind is sent the current one, but an open page at most one per
            # PUSH_MIN_SECONDS; a page that just connected (or came back) at once. When
            # none of the view's pages may be sent one yet, nothing is read for it.
            at = loop.time()
            ready = [s for s in streams if at - s.pushed >= PUSH_MIN_SECONDS]
            if not ready:
                continue
            stamp = await self._stamp(view.incident, "fresh")
            mark = await self._mark(view, stamp)
            behind = [s for s in ready if s.marker != mark.marker]
            if not behind:
                continue
            page = await self._page(streams[0].link, view, stamp, now, since, False)
            if self.watch.count(ACCESS) != access:
                # Links, rooms or bindings changed while the page was prepared (a lowered
                # clearance): it may show more than the room may see now. Not sent; the
                # next round checks every stream again first.
                self._push_wake.set()
                return
            if page is None:
                for stream in streams:
                    self._end(stream, GONE)
                continue
            parts, shown, marker = page
            sent = self._sent_page(parts, marker, (view, since))
            self._audit_pushed(view, marker, shown, len(behind))
            self._hand_out(sent, marker, behind, loop.time())

    async def _stream_groups(
        self, now: datetime, recheck: bool
    ) -> dict[tuple[Any, ...], list[_Stream]]:
        """The open streams by room view and period; a stream whose link expired or no
        longer opens the page is ended, one whose view changed is told to load again."""
        groups: dict[tuple[Any, ...], list[_Stream]] = {}
        for stream in list(self._streams):
            if stream.link.expires_at <= now:
                self._end(stream, GONE)
                continue
            if recheck:
                found = await self._access(stream.token)
                if found is None:
                    self._end(stream, GONE)
                    continue
                if found[1] != stream.view:
                    self._end(stream, RELOAD)
                    continue
            groups.setdefault((stream.view, stream.since), []).append(stream)
        return groups

    def _hand_out(self, sent: _Sent, marker: str, behind: list[_Stream], started: float) -> None:
        """One event per page text the viewers hold (most hold the same): built once,
        its bytes written by each viewer's own task, woken PAGES_PER_TURN at a time
        (`_wake_in_turns`)."""
        events: dict[str, bytes] = {}
        woken: list[_Stream] = []
        for stream in behind:
            if stream.end is not None:
                continue
            if stream.holds not in events:
                events[stream.holds] = self._event_for(sent, stream.holds)
            stream.event, stream.version = events[stream.holds], sent.version
            stream.marker = marker
            stream.pushed = started
            woken.append(stream)
        task = asyncio.create_task(self._wake_in_turns(woken))
        self._waking.add(task)
        task.add_done_callback(self._waking.discard)

    @staticmethod
    async def _wake_in_turns(streams: list[_Stream]) -> None:
        """Wake the streams' tasks PAGES_PER_TURN at a time: the ones woken write in
        the next turn of the loop, and this one wakes the next ones only after them
        (asleep for a spread over PUSH_SPREAD_SECONDS, else for one turn), so no turn
        writes more than PAGES_PER_TURN pages."""
        chunks = [streams[n : n + PAGES_PER_TURN] for n in range(0, len(streams), PAGES_PER_TURN)]
        for n, chunk in enumerate(chunks):
            if n:
                await asyncio.sleep(PUSH_SPREAD_SECONDS / len(chunks))
            for stream in chunk:
                stream.wake.set()

    def _sent_page(self, parts: list[bytes], marker: str, group: tuple[Any, ...]) -> _Sent:
        """The pushed form of a page, kept (SENT_KEPT pages) for the patches after it."""
        text_of = self._sent_of.get(id(parts))
        if text_of is not None and text_of[0] is parts:
            return text_of[1]
        sent = _Sent.of(parts, marker, group)
        self._sent_of[id(parts)] = (parts, sent)
        self._sent[sent.version] = sent
        self._sent.move_to_end(sent.version)
        while len(self._sent) > SENT_KEPT:
            self._sent.popitem(last=False)
        while len(self._sent_of) > SENT_KEPT:
            del self._sent_of[next(iter(self._sent_of))]
        return sent

    def _event_for(self, sent: _Sent, holds: str) -> bytes:
        """`sent` as a patch against the page text the viewer holds when it is kept,
        else whole. Only against a page of the same room view: a patch says which of
        its lines the old page has where, and a version named from another room's page
        must not tell that about a page the viewer may not see."""
        old = self._sent.get(holds) if holds else None
        if old is None or old.group != sent.group:
            return sent.full()
        return sent.patch(old)

    def _audit_pushed(
        self, view: portal_view.PortalRoom, marker: str, shown: dict[str, Any], viewers: int
    ) -> None:
        """What a pushed page showed, once for all its viewers (whose page-view rows
        name it by `marker`)."""
        self._audits.add(
            actor="portal",  # the page, not a person: its viewers have rows of their own
            action="portal.pushed",
            room_id=view.access.room_id,
            subject=view.incident,
            detail={"page": "incident", "marker": marker, "viewers": viewers, **shown},
            at=datetime.now(UTC),
        )

    def _audit(
        self,
        link: portal_links.ValidLink,
        view: portal_view.PortalRoom,
        page: str,
        detail: dict[str, Any],
    ) -> None:
        self._audits.add(
            actor=link.created_by,
            action="portal.viewed",
            room_id=link.room_id,
            subject=view.incident,
            detail={"link": link.id, "page": page, "clearance": view.access.clearance, **detail},
            at=datetime.now(UTC),
        )
