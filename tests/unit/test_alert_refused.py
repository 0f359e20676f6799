"""A coordinator alert the homeserver refuses for good (a 4xx such as M_FORBIDDEN in a
coordinator room where the bot may no longer post) was only logged: the reporter
believed the coordinators knew. The reporter's room is now told, once, in its language."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from nio import ErrorResponse
from sqlalchemy import select

from bot.backoff import Backoff
from bot.sender import OutboxSender
from storage import alerts, outbox
from storage import entries as entry_repo
from storage.engine import Database
from storage.ids import RoomId
from storage.models import CoordinatorAlert, DominoAlert, OutboxMessage
from tests.support.migrated import migrated_sqlite

COORD, LIAISON = RoomId("!coord:x"), RoomId("!liaison:x")
AT = datetime(2026, 12, 4, 12, tzinfo=UTC)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await migrated_sqlite(tmp_path / "refused.db")
    yield database
    await database.close()


class _ReadOnlyCoordinators:
    """Refuses every send into the coordinator room with M_FORBIDDEN (HTTP 403)."""

    def __init__(self) -> None:
        self.rooms: dict[str, object] = {}
        self.sent: list[tuple[str, dict[str, object]]] = []

    async def room_send(
        self, room_id: str, kind: str, content: dict[str, object], **_: object
    ) -> object:
        if room_id == COORD:
            error = ErrorResponse("You may not post here", "M_FORBIDDEN")
            error.transport_response = SimpleNamespace(status=403)  # type: ignore[assignment]
            return error
        self.sent.append((room_id, content))
        return SimpleNamespace(event_id=f"$sent{len(self.sent)}")


async def _severe_report(
    db: Database, alerted: bool, model: alerts.AlertModel = CoordinatorAlert
) -> OutboxMessage:
    """M-1 in the liaison room; its alert (or a plain reply) queued for the coordinators."""
    data = entry_repo.EntryInput(
        incident="storm", category="shelter", organisation="GGD", observed_at=AT,
        municipality="Dordrecht", region=None, location="Sporthal", severity="Severe",
        status="new", source=None, sector=None, text="Sporthal vol", tlp="AMBER", figures=[],
    )  # fmt: skip
    async with db.transaction() as session:
        entry = await entry_repo.record(session, data, "@rk:x", LIAISON, "$report")
        if alerted:
            claim = {COORD: alerts.AlertClaim(True, "AMBER", 3)}
            await alerts.record(session, model, entry.id, claim, "$report")
        row = await outbox.add(
            session, COORD, "message", {"body": "⚠ Ernstige melding M-1"},
            outbox.txn_id_for("alert"), "$report",
        )  # fmt: skip
    assert row is not None
    return row


async def _run(db: Database, client: _ReadOnlyCoordinators, row: OutboxMessage, lang: str) -> None:
    sender = OutboxSender(client, db, encryption=False)  # type: ignore[arg-type]
    sender.language = lang  # type: ignore[assignment]
    sender._backoff = Backoff(initial=0.001, maximum=0.002)
    sender.ready.set()
    stop = asyncio.Event()
    task = asyncio.create_task(sender.run(stop))
    sender.submit([row])
    for _ in range(200):
        if client.sent:
            break
        await asyncio.sleep(0.01)
        sender.wake()
    await asyncio.sleep(0.05)
    stop.set()
    await task


async def _to_liaison(db: Database) -> list[OutboxMessage]:
    async with db.session() as session:
        rows = await session.scalars(select(OutboxMessage).where(OutboxMessage.room_id == LIAISON))
        return list(rows)


@pytest.mark.parametrize(("lang", "words"), [("nl", "niet bereikt"), ("en", "did not reach")])
async def test_the_reporter_is_told_when_the_coordinators_refuse_the_alert(
    db: Database, lang: str, words: str
) -> None:
    row = await _severe_report(db, alerted=True)
    client = _ReadOnlyCoordinators()
    await _run(db, client, row, lang)
    told = await _to_liaison(db)
    assert len(told) == 1, [r.content for r in told]
    body = str(told[0].content["body"])
    assert "M-1" in body and words in body
    # A reply to the report itself, so the reporter sees which one it is about.
    assert told[0].content["m.relates_to"] == {"m.in_reply_to": {"event_id": "$report"}}
    assert client.sent and client.sent[0][0] == LIAISON


async def test_a_refused_row_that_is_no_alert_tells_nobody(db: Database) -> None:
    row = await _severe_report(db, alerted=False)
    client = _ReadOnlyCoordinators()
    await _run(db, client, row, "nl")
    assert await _to_liaison(db) == []


@pytest.mark.parametrize(
    ("lang", "words"), [("nl", "afhankelijke partner niet bereikt"), ("en", "did not reach")]
)
async def test_the_reporter_is_told_when_a_dependent_room_refuses_the_domino_alert(
    db: Database, lang: str, words: str
) -> None:
    """A domino alert (to a room of a sector that depends on the reporter's) refused for
    good was only logged: the reporter believed the dependent partner was warned."""
    row = await _severe_report(db, alerted=True, model=DominoAlert)
    client = _ReadOnlyCoordinators()
    await _run(db, client, row, lang)
    told = await _to_liaison(db)
    assert len(told) == 1, [r.content for r in told]
    body = str(told[0].content["body"])
    assert "M-1" in body and words in body and "coördinatoren" not in body
    assert "coordinators" not in body
    assert told[0].content["m.relates_to"] == {"m.in_reply_to": {"event_id": "$report"}}
