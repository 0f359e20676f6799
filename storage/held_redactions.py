"""Deletions refused for now (bot/held_redactions.py): kept in the `kv` table until they
count, one row per redaction (a handful at most, so no table of their own).

A row holds the redaction as the homeserver sent it, its room and sender, and the
sessions of the sender the bot did not trust when it refused it: the deletion counts
only once each of those is verified (a session signed out proves nothing)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import KeyValue

PREFIX = "held-redaction:"


@dataclass(frozen=True)
class Held:
    event_id: str
    room_id: str
    sender: str
    sessions: tuple[str, ...]  # untrusted when it was refused
    source: dict[str, Any]  # the redaction event as received


def _key(event_id: str) -> str:
    # Event ids may be up to 255 characters; the key column holds 200.
    return PREFIX + hashlib.sha256(event_id.encode()).hexdigest()


async def hold(session: AsyncSession, held: Held) -> None:
    value = {
        "event_id": held.event_id,
        "room_id": held.room_id,
        "sender": held.sender,
        "sessions": list(held.sessions),
        "source": held.source,
    }
    await session.merge(KeyValue(key=_key(held.event_id), value=json.dumps(value)))


def _parsed(value: str) -> Held | None:
    try:
        data = json.loads(value)
        return Held(
            event_id=str(data["event_id"]),
            room_id=str(data["room_id"]),
            sender=str(data["sender"]),
            sessions=tuple(str(s) for s in data["sessions"]),
            source=dict(data["source"]),
        )
    except (ValueError, KeyError, TypeError):
        return None


async def pending(session: AsyncSession, senders: Collection[str] | None = None) -> list[Held]:
    """The deletions held, of `senders` (all when None), oldest first."""
    values = await session.scalars(
        select(KeyValue.value)
        .where(KeyValue.key.startswith(PREFIX, autoescape=True))
        .order_by(KeyValue.updated_at)
    )
    found = [held for value in values if (held := _parsed(value)) is not None]
    return [held for held in found if senders is None or held.sender in senders]


async def get(session: AsyncSession, event_id: str) -> Held | None:
    row = await session.get(KeyValue, _key(event_id))
    return _parsed(row.value) if row is not None else None


async def drop(session: AsyncSession, event_id: str) -> None:
    await session.execute(delete(KeyValue).where(KeyValue.key == _key(event_id)))
