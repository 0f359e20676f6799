"""An export of a closed incident says it is closed.

The files carried the incident, the export time and (for an exercise) OEFENING, not that
the incident was closed: a file read later, or passed on, looked like a running
incident's picture. JSON `meta` has `closed_at` (null while open); the CSVs have a row
under the TLP banner and EDXL a `closed` attribute on its root, only when closed.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from commands.message import Reply
from storage.ids import RoomId, UserId
from storage.models import Incident
from tests.support.chat import CoreChat, texts
from tests.support.rooms import storm_database

COORD = RoomId("!vr:x")
ALICE = UserId("@alice:x")
CLOSED = datetime(2026, 12, 5, 9, 30, tzinfo=UTC)


@pytest.fixture
async def chat(tmp_path: Path) -> AsyncIterator[CoreChat]:
    database = await storm_database(tmp_path / "exp.db", [(COORD, "coordinator", "VR")])
    yield CoreChat(database)
    await database.close()


async def _export(chat: CoreChat, fmt: str) -> bytes:
    _, result = await chat.handle(COORD, ALICE, f"!export storm {fmt}")
    assert result is not None
    replies = result[0] or []
    files = [r for r in replies if isinstance(r, Reply) and r.attachment is not None]
    assert files, texts(replies)
    attachment = files[0].attachment
    assert attachment is not None
    return attachment.data


async def _close(chat: CoreChat) -> None:
    async with chat.db.transaction() as session:
        incident = await session.get(Incident, "storm")
        assert incident is not None
        incident.open, incident.closed_at = False, CLOSED


async def test_json_meta_has_closed_at(chat: CoreChat) -> None:
    assert json.loads(await _export(chat, "json"))["closed_at"] is None
    await _close(chat)
    document = json.loads(await _export(chat, "json"))
    assert document["closed_at"] == CLOSED.isoformat(), document


async def test_csv_and_edxl_say_the_incident_is_closed(chat: CoreChat) -> None:
    open_nl = (await _export(chat, "csv")).decode("utf-8-sig")
    assert "gesloten" not in open_nl.lower()
    await _close(chat)
    dutch = (await _export(chat, "csv")).decode("utf-8-sig").splitlines()
    assert dutch[1] == "Incident gesloten;05-12-2026 10:30", dutch[:3]
    english = (await _export(chat, "csv-en")).decode("utf-8-sig").splitlines()
    assert english[1] == f"incident closed,{CLOSED.isoformat()}", english[:3]
    root = ET.fromstring(await _export(chat, "edxl"))
    assert root.get("closed") == CLOSED.isoformat(), root.attrib
