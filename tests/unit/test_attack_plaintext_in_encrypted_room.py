"""Outside attack on encryption: a bot run with `encryption: false` in an encrypted room.

nio without encryption sends every message as plain text, also into a room whose state
says it is end-to-end encrypted (the Matrix spec: once on, encryption stays on). A
coordinator room bound for AMBER, encrypted by its members, then got the bot's TLP:AMBER
alerts and pictures in plain text on the homeserver, while everyone in it believed the
room encrypted. A labelled row (above CLEAR) is now never sent unencrypted into an
encrypted room; the bot's neutral notices (that it cannot read encrypted messages) still go.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from bot.backoff import Backoff
from bot.sender import OutboxSender
from storage import outbox
from storage.engine import Database
from storage.ids import RoomId
from storage.models import OutboxMessage
from storage.outbox import RowLabel
from storage.rooms import BindingView
from tests.support.migrated import migrated_sqlite
from tests.support.rooms import bind_room

ROOM = RoomId("!coordinators:x")


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await migrated_sqlite(tmp_path / "plain.db")
    async with database.transaction() as session:
        await bind_room(session, ROOM, BindingView("coordinator", None, None, "AMBER", "AMBER"))
    yield database
    await database.close()


class _PlainClient:
    """nio without encryption (no `olm`), in a room whose state says it is encrypted."""

    olm = None

    def __init__(self) -> None:
        self.rooms = {
            ROOM: SimpleNamespace(
                encrypted=True, join_rule="invite", history_visibility="shared", guest_access=None
            )
        }
        self.sent: list[dict[str, Any]] = []

    async def room_send(self, room_id: str, kind: str, content: dict[str, Any], **_: Any) -> Any:
        self.sent.append(content)
        return SimpleNamespace(event_id=f"$sent{len(self.sent)}")


async def _send(db: Database, body: str, label: RowLabel) -> tuple[_PlainClient, OutboxMessage]:
    client = _PlainClient()
    sender = OutboxSender(client, db, encryption=False)  # type: ignore[arg-type]
    sender._backoff = Backoff(initial=0.001, maximum=0.002)
    sender.ready.set()
    async with db.transaction() as session:
        row = await outbox.add(
            session, ROOM, "message", {"body": body}, outbox.txn_id_for(body), label=label
        )
    assert row is not None
    stop = asyncio.Event()
    task = asyncio.create_task(sender.run(stop))
    sender.submit([row])
    for _ in range(300):
        async with db.session() as session:
            stored = await session.get(OutboxMessage, row.id)
        assert stored is not None
        if client.sent or stored.failed_at is not None:
            break
        await asyncio.sleep(0.01)
        sender.wake()
    stop.set()
    await task
    return client, stored


async def test_an_amber_alert_is_not_sent_in_plain_text_into_an_encrypted_room(
    db: Database,
) -> None:
    client, row = await _send(db, "TLP:AMBER melding: dijk bij Zwolle", RowLabel("AMBER", "AMBER"))
    assert all("Zwolle" not in str(content) for content in client.sent), client.sent
    assert row.failed_at is not None and not row.result_event_id


async def test_a_neutral_notice_still_goes(db: Database) -> None:
    client, row = await _send(db, "Ik kan geen versleutelde berichten lezen", RowLabel())
    assert [c["body"] for c in client.sent] == ["Ik kan geen versleutelde berichten lezen"]
    assert row.failed_at is None


class _EncryptingClient(_PlainClient):
    """nio with encryption: what the upload request itself tells the homeserver."""

    olm = object()
    should_query_keys = False

    def __init__(self) -> None:
        super().__init__()
        self.uploads: list[dict[str, Any]] = []

    async def upload(self, data: Any, **kwargs: Any) -> Any:
        from nio import UploadResponse

        self.uploads.append(kwargs)
        keys = {"key": {"k": "x"}, "iv": "iv", "hashes": {"sha256": "h"}, "v": "v2"}
        return UploadResponse("mxc://x/encrypted"), keys


async def test_an_encrypted_export_does_not_name_its_incident_to_the_homeserver(
    db: Database,
) -> None:
    """The file is encrypted, but nio puts the name and type it is given in the upload
    request as plain text: `knooppunt-<incident>-<time>.csv` told the homeserver which
    incident was exported, and when. Element uploads encrypted files unnamed."""
    client = _EncryptingClient()
    sender = OutboxSender(client, db, encryption=True)  # type: ignore[arg-type]
    name = "knooppunt-aanslag-centraal-station-20261205-0930.csv"
    content = {"filename": name, "mimetype": "text/csv", "data_b64": "YQ=="}
    async with db.transaction() as session:
        row = await outbox.add(session, ROOM, "file", content, outbox.txn_id_for("export"))
    assert row is not None
    await sender._perform(row)
    (upload,) = client.uploads
    assert "aanslag" not in str(upload.get("filename")), upload
    assert upload.get("content_type") == "application/octet-stream"
    assert client.sent[0]["file"]["url"] == "mxc://x/encrypted"
    assert client.sent[0]["body"] == name  # inside the encrypted event the name stays
