"""Assessments, decisions and actions through the exactly-once core: ids, permissions,
labels, owner notification, edits and redactions, `!acties`, the picture's sections,
deadlines read as times ahead, and the reminder with an injected clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.handling import process_message
from bot.scheduler import Scheduler
from commands.builtin import build_dispatcher
from commands.dispatcher import CommandSettings
from commands.message import Message, Relation
from commands.record_time import is_past, parse_ahead
from storage import incidents, rooms
from storage.engine import Database
from storage.ids import EventId, RoomId, UserId
from storage.models import AuditRecord, OutboxMessage, RecordItem, RecordRevision
from storage.rooms import BindingView
from storage.timezone import AMSTERDAM
from tests.support.chat import bound_views
from tests.support.senders import RecordingSender

COORD = RoomId("!coord:x")  # AMBER coordination room of the safety region
LIAISON = RoomId("!liaison:x")  # AMBER liaison room of the Red Cross
GEMEENTE = RoomId("!gemeente:x")  # GREEN coordination room of a municipality
MOD = UserId("@mod:x")
MEMBER = UserId("@member:x")
LIAISON_USER = UserId("@rk:x")
POWER = {MOD: 50}


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=AMSTERDAM).astimezone(UTC)


# -- times ahead ----------------------------------------------------------------------------

NOW = local(2026, 12, 3, 10, 33)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("16u", local(2026, 12, 3, 16, 0)),
        ("om half 3", local(2026, 12, 3, 14, 30)),
        ("kwart voor 11", local(2026, 12, 3, 10, 45)),
        ("13:00", local(2026, 12, 3, 13, 0)),
        ("over 2 min", NOW + timedelta(minutes=2)),
        ("in 2 uur", NOW + timedelta(hours=2)),
        ("morgen 9 uur", local(2026, 12, 4, 9, 0)),
        ("31-12 18:00", local(2026, 12, 31, 18, 0)),
        ("09:00", local(2026, 12, 4, 9, 0)),  # already past today: tomorrow
    ],
)
def test_a_deadline_is_the_next_moment_the_words_name(text: str, expected: datetime) -> None:
    assert parse_ahead(text, NOW) == expected


def test_a_dated_time_in_the_past_stays_past() -> None:
    assert is_past(parse_ahead("23-11 14:30", NOW), NOW)


# -- through the core -----------------------------------------------------------------------


class World:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.dispatcher = build_dispatcher(CommandSettings(bot_user_id="@bot:x"))
        self.n = 0
        self.bindings: dict[str, BindingView] = {
            COORD: BindingView("coordinator", "storm", "VRZHZ", "AMBER", "AMBER"),
            LIAISON: BindingView("liaison", "storm", "Rode Kruis", "AMBER", "AMBER"),
            GEMEENTE: BindingView("coordinator", "storm", "Dordrecht", "GREEN", "GREEN"),
        }

    view = staticmethod(bound_views(power_levels=POWER))

    async def send(
        self,
        room: RoomId,
        body: str,
        sender: UserId = MOD,
        kind: str = "message",
        relation: Relation | None = None,
    ) -> tuple[str, list[OutboxMessage]]:
        self.n += 1
        message = Message(
            EventId(f"$e{self.n}"),
            room,
            sender,
            body,
            datetime.now(UTC),
            kind=kind,  # type: ignore[arg-type]
            relation=relation or Relation(),
        )
        result = await process_message(self.db, self.dispatcher, message, self.view)
        assert result is not None
        _replies, rows = result
        here = "\n".join(str(r.content.get("body", "")) for r in rows if r.room_id == room)
        return here, rows

    async def item(self, code: str) -> RecordItem:
        kind = {"O": "assessment", "B": "decision", "A": "action"}[code[0]]
        async with self.db.session() as session:
            found = await session.scalar(
                select(RecordItem).where(
                    RecordItem.kind == kind, RecordItem.number == int(code[2:])
                )
            )
            assert found is not None
            return found


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'record.db'}")
    await db.migrate()
    w = World(db)
    async with db.transaction() as session:
        await incidents.open_incident(session, "storm", "Storm", MOD)
        for room_id, b in w.bindings.items():
            await rooms.mark_joined(session, RoomId(room_id), datetime.now(UTC))
            await rooms.bind_as(session, RoomId(room_id), b, MOD)
    # The liaison has spoken in their own room: that is how the bot knows it.
    await w.send(LIAISON, "!hulp", LIAISON_USER)
    yield w
    await db.close()


ASSESS = "!oordeel\nverwachting: water stijgt tot 18:00 zxwater\nrisico's: dijk\ngeldig tot: 18u\ntlp: amber"
DECIDE = (
    "!besluit Sporthal De Schans blijft open zxschans\nbesloten door: ROT\ningang: 16u\ntlp: green"
)
ACT = f"!actie Veldbedden naar De Schans zxbedden\neigenaar: {LIAISON_USER}\ndeadline: over 2 uur\ntlp: amber"


async def test_coordinator_records_o1_b1_a1_and_the_owner_is_told(world: World) -> None:
    reply, _ = await world.send(COORD, ASSESS)
    assert "Oordeel O-1 vastgelegd" in reply and "TLP:AMBER" in reply
    reply, _ = await world.send(COORD, DECIDE)
    assert "Besluit B-1 vastgelegd" in reply and "TLP:GREEN" in reply
    reply, rows = await world.send(COORD, ACT)
    assert "Actie A-1 vastgelegd" in reply
    told = [r for r in rows if r.room_id == LIAISON]
    assert len(told) == 1
    content = told[0].content
    assert content["msgtype"] == "m.text"
    assert content["m.mentions"] == {"user_ids": [LIAISON_USER]}
    assert "A-1" in content["body"] and "zxbedden" in content["body"]
    assert "zxwater" not in content["body"] and "zxschans" not in content["body"]
    async with world.db.session() as session:
        actions = {a.action for a in await session.scalars(select(AuditRecord))}
    assert {
        "assessment.recorded",
        "decision.recorded",
        "action.recorded",
        "action.notified",
    } <= actions


async def test_green_room_picture_shows_the_decision_only(world: World) -> None:
    await world.send(COORD, ASSESS)
    await world.send(COORD, DECIDE)
    await world.send(COORD, ACT)
    coord, _ = await world.send(COORD, "!beeld")
    assert "Oordeel (laatste per organisatie)" in coord and "zxwater" in coord
    assert "Besluiten" in coord and "zxschans" in coord
    assert "Open acties" in coord and "zxbedden" in coord
    assert coord.startswith("TLP:AMBER")
    green, _ = await world.send(GEMEENTE, "!beeld", UserId("@g:x"))
    assert "B-1" in green and "zxschans" in green and green.startswith("TLP:GREEN")
    assert "O-1" not in green and "zxwater" not in green
    assert "A-1" not in green and "zxbedden" not in green
    listed, _ = await world.send(GEMEENTE, "!acties", UserId("@g:x"))
    assert "zxbedden" not in listed and "Geen open acties" in listed


async def test_power_0_member_is_refused_with_the_reason(world: World) -> None:
    reply, _ = await world.send(COORD, DECIDE, MEMBER)
    assert "mag hier niet" in reply and "moderatorrechten" in reply
    reply, _ = await world.send(LIAISON, DECIDE, LIAISON_USER)
    assert "mag hier niet" in reply and "coördinatiekamer" in reply
    async with world.db.session() as session:
        assert (await session.scalars(select(RecordItem))).all() == []


async def test_an_owner_whose_room_may_not_see_the_label_is_refused(world: World) -> None:
    await world.send(GEMEENTE, "!hulp", UserId("@g:x"))
    body = "!actie Lijst evacués bijhouden\neigenaar: @g:x\ndeadline: 16u\ntlp: amber"
    reply, rows = await world.send(COORD, body)
    assert "Niet vastgelegd" in reply and "TLP:AMBER" in reply and "TLP:GREEN" in reply
    assert all(r.room_id == COORD for r in rows)
    body = "!actie Lijst evacués bijhouden\neigenaar: Dordrecht\ndeadline: 16u\ntlp: green"
    reply, rows = await world.send(COORD, body)
    assert "A-1 vastgelegd" in reply and any(r.room_id == GEMEENTE for r in rows)


async def test_bad_input_is_refused_and_changes_nothing(world: World) -> None:
    # A deadline behind, whenever the suite runs: yesterday, with its year. (A fixed
    # "23-11 14:30" is read ahead as this year's 23 November, which is behind only from
    # then to 31 December: the bot handles the command at its own time, not the test's.)
    yesterday = (datetime.now(AMSTERDAM) - timedelta(days=1)).strftime("%d-%m-%Y")
    reply, _ = await world.send(
        COORD, f"!actie Iets\ndeadline: {yesterday} 14:30\neigenaar: Rode Kruis"
    )
    assert "Niet vastgelegd" in reply and "verleden" in reply
    reply, _ = await world.send(COORD, "!actie Iets zonder eigenaar\ndeadline: 16u")
    assert "eigenaar" in reply
    reply, _ = await world.send(COORD, "!besluit\ntlp: paars")
    assert "paars" in reply and "besloten" in reply
    async with world.db.session() as session:
        assert (await session.scalars(select(RecordItem))).all() == []


async def test_edit_revises_and_redaction_withdraws_keeping_history(world: World) -> None:
    await world.send(COORD, DECIDE)
    original = EventId("$e2")
    edited = DECIDE.replace("blijft open", "sluit om 20:00")
    reply, _ = await world.send(COORD, edited, kind="edit", relation=Relation(replaces=original))
    assert "B-1 bijgewerkt (revisie 2)" in reply
    item = await world.item("B-1")
    assert "sluit om 20:00" in item.text and item.revision == 2
    reply, _ = await world.send(COORD, "", kind="redaction", relation=Relation(redacts=original))
    assert "B-1 ingetrokken" in reply
    item = await world.item("B-1")
    assert item.withdrawn_at is not None
    async with world.db.session() as session:
        revisions = (await session.scalars(select(RecordRevision))).all()
    assert [r.revision for r in revisions] == [1, 2]
    coord, _ = await world.send(COORD, "!beeld")
    assert "zxschans" not in coord


async def test_done_and_list_overdue_first_and_the_picture_shows_done(world: World) -> None:
    await world.send(COORD, "!beeld")
    await world.send(COORD, ACT)
    await world.send(COORD, ACT.replace("over 2 uur", "over 1 uur").replace("zxbedden", "zxdekens"))
    listed, _ = await world.send(COORD, "!acties")
    assert listed.index("A-2") < listed.index("A-1")  # the nearer deadline first
    reply, _ = await world.send(LIAISON, "!actie klaar A-1", LIAISON_USER)
    assert "Actie A-1 afgerond" in reply
    reply, _ = await world.send(COORD, "!actie klaar A-9")
    assert "Onbekende actie" in reply
    picture, _ = await world.send(COORD, "!beeld")
    done = picture.split("Afgerond sinds vorig beeld")[1]
    assert "A-1" in done and "A-2" not in done
    assert "A-1" not in picture.split("Open acties")[1].split("Afgerond")[0]
    again, _ = await world.send(COORD, "!beeld")
    assert "Afgerond sinds vorig beeld" not in again


async def test_gemeente_cannot_close_an_action_it_may_not_see(world: World) -> None:
    await world.send(COORD, ACT)
    reply, _ = await world.send(GEMEENTE, "!actie klaar A-1", UserId("@g:x"))
    assert "Onbekende actie: A-1" in reply
    assert (await world.item("A-1")).done_at is None


# -- the reminder, with an injected clock ---------------------------------------------------


async def reminders(db: Database) -> list[str]:
    async with db.session() as session:
        rows = await session.scalars(select(OutboxMessage).where(OutboxMessage.room_id == LIAISON))
        return [str(r.content["body"]) for r in rows if "herinnering" in str(r.content["body"])]


async def test_one_reminder_before_the_deadline_also_after_a_restart(world: World) -> None:
    await world.send(COORD, ACT)  # deadline in 2 hours: reminder 15 minutes before
    item = await world.item("A-1")
    assert item.due_at is not None and item.remind_at == item.due_at - timedelta(minutes=15)
    first = Scheduler(world.db, RecordingSender(), "nl", "!")  # type: ignore[arg-type]
    assert await first.remind(item.remind_at - timedelta(seconds=1)) == 0
    assert await first.remind(item.remind_at + timedelta(seconds=3)) == 1
    assert await first.remind(item.remind_at + timedelta(seconds=8)) == 0
    # A restarted process (a new scheduler on the same database) sends nothing more.
    restarted = Scheduler(world.db, RecordingSender(), "nl", "!")  # type: ignore[arg-type]
    assert await restarted.tick(item.due_at + timedelta(hours=3)) == 0
    sent = await reminders(world.db)
    assert len(sent) == 1 and "A-1" in sent[0] and "Te laat" not in sent[0]


async def test_after_downtime_one_reminder_marked_late_no_burst(world: World) -> None:
    await world.send(COORD, ACT)
    await world.send(COORD, ACT.replace("zxbedden", "zxdekens"))
    item = await world.item("A-1")
    assert item.due_at is not None
    back = item.due_at + timedelta(minutes=5)  # down over both reminders and the deadline
    scheduler = Scheduler(world.db, RecordingSender(), "nl", "!")  # type: ignore[arg-type]
    assert await scheduler.remind(back) == 2
    for _ in range(3):
        assert await scheduler.remind(back + timedelta(minutes=1)) == 0
    sent = await reminders(world.db)
    assert len(sent) == 2
    assert all("Te laat verstuurd" in s and "deadline is al verstreken" in s for s in sent)
    assert (await world.item("A-1")).reminder_late


async def test_a_done_action_gets_no_reminder(world: World) -> None:
    await world.send(COORD, ACT)
    await world.send(COORD, "!actie klaar A-1")
    item = await world.item("A-1")
    assert item.due_at is not None
    scheduler = Scheduler(world.db, RecordingSender(), "nl", "!")  # type: ignore[arg-type]
    assert await scheduler.remind(item.due_at) == 0


# -- exports --------------------------------------------------------------------------------


async def _export(world: World, room: RoomId, fmt: str, sender: UserId = MOD) -> str:
    import base64

    _reply, rows = await world.send(room, f"!export storm {fmt}", sender)
    files = [r for r in rows if r.kind == "file"]
    assert len(files) == 1
    return base64.b64decode(files[0].content["data_b64"]).decode("utf-8-sig")


async def test_exports_carry_what_the_room_may_see(world: World) -> None:
    import json
    from xml.etree import ElementTree as ET

    await world.send(COORD, ASSESS)
    await world.send(COORD, DECIDE)
    await world.send(COORD, ACT)
    document = json.loads(await _export(world, COORD, "json"))
    assert [r["code"] for r in document["record"]] == ["O-1", "B-1", "A-1"]
    assert document["tlp"] == "AMBER"
    assessment = next(r for r in document["record"] if r["code"] == "O-1")
    assert "zxwater" in assessment["development"] and assessment["due_at"]
    green = json.loads(await _export(world, GEMEENTE, "json", UserId("@g:x")))
    assert [r["code"] for r in green["record"]] == ["B-1"] and green["tlp"] == "GREEN"
    dutch = await _export(world, COORD, "csv")
    assert dutch.startswith("TLP:AMBER") and "soort;incident" in dutch and "besluit" in dutch
    english = await _export(world, GEMEENTE, "csv-en", UserId("@g:x"))
    assert "zxschans" in english and "zxbedden" not in english and "zxwater" not in english
    root = ET.fromstring(await _export(world, COORD, "edxl"))
    numbers = [
        e.text for e in root.iter("{urn:oasis:names:tc:emergency:EDXL:SitRep:1.0}reportNumber")
    ]
    assert {"O-1", "B-1", "A-1"} <= set(numbers)
    assert root.get("tlp") == "AMBER"


async def test_english_names_fields_and_replies(world: World) -> None:
    world.dispatcher = build_dispatcher(CommandSettings(bot_user_id="@bot:x", language="en"))
    reply, _ = await world.send(
        COORD, "!assessment\nexpected: river keeps rising\nrisks: dike\nvalid until: in 6 hours"
    )
    assert "Assessment O-1 recorded" in reply and "Expected development: river" in reply
    reply, _ = await world.send(
        COORD, "!decision Close the N3\ndecided by: ROT\ntakes effect: now\ntlp: green"
    )
    assert "Decision B-1 recorded" in reply and "Decided by: ROT" in reply
    reply, rows = await world.send(
        COORD, f"!action Sandbags to the dike\nowner: {LIAISON_USER}\ndeadline: in 2 hours"
    )
    assert "Action A-1 recorded" in reply and "owner is told" in reply
    told = next(r for r in rows if r.room_id == LIAISON)
    assert "new action A-1 for you" in told.content["body"]
    listed, _ = await world.send(COORD, "!actions")
    assert "Open actions (1, overdue first)" in listed and "A-1" in listed
    reply, _ = await world.send(LIAISON, "!action done A-1", LIAISON_USER)
    assert "Action A-1 done." in reply
    refused, _ = await world.send(COORD, "!decision Nothing", MEMBER)
    assert refused.startswith("Not allowed here:") and "moderator rights" in refused


MOVED = ACT.replace(LIAISON_USER, "Dordrecht").replace("tlp: amber", "tlp: green")


async def _move_to_dordrecht(world: World) -> tuple[str, list[OutboxMessage], EventId]:
    """Edit action A-1 ($e2) over to Dordrecht at GREEN: the reply, the rows queued,
    and the edit's event id."""
    reply, rows = await world.send(
        COORD, MOVED, kind="edit", relation=Relation(replaces=EventId("$e2"))
    )
    return reply, rows, EventId(f"$e{world.n}")


async def test_redacting_an_edit_goes_back_and_a_new_owner_is_told(world: World) -> None:
    await world.send(COORD, ACT)  # $e2
    await world.send(GEMEENTE, "!hulp", UserId("@g:x"))
    reply, rows, edit_event = await _move_to_dordrecht(world)
    assert "A-1 bijgewerkt (revisie 2)" in reply
    told = [r for r in rows if r.room_id == GEMEENTE]
    assert len(told) == 1 and "gewijzigd" in told[0].content["body"]
    reply, _ = await world.send(COORD, "", kind="redaction", relation=Relation(redacts=edit_event))
    assert "A-1 is terug op revisie 1" in reply
    item = await world.item("A-1")
    assert item.owner == LIAISON_USER and item.tlp == "AMBER" and item.owner_room == LIAISON
    # An edit that would raise the label past the owner's room is refused; revision 1 stays.
    bad = MOVED.replace("tlp: green", "tlp: amber")
    reply, _ = await world.send(COORD, bad, kind="edit", relation=Relation(replaces=EventId("$e2")))
    assert "blijft revisie 1" in reply and "TLP:GREEN" in reply


async def test_redacting_an_edit_tells_the_earlier_owner_again_once(world: World) -> None:
    """The action goes back to its earlier owner: that owner is told again, through
    the outbox of the redaction (a replay of the same redaction tells nobody twice)."""
    await world.send(COORD, ACT)  # $e2
    await world.send(GEMEENTE, "!hulp", UserId("@g:x"))
    _, _, edit_event = await _move_to_dordrecht(world)
    reply, rows = await world.send(
        COORD, "", kind="redaction", relation=Relation(redacts=edit_event)
    )
    assert "A-1 is terug op revisie 1" in reply
    told = [r for r in rows if r.room_id == LIAISON]
    assert len(told) == 1, rows
    assert "gewijzigd" in told[0].content["body"] and "zxbedden" in told[0].content["body"]
    # The same redaction again (a replay after a crash): nothing new is queued.
    redaction = Message(
        EventId(f"$e{world.n}"), COORD, MOD, "", datetime.now(UTC),
        kind="redaction", relation=Relation(redacts=edit_event),
    )  # fmt: skip
    await process_message(world.db, world.dispatcher, redaction, world.view)
    async with world.db.session() as session:
        queued = (
            await session.scalars(select(OutboxMessage).where(OutboxMessage.room_id == LIAISON))
        ).all()
    assert sum("gewijzigd" in str(r.content.get("body")) for r in queued) == 1


async def test_the_actions_list_is_paged(world: World) -> None:
    for n in range(27):
        await world.send(COORD, ACT.replace("zxbedden", f"zxpage{n:02d}"))
    listed, _ = await world.send(COORD, "!acties")
    assert "(27," in listed
    assert listed.count("\n• A-") == 25
    assert "… en nog 2 open acties: !acties pagina=2" in listed
    second, _ = await world.send(COORD, "!acties pagina=2")
    assert second.count("\n• A-") == 2 and "en nog" not in second
    bad, _ = await world.send(COORD, "!acties pagina=nul")
    assert "pagina= moet een getal vanaf 1 zijn" in bad
    beyond, _ = await world.send(COORD, "!acties pagina=9")
    assert "Pagina 9 bestaat niet" in beyond


async def test_redacting_an_edit_of_a_withdrawn_action_tells_no_one(world: World) -> None:
    """A withdrawn action stays withdrawn: redacting its edit afterwards does not bring
    the earlier revision back, nor tell its earlier owner about it again."""
    await world.send(COORD, ACT)  # $e2
    await world.send(GEMEENTE, "!hulp", UserId("@g:x"))
    _, _, edit_event = await _move_to_dordrecht(world)
    reply, _ = await world.send(
        COORD, "", kind="redaction", relation=Relation(redacts=EventId("$e2"))
    )
    assert "A-1" in reply
    reply, rows = await world.send(
        COORD, "", kind="redaction", relation=Relation(redacts=edit_event)
    )
    assert [r for r in rows if r.room_id == LIAISON] == [], rows
    item = await world.item("A-1")
    assert item.withdrawn_at is not None and item.revision == 2


async def test_redacting_an_edit_tells_no_owner_room_of_another_incident(world: World) -> None:
    """The action's first owner's room was rebound to another incident since (a drill,
    say): redacting the edit that moved the action away brings the owner back, but that
    room is no room of this incident any more and is not told (as the reminder is not)."""
    await world.send(COORD, ACT)  # $e2
    _, _, edit_event = await _move_to_dordrecht(world)
    rebound = BindingView("liaison", "vloed", "Rode Kruis", "AMBER", "AMBER")
    async with world.db.transaction() as session:
        await incidents.open_incident(session, "vloed", "Vloed", MOD)
        await rooms.bind_as(session, LIAISON, rebound, MOD)
    world.bindings[LIAISON] = rebound
    reply, rows = await world.send(
        COORD, "", kind="redaction", relation=Relation(redacts=edit_event)
    )
    assert "terug op revisie 1" in reply
    assert [r for r in rows if r.room_id == LIAISON] == [], rows
