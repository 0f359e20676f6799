"""A file is never uploaded in plain text into a room that is or may be encrypted.

Whether an upload was encrypted was decided from nio's view of the room: a room nio did
not know at that moment (its state not loaded, a state request refused) counted as not
encrypted, so the export went to the homeserver's media store in plain text, and only the
`room_send` after it failed (nio with encryption refuses a room it does not know). The
upload is the leak: the file stays on the homeserver whatever the send does. A room nio
does not know now waits (or is given up) before anything is uploaded, as a text row does.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from nio import LocalProtocolError, UploadResponse

from bot.sender import OutboxSender, PlainIntoEncrypted
from storage import outbox
from storage.engine import Database
from storage.ids import RoomId
from storage.outbox import RowLabel
from storage.rooms import BindingView
from tests.support.migrated import migrated_sqlite
from tests.support.rooms import bind_room

ROOM = RoomId("!coordinators:x")
CONTENT = {"filename": "knooppunt-dijk-20261205.csv", "mimetype": "text/csv", "data_b64": "YQ=="}


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await migrated_sqlite(tmp_path / "files.db")
    async with database.transaction() as session:
        await bind_room(session, ROOM, BindingView("coordinator", None, None, "AMBER", "AMBER"))
    yield database
    await database.close()


class _Client:
    should_query_keys = False

    def __init__(self, olm: object | None, rooms: dict[str, Any]) -> None:
        self.olm = olm
        self.rooms = rooms
        self.encrypted_rooms: set[str] = set()
        self.uploads: list[dict[str, Any]] = []
        self.sent: list[dict[str, Any]] = []

    async def upload(self, data: Any, **kwargs: Any) -> Any:
        self.uploads.append(kwargs)
        keys = {"key": {"k": "x"}, "iv": "iv", "hashes": {"sha256": "h"}, "v": "v2"}
        return UploadResponse("mxc://x/file"), (keys if kwargs.get("encrypt") else None)

    async def room_send(self, room_id: str, kind: str, content: dict[str, Any], **_: Any) -> Any:
        if self.olm is not None and room_id not in self.rooms:
            raise LocalProtocolError(f"No such room with id {room_id} found.")
        self.sent.append(content)
        return SimpleNamespace(event_id="$sent")


async def _perform(db: Database, client: _Client, encryption: bool, label: RowLabel) -> None:
    sender = OutboxSender(client, db, encryption=encryption)  # type: ignore[arg-type]
    async with db.transaction() as session:
        row = await outbox.add(
            session, ROOM, "file", CONTENT, outbox.txn_id_for("export"), label=label
        )
    assert row is not None
    await sender._perform(row)


@pytest.mark.parametrize("encryption", [True, False])
async def test_a_room_nio_does_not_know_gets_no_upload(db: Database, encryption: bool) -> None:
    client = _Client(object() if encryption else None, rooms={})
    with pytest.raises(LocalProtocolError):
        await _perform(db, client, encryption, RowLabel("AMBER", "AMBER"))
    assert client.uploads == [] and client.sent == []


async def test_a_labelled_file_into_an_encrypted_room_without_encryption_is_refused(
    db: Database,
) -> None:
    room = SimpleNamespace(encrypted=True, users={}, join_rule="invite")
    client = _Client(None, rooms={ROOM: room})
    with pytest.raises(PlainIntoEncrypted):
        await _perform(db, client, False, RowLabel("AMBER", "AMBER"))
    assert client.uploads == []


async def test_a_known_plain_room_still_gets_its_file(db: Database) -> None:
    room = SimpleNamespace(encrypted=False, users={}, join_rule="invite")
    client = _Client(object(), rooms={ROOM: room})
    await _perform(db, client, True, RowLabel("AMBER", "AMBER"))
    (upload,) = client.uploads
    assert upload["encrypt"] is False and client.sent[0]["url"] == "mxc://x/file"
