"""A figure given as a bound keeps its direction: "meer dan 3" is stored as more than 3
and shown "> 3", "bijna 50" as "< 50", "minstens 3" as "≥ 3", "hooguit 50" as "≤ 50",
"ca. 3" as "ca. 3" (before, every bound was an estimate, shown "ca. 3": a coordinator
read "about 3 injured" where the liaison said "more than 3"). A sum is never shown as
exact when a bound is in it: lower bounds and exact figures make a lower bound ("> 8"),
upper bounds and exact ones an upper bound, any estimate or a mix of both directions an
estimate ("ca."). Migration 0032 keeps older figures as they were (exact or estimate).
On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select, text

from commands.dispatcher import CommandSettings
from commands.report_parser import split_bound
from storage import incidents
from storage.engine import Database
from storage.export_formats import entry_record
from storage.ids import RoomId, UserId
from storage.models import EntryFigure, SituationEntry
from tests.storage.test_marking_reader_migration import _report
from tests.support.chat import CoreChat, texts
from tests.support.migrated import migrate_to, record_entry_before
from tests.support.network import RoomSpec, network_database

GGD = RoomId("!ggd:x")
OTHER = RoomId("!brw:x")
COORD = RoomId("!coord:x")
ALICE = UserId("@alice:x")


@pytest.mark.parametrize(
    ("written", "kind"),
    [
        ("meer dan 3", "over"),
        ("> 3", "over"),
        ("ruim 3", "over"),
        ("minstens 3", "at_least"),
        ("≥ 3", "at_least"),
        ("bijna 3", "under"),
        ("minder dan 3", "under"),
        ("hooguit 3", "at_most"),
        ("≤ 3", "at_most"),
        ("ca. 3", "estimate"),
        ("3 (schatting)", "estimate"),
        ("3", "exact"),
    ],
)
def test_the_bound_a_figure_is_written_with(written: str, kind: str) -> None:
    assert split_bound(written) == ("3", kind)


@pytest.fixture
async def db(tmp_path: Path, migrated_database_url: str) -> AsyncIterator[Database]:
    bound: list[RoomSpec] = [
        (GGD, "liaison", "GGD Noord", "AMBER", "stroom-nh"),
        (OTHER, "liaison", "Brandweer Noord", "AMBER", "stroom-nh"),
        (COORD, "coordinator", "Veiligheidsregio NHN", "AMBER", "stroom-nh"),
    ]
    database = await network_database(tmp_path / "b.db", bound, url=migrated_database_url)
    yield database
    await database.close()


async def say(chat: CoreChat, room: RoomId, body: str) -> str:
    _, result = await chat.handle(room, ALICE, body)
    assert result is not None
    return texts([r for r in result[0] if getattr(r, "room_id", None) in (None, room)])


def chat_of(db: Database) -> CoreChat:
    return CoreChat(db, settings=CommandSettings(bot_user_id="@bot:x", admins=frozenset()))


async def test_a_bound_is_shown_with_its_direction_and_sums_stay_bounds(db: Database) -> None:
    chat = chat_of(db)
    first = await say(chat, GGD, "!melding zorg\ngemeente: Alkmaar\ngewonden: meer dan 3\nBotsing.")
    assert "gewonden > 3" in first and "ca. 3" not in first, first
    await say(chat, OTHER, "!melding brand\ngemeente: Alkmaar\ngewonden: 5\nBrand.")
    picture = await say(chat, COORD, "!beeld")
    assert "> 8" in picture, picture
    # An upper bound beside it: the sum is bounded neither way, so an estimate.
    await say(chat, OTHER, "!melding brand\ngemeente: Alkmaar\ngewonden: bijna 5\nBrand.")
    picture = await say(chat, COORD, "!beeld")
    assert "ca. 8" in picture, picture
    listed = await say(chat, COORD, "!meldingen")
    assert "< 5" in listed and "> 3" in listed, listed
    async with db.session() as session:
        entries = (await session.scalars(select(SituationEntry).order_by(SituationEntry.id))).all()
        figures = (await session.scalars(select(EntryFigure))).all()
    records = [entry_record(e, [f for f in figures if f.entry_id == e.id]) for e in entries]
    bounds = sorted(f.get("bound", "exact") for r in records for f in r["figures"])
    assert bounds == ["exact", "over", "under"], records


async def test_0032_keeps_older_figures_exact_or_estimate(database_url: str) -> None:
    db = Database(database_url)
    try:
        await migrate_to(db, "0031", up=True)
        async with db.transaction() as session:
            await incidents.open_incident(session, "storm", "Storm", "@admin:x")
            entry_id = await record_entry_before(
                session, _report("Opvang", "GREEN"), "@a:x", RoomId("!r:x"), "$e1"
            )
            for metric, estimate in (("evacuated", False), ("injured", True)):
                await session.execute(
                    text(
                        "INSERT INTO entry_figures (entry_id, metric, value, unit, label, "
                        "estimate) VALUES (:e, :m, 3, NULL, :m, :est)"
                    ),
                    {"e": entry_id, "m": metric, "est": estimate},
                )
        await migrate_to(db, "0032", up=True)
        async with db.engine.connect() as conn:
            rows = (
                await conn.execute(text("SELECT metric, bound FROM entry_figures ORDER BY metric"))
            ).all()
        assert [tuple(r) for r in rows] == [("evacuated", "exact"), ("injured", "estimate")]
        await migrate_to(db, "0031", up=False)
        await migrate_to(db, "0032", up=True)
    finally:
        await db.close()
