"""Health, metrics and the web portal over HTTP (aiohttp). The portal and /healthz on
`http_listen` (default 127.0.0.1:9180), the listener a reverse proxy forwards to;
/metrics and /healthz on `metrics_listen` (default 127.0.0.1:9181), for the operator
only: some counters tell that hidden reports exist (`knooppunt_domino_alerts{kind=
"redacted"}`), so /metrics is on the portal's listener only when both are set to one
address. The portal's routes live in bot/web/."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot.metrics import Metrics

if TYPE_CHECKING:
    from bot.syncer import Syncer
    from bot.web.portal import Portal
    from storage.engine import Database

# How the server runs its app. No access log: portal paths carry the link's token,
# which must never be logged (tests/unit/test_portal.py runs the portal with these).
RUNNER_OPTIONS: dict[str, Any] = {"access_log": None}

# The sync long-poll returns at least every 30 s while the homeserver is up.
SYNC_STALE_AFTER = 45.0


def _address(listen: str) -> tuple[str, int]:
    host, _, port = listen.rpartition(":")
    return host or "127.0.0.1", int(port)


class HealthServer:
    def __init__(
        self,
        listen: str,
        syncer: Syncer,
        db: Database,
        metrics: Metrics,
        portal: Portal | None = None,
        metrics_listen: str = "",
    ) -> None:
        # Empty `listen`: no portal listener (then `metrics_listen` alone, if set).
        self.host, self.port = _address(listen) if listen else ("", 0)
        self.metrics_address = _address(metrics_listen) if metrics_listen else None
        self.syncer, self.db, self.metrics = syncer, db, metrics
        self.portal = portal
        self._runners: list[web.AppRunner] = []

    def _sync_age(self) -> float | None:
        last = self.syncer.last_sync_ok
        return None if last is None else time.monotonic() - last

    async def healthz(self, _request: web.Request) -> web.Response:
        age = self._sync_age()
        database = await self.db.ping()
        sync_ok = age is not None and age < SYNC_STALE_AFTER
        healthy = sync_ok and database
        body: dict[str, Any] = {
            "healthy": healthy,
            "sync_loop": "ok" if sync_ok else "stale",
            "last_sync_age_seconds": None if age is None else round(age, 1),
            "database": "ok" if database else "unreachable",
        }
        if database:
            # Rows that wait for the bot's invite to a room that replaced theirs: the bot
            # is healthy, but someone must act (`knooppunt outbox` lists them).
            body["outbox_waiting_for_invite"] = await self._waiting_for_invite()
            # Notices for an admin who has no direct chat with the bot: they wait for one.
            body["outbox_waiting_for_admin_chat"] = await self._waiting_for_admin_chat()
        return web.json_response(body, status=200 if healthy else 503)

    async def _waiting_for_invite(self) -> int | None:
        from storage import outbox

        try:
            async with self.db.session() as session:
                return len(await outbox.waiting_for_invite(session))
        except Exception:  # the health answer must not fail on this count
            return None

    async def _waiting_for_admin_chat(self) -> int | None:
        from storage import outbox

        try:
            async with self.db.session() as session:
                return await outbox.waiting_for_admin_chat(session)
        except Exception:  # the health answer must not fail on this count
            return None

    async def metrics_page(self, _request: web.Request) -> web.Response:
        age = self._sync_age()
        if age is not None:
            self.metrics.last_sync_age.set(age)
        return web.Response(
            body=generate_latest(self.metrics.registry),
            headers={"Content-Type": CONTENT_TYPE_LATEST},
        )

    async def start(self) -> None:
        shared = self.metrics_address == (self.host, self.port)
        if self.host:
            app = web.Application()
            # /healthz stays here: existing health checks ask this address.
            app.router.add_get("/healthz", self.healthz)
            if shared:  # the operator chose one listener for all
                app.router.add_get("/metrics", self.metrics_page)
            if self.portal is not None:
                self.portal.install(app)
            await self._site(app, self.host, self.port)
        if self.metrics_address is not None and not shared:
            ops = web.Application()
            ops.router.add_get("/healthz", self.healthz)
            ops.router.add_get("/metrics", self.metrics_page)
            await self._site(ops, *self.metrics_address)

    async def _site(self, app: web.Application, host: str, port: int) -> None:
        runner = web.AppRunner(app, **RUNNER_OPTIONS)
        await runner.setup()
        self._runners.append(runner)
        await web.TCPSite(runner, host, port).start()

    async def stop(self) -> None:
        for runner in self._runners:
            await runner.cleanup()
        if self.portal is not None:
            # After the server stopped taking requests: the queued page views are
            # written before the database closes.
            await self.portal.close()
