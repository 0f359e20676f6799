"""Start-up: what the first reply after a restart waits for, overlapped where it can be.

From process start to the first reply the bot mostly runs Python: importing
nio, the database layer, the command handlers and what they use, which is CPU
work. The rest is waiting for the homeserver: the login check, the first /sync
and the state of the rooms that sync brings (bot/room_state.py). Done one after
the other, the waits come on top of the imports. So:

- the handlers (the sync loop, the commands, the scheduler, the sender) are
  imported in a thread (`load_handlers`) while the event loop opens the
  database, logs in, asks for the first /sync and loads the state of the rooms
  it brings (`FirstSync`); the sync loop then takes the response that arrived
  meanwhile instead of asking again. What the loop does with it is unchanged:
  the token, exactly-once and the order of the batch stay bot/syncer.py's;
- garbage collection is paused while the modules load (`pause_gc` in
  bot/app.py, before nio and the database layer are imported, until the
  handlers are wired): they create hundreds of thousands of objects and next to
  no garbage, and the collector would walk them again and again. What they
  built is then frozen (`gc.freeze`), so later collections do not walk it either;
- what no reply needs waits until the first batch is answered: the HTTP server
  (health, metrics, the portal: `load_http_server`, bot/runner.py `HTTP_WAIT`),
  PyYAML (read when a file is), the regions table (read when first looked up).

This module imports only the standard library at the top: bot/app.py uses it
before anything else is loaded.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nio.client.async_client import AsyncClient

    from bot.room_state import RoomStates

log = logging.getLogger(__name__)


def process_age() -> float | None:
    """Seconds since this process started (Linux /proc), for the start-up log line."""
    try:
        ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
        uptime = float(Path("/proc/uptime").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return max(0.0, uptime - ticks / os.sysconf("SC_CLK_TCK"))


_paused = False


def pause_gc() -> None:
    """No garbage collection until `resume_gc` (start-up only)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume_gc() -> None:
    """Collect again; what exists now is frozen (kept out of every later collection).

    Module loading builds long-lived objects (classes, functions, tables), which
    is what gc.freeze is for. Does nothing unless `pause_gc` paused it.
    """
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()


def load_handlers() -> None:
    """Import what handling and answering messages needs; run in a thread at start.

    Every module here is imported again where it is used (then a dictionary
    look-up); this only makes them be loaded while the event loop waits for the
    homeserver. The thread imports while the loop only runs nio and the database
    layer, which bot/runner.py has imported before the thread starts: the two
    never wait for each other's modules.
    """
    import bot.metrics
    import bot.scheduler
    import bot.sender
    import bot.syncer
    import bot.wiring  # noqa: F401


def load_http_server() -> None:
    """Import the health, metrics and portal server (aiohttp.web, the portal's pages);
    run in a thread once the first batch is handled (bot/runner.py, `HTTP_WAIT`).

    Nothing before the first reply needs it, and loading it is CPU work the first
    reply after a restart would otherwise wait for.
    """
    import bot.http
    import bot.web.portal  # noqa: F401


class FirstSync:
    """The first /sync after a start, asked for before the sync loop exists.

    `start` sends it and, when it arrives, has the state of the rooms it brings
    loaded (`RoomStates.prefetch`). The sync loop's first call of `client.sync`
    gets this response when it asks for the same thing (the same token, no
    timeout, full state only without a token): for that one call the client's
    `sync` is this object's. Any other first call, or a stop before it, cancels
    what is under way; the loop's call then goes to the homeserver as always.
    """

    def __init__(self, client: AsyncClient, room_states: RoomStates) -> None:
        self.client = client
        self.room_states = room_states
        self._since: str | None = None
        self._task: asyncio.Task[Any] | None = None
        self._original = client.sync
        self.taken = False  # whether the sync loop took the response (tests, the log)

    def start(self, since: str | None) -> None:
        self._since = since
        self._task = asyncio.ensure_future(self._fetch(since))
        setattr(self.client, "sync", self._sync)  # noqa: B010  # until the loop's first call

    async def _fetch(self, since: str | None) -> Any:
        from nio import SyncResponse

        response = await self._original(
            timeout=0, since=since, full_state=True if since is None else None
        )
        if since is not None and isinstance(response, SyncResponse):
            # Only the rooms' state is loaded ahead; the sync loop still decides
            # which rooms it needs (and waits for those under way). Without a token
            # the sync brought every room's full state itself.
            self.room_states.prefetch(response, self.client.user_id)
        return response

    async def _sync(
        self,
        timeout: int | None = 0,  # noqa: ASYNC109  # nio's signature
        sync_filter: Any = None,
        since: str | None = None,
        full_state: bool | None = None,
        set_presence: str | None = None,
    ) -> Any:
        task, self._task = self._task, None
        self.uninstall()
        same = (
            task is not None
            and timeout == 0
            and sync_filter is None
            and set_presence is None
            and since == self._since
            and bool(full_state) == (since is None)
        )
        if task is not None and same:
            self.taken = True
            return await task
        if task is not None:
            task.cancel()
        return await self._original(timeout, sync_filter, since, full_state, set_presence)

    def uninstall(self) -> None:
        if self.client.__dict__.get("sync") == self._sync:
            delattr(self.client, "sync")

    def cancel(self) -> None:
        """At a stop: drop a response nobody took."""
        self.uninstall()
        task, self._task = self._task, None
        if task is None:
            return
        if task.done() and not task.cancelled():
            task.exception()  # seen: a failed sync nobody took needs no warning
        task.cancel()
