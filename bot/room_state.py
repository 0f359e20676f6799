"""Room state on demand: a restart does not ask for every room's state before answering.

nio keeps each joined room's state (power levels, join rules, members, encryption)
in memory, and that is empty after a start. Asking for the full state of every
room in the first sync (`full_state`) makes the homeserver build, and nio parse,
the state of all rooms before the first reply: seconds with a thousand rooms.
Instead a room's state is fetched (GET /rooms/{id}/state) the first time a sync
batch brings the room or a reply is about to be sent to it, several rooms at a
time, and fed to nio as if a sync had carried it. Rooms nobody writes in cost
nothing. Only the very first start (no sync token yet) still syncs full state.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from typing import Any

from nio import Event, RoomGetStateResponse, SyncResponse
from nio.client.async_client import AsyncClient
from nio.responses import RoomInfo, Timeline

from bot import events as ev
from bot.backfill import BatchAborted

log = logging.getLogger(__name__)

# State requests under way at once: enough to load a backlog's rooms quickly,
# few enough not to crowd out the sends and the sync itself.
PARALLEL = 8
# Refusals that will not change by asking again: the room's state is left as it is.
GONE = {"M_FORBIDDEN", "M_NOT_FOUND"}
# Room versions whose creators hold unlimited power and are not in m.room.power_levels
# (MSC4289; version 12 is Synapse's default since 1.135 and what Element creates).
PRIVILEGED_CREATORS = frozenset({"12", "org.matrix.hydra.11"})
# A creator's power where the bot compares levels: above any level a room can set.
CREATOR_POWER = 2**53


def creators_of(event: dict[str, Any]) -> frozenset[str] | None:
    """The creators of a room from its `m.room.create` event (the sender and
    `additional_creators`) when its version makes them privileged, else None."""
    if event.get("type") != "m.room.create" or event.get("state_key") != "":
        return None
    content = event.get("content")
    if not isinstance(content, dict) or content.get("room_version") not in PRIVILEGED_CREATORS:
        return None
    more = content.get("additional_creators")
    extra = [user for user in more if isinstance(user, str)] if isinstance(more, list) else []
    sender = event.get("sender")
    return frozenset([sender, *extra] if isinstance(sender, str) else extra)


class RoomStates:
    def __init__(self, client: AsyncClient, parallel: int = PARALLEL) -> None:
        self.client = client
        self.loaded: set[str] = set()
        # Per room, its privileged creators (room version 12): nio keeps no more of the
        # create event than the version, and reads power from m.room.power_levels alone.
        self.creators: dict[str, frozenset[str]] = {}
        self._gate = asyncio.Semaphore(parallel)
        self._under_way: dict[str, asyncio.Future[None]] = {}
        self._prefetching: set[asyncio.Future[list[Any]]] = set()  # kept until done
        # Told of each room whose members are known now (bot/identity_notice.py).
        self.on_loaded: Callable[[str], None] | None = None

    def note_creators(self, room_id: str, events: Iterable[dict[str, Any]]) -> None:
        """Remember the room's privileged creators if `events` hold its create event."""
        for event in events:
            found = creators_of(event)
            if found is not None:
                self.creators[room_id] = found

    def note_sync(self, response: SyncResponse) -> None:
        """The creators of the rooms whose create event this sync brings (a fresh join)."""
        for room_id, info in [*response.rooms.join.items(), *response.rooms.leave.items()]:
            events = [*info.state, *info.timeline.events]
            self.note_creators(room_id, (event.source for event in events))

    def power_of(self, room_id: str, levels: dict[str, int]) -> dict[str, int]:
        """A room's power levels as the bot compares them: its creators' included."""
        creators = self.creators.get(room_id)
        if not creators:
            return levels
        return {**levels, **dict.fromkeys(creators, CREATOR_POWER)}

    def mark_loaded(self, room_ids: Iterable[str]) -> None:
        """nio got these rooms' full state from a sync (full_state, or a fresh join)."""
        for room_id in room_ids:
            self._loaded(room_id)

    def _loaded(self, room_id: str) -> None:
        self.loaded.add(room_id)
        if self.on_loaded is not None:
            self.on_loaded(room_id)

    async def ensure(self, room_ids: Iterable[str]) -> None:
        """Load the state of the rooms nio does not fully know yet (concurrently)."""
        missing = [room_id for room_id in dict.fromkeys(room_ids) if room_id not in self.loaded]
        if missing:
            await asyncio.gather(*(self._load(room_id) for room_id in missing))

    def start(self, room_ids: Iterable[str]) -> dict[str, asyncio.Future[None]]:
        """Start loading the state of the rooms nio does not fully know yet: per room,
        its load (to await before judging that room's events; cancelling it leaves
        the request under way for whoever asks next)."""
        return {
            room_id: asyncio.ensure_future(self._load(room_id))
            for room_id in dict.fromkeys(room_ids)
            if room_id not in self.loaded
        }

    def prefetch(self, response: SyncResponse, user_id: str) -> None:
        """Start loading the state of the rooms this sync batch will need, in the background.

        For the first sync after a start, which arrives while the handlers are still
        being loaded (bot/startup.py). The sync loop asks `ensure` for the rooms it
        needs when it handles the batch and waits for loads under way instead of
        asking again; a load that failed is asked for again then. The guess is the
        sync loop's rule (a room with state, a gap or someone else's event, not one
        the bot joined in this batch: that one came with its full state); a wrong
        guess costs a request or saves none, never a verdict.
        """
        wanted = [
            room_id
            for room_id, info in response.rooms.join.items()
            if room_id not in self.loaded
            and not any(ev.is_own_join(event, user_id) for event in info.timeline.events)
            and (
                info.state
                or info.timeline.limited
                or any(event.sender != user_id for event in info.timeline.events)
            )
        ]
        if wanted:
            task = asyncio.ensure_future(
                asyncio.gather(*(self._load(room_id) for room_id in wanted), return_exceptions=True)
            )
            self._prefetching.add(task)
            task.add_done_callback(self._prefetching.discard)

    async def _load(self, room_id: str) -> None:
        # One request per room, even when the sync loop and the sender ask at once.
        task = self._under_way.get(room_id)
        if task is None:
            task = asyncio.ensure_future(self._fetch(room_id))
            self._under_way[room_id] = task
            task.add_done_callback(lambda _done: self._under_way.pop(room_id, None))
        await asyncio.shield(task)

    async def _fetch(self, room_id: str) -> None:
        async with self._gate:
            if room_id in self.loaded:
                return
            response = await self.client.room_get_state(room_id)
        if not isinstance(response, RoomGetStateResponse):
            status = str(getattr(response, "status_code", "") or "")
            if status in GONE:
                log.info("room %s: state not available (%s); left as it is", room_id, status)
                self.loaded.add(room_id)
                return
            raise BatchAborted(f"room {room_id}: cannot load its state: {status}")
        self.note_creators(room_id, response.events)
        events = [Event.parse_event(raw) for raw in response.events]
        info = RoomInfo(
            Timeline([], False, None), [e for e in events if isinstance(e, Event)], [], []
        )
        encrypted: set[str] = set()
        # What nio does with a sync's state section (members, power levels, rules);
        # nio has no public call for state fetched outside a sync.
        self.client._handle_joined_state(room_id, info, encrypted)
        if encrypted:
            self.client.encrypted_rooms.update(encrypted)
            if self.client.store:
                self.client.store.save_encrypted_rooms(encrypted)
        room = self.client.rooms[room_id]
        if room.encrypted and self.client.olm is not None:
            self.client.olm.update_tracked_users(room)  # type: ignore[no-untyped-call]
        self._loaded(room_id)
