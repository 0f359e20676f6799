"""Posts scheduled situation pictures.

Each (subscription, slot) becomes one outbox row whose transaction id is
derived from both, written in the same transaction that moves the subscription
to its next slot: a restart, a crash or a second look at the same slot cannot
post twice, and after downtime only the latest missed slot is posted.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from bot.backoff import sleep_unless
from bot.sender import OutboxSender, reply_content
from commands.i18n import Language
from commands.picture import picture_for_room
from storage import incidents as incident_repo
from storage import outbox, tlp
from storage import rooms as room_repo
from storage import subscriptions as subscription_repo
from storage.engine import Database
from storage.ids import RoomId

log = logging.getLogger(__name__)
TICK_SECONDS = 5.0


class Scheduler:
    def __init__(self, db: Database, sender: OutboxSender, language: Language, prefix: str) -> None:
        self.db = db
        self.sender = sender
        self.language = language
        self.prefix = prefix
        self.posted = 0

    async def run(self, stop: asyncio.Event) -> None:
        await self.sender.ready.wait()  # rooms are known and the outbox is flowing
        while not stop.is_set():
            try:
                await self.tick(datetime.now(UTC))
            except Exception:
                log.exception("scheduler: tick failed; trying again")
            if await sleep_unless(stop, TICK_SECONDS):
                return

    async def tick(self, now: datetime) -> int:
        async with self.db.session() as session:
            due_ids = [s.id for s in await subscription_repo.due(session, now)]
        for subscription_id in due_ids:
            await self._post(subscription_id, now)
        return len(due_ids)

    async def _post(self, subscription_id: int, now: datetime) -> None:
        from storage.models import Subscription

        async with self.db.transaction() as session:
            subscription = await session.get(Subscription, subscription_id)
            if subscription is None or not subscription.active:
                return
            slot = subscription_repo.due_slot(subscription, now)
            if slot is None:
                return
            subscription.next_due_at = slot + timedelta(seconds=subscription.interval_seconds)
            room = await room_repo.get(session, RoomId(subscription.room_id))
            binding = await room_repo.binding(session, RoomId(subscription.room_id))
            incident = await incident_repo.get(session, subscription.incident or "")
            if (
                room is None
                or not room.active
                or binding is None
                or not binding.active
                or incident is None
            ):
                log.info(
                    "scheduler: subscription %s skipped (room or incident gone)", subscription_id
                )
                return
            access = tlp.RoomAccess(
                room_id=room.room_id,
                bound=True,
                clearance=binding.clearance,
                organisation=binding.organisation,
                public=room.public,
            )
            reply, _ = await picture_for_room(
                session,
                access,
                incident,
                now,
                self.language,
                actor="scheduler",
                prefix=self.prefix,
                curator=binding.role == "curator",
            )
            row = await outbox.add(
                session,
                RoomId(room.room_id),
                "message",
                reply_content(reply),
                outbox.txn_id_for(f"subscription:{subscription_id}:{slot.isoformat()}"),
            )
        if row is not None:
            self.posted += 1
            log.info(
                "scheduler: subscription %s posted for slot %s", subscription_id, slot.isoformat()
            )
            self.sender.submit([row])
