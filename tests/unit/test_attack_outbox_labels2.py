"""Second attack on the outbox label check (session 11, review2).

The sender judges a row by the highest label its text names. A reply that names a
label without showing content of it (a public room's warning, a refusal that says
which label it refused) must not be voided for naming it: a lost reply is as bad as
a leak. And every part of a split reply must carry the label of the whole reply.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import update

from bot.handling import log_and_queue
from commands import render
from commands.message import Message
from storage.engine import Database
from storage.ids import EventId, UserId
from storage.models import Room
from storage.rooms import BindingView
from tests.support.chat import CoreChat, bound_views
from tests.support.rooms import storm_database
from tests.unit.test_answers_learn import ANNA, BOB, ROOMS, WATER_1, WATER_2, make_db
from tests.unit.test_attack_outbox_access import _drain, _to, _voided
from tests.unit.test_unalerted_severe import ALICE, COORD, LIAISON, _report


@pytest.fixture
async def chat(tmp_path: Path) -> AsyncIterator[CoreChat]:
    """A liaison room and a coordinator room of `storm`, both with clearance AMBER."""
    coord = BindingView("coordinator", "storm", "VR", "AMBER", "AMBER")
    database: Database = await storm_database(
        tmp_path / "labels2.db", [(LIAISON, "liaison", "GGD")], more={COORD: coord}
    )
    # The liaison room is public, as nio's state says (the stored flag is set below).
    yield CoreChat(database, view=bound_views(public=[LIAISON]))
    await database.close()


async def _public(db: Database, room: str) -> None:
    async with db.transaction() as session:
        await session.execute(update(Room).where(Room.room_id == room).values(public=True))


async def test_a_report_confirmed_in_a_public_room_reaches_the_writer(chat: CoreChat) -> None:
    """A report written in a public room is recorded, and its confirmation (its code,
    'TLP:GREEN', the warning) is the writer's own words' receipt: the room was public
    when it was queued and still is, so nothing changed that could void it."""
    await _public(chat.db, LIAISON)
    _, replies = await chat.send_event(LIAISON, ALICE, _report("gering", "groen"))
    assert any("M-1" in getattr(r, "text", "") for r in replies or []), replies
    client = await _drain(chat.db)
    to_liaison = await _to(client, LIAISON)
    assert _voided() not in to_liaison, to_liaison
    assert any("M-1" in body for body in to_liaison), to_liaison


async def test_an_amber_report_s_public_room_warning_reaches_the_writer(chat: CoreChat) -> None:
    """The warning 'this room is public, but the report is TLP:AMBER' exists to reach
    the writer; voided for naming TLP:AMBER, it never did."""
    await _public(chat.db, LIAISON)
    await chat.send_event(LIAISON, ALICE, _report("gering", "amber"))
    client = await _drain(chat.db)
    to_liaison = await _to(client, LIAISON)
    assert any("openbaar" in body and "M-1" in body for body in to_liaison), to_liaison


async def test_a_linked_question_s_words_wait_under_their_label(tmp_path: Path) -> None:
    """The curators' notice of a linked question quotes the asker's words (GREEN here)
    and named no label, so its row was CLEAR and went unchecked: a curator room that
    turned public while it waited received the GREEN words."""
    database = await make_db(tmp_path / "k")
    try:
        chat = CoreChat(database)
        room_a, curators = ROOMS["a"][0], ROOMS["cur"][0]
        await chat.send_event(room_a, ANNA, f"!vraag {WATER_1}")
        await _drain(database)
        _, replies = await chat.send_event(room_a, BOB, WATER_2)
        notices = [r for r in replies or [] if getattr(r, "room_id", None) == curators]
        assert len(notices) == 1 and WATER_2 in notices[0].text, replies
        await _public(database, curators)
        client = await _drain(database)
        to_curators = await _to(client, curators)
        assert not any(WATER_2 in body for body in to_curators), to_curators
        assert to_curators == [_voided()], to_curators
    finally:
        await database.close()


async def test_the_linked_asker_is_told_the_label_of_the_words_quoted(tmp_path: Path) -> None:
    """The linked asker's receipt quotes the first asker's (GREEN) words: it names
    their label, so the check before the send sees it (an unbound or public room's
    row would otherwise be CLEAR)."""
    database = await make_db(tmp_path / "k")
    try:
        chat = CoreChat(database)
        room_a = ROOMS["a"][0]
        await chat.send_event(room_a, ANNA, f"!vraag {WATER_1}")
        _, replies = await chat.send_event(room_a, BOB, WATER_2)
        told = next(r for r in replies or [] if "V1" in getattr(r, "text", ""))
        assert "TLP:GREEN" in told.text, told.text
    finally:
        await database.close()


async def test_every_part_of_a_late_split_reply_keeps_the_reply_s_label(chat: CoreChat) -> None:
    """A reply answered late starts with '(Late reactie …)', above its banner; split
    into parts, the later parts found no banner on its first line and carried none, and
    each part's row was labelled by its own text: CLEAR, unchecked before the send (a
    backlog is when both the late note and a lowered room happen)."""
    lines = [f"M-{n} · evacuatie · GGD · Dijk {n} doorgebroken, {'x' * 80}" for n in range(900)]
    text = "\n".join(["(Late reactie op je bericht van 04-12 10:00.)", "TLP:AMBER — Meldingen"])
    text += "\n" + "\n".join(lines)
    message = Message(EventId("$late"), COORD, UserId("@bob:x"), "!meldingen", datetime.now(UTC))
    async with chat.db.transaction() as session:
        rows = await log_and_queue(session, message, [render.plain(text)], "replied")
    assert len(rows) > 1
    assert [row.tlp for row in rows] == ["AMBER"] * len(rows), [row.tlp for row in rows]
    # And each later part says so, as every reply names the highest label it shows.
    assert all(str(row.content["body"]).startswith("TLP:AMBER (") for row in rows[1:])


async def test_every_part_of_a_late_split_reply_says_it_is_late(chat: CoreChat) -> None:
    """Session 17: the late note stood on the first part only; a reader who saw a later
    part alone (a notification, a part scrolled to) read a held-up answer as current.
    Each later part has it under its "(2/3)" line; the first keeps it once, on top."""
    note = "(Late reactie op je bericht van 04-12 10:00.)"
    lines = [f"M-{n} · evacuatie · GGD · Dijk {n} doorgebroken, {'x' * 80}" for n in range(900)]
    text = "\n".join([note, "TLP:AMBER — Meldingen", *lines])
    message = Message(EventId("$late"), COORD, UserId("@bob:x"), "!meldingen", datetime.now(UTC))
    async with chat.db.transaction() as session:
        rows = await log_and_queue(session, message, [render.plain(text)], "replied")
    assert len(rows) > 1
    bodies = [str(row.content["body"]) for row in rows]
    assert bodies[0].startswith(note) and bodies[0].count(note) == 1, bodies[0][:200]
    for index, body in enumerate(bodies[1:], start=2):
        head, second, _ = body.split("\n", 2)
        assert head == f"TLP:AMBER ({index}/{len(rows)})" and second == note, body[:200]
        assert note in str(rows[index - 1].content["formatted_body"])


async def test_a_split_reply_in_time_has_no_note_on_any_part(chat: CoreChat) -> None:
    lines = [f"M-{n} · evacuatie · GGD · Dijk {n} doorgebroken, {'x' * 80}" for n in range(900)]
    text = "\n".join(["TLP:AMBER — Meldingen", *lines])
    message = Message(EventId("$now"), COORD, UserId("@bob:x"), "!meldingen", datetime.now(UTC))
    async with chat.db.transaction() as session:
        rows = await log_and_queue(session, message, [render.plain(text)], "replied")
    assert len(rows) > 1
    assert not any("Late" in str(row.content["body"]) for row in rows)
