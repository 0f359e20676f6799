"""Which devices get the bot's room keys (`encryption_trust`).

matrix-nio shares a room's Megolm session with every device of every member
that is not blacklisted (the sender passes `ignore_unverified_devices=True`,
which is trust on first use). With `encryption_trust: cross-signed` (the
default) the bot marks each device itself, from its own `/keys/query`:

- verified (nio's word for "trusted") when the chain holds: the owner's master
  key signed their self-signing key, and that key signed this device's keys
  (the same ed25519 key nio holds for the device);
- blacklisted otherwise: nio then leaves the device out of every key share, so
  it cannot read what the bot says (its client shows the message as one it
  cannot decrypt).

Fail closed: whenever nio has just learnt about devices, every device of those
users that is not already trusted is blacklisted *before* the bot's own query
runs, so a send that races the check never includes an unchecked device.
Marking a device trusted makes nio start a new session in rooms it shares with
the bot, so the device gets keys from the next message on.

A chain that holds is not enough when it is not the person's: a master key other than
the one first seen for them (an identity reset, possible with just their password) makes
all their devices untrusted until an operator accepts it (bot/identity_pins.py). The
bot's own other devices are never trusted: nio answers their key requests with any room
key the bot holds, and another device of the bot's account is stale or someone else's.

`encryption_trust: tofu` keeps nio's trust on first use (and lifts blacklists
this module set earlier), except for the bot's own other devices, which get no room
keys in either mode.

An identity accepted with `knooppunt crypto accept-identity` counts from the next sync
on: the pin file is looked at (one stat) after each sync, and when it changed, every
known device is judged again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Literal

from nio import KeysQueryResponse, Response, SyncResponse
from nio.client.async_client import AsyncClient
from nio.crypto.device import OlmDevice

from bot.backoff import NETWORK_ERRORS
from bot.cross_signing import (
    CrossSigningError,
    KeysApi,
    fingerprint,
    single_ed25519,
    verify_signature,
)
from bot.identity_pins import IdentityPins

log = logging.getLogger(__name__)

QUERY_ERRORS: tuple[type[BaseException], ...] = (CrossSigningError, *NETWORK_ERRORS)
TrustMode = Literal["cross-signed", "tofu"]


def self_signing_key(data: dict[str, Any], user_id: str) -> str | None:
    """The user's self-signing key, only if their master key signed it."""
    master_obj = (data.get("master_keys") or {}).get(user_id)
    ssk_obj = (data.get("self_signing_keys") or {}).get(user_id)
    master, ssk = single_ed25519(master_obj), single_ed25519(ssk_obj)
    if master is None or ssk is None or not verify_signature(ssk_obj, user_id, master):
        return None
    if not isinstance(ssk_obj, dict) or "self_signing" not in (ssk_obj.get("usage") or []):
        return None
    return ssk


def device_cross_signed(data: dict[str, Any], user_id: str, device_id: str, ed25519: str) -> bool:
    """Master key -> self-signing key -> this device, for the device key nio holds."""
    ssk = self_signing_key(data, user_id)
    device = (data.get("device_keys") or {}).get(user_id, {}).get(device_id)
    if ssk is None or not isinstance(device, dict):
        return False
    if device.get("user_id") != user_id or device.get("device_id") != device_id:
        return False
    if (device.get("keys") or {}).get(f"ed25519:{device_id}") != ed25519:
        return False  # the server shows other keys than the ones we encrypt to
    return verify_signature(device, user_id, ssk)


class TrustAwareClient(AsyncClient):
    """nio's client, with a device check right after every key query it processes.

    nio's response callbacks run only inside `sync_forever`, which the bot does not
    use; `receive_response` is where every response (also the key query inside
    `room_send`) updates nio's state, so the check runs before any key share.
    """

    trust: DeviceTrust | None = None

    async def receive_response(self, response: Response) -> None:
        await super().receive_response(response)
        if self.trust is None:
            return
        if isinstance(response, KeysQueryResponse):
            await self.trust.on_keys_query(response)
        elif isinstance(response, SyncResponse) and self.trust.pins.changed():
            await self.trust.reread_pins()


class DeviceTrust:
    def __init__(
        self, client: AsyncClient, mode: TrustMode, pins: IdentityPins | None = None
    ) -> None:
        self.client = client
        self.mode = mode
        # The first master key seen per person (bot/identity_pins.py); in memory only
        # when none is given (tests).
        self.pins = pins if pins is not None else IdentityPins(None)
        self._told_changed: set[tuple[str, str]] = set()  # log each new identity once
        # Told of each newly changed identity, once its devices are out (the runner
        # sets bot/identity_notice.py here: a notice in the rooms shared with them).
        self.on_identity_changed: Callable[[str, str], Awaitable[None]] | None = None
        self._announcing: set[asyncio.Task[None]] = set()
        # Told after each check that judged these people's devices (the runner sets
        # bot/held_redactions.py here: a deletion kept until their sessions are verified).
        self.on_checked: Callable[[list[str]], Awaitable[object]] | None = None
        self.checks = 0
        self._told_untrusted: set[tuple[str, str]] = set()  # log each such device once
        # Checks under way: between "fail closed" and the verdict a device is
        # blacklisted, and a key shared then would leave it out for good.
        self._under_way = 0
        self._idle = asyncio.Event()
        self._idle.set()

    def install(self) -> None:
        """Check devices every time nio has queried keys (before any share can use them)."""
        if isinstance(self.client, TrustAwareClient):
            self.client.trust = self

    async def start(self) -> None:
        """After login: judge the devices nio remembers from earlier runs."""
        if not self.client.olm:
            return
        users = list(self.client.device_store.users)
        if self.mode == "tofu":
            lifted = 0
            for user_id in users:
                if user_id == self.client.user_id:
                    continue  # the bot's own other devices stay out (see _own_devices_out)
                for device in self.client.device_store.active_user_devices(user_id):
                    if self.client.olm.is_device_blacklisted(device):
                        self.client.unblacklist_device(device)
                        lifted += 1
            if lifted:
                log.info("encryption_trust tofu: lifted %s device blacklist(s)", lifted)
            self._own_devices_out(self.client.olm)
            return
        if users:
            await self.check(users)

    async def on_keys_query(self, response: KeysQueryResponse) -> None:
        try:
            await self.check(list(response.device_keys))
        except Exception:  # a callback must never break nio's key query
            log.exception("device trust check failed")

    def _api(self) -> KeysApi | None:
        session = self.client.client_session
        if session is None or not self.client.access_token:
            return None
        return KeysApi(session, self.client.homeserver, self.client.access_token)

    async def settled(self) -> None:
        """Return when no device check is under way (the sender waits here before it
        encrypts, so a room key never goes out in the middle of a check)."""
        await self._idle.wait()

    async def reread_pins(self) -> None:
        """The pin file changed (an operator accepted an identity): judge every known
        device again, so an accepted person gets room keys without a restart."""
        self.pins.acknowledge()
        self.pins.refresh()
        users = list(self.client.device_store.users) if self.client.olm else []
        log.info("identity pins changed on disk: judging the devices of %s people", len(users))
        await self.check(users)

    def _own_devices_out(self, olm: Any) -> None:
        """Under tofu too: nio forwards every room key it holds to the bot's own verified
        devices and shares with unblacklisted ones; another device of the bot's account
        is stale or someone else's."""
        for device in self.client.device_store.active_user_devices(str(self.client.user_id)):
            if device.id == self.client.device_id or device.deleted:
                continue
            if olm.is_device_verified(device):
                self.client.unverify_device(device)
            if not olm.is_device_blacklisted(device):
                self.client.blacklist_device(device)

    async def check(self, users: list[str]) -> None:
        olm = self.client.olm
        if olm is None or not users:
            return
        if self.mode == "tofu":
            self._own_devices_out(olm)
            return
        self._under_way += 1
        self._idle.clear()
        try:
            judged = await self._check(olm, users)
        finally:
            self._under_way -= 1
            if not self._under_way:
                self._idle.set()
        if judged and self.on_checked is not None:
            # In a task of its own, as `_announce`: it handles messages and queues sends,
            # none of which belongs inside a key query.
            task = asyncio.ensure_future(self._tell_checked(users))
            self._announcing.add(task)
            task.add_done_callback(self._announcing.discard)

    async def _tell_checked(self, users: list[str]) -> None:
        assert self.on_checked is not None
        try:
            await self.on_checked(users)
        except Exception:  # what waits for trust waits on; the trust decision stands
            log.exception("could not re-check what waited for the devices of %s", users)

    async def _check(self, olm: Any, users: list[str]) -> bool:
        """Judge the devices of `users`: True when judged (the query answered)."""
        devices: list[OlmDevice] = [
            d for u in users for d in self.client.device_store.active_user_devices(u)
        ]
        # Fail closed first, synchronously: nothing unchecked is shared with meanwhile.
        for device in devices:
            if not olm.is_device_verified(device) and not olm.is_device_blacklisted(device):
                self.client.blacklist_device(device)
        api = self._api()
        if api is None:
            return False
        try:
            data = await api.query(users)
        except QUERY_ERRORS as exc:
            log.warning(
                "device trust: key query failed (%r); asking again after the next sync", exc
            )
            olm.users_for_key_query.update(users)
            return False
        self.checks += 1
        untrusted = self._changed_identities(data, users)
        # Nor the bot's other devices: nio forwards every room key it holds to its own
        # verified devices on request, and the bot never needs a second device.
        untrusted.add(str(self.client.user_id))
        for device in devices:
            if device.deleted or device.id == self.client.device_id:
                continue
            trusted = device.user_id not in untrusted and device_cross_signed(
                data, device.user_id, device.id, device.ed25519
            )
            self._mark(olm, device, trusted)
        return True

    def _mark(self, olm: Any, device: OlmDevice, trusted: bool) -> None:
        """Mark one device trusted (verified) or not (blacklisted), logging a change once."""
        if trusted:
            if olm.is_device_blacklisted(device):
                self.client.unblacklist_device(device)
            self._told_untrusted.discard((device.user_id, device.id))
            if self.client.verify_device(device):
                log.info(
                    "device %s of %s is cross-signed by its owner: it gets room keys",
                    device.id,
                    device.user_id,
                )
            return
        if olm.is_device_verified(device):
            self.client.unverify_device(device)  # also starts new room sessions
            log.warning(
                "device %s of %s is no longer cross-signed by its owner: no more room keys for it",
                device.id,
                device.user_id,
            )
        if not olm.is_device_blacklisted(device):
            self.client.blacklist_device(device)
        if (device.user_id, device.id) in self._told_untrusted:
            return
        self._told_untrusted.add((device.user_id, device.id))
        log.info(
            "device %s of %s is not cross-signed by its owner: it gets no room keys",
            device.id,
            device.user_id,
        )

    def _announce(self, user_id: str, master: str) -> None:
        """Tell the shared rooms, in a task of its own: it writes to the database and
        queues a send, neither of which belongs inside a key query. The task starts
        after this check has put the person's devices out (it runs on the next turn of
        the loop; the send waits for `settled`)."""
        if self.on_identity_changed is None:
            return
        task = asyncio.ensure_future(self._announce_safely(user_id, master))
        self._announcing.add(task)
        task.add_done_callback(self._announcing.discard)

    async def _announce_safely(self, user_id: str, master: str) -> None:
        assert self.on_identity_changed is not None
        try:
            await self.on_identity_changed(user_id, master)
        except Exception:  # the notice is a courtesy; the trust decision stands without it
            log.exception("could not tell the rooms shared with %s of their new identity", user_id)

    def _changed_identities(self, data: dict[str, Any], users: list[str]) -> set[str]:
        """The people whose master key is not the one pinned for them (bot/identity_pins.py):
        none of their devices is trusted, however well the new chain holds."""
        self.pins.refresh()
        if not self.pins.readable:
            # Fail closed (bot/identity_pins.py logs it): nobody's identity changed, so
            # no notices, but no identity can be checked either.
            return {user_id for user_id in users if user_id != self.client.user_id}
        changed: set[str] = set()
        for user_id in users:
            if user_id == self.client.user_id:
                continue  # the bot's own identity is bot/cross_signing.py's (it may reset it)
            master = single_ed25519((data.get("master_keys") or {}).get(user_id))
            if master is None or self.pins.holds(user_id, master):
                continue
            changed.add(user_id)
            if (user_id, master) in self._told_changed:
                continue
            self._told_changed.add((user_id, master))
            self._announce(user_id, master)
            log.warning(
                "IDENTITY CHANGED: %s now shows master key %s, not the %s first seen; "
                "none of their devices gets room keys until an operator who has checked "
                "the new key with them runs `knooppunt crypto accept-identity %s` "
                "(the running bot takes it from its next sync on)",
                user_id,
                fingerprint(master),
                fingerprint(self.pins.pins[user_id]),
                user_id,
            )
        return changed


Refusal = Literal[
    "untrusted_device",
    "plain_in_encrypted",
    "untrusted_redaction",
    "identity_pins_unreadable",  # bot/untrusted.py, in place of the first or third
]


def untrusted_sessions(client: AsyncClient, user_id: str) -> list[str] | None:
    """The ids of the person's known sessions the bot does not trust (the rule above),
    for what cannot be judged by device (a redaction travels in the clear): empty when
    every one is trusted, None when the bot knows none of their devices."""
    olm = client.olm
    devices = [d for d in client.device_store.active_user_devices(user_id) if not d.deleted]
    if olm is None or not devices:
        return None
    return sorted(
        str(d.id) for d in devices if not olm.is_device_verified(d) or olm.is_device_blacklisted(d)
    )


def refusal(
    client: AsyncClient, event: Any, room_id: str, room_encrypted: bool, mode: TrustMode
) -> Refusal | None:
    """Why the bot must not act on a message it read, or None when it may.

    The same rule as for room keys: under `cross-signed` only a device marked verified
    above (its owner cross-signed it, with the identity pinned for them) counts. The
    device is found by the keys the message's session was made with, not by the device
    id the sender claims; a session forwarded by someone else proves nothing.
    `tofu` acts on every encrypted message. A message in the clear in an encrypted room
    is refused in both modes.
    """
    if not getattr(event, "decrypted", False):
        return "plain_in_encrypted" if room_encrypted else None
    if mode == "tofu":
        return None
    olm = client.olm
    sender_key, session_id = getattr(event, "sender_key", None), getattr(event, "session_id", None)
    if olm is None or not sender_key or not session_id:
        return "untrusted_device"
    session = olm.inbound_group_store.get(room_id, sender_key, session_id)
    if session is None or session.forwarding_chain:
        return "untrusted_device"
    for device in client.device_store.active_user_devices(event.sender):
        same = device.curve25519 == sender_key and device.ed25519 == session.ed25519
        if same and olm.is_device_verified(device) and not olm.is_device_blacklisted(device):
            return None
    return "untrusted_device"
