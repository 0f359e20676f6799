"""A room's life beyond its messages: upgrades (tombstones), leaving, and how public it is.

A binding carries an organisation and a clearance, so moving it is a matter of
trust. A tombstone can be sent by any member with enough power in the *old*
room, and it may name any room id. The binding is therefore carried only when
both rooms agree and nothing is overwritten:

* the old room's current tombstone names the new room,
* the new room's `m.room.create` names the old room as its predecessor,
* the bot can join the new room, and
* the new room has no binding of its own.

Otherwise everything stays as it was; the old room is told why and the refusal
is audited. When the bot cannot join yet (an invite-only room: the upgrader has
to invite it), the check runs again when it joins the new room.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from nio import (
    JoinResponse,
    MatrixRoom,
    RoomGetStateEventResponse,
    RoomMemberEvent,
    RoomUpgradeEvent,
)
from nio.client.async_client import AsyncClient
from nio.responses import RoomInfo
from sqlalchemy.ext.asyncio import AsyncSession

from bot import events as ev
from bot.admin_chats import RoomReady
from bot.admin_chats import prepare as prepare_admin_chats
from bot.sender import queue_notice, tell_admins
from commands.i18n import Language, t
from storage import audit, event_log
from storage import rooms as room_repo
from storage.engine import Database
from storage.ids import EventId, RoomId, UserId
from storage.tlp import is_public

log = logging.getLogger(__name__)

Reason = Literal["bound", "predecessor", "tombstone", "join"]


def room_is_public(room: MatrixRoom | None, direct: bool = False) -> bool:
    """Whether outsiders can read this room, from its current state (see `tlp.is_public`).

    `direct`: the bot keeps the room as a direct chat (`is_direct` on its invite): its
    members count too (joined or invited)."""
    if room is None:
        return False
    members = room.member_count if direct else None
    return is_public(room.join_rule, room.history_visibility, room.guest_access, members)


def is_one_to_one(room: MatrixRoom | None) -> bool:
    """Whether only the bot and one other person are in the room (joined or invited)."""
    return room is not None and room.joined_count + room.invited_count == 2


@dataclass(frozen=True)
class Verdict:
    old: RoomId
    new: RoomId
    refusal: Reason | None  # None: carry the binding


class RoomLifecycle:
    def __init__(
        self,
        client: AsyncClient,
        db: Database,
        user_id: UserId,
        language: Language,
        wake: Callable[[], None],
    ) -> None:
        self.client = client
        self.db = db
        self.user_id = user_id
        self.language = language
        self.wake = wake
        # The configured admins, told in their direct chats with the bot of an upgrade
        # the bot cannot follow (see `_refuse`); the syncer's room-state loader.
        self.admins: frozenset[str] = frozenset()
        self.room_ready: RoomReady | None = None

    # ------------------------------------------------------------ checks

    async def _state_content(self, room_id: str, event_type: str) -> dict[str, object] | None:
        response = await self.client.room_get_state_event(room_id, event_type)
        if isinstance(response, RoomGetStateEventResponse) and isinstance(response.content, dict):
            return response.content
        return None

    async def _verify(self, old: RoomId, new: RoomId, *, join: bool) -> Verdict:
        """Network and database reads only; the caller writes the outcome in one transaction."""
        async with self.db.session() as session:
            if await room_repo.binding(session, new) is not None:
                return Verdict(old, new, "bound")
        if new == old:
            return Verdict(old, new, "predecessor")
        if join:
            response = await self.client.join(new)
            if not isinstance(response, JoinResponse):
                log.info("room %s: cannot join replacement %s: %s", old, new, response)
                return Verdict(old, new, "join")
        create = await self._state_content(new, "m.room.create")
        if create is None:
            return Verdict(old, new, "join")
        predecessor = create.get("predecessor")
        if not isinstance(predecessor, dict) or predecessor.get("room_id") != old:
            return Verdict(old, new, "predecessor")
        # The old room's *current* tombstone must still point here (a replayed or
        # superseded tombstone does not count).
        tombstone = await self._state_content(old, "m.room.tombstone")
        if tombstone is None or tombstone.get("replacement_room") != new:
            return Verdict(old, new, "tombstone")
        return Verdict(old, new, None)

    # ------------------------------------------------------------ events

    async def on_tombstone(self, room_id: RoomId, event: RoomUpgradeEvent) -> None:
        async with self.db.session() as session:
            if await event_log.is_processed(session, EventId(event.event_id)):
                return
            source = await room_repo.binding(session, room_id)
        new_room = RoomId(event.replacement_room or "")
        verdict = (
            await self._verify(room_id, new_room, join=True)
            if new_room
            else Verdict(room_id, new_room, "tombstone")
        )
        bound = source is not None and source.active
        effect = "room.upgraded" if verdict.refusal is None else "room.upgrade_refused"
        if verdict.refusal is not None and bound:
            # The admins' chats are looked for inside the transaction (`_tell_admins`):
            # their state is loaded before it, never under SQLite's write lock.
            await prepare_admin_chats(self.db, self.admins, self.room_ready)
        async with self.db.transaction() as session:
            if not await ev.claim(session, event, room_id, effect):
                return
            if verdict.refusal is None:
                await self._carry(session, verdict, event.sender)
            elif bound:
                await self._refuse(session, verdict, event.sender, event.event_id)
            else:
                log.info(
                    "room %s (unbound) tombstoned to %s; not followed: %s",
                    room_id,
                    new_room,
                    verdict.refusal,
                )
        self.wake()

    async def after_own_join(self, room_id: RoomId) -> None:
        """The bot joined `room_id`: if it is the verified successor of a bound room, carry."""
        async with self.db.session() as session:
            if await room_repo.binding(session, room_id) is not None:
                return
        create = await self._state_content(room_id, "m.room.create")
        predecessor = create.get("predecessor") if create else None
        old = predecessor.get("room_id") if isinstance(predecessor, dict) else None
        if not isinstance(old, str) or not old:
            return
        async with self.db.session() as session:
            source = await room_repo.binding(session, RoomId(old))
            old_room = await room_repo.get(session, RoomId(old))
            if source is None or not source.active or (old_room and old_room.replaced_by):
                return
        verdict = await self._verify(RoomId(old), room_id, join=False)
        if verdict.refusal is not None:
            # A room merely claiming a bound room as predecessor: nothing to say to anyone.
            log.info("room %s names %s as predecessor; not carried: %s", room_id, old, verdict)
            return
        async with self.db.transaction() as session:
            current = await room_repo.binding(session, room_id)
            if current is None:
                await self._carry(session, verdict, self.user_id)
        self.wake()

    async def on_left(self, room_id: RoomId, info: RoomInfo) -> None:
        """The bot left, was kicked or banned: keep the binding, stop serving the room."""
        for event in info.timeline.events:
            if not (isinstance(event, RoomMemberEvent) and event.state_key == self.user_id):
                continue
            if event.membership not in ("leave", "ban"):
                continue
            reason = (
                "left"
                if event.sender == self.user_id
                else ("banned" if event.membership == "ban" else "kicked")
            )
            async with self.db.transaction() as session:
                room = await room_repo.get(session, room_id)
                if room is not None and room.replaced_by:
                    reason = "upgraded"
                if not await ev.claim(session, event, room_id, f"room.{reason}"):
                    continue
                await room_repo.mark_left(session, room_id, reason)
                await audit.add(session, event.sender, f"room.{reason}", room_id)
            log.info("room %s: bot %s; binding kept but inactive", room_id, reason)

    # ------------------------------------------------------------ effects

    async def _carry(self, session: AsyncSession, verdict: Verdict, actor: str) -> None:
        carried = await room_repo.carry_binding(session, verdict.old, verdict.new)
        await room_repo.mark_left(session, verdict.old, "upgraded")
        await audit.add(
            session,
            actor,
            "room.upgraded",
            verdict.old,
            subject=verdict.new,
            detail={"from": verdict.old},
        )
        if carried is None:
            # Nothing carried (the old room was unbound, or replaced already: a second
            # tombstone): a notice would claim a binding the new room does not have.
            log.info("room %s tombstoned to %s; no binding carried", verdict.old, verdict.new)
            return
        # The binding is carried already: a room of an exercise gets the marker.
        text = t(self.language, "upgrade_carried", old=verdict.old)
        key = f"upgrade-carried:{verdict.old}:{verdict.new}"
        await queue_notice(session, verdict.new, text, self.language, key)
        log.info("room %s was upgraded to %s; binding carried", verdict.old, verdict.new)

    async def _refuse(
        self, session: AsyncSession, verdict: Verdict, actor: str, event_id: str
    ) -> None:
        assert verdict.refusal is not None
        pending = verdict.refusal == "join"
        text = t(
            self.language,
            "upgrade_pending" if pending else "upgrade_refused",
            new=verdict.new,
            reason=t(self.language, f"upgrade_reason_{verdict.refusal}"),
        )
        # A real upgrade leaves the old room read-only for ordinary members (the bot
        # included). The homeserver raises the old room's power levels only after the
        # tombstone, so a notice queued here while the bot may still write can be refused
        # at its send (audited there, bot/sender.py); the admins are told in their direct
        # chats with the bot as well, where it can write (session 18: the notice met
        # M_FORBIDDEN and nobody learned that the bot waited for an invite).
        room = self.client.rooms.get(verdict.old)
        if room is None or room.power_levels.can_user_send_message(self.user_id):
            key = f"upgrade-refused:{event_id}"
            # Named by the tombstone: this notice is for the old room's members who did
            # not move, it does not follow the upgrade (bot/sender.py `_follow_owed`).
            await queue_notice(
                session, verdict.old, text, self.language, key, source_event_id=event_id
            )
        told = await self._tell_admins(session, verdict, pending, event_id)
        await audit.add(
            session,
            actor,
            "room.upgrade_pending" if pending else "room.upgrade_refused",
            verdict.old,
            subject=verdict.new,
            detail={"reason": verdict.refusal, "admins_told": len(told)},
        )
        if not told:
            log.warning(
                "room %s: no direct chat with an admin to tell of the upgrade to %s: the "
                "notice waits for one (an admin invites the bot to a direct chat; see "
                "`knooppunt outbox`); invite the bot to the new room",
                verdict.old,
                verdict.new,
            )
        log.warning(
            "room %s: tombstone by %s names %s; binding kept (%s)",
            verdict.old,
            actor,
            verdict.new,
            verdict.refusal,
        )

    async def _tell_admins(
        self, session: AsyncSession, verdict: Verdict, pending: bool, event_id: str
    ) -> list[RoomId]:
        """The notice, naming both rooms, in each direct chat of an admin with the bot."""
        text = t(
            self.language,
            "upgrade_pending_admin" if pending else "upgrade_refused_admin",
            old=verdict.old,
            new=verdict.new,
            reason=t(self.language, f"upgrade_reason_{verdict.refusal}"),
        )
        key = f"upgrade-admin:{event_id}"
        return await tell_admins(
            session, self.client, self.admins, self.user_id, text, self.language, key
        )
