"""A person in the test: a real matrix-nio client that syncs in the background."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nio import (
    AsyncClient,
    AsyncClientConfig,
    InviteMemberEvent,
    LoginResponse,
    MatrixRoom,
    RoomCreateResponse,
    RoomEncryptedFile,
    RoomMessageFile,
    RoomMessageNotice,
    RoomMessageText,
    RoomSendResponse,
)


@dataclass
class Seen:
    room_id: str
    event_id: str
    sender: str
    body: str
    msgtype: str
    content: dict[str, Any]
    at: float


class Human:
    def __init__(
        self, homeserver: str, user_id: str, password: str, store: Path, encryption: bool = False
    ) -> None:
        store.mkdir(parents=True, exist_ok=True)
        config = AsyncClientConfig(encryption_enabled=encryption, store_sync_tokens=False)
        self.client = AsyncClient(homeserver, user_id, store_path=str(store), config=config)
        self.password = password
        self.seen: list[Seen] = []
        self._task: asyncio.Task[None] | None = None
        self._changed = asyncio.Event()
        self.client.add_event_callback(
            self._on_message,
            (RoomMessageText, RoomMessageNotice, RoomMessageFile, RoomEncryptedFile),
        )

    async def _on_message(
        self, room: MatrixRoom, event: RoomMessageText | RoomMessageNotice
    ) -> None:
        content = event.source.get("content", {})
        self.seen.append(
            Seen(
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

    async def login(self) -> None:
        response = await self.client.login(self.password, device_name="test")
        assert isinstance(response, LoginResponse), response
        await self.client.sync(timeout=0, full_state=True)
        self._task = asyncio.create_task(self._sync_forever())

    async def _sync_forever(self) -> None:
        while True:
            try:
                await self.client.sync(timeout=1000)
                if self.client.olm:
                    if self.client.should_upload_keys:
                        await self.client.keys_upload()
                    if self.client.should_query_keys:
                        await self.client.keys_query()
                    if self.client.should_claim_keys:
                        await self.client.keys_claim(self.client.get_users_for_key_claiming())
                    await self.client.send_to_device_messages()
            except asyncio.CancelledError:
                raise
            except Exception:
                await asyncio.sleep(0.5)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        await self.client.close()

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
        assert isinstance(response, RoomCreateResponse), response
        return response.room_id

    async def wait_joined(self, room_id: str, user_id: str, timeout: float = 30) -> None:
        async def joined() -> bool:
            response = await self.client.joined_members(room_id)
            return any(m.user_id == user_id for m in getattr(response, "members", []))

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if await joined():
                # Let our own sync see the membership too (needed for encryption).
                await asyncio.sleep(0.3)
                return
            await asyncio.sleep(0.2)
        raise AssertionError(f"{user_id} did not join {room_id}")

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
        assert isinstance(response, RoomSendResponse), response
        return response.event_id

    def from_sender(self, sender: str, room_id: str | None = None) -> list[Seen]:
        return [
            s for s in self.seen if s.sender == sender and (room_id is None or s.room_id == room_id)
        ]

    def replies_to(self, event_id: str, sender: str) -> list[Seen]:
        out = []
        for seen in self.seen:
            relates = seen.content.get("m.relates_to") or {}
            if (
                seen.sender == sender
                and (relates.get("m.in_reply_to") or {}).get("event_id") == event_id
            ):
                out.append(seen)
        return out

    async def wait_until(self, predicate: Callable[[], bool], timeout: float = 30) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self._changed.wait(), timeout=min(0.5, max(0.01, deadline - time.monotonic()))
                )
        return predicate()


__all__ = ["Human", "InviteMemberEvent", "Seen"]


def edit_content(original_event_id: str, new_body: str) -> dict[str, Any]:
    """The extra content of an `m.replace` edit."""
    return {
        "m.new_content": {"msgtype": "m.text", "body": new_body},
        "m.relates_to": {"rel_type": "m.replace", "event_id": original_event_id},
    }
