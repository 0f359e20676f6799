"""End-to-end key upkeep after a sync: what nio asks for, in the order it needs it.

One place for the bot's sync loop and the demo's simulated people, so both keep their
one-time keys, device lists and Olm sessions the same way; and the step before an
encrypted send, so a room key is never shared while the devices it goes to are unknown
or still being checked.
"""

from __future__ import annotations

import asyncio
from typing import Protocol
from weakref import WeakKeyDictionary

from nio.client.async_client import AsyncClient

# One key query at a time per client: the sync loop and the sender both ask, and
# nio refuses a query once another one has emptied its list of users to ask about.
_QUERY_LOCKS: WeakKeyDictionary[AsyncClient, asyncio.Lock] = WeakKeyDictionary()


class DeviceCheck(Protocol):
    """What a device-trust check offers the sender (bot/device_trust.py)."""

    async def settled(self) -> None: ...


async def query_keys(client: AsyncClient) -> None:
    """Ask for the device keys nio waits for; wait for a query already under way.

    The device check runs inside the query (`TrustAwareClient.receive_response`), so
    when this returns no query, and no check of what it found, is still under way.
    """
    lock = _QUERY_LOCKS.setdefault(client, asyncio.Lock())
    async with lock:
        if client.should_query_keys:
            await client.keys_query()


async def keep_keys(client: AsyncClient) -> None:
    """Upload our keys, query changed devices, claim keys for new sessions, then send
    the to-device messages (room keys) those sessions allow. Does nothing without
    encryption; errors propagate, for the caller to retry after its next sync."""
    if not client.olm:
        return
    if client.should_upload_keys:
        await client.keys_upload()
    await query_keys(client)
    if client.should_claim_keys:
        await client.keys_claim(client.get_users_for_key_claiming())
    await client.send_to_device_messages()


async def ready_to_encrypt(client: AsyncClient, check: DeviceCheck | None) -> None:
    """Before a message is encrypted: the members' devices are known and judged.

    nio shares a room's key with the devices it knows and trusts at that moment and
    then reuses the session: a device learnt about, or found trustworthy, a moment
    later gets no key for that message, and its owner sees one they cannot read
    (found as the bot's welcome in a new encrypted room, unreadable to the person who
    invited it, when the sync loop's key query and check were still under way).
    """
    if not client.olm:
        return
    await query_keys(client)
    if check is not None:
        await check.settled()
