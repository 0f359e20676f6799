"""Attack 19: items and their lifecycle under edits, redactions and races.

Through the exactly-once core (event log, dispatcher) on a real SQLite database.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.handling import process_message
from commands.message import Message, Relation, Reply
from storage import entries as entries_repo
from storage import records as record_repo
from storage.engine import Database
from storage.ids import EventId
from storage.models import RecordItem
from tests.support.chat import texts
from tests.unit.test_edits_and_redactions import COORD, RK, Chat, db
from tests.unit.test_record import (
    ACT,
    DECIDE,
    GEMEENTE,
    LIAISON,
    LIAISON_USER,
    MOD,
    World,
    world,
)
from tests.unit.test_record import COORD as RECORD_COORD

__all__ = ["db", "world"]  # fixtures, imported for pytest

SEVERE = "!melding water\ngemeente: Zwolle\nernst: ernstig\nDijk lekt."


async def test_an_edit_naming_an_edit_records_no_second_entry(db: Database) -> None:
    """The Matrix spec: an edit names the original, never an earlier edit (such an edit
    is ignored by servers and clients). The bot read one as an edit of a message that
    made no entry, i.e. as a new message: a second report M-2 beside M-1, the item
    twice in the picture and the coordinators alerted twice."""
    chat = Chat(db)
    original, _ = await chat.post(SEVERE)
    first_edit, replies = await chat.post(
        SEVERE.replace("lekt", "lekt sterk"), kind="edit", replaces=original
    )
    assert "bijgewerkt (revisie 2)" in texts(replies)
    replies = await chat.edit(first_edit, SEVERE.replace("lekt", "breekt"))
    assert "vastgelegd" not in texts(replies), texts(replies)
    assert "bewerking" in texts(replies).lower(), texts(replies)
    (entry,) = await chat.entries()
    assert entry.text == "Dijk lekt sterk." and entry.revision == 2
    # Also when the edit it names was refused (it made no revision).
    refused_edit, replies = await chat.post(
        SEVERE.replace("ernstig", "heel erg"), kind="edit", replaces=original
    )
    assert "niet opgeslagen" in texts(replies), texts(replies)
    replies = await chat.edit(refused_edit, SEVERE.replace("lekt", "breekt door"))
    assert "vastgelegd" not in texts(replies), texts(replies)
    assert len(await chat.entries()) == 1


async def test_an_edit_naming_a_decisions_edit_records_no_second_decision(world: World) -> None:
    reply, _ = await world.send(RECORD_COORD, DECIDE)
    assert "Besluit B-1 vastgelegd" in reply
    original = EventId(f"$e{world.n}")
    reply, _ = await world.send(
        RECORD_COORD,
        DECIDE.replace("blijft open", "blijft open tot 22u"),
        kind="edit",
        relation=Relation(replaces=original),
    )
    assert "B-1" in reply and "bijgewerkt" in reply, reply
    first_edit = EventId(f"$e{world.n}")
    reply, _ = await world.send(
        RECORD_COORD,
        DECIDE.replace("blijft open", "sluit"),
        kind="edit",
        relation=Relation(replaces=first_edit),
    )
    assert "B-2" not in reply, reply
    async with world.db.session() as session:
        decisions = (await session.scalars(select(RecordItem))).all()
    assert [d.code for d in decisions] == ["B-1"], [(d.code, d.text) for d in decisions]


# -- a backlog read hours late: the report's times are the writer's ----------------------


class LateChat(Chat):
    """The GGD room's chat, its messages written at `written`, hours before the bot reads them (the
    bot was down: a backlog after a restart)."""

    def __init__(self, db: Database, written: datetime) -> None:
        super().__init__(db)
        self.written = written
        self.clock = lambda: self.written


async def test_a_relative_time_in_a_late_read_report_is_the_writers_time(db: Database) -> None:
    """`tijd: 10 min geleden` means ten minutes before the liaison wrote it. Read from a
    backlog three hours late, the bot took it as ten minutes before it read it, so an
    owner's resolve written before a new flare-up became the item's latest state: the
    extreme item left the coordinators' attention list."""
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)
    chat = LateChat(db, start)
    await chat.post(SEVERE.replace("ernstig", "extreem"))
    (item,) = await chat.entries()
    chat.written = start + timedelta(minutes=20)
    _, replies = await chat.post(
        f"!melding water\nbetreft: {item.code}\nstatus: opgelost\ntijd: 10 min geleden\nDicht."
    )
    assert "vastgelegd" in texts(replies), texts(replies)
    chat.written = start + timedelta(minutes=40)
    _, replies = await chat.post(
        f"!melding water\nbetreft: {item.code}\nernst: extreem\nDijk breekt opnieuw."
    )
    assert "vastgelegd" in texts(replies), texts(replies)
    resolved = (await chat.entries())[1]
    assert resolved.status == "resolved"
    observed = resolved.observed_at.replace(tzinfo=UTC)
    assert observed == start + timedelta(minutes=10), observed
    chat.written = datetime.now(UTC)
    _, replies = await chat.post("!beeld", room=COORD)
    picture = texts(replies)
    attention = picture.split("Aandacht: ernstig of extreem", 1)[1].split("\n\n", 1)[0]
    assert "Dijk breekt opnieuw" in attention, picture


async def test_an_actions_deadline_read_late_counts_from_when_it_was_written(
    world: World,
) -> None:
    """`deadline: over 1 uur` written three hours before the bot read it (a backlog) is
    two hours overdue, not an hour ahead: read from the bot's clock the action was
    listed as on time, with its reminder still to come."""
    written = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)
    world.n += 1
    body = ACT.replace("over 2 uur", "over 1 uur")
    message = Message(EventId(f"$e{world.n}"), RECORD_COORD, MOD, body, written)
    result = await process_message(world.db, world.dispatcher, message, world.view)
    assert result is not None
    action = await world.item("A-1")
    assert action.due_at is not None
    assert action.due_at.replace(tzinfo=UTC) == written + timedelta(hours=1), action.due_at
    listed, _ = await world.send(RECORD_COORD, "!acties")
    assert "TE LAAT" in listed, listed


async def test_a_typo_fixed_in_an_earlier_resolve_does_not_close_the_item_again(
    db: Database,
) -> None:
    """Editing a report corrects what it said; it observes nothing new. An edit without
    `tijd:` took the edit's own time as the entry's observed time, so a typo fixed in
    the owner's resolve, written before a new flare-up, made that resolve the item's
    latest state: the extreme item left the coordinators' attention list."""
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=40)
    chat = LateChat(db, start)
    await chat.post(SEVERE.replace("ernstig", "extreem"))
    (item,) = await chat.entries()
    chat.written = start + timedelta(minutes=10)
    resolve = f"!melding water\nbetreft: {item.code}\nstatus: opgelost\nDijk dichtt."
    resolved, _ = await chat.post(resolve)
    chat.written = start + timedelta(minutes=20)
    _, replies = await chat.post(
        f"!melding water\nbetreft: {item.code}\nernst: extreem\nDijk breekt opnieuw."
    )
    assert "vastgelegd" in texts(replies), texts(replies)
    chat.written = start + timedelta(minutes=30)
    replies = await chat.edit(resolved, resolve.replace("dichtt", "dicht"))
    assert "bijgewerkt (revisie 2)" in texts(replies), texts(replies)
    edited = (await chat.entries())[1]
    assert edited.observed_at.replace(tzinfo=UTC) == start + timedelta(minutes=10)
    chat.written = datetime.now(UTC)
    _, replies = await chat.post("!beeld", room=COORD)
    picture = texts(replies)
    assert "Aandacht: ernstig of extreem" in picture, picture
    attention = picture.split("Aandacht: ernstig of extreem", 1)[1].split("\n\n", 1)[0]
    assert "Dijk breekt opnieuw" in attention, picture


async def test_the_owner_of_a_withdrawn_action_is_told(world: World) -> None:
    """The owner was told in their own room to do A-1 (a notifying message). Deleting the
    `!actie` withdrew it from every list, but the owner heard nothing and kept working
    on an action the coordinators had taken back."""
    reply, rows = await world.send(RECORD_COORD, ACT)
    assert "Actie A-1 vastgelegd" in reply
    assert [r for r in rows if r.room_id == LIAISON]
    command = EventId(f"$e{world.n}")
    reply, rows = await world.send(
        RECORD_COORD, "", kind="redaction", relation=Relation(redacts=command)
    )
    assert "A-1 ingetrokken" in reply, reply
    told = [r for r in rows if r.room_id == LIAISON]
    assert len(told) == 1, [r.content for r in rows]
    body = str(told[0].content["body"])
    assert "A-1" in body and "ingetrokken" in body, body
    # Withdrawn, nothing of it is left to do: no reminder will follow.
    async with world.db.session() as session:
        assert await record_repo.due_reminders(session, datetime.now(UTC) + timedelta(days=1)) == []


async def test_the_former_owner_of_an_action_given_to_another_is_told(world: World) -> None:
    """An edit that gives A-1 to another owner told the new owner; the former one, told
    before to do it, heard nothing and did it as well."""
    body = ACT.replace("tlp: amber", "tlp: green")
    reply, rows = await world.send(RECORD_COORD, body)
    assert "Actie A-1 vastgelegd" in reply and [r for r in rows if r.room_id == LIAISON]
    command = EventId(f"$e{world.n}")
    reply, rows = await world.send(
        RECORD_COORD,
        body.replace(f"eigenaar: {LIAISON_USER}", "eigenaar: Dordrecht"),
        kind="edit",
        relation=Relation(replaces=command),
    )
    assert "bijgewerkt" in reply, reply
    assert [r for r in rows if r.room_id == GEMEENTE], [r.content for r in rows]
    told = [r for r in rows if r.room_id == LIAISON]
    assert len(told) == 1, [r.content for r in rows]
    body_told = str(told[0].content["body"])
    assert "A-1" in body_told and "Dordrecht" in body_told, body_told


async def test_a_note_on_a_resolved_item_does_not_reopen_it(db: Database) -> None:
    """The owner (GGD) resolved its extreme item. The Red Cross then added a note
    ("Nazorg loopt") naming neither severity nor status: it took the item's severity
    and the status "nieuw", so the closed item was extreme and open again, back under
    "Aandacht", and the coordinators got a new extreme alert - from an organisation
    that may not even close the item. A note keeps a resolved item resolved; a
    follow-up that names its severity or status still reopens it."""
    chat = Chat(db)
    await chat.post(SEVERE.replace("ernstig", "extreem"))
    (item,) = await chat.entries()
    await chat.post(f"!melding water\nbetreft: {item.code}\nstatus: opgelost\nDicht.")
    _, replies = await chat.post(
        f"!melding water\nbetreft: {item.code}\nNazorg loopt, 40 mensen terug.", room=RK
    )
    assert "vastgelegd" in texts(replies), texts(replies)
    assert not [r for r in replies or [] if isinstance(r, Reply) and r.room_id == COORD], texts(
        replies
    )
    note = (await chat.entries())[-1]
    assert note.status == "resolved", note.status
    _, replies = await chat.post("!beeld", room=COORD)
    assert "Aandacht: ernstig of extreem" not in texts(replies), texts(replies)
    # Named again as extreme, it is open again (and alerts).
    _, replies = await chat.post(
        f"!melding water\nbetreft: {item.code}\nernst: extreem\nDijk breekt opnieuw.", room=RK
    )
    assert [r for r in replies or [] if isinstance(r, Reply) and r.room_id == COORD]
    _, replies = await chat.post("!beeld", room=COORD)
    assert "Dijk breekt opnieuw" in texts(replies).split("Laatste stand", 1)[0]


async def test_a_category_picture_does_not_show_a_resolved_item_as_open(db: Database) -> None:
    """Attack 19: the item M-1 (water, extreme) was resolved by its owner's follow-up
    filed under another category (`!melding stroom`, `betreft: M-1`, `status:
    opgelost`); the coordinators were told their alert no longer holds, and the whole
    picture leaves it out, but `!beeld categorie=water` ranked only the water entries
    and listed M-1 under "Aandacht" as open and extreme. The filter selects items; an
    item's state is its latest entry whatever that entry's category."""
    chat = Chat(db)
    await chat.post(SEVERE.replace("ernstig", "extreem"))
    (item,) = await chat.entries()
    await chat.post(f"!melding stroom\nbetreft: {item.code}\nstatus: opgelost\nStroom terug.")
    _, replies = await chat.post("!beeld", room=COORD)
    assert "Aandacht: ernstig of extreem" not in texts(replies)
    for category in ("water", "stroom"):
        _, replies = await chat.post(f"!beeld categorie={category}", room=COORD)
        assert "Aandacht: ernstig of extreem" not in texts(replies), texts(replies)


async def test_a_category_picture_shows_an_item_in_its_latest_state(db: Database) -> None:
    """The other way round: a minor water item raised to extreme by a follow-up filed
    under stroom is open and extreme; `categorie=water` selects it (it has a water
    entry) and shows its latest state, as the whole picture does; a category it has
    no entry of does not."""
    chat = Chat(db)
    await chat.post(SEVERE.replace("ernstig", "gering"))
    (item,) = await chat.entries()
    await chat.post(f"!melding stroom\nbetreft: {item.code}\nernst: extreem\nStroom uit.")
    for command in ("!beeld", "!beeld categorie=water", "!beeld categorie=stroom"):
        _, replies = await chat.post(command, room=COORD)
        attention = texts(replies).split("Aandacht: ernstig of extreem", 1)
        assert len(attention) == 2 and "Stroom uit" in attention[1], (command, texts(replies))
    _, replies = await chat.post("!beeld categorie=zorg", room=COORD)
    assert "Aandacht: ernstig of extreem" not in texts(replies), texts(replies)


async def test_withdrawing_an_edit_tells_the_owner_it_takes_the_action_from(world: World) -> None:
    """An edit gave A-1 to Dordrecht (told to do it); redacting that edit gave it back
    to the liaison, who was told, but Dordrecht heard nothing and did it as well."""
    body = ACT.replace("tlp: amber", "tlp: green")
    reply, rows = await world.send(RECORD_COORD, body)
    assert "Actie A-1 vastgelegd" in reply
    command = EventId(f"$e{world.n}")
    reply, rows = await world.send(
        RECORD_COORD,
        body.replace(f"eigenaar: {LIAISON_USER}", "eigenaar: Dordrecht"),
        kind="edit",
        relation=Relation(replaces=command),
    )
    assert "bijgewerkt" in reply and [r for r in rows if r.room_id == GEMEENTE], reply
    edit = EventId(f"$e{world.n}")
    reply, rows = await world.send(
        RECORD_COORD, "", kind="redaction", relation=Relation(redacts=edit)
    )
    assert "A-1" in reply, reply
    assert [r for r in rows if r.room_id == LIAISON], [r.content for r in rows]
    told = [r for r in rows if r.room_id == GEMEENTE]
    assert len(told) == 1, [(r.room_id, r.content) for r in rows]
    body_told = str(told[0].content["body"])
    assert "A-1" in body_told and LIAISON_USER in body_told, body_told


async def test_a_report_written_after_the_clock_went_back_enters_the_attention_list(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The picture folds in the entries changed since its watermark (the newest
    `updated_at` it saw, storage/series.py). The bot's wall clock set back an hour (NTP
    correcting a clock that ran ahead, a failover to a host whose clock is behind) gave
    a new extreme report an `updated_at` below that mark: never folded in, it stayed
    out of "Aandacht" for good, in every picture of the incident."""
    chat = Chat(db)
    await chat.post(SEVERE)
    _, replies = await chat.post("!beeld", room=COORD)
    assert "Dijk lekt" in texts(replies)  # the watermark now stands at M-1's write
    behind = datetime.now(UTC) - timedelta(hours=1)
    monkeypatch.setattr(entries_repo, "utcnow", lambda: behind)
    _, replies = await chat.post(
        "!melding zorg\ngemeente: Zwolle\nernst: extreem\nZiekenhuis ontruimd."
    )
    assert "vastgelegd" in texts(replies), texts(replies)
    _, replies = await chat.post("!beeld", room=COORD)
    attention = texts(replies).split("Aandacht: ernstig of extreem", 1)
    assert len(attention) == 2 and "Ziekenhuis ontruimd" in attention[1], texts(replies)
