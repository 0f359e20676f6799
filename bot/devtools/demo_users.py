"""People on the homeserver: real matrix-nio clients that talk to the bot as a person would.

`knooppunt demo` plays its scenario with them, and the integration tests use the
same class for their humans (tests/support/human.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nio import (
    LoginResponse,
    MatrixRoom,
    RoomCreateResponse,
    RoomEncryptedFile,
    RoomMessageFile,
    RoomMessageNotice,
    RoomMessageText,
    RoomSendResponse,
)
from nio.client.async_client import AsyncClient, AsyncClientConfig

from bot.key_upkeep import keep_keys
from storage.errors import SaidError


class DemoError(SaidError, RuntimeError):
    """A step with the homeserver failed; the message says which."""


@dataclass
class Heard:
    """A message this person received."""

    room_id: str
    event_id: str
    sender: str
    body: str
    msgtype: str
    content: dict[str, Any]
    at: float

    @property
    def reply_to(self) -> str | None:
        relates = self.content.get("m.relates_to") or {}
        event_id = (relates.get("m.in_reply_to") or {}).get("event_id")
        return event_id if isinstance(event_id, str) else None


class Person:
    """Logs in, keeps syncing (and, with encryption, its keys), and waits for replies."""

    def __init__(
        self, homeserver: str, user_id: str, password: str, store: Path, encryption: bool = False
    ) -> None:
        store.mkdir(parents=True, exist_ok=True)
        config = AsyncClientConfig(encryption_enabled=encryption, store_sync_tokens=False)
        self.client = AsyncClient(homeserver, user_id, store_path=str(store), config=config)
        self.password = password
        self.seen: list[Heard] = []
        self._task: asyncio.Task[None] | None = None
        self._changed = asyncio.Event()
        self.client.add_event_callback(
            self._on_message,  # type: ignore[arg-type]
            (RoomMessageText, RoomMessageNotice, RoomMessageFile, RoomEncryptedFile),  # type: ignore[arg-type]
        )

    @property
    def user_id(self) -> str:
        return str(self.client.user_id)

    async def _on_message(
        self, room: MatrixRoom, event: RoomMessageText | RoomMessageNotice
    ) -> None:
        content = event.source.get("content", {})
        self.seen.append(
            Heard(
                room.room_id,
                event.event_id,
                event.sender,
                event.body,
                content.get("msgtype", ""),
                content,
                time.monotonic(),
            )
        )
        self._changed.set()

    async def login(self, device_name: str = "knooppunt-person") -> None:
        response = await self.client.login(self.password, device_name=device_name)
        if not isinstance(response, LoginResponse):
            raise DemoError("demo.login_failed", user=self.client.user_id, response=response)
        await self.client.sync(timeout=0, full_state=True)
        self._task = asyncio.create_task(self._sync_forever())

    async def cross_sign(self, key_file: Path) -> None:
        """Give this person cross-signing keys and sign the device (as ordinary clients do)."""
        from bot.cross_signing import KeysApi, ensure_cross_signed

        client = self.client
        assert client.client_session and client.access_token and client.device_id
        for _ in range(300):  # the sync task uploads the device keys; signing needs them
            if not client.should_upload_keys:
                break
            await asyncio.sleep(0.1)
        api = KeysApi(client.client_session, client.homeserver, client.access_token)
        await ensure_cross_signed(api, self.user_id, client.device_id, key_file, self.password)

    async def _sync_forever(self) -> None:
        while True:
            try:
                await self.client.sync(timeout=1000)
                await keep_keys(self.client)
            except asyncio.CancelledError:
                raise
            except Exception:
                await asyncio.sleep(0.5)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        await self.client.close()  # type: ignore[no-untyped-call]

    async def create_room(
        self, invite: list[str], encrypted: bool = False, direct: bool = False, name: str = "test"
    ) -> str:
        initial_state: list[dict[str, Any]] = []
        if encrypted:
            initial_state.append(
                {
                    "type": "m.room.encryption",
                    "state_key": "",
                    "content": {"algorithm": "m.megolm.v1.aes-sha2"},
                }
            )
        response = await self.client.room_create(
            name=name, invite=invite, initial_state=initial_state, is_direct=direct
        )
        if not isinstance(response, RoomCreateResponse):
            raise DemoError("demo.cannot_create_room", name=name, response=response)
        return response.room_id

    async def join(self, room_id: str) -> None:
        await self.client.join(room_id)

    async def wait_joined(self, room_id: str, user_id: str, patience: float = 30) -> None:
        deadline = time.monotonic() + patience
        while time.monotonic() < deadline:
            response = await self.client.joined_members(room_id)
            if any(m.user_id == user_id for m in getattr(response, "members", [])):
                # Let our own sync see the membership too (needed for encryption).
                await asyncio.sleep(0.3)
                return
            await asyncio.sleep(0.2)
        raise DemoError("demo.not_joined", user=user_id, room=room_id)

    async def send(
        self, room_id: str, body: str, msgtype: str = "m.text", extra: dict[str, Any] | None = None
    ) -> str:
        content: dict[str, Any] = {"msgtype": msgtype, "body": body}
        if extra:
            content.update(extra)
        for _ in range(50):
            if room_id in self.client.rooms:
                break
            await asyncio.sleep(0.1)
        response = await self.client.room_send(
            room_id, "m.room.message", content, ignore_unverified_devices=True
        )
        if not isinstance(response, RoomSendResponse):
            raise DemoError("demo.cannot_send", room=room_id, response=response)
        return response.event_id

    async def say(self, room_id: str, body: str, bot: str, patience: float = 60) -> str:
        """Send, and return the bot's replies to that message (joined)."""
        event_id = await self.send(room_id, body)
        await self.expect(lambda: bool(self.replies_to(event_id, bot)), patience)
        return "\n\n".join(h.body for h in self.replies_to(event_id, bot))

    def from_sender(self, sender: str, room_id: str | None = None) -> list[Heard]:
        return [
            s for s in self.seen if s.sender == sender and (room_id is None or s.room_id == room_id)
        ]

    def replies_to(self, event_id: str, sender: str) -> list[Heard]:
        return [s for s in self.seen if s.sender == sender and s.reply_to == event_id]

    async def wait_until(self, predicate: Callable[[], bool], patience: float = 30) -> bool:
        """Whether `predicate` came true within `patience` seconds (checked as messages arrive)."""
        deadline = time.monotonic() + patience
        while time.monotonic() < deadline:
            if predicate():
                return True
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self._changed.wait(), timeout=min(0.5, max(0.01, deadline - time.monotonic()))
                )
        return predicate()

    async def expect(self, predicate: Callable[[], bool], patience: float = 60) -> None:
        if not await self.wait_until(predicate, patience):
            raise DemoError("demo.no_answer")
