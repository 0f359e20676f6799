"""Wiring: database, single-instance lock, Matrix client, sync loop, sender."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from dataclasses import replace
from typing import TYPE_CHECKING

from nio.client.async_client import AsyncClient, AsyncClientConfig

from bot.backoff import Backoff, sleep_unless
from bot.config import ConfigError, Settings
from bot.cross_signing import cross_sign_own_device
from bot.device_trust import DeviceTrust, TrustAwareClient
from bot.metrics import Metrics
from bot.scheduler import Scheduler, clock_from_environment
from bot.sender import OutboxSender
from bot.session import HomeserverUnreachable, establish
from bot.syncer import Syncer
from bot.wiring import build_dispatcher
from storage import instance_lock
from storage.engine import Database

if TYPE_CHECKING:
    from bot.http import HealthServer

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 10


def make_client(settings: Settings) -> AsyncClient:
    assert settings.homeserver and settings.user_id
    store = settings.data_dir / "crypto"
    store.mkdir(parents=True, exist_ok=True)  # nio does not create it itself
    config = AsyncClientConfig(
        encryption_enabled=settings.encryption,
        store_sync_tokens=False,  # we keep our own token, stored after effects commit
        max_limit_exceeded=0,  # 429s come back to us: the sender honours retry_after_ms
        max_timeouts=0,  # network errors come back to us: the loops back off visibly
        request_timeout=60,
    )
    return TrustAwareClient(
        settings.homeserver, settings.user_id, store_path=str(store), config=config
    )


class Bot:
    def __init__(self, settings: Settings) -> None:
        settings.require_matrix()
        self.settings = settings
        self.db = Database(settings.effective_database_url)
        self.client = make_client(settings)
        self.trust = DeviceTrust(self.client, settings.encryption_trust)
        self.trust.install()
        # No savepoint per command: process_message rolls back on HandlerFailed.
        self.dispatcher = build_dispatcher(settings, savepoints=False)
        self.sender = OutboxSender(self.client, self.db, settings.encryption)
        self.syncer = Syncer(self.client, self.db, self.dispatcher, self.sender, settings)
        clock, tick = clock_from_environment(os.environ)  # the wall clock outside tests
        self.scheduler = Scheduler(
            self.db, self.sender, settings.language, settings.command_prefix, clock, tick
        )
        self.metrics = Metrics()
        self.dispatcher.observer = self.metrics.command
        self.syncer.metrics = self.metrics
        self.sender.metrics = self.metrics
        self.http: HealthServer | None = None
        if settings.http_listen:
            # Imported only when asked for: aiohttp's server half is not needed to
            # answer, and a restart answers sooner without loading it.
            from bot.http import HealthServer
            from bot.web.portal import Portal

            self.http = HealthServer(
                settings.http_listen,
                self.syncer,
                self.db,
                self.metrics,
                # Pages and charts are built in a worker process: not on the loop
                # that handles the reports (bot/web/builds.py).
                Portal(self.db, settings.language, prefix=settings.command_prefix, build_workers=1),
            )
        self.lock_name = f"bot:{settings.user_id}"
        self.lock_owner = instance_lock.new_owner()

    @property
    def stop(self) -> asyncio.Event:
        return self.syncer.stop

    async def run(self) -> None:
        settings = self.settings
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        await self.db.migrate()
        async with self.db.transaction() as session:
            await instance_lock.acquire(session, self.lock_name, self.lock_owner)
        tasks: list[asyncio.Task[None]] = []
        try:
            if self.http is not None:
                try:
                    await self.http.start()
                except OSError as exc:
                    raise ConfigError(
                        f"http_listen {settings.http_listen}: {exc.strerror}"
                    ) from exc
                log.info(
                    "health and metrics on http://%s:%s/healthz and /metrics",
                    self.http.host,
                    self.http.port,
                )
            if not await self._log_in():
                return
            log.info(
                "running as %s on %s (device %s)",
                settings.user_id,
                settings.homeserver,
                self.client.device_id,
            )
            await cross_sign_own_device(self.client, settings)
            await self.trust.start()
            await self._apply_config_bindings()
            tasks = [
                asyncio.create_task(self.sender.run(self.stop), name="outbox"),
                asyncio.create_task(self._heartbeat(), name="heartbeat"),
                asyncio.create_task(self.scheduler.run(self.stop), name="scheduler"),
            ]
            sync_task = asyncio.create_task(self.syncer.run(), name="sync")
            await sync_task
        finally:
            self.stop.set()
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
            if self.http is not None:
                await self.http.stop()
            with contextlib.suppress(Exception):
                async with self.db.transaction() as session:
                    await instance_lock.release(session, self.lock_name, self.lock_owner)
            await self.client.close()  # type: ignore[no-untyped-call]
            await self.db.close()
            log.info("stopped")

    async def _apply_config_bindings(self) -> None:
        from nio import RoomResolveAliasResponse

        from bot.config_bindings import apply_config_bindings

        resolved: dict[str, str] = {}
        for item in self.settings.rooms:
            if item.room.startswith("#"):
                response = await self.client.room_resolve_alias(item.room)
                if isinstance(response, RoomResolveAliasResponse):
                    resolved[item.room] = response.room_id
                else:
                    log.error("config binding: cannot resolve %s: %s", item.room, response)
        count = await apply_config_bindings(self.db, self.settings.rooms, resolved)
        log.info("applied %s room binding(s) from the config file", count)
        curator_room = self.settings.curator_room
        if curator_room and curator_room.startswith("#"):
            response = await self.client.room_resolve_alias(curator_room)
            if isinstance(response, RoomResolveAliasResponse):
                self.dispatcher.settings = replace(
                    self.dispatcher.settings, curator_room=response.room_id
                )
            else:
                log.error("curator_room: cannot resolve %s: %s", curator_room, response)

    async def _log_in(self) -> bool:
        backoff = Backoff(initial=1.0, maximum=30.0)
        while not self.stop.is_set():
            try:
                await establish(self.client, self.db, self.settings)
                return True
            except HomeserverUnreachable as exc:
                delay = backoff.next_delay()
                log.warning("homeserver not reachable at start (%s); retrying in %.1fs", exc, delay)
                await sleep_unless(self.stop, delay)
        return False

    async def _heartbeat(self) -> None:
        while not await sleep_unless(self.stop, HEARTBEAT_SECONDS):
            try:
                async with self.db.transaction() as session:
                    still_ours = await instance_lock.heartbeat(
                        session, self.lock_name, self.lock_owner
                    )
            except Exception as exc:
                log.warning("lock heartbeat failed: %r", exc)
                continue
            if not still_ours:
                log.error("another instance took over the lock; stopping")
                self.stop.set()


async def run_bot(settings: Settings) -> None:
    bot = Bot(settings)
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, bot.stop.set)
    await bot.run()
