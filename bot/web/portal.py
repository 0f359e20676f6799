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
import logging
import secrets
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from importlib import resources
from typing import Any

from aiohttp import web

from bot.web import charts, render
from bot.web.security import FailureLimiter, headers_for
from commands.i18n import Language, t
from commands.phone import METRICS
from commands.reports import parse_since
from storage import audit, incidents, picture_service, portal_links, portal_view
from storage.engine import Database
from storage.timezone import AMSTERDAM

log = logging.getLogger("knooppunt.portal")

# Viewers of one room's page share one render while what the room may see is unchanged
# (same change marker, same view, same options): 50 open pages cost one picture per
# change, not 50. Short-lived, so ages ("3 min") and open questions stay current.
CACHE_SECONDS = 10.0
CACHE_SIZE = 128


class _Cache:
    """A small time-bounded LRU of rendered pages and charts (with what they showed)."""

    def __init__(self) -> None:
        self._items: OrderedDict[tuple[Any, ...], tuple[float, Any]] = OrderedDict()
        self._locks: dict[tuple[Any, ...], asyncio.Lock] = {}

    def get(self, key: tuple[Any, ...]) -> Any:
        found = self._items.get(key)
        if found is None or time.monotonic() - found[0] > CACHE_SECONDS:
            return None
        self._items.move_to_end(key)
        return found[1]

    def lock(self, key: tuple[Any, ...]) -> asyncio.Lock:
        """One builder per key at a time: viewers who arrive while a page is being built
        wait for it instead of each building it again (and each writing the series
        tables at once)."""
        if key not in self._locks:
            self._locks[key] = asyncio.Lock()
            while len(self._locks) > CACHE_SIZE:
                oldest = next(iter(self._locks))
                if self._locks[oldest].locked():
                    break
                del self._locks[oldest]
        return self._locks[key]

    def put(self, key: tuple[Any, ...], value: Any) -> None:
        self._items[key] = (time.monotonic(), value)
        self._items.move_to_end(key)
        while len(self._items) > CACHE_SIZE:
            self._items.popitem(last=False)


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
    ) -> None:
        self.db, self.lang, self.prefix = db, lang, prefix
        self.clock = clock or (lambda: datetime.now(UTC))
        self.limiter = limiter or FailureLimiter()
        self._static = {name: _static(name) for name in STATIC}
        self._cache = _Cache()
        self._build_lock = asyncio.Lock()

    def clear_cache(self) -> None:
        self._cache = _Cache()

    def install(self, app: web.Application) -> None:
        app.middlewares.append(self.middleware)
        app.router.add_get("/p/{token}", self.incident_page)
        app.router.add_get("/p/{token}/e/{entry_id:[0-9]{1,12}}", self.entry_page)
        app.router.add_get("/p/{token}/chart", self.chart)
        app.router.add_get("/p/{token}/marker", self.marker)
        app.router.add_get("/static/{name}", self.static)

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
        self, request: web.Request
    ) -> tuple[portal_links.ValidLink, portal_view.PortalRoom] | web.Response:
        """The request's link and room view, or the refusal to send instead."""
        client = request.remote or "-"
        if self.limiter.blocked(client):
            return self._error(429, "portal.too_many")
        async with self.db.session() as session:
            link = await portal_links.check(session, request.match_info["token"], self.clock())
            view = None if link is None else await portal_view.room_view(session, link.room_id)
        if link is None or view is None:
            await self.limiter.failed(client)
            return self._error(403, "portal.forbidden")
        return link, view

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
        found = await self._link(request)
        if isinstance(found, web.Response):
            return found
        link, view = found
        now = self.clock()
        since = self._since(request, now)
        print_view = request.query.get("print") == "1"
        token = request.match_info["token"]
        cached = await self._page(link, view, now, since, print_view)
        if cached is None:
            return self._error(404, "portal.not_found")
        html, shown, _marker = cached
        async with self.db.transaction() as session:
            await self._audit(
                session,
                link,
                view,
                "incident",
                {**shown, "since": since.isoformat() if since else None, "print": print_view},
            )
        return web.Response(
            text=html.replace(_BASE, f"/p/{token}"), content_type="text/html", charset="utf-8"
        )

    async def _page(
        self,
        link: portal_links.ValidLink,
        view: portal_view.PortalRoom,
        now: datetime,
        since: datetime | None,
        print_view: bool,
    ) -> tuple[str, dict[str, Any], str] | None:
        """The room's rendered page, what it showed, and its change marker: from the
        cache while no entry of the incident changed, else built once for all viewers."""
        async with self.db.session() as session:
            stamp = await portal_view.incident_stamp(session, view.incident)
        key = ("page", view, since, print_view, stamp)
        async with self._cache.lock(key):
            cached = self._cache.get(key)
            if cached is None:
                cached = await self._build_page(key, link, view, now, since, print_view)
        return cached  # type: ignore[no-any-return]

    async def _build_page(
        self,
        key: tuple[Any, ...],
        link: portal_links.ValidLink,
        view: portal_view.PortalRoom,
        now: datetime,
        since: datetime | None,
        print_view: bool,
    ) -> tuple[str, dict[str, Any], str] | None:
        # Build (the series refresh writes) in one short transaction; render after
        # it is committed, so no database lock is held while the page is written. One
        # build at a time: two first refreshes of an incident's series tables at once
        # collide on its watermark row (storage/series.py inserts it when missing).
        async with self._build_lock, self.db.transaction() as session:
            incident = await incidents.get(session, view.incident)
            if incident is None:
                return None
            room_picture = await picture_service.picture_for_room(
                session,
                view.access,
                incident,
                now,
                actor=link.created_by,
                curator=view.role == "curator",
                view_only=True,
                changes_since=since,
            )
            marker = await portal_view.change_marker(session, view)
        picture = room_picture.picture
        shown = {
            "shown": sorted(f"M-{i}" for i in picture.entry_ids),
            "entries": picture.entry_count,
            "tlp": picture.highest_label,
            "open_questions": [f"V{q.id}" for q in room_picture.questions],
            "charts": render.charted_metrics(picture),
        }
        # The page holds no token: links are written with a stand-in, filled in per
        # viewer, so one render serves every link of the room.
        html = await asyncio.to_thread(
            render.incident_page,
            room_picture,
            view,
            now,
            self.lang,
            _BASE,
            print_view=print_view,
            marker=marker,
            curator=view.role == "curator",
        )
        self._cache.put(key, (html, shown, marker))
        return html, shown, marker

    async def entry_page(self, request: web.Request) -> web.Response:
        found = await self._link(request)
        if isinstance(found, web.Response):
            return found
        link, view = found
        entry_id = int(request.match_info["entry_id"])
        async with self.db.transaction() as session:
            entry_view = await portal_view.entry_with_history(session, view, entry_id)
            # What the room may not see does not exist for it: the same 404 as no entry.
            if entry_view is None:
                return self._error(404, "portal.not_found")
            await self._audit(
                session,
                link,
                view,
                "entry",
                {
                    "shown": [f"M-{entry_id}"],
                    "revisions": [r.revision for r in entry_view.revisions],
                },
            )
        html = render.entry_page(
            entry_view,
            self.clock(),
            self.lang,
            f"/p/{request.match_info['token']}",
            print_view=request.query.get("print") == "1",
        )
        return web.Response(text=html, content_type="text/html", charset="utf-8")

    async def chart(self, request: web.Request) -> web.Response:
        found = await self._link(request)
        if isinstance(found, web.Response):
            return found
        _link, view = found
        metric = request.query.get("m", "")[:100]
        async with self.db.session() as session:
            # Only this metric's figures: a report of another metric redraws nothing.
            stamp = await portal_view.metric_stamp(session, view.incident, metric)
        key = ("chart", view, metric, stamp)
        async with self._cache.lock(key):
            cached = self._cache.get(key)
            if cached is None:
                async with self.db.session() as session:
                    lines, used = await portal_view.figure_history(session, view, metric)
                svg = await asyncio.to_thread(
                    charts.line_chart,
                    METRICS.label(metric, self.lang),
                    lines,
                    t(self.lang, "portal.nothing"),
                )
                cached = (svg, sorted(used))
                self._cache.put(key, cached)
        # Not audited per request: a chart is part of the page whose view is audited
        # (with the metrics it charts); one row per image would put nine audit writes
        # per viewer per change on the database the report path writes to.
        svg, _used_ids = cached
        return web.Response(text=svg, content_type="image/svg+xml", charset="utf-8")

    async def marker(self, request: web.Request) -> web.Response:
        """The live-update poll: the room view's change marker (not audited: a hash of
        what the room may see, moving only when that moves)."""
        found = await self._link(request)
        if isinstance(found, web.Response):
            return found
        link, view = found
        # The marker of the page the viewer would get now: free while nothing changed
        # (the cached page's), else the page is built once for every viewer of the room.
        cached = await self._page(link, view, self.clock(), None, False)
        if cached is None:
            return self._error(404, "portal.not_found")
        return web.json_response({"marker": cached[2]})

    async def _audit(
        self,
        session: Any,
        link: portal_links.ValidLink,
        view: portal_view.PortalRoom,
        page: str,
        detail: dict[str, Any],
    ) -> None:
        await audit.add(
            session,
            link.created_by,
            "portal.viewed",
            link.room_id,
            subject=view.incident,
            detail={"link": link.id, "page": page, "clearance": view.access.clearance, **detail},
        )
