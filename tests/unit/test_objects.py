"""Objects partners hold: partner files, import replacing per owner, the matcher, and the
chat paths (!object, !objecten, the report confirmation, !vraag) under the TLP rule."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.cli import main
from commands.dispatcher import RoomView
from commands.message import Message, Relation
from knowledge import object_service
from knowledge.objects import Fact, FileResult, ObjectMatcher, SiteObject, read_text
from storage import incidents as incident_repo
from storage import objects as store
from storage import rooms
from storage.engine import Database
from storage.ids import EventId, RoomId, UserId
from storage.rooms import BindingView
from tests.support.chat import CoreChat, bound_views, texts
from tests.support.problems import said

LIAISON = RoomId("!liaison:x")  # GGD, clearance AMBER
COORD = RoomId("!coord:x")  # Veiligheidsregio, clearance AMBER
TOWN = RoomId("!gemeente:x")  # municipality, clearance GREEN
PUBLIC = RoomId("!public:x")  # bound AMBER but public: CLEAR only
DM = RoomId("!dm:x")
ALICE = UserId("@alice:x")

# Spaarne's facts hold until 2099: the tests read them against today, and a valid-until
# of 2027-11-01 made its card stale (and the test fail) from 2 November 2027 on.
HOSPITALS = """id;naam;aliassen;soort;adres;gemeente;lat;lon;eigenaar;bijgewerkt;geldig_tot;tlp;bron;feit:noodstroom;feit:bedden
kk-spaarne;Spaarne Gasthuis;Spaarne|SG Haarlem;ziekenhuis;Boerhaavelaan 22;Haarlem;52.37;4.66;GHOR Kennemerland;2026-11-01;2099-11-01;AMBER;continuïteitsplan;48 uur;600
kk-rode;Rode Kruis Ziekenhuis;RKZ;ziekenhuis;Vondellaan 13;Beverwijk;;;GHOR Kennemerland;2024-01-01;2025-01-01;GREEN;plan;24 uur;300
"""
CARE = """objects:
  - id: gor-1
    name: Verpleeghuis De Lingehof
    kind: verpleeghuizen
    municipality: gorinchem
    facts: {noodstroom: nee, bewoners niet mobiel: 30}
  - id: gor-2
    name: Zorgcentrum Het Spui
    kind: verpleeghuis
    municipality: Gorinchem
    facts: {noodstroom: 12 uur}
  - id: dor-1
    name: Verpleeghuis Merwehof
    kind: verpleeghuis
    municipality: Dordrecht
    facts: {noodstroom: 24 uur}
owner: Zorgpartners ZHZ
updated: 2026-11-20
refresh_days: 30
tlp: green
"""
PUMPS = """{"type": "FeatureCollection", "owner": "Waterschap", "updated": "2026-11-25",
 "features": [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [4.67, 51.81]},
   "properties": {"id": "gml-1", "name": "Gemaal Wantij", "kind": "gemaal",
   "municipality": "Dordrecht", "facts": {"capaciteit": "240 m3/min"}}}]}
"""


def write_partners(folder: Path, care: str = CARE) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ghor.csv").write_text(HOSPITALS, encoding="utf-8")
    (folder / "zorg.yaml").write_text(care, encoding="utf-8")
    (folder / "gemalen.geojson").write_text(PUMPS, encoding="utf-8")
    return folder


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'objects.db'}")
    await database.migrate()
    async with database.transaction() as session:
        await incident_repo.open_incident(session, "storm", "Storm", "test")
        for room_id, role, org, clearance in (
            (LIAISON, "liaison", "GGD", "AMBER"),
            (COORD, "coordinator", "Veiligheidsregio", "AMBER"),
            (TOWN, "municipality", "Gemeente Haarlem", "GREEN"),
            (PUBLIC, "liaison", "GGD", "AMBER"),
        ):
            await rooms.bind(
                session, room_id, role=role, incident="storm", organisation=org,
                tlp_default="GREEN", clearance=clearance, by="test",
            )  # fmt: skip
            await rooms.mark_joined(session, room_id, datetime.now(UTC))
    report = await object_service.import_path(
        db=database, path=write_partners(tmp_path / "p"), actor="t"
    )
    assert report.ok, report.problems
    yield database
    await database.close()


view = bound_views(direct={DM}, public={PUBLIC})


class Chat(CoreChat):
    def __init__(self, db: Database) -> None:
        super().__init__(db, view)

    async def post(self, body: str, room: RoomId = LIAISON, reply_to: str | None = None) -> str:
        relation = Relation(reply_to=EventId(reply_to) if reply_to else None)
        _, result = await self.handle(room, ALICE, body, relation=relation)
        assert result is not None
        return texts(result[0])


# ------------------------------------------------------------------ files


def test_files_read_in_every_form_and_facts_keep_units() -> None:
    csv = read_text(HOSPITALS, ".csv", FileResult(Path("x.csv")))
    assert csv.ok, csv.problems
    spaarne = csv.items[0]
    assert spaarne.aliases == ["Spaarne", "SG Haarlem"] and spaarne.tlp == "AMBER"
    assert spaarne.facts["noodstroom"] == Fact(text="48 uur", value=48.0, unit="uur")
    care = read_text(CARE, ".yaml", FileResult(Path("x.yaml")))
    assert care.ok, care.problems
    assert {i.owner for i in care.items} == {"Zorgpartners ZHZ"}
    assert care.items[0].kind == "verpleeghuis" and not care.items[0].facts["noodstroom"].present
    assert care.items[0].facts["bewoners-niet-mobiel"].value == 30
    pumps = read_text(PUMPS, ".geojson", FileResult(Path("x.geojson")))
    assert pumps.ok and pumps.items[0].lon == 4.67 and pumps.items[0].lat == 51.81
    assert Fact.read("1.200 liter").value == 1200 and Fact.read("1,5 m").value == 1.5


def test_a_bad_object_makes_the_file_invalid_with_its_place() -> None:
    bad = CARE.replace("kind: verpleeghuizen", "kind: ''").replace("id: gor-2", "id: 'gor 2!'")
    result = read_text(bad, ".yaml", FileResult(Path("x.yaml")))
    assert not result.ok
    assert any(p.startswith("object 1 (gor-1): kind") for p in said(result.problems))
    assert any(p.startswith("object 2") and "id" in p for p in said(result.problems))
    line = read_text(HOSPITALS + "x;Naam;;;;;;;;geen datum;;;;;\n", ".csv", FileResult(Path("y")))
    assert any(p.startswith("line 4 (x)") for p in said(line.problems))


def test_staleness_past_valid_until_or_older_than_the_promised_refresh() -> None:
    item = SiteObject(
        id="a", name="Gemaal A", kind="gemaal", municipality="Dordrecht", owner="WS",
        updated=date(2026, 11, 1), refresh_days=30, valid_until=date(2027, 1, 1),
    )  # fmt: skip
    assert item.stale(date(2026, 11, 20)) is None
    assert item.stale(date(2026, 12, 5)) == "old"
    assert item.stale(date(2027, 1, 2)) == "expired"


# ------------------------------------------------------------------ matching

NAMES = [
    ("spaarne", ["Spaarne Gasthuis", "SG Haarlem"]),
    ("schans", ["Sporthal De Schans"]),
    ("rkz", ["Rode Kruis Ziekenhuis", "RKZ"]),
    ("oranje", ["Ziekenhuis Oranjeoord"]),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Spaarne Gasthuis", ["spaarne"]),
        ("spaarne gasthuis haarlem", ["spaarne"]),
        ("Spärne Gasthuys", ["spaarne"]),  # accent and two typos
        ("SPAARNE-GASTHUIS", ["spaarne"]),
        ("Spaarndam", []),
        ("Spaarndam, dijk bij het gemaal", []),
        ("Gasthuis in Spaarndam", []),
        ("Spaarne", []),  # one word of two is not the object
        ("Noodopvang in Sporthal De Schans ingericht", ["schans"]),
        ("sporthal ... en later in de schans", []),  # words far apart: another phrase
        ("Ambulances naar Rode Kruis Ziekenhuis", ["rkz"]),
        ("RKZ", []),  # three letters is too short to stand alone
        ("Ziekenhuis Oranjeord", ["oranje"]),
    ],
)
def test_matching_tolerates_accents_and_typos_but_not_weak_matches(
    text: str, expected: list[str]
) -> None:
    assert [m.object_id for m in ObjectMatcher(NAMES).find(text)] == expected


# ------------------------------------------------------------------ import


async def test_reimport_replaces_one_owner_and_never_touches_another(
    db: Database, tmp_path: Path
) -> None:
    async with db.session() as session:
        before = {r.id: r.data for r in await store.all_objects(session)}
    assert set(before) == {"kk-spaarne", "kk-rode", "gor-1", "gor-2", "dor-1", "gml-1"}
    assert before["gor-1"]["municipality"] == "Gorinchem"  # the table's spelling
    assert before["gor-1"]["region"] == "Zuid-Holland Zuid"
    only = tmp_path / "again"
    only.mkdir()
    lines = CARE.splitlines()
    start = lines.index("  - id: gor-2")
    (only / "zorg.yaml").write_text("\n".join(lines[:start] + lines[start + 5 :]), encoding="utf-8")
    report = await object_service.import_path(db, only, "t")
    assert report.ok, report.problems
    assert [(c.owner, c.before, c.after) for c in report.owners] == [("Zorgpartners ZHZ", 3, 2)]
    async with db.session() as session:
        after = {r.id: r.data for r in await store.all_objects(session)}
    assert set(after) == set(before) - {"gor-2"}
    assert {k: v for k, v in after.items()} == {k: before[k] for k in after}


async def test_an_id_held_by_another_owner_or_an_invalid_file_imports_nothing(
    db: Database, tmp_path: Path
) -> None:
    thief = tmp_path / "thief"
    thief.mkdir()
    (thief / "x.yaml").write_text(CARE.replace("Zorgpartners ZHZ", "Ander"), encoding="utf-8")
    report = await object_service.import_path(db, thief, "t")
    assert not report.ok and "held by another owner" in said(report.problems)[0]
    (thief / "x.yaml").write_text(CARE.replace("gor-1", "nieuw-1"), encoding="utf-8")
    (thief / "broken.csv").write_text("naam\nzonder id\n", encoding="utf-8")
    assert not (await object_service.import_path(db, thief, "t")).ok
    async with db.session() as session:
        assert {r.owner for r in await store.all_objects(session)} == {
            "GHOR Kennemerland", "Zorgpartners ZHZ", "Waterschap",
        }  # fmt: skip
        assert await session.get(store.SiteObjectRow, "nieuw-1") is None


def test_cli_check_import_export_round_trip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KNOOPPUNT_DATA_DIR", str(tmp_path))
    folder = write_partners(tmp_path / "files")
    assert main(["objects", "check", str(folder)]) == 0
    assert main(["objects", "import", str(folder)]) == 0
    assert "Zorgpartners ZHZ: 3 object(en) (was 0)" in capsys.readouterr().out
    assert main(["objects", "export", str(tmp_path / "out"), "--max-tlp", "red"]) == 0
    assert "6 object(en) geschreven" in capsys.readouterr().out
    # What export writes, import reads back unchanged.
    assert main(["objects", "import", str(tmp_path / "out")]) == 0
    assert "Zorgpartners ZHZ: 3 object(en) (was 3)" in capsys.readouterr().out
    (folder / "bad.yaml").write_text("objects: [{id: x}]\n", encoding="utf-8")
    assert main(["objects", "check", str(folder)]) == 1
    assert main(["objects", "import", str(folder)]) == 1
    assert "niets geïmporteerd" in capsys.readouterr().out


def test_the_sample_objects_are_valid() -> None:
    from bot.samples import sample_knowledge

    with sample_knowledge() as sample:
        results = object_service.check(sample / "objects")
    assert len(results) >= 3 and all(r.ok for r in results), [r.problems for r in results]
    assert sum(len(r.items) for r in results) >= 10


# ------------------------------------------------------------------ chat


async def test_report_naming_an_amber_object_is_confirmed_with_its_facts(db: Database) -> None:
    chat = Chat(db)
    reply = await chat.post(
        "!melding zorg\ngemeente: Haarlem\nlocatie: Spaarne Gasthuis\nNoodstroom draait."
    )
    assert (
        "Bekend object: Spaarne Gasthuis (noodstroom 48 uur · bedden 600 · continuïteitsplan · 01-11-2026)"
        in reply
    )
    # A typo in the location still links; 'Spaarndam' never does.
    assert "Bekend object: Spaarne Gasthuis" in await chat.post(
        "!melding zorg\ngemeente: Haarlem\nlocatie: Spaarne Gastuis"
    )
    assert "Bekend object" not in await chat.post(
        "!melding water\ngemeente: Haarlem\nlocatie: Spaarndam\nDijk bij Spaarndam houdt."
    )


async def test_a_green_room_hears_only_that_information_exists(db: Database) -> None:
    chat = Chat(db)
    reply = await chat.post("!object Spaarne Gasthuis", room=TOWN)
    assert "objectinformatie aanwezig (TLP:AMBER)" in reply
    assert "coördinatiekamer (Veiligheidsregio, !coord:x)" in reply
    for secret in ("48", "ziekenhuis", "Boerhaavelaan", "kk-spaarne", "noodstroom"):
        assert secret not in reply
    # The AMBER liaison room gets the card; stale facts are marked.
    card = await chat.post("!object spaarne gasthuis", room=LIAISON)
    assert card.startswith("TLP:AMBER — Spaarne Gasthuis · ziekenhuis · kk-spaarne")
    assert "• noodstroom: 48 uur" in card and "⚠" not in card
    stale = await chat.post("!object Rode Kruis Ziekenhuis", room=TOWN)
    assert "⚠ verouderd: geldig tot 01-01-2025" in stale
    # A public room and a direct chat: unknown, not even a hint.
    for room in (PUBLIC, DM):
        assert "Geen object gevonden" in await chat.post("!object Spaarne Gasthuis", room=room)


async def test_a_green_room_reporting_at_an_amber_object_gets_no_facts(db: Database) -> None:
    chat = Chat(db)
    async with db.transaction() as session:
        await rooms.bind(
            session, LIAISON, role="liaison", incident="storm", organisation="GGD",
            tlp_default="GREEN", clearance="GREEN", by="test",
        )  # fmt: skip
    reply = await chat.post("!melding zorg\ngemeente: Haarlem\nlocatie: Spaarne Gasthuis")
    assert "Bekend object: er is informatie (TLP:AMBER)" in reply and "48 uur" not in reply


async def test_objects_list_by_municipality_kind_and_fact(db: Database) -> None:
    chat = Chat(db)
    listed = await chat.post("!objecten Gorinchem soort=verpleeghuis", room=TOWN)
    assert "Verpleeghuis in Gorinchem: 2" in listed
    assert "gor-1 — Verpleeghuis De Lingehof" in listed and "gor-2 — Zorgcentrum Het Spui" in listed
    with_power = await chat.post("!objecten Gorinchem feit=noodstroom", room=TOWN)
    assert "gor-2" in with_power and "gor-1" not in with_power
    without = await chat.post(
        "!objecten gorinchem soort=verpleeghuizen feit=geen-noodstroom", room=TOWN
    )
    assert "gor-1" in without and "gor-2" not in without
    # Haarlem's hospital is AMBER: the GREEN room sees a count per owner, not the object.
    haarlem = await chat.post("!objecten Haarlem", room=TOWN)
    assert "Spaarne" not in haarlem and "GHOR Kennemerland (1)" in haarlem
    assert "Spaarne Gasthuis" in await chat.post("!objects Haarlem kind=hospital", room=LIAISON)
    assert "Gebruik:" in await chat.post("!objecten Gorinchem kleur=rood", room=TOWN)


async def test_a_wrong_link_is_removed_with_a_reply(db: Database) -> None:
    chat = Chat(db)
    await chat.post("!melding zorg\ngemeente: Haarlem\nlocatie: Spaarne Gasthuis")
    assert "Koppeling verwijderd: M-1 (1)" in await chat.post("!object los", reply_to="$ev1")
    async with db.session() as session:
        assert await store.linked_objects(session, [1]) == {}
    assert "geen objectkoppeling" not in await chat.post("!object los M-1")  # nothing left
    assert "Geef de melding" in await chat.post("!object los M-1", room=TOWN)


async def test_a_question_naming_a_kind_and_a_place_is_answered_from_the_store(
    db: Database,
) -> None:
    from commands.dispatcher import CommandContext
    from commands.objects import answer_question

    chat = Chat(db)
    async with db.transaction() as session:
        message = Message(EventId("$q"), TOWN, ALICE, "q", datetime.now(UTC))
        binding = await rooms.binding(session, TOWN)
        assert binding is not None
        view = RoomView(room_id=TOWN, role="municipality", binding=BindingView(
            role="municipality", incident="storm", organisation="Gemeente Haarlem",
            tlp_default="GREEN", clearance="GREEN"))  # fmt: skip
        ctx = CommandContext(
            message,
            view,
            chat.dispatcher.settings,
            session,
            datetime.now(UTC),
            chat.dispatcher.registry,
        )
        reply = await answer_question(
            ctx, "Welke verpleeghuizen in Gorinchem hebben geen noodstroom?"
        )
        assert reply is not None and "gor-1" in reply.text and "gor-2" not in reply.text
        assert await answer_question(ctx, "Welke verpleeghuizen hebben noodstroom?") is None
        assert await answer_question(ctx, "Is het water in Gorinchem veilig?") is None


async def test_vraag_about_objects_answers_from_the_store(db: Database) -> None:
    chat = Chat(db)
    reply = await chat.post(
        "!vraag Welke verpleeghuizen in Gorinchem hebben geen noodstroom?", room=TOWN
    )
    assert "gor-1 — Verpleeghuis De Lingehof" in reply and "gor-2" not in reply
    # No place, or no kind: the Q&As answer (here: nothing confident, so an open question).
    assert "gor-" not in await chat.post(
        "!vraag Welke verpleeghuizen hebben noodstroom?", room=TOWN
    )


async def test_the_picture_lists_the_objects_involved_as_the_room_may_see_them(
    db: Database,
) -> None:
    chat = Chat(db)
    await chat.post(
        "!melding zorg\ngemeente: Haarlem\ntlp: green\nlocatie: Spaarne Gasthuis\nNoodstroom aan."
    )
    picture = await chat.post("!beeld storm", room=COORD)
    assert picture.startswith("TLP:AMBER")  # the object's label raises the banner
    assert "Betrokken objecten" in picture
    assert "• Spaarne Gasthuis (noodstroom 48 uur · bedden 600" in picture and "— M-1" in picture
    await chat.post("!object los M-1")
    assert "Betrokken objecten" not in await chat.post("!beeld storm", room=COORD)
