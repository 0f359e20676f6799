"""The bot's own membership: invites it accepts or rejects, and its joins (the greeting)."""

from __future__ import annotations

import logging
from datetime import datetime

from nio import Event, InviteMemberEvent
from nio.client.async_client import AsyncClient
from nio.responses import InviteInfo

from bot import events as ev
from bot.config import Settings
from bot.room_lifecycle import RoomLifecycle
from bot.sender import OutboxSender, queue_notice
from commands.i18n import t
from storage import audit, event_log, portal_links
from storage import rooms as room_repo
from storage.engine import Database
from storage.ids import EventId, RoomId, UserId, server_of

log = logging.getLogger(__name__)


class Membership:
    def __init__(
        self,
        client: AsyncClient,
        db: Database,
        sender: OutboxSender,
        settings: Settings,
        lifecycle: RoomLifecycle,
    ) -> None:
        assert settings.user_id is not None
        self.client = client
        self.db = db
        self.sender = sender
        self.settings = settings
        self.lifecycle = lifecycle
        self.user_id = UserId(settings.user_id)
        self.allowed_servers = set(settings.effective_allowed_servers)
        self.admins = set(settings.admins)

    def invite_allowed(self, inviter: str | None) -> bool:
        if inviter is None:
            return False
        return inviter in self.admins or server_of(inviter) in self.allowed_servers

    async def note_rooms(self, room_ids: list[str], now: datetime) -> None:
        """The first start: note the rooms the bot is in, active."""
        async with self.db.transaction() as session:
            for room_id in room_ids:
                room = await room_repo.get(session, RoomId(room_id))
                if room is None or not room.active:
                    await room_repo.mark_joined(session, RoomId(room_id), now)

    async def handle_invites(self, invites: dict[str, InviteInfo]) -> None:
        for room_id, info in invites.items():
            inviter, is_direct = None, False
            for event in info.invite_state:
                if (
                    isinstance(event, InviteMemberEvent)
                    and event.state_key == self.user_id
                    and event.membership == "invite"
                ):
                    inviter = event.sender
                    is_direct = bool(event.content.get("is_direct"))
            if self.invite_allowed(inviter):
                response = await self.client.join(room_id)
                accepted = getattr(response, "room_id", None) == room_id
                log.info(
                    "invite to %s from %s: %s",
                    room_id,
                    inviter,
                    "joined" if accepted else f"join failed {response}",
                )
                if accepted:
                    async with self.db.transaction() as session:
                        room = await room_repo.ensure(session, RoomId(room_id))
                        room.is_direct = is_direct
                        await audit.add(session, inviter or "?", "invite.accepted", room_id)
            else:
                # Leaving rejects the invite, so it does not come back in every sync.
                await self.client.room_leave(room_id)
                log.info("invite to %s from %s rejected (server not allowed)", room_id, inviter)
                async with self.db.transaction() as session:
                    await audit.add(session, inviter or "?", "invite.rejected", room_id)

    async def on_member_left(self, room_id: RoomId, event: Event) -> None:
        """A member left, was kicked or banned: the room's portal links stop working at
        once (a link shows what the room may see, and they no longer may). Every live
        link of the room, not only theirs: `!portaal` answers in the room, so they read
        their colleagues' links there too (a kicked member kept one for up to 12 hours).
        One who never joined (an invite turned down) read none. Exactly once per event,
        like every handled event."""
        member = getattr(event, "state_key", None)
        if not isinstance(member, str):
            return
        joined = getattr(event, "prev_membership", None) in (None, "join")
        async with self.db.transaction() as session:
            if not await ev.claim(session, event, room_id, "member.left"):
                return
            revoked = await portal_links.revoke(
                session, room_id, member, ev.event_time(event), everyone=joined
            )
            if revoked:
                # Colleagues' links stop working too: say so, or they die unannounced in
                # the middle of a crisis. In this transaction, so exactly once with the event.
                lang = self.settings.language
                text = t(
                    lang,
                    "portal.links_revoked_member_left",
                    count=revoked,
                    prefix=self.settings.command_prefix,
                )
                await queue_notice(session, room_id, text, lang, f"links-revoked:{event.event_id}")
        if revoked:
            log.info("member %s left %s: %d portal link(s) revoked", member, room_id, revoked)
            self.sender.wake()

    async def on_own_join(self, room_id: RoomId, event: Event) -> None:
        # The successor of a bound room whose upgrade could not be checked before. First,
        # so a network error replays it with the batch; it does nothing a second time.
        async with self.db.session() as session:
            processed = await event_log.is_processed(session, EventId(event.event_id))
        if not processed:
            await self.lifecycle.after_own_join(room_id)
        async with self.db.transaction() as session:
            if not await ev.claim(session, event, room_id, "joined", sender=self.user_id):
                return
            room = await room_repo.mark_joined(session, room_id, ev.event_time(event))
            await room_repo.note_event(session, room_id, event.event_id, event.server_timestamp)
            if not room.greeted:
                room.greeted = True
                # A room that was bound to an exercise before (a rejoin) says so.
                lang = self.settings.language
                greeting = t(lang, "greeting", prefix=self.settings.command_prefix)
                await queue_notice(session, room_id, greeting, lang, f"greet:{room_id}")
        log.info("joined room %s", room_id)
        # Rows waiting for a room to be joined (an upgraded room's successor, an admin's
        # direct chat) are looked at now, not at their next look.
        self.sender.rooms_moved()
