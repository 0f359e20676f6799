"""An item raised while a reply that shows it waits in the outbox (session 12,
leftovers3).

A row keeps the label its reply showed when it was queued. The item it shows can be
raised before the row goes (the reporter edits `tlp: amber` into `tlp: rood`): the row
still went out under the old label, so a coordinator room received, after the edit,
words that are RED now and may never leave their room. The raise now reaches the rows
still waiting that may show the item (storage/tlp.py: `raised_row`), and the check just
before the send judges them under the new label.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.sender import OutboxSender
from storage.engine import Database
from storage.ids import RoomId
from storage.rooms import BindingView
from tests.support.chat import CoreChat
from tests.support.rooms import storm_database
from tests.unit.test_attack_outbox_access import BOB, _Client, _drain, _to, _voided
from tests.unit.test_unalerted_severe import ALICE, COORD, LIAISON, _report

OTHER = RoomId("!ander:x")


@pytest.fixture
async def chat(tmp_path: Path) -> AsyncIterator[CoreChat]:
    """A liaison room and a coordinator room of `storm`, both with clearance AMBER, and
    a second coordinator room that shows nothing of the report."""
    coord = BindingView("coordinator", "storm", "VR", "AMBER", "AMBER")
    database: Database = await storm_database(
        tmp_path / "relabel.db", [(LIAISON, "liaison", "GGD")], more={COORD: coord, OTHER: coord}
    )
    yield CoreChat(database)
    await database.close()


async def test_a_list_waiting_while_its_report_was_raised_to_red_is_not_sent(
    chat: CoreChat,
) -> None:
    report, _ = await chat.send_event(LIAISON, ALICE, _report("gering", "amber"))
    await _drain(chat.db)
    _, replies = await chat.send_event(COORD, BOB, "!meldingen")
    assert any("Dijk." in getattr(r, "text", "") for r in replies or [])
    _, edited = await chat.send_event(
        LIAISON, ALICE, _report("gering", "rood"), kind="edit", replaces=report
    )
    assert any("TLP:RED" in getattr(r, "text", "") for r in edited or []), edited
    client = await _drain(chat.db)
    to_coord = await _to(client, COORD)
    assert not any("Dijk." in body for body in to_coord), to_coord
    assert to_coord == [_voided()], to_coord
    # The reporter's own room still gets the edit's confirmation (RED stays there).
    assert any("TLP:RED" in body for body in await _to(client, LIAISON)), client.sent


async def test_an_alert_waiting_while_its_report_was_raised_to_red_is_not_sent(
    chat: CoreChat,
) -> None:
    report, replies = await chat.send_event(LIAISON, ALICE, _report("extreem", "amber"))
    assert any(getattr(r, "room_id", None) == COORD for r in replies or [])
    await chat.send_event(LIAISON, ALICE, _report("extreem", "rood"), kind="edit", replaces=report)
    client = await _drain(chat.db)
    to_coord = await _to(client, COORD)
    assert not any("Dijk." in body for body in to_coord), to_coord


async def test_a_raise_leaves_rows_that_cannot_show_the_report_alone(chat: CoreChat) -> None:
    """A room whose waiting reply could not have shown the report (a reply with nothing
    labelled, `!hulp`) gets it: the raise reaches only rows that may show the item."""
    report, _ = await chat.send_event(LIAISON, ALICE, _report("gering", "amber"))
    await _drain(chat.db)
    await chat.send_event(OTHER, BOB, "!hulp")
    await chat.send_event(LIAISON, ALICE, _report("gering", "rood"), kind="edit", replaces=report)
    client = await _drain(chat.db)
    to_other = await _to(client, OTHER)
    assert len(to_other) == 1 and _voided() not in to_other, to_other


async def test_a_row_the_sender_holds_in_memory_is_judged_under_the_raise(
    chat: CoreChat,
) -> None:
    """The sender had already read the row (its queue in memory) when the raise was
    committed: it reads the row's label again before the send."""
    report, _ = await chat.send_event(LIAISON, ALICE, _report("gering", "amber"))
    await _drain(chat.db)
    await chat.send_event(COORD, BOB, "!meldingen")
    client = _Client()
    sender = OutboxSender(client, chat.db, encryption=False)  # type: ignore[arg-type]
    sender.ready.set()
    await sender._fill_queue(idle=True)
    assert len(sender._queue) == 1
    await chat.send_event(LIAISON, ALICE, _report("gering", "rood"), kind="edit", replaces=report)
    row = sender._next_row(())
    assert row is not None and row.room_id == COORD
    assert not await sender.may_still_go(row)
    assert row.tlp == "RED"  # what the void's log and audit name


async def test_a_row_held_past_a_raise_no_longer_kept_reads_its_label_again(
    chat: CoreChat,
) -> None:
    """The raises are kept in memory for a day (and ten thousand at most): a row the
    sender held longer than that (a long outage) reads its label from the table, which
    the raise reached when it was committed."""

    from storage import relabel
    from storage.models import utcnow

    report, _ = await chat.send_event(LIAISON, ALICE, _report("gering", "amber"))
    await _drain(chat.db)
    await chat.send_event(COORD, BOB, "!meldingen")
    client = _Client()
    sender = OutboxSender(client, chat.db, encryption=False)  # type: ignore[arg-type]
    sender.ready.set()
    await sender._fill_queue(idle=True)
    await chat.send_event(LIAISON, ALICE, _report("gering", "rood"), kind="edit", replaces=report)
    kept, forgotten = list(relabel._COMMITTED), list(relabel._FORGOTTEN)
    try:
        relabel._COMMITTED.clear()  # let go, as a day later
        relabel._FORGOTTEN[:] = [utcnow()]  # the raise, committed before now
        row = sender._next_row(())
        assert row is not None and row.room_id == COORD
        assert not await sender.may_still_go(row)
        assert row.tlp == "RED"
    finally:
        relabel._COMMITTED.extend(kept)
        relabel._FORGOTTEN[:] = forgotten


def test_which_waiting_rows_a_raise_reaches() -> None:
    """storage/tlp.py decides: a row that showed nothing at the item's old label is left
    alone; one that did is raised, as its room's own post or as another room's."""
    from storage.tlp import raised_row

    amber = ("AMBER", "AMBER", "VR")
    assert raised_row(("GREEN", "GREEN", "VR"), False, ("AMBER", "RED", "GGD")) is None
    assert raised_row(("AMBER", "GREEN", "VR"), False, ("AMBER", "RED", "GGD")) is None
    assert raised_row(amber, False, ("AMBER", "RED", "GGD")) == ("RED", "RED", "VR")
    assert raised_row(amber, True, ("AMBER", "RED", "GGD")) == ("RED", "AMBER", "VR")
    # Strict: the content shown is the item's organisation's now.
    strict = raised_row(amber, False, ("AMBER", "AMBER+STRICT", "GGD"))
    assert strict == ("AMBER+STRICT", "AMBER+STRICT", "GGD")
    mixed = raised_row(
        ("AMBER+STRICT", "AMBER+STRICT", "VR"), False, ("AMBER", "AMBER+STRICT", "GGD")
    )
    assert mixed is not None and mixed[1] == "RED"


async def test_an_answer_waiting_while_its_q_and_a_was_raised_is_not_sent(tmp_path: Path) -> None:
    """A curator raises a GREEN Q&A to AMBER while its answer to a GREEN-cleared room
    waits: the room does not get it."""
    from commands.message import Reply
    from tests.unit.test_answers_learn import ANNA, EDITOR, ROOMS, make_db
    from tests.unit.test_attack_outbox_labels3 import PAIR

    database = await make_db(tmp_path / "k", PAIR)
    try:
        qa_chat = CoreChat(database)
        room_c, curators = ROOMS["c"][0], ROOMS["cur"][0]
        question = "!vraag Waar kunnen inwoners zandzakken ophalen bij hoogwater?"
        _, replies = await qa_chat.send_event(room_c, ANNA, question)
        answer = next(r for r in replies or [] if isinstance(r, Reply))
        assert "gemeentewerf" in answer.text, answer.text
        _, edited = await qa_chat.send_event(
            curators, EDITOR, "!qa edit groen-zandzakken\ntlp: amber"
        )
        assert any("TLP:AMBER" in getattr(r, "text", "") for r in edited or []), edited
        client = await _drain(database)
        to_c = await _to(client, room_c)
        assert not any("gemeentewerf" in body for body in to_c), to_c
    finally:
        await database.close()


async def test_a_raise_from_clear_spares_replies_that_do_not_name_the_item(
    tmp_path: Path,
) -> None:
    """A CLEAR report raised to GREEN: the waiting `!hulp` of a room that sees CLEAR
    only is not voided (it shows nothing of the report), its waiting `!meldingen`
    (which names it) is."""
    from sqlalchemy import update

    from storage.models import Room

    coord = BindingView("coordinator", "storm", "VR", "AMBER", "AMBER")
    database = await storm_database(
        tmp_path / "clear.db", [(LIAISON, "liaison", "GGD")], more={COORD: coord}
    )
    try:
        chat = CoreChat(database)
        report, _ = await chat.send_event(LIAISON, ALICE, _report("gering", "clear"))
        await _drain(database)
        async with database.transaction() as session:
            await session.execute(update(Room).where(Room.room_id == COORD).values(public=True))
        await chat.send_event(COORD, BOB, "!hulp")
        _, listing = await chat.send_event(COORD, BOB, "!meldingen")
        assert any("M-1" in getattr(r, "text", "") for r in listing or []), listing
        await chat.send_event(
            LIAISON, ALICE, _report("gering", "groen"), kind="edit", replaces=report
        )
        client = await _drain(database)
        to_coord = await _to(client, COORD)
        assert not any("M-1" in body for body in to_coord), to_coord
        # The help went; the list was voided (one notice in its place).
        assert len(to_coord) == 2 and to_coord.count(_voided()) == 1, [b[:30] for b in to_coord]
    finally:
        await database.close()


async def test_a_row_queued_beside_the_raise_is_judged_under_it(chat: CoreChat) -> None:
    """On PostgreSQL (READ COMMITTED) a scheduled picture or reminder can be built in a
    transaction that runs beside the edit raising a report: it reads the report as AMBER
    before the raise commits, and its row is committed after the raise looked for waiting
    rows, so the raise never reached it (review, session 12). The state that race leaves:
    a row queued by a transaction that began before the raise was committed, unseen by it
    and still under the old label. Here the row is hidden from the raise's look by
    marking it sent meanwhile (SQLite's write lock serialises the real race away); the
    sender must still judge it under the raise."""
    from datetime import timedelta

    from sqlalchemy import update

    from storage.models import OutboxMessage

    report, _ = await chat.send_event(LIAISON, ALICE, _report("gering", "amber"))
    await _drain(chat.db)
    await chat.send_event(COORD, BOB, "!meldingen")
    client = _Client()
    sender = OutboxSender(client, chat.db, encryption=False)  # type: ignore[arg-type]
    sender.ready.set()
    await sender._fill_queue(idle=True)
    row = sender._next_row(())
    assert row is not None and row.room_id == COORD and row.tlp == "AMBER"
    hidden = update(OutboxMessage).where(OutboxMessage.id == row.id)
    async with chat.db.transaction() as session:
        await session.execute(hidden.values(sent_at=row.created_at))
    await chat.send_event(LIAISON, ALICE, _report("gering", "rood"), kind="edit", replaces=report)
    async with chat.db.transaction() as session:  # committed after the raise's look
        await session.execute(hidden.values(sent_at=None))
    # Its transaction began before the raise was committed.
    row.created_at = row.created_at - timedelta(seconds=1)
    assert not await sender.may_still_go(row)
    assert row.tlp == "RED"  # what the void's log and audit name
