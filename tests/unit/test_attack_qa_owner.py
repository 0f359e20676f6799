"""Attack on the owner of a new Q&A (outside tester, session 11).

`!qa add` took any `eigenaar:`/`owner:` line: a curator room of one organisation
published a Q&A in another organisation's name (the answer shows the owner as its
authority: "Bron: … · GGD"), which only that organisation's curator room could then
lower or hand over, and, labelled AMBER+STRICT, one its own authors could no longer
see or correct. Handing an item to another owner needs the owner's curator room or an
admin for an edit; a new item now follows the same rule: its owner is the writing
room's organisation unless an admin writes it.
"""

from __future__ import annotations

from sqlalchemy import select

from commands.dispatcher import Dispatcher
from storage.engine import Database
from storage.models import KnowledgeItem
from tests.support.chat import texts
from tests.unit.test_knowledge_trust import ADMIN, db, dispatcher, send, view

__all__ = ["db", "dispatcher"]

ADD = """!qa add
vraag: Mogen ontheemden met huisdieren naar de noodopvang in sporthal West?
antwoord: Ja, honden en katten in een bench; meld ze vooraf bij de GGD.
onderwerp: opvang/huisdieren
bron: https://example.org/huisdieren
eigenaar: Gemeente B"""


async def test_a_curator_room_cannot_add_a_qa_in_another_organisation_s_name(
    db: Database, dispatcher: Dispatcher
) -> None:
    reply = texts(await send(db, dispatcher, view("cur_amber"), ADD))
    assert "Gemeente B" in reply and "Q-" not in reply.split("Gemeente B")[0], reply
    async with db.session() as session:
        owners = [
            row.data.get("owner")
            for row in await session.scalars(select(KnowledgeItem))
            if "sporthal West" in str(row.data.get("question"))
        ]
    assert owners == [], owners


async def test_the_owner_s_own_room_and_an_admin_may(db: Database, dispatcher: Dispatcher) -> None:
    own = texts(await send(db, dispatcher, view("cur_b"), ADD.replace("sporthal West", "hal Oost")))
    assert "toegevoegd" in own, own
    by_admin = texts(
        await send(db, dispatcher, view("cur_amber"), ADD.replace("West", "Noord"), ADMIN)
    )
    assert "toegevoegd" in by_admin, by_admin
