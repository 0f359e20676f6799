"""Questions, open questions, curation and guidance through the dispatcher, on both databases.

No homeserver: the handlers take plain messages and return plain replies. The
database is real (SQLite and a private PostgreSQL cluster).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from commands.builtin import build_dispatcher
from commands.dispatcher import CommandSettings, Dispatcher, RoomView
from commands.message import Message, Outgoing, Reply
from knowledge import service
from storage import knowledge_items
from storage.engine import Database
from storage.ids import EventId, RoomId, UserId
from storage.models import AuditRecord
from storage.rooms import BindingView
from tests.support.chat import dispatch, dispatcher_fixture
from tests.support.questions import open_count
from tests.support.rooms import bound_database

SAMPLE = Path(__file__).resolve().parents[2] / "knowledge" / "sample"
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
MUNICIPALITY = RoomId("!gemeente:x")
CURATOR = RoomId("!redactie:x")
ASKER = UserId("@wethouder:x")
EDITOR = UserId("@redacteur:x")


@pytest.fixture
async def db(migrated_database_url: str) -> AsyncIterator[Database]:
    bindings = {
        MUNICIPALITY: BindingView("municipality", None, "Gemeente Dordrecht", "GREEN", "AMBER"),
        CURATOR: BindingView("curator", None, "KCIO", "GREEN", "AMBER"),
    }
    database = await bound_database(migrated_database_url, bindings, knowledge=SAMPLE)
    yield database
    await database.close()


def view(room_id: RoomId, role: str | None, org: str | None = None, **kw: object) -> RoomView:
    binding = BindingView(role, None, org, "GREEN", "AMBER") if role else None
    return RoomView(room_id=room_id, role=role, binding=binding, **kw)  # type: ignore[arg-type]


MUNI_VIEW = view(MUNICIPALITY, "municipality", "Gemeente Dordrecht")
CURATOR_VIEW = view(CURATOR, "curator", "KCIO")


async def send(
    db: Database,
    dispatcher: Dispatcher,
    room: RoomView,
    body: str,
    sender: UserId = ASKER,
) -> tuple[EventId, list[Outgoing]]:
    return await dispatch(db, dispatcher, room, sender, body, NOW)


async def said(
    db: Database, dispatcher: Dispatcher, room: RoomView, body: str, sender: UserId = ASKER
) -> str:
    """The text of the one reply to `body`."""
    _, replies = await send(db, dispatcher, room, body, sender)
    return only_reply(replies).text


def only_reply(replies: list[Outgoing]) -> Reply:
    assert len(replies) == 1, replies
    assert isinstance(replies[0], Reply)
    return replies[0]


dispatcher = dispatcher_fixture()


async def test_confident_answer_carries_source_owner_date_and_alternatives(
    db: Database, dispatcher: Dispatcher
) -> None:
    _, replies = await send(
        db, dispatcher, MUNI_VIEW, "!vraag Hoe geef ik door hoeveel opvangplekken vrij zijn?"
    )
    reply = only_reply(replies)
    assert "demo-opvang-melden" in reply.text
    assert "Bron: Handleiding Knooppunt" in reply.text
    assert "Eigenaar: Knooppunt demo-redactie" in reply.text
    assert "Bijgewerkt: 01-11-2026" in reply.text
    # The banner is the highest label shown: the CLEAR answer's alternatives are GREEN.
    assert reply.text.startswith("TLP:GREEN")
    # Markdown rendered: a code block and bold text, as HTML.
    assert "<pre><code>" in reply.html and "<strong>actuele</strong>" in reply.html
    assert not reply.notify


async def test_plain_question_in_municipality_room_and_direct_chat(
    db: Database, dispatcher: Dispatcher
) -> None:
    assert "demo-evacuatie-huisdieren" in (
        await said(db, dispatcher, MUNI_VIEW, "Mogen huisdieren mee naar de noodopvang?")
    )
    # Without a question mark or mention, a municipality room's chatter is left alone.
    _, replies = await send(db, dispatcher, MUNI_VIEW, "goedemorgen allemaal")
    assert replies == []
    direct = RoomView(room_id=RoomId("!dm:x"), is_direct=True)
    assert "demo-evacuatie-huisdieren" in (
        await said(db, dispatcher, direct, "huisdieren mee naar de noodopvang")
    )
    # A greeting in a direct chat gets a hint, and no open question is made of it.
    for greeting in ("hoi", "Dank je!"):
        assert "hele zin" in await said(db, dispatcher, direct, greeting)
    assert await open_count(db) == 0


async def test_unanswerable_question_goes_to_curators_and_the_answer_comes_back(
    db: Database, dispatcher: Dispatcher
) -> None:
    asked, replies = await send(
        db, dispatcher, MUNI_VIEW, "!vraag Hoe vraag ik een parkeervergunning aan?"
    )
    assert len(replies) == 2
    to_asker, to_curators = replies
    assert isinstance(to_asker, Reply) and isinstance(to_curators, Reply)
    assert "geen zeker antwoord" in to_asker.text and "V1" in to_asker.text
    assert to_curators.room_id == CURATOR and to_curators.notify
    assert "Open vraag V1" in to_curators.text and ASKER in to_curators.text
    assert "parkeervergunning" in to_curators.text

    assert "V1" in await said(db, dispatcher, CURATOR_VIEW, "!vragen", EDITOR)

    # Not for the municipality: curators only.
    assert "redactiekamer" in await said(db, dispatcher, MUNI_VIEW, "!antwoord V1 Zo.")

    _, replies = await send(
        db,
        dispatcher,
        CURATOR_VIEW,
        "!antwoord V1 Via het digitale loket van de gemeente. --publish\n"
        "bron: https://example.org/loket",
        EDITOR,
    )
    back, confirm = replies
    assert isinstance(back, Reply) and isinstance(confirm, Reply)
    assert back.room_id == MUNICIPALITY and back.reply_to == asked
    assert back.notify and back.mentions == (ASKER,)
    assert "digitale loket" in back.text and "--publish" not in back.text
    assert "vraag-1" in confirm.text

    # Published: the same question is now answered from the store.
    assert "vraag-1" in (
        await said(db, dispatcher, MUNI_VIEW, "!vraag Hoe vraag ik een parkeervergunning aan?")
    )
    assert "al beantwoord" in (
        await said(db, dispatcher, CURATOR_VIEW, "!antwoord V1 nogmaals", EDITOR)
    )
    assert "Geen open vragen" in await said(db, dispatcher, CURATOR_VIEW, "!vragen", EDITOR)


async def test_replayed_question_opens_one_question(db: Database, dispatcher: Dispatcher) -> None:
    message = Message(EventId("$same"), MUNICIPALITY, ASKER, "!vraag Waar koop ik vuurwerk?", NOW)
    for _ in range(2):
        async with db.transaction() as session:
            replies = await dispatcher.handle(message, MUNI_VIEW, session, NOW)
        assert "V1" in replies[0].text  # type: ignore[union-attr]


async def test_expired_items_are_not_served_as_current(
    db: Database, dispatcher: Dispatcher
) -> None:
    _, replies = await send(
        db, dispatcher, MUNI_VIEW, "!vraag Tot wanneer gold de tijdelijke demo-vergoeding?"
    )
    assert "demo-oude-regeling" not in replies[0].text  # type: ignore[union-attr]
    assert "verlopen sinds 31-12-2025" in (
        await said(db, dispatcher, MUNI_VIEW, "!qa show demo-oude-regeling")
    )


async def test_tlp_of_qas_decides_where_they_are_served(
    db: Database, dispatcher: Dispatcher
) -> None:
    question = (
        "!vraag Welke inwoners hebben als eerste hulp nodig bij een langdurige stroomstoring?"
    )
    # GREEN: fine in a bound, private municipality room ...
    assert "demo-stroomstoring-zorg" in await said(db, dispatcher, MUNI_VIEW, question)
    # ... but not in a direct chat, which sees CLEAR only. There the GREEN Q&A does not
    # exist: no hint that an answer exists elsewhere, an open question like any other
    # (the asker's reply and the curators' notice; only the curators' room may name it).
    direct = RoomView(room_id=RoomId("!dm2:x"), is_direct=True)
    _, replies = await send(db, dispatcher, direct, question)
    told, *to_curators = replies
    assert told.room_id == direct.room_id and "geen zeker antwoord" in told.text
    assert "demo-stroomstoring-zorg" not in told.text and "TLP-label" not in told.text
    assert to_curators and all(r.room_id != direct.room_id for r in to_curators)
    assert "bestaat niet" in (
        await said(db, dispatcher, direct, "!qa show demo-stroomstoring-zorg")
    )


async def test_curators_add_edit_and_retire_with_versions_and_audit(
    db: Database, dispatcher: Dispatcher
) -> None:
    add = (
        "!qa add\n"
        "id: zandzakken\n"
        "vraag: Waar halen inwoners zandzakken bij hoogwater?\n"
        "antwoord: Bij de gemeentewerf.\n"
        "Neem een legitimatiebewijs mee.\n"
        "onderwerp: overstroming/zandzakken\n"
        "bron: https://example.org/zandzakken\n"
        "geldig tot: 31-12-2027"
    )
    assert "redactiekamer" in await said(db, dispatcher, MUNI_VIEW, add)
    assert "zandzakken toegevoegd (versie 1" in (
        await said(db, dispatcher, CURATOR_VIEW, add, EDITOR)
    )
    assert "gewijzigd (versie 2" in (
        await said(
            db,
            dispatcher,
            CURATOR_VIEW,
            "!qa edit zandzakken\nantwoord: Bij de milieustraat.",
            EDITOR,
        )
    )
    shown = await said(db, dispatcher, MUNI_VIEW, "!qa show zandzakken")
    assert "milieustraat" in shown and "Eigenaar: KCIO" in shown
    assert "niet begrepen" in (
        await said(db, dispatcher, CURATOR_VIEW, "!qa edit zandzakken\nkleur: blauw", EDITOR)
    )
    assert "ingetrokken (versie 3)" in (
        await said(db, dispatcher, CURATOR_VIEW, "!qa retire zandzakken", EDITOR)
    )
    assert "bestaat niet" in await said(db, dispatcher, MUNI_VIEW, "!qa show zandzakken")

    async with db.session() as session:
        history = await knowledge_items.versions(session, "zandzakken")
        assert [(v.version, v.action, v.changed_by) for v in history] == [
            (1, "added", EDITOR),
            (2, "updated", EDITOR),
            (3, "retired", EDITOR),
        ]
        assert "gemeentewerf" in history[0].data["answer"]
        assert "milieustraat" in history[1].data["answer"]
        from sqlalchemy import select

        actions = (
            await session.scalars(
                select(AuditRecord.action).where(AuditRecord.subject == "zandzakken")
            )
        ).all()
        assert list(actions) == ["knowledge.added", "knowledge.updated", "knowledge.retired"]


async def test_bad_curation_input_changes_nothing(db: Database, dispatcher: Dispatcher) -> None:
    async with db.session() as session:
        before = await knowledge_items.store_version(session)
    for body in (
        "!qa add\nvraag: Zonder antwoord?",
        "!qa add\nvraag: Script?\nantwoord: <script>alert(1)</script>",
        "!qa add\nvraag: Datum?\nantwoord: ja\ngeldig tot: nooit-en-te-nimmer",
        "!qa edit bestaat-niet\nantwoord: x",
        "!qa retire bestaat-niet",
        "!qa",
    ):
        text = await said(db, dispatcher, CURATOR_VIEW, body, EDITOR)
        assert any(
            word in text for word in ("Niet opgeslagen", "niet begrepen", "bestaat niet", "Gebruik")
        ), text
    async with db.session() as session:
        assert await knowledge_items.store_version(session) == before


async def test_a_broken_content_rule_is_said_in_the_rooms_language(
    db: Database, dispatcher: Dispatcher
) -> None:
    body = "!qa add\nvraag: Script?\nantwoord: <script>alert(1)</script>"
    assert await said(db, dispatcher, CURATOR_VIEW, body, EDITOR) == (
        "Niet opgeslagen: answer: antwoord bevat script of ingebedde inhoud; gebruik Markdown"
    )


async def test_guidance_sections_with_title_and_version(
    db: Database, dispatcher: Dispatcher
) -> None:
    _, replies = await send(
        db, dispatcher, MUNI_VIEW, "!handreiking hoeveel vierkante meter per persoon"
    )
    reply = only_reply(replies)
    assert "Handreiking noodopvang inrichten (versie 1.2) — Inrichting en capaciteit" in reply.text
    assert "4 vierkante meter" in reply.text
    assert "Handreiking noodopvang inrichten" in (
        await said(db, dispatcher, MUNI_VIEW, "!guidance")
    )
    assert "Geen handreiking" in (
        await said(db, dispatcher, MUNI_VIEW, "!handreiking xylofoonstemmen")
    )


async def test_store_changes_by_another_process_are_seen(
    db: Database, dispatcher: Dispatcher, tmp_path: Path
) -> None:
    question = "!vraag Hoe lang blijft de zwemplas gesloten na blauwalg?"
    _, replies = await send(db, dispatcher, MUNI_VIEW, question)
    assert "geen zeker antwoord" in replies[0].text  # type: ignore[union-attr]
    (tmp_path / "blauwalg.yaml").write_text(
        "- id: blauwalg\n  question: Hoe lang blijft een zwemplas gesloten na blauwalg?\n"
        "  answer: Tot twee metingen op rij schoon zijn.\n  tlp: green\n",
        encoding="utf-8",
    )
    await service.import_path(db, tmp_path / "blauwalg.yaml", "other-process")
    assert "blauwalg" in await said(db, dispatcher, MUNI_VIEW, question)


async def test_open_questions_follow_tlp_and_appear_in_the_picture(db: Database) -> None:
    import itertools

    from commands.picture import render_picture
    from storage import incidents, open_questions, tlp
    from storage.picture_service import picture_for_room

    async with db.transaction() as session:
        await incidents.open_incident(session, "storm", "Storm Zuid", "test")
        for n, (label, room, org, incident) in enumerate(
            itertools.product(
                tlp.LABELS, ["!a:x", "!b:x"], ["Gemeente A", None], ["storm", None, "ander"]
            )
        ):
            await open_questions.add(
                session,
                asker="@a:x",
                room_id=room,
                event_id=f"$q{n}",
                question=f"vraag {n} {label}",
                label=label,
                organisation=org,
                incident=incident,
                nearest=[],
                asked_at=NOW,
            )
    async with db.transaction() as session:
        every = await open_questions.open_for(
            session, tlp.RoomAccess("!z:x", True, "RED"), limit=1000
        )
        assert every  # (RED ones only in their own room: not here)
        for access in itertools.starmap(
            tlp.RoomAccess,
            itertools.product(
                ["!a:x", "!c:x"], [True, False], tlp.LABELS, ["Gemeente A", None], [True, False]
            ),
        ):
            shown = await open_questions.open_for(session, access, limit=1000)
            rows = await open_questions.open_for(
                session, tlp.RoomAccess("!a:x", True, "RED", "Gemeente A"), limit=1000
            )
            rows += await open_questions.open_for(
                session, tlp.RoomAccess("!b:x", True, "RED", "Gemeente A"), limit=1000
            )
            expected = sorted({r.id for r in rows if open_questions.visible_to(access, r)})
            assert sorted(r.id for r in shown) == expected, access

        coordinator = tlp.RoomAccess("!coord:x", True, "AMBER", "VR")
        incident = await incidents.get(session, "storm")
        assert incident is not None
        room_picture = await picture_for_room(session, coordinator, incident, NOW, actor="test")
        reply = render_picture(room_picture, NOW, "nl")
        # 24 visible (CLEAR, GREEN, AMBER x 2 rooms x 2 organisations x storm/none); 20 shown.
        assert "Open vragen van gemeenten (20+, oudste eerst)" in reply.text
        assert "vraag 0 CLEAR" in reply.text and "RED" not in reply.text.split("Open vragen")[1]
        assert "ander" not in reply.text
        assert reply.text.startswith("TLP:AMBER")


async def test_without_a_curator_room_the_asker_is_told_so(database_url: str) -> None:
    database = Database(database_url)
    await database.migrate()
    try:
        dispatcher = build_dispatcher(CommandSettings(bot_user_id="@knooppunt:x"))
        text = await said(
            database, dispatcher, MUNI_VIEW, "!vraag Hoe vraag ik een parkeervergunning aan?"
        )
        assert "bewaard als V1" in text and "nog geen redactiekamer" in text
    finally:
        await database.close()


async def test_english_bot_answers_in_english(db: Database) -> None:
    dispatcher = build_dispatcher(CommandSettings(bot_user_id="@knooppunt:x", language="en"))
    _, replies = await send(db, dispatcher, MUNI_VIEW, "!ask How do we report free shelter places?")
    reply = only_reply(replies)
    assert "demo-opvang-melden" in reply.text
    assert "Source: Handleiding Knooppunt" in reply.text and "Updated: 01-11-2026" in reply.text
    _, replies = await send(db, dispatcher, MUNI_VIEW, "!ask Where can I renew my fishing licence?")
    assert "no confident answer" in replies[0].text  # type: ignore[union-attr]
    assert "Open question V1" in replies[1].text  # type: ignore[union-attr]
    _, replies = await send(db, dispatcher, CURATOR_VIEW, "!answer V1 At the town hall.", EDITOR)
    assert "Answer to V1 sent" in replies[1].text  # type: ignore[union-attr]
