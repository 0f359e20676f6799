"""A voided alert counts as not delivered (session 12, leftovers3).

The sender voids an alert whose coordinator room may no longer see it (its clearance
was lowered while the alert waited) and tells the reporter so. The alert's row still
stood as sent: the room counted as alerted, so an edit after its clearance came back
did not alert it (a room hears once per severity), and a later withdrawal told it that
an alert it never received "no longer holds".
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage import alerts
from storage.engine import Database
from storage.models import CoordinatorAlert
from storage.rooms import BindingView
from tests.support.chat import CoreChat
from tests.support.rooms import bind_room, storm_database
from tests.unit.test_attack_outbox_access import _drain, _lower, _to, _voided
from tests.unit.test_unalerted_severe import ALICE, COORD, LIAISON, _report


@pytest.fixture
async def chat(tmp_path: Path) -> AsyncIterator[CoreChat]:
    coord = BindingView("coordinator", "storm", "VR", "AMBER", "AMBER")
    database: Database = await storm_database(
        tmp_path / "void.db", [(LIAISON, "liaison", "GGD")], more={COORD: coord}
    )
    yield CoreChat(database)
    await database.close()


async def test_a_voided_alert_leaves_the_room_not_alerted(chat: CoreChat) -> None:
    report, _ = await chat.send_event(LIAISON, ALICE, _report("extreem", "amber"))
    await _lower(chat.db, COORD, "GREEN")
    client = await _drain(chat.db)
    assert await _to(client, COORD) == [_voided()], client.sent
    (entry,) = await chat.entries()
    async with chat.db.session() as session:
        standing = await alerts.standing(session, CoordinatorAlert, entry.id)
    assert COORD not in standing, standing
    # Its clearance back, the room is alerted by the next edit that keeps it extreme.
    async with chat.db.transaction() as session:
        await bind_room(session, COORD, BindingView("coordinator", "storm", "VR", "AMBER", "AMBER"))
    edit = _report("extreem", "amber").replace("Dijk.", "Dijk doorgebroken.")
    _, replies = await chat.send_event(LIAISON, ALICE, edit, kind="edit", replaces=report)
    to_coord = [r for r in replies or [] if getattr(r, "room_id", None) == COORD]
    assert to_coord and "Dijk doorgebroken." in to_coord[0].text, replies


async def test_a_voided_alert_is_not_withdrawn_later(chat: CoreChat) -> None:
    """The report is resolved after its alert was voided: the room that never got the
    alert is not told that it no longer holds."""
    report, _ = await chat.send_event(LIAISON, ALICE, _report("extreem", "amber"))
    await _lower(chat.db, COORD, "GREEN")
    await _drain(chat.db)
    async with chat.db.transaction() as session:
        await bind_room(session, COORD, BindingView("coordinator", "storm", "VR", "AMBER", "AMBER"))
    edit = _report("gering", "amber")
    _, replies = await chat.send_event(LIAISON, ALICE, edit, kind="edit", replaces=report)
    to_coord = [r for r in replies or [] if getattr(r, "room_id", None) == COORD]
    assert to_coord == [], [r.text for r in to_coord]  # type: ignore[union-attr]


async def test_a_voided_alert_is_counted_as_undelivered(chat: CoreChat) -> None:
    import asyncio

    from bot.backoff import Backoff
    from bot.metrics import Metrics
    from bot.sender import OutboxSender
    from storage import outbox
    from tests.unit.test_attack_outbox_access import _Client

    await chat.send_event(LIAISON, ALICE, _report("extreem", "amber"))
    await _lower(chat.db, COORD, "GREEN")
    sender = OutboxSender(_Client(), chat.db, encryption=False)  # type: ignore[arg-type]
    sender.metrics = Metrics()
    sender._backoff = Backoff(initial=0.001, maximum=0.002)
    sender.ready.set()
    stop = asyncio.Event()
    task = asyncio.create_task(sender.run(stop))
    for _ in range(300):
        sender.wake()
        await asyncio.sleep(0.01)
        async with chat.db.session() as session:
            if not await outbox.pending(session):
                break
    stop.set()
    await task
    counted = sender.metrics.registry.get_sample_value(
        "knooppunt_alerts_undelivered_total", {"reason": "voided"}
    )
    assert counted == 1
