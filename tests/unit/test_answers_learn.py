"""Answers municipalities can trust (points 4-6): the answer says which question it
answers, suggestions when the bot is not sure, guidance competes with Q&As, close open
questions are linked, and `!antwoord V12 qa=<id> [--leer]` teaches the store a phrasing.

Through the dispatcher with a real SQLite database, as tests/unit/test_questions.py.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from commands.builtin import build_dispatcher
from commands.dispatcher import CommandSettings, Dispatcher, RoomView
from commands.message import Reply
from knowledge import service
from knowledge.search import Document
from storage import knowledge_items, open_questions, tlp
from storage.engine import Database
from storage.ids import EventId, RoomId, UserId
from storage.models import AuditRecord
from storage.rooms import BindingView
from tests.support.chat import dispatch, dispatcher_fixture
from tests.support.questions import open_count
from tests.support.rooms import bind_room

SAMPLE = Path(__file__).resolve().parents[2] / "knowledge" / "sample"
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
EDITOR = UserId("@redacteur:x")
ANNA, BOB, CARLA, DIRK = (UserId(f"@{n}:x") for n in ("anna", "bob", "carla", "dirk"))

# name: (room id, role, organisation, default label, clearance, incident)
ROOMS: dict[str, tuple[RoomId, str, str, str, str, str | None]] = {
    "a": (RoomId("!gemeente-a:x"), "municipality", "Gemeente A", "GREEN", "AMBER", None),
    "b": (RoomId("!gemeente-b:x"), "municipality", "Gemeente B", "GREEN", "AMBER", None),
    "c": (RoomId("!gemeente-c:x"), "municipality", "Gemeente C", "GREEN", "GREEN", None),
    "amber": (RoomId("!gemeente-d:x"), "municipality", "Gemeente D", "AMBER", "AMBER", None),
    "storm": (RoomId("!gemeente-s:x"), "municipality", "Gemeente S", "GREEN", "AMBER", "storm"),
    "flood": (RoomId("!gemeente-f:x"), "municipality", "Gemeente F", "GREEN", "AMBER", "flood"),
    "cur": (RoomId("!redactie:x"), "curator", "KCIO", "GREEN", "AMBER", None),
}

EXTRA = """\
qas:
  - id: amber-tappunten
    question: Waar staan de noodtappunten voor drinkwater in de regio?
    answer: Bij de brandweerkazernes; de lijst staat in het crisisplan.
    topic: drinkwater/tappunten
    owner: KCIO
    tlp: amber
"""

# Two phrasings of one need that the store has no sure answer to (the open-question
# tests need them open). Not "water als de kraan droog is": since the draaiboek Q&As and
# the rarity-weighted confidence, the CLEAR Q&A on a dry tap answers that, rightly.
WATER_1 = "Waar halen bewoners jerrycans met water als de leiding droog staat?"
WATER_2 = "Waar kunnen bewoners met jerrycans water halen als er niets uit de leiding komt?"
# The same need in other words: the rule before (raw terms at 0.6) scored it 0.53 beside
# WATER_1 and opened a second question; the two share few words but the same nearest
# store items (knowledge/linking.py).
WATER_OTHER_WORDS = "Waar kunnen bewoners noodwater tappen als de leidingen droog staan?"


async def make_db(directory: Path, extra: str | None = EXTRA) -> Database:
    """The sample store plus `extra` (None: the sample only), with the rooms bound."""
    await asyncio.to_thread(directory.mkdir, parents=True, exist_ok=True)
    database = Database(f"sqlite+aiosqlite:///{directory / 'k.db'}")
    await database.migrate()
    await service.import_path(database, SAMPLE, "test")
    if extra is not None:
        (directory / "extra.yaml").write_text(extra, encoding="utf-8")
        await service.import_path(database, directory / "extra.yaml", "test")
    async with database.transaction() as session:
        for room_id, role, org, default, clearance, incident in ROOMS.values():
            binding = BindingView(role, incident, org, default, clearance)
            await bind_room(session, room_id, binding)
    return database


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await make_db(tmp_path)
    yield database
    await database.close()


def view(name: str) -> RoomView:
    room_id, role, org, default, clearance, incident = ROOMS[name]
    return RoomView(
        room_id=room_id, role=role, binding=BindingView(role, incident, org, default, clearance)
    )


DIRECT = RoomView(room_id=RoomId("!dm:x"), is_direct=True)


async def send(
    db: Database, dispatcher: Dispatcher, room: RoomView, body: str, sender: UserId = EDITOR
) -> tuple[EventId, list[Reply]]:
    event_id, out = await dispatch(db, dispatcher, room, sender, body, NOW)
    assert all(isinstance(o, Reply) for o in out)
    return event_id, [o for o in out if isinstance(o, Reply)]


dispatcher = dispatcher_fixture()


async def water_qa_green(db: Database, dispatcher: Dispatcher) -> None:
    """The sample's drinking-water Q&A is CLEAR; the municipalities' questions are GREEN,
    and GREEN words may not become part of a CLEAR Q&A. Raised to GREEN, they may."""
    _, (reply,) = await send(
        db, dispatcher, view("cur"), "!qa edit demo-drinkwater-storing\ntlp: green"
    )
    assert "gewijzigd" in reply.text


async def item_data(db: Database, item_id: str) -> tuple[int, dict[str, object]]:
    async with db.session() as session:
        row = await knowledge_items.get(session, item_id)
        assert row is not None
        return row.version, dict(row.data)


# --- point 4 -----------------------------------------------------------------------------


async def test_an_answer_says_which_question_it_answers(
    db: Database, dispatcher: Dispatcher
) -> None:
    _, (reply,) = await send(
        db, dispatcher, view("a"), "!vraag Hoe geef ik door hoeveel opvangplekken vrij zijn?", ANNA
    )
    first = reply.text.splitlines()[0]
    # The banner is the highest label shown: the CLEAR answer's related items below it
    # are GREEN (their titles are content too).
    assert first.startswith("TLP:GREEN — Ik lees je vraag als: Hoe geef ik als gemeente door")
    assert "Ik lees je vraag als:" in reply.html
    english = build_dispatcher(CommandSettings(bot_user_id="@knooppunt:x", language="en"))
    _, (reply,) = await send(
        db, english, view("a"), "!ask How do we report free shelter places?", ANNA
    )
    assert "I read your question as: Hoe geef ik als gemeente door" in reply.text
    _, replies = await send(db, english, view("a"), f"!ask {WATER_1}", ANNA)
    assert "Perhaps you mean:" in replies[0].text and "no confident answer" in replies[0].text


async def test_guidance_sections_compete_with_qas(db: Database, dispatcher: Dispatcher) -> None:
    _, (reply,) = await send(
        db, dispatcher, view("a"), "!vraag Welk gebouw kies ik voor een noodopvang?", ANNA
    )
    assert "Ik lees je vraag als: Handreiking noodopvang inrichten" in reply.text
    assert "Locatie kiezen" in reply.text and "sanitair" in reply.text
    section_id = reply.text.splitlines()[0].rsplit("(", 1)[1].rstrip(")")
    assert section_id.startswith("demo-handreiking-noodopvang#")
    # The id a suggestion links to shows that one section.
    _, (shown,) = await send(db, dispatcher, view("a"), f"!handreiking {section_id}", ANNA)
    assert "Locatie kiezen" in shown.text and "Registratie" not in shown.text
    # A Q&A still wins its own question.
    _, (reply,) = await send(
        db, dispatcher, view("a"), "!vraag Mogen huisdieren mee naar de noodopvang?", ANNA
    )
    assert "(demo-evacuatie-huisdieren)" in reply.text.splitlines()[0]


async def test_not_confident_shows_two_visible_suggestions_and_opens_the_question(
    db: Database, dispatcher: Dispatcher
) -> None:
    # Not "… als de kraan droog blijft": without the AMBER Q&A, the CLEAR one on a dry tap
    # (tappunten in its answer) answers that for Gemeente C, rightly.
    asked = "!vraag Staan er noodtappunten bij de kazernes in de regio?"
    # Gemeente C is cleared to GREEN: the AMBER Q&A on tap points does not exist for it.
    _, replies = await send(db, dispatcher, view("c"), asked, CARLA)
    told = replies[0]
    assert "geen zeker antwoord" in told.text and "V1" in told.text
    assert "Misschien bedoel je:" in told.text
    suggested = [line for line in told.text.splitlines() if line.startswith("• ")]
    assert len(suggested) == 2, told.text
    assert "amber-tappunten" not in told.text and "noodtappunten voor" not in told.text
    assert any(r.room_id == ROOMS["cur"][0] and r.notify for r in replies[1:])
    # Gemeente A may see AMBER: the same question suggests the AMBER Q&A too.
    _, replies = await send(db, dispatcher, view("a"), asked.replace("Staan", "Zijn"), ANNA)
    assert "amber-tappunten" in replies[0].text


# --- point 5 -----------------------------------------------------------------------------


async def test_a_close_question_is_linked_and_both_askers_get_the_answer(
    db: Database, dispatcher: Dispatcher
) -> None:
    first, replies = await send(db, dispatcher, view("a"), f"!vraag {WATER_1}", ANNA)
    assert "V1" in replies[0].text and len(replies) == 2  # the asker, the curators
    second, replies = await send(db, dispatcher, view("a"), WATER_2, BOB)
    told = replies[0]
    assert "al bij de redactie: V1" in told.text and "V2" in told.text
    # Never another asker's words (tests/unit/test_linked_words_private.py).
    assert WATER_1 not in told.text
    # The curators get a quiet notice, not a second question to answer.
    notices = [r for r in replies[1:] if r.room_id == ROOMS["cur"][0]]
    assert len(notices) == 1 and not notices[0].notify and "gekoppeld aan V1" in notices[0].text
    _, (listing,) = await send(db, dispatcher, view("cur"), "!vragen")
    assert "V1" in listing.text and "gekoppeld: V2" in listing.text
    assert "Open vragen (1)" in listing.text

    # A curator's text answer reaches both, each as a notifying reply to their message.
    _, replies = await send(
        db, dispatcher, view("cur"), "!antwoord V1 Bij de tappunten van Evides."
    )
    to_anna, to_bob, confirm = replies
    assert (to_anna.reply_to, to_anna.mentions) == (first, (ANNA,))
    assert (to_bob.reply_to, to_bob.mentions) == (second, (BOB,))
    assert to_anna.notify and to_bob.notify and "tappunten van Evides" in to_bob.text
    assert "V2" in confirm.text
    assert await open_count(db) == 0


async def test_the_same_need_in_other_words_is_linked(db: Database, dispatcher: Dispatcher) -> None:
    # In a room cleared for GREEN: the AMBER Q&A on emergency tap points answers
    # "noodwater tappen" where it may be seen, rightly.
    await send(db, dispatcher, view("c"), f"!vraag {WATER_1}", ANNA)
    _, replies = await send(db, dispatcher, view("c"), WATER_OTHER_WORDS, BOB)
    assert "al bij de redactie: V1" in replies[0].text and "V2" in replies[0].text
    _, (listing,) = await send(db, dispatcher, view("cur"), "!vragen")
    assert "gekoppeld: V2" in listing.text and "Open vragen (1)" in listing.text


async def test_no_link_across_labels_incidents_or_unrelated_questions(
    db: Database, dispatcher: Dispatcher
) -> None:
    await send(db, dispatcher, view("a"), f"!vraag {WATER_1}", ANNA)
    # Same words from a room whose questions are AMBER: its own question.
    _, replies = await send(db, dispatcher, view("amber"), f"!vraag {WATER_2}", DIRK)
    assert "al bij de redactie" not in replies[0].text and "V2" in replies[0].text
    # Two different incidents: never linked.
    await send(db, dispatcher, view("storm"), "!vraag Wie ruimt het puin op na de storm?", ANNA)
    _, replies = await send(
        db, dispatcher, view("flood"), "!vraag Wie ruimt het puin op na de storm?", BOB
    )
    assert "al bij de redactie" not in replies[0].text
    # Unrelated words: not linked.
    _, replies = await send(
        db, dispatcher, view("b"), "!vraag Hoe vraag ik een parkeervergunning aan?", BOB
    )
    assert "al bij de redactie" not in replies[0].text


async def test_a_linked_question_answered_by_its_own_code_is_answered_alone(
    db: Database, dispatcher: Dispatcher
) -> None:
    await send(db, dispatcher, view("a"), f"!vraag {WATER_1}", ANNA)
    await send(db, dispatcher, view("b"), f"!vraag {WATER_2}", BOB)
    _, replies = await send(db, dispatcher, view("cur"), "!antwoord V2 Bij het gemeentehuis.")
    assert [r.mentions for r in replies if r.notify] == [(BOB,)]
    _, (listing,) = await send(db, dispatcher, view("cur"), "!vragen")
    assert "V1" in listing.text and "gekoppeld" not in listing.text


# --- point 6 -----------------------------------------------------------------------------


async def test_answer_with_a_qa_and_learn_the_phrasing(
    db: Database, dispatcher: Dispatcher
) -> None:
    await water_qa_green(db, dispatcher)
    first, _ = await send(db, dispatcher, view("a"), f"!vraag {WATER_1}", ANNA)
    second, _ = await send(db, dispatcher, view("a"), f"!vraag {WATER_2}", BOB)
    version, _ = await item_data(db, "demo-drinkwater-storing")
    _, replies = await send(
        db, dispatcher, view("cur"), "!antwoord V1 qa=demo-drinkwater-storing --leer"
    )
    to_anna, to_bob, confirm = replies
    for reply, event, who in ((to_anna, first, ANNA), (to_bob, second, BOB)):
        assert reply.notify and reply.reply_to == event and reply.mentions == (who,)
        assert "Meld de storing bij het waterbedrijf" in reply.text
        assert "Bron: Demo-draaiboek drinkwater" in reply.text
    assert "Formulering toegevoegd aan Q&A demo-drinkwater-storing" in confirm.text
    new_version, data = await item_data(db, "demo-drinkwater-storing")
    assert new_version == version + 2
    assert WATER_1 in data["alternatives"]  # type: ignore[operator]
    # Linked questions add their phrasing too (one new version each).
    assert WATER_2 in data["alternatives"]  # type: ignore[operator]
    async with db.session() as session:
        actions = (
            await session.scalars(
                select(AuditRecord.action).where(AuditRecord.subject == "demo-drinkwater-storing")
            )
        ).all()
    assert actions.count("knowledge.phrasing_added") == 2 and "knowledge.updated" in actions
    # A third municipality asking in the first asker's words gets the Q&A at once.
    _, replies = await send(db, dispatcher, view("b"), f"!vraag {WATER_1}", CARLA)
    assert len(replies) == 1
    assert "Ik lees je vraag als: Wat doen we als er in een wijk geen drinkwater" in replies[0].text


async def test_learning_needs_the_curators_confirmation_of_the_cleaned_words(
    db: Database, dispatcher: Dispatcher
) -> None:
    await water_qa_green(db, dispatcher)
    _, opened = await send(
        db,
        dispatcher,
        view("a"),
        f"!vraag @anna:x vraagt: {WATER_1} Bel 06-12345678 of mail anna@gemeente-a.nl",
        ANNA,
    )
    # The curators see the cleaned words before they decide.
    preview = next(line for line in opened[1].text.splitlines() if line.startswith("Opgeschoond"))
    assert "leiding droog staat" in preview and "06-1234" not in preview and "@anna" not in preview
    version, _ = await item_data(db, "demo-drinkwater-storing")
    _, replies = await send(db, dispatcher, view("cur"), "!antwoord V1 qa=demo-drinkwater-storing")
    offer = next(line for line in replies[-1].text.splitlines() if "nieuwe formulering" in line)
    assert "Toevoegen: !antwoord V1 --leer" in offer and "leiding droog staat" in offer
    for personal in ("@anna", "06-1234", "anna@", "gemeente-a.nl"):
        assert personal not in offer
    assert (await item_data(db, "demo-drinkwater-storing"))[0] == version  # nothing yet
    _, (done,) = await send(db, dispatcher, view("cur"), "!antwoord V1 --leer")
    assert "Formulering toegevoegd" in done.text
    new_version, data = await item_data(db, "demo-drinkwater-storing")
    assert new_version == version + 1
    added = str(data["alternatives"][-1])  # type: ignore[index]
    assert "leiding droog staat" in added and "06-1234" not in added and "@anna" not in added
    # Twice is once.
    _, (again,) = await send(db, dispatcher, view("cur"), "!antwoord V1 --leer")
    assert "al" in again.text and (await item_data(db, "demo-drinkwater-storing"))[0] == new_version
    # `--leer` on a question answered with text: refused, with the way to do it.
    await send(db, dispatcher, view("a"), "!vraag Hoe vraag ik een parkeervergunning aan?", ANNA)
    await send(db, dispatcher, view("cur"), "!antwoord V2 Bij het loket.")
    _, (refused,) = await send(db, dispatcher, view("cur"), "!antwoord V2 --leer")
    assert "qa=<id>" in refused.text


async def test_a_qa_goes_only_to_askers_whose_room_may_see_it(
    db: Database, dispatcher: Dispatcher
) -> None:
    await send(db, dispatcher, view("a"), f"!vraag {WATER_1}", ANNA)
    await send(db, dispatcher, view("c"), f"!vraag {WATER_2}", CARLA)  # cleared to GREEN
    _, replies = await send(db, dispatcher, view("cur"), "!antwoord V1 qa=amber-tappunten --leer")
    sent = [r for r in replies if r.notify]
    assert [r.mentions for r in sent] == [(ANNA,)]
    assert all("brandweerkazernes" not in r.text for r in replies if r.room_id == ROOMS["c"][0])
    confirm = replies[-1]
    assert "Niet verstuurd naar @carla:x (V2)" in confirm.text and "TLP:AMBER" in confirm.text
    # Carla's question stays open, on its own, for an answer that may be shared there.
    _, (listing,) = await send(db, dispatcher, view("cur"), "!vragen")
    assert "V2" in listing.text and "V1 " not in listing.text
    _, data = await item_data(db, "amber-tappunten")
    assert data["alternatives"] == [WATER_1]


async def test_words_of_a_question_never_go_below_its_label(
    db: Database, dispatcher: Dispatcher
) -> None:
    await send(db, dispatcher, view("amber"), f"!vraag {WATER_1}", DIRK)
    version, _ = await item_data(db, "demo-drinkwater-storing")
    _, replies = await send(
        db, dispatcher, view("cur"), "!antwoord V1 qa=demo-drinkwater-storing --leer"
    )
    assert replies[0].notify and replies[0].mentions == (DIRK,)  # the answer itself is fine
    assert "Formulering niet toegevoegd" in replies[-1].text
    assert (await item_data(db, "demo-drinkwater-storing"))[0] == version
    # The curator's own words are curation: they take the Q&A's label.
    _, (done,) = await send(
        db,
        dispatcher,
        view("cur"),
        "!antwoord V1 --leer\nvraag: Waar halen inwoners water bij een droge kraan?",
    )
    assert "Formulering toegevoegd" in done.text
    _, data = await item_data(db, "demo-drinkwater-storing")
    assert data["alternatives"][-1] == "Waar halen inwoners water bij een droge kraan?"  # type: ignore[index]
    # GREEN words and a CLEAR Q&A: the same refusal, offered the way round it.
    await send(db, dispatcher, view("a"), "!vraag Hoe vraag ik een parkeervergunning aan?", ANNA)
    _, replies = await send(db, dispatcher, view("cur"), "!antwoord V2 qa=demo-drinkwater-storing")
    assert "Formulering niet toegevoegd" in replies[-1].text and "vraag: …" in replies[-1].text


async def test_qa_answers_refuse_what_cannot_be_served(
    db: Database, dispatcher: Dispatcher
) -> None:
    await send(db, dispatcher, view("a"), f"!vraag {WATER_1}", ANNA)
    for body, expected in (
        ("!antwoord V1 qa=bestaat-niet", "Q&A bestaat-niet bestaat niet"),
        ("!antwoord V1 qa=demo-oude-regeling", "niet geldig"),
        ("!antwoord V1 qa=demo-drinkwater-storing en nog tekst", "Gebruik"),
    ):
        _, (reply,) = await send(db, dispatcher, view("cur"), body)
        assert expected in reply.text, reply.text
    # A direct chat sees CLEAR only: a GREEN Q&A is not sent there.
    await send(
        db,
        dispatcher,
        DIRECT,
        "Hoe vraag ik een parkeervergunning aan?",
        DIRK,
    )
    _, (refused,) = await send(
        db, dispatcher, view("cur"), "!antwoord V2 qa=demo-stroomstoring-zorg"
    )
    assert "Niets verstuurd" in refused.text and "V2" in refused.text
    assert await open_count(db) == 2


async def test_publish_needs_a_source_and_takes_an_end_date(
    db: Database, dispatcher: Dispatcher
) -> None:
    asked, _ = await send(
        db, dispatcher, view("a"), "!vraag Hoe vraag ik een parkeervergunning aan?", ANNA
    )
    for body, expected in (
        ("!antwoord V1 Via het loket. --publish", "bron nodig"),
        ("!antwoord V1 Via het loket. --publish\nbron: javascript:alert(1)", "http"),
        ("!antwoord V1 Via het loket. --publish\nbron: https://x.nl\ngeldig tot: morgen", "datum"),
        (
            "!antwoord V1 Via het loket. --publish\nbron: https://x.nl\ngeldig tot: 1-1-2020",
            "verleden",
        ),
    ):
        _, (reply,) = await send(db, dispatcher, view("cur"), body)
        assert expected in reply.text, reply.text
        async with db.session() as session:
            assert await open_questions.count_open(session) == 1
            assert await knowledge_items.get(session, "vraag-1") is None
    _, replies = await send(
        db,
        dispatcher,
        view("cur"),
        "!antwoord V1 Via het digitale loket. --publish\n"
        "bron: https://example.org/parkeren\ngeldig tot: 31-12-2027",
    )
    back, confirm = replies
    assert back.reply_to == asked and "Bron: https://example.org/parkeren" in back.text
    assert "vraag-1" in confirm.text
    _, data = await item_data(db, "vraag-1")
    assert data["source_url"] == "https://example.org/parkeren"
    assert data["valid_until"] == "2027-12-31"


# --- confidentiality ---------------------------------------------------------------------

# Two AMBER Q&As: one alone in its topic, one in the topic of the CLEAR Q&A on a dry tap.
HIDDEN = (
    EXTRA
    + """\
  - id: amber-storing-tappunten
    question: Welke noodtappunten en watertanks zet het waterbedrijf in bij een storing?
    answer: Watertanks bij de brandweerkazernes; de lijst staat in het crisisplan.
    topic: drinkwater/storing
    owner: KCIO
    tlp: amber
"""
)


async def test_what_a_room_may_not_see_changes_nothing_it_gets(
    tmp_path: Path, dispatcher: Dispatcher
) -> None:
    """What a room may not see does not exist for it: not in the answer, not in the
    confidence (a hidden phrasing in a visible item's topic), not in the suggestions, and
    not as "there is an answer, but not for you". The same replies as from a store where
    the hidden Q&As were never imported."""
    with_hidden = await make_db(tmp_path / "with", HIDDEN)
    never = await make_db(tmp_path / "never", None)
    try:
        # The hidden Q&As do matter where they may be seen.
        _, (seen,) = await send(
            with_hidden,
            dispatcher,
            view("a"),
            "!vraag Welke noodtappunten zet het waterbedrijf in?",
            ANNA,
        )
        assert "(amber-storing-tappunten)" in seen.text.splitlines()[0]
        for question in (
            # Only a hidden Q&A's topic makes the CLEAR Q&A look like a sure answer.
            "Welke noodtappunten zet het waterbedrijf in?",
            # The hidden Q&A's own question.
            "Waar staan de noodtappunten voor drinkwater in de regio?",
            "Zet het waterbedrijf watertanks neer bij een storing?",
        ):
            got = []
            for database in (with_hidden, never):
                _, replies = await send(
                    database, dispatcher, view("c"), f"!vraag {question}", CARLA
                )
                got.append([(r.room_id, r.text, r.notify, r.mentions) for r in replies])
            assert got[0] == got[1], question
            assert "TLP-label" not in got[0][0][1] and "brandweerkazernes" not in got[0][0][1]
        # The search itself, for Gemeente C: the same hits, scores and confidence.
        access = view("c").access
        searched = []
        for database in (with_hidden, never):
            async with database.session() as session:
                store = await service.load_store(session)

            def may_see(doc: Document, store: service.Store = store) -> bool:
                item = store.by_id[doc.id.split("#", 1)[0]]
                return tlp.may_see(access, doc.label, "", item.owner)

            reader = service.Reader(access, may_see)
            searched.append(
                [
                    (r.confident, round(r.coverage, 9), [(h.id, round(h.score, 6)) for h in r.hits])
                    for r in (
                        store.ask(q, 3, reader=reader)
                        for q in (
                            "Welke noodtappunten zet het waterbedrijf in?",
                            "Waar staan de noodtappunten voor drinkwater in de regio?",
                            WATER_1,
                        )
                    )
                ]
            )
        assert store.qa("amber-storing-tappunten") is None  # the last store never had it
        assert searched[0] == searched[1]
    finally:
        await with_hidden.close()
        await never.close()


async def test_the_learn_hint_for_own_words_names_the_command_that_adds_them(
    db: Database, dispatcher: Dispatcher
) -> None:
    """Found in the lead's user check (session 10): a curator answered a GREEN question
    with a CLEAR Q&A and an own `vraag:` line; the bot showed that phrasing and offered
    "Toevoegen: !antwoord V1 --leer", which, sent as offered, took the asker's GREEN
    words and was refused. The offer for own words names the command with that line."""
    await send(db, dispatcher, view("a"), f"!vraag {WATER_1}", ANNA)
    own = "Waar vullen inwoners jerrycans bij een droge leiding?"
    _, replies = await send(
        db, dispatcher, view("cur"), f"!antwoord V1 qa=demo-drinkwater-storing\nvraag: {own}"
    )
    hint = replies[-1].text
    assert f"vraag: {own}" in hint, hint
    # The command as the hint gives it adds the phrasing.
    command = hint[hint.index("!antwoord V1 --leer") :]
    _, (done,) = await send(db, dispatcher, view("cur"), command)
    assert "Formulering toegevoegd" in done.text, done.text
    _, data = await item_data(db, "demo-drinkwater-storing")
    assert data["alternatives"][-1] == own  # type: ignore[index]


async def test_the_learn_hint_gives_a_long_own_wording_whole(
    db: Database, dispatcher: Dispatcher
) -> None:
    """The hint's command is sent as shown: a wording of 300-500 characters (what `--leer`
    adds) must not come back cut short with an ellipsis (review of session 10)."""
    await send(db, dispatcher, view("a"), f"!vraag {WATER_1}", ANNA)
    own = "Waar vullen inwoners jerrycans bij een droge leiding, " + " ".join(
        f"bijvoorbeeld in wijk {n} van de gemeente" for n in range(1, 10)
    )
    assert 300 < len(own) < 500
    _, replies = await send(
        db, dispatcher, view("cur"), f"!antwoord V1 qa=demo-drinkwater-storing\nvraag: {own}"
    )
    assert f"vraag: {own}" in replies[-1].text, replies[-1].text
