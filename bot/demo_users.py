"""The demo's people: small matrix-nio clients that talk to the bot like a person would."""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nio import (
    LoginResponse,
    MatrixRoom,
    RoomCreateResponse,
    RoomMessageNotice,
    RoomMessageText,
    RoomSendResponse,
)
from nio.client.async_client import AsyncClient, AsyncClientConfig


class DemoError(RuntimeError):
    """A step of the demo scenario failed; the message says which."""


@dataclass(frozen=True)
class Heard:
    room_id: str
    event_id: str
    sender: str
    body: str
    reply_to: str | None


class DemoUser:
    """Logs in, keeps syncing, and can wait for the bot's replies to what it said."""

    def __init__(self, homeserver: str, user_id: str, password: str, store: Path) -> None:
        store.mkdir(parents=True, exist_ok=True)
        self.password = password
        self.client = AsyncClient(
            homeserver,
            user_id,
            store_path=str(store),
            config=AsyncClientConfig(encryption_enabled=False, store_sync_tokens=False),
        )
        self.heard: list[Heard] = []
        self._changed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.client.add_event_callback(
            self._on_message,  # type: ignore[arg-type]
            (RoomMessageText, RoomMessageNotice),  # type: ignore[arg-type]
        )

    @property
    def user_id(self) -> str:
        return str(self.client.user_id)

    async def _on_message(
        self, room: MatrixRoom, event: RoomMessageText | RoomMessageNotice
    ) -> None:
        relates = event.source.get("content", {}).get("m.relates_to") or {}
        reply_to = (relates.get("m.in_reply_to") or {}).get("event_id")
        self.heard.append(Heard(room.room_id, event.event_id, event.sender, event.body, reply_to))
        self._changed.set()

    async def start(self) -> None:
        response = await self.client.login(self.password, device_name="knooppunt-demo")
        if not isinstance(response, LoginResponse):
            raise DemoError(f"demo login failed for {self.client.user_id}: {response}")
        self._task = asyncio.create_task(self.client.sync_forever(timeout=3000))

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        await self.client.close()  # type: ignore[no-untyped-call]

    async def join(self, room_id: str) -> None:
        await self.client.join(room_id)

    async def create_room(self, name: str, invite: list[str]) -> str:
        response = await self.client.room_create(name=name, invite=invite)
        if not isinstance(response, RoomCreateResponse):
            raise DemoError(f"cannot create room {name}: {response}")
        return response.room_id

    async def wait_member(self, room_id: str, user_id: str, patience: float = 60) -> None:
        deadline = time.monotonic() + patience
        while time.monotonic() < deadline:
            response = await self.client.joined_members(room_id)
            members = getattr(response, "members", [])
            if any(m.user_id == user_id for m in members):
                return
            await asyncio.sleep(0.2)
        raise DemoError(f"{user_id} did not join {room_id}")

    async def send(self, room_id: str, body: str) -> str:
        content: dict[str, Any] = {"msgtype": "m.text", "body": body}
        response = await self.client.room_send(room_id, "m.room.message", content)
        if not isinstance(response, RoomSendResponse):
            raise DemoError(f"cannot send to {room_id}: {response}")
        return response.event_id

    async def say(self, room_id: str, body: str, bot: str, patience: float = 60) -> str:
        """Send, and return the bot's reply (all replies, joined) to that message."""
        event_id = await self.send(room_id, body)
        await self.wait_for(lambda: bool(self.replies(event_id, bot)), patience)
        return "\n\n".join(h.body for h in self.replies(event_id, bot))

    def replies(self, event_id: str, sender: str) -> list[Heard]:
        return [h for h in self.heard if h.reply_to == event_id and h.sender == sender]

    async def wait_for(self, predicate: Any, patience: float = 60) -> None:
        deadline = time.monotonic() + patience
        while not predicate():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise DemoError("the bot did not answer in time")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), timeout=min(0.5, remaining))
