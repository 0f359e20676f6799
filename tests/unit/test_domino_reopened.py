"""Domino partner alerts when a resolving follow-up stops counting (session 12's known
gap; the coordinators' side is test_attack_followup_redaction.py).

A follow-up `status: opgelost` of a severe outage answers the dependent partners'
domino alert ("… vervalt … opgelost") and the cause's open domino items go. When that
follow-up is deleted, or moved to another item by an edit of its `betreft:`, the outage
is severe and open again: the coordinators were alerted anew ("Opnieuw: dit item is
weer open"), the partners whose sectors depend on it heard nothing, and their open
items stayed gone. They now get the alert again, saying so, and the items are open.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from commands.i18n import t
from commands.message import Relation
from storage import rooms
from storage.engine import Database
from storage.ids import EventId, RoomId
from storage.models import DominoItem
from tests.unit.test_domino import (
    ENERGY,
    POWER,
    TELECOM,
    WATER,
    Chat,
    db,
    mark_alerts_sent,
    sent_to,
)

__all__ = ["db"]  # the fixture, imported for pytest

RESOLVED = "!melding stroom\ngemeente: Alkmaar\nbetreft: M-1\nstatus: opgelost\nStroom terug."
AGAIN = t("nl", "reports.alert_item_open_again")


async def _open_items(db: Database) -> int:
    async with db.session() as session:
        count = await session.scalar(
            select(func.count()).select_from(DominoItem).where(DominoItem.closed_at.is_(None))
        )
    return int(count or 0)


async def _resolved(db: Database, chat: Chat) -> int:
    """The outage (M-1, $ev1) and its resolving follow-up ($ev2): the open items before."""
    await chat.send(POWER, ENERGY)
    await mark_alerts_sent(db)
    opened = await _open_items(db)
    assert opened > 0
    replies = await chat.send(RESOLVED, ENERGY)
    assert all("vervalt" in sent_to(replies, room)[0].text for room in (TELECOM, WATER))
    await mark_alerts_sent(db)
    assert await _open_items(db) == 0
    return opened


async def test_deleting_a_resolving_follow_up_alerts_the_partners_again(db: Database) -> None:
    chat = Chat(db)
    opened = await _resolved(db, chat)
    replies = await chat.send(
        "", ENERGY, kind="redaction", relation=Relation(redacts=EventId("$ev2"))
    )
    for room in (TELECOM, WATER):
        told = sent_to(replies, room)
        assert len(told) == 1 and "domino" in told[0].text.lower(), [r.text for r in told]
        assert AGAIN in told[0].text, told[0].text
    assert await _open_items(db) == opened


async def test_moving_a_resolving_follow_up_away_alerts_the_partners_again(
    db: Database,
) -> None:
    chat = Chat(db)
    await chat.send("!melding stroom\ngemeente: Hoorn\nernst: gering\nKleine storing.", ENERGY)
    await _resolved_after_other(db, chat)
    # $ev3 (it resolved M-2) now says `betreft: M-1`.
    edit = Relation(replaces=EventId("$ev3"))
    replies = await chat.send(RESOLVED, ENERGY, kind="edit", relation=edit)
    assert "M-1" in replies[0].text, replies[0].text  # moved to the minor report's item
    for room in (TELECOM, WATER):
        told = sent_to(replies, room)
        assert any(AGAIN in r.text for r in told), [r.text for r in replies]


async def _resolved_after_other(db: Database, chat: Chat) -> None:
    """M-1: a minor report ($ev1); M-2: the severe outage ($ev2); $ev3 resolves M-2."""
    await chat.send(POWER, ENERGY)
    await mark_alerts_sent(db)
    replies = await chat.send(RESOLVED.replace("M-1", "M-2"), ENERGY)
    assert all("vervalt" in sent_to(replies, room)[0].text for room in (TELECOM, WATER))
    await mark_alerts_sent(db)


async def test_the_reporters_upgraded_room_hears_nothing_of_its_own_cause(db: Database) -> None:
    """The telecom partner reported the power outage (its own room is never alerted
    about it), then its room was upgraded. When the outage is open again the partners
    are alerted anew, but not the reporter's new room: the cause, posted in the room it
    replaced, is its own (before, `bound_rooms` left out the rooms it replaced)."""
    chat = Chat(db)
    await chat.send(POWER, TELECOM)  # $ev1
    await mark_alerts_sent(db)
    await chat.send(RESOLVED, TELECOM)  # $ev2
    await mark_alerts_sent(db)
    upgraded = RoomId("!telecom-v2:x")
    async with db.transaction() as session:
        await rooms.mark_joined(session, upgraded, datetime.now(UTC))
        assert await rooms.carry_binding(session, TELECOM, upgraded) is not None
    replies = await chat.send(
        "", TELECOM, kind="redaction", relation=Relation(redacts=EventId("$ev2"))
    )
    assert any(AGAIN in r.text for r in sent_to(replies, WATER)), [r.text for r in replies]
    assert sent_to(replies, upgraded) == [], [r.text for r in sent_to(replies, upgraded)]
