"""Wiring: database, single-instance lock, Matrix client, sync loop, sender.

The order of the start is that of bot/startup.py: this module imports what
logging in and the first /sync need (nio, the database layer); the handlers are
loaded in a thread meanwhile and wired once they are there (`_assemble`). The
health, metrics and portal server comes last: after the first batch, or
`HTTP_WAIT` seconds after the start if that batch takes longer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from nio.client.async_client import AsyncClient, AsyncClientConfig

from bot import nio_query, nio_schemas, nio_session
from bot.backoff import Backoff, sleep_unless
from bot.config import ConfigError, Settings
from bot.room_state import RoomStates
from bot.session import HomeserverUnreachable, establish
from bot.startup import FirstSync, load_handlers, load_http_server, process_age, resume_gc
from storage import instance_lock, sync_state
from storage.engine import Database

if TYPE_CHECKING:
    from bot.device_trust import DeviceTrust
    from bot.http import HealthServer
    from bot.metrics import Metrics
    from bot.scheduler import Scheduler
    from bot.sender import OutboxSender
    from bot.syncer import Syncer
    from commands.dispatcher import Dispatcher

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 10

# The HTTP server (health, metrics, the portal) starts once the first sync batch is
# handled: loading aiohttp.web and the portal is CPU work the first reply after a
# restart would wait for. At the latest this many seconds after the start, so that
# /healthz answers (503) even while the homeserver does not.
HTTP_WAIT = 5.0


def make_client(settings: Settings) -> AsyncClient:
    assert settings.homeserver and settings.user_id
    nio_schemas.install()  # one validator per schema, not one per event (bot/nio_schemas.py)
    nio_query.install()  # the token out of each request's query, per field (bot/nio_query.py)
    store = settings.data_dir / "crypto"
    store.mkdir(parents=True, exist_ok=True)  # nio does not create it itself
    config = AsyncClientConfig(
        encryption_enabled=settings.encryption,
        store_sync_tokens=False,  # we keep our own token, stored after effects commit
        max_limit_exceeded=0,  # 429s come back to us: the sender honours retry_after_ms
        max_timeouts=0,  # network errors come back to us: the loops back off visibly
        request_timeout=60,
    )
    client_class = AsyncClient
    if settings.encryption:
        # Device checks after key queries; without encryption there are none, and
        # neither the check nor cross-signing (`cryptography`) need to be loaded.
        from bot.device_trust import TrustAwareClient

        client_class = TrustAwareClient
    return client_class(settings.homeserver, settings.user_id, store_path=str(store), config=config)


@dataclass
class Handlers:
    """What answers: wired once the handlers are loaded (see bot/startup.py)."""

    dispatcher: Dispatcher
    sender: OutboxSender
    syncer: Syncer
    scheduler: Scheduler
    metrics: Metrics
    http: HealthServer | None = None  # set once it is started (`_serve_http`)


class Bot:
    def __init__(self, settings: Settings) -> None:
        settings.require_matrix()
        assert settings.user_id is not None
        self.settings = settings
        self.db = Database(settings.effective_database_url)
        self.client = make_client(settings)
        self.trust: DeviceTrust | None = None
        if settings.encryption:
            from bot.device_trust import DeviceTrust
            from bot.identity_pins import PIN_FILE_NAME, IdentityPins, ran_before

            # Under tofu the pins are never read (the first start writes an empty file, so
            # a later switch to cross-signed pins afresh): no file is no loss there.
            checked = settings.encryption_trust == "cross-signed"
            pins = IdentityPins(
                settings.data_dir / PIN_FILE_NAME,
                ran_before=checked and ran_before(settings.data_dir),
            )
            self.trust = DeviceTrust(self.client, settings.encryption_trust, pins)
            self.trust.install()
        self.stop = asyncio.Event()
        # One per process: the first sync's rooms are loaded here before the sync
        # loop exists, and the loop and the sender use the same (see _assemble).
        self.room_states = RoomStates(self.client)
        self.first_sync = FirstSync(self.client, self.room_states)
        self.lock_name = f"bot:{settings.user_id}"
        self.lock_owner = instance_lock.new_owner()

    async def run(self) -> None:
        """Start (see bot/startup.py), answer until stopped, stop."""
        began = time.monotonic()
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        tasks: list[asyncio.Task[Any]] = []
        handlers: Handlers | None = None
        # The handlers load in a thread while the database opens, the bot logs in
        # and asks for the first sync.
        loading = asyncio.ensure_future(asyncio.to_thread(load_handlers))
        try:
            nio_session.open_session(self.client)  # untraced: bot/nio_session.py
            await self.db.migrate()
            async with self.db.transaction() as session:
                await instance_lock.acquire(session, self.lock_name, self.lock_owner)
            tasks.append(asyncio.ensure_future(self._log_in_and_sync()))
            await loading
            handlers = self._assemble()
            resume_gc()  # paused by bot/app.py before anything was loaded
            log.info("handlers loaded %s", _age())
            http = None
            if self.settings.http_listen or self.settings.metrics_listen:
                http = asyncio.create_task(self._serve_http(handlers, began), name="http")
                tasks.append(http)
            if await tasks[0]:
                await self._answer(handlers, tasks)
            if http is not None and http.done() and not http.cancelled():
                http.result()  # its error (a port in use) is why the bot stopped
        finally:
            await self._shut_down(tasks, loading, handlers)

    async def _answer(self, handlers: Handlers, tasks: list[asyncio.Task[Any]]) -> None:
        """Logged in: cross-sign, bind the configured rooms, run the loops until stopped."""
        if self.trust is not None:
            from bot.cross_signing import cross_sign_own_device

            await cross_sign_own_device(self.client, self.settings)
            await self.trust.start()
        else:
            log.info("encryption is off: the bot's device is not cross-signed")
        await self._apply_config_bindings(handlers.dispatcher)
        tasks += self._curator_alias_retry(handlers.dispatcher, handlers.sender)
        tasks += [
            asyncio.create_task(handlers.sender.run(self.stop), name="outbox"),
            asyncio.create_task(self._heartbeat(), name="heartbeat"),
            asyncio.create_task(handlers.scheduler.run(self.stop), name="scheduler"),
        ]
        await asyncio.create_task(handlers.syncer.run(), name="sync")

    async def _shut_down(
        self,
        tasks: list[asyncio.Task[Any]],
        loading: asyncio.Future[Any],
        handlers: Handlers | None,
    ) -> None:
        """Stop the tasks, the web server, the lock, the client and the database, each
        whether or not the start got that far."""
        self.stop.set()
        self.first_sync.cancel()
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        # A thread cannot be cancelled: a start that failed early waits for it.
        with contextlib.suppress(Exception):
            await loading
        resume_gc()
        if handlers is not None and handlers.http is not None:
            await handlers.http.stop()
        with contextlib.suppress(Exception):
            async with self.db.transaction() as session:
                await instance_lock.release(session, self.lock_name, self.lock_owner)
        await self.client.close()  # type: ignore[no-untyped-call]
        await self.db.close()
        log.info("stopped")

    async def _log_in_and_sync(self) -> bool:
        """Log in, then ask for the first sync (the handlers are still loading)."""
        if not await self._log_in():
            return False
        assert self.settings.user_id is not None
        log.info(
            "running as %s on %s (device %s)",
            self.settings.user_id,
            self.settings.homeserver,
            self.client.device_id,
        )
        async with self.db.session() as session:
            token = await sync_state.get_next_batch(session, self.settings.user_id)
        self.first_sync.start(token)
        return True

    def _assemble(self) -> Handlers:
        """Wire the handlers (loaded by now: these imports only look them up)."""
        from bot.event_probe import event_probe
        from bot.member_probe import member_probe
        from bot.metrics import Metrics
        from bot.scheduler import Scheduler, clock_from_environment
        from bot.sender import OutboxSender
        from bot.syncer import Syncer
        from bot.wiring import build_dispatcher

        settings = self.settings
        # No savepoint per command: process_message rolls back on HandlerFailed.
        dispatcher = build_dispatcher(settings, savepoints=False)
        sender = OutboxSender(self.client, self.db, settings.encryption)
        syncer = Syncer(self.client, self.db, dispatcher, sender, settings)
        # The bot's stop and room states are the sync loop's too.
        syncer.stop = self.stop
        syncer.untrusted.trust = self.trust
        if self.trust is not None:
            from bot.identity_notice import IdentityNotices

            notices = IdentityNotices(self.client, self.db, sender, settings.language)
            self.trust.on_identity_changed = notices.announce
            self.trust.on_checked = syncer.held.recheck
            notices.still_changed = self.trust.pins.differs
            self.room_states.on_loaded = notices.room_loaded
            sender.first_notices = notices.first_in  # told before the bot's first send there
        syncer.room_states = self.room_states
        # Upgrades the bot cannot follow are told to the admins (bot/admin_chats.py).
        syncer.lifecycle.admins = frozenset(settings.admins)
        syncer.lifecycle.room_ready = self.room_states.ensure
        syncer.lifecycle.wake = sender.rooms_moved  # rows waiting for an upgrade look again
        sender.room_ready = self.room_states.ensure
        syncer.held.room_ready = self.room_states.ensure
        clock, tick = clock_from_environment(os.environ)  # the wall clock outside tests
        scheduler = Scheduler(
            self.db, sender, settings.language, settings.command_prefix, clock, tick
        )
        metrics = Metrics()
        dispatcher.observer = metrics.command
        syncer.metrics = metrics
        sender.metrics = metrics
        sender.language = settings.language
        sender.admins = frozenset(settings.admins)
        sender.late_after = timedelta(seconds=settings.late_after_seconds)
        sender.curator_room = lambda: dispatcher.settings.curator_room
        if settings.curator_room and settings.curator_room.startswith("#"):
            sender.curator_alias = settings.curator_room  # rows queued to it wait for it
        # An answer is not sent into a direct chat its asker has left (held instead).
        # A 👍 on an offer an earlier device sent unrecorded is matched through the
        # homeserver (commands/free_text.py).
        dispatcher.settings = replace(
            dispatcher.settings,
            members=member_probe(self.client, self.room_states),
            events=event_probe(self.client),
        )
        return Handlers(dispatcher, sender, syncer, scheduler, metrics)

    async def _serve_http(self, handlers: Handlers, began: float) -> None:
        """Start the HTTP server once the first batch is handled (the sender's `ready`),
        or `HTTP_WAIT` seconds after `began`; a failure stops the bot (`run` raises it)."""
        try:
            wait = HTTP_WAIT - (time.monotonic() - began)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(handlers.sender.ready.wait(), max(0.0, wait))
            await asyncio.to_thread(load_http_server)
            from bot.http import HealthServer
            from bot.web.portal import Portal

            settings = self.settings
            # Pages and charts are built in a worker process: not on the loop that
            # handles the reports (bot/web/builds.py).
            portal = (
                Portal(self.db, settings.language, prefix=settings.command_prefix, build_workers=1)
                if settings.http_listen
                else None
            )
            handlers.http = HealthServer(
                settings.http_listen,
                handlers.syncer,
                self.db,
                handlers.metrics,
                portal,
                metrics_listen=settings.metrics_listen,
            )
            await self._serve(handlers.http)
        except BaseException:
            self.stop.set()
            raise

    async def _serve(self, http: HealthServer) -> None:
        try:
            await http.start()
        except OSError as exc:
            listeners = (self.settings.http_listen, self.settings.metrics_listen)
            raise ConfigError(
                "cli.config_cannot_listen",
                address=" / ".join(sorted({a for a in listeners if a})),
                error=exc.strerror,
            ) from exc
        metrics = http.metrics_address
        log.info(
            "portal and health on http://%s:%s, health and metrics on http://%s:%s %s",
            http.host or "-",
            http.port,
            metrics[0] if metrics else "-",
            metrics[1] if metrics else 0,
            _age(),
        )

    async def _apply_config_bindings(self, dispatcher: Dispatcher) -> None:
        from nio import RoomResolveAliasResponse

        # Also without entries: a binding whose entry was deleted goes (one read when
        # there is none; no write transaction before the first sync).
        await self._bind_config_rooms()
        curator_room = self.settings.curator_room
        if curator_room and curator_room.startswith("#"):
            response = await self.client.room_resolve_alias(curator_room)
            if isinstance(response, RoomResolveAliasResponse):
                dispatcher.settings = replace(dispatcher.settings, curator_room=response.room_id)
            else:
                log.error("curator_room: cannot resolve %s: %s", curator_room, response)

    def _curator_alias_retry(
        self, dispatcher: Dispatcher, sender: OutboxSender
    ) -> list[asyncio.Task[Any]]:
        """A task that keeps resolving `curator_room` when the start could not (else the
        run knows the curator room by its alias only: bot/curator_alias.py)."""
        from bot.curator_alias import keep_resolving

        alias = dispatcher.settings.curator_room
        if not alias or not alias.startswith("#"):
            return []

        def resolved(room_id: str) -> None:
            dispatcher.settings = replace(dispatcher.settings, curator_room=room_id)
            sender.curator_room_resolved()  # its waiting posts go now

        retry = keep_resolving(self.client, alias, self.stop, resolved)
        return [asyncio.create_task(retry, name="curator-alias")]

    async def _bind_config_rooms(self) -> None:
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


def _age() -> str:
    age = process_age()
    return "" if age is None else f"{age:.2f} s after the process started"
