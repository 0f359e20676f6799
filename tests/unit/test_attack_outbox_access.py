"""Attack on replies waiting in the outbox (outside tester, session 11).

A reply or an alert is built for what its room may see when it is queued; it goes out
later: behind a backlog, a rate limit, an outage, or after a restart. Rows carried no
label and the sender did not look again, so a room that lost access in between (its
clearance lowered, unbound, or turned public: a public room sees TLP:CLEAR only) still
received what it may no longer see. The sender now checks each row's label against the
room's binding as it is just before the send (storage/tlp.py); a row that may no longer
go is voided, audited (`outbox.voided`, its code, not its words) and the room is told,
without the content.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.backoff import Backoff
from bot.sender import OutboxSender
from commands.i18n import t
from storage import outbox, succession, tlp
from storage import rooms as room_repo
from storage.engine import Database
from storage.ids import RoomId
from storage.models import AuditRecord, OutboxMessage, Room
from storage.rooms import BindingView
from tests.support.chat import CoreChat
from tests.support.rooms import bind_room, storm_database
from tests.unit.test_unalerted_severe import ALICE, COORD, LIAISON, _report

BOB = "@bob:x"


def _voided() -> str:
    return t("nl", "outbox.voided")


class _Client:
    """Takes every send (no homeserver): what went where."""

    def __init__(self) -> None:
        self.rooms: dict[str, object] = {}
        self.sent: list[tuple[str, str]] = []

    async def room_send(
        self, room_id: str, kind: str, content: dict[str, object], **_: object
    ) -> object:
        self.sent.append((room_id, str(content.get("body", ""))))
        return SimpleNamespace(event_id=f"$sent{len(self.sent)}")


@pytest.fixture
async def chat(tmp_path: Path) -> AsyncIterator[CoreChat]:
    """A liaison room and a coordinator room of `storm`, both with clearance AMBER."""
    coord = BindingView("coordinator", "storm", "VR", "AMBER", "AMBER")
    database: Database = await storm_database(
        tmp_path / "wait.db", [(LIAISON, "liaison", "GGD")], more={COORD: coord}
    )
    yield CoreChat(database)
    await database.close()


async def _drain(db: Database, client: _Client | None = None) -> _Client:
    """Run the sender until the outbox is empty (every row sent or ended)."""
    client = client or _Client()
    sender = OutboxSender(client, db, encryption=False)  # type: ignore[arg-type]
    sender._backoff = Backoff(initial=0.001, maximum=0.002)
    sender.ready.set()
    stop = asyncio.Event()
    task = asyncio.create_task(sender.run(stop))
    for _ in range(300):
        sender.wake()
        await asyncio.sleep(0.01)
        async with db.session() as session:
            if not await outbox.pending(session):
                break
    await asyncio.sleep(0.02)
    stop.set()
    await task
    return client


async def _lower(db: Database, room: RoomId, clearance: str) -> None:
    async with db.transaction() as session:
        binding = BindingView("coordinator", "storm", "VR", "GREEN", clearance)
        await bind_room(session, room, binding)


async def _to(client: _Client, room: RoomId) -> list[str]:
    return [body for room_id, body in client.sent if room_id == room]


async def test_an_alert_queued_before_the_clearance_was_lowered_is_not_sent(
    chat: CoreChat,
) -> None:
    _, replies = await chat.send_event(LIAISON, ALICE, _report("extreem", "amber"))
    assert any(getattr(r, "room_id", None) == COORD for r in replies or [])
    await _lower(chat.db, COORD, "GREEN")
    client = await _drain(chat.db)
    to_coord = await _to(client, COORD)
    assert not any("Dijk." in body or "M-1" in body for body in to_coord), to_coord
    assert to_coord == [_voided()], to_coord  # told, without the content
    # The reporter's own confirmation still goes: its room did not change. They are told
    # the alert did not reach the coordinators, and why.
    to_liaison = await _to(client, LIAISON)
    assert any("vastgelegd" in body for body in to_liaison), to_liaison
    told = t("nl", "reports.alert_undelivered_voided", code="M-1")
    assert told in to_liaison, to_liaison
    async with chat.db.session() as session:
        audits = list(
            await session.scalars(select(AuditRecord).where(AuditRecord.action == "outbox.voided"))
        )
        voided = list(
            await session.scalars(
                select(OutboxMessage).where(
                    OutboxMessage.room_id == COORD, OutboxMessage.failed_at.is_not(None)
                )
            )
        )
    assert len(audits) == 1 and len(voided) == 1
    assert "Dijk." not in str(audits[0].detail) and "M-1" not in str(audits[0].detail)
    assert voided[0].result_event_id is None


async def test_a_list_queued_before_the_room_turned_public_is_not_sent(chat: CoreChat) -> None:
    await chat.send_event(LIAISON, ALICE, _report("gering", "amber"))
    await _drain(chat.db)
    _, replies = await chat.send_event(COORD, BOB, "!meldingen")
    assert any("Dijk." in getattr(r, "text", "") for r in replies or [])
    async with chat.db.transaction() as session:
        await session.execute(update(Room).where(Room.room_id == COORD).values(public=True))
    client = await _drain(chat.db)
    to_coord = await _to(client, COORD)
    assert not any("Dijk." in body for body in to_coord), to_coord
    assert to_coord == [_voided()], to_coord


async def test_a_list_queued_before_the_room_was_unbound_is_not_sent(chat: CoreChat) -> None:
    await chat.send_event(LIAISON, ALICE, _report("gering", "amber"))
    await _drain(chat.db)
    await chat.send_event(COORD, BOB, "!meldingen")
    async with chat.db.transaction() as session:
        await room_repo.unbind(session, COORD)
    client = await _drain(chat.db)
    to_coord = await _to(client, COORD)
    assert not any("Dijk." in body for body in to_coord), to_coord
    assert to_coord == [_voided()], to_coord


async def test_a_list_whose_room_kept_its_access_is_sent(chat: CoreChat) -> None:
    await chat.send_event(LIAISON, ALICE, _report("gering", "amber"))
    await chat.send_event(COORD, BOB, "!meldingen")
    await _lower(chat.db, COORD, "AMBER+STRICT")  # raised: sees more, not less
    client = await _drain(chat.db)
    to_coord = await _to(client, COORD)
    assert len(to_coord) == 1 and "Dijk." in to_coord[0], to_coord


async def test_a_reply_with_nothing_labelled_still_goes_after_a_lowering(
    chat: CoreChat,
) -> None:
    await chat.send_event(COORD, BOB, "!hulp")
    await _lower(chat.db, COORD, "CLEAR")
    client = await _drain(chat.db)
    to_coord = await _to(client, COORD)
    assert len(to_coord) == 1 and _voided() not in to_coord, to_coord


async def test_a_red_confirmation_after_a_lowering_is_voided_not_lost(chat: CoreChat) -> None:
    """A reply's label says the highest it shows, not whose it is: after the room's
    clearance went down, a confirmation naming TLP:RED is voided like any other reply
    above the new clearance (the safe side), and the room is told. The report itself
    stays recorded."""
    await chat.send_event(LIAISON, ALICE, _report("gering", "rood"))
    async with chat.db.transaction() as session:
        await bind_room(session, LIAISON, BindingView("liaison", "storm", "GGD", "GREEN", "GREEN"))
    client = await _drain(chat.db)
    assert await _to(client, LIAISON) == [_voided()], client.sent
    assert [entry.code for entry in await chat.entries()] == ["M-1"]


async def test_a_row_queued_before_labels_were_stored_is_judged_by_its_text(
    chat: CoreChat,
) -> None:
    """Rows from before migration 0028 have no label: the one their text names is
    taken, as if it were someone else's (nothing says it was the room's own)."""
    async with chat.db.transaction() as session:
        for n, body in enumerate(["TLP:AMBER — Meldingen storm\nM-9 Dijk.", "Welkom."]):
            await outbox.add(session, COORD, "message", {"body": body}, outbox.txn_id_for(str(n)))
        await session.execute(update(OutboxMessage).values(tlp=None))
    await _lower(chat.db, COORD, "GREEN")
    client = await _drain(chat.db)
    assert sorted(await _to(client, COORD)) == sorted([_voided(), "Welkom."]), client.sent


async def _access_from_objects(session: AsyncSession, room_id: RoomId) -> tlp.RoomAccess:
    """A room's access read object by object (its binding, its row, the rooms it
    replaced): what `rooms.access_of`'s one statement must agree with."""
    bound = await room_repo.binding(session, room_id)
    room = await room_repo.get(session, room_id)
    public = bool(room.public) if room else False
    earlier = await room_repo.earlier_rooms(session, room_id)
    view = BindingView.of(bound, earlier=earlier) if bound else None
    if bound is not None and not bound.active:
        # An upgraded room works under its successor's binding (storage/succession.py).
        found = await succession.successor(
            session,
            room_id,
            bound.tlp_default,
            bound.clearance,
            role=bound.role,
            organisation=bound.organisation,
        )
        view = None
        if found is not None:
            role, incident, org = (
                found.binding.role,
                found.binding.incident,
                found.binding.organisation,
            )
            view = BindingView(
                role, incident, org, found.tlp_default, found.clearance, earlier=earlier
            )
    return tlp.RoomAccess.for_binding(room_id, view, public, bool(room and room.is_direct))


async def test_the_sender_s_one_read_of_a_room_agrees_with_access_of(chat: CoreChat) -> None:
    """`rooms.access_of` (one statement, before each labelled send) says what the
    room's stored objects say, whatever the room's binding and state."""
    other = RoomId("!nowhere:x")

    async def both(room: RoomId) -> None:
        async with chat.db.session() as session:
            now = await room_repo.access_of(session, room)
            assert now == await _access_from_objects(session, room), room

    for room in (COORD, LIAISON, other):
        await both(room)
    async with chat.db.transaction() as session:
        await session.execute(
            update(Room).where(Room.room_id == COORD).values(public=True, is_direct=True)
        )
        await room_repo.carry_binding(session, LIAISON, RoomId("!ggd-v2:x"))
    for room in (COORD, LIAISON, RoomId("!ggd-v2:x")):
        await both(room)
    async with chat.db.transaction() as session:
        await room_repo.unbind(session, COORD)
    await both(COORD)


async def test_a_long_reply_voided_in_parts_is_told_once(chat: CoreChat) -> None:
    """A scheduled picture too long for one event goes in parts: voided, the room hears
    it once, not once a part."""
    from bot.sender import queue_reply_parts
    from commands.render import plain

    long = "TLP:AMBER — Situatiebeeld storm\n" + "\n".join(f"regel {n} Dijk." for n in range(9000))
    async with chat.db.transaction() as session:
        rows = await queue_reply_parts(session, COORD, plain(long), "subscription:1:slot")
    assert len(rows) > 1
    await _lower(chat.db, COORD, "GREEN")
    client = await _drain(chat.db)
    assert await _to(client, COORD) == [_voided()], [b[:40] for _, b in client.sent]
