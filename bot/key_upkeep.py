"""End-to-end key upkeep after a sync: what nio asks for, in the order it needs it.

One place for the bot's sync loop and the demo's simulated people, so both keep their
one-time keys, device lists and Olm sessions the same way.
"""

from __future__ import annotations

from nio.client.async_client import AsyncClient


async def keep_keys(client: AsyncClient) -> None:
    """Upload our keys, query changed devices, claim keys for new sessions, then send
    the to-device messages (room keys) those sessions allow. Does nothing without
    encryption; errors propagate, for the caller to retry after its next sync."""
    if not client.olm:
        return
    if client.should_upload_keys:
        await client.keys_upload()
    if client.should_query_keys:
        await client.keys_query()
    if client.should_claim_keys:
        await client.keys_claim(client.get_users_for_key_claiming())
    await client.send_to_device_messages()
