"""Trust in the knowledge store: curation obeys the read rule, lists show only what a
room may see, sources are http(s) only, and `--publish` keeps the asker's words out.

Through the dispatcher with a real SQLite database, as tests/unit/test_questions.py.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from commands.builtin import build_dispatcher
from commands.dispatcher import CommandSettings, Dispatcher, RoomView
from commands.message import Outgoing, Reply
from knowledge import service
from knowledge.content_io import read_file
from storage import knowledge_items
from storage.engine import Database
from storage.ids import RoomId, UserId
from storage.models import AuditRecord
from storage.rooms import BindingView
from tests.support.chat import dispatch, dispatcher_fixture
from tests.support.problems import said
from tests.support.rooms import bind_room

SAMPLE = Path(__file__).resolve().parents[2] / "knowledge" / "sample"
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
ASKER = UserId("@wethouder:x")
EDITOR = UserId("@redacteur:x")
ADMIN = UserId("@beheerder:x")

# Rooms: (room id, role, organisation, clearance).
ROOMS: dict[str, tuple[RoomId, str, str, str]] = {
    "muni_b": (RoomId("!gemeente-b:x"), "municipality", "Gemeente B", "AMBER+STRICT"),
    "cur_amber": (RoomId("!redactie:x"), "curator", "KCIO", "AMBER"),
    "cur_green": (RoomId("!redactie-groen:x"), "curator", "Redactie Groen", "GREEN"),
    "cur_b": (RoomId("!redactie-b:x"), "curator", "Gemeente B", "AMBER+STRICT"),
}

CONFIDENTIAL = """\
qas:
  - id: geheim-rood
    question: Waar ligt de geheime uitwijklocatie van de crisisstaf?
    answer: In de bunker aan de Kade 7, toegang via de achterdeur.
    topic: geheim/uitwijklocatie
    owner: KCIO
    tlp: red
  - id: amber-kcio
    question: Welke afspraken gelden voor de ambtelijke piketdienst?
    answer: Piket draait in blokken van een week, overdracht op maandag.
    topic: amber/piketdienst
    owner: KCIO
    tlp: amber
  - id: amber-b
    question: Hoeveel reservebedden staan er in de sporthal van Gemeente B?
    answer: Tachtig bedden, opgeslagen in de berging achter de kleedkamers.
    topic: amberb/reservebedden
    owner: Gemeente B
    tlp: amber
  - id: strikt-b
    question: Wie is de vertrouwenspersoon voor het schuilkelderregister van Gemeente B?
    answer: Mevrouw De Vries van team Openbare Orde.
    topic: strikt/schuilkelderregister
    owner: Gemeente B
    tlp: amber+strict
"""

SECRET_GUIDANCE = """\
---
id: draaiboek-geheim
title: Geheim draaiboek ontruiming penitentiaire inrichting
version: "3"
owner: KCIO
tlp: red
---
# Volgorde
Eerst de vleugels aan de rivierzijde, daarna het hoofdgebouw.
"""


def view(key: str) -> RoomView:
    room_id, role, org, clearance = ROOMS[key]
    return RoomView(
        room_id=room_id, role=role, binding=BindingView(role, None, org, "GREEN", clearance)
    )


DIRECT = RoomView(room_id=RoomId("!dm:x"), is_direct=True)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'trust.db'}")
    await database.migrate()
    await service.import_path(database, SAMPLE, "test")
    content = tmp_path / "content"
    content.mkdir()
    (content / "vertrouwelijk.yaml").write_text(CONFIDENTIAL, encoding="utf-8")
    (content / "draaiboek-geheim.md").write_text(SECRET_GUIDANCE, encoding="utf-8")
    outcome = await service.import_path(database, content, "test")
    assert all(counts is not None for _, counts in outcome), outcome
    async with database.transaction() as session:
        for room_id, role, org, clearance in ROOMS.values():
            await bind_room(session, room_id, BindingView(role, None, org, "GREEN", clearance))
    yield database
    await database.close()


dispatcher = dispatcher_fixture(admins=frozenset({ADMIN}))


async def send(
    db: Database, dispatcher: Dispatcher, room: RoomView, body: str, sender: UserId = EDITOR
) -> list[Outgoing]:
    return (await dispatch(db, dispatcher, room, sender, body, NOW))[1]


def only(replies: list[Outgoing]) -> Reply:
    assert len(replies) == 1, replies
    assert isinstance(replies[0], Reply)
    return replies[0]


async def stored(db: Database, item_id: str) -> tuple[int, str, dict[str, Any], bool]:
    async with db.session() as session:
        row = await knowledge_items.get(session, item_id)
        assert row is not None
        return row.version, row.tlp, dict(row.data), row.retired_at is not None


async def store_version(db: Database) -> int:
    async with db.session() as session:
        return await knowledge_items.store_version(session)


# --- point 3: curation obeys the read rule; lowering needs the owner or an admin ---------


async def test_curator_cannot_edit_or_retire_what_it_may_not_see(
    db: Database, dispatcher: Dispatcher
) -> None:
    before = await store_version(db)
    amber = view("cur_amber")
    unknown = only(await send(db, dispatcher, amber, "!qa edit bestaat-niet\ntlp: clear")).text
    # RED: not even an AMBER curator room may see it, so it may not change it either.
    assert "bestaat niet" in only(await send(db, dispatcher, amber, "!qa show geheim-rood")).text
    reply = only(await send(db, dispatcher, amber, "!qa edit geheim-rood\ntlp: clear")).text
    assert reply == unknown.replace("bestaat-niet", "geheim-rood")
    reply = only(await send(db, dispatcher, amber, "!qa retire geheim-rood")).text
    assert "bestaat niet" in reply and "ingetrokken (" not in reply
    # So a direct chat still cannot read it.
    shown = only(await send(db, dispatcher, DIRECT, "!qa show geheim-rood")).text
    assert "bunker" not in shown and "bestaat niet" in shown

    green = view("cur_green")
    for body in (
        "!qa edit strikt-b\ntlp: green",
        "!qa edit amber-kcio\nantwoord: gewijzigd",
        "!qa retire amber-kcio",
        "!qa retire strikt-b",
    ):
        reply = only(await send(db, dispatcher, green, body)).text
        assert "bestaat niet" in reply, (body, reply)
    # An AMBER room of another organisation may not touch AMBER+STRICT either.
    reply = only(await send(db, dispatcher, amber, "!qa edit strikt-b\ntlp: amber")).text
    assert "bestaat niet" in reply

    assert await store_version(db) == before
    assert (await stored(db, "geheim-rood"))[:2] == (1, "RED")
    assert (await stored(db, "strikt-b"))[:2] == (1, "AMBER+STRICT")
    assert (await stored(db, "amber-kcio"))[3] is False


async def test_adding_with_an_id_the_room_may_not_see_reveals_nothing(
    db: Database, dispatcher: Dispatcher
) -> None:
    green = view("cur_green")
    reply = only(
        await send(db, dispatcher, green, "!qa add geheim-rood\nvraag: Iets anders?\nantwoord: x")
    ).text
    assert "Niets opgeslagen" in reply or "niet beschikbaar" in reply
    assert "edit" not in reply  # no hint that there is something to edit
    assert (await stored(db, "geheim-rood"))[:2] == (1, "RED")


async def test_lowering_a_label_needs_the_owners_curator_room_or_an_admin(
    db: Database, dispatcher: Dispatcher
) -> None:
    amber = view("cur_amber")
    # KCIO may see Gemeente B's AMBER item and may change its text ...
    reply = only(await send(db, dispatcher, amber, "!qa edit amber-b\nantwoord: Zeventig bedden."))
    assert "gewijzigd (versie 2" in reply.text
    # ... but may not lower its label, nor take it over.
    before = await store_version(db)
    for body in ("!qa edit amber-b\ntlp: green", "!qa edit amber-b\ntlp: clear"):
        reply = only(await send(db, dispatcher, amber, body))
        assert "Gemeente B" in reply.text and "Niets opgeslagen" in reply.text, reply.text
    reply = only(await send(db, dispatcher, amber, "!qa edit amber-b\neigenaar: KCIO"))
    assert "Niets opgeslagen" in reply.text
    assert await store_version(db) == before
    assert (await stored(db, "amber-b"))[1] == "AMBER"
    # Raising is no risk to confidentiality: any curator room that may see it may.
    reply = only(await send(db, dispatcher, amber, "!qa edit amber-kcio\ntlp: amber+strict"))
    assert "TLP:AMBER+STRICT" in reply.text

    # The owning organisation's curator room may lower.
    reply = only(await send(db, dispatcher, view("cur_b"), "!qa edit amber-b\ntlp: green"))
    assert "TLP:GREEN" in reply.text
    # A configured admin may always, even an item no room may see.
    reply = only(await send(db, dispatcher, amber, "!qa edit geheim-rood\ntlp: amber", ADMIN))
    assert "gewijzigd" in reply.text
    assert (await stored(db, "geheim-rood"))[1] == "AMBER"

    async with db.session() as session:
        rows = (
            await session.scalars(
                select(AuditRecord).where(AuditRecord.action == "knowledge.relabelled")
            )
        ).all()
        changes = {(r.subject, r.detail["from"], r.detail["to"], r.actor) for r in rows}
    assert changes == {
        ("amber-kcio", "AMBER", "AMBER+STRICT", EDITOR),
        ("amber-b", "AMBER", "GREEN", EDITOR),
        ("geheim-rood", "RED", "AMBER", ADMIN),
    }


# --- point 6: every list shows only what the room may see ------------------------------


SECRETS = (
    "geheim",
    "uitwijklocatie",
    "piketdienst",
    "reservebedden",
    "schuilkelder",
    "penitentiaire",
    "stroomstoring/kwetsbare-inwoners",  # GREEN: not for a direct chat
)


async def test_lists_show_only_what_the_room_may_see(db: Database, dispatcher: Dispatcher) -> None:
    for body in (
        "!qa list xyz",
        "!qa list",
        "!qa lijst geheim",
        "!handreiking",
        "!handreiking xylofoonstemmen",
    ):
        reply = only(await send(db, dispatcher, DIRECT, body, ASKER))
        for secret in SECRETS:
            assert secret not in reply.text.lower(), (body, secret, reply.text)
            assert secret not in (reply.html or "").lower(), (body, secret)
    listing = only(await send(db, dispatcher, DIRECT, "!qa list xyz", ASKER)).text
    assert "opvang/capaciteit" in listing  # CLEAR topics are still offered
    titles = only(await send(db, dispatcher, DIRECT, "!handreiking", ASKER)).text
    assert "Handreiking noodopvang inrichten" in titles

    # A GREEN curator room: GREEN topics yes, AMBER and RED no.
    reply = only(await send(db, dispatcher, view("cur_green"), "!qa list xyz")).text
    assert "stroomstoring/kwetsbare-inwoners" in reply
    assert "piketdienst" not in reply and "geheim" not in reply


async def test_curator_post_lists_only_nearest_qas_the_curator_room_may_see(
    db: Database, dispatcher: Dispatcher
) -> None:
    # Gemeente B may see its own AMBER+STRICT item; the question is not close enough to
    # answer, so it goes to the curators with the nearest Q&As.
    replies = await send(
        db,
        dispatcher,
        view("muni_b"),
        "!vraag Moet de vertrouwenspersoon het schuilkelderregister van de "
        "jachthaven en camping ook bijhouden tijdens kermis?",
        ASKER,
    )
    assert "geen zeker antwoord" in replies[0].text  # type: ignore[union-attr]
    posts = {r.room_id: r for r in replies[1:] if isinstance(r, Reply)}
    assert "strikt-b" in posts[ROOMS["cur_b"][0]].text  # the owner's room may see it
    kcio = posts[ROOMS["cur_amber"][0]]
    assert "Open vraag" in kcio.text
    assert "strikt-b" not in kcio.text and "schuilkelderregister van Gemeente B" not in kcio.text
    green = posts[ROOMS["cur_green"][0]]
    assert "strikt-b" not in green.text and "amber-b" not in green.text


# --- point 10: sources are http(s) only ----------------------------------------------------


@pytest.mark.parametrize(
    "url", ["javascript:alert(document.cookie)", "data:text/html,<b>x</b>", "JavaScript:alert(1)"]
)
async def test_import_refuses_a_source_that_is_not_http(tmp_path: Path, url: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "qas:\n  - id: goed\n    question: Een goede vraag?\n    answer: Ja.\n"
        f"  - id: slecht\n    question: Een slechte bron?\n    answer: Ja.\n    source_url: '{url}'\n",
        encoding="utf-8",
    )
    result = read_file(path)
    assert not result.ok
    assert len(result.problems) == 1 and "source_url" in said(result.problems)[0]
    assert "http" in said(result.problems)[0]
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'i.db'}")
    await database.migrate()
    try:
        outcome = await service.import_path(database, path, "test")
        assert [counts for _, counts in outcome] == [None]
        async with database.session() as session:
            assert await knowledge_items.get(session, "goed") is None
    finally:
        await database.close()


async def test_chat_refuses_a_source_that_is_not_http(db: Database, dispatcher: Dispatcher) -> None:
    before = await store_version(db)
    amber = view("cur_amber")
    for body in (
        "!qa add\nvraag: Waar staat het?\nantwoord: Daar.\nbron: javascript:alert(1)",
        "!qa edit amber-kcio\nbron: data:text/html;base64,PHNjcmlwdD4=",
    ):
        reply = only(await send(db, dispatcher, amber, body)).text
        assert "Niets opgeslagen" in reply and "http" in reply and "bron" in reply.lower(), reply
    english = build_dispatcher(CommandSettings(bot_user_id="@knooppunt:x", language="en"))
    reply = only(
        await send(
            db, english, amber, "!qa add\nquestion: Where?\nanswer: There.\nsource: javascript:x"
        )
    ).text
    assert "Nothing saved" in reply and "http" in reply and "source" in reply.lower(), reply
    assert await store_version(db) == before
    # A plain https source is still fine.
    reply = only(
        await send(db, dispatcher, amber, "!qa edit amber-kcio\nbron: https://example.org/piket")
    ).text
    assert "gewijzigd" in reply


async def test_a_stored_bad_source_is_never_rendered_as_a_link(
    db: Database, dispatcher: Dispatcher
) -> None:
    async with db.transaction() as session:
        await knowledge_items.upsert(
            session,
            [
                knowledge_items.NewContent(
                    id="oud-slecht",
                    kind="qa",
                    content_hash="x",
                    data={
                        "id": "oud-slecht",
                        "question": "Een oud item met een slechte bron?",
                        "answer": "Ja.",
                        "source_url": "javascript:alert(1)",
                        "source_title": "Klik hier",
                        "tlp": "CLEAR",
                    },
                    tlp="CLEAR",
                )
            ],
            "legacy",
        )
    reply = only(await send(db, dispatcher, DIRECT, "!qa show oud-slecht", ASKER))
    assert "Een oud item" in reply.text
    assert "javascript" not in (reply.html or "").lower()
    assert "javascript" not in reply.text.lower()
    assert "Klik hier" in reply.text


# --- point 16: `--publish` builds the Q&A from the curator's text ------------------------


async def test_publish_does_not_copy_the_askers_words_verbatim(
    db: Database, dispatcher: Dispatcher
) -> None:
    muni = view("muni_b")
    replies = await send(
        db,
        dispatcher,
        muni,
        "!vraag Kan @jan.jansen:example.org mij bellen op 06-12345678 of via jan@example.org "
        "over een parkeervergunning voor de Kerkstraat?",
        ASKER,
    )
    assert "V1" in replies[0].text  # type: ignore[union-attr]
    replies = await send(
        db,
        dispatcher,
        view("cur_b"),
        "!antwoord V1 Via het digitale loket. --publish\nbron: https://example.org/loket",
    )
    confirm = replies[-1]
    assert isinstance(confirm, Reply) and "vraag-1" in confirm.text
    _, _, data, _ = await stored(db, "vraag-1")
    assert data["answer"] == "Via het digitale loket."
    for personal in ("@jan.jansen", "example.org", "06-12345678", "jan@", "12345678"):
        assert personal not in data["question"], data["question"]
        assert personal not in confirm.text

    # With the curator's own phrasing, that is the question; it is not sent to the asker.
    replies = await send(
        db,
        dispatcher,
        muni,
        "!vraag Mag ik als Piet Jansen (piet@example.org) een bouwhek plaatsen bij de kermis?",
        ASKER,
    )
    replies = await send(
        db,
        dispatcher,
        view("cur_b"),
        "!antwoord V2 Ja, met een melding bij de gemeente. --publish\n"
        "bron: https://example.org/melding\n"
        "vraag: Mag een inwoner een bouwhek plaatsen tijdens een evenement?",
    )
    back = replies[0]
    assert isinstance(back, Reply) and "vraag:" not in back.text
    _, _, data, _ = await stored(db, "vraag-2")
    assert data["question"] == "Mag een inwoner een bouwhek plaatsen tijdens een evenement?"
    assert data["answer"] == "Ja, met een melding bij de gemeente."
    assert "Piet" not in str(data)


@pytest.mark.parametrize(
    ("asked", "kept", "gone"),
    [
        ("Bel +31 6 1234 5678 of (010) 123 45 67 vandaag?", "vandaag", "1234"),
        ("Geldt dit tot 31-12-2027 om 10:00 uur?", "31-12-2027 om 10:00", "…"),
        ("Zie https://x.nl/a?b=1 of mail p.de.vries@gemeente.nl", "Zie", "gemeente.nl"),
        ("Vraag van @piet in #kamer:server.nl en !abc:server.nl", "Vraag van", "server"),
    ],
)
def test_public_phrasing_drops_contact_data_and_keeps_the_rest(
    asked: str, kept: str, gone: str
) -> None:
    from commands.questions import public_phrasing

    cleaned = public_phrasing(asked)
    assert kept in cleaned and gone not in cleaned, cleaned


async def test_a_label_change_by_import_is_audited(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "relabel.yaml"
    path.write_text(CONFIDENTIAL.replace("tlp: amber\n", "tlp: green\n", 1), encoding="utf-8")
    outcome = await service.import_path(db, path, "operator")
    assert outcome[0][1] is not None and outcome[0][1].updated == 1
    async with db.session() as session:
        rows = (
            await session.scalars(
                select(AuditRecord).where(AuditRecord.action == "knowledge.relabelled")
            )
        ).all()
    assert [(r.subject, r.detail["from"], r.detail["to"], r.actor) for r in rows] == [
        ("amber-kcio", "AMBER", "GREEN", "operator")
    ]


def test_a_qa_file_with_a_tlp_marking_above_its_label_is_raised_or_refused(
    tmp_path: Path,
) -> None:
    """As `!qa add` and reports: a marking in the text ("… TLP:AMBER") raises a Q&A
    without a `tlp:` field, and one above its `tlp:` field makes the file invalid (the
    curator's call), so curated files cannot serve marked words below their marking."""
    path = tmp_path / "gemarkeerd.yaml"
    path.write_text(
        "qas:\n"
        "  - id: tappunten\n"
        "    question: Waar staan de noodtappunten?\n"
        "    answer: Bij de kazernes Noord en Zuid (TLP:AMBER).\n",
        encoding="utf-8",
    )
    raised = read_file(path)
    assert raised.ok and [qa.tlp for qa in raised.items] == ["AMBER"], raised.problems
    path.write_text(
        path.read_text(encoding="utf-8") + "    tlp: green\n",
        encoding="utf-8",
    )
    refused = read_file(path)
    assert not refused.ok and not refused.items
    assert any(p.key == "content.marking_above_label" for p in refused.problems)
