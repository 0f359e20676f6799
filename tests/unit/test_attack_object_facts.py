"""Attacks on object lists filtered by a fact (outside attacker, session 15).

"Welke verpleeghuizen in Gorinchem hebben geen noodstroom?" is a question a coordinator
asks in a power outage to decide where to send generators or evacuate. Partners write
their facts as people do: `nee`, `geen aggregaat`, `niet aanwezig`, `onbekend`, or
nothing at all. A care home whose file says `noodstroom: niet aanwezig` must never be
listed as having emergency power (and so be left out of the answer to "zonder
noodstroom"), and one whose file says `onbekend` or nothing must not be counted either
way as if it were known: it is listed apart, as unknown, never silently dropped.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from knowledge import object_service
from storage import incidents as incident_repo
from storage import rooms
from storage.engine import Database
from storage.ids import RoomId, UserId
from tests.support.chat import CoreChat, bound_views, texts

TOWN = RoomId("!gemeente:x")
ALICE = UserId("@alice:x")

CARE = """objects:
  - {id: gor-1, name: Verpleeghuis De Lingehof, kind: verpleeghuis, municipality: Gorinchem,
     facts: {noodstroom: nee}}
  - {id: gor-2, name: Zorgcentrum Het Spui, kind: verpleeghuis, municipality: Gorinchem,
     facts: {noodstroom: 12 uur}}
  - {id: gor-3, name: Woonzorg De Vesting, kind: verpleeghuis, municipality: Gorinchem,
     facts: {noodstroom: onbekend}}
  - {id: gor-4, name: Verpleeghuis Merwedonk, kind: verpleeghuis, municipality: Gorinchem,
     facts: {noodstroom: niet aanwezig}}
  - {id: gor-5, name: Zorgvilla Dalem, kind: verpleeghuis, municipality: Gorinchem,
     facts: {bedden: 20}}
  - {id: gor-6, name: Hof van Arkel, kind: verpleeghuis, municipality: Gorinchem,
     facts: {noodstroom: "geen aggregaat, alleen accu noodverlichting"}}
owner: Zorgpartners ZHZ
updated: 2026-11-20
tlp: green
"""
WITH = ["gor-2"]
WITHOUT = ["gor-1", "gor-4", "gor-6"]
UNKNOWN = ["gor-3", "gor-5"]
ALL = WITH + WITHOUT + UNKNOWN


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'facts.db'}")
    await database.migrate()
    async with database.transaction() as session:
        await incident_repo.open_incident(session, "storm", "Storm", "test")
        await rooms.bind(
            session, TOWN, role="municipality", incident="storm", organisation="Gemeente Gorinchem",
            tlp_default="GREEN", clearance="GREEN", by="test",
        )  # fmt: skip
        await rooms.mark_joined(session, TOWN, datetime.now(UTC))
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "zorg.yaml").write_text(CARE, encoding="utf-8")
    report = await object_service.import_path(db=database, path=folder, actor="t")
    assert report.ok, report.problems
    yield database
    await database.close()


async def ask(db: Database, body: str) -> str:
    chat = CoreChat(db, bound_views())
    _, result = await chat.handle(TOWN, ALICE, body)
    assert result is not None
    return texts(result[0])


def split(reply: str) -> tuple[str, str]:
    """The answer's list, and what it says is unknown (after the line that says so)."""
    lines = reply.splitlines()
    cut = next((i for i, line in enumerate(lines) if "onbekend" in line.lower()), len(lines))
    return "\n".join(lines[:cut]), "\n".join(lines[cut:])


def ids(text: str) -> list[str]:
    return sorted(oid for oid in ALL if oid in text)


@pytest.mark.parametrize(
    ("body", "listed"),
    [
        ("!objecten Gorinchem feit=noodstroom", WITH),
        ("!objecten Gorinchem soort=verpleeghuis feit=geen-noodstroom", WITHOUT),
        ("!vraag Welke verpleeghuizen in Gorinchem hebben geen noodstroom?", WITHOUT),
    ],
)
async def test_a_fact_filter_lists_only_what_is_known_and_names_the_unknown_apart(
    db: Database, body: str, listed: list[str]
) -> None:
    reply = await ask(db, body)
    known, unknown = split(reply)
    assert ids(known) == sorted(listed), reply
    assert f": {len(listed)}" in known.splitlines()[0], reply  # the count is of the known
    assert ids(unknown) == sorted(UNKNOWN), reply
