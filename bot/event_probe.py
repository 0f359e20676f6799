"""Who sent an event and what it answers, from the homeserver: for commands that meet an
event id they do not know (commands/context.EventProbe), without importing nio there.

The bot's own event from an earlier device (a new login after its tokens were revoked or
its keys lost) carries none of the transaction ids the outbox knows, and in an encrypted
room the new device cannot read it; its sender and its reply relation (nio copies
`m.relates_to` into the clear part) are still there to read.

The question is never asked inside the event's write transaction (on SQLite a network
round trip under the write lock would hold up every other room's writes): while an
event is handled (`commands.context.FETCHED`), the probe asks for a fetch first
(`FetchFirst`), and answers from it when the event is handled anew."""

from __future__ import annotations

import logging

from nio import RoomGetEventResponse
from nio.client.async_client import AsyncClient

from bot.backoff import NETWORK_ERRORS
from commands.context import FETCHED, EventFacts, EventProbe, FetchFirst

log = logging.getLogger(__name__)


def event_probe(client: AsyncClient) -> EventProbe:
    """The probe: the event's sender and the event it replies to; None when the
    homeserver does not give the event (unknown, not visible, not reachable)."""

    async def ask(room_id: str, event_id: str) -> EventFacts | None:
        try:
            response = await client.room_get_event(room_id, event_id)
        except NETWORK_ERRORS as exc:
            log.warning("room %s: event %s not fetched: %s", room_id, event_id, exc)
            return None
        if not isinstance(response, RoomGetEventResponse):
            log.info("room %s: event %s not fetched: %s", room_id, event_id, response)
            return None
        source = response.event.source
        content = source.get("content") if isinstance(source, dict) else None
        relates = content.get("m.relates_to") if isinstance(content, dict) else None
        in_reply = relates.get("m.in_reply_to") if isinstance(relates, dict) else None
        answered = in_reply.get("event_id") if isinstance(in_reply, dict) else None
        return EventFacts(
            sender=response.event.sender,
            in_reply_to=answered if isinstance(answered, str) and answered else None,
        )

    async def facts(room_id: str, event_id: str) -> EventFacts | None:
        fetched = FETCHED.get()
        if fetched is None:
            return await ask(room_id, event_id)  # no transaction of the core's is open
        key = ("event", room_id, event_id)
        if key not in fetched:

            async def fetch() -> None:
                fetched[key] = await ask(room_id, event_id)

            raise FetchFirst(fetch)
        found = fetched[key]
        return found if isinstance(found, EventFacts) else None

    return facts
