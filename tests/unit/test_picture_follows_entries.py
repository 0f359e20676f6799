"""The situation picture follows each entry's CURRENT incident, label and retraction.

Regression tests for stale rows in the per-series tables (`series_latest`,
`figure_latest`): an edit that moves a report to another incident and raises it
to RED, a label raised or lowered, and a redaction must all show at once in
every `!beeld` and scheduled post - no text of a retracted entry, no entry under
a label other than its current one, no figure in sums it left. Also: open
questions from direct chats appear only in curator rooms' pictures, and the
asker's Matrix id never outside them.

Through the dispatcher (reports, edits, redactions, `!beeld` as in the bot) with a
real database: SQLite and a private PostgreSQL cluster.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from commands.dispatcher import Dispatcher, RoomView
from commands.message import MessageKind, Outgoing, Relation, Reply
from storage import subscriptions
from storage.engine import Database
from storage.ids import EventId, RoomId, UserId
from storage.rooms import BindingView
from tests.support.chat import dispatch, dispatcher_fixture, texts
from tests.support.rooms import bound_database
from tests.support.senders import RecordingSender

pytestmark = pytest.mark.postgres

SAMPLE = Path(__file__).resolve().parents[2] / "knowledge" / "sample"

LIAISON = RoomId("!ggd:x")  # posts the report that gets edited (GGD, storm)
LIAISON2 = RoomId("!brw:x")  # another source of the same figure (Brandweer, storm)
COORD_GREEN = RoomId("!coord-groen:x")  # storm, cleared up to GREEN
COORD_RED = RoomId("!coord-rood:x")  # storm, cleared up to RED (RED still never leaves its room)
COORD_BRAND = RoomId("!coord-brand:x")  # the other incident, cleared up to RED
MUNICIPALITY = RoomId("!gemeente:x")  # municipality room bound to storm
CURATOR = RoomId("!redactie:x")
DIRECT = RoomId("!dm:x")

REPORTER = UserId("@ggd-liaison:x")
REPORTER2 = UserId("@brw-liaison:x")
COORDINATOR = UserId("@coordinator:x")
ADMIN = UserId("@admin:x")
CITIZEN = UserId("@inwoner:x")
ALDERMAN = UserId("@wethouder:x")

BINDINGS: dict[RoomId, BindingView] = {
    LIAISON: BindingView("liaison", "storm", "GGD", "GREEN", "AMBER"),
    LIAISON2: BindingView("liaison", "storm", "Brandweer", "GREEN", "AMBER"),
    COORD_GREEN: BindingView("coordinator", "storm", "Gemeente Dordrecht", "GREEN", "GREEN"),
    COORD_RED: BindingView("coordinator", "storm", "Veiligheidsregio", "AMBER", "RED"),
    COORD_BRAND: BindingView("coordinator", "brand", "Veiligheidsregio", "AMBER", "RED"),
    MUNICIPALITY: BindingView("municipality", "storm", "Gemeente Dordrecht", "GREEN", "GREEN"),
    CURATOR: BindingView("curator", None, "KCIO", "GREEN", "AMBER"),
}

GREEN_TEXT = "Sporthal De Schans open als noodopvang."
RED_TEXT = "Vertrouwelijk brandhaard bij de Merwede."
AMBER_TEXT = "Oranje tekst over de sporthal."
BIG = "4.321"  # the edited report's figure, as the picture prints it
SUM = "4.326"  # ... plus the other source's 5


def report(text: str, label: str, incident: str | None = None, value: int = 4321) -> str:
    lines = ["!melding opvang"]
    if incident:
        lines.append(f"incident: {incident}")
    lines += ["gemeente: Dordrecht", f"opvangplekken beschikbaar: {value}", f"tlp: {label}", text]
    return "\n".join(lines)


def view(room_id: RoomId) -> RoomView:
    if room_id == DIRECT:
        return RoomView(room_id=room_id, is_direct=True)
    binding = BINDINGS[room_id]
    return RoomView(room_id=room_id, role=binding.role, encrypted=True, binding=binding)


@pytest.fixture
async def db(migrated_database_url: str) -> AsyncIterator[Database]:
    database = await bound_database(
        migrated_database_url, BINDINGS, warm=("storm", "brand"), knowledge=SAMPLE
    )
    yield database
    await database.close()


dispatcher = dispatcher_fixture(admins=frozenset({ADMIN}))


async def send(
    db: Database,
    dispatcher: Dispatcher,
    room: RoomId,
    body: str,
    sender: UserId,
    *,
    kind: MessageKind = "message",
    relation: Relation | None = None,
) -> tuple[EventId, list[Outgoing]]:
    return await dispatch(db, dispatcher, view(room), sender, body, kind=kind, relation=relation)


async def post(db: Database, d: Dispatcher, room: RoomId, body: str, sender: UserId) -> EventId:
    event_id, replies = await send(db, d, room, body, sender)
    assert "vastgelegd" in texts(replies), texts(replies)
    return event_id


async def edit(db: Database, d: Dispatcher, original: EventId, body: str) -> None:
    _, replies = await send(
        db, d, LIAISON, body, REPORTER, kind="edit", relation=Relation(replaces=original)
    )
    assert "bijgewerkt" in texts(replies), texts(replies)


async def redact(db: Database, d: Dispatcher, original: EventId) -> None:
    _, replies = await send(
        db, d, LIAISON, "", REPORTER, kind="redaction", relation=Relation(redacts=original)
    )
    assert "ingetrokken" in texts(replies), texts(replies)


async def picture(
    db: Database, d: Dispatcher, room: RoomId, incident: str = "storm", sender: UserId = ADMIN
) -> Reply:
    _, replies = await send(db, d, room, f"!beeld {incident}", sender)
    assert len(replies) == 1 and isinstance(replies[0], Reply), replies
    assert replies[0].text.startswith("TLP:"), replies[0].text
    return replies[0]


def shown_ids(reply: Reply) -> set[str]:
    """Entry codes in the picture's state lines and tables (not the changes section)."""
    before_changes = reply.text.split("Gewijzigd sinds vorig beeld")[0]
    return set(re.findall(r"\(?(M-\d+)\)", before_changes)) | set(
        re.findall(r"^(M-\d+) ", before_changes, re.M)
    )


def figure_totals(reply: Reply) -> list[str]:
    """The totals of the 'opvangplekken' lines in the figures section."""
    return re.findall(r"^• opvangplekken[^:]*: ([\d.,]+)", reply.text, re.M)


def assert_shown(reply: Reply, code: str, text: str, totals: list[str], label: str) -> None:
    """The entry `code` is shown with `text`; the picture sums to `totals`, marked `label`."""
    assert code in shown_ids(reply) and text in reply.text, reply.text
    assert figure_totals(reply) == totals and reply.text.startswith(f"TLP:{label}"), reply.text


def assert_not_shown(reply: Reply, code: str, *words: str) -> None:
    assert code not in shown_ids(reply), reply.text
    for word in words:
        assert word not in reply.text, reply.text
        assert word not in reply.html, reply.html


def assert_changes_name_only(reply: Reply, code: str) -> None:
    """The changes section may name a retracted entry's id, and only as retracted."""
    if "Gewijzigd sinds vorig beeld" not in reply.text:
        return
    changes = reply.text.split("Gewijzigd sinds vorig beeld")[1]
    for line in changes.splitlines():
        if code in re.findall(r"M-\d+", line):
            assert line.startswith("• ingetrokken:"), reply.text


async def two_reports(db: Database, d: Dispatcher) -> tuple[EventId, str]:
    """M-a (GGD, GREEN, 4321) and M-b (Brandweer, GREEN, 5) for the same source figure."""
    original = await post(db, d, LIAISON, report(GREEN_TEXT, "groen"), REPORTER)
    await post(db, d, LIAISON2, report("Brandweer telt mee.", "groen", value=5), REPORTER2)
    first = await picture(db, d, COORD_GREEN)
    codes = sorted(shown_ids(first), key=lambda c: int(c[2:]))
    assert len(codes) == 2 and GREEN_TEXT in first.text and figure_totals(first) == [SUM]
    return original, codes[0]


# ------------------------------------------------------------------ (a) moved + RED


async def test_edit_to_another_incident_and_red_leaves_the_old_picture(
    db: Database, dispatcher: Dispatcher
) -> None:
    d = dispatcher
    original, code = await two_reports(db, d)
    # Every storm room has built its picture: the series rows exist before the edit.
    for room in (COORD_RED, LIAISON, LIAISON2):
        assert GREEN_TEXT in (await picture(db, d, room)).text
    await edit(db, d, original, report(RED_TEXT, "rood", incident="brand"))

    for room in (COORD_GREEN, COORD_RED, LIAISON2, LIAISON, MUNICIPALITY):
        storm = await picture(db, d, room)
        assert_not_shown(storm, code, RED_TEXT, GREEN_TEXT, BIG, SUM)
        assert figure_totals(storm) == ["5"], storm.text
        assert storm.text.startswith("TLP:GREEN"), storm.text
    # The new incident: RED, so only the posting room sees it.
    brand_elsewhere = await picture(db, d, COORD_BRAND, "brand")
    assert_not_shown(brand_elsewhere, code, RED_TEXT, GREEN_TEXT, BIG)
    brand_own = await picture(db, d, LIAISON, "brand")
    assert_shown(brand_own, code, RED_TEXT, [BIG], "RED")


# ------------------------------------------------------------------ (b) + (d) label


async def test_label_raised_then_lowered_follows_in_green_rooms(
    db: Database, dispatcher: Dispatcher
) -> None:
    d = dispatcher
    original, code = await two_reports(db, d)
    assert GREEN_TEXT in (await picture(db, d, COORD_RED)).text

    await edit(db, d, original, report(AMBER_TEXT, "amber"))
    green = await picture(db, d, COORD_GREEN)
    assert_not_shown(green, code, AMBER_TEXT, GREEN_TEXT, BIG, SUM)
    assert figure_totals(green) == ["5"] and green.text.startswith("TLP:GREEN")
    red = await picture(db, d, COORD_RED)
    assert_shown(red, code, AMBER_TEXT, [SUM], "AMBER")
    assert GREEN_TEXT not in red.text

    await edit(db, d, original, report(GREEN_TEXT + " Weer groen.", "groen"))
    green = await picture(db, d, COORD_GREEN)
    assert_shown(green, code, "Weer groen.", [SUM], "GREEN")
    assert AMBER_TEXT not in green.text


# ------------------------------------------------------------------ (c) retraction


async def test_redacted_report_leaves_every_picture_and_every_sum(
    db: Database, dispatcher: Dispatcher
) -> None:
    d = dispatcher
    original, code = await two_reports(db, d)
    for room in (COORD_RED, LIAISON):
        assert GREEN_TEXT in (await picture(db, d, room)).text
    await redact(db, d, original)
    for room in (COORD_GREEN, COORD_RED, LIAISON, LIAISON2):
        reply = await picture(db, d, room)
        assert_not_shown(reply, code, GREEN_TEXT, BIG, SUM)
        assert_changes_name_only(reply, code)
        assert figure_totals(reply) == ["5"], reply.text


async def test_moved_to_red_then_redacted_is_gone_everywhere(
    db: Database, dispatcher: Dispatcher
) -> None:
    d = dispatcher
    original, code = await two_reports(db, d)
    assert GREEN_TEXT in (await picture(db, d, LIAISON)).text
    await edit(db, d, original, report(RED_TEXT, "rood", incident="brand"))
    assert RED_TEXT in (await picture(db, d, LIAISON, "brand")).text
    await redact(db, d, original)
    for room, incident in (
        (COORD_GREEN, "storm"),
        (COORD_RED, "storm"),
        (LIAISON, "storm"),
        (LIAISON, "brand"),
        (COORD_BRAND, "brand"),
    ):
        reply = await picture(db, d, room, incident)
        assert_not_shown(reply, code, RED_TEXT, GREEN_TEXT, BIG, SUM)
        assert_changes_name_only(reply, code)
    assert figure_totals(await picture(db, d, LIAISON, "brand")) == []


# ------------------------------------------------------------------ scheduled posts


async def hourly(db: Database, room: RoomId) -> Callable[[int], Awaitable[dict[str, Any]]]:
    """`room` subscribed to the storm picture every hour: a function that runs the bot's
    scheduler `hours` ahead and gives the content of the one post it made then."""
    from bot.scheduler import Scheduler

    async with db.transaction() as session:
        await subscriptions.add(session, room, "storm", timedelta(hours=1), None, "test")
    sender = RecordingSender()
    scheduler = Scheduler(db, sender, "nl", "!")  # type: ignore[arg-type]

    async def posted(hours: int) -> dict[str, Any]:
        assert await scheduler.tick(datetime.now(UTC) + timedelta(hours=hours)) == 1
        return sender.submitted[-1].content

    return posted


async def test_scheduled_post_follows_the_edit(db: Database, dispatcher: Dispatcher) -> None:
    d = dispatcher
    original, code = await two_reports(db, d)
    post_after = await hourly(db, COORD_GREEN)
    body = (await post_after(2))["body"]
    # Nothing changed since the room's `!beeld` in two_reports: one line pointing at it.
    assert "geen wijzigingen sinds het volledige beeld van" in body and "\n" not in body
    assert GREEN_TEXT not in body

    await edit(db, d, original, report(RED_TEXT, "rood", incident="brand"))
    content = await post_after(4)
    posted = Reply(text=content["body"], html=content["formatted_body"])
    assert_not_shown(posted, code, RED_TEXT, GREEN_TEXT, BIG, SUM)
    assert figure_totals(posted) == ["5"]

    await redact(db, d, original)
    body = (await post_after(6))["body"]
    assert RED_TEXT not in body and GREEN_TEXT not in body


# ------------------------------------------------------------------ open questions


async def test_direct_chat_questions_only_in_curator_pictures_and_askers_only_there(
    db: Database, dispatcher: Dispatcher
) -> None:
    d = dispatcher
    _, replies = await send(
        db, d, DIRECT, "!vraag Hoe vraag ik een parkeervergunning aan?", CITIZEN
    )
    assert "V" in texts(replies)
    _, replies = await send(
        db, d, MUNICIPALITY, "!vraag Wie regelt de containerwoningen voor daklozen?", ALDERMAN
    )
    assert "V" in texts(replies)

    for room in (COORD_GREEN, COORD_RED):
        reply = await picture(db, d, room, sender=COORDINATOR)
        assert "parkeervergunning" not in reply.text and "parkeervergunning" not in reply.html
        assert "containerwoningen" in reply.text  # the municipality room's own incident
        for asker in (CITIZEN, ALDERMAN):
            assert asker not in reply.text and asker not in reply.html
    # Another incident: the direct chat's question is not there either.
    brand = await picture(db, d, COORD_BRAND, "brand", sender=COORDINATOR)
    assert "parkeervergunning" not in brand.text and CITIZEN not in brand.text

    curator = await picture(db, d, CURATOR)  # an admin asks in the curator room
    assert "parkeervergunning" in curator.text and "containerwoningen" in curator.text
    assert CITIZEN in curator.text and ALDERMAN in curator.text


async def test_scheduled_picture_hides_direct_questions_and_askers(
    db: Database, dispatcher: Dispatcher
) -> None:
    d = dispatcher
    await send(db, d, DIRECT, "!vraag Hoe vraag ik een parkeervergunning aan?", CITIZEN)
    await send(
        db, d, MUNICIPALITY, "!vraag Wie regelt de containerwoningen voor daklozen?", ALDERMAN
    )
    post_after = await hourly(db, COORD_RED)
    body = (await post_after(2))["body"]
    assert "containerwoningen" in body and "parkeervergunning" not in body
    assert CITIZEN not in body and ALDERMAN not in body


# ------------------------------------------------------------------ the series tables


async def test_series_rows_move_with_the_entry_and_go_with_its_retraction(
    db: Database, dispatcher: Dispatcher
) -> None:
    """The per-series tables themselves hold no row for an entry outside its incident."""
    from sqlalchemy import select

    from storage import series
    from storage.models import FigureLatest, SeriesLatest

    async def rows_of(incident: str) -> set[tuple[str, int, int]]:
        async with db.transaction() as session:
            await series.refresh(session, incident)
        async with db.session() as session:
            found = {
                ("state", r.entry_id, r.tlp_rank)
                for r in await session.scalars(
                    select(SeriesLatest).where(SeriesLatest.incident == incident)
                )
            }
            return found | {
                ("figure", r.entry_id, r.tlp_rank)
                for r in await session.scalars(
                    select(FigureLatest).where(FigureLatest.incident == incident)
                )
            }

    d = dispatcher
    original, code = await two_reports(db, d)
    moved, other = int(code[2:]), int(code[2:]) + 1
    assert await rows_of("storm") == {
        ("state", moved, 1),
        ("figure", moved, 1),
        ("state", other, 1),
        ("figure", other, 1),
    }
    assert await rows_of("brand") == set()
    await edit(db, d, original, report(RED_TEXT, "rood", incident="brand"))
    assert await rows_of("storm") == {("state", other, 1), ("figure", other, 1)}
    assert await rows_of("brand") == {("state", moved, 4), ("figure", moved, 4)}
    await redact(db, d, original)
    assert await rows_of("brand") == set()
    assert await rows_of("storm") == {("state", other, 1), ("figure", other, 1)}


async def test_a_stale_series_row_still_shows_only_the_entrys_current_state(
    db: Database, dispatcher: Dispatcher
) -> None:
    """Even if a change escaped the refresh (written without bumping `updated_at`),
    the picture reads the entry's current incident, retraction and label."""
    from sqlalchemy import select, update

    from storage.models import FigureLatest, ItemLatest, SeriesLatest, SituationEntry

    d = dispatcher
    _, code = await two_reports(db, d)
    entry_id = int(code[2:])
    for values, ranks_left in (
        ({"tlp": "RED", "tlp_rank": 4, "text": RED_TEXT}, {4}),
        ({"incident": "brand", "text": RED_TEXT}, set()),
        ({"retracted_at": datetime.now(UTC), "text": RED_TEXT}, set()),
    ):
        async with db.transaction() as session:
            await session.execute(
                update(SituationEntry).where(SituationEntry.id == entry_id).values(**values)
            )
        reply = await picture(db, d, COORD_GREEN)
        assert_not_shown(reply, code, RED_TEXT, BIG, SUM)
        assert figure_totals(reply) == ["5"] and reply.text.startswith("TLP:GREEN")
        # The refresh compared each row with its entry: the tables follow too.
        async with db.session() as session:
            for table in (SeriesLatest, FigureLatest, ItemLatest):
                ranks = await session.scalars(
                    select(table.tlp_rank).where(
                        table.incident == "storm", table.entry_id == entry_id
                    )
                )
                assert set(ranks) == ranks_left, (table, values)
        async with db.transaction() as session:  # back to the original for the next case
            await session.execute(
                update(SituationEntry)
                .where(SituationEntry.id == entry_id)
                .values(tlp="GREEN", tlp_rank=1, incident="storm", retracted_at=None)
            )


async def test_migration_marks_existing_questions_from_unbound_rooms(database_url: str) -> None:
    """0007: questions already asked in a direct chat or an unbound room become curator-only."""
    from alembic import command
    from sqlalchemy import text

    from storage.migrate import alembic_config

    database = Database(database_url)
    try:
        async with database.engine.begin() as conn:
            await conn.run_sync(lambda c: command.upgrade(alembic_config(c), "0006"))
            at = datetime(2026, 11, 23, 9, 0)
            for room_id, direct in (("!dm:x", True), ("!mun:x", False), ("!loose:x", False)):
                await conn.execute(
                    text(
                        "INSERT INTO rooms (room_id, active, is_direct, greeted, public)"
                        " VALUES (:r, :t, :d, :f, :f)"
                    ),
                    {"r": room_id, "t": True, "d": direct, "f": False},
                )
            await conn.execute(
                text(
                    "INSERT INTO room_bindings (room_id, incident, organisation, role,"
                    " tlp_default, clearance, active, bound_by, bound_at)"
                    " VALUES ('!mun:x', 'storm', 'Gemeente', 'municipality', 'GREEN', 'GREEN',"
                    " :t, 'test', :at)"
                ),
                {"t": True, "at": at},
            )
            for n, room_id in enumerate(("!dm:x", "!mun:x", "!loose:x")):
                await conn.execute(
                    text(
                        "INSERT INTO open_questions (asker, room_id, event_id, question, tlp,"
                        " tlp_rank, nearest, asked_at, status)"
                        " VALUES ('@a:x', :r, :e, 'vraag', 'GREEN', 1, '[]', :at, 'open')"
                    ),
                    {"r": room_id, "e": f"$q{n}", "at": at},
                )
        await database.migrate()
        async with database.engine.connect() as conn:
            rows = await conn.execute(text("SELECT room_id, unbound FROM open_questions"))
            assert {r: bool(u) for r, u in rows} == {
                "!dm:x": True,
                "!mun:x": False,
                "!loose:x": True,
            }
    finally:
        await database.close()
