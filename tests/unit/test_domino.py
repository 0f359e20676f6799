"""The partner network and domino effects: map and partner files, cause links, alerts
once per room under the TLP rule, the picture section, !partners, !wie and !org."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.cli import main
from bot.metrics import Metrics
from commands.dispatcher import CommandSettings
from commands.message import MessageKind, Outgoing, Relation, Reply
from knowledge import network, network_service
from storage.engine import Database
from storage.ids import EventId, RoomId, UserId
from storage.models import AuditRecord, DominoAlert, DominoItem, Organisation, OutboxMessage
from tests.support.chat import CoreChat
from tests.support.network import SAMPLE, RoomSpec, network_database
from tests.support.problems import said

ENERGY = RoomId("!energie:x")  # Netbeheer Noord, AMBER
TELECOM = RoomId("!telecom:x")  # Telecom Noord, AMBER
WATER = RoomId("!water:x")  # Waterbedrijf Noord, clearance GREEN
TOWN = RoomId("!gemeente:x")  # municipality
COORD = RoomId("!coord:x")  # Veiligheidsregio, AMBER
GHOR = RoomId("!ghor:x")  # GHOR, bound to another incident
ALICE = UserId("@alice:x")

POWER = (
    "!melding stroom\ngemeente: Alkmaar\nernst: ernstig\ntlp: amber\n"
    "Middenspanningsstation Alkmaar-Noord uitgevallen, 40.000 aansluitingen zonder stroom."
)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    bound: list[RoomSpec] = [
        (ENERGY, "liaison", "Netbeheer Noord", "AMBER", "stroom-nh"),
        (TELECOM, "liaison", "Telecom Noord", "AMBER", "stroom-nh"),
        (WATER, "liaison", "Waterbedrijf Noord", "GREEN", "stroom-nh"),
        (TOWN, "municipality", "Gemeente Alkmaar", "GREEN", "stroom-nh"),
        (COORD, "coordinator", "Veiligheidsregio NHN", "AMBER", "stroom-nh"),
        (GHOR, "liaison", "GHOR Noord-Holland-Noord", "AMBER+STRICT", "ander"),
    ]
    database = await network_database(tmp_path / "domino.db", bound)
    yield database
    await database.close()


class Chat(CoreChat):
    def __init__(self, db: Database) -> None:
        admins = frozenset({"@admin:x"})
        super().__init__(db, settings=CommandSettings(bot_user_id="@bot:x", admins=admins))
        self.events: dict[str, EventId] = {}

    async def send(
        self,
        body: str,
        room: RoomId,
        kind: MessageKind = "message",
        relation: Relation | None = None,
        sender: str = ALICE,
    ) -> list[Outgoing]:
        _, result = await self.handle(room, UserId(sender), body, kind=kind, relation=relation)
        assert result is not None
        return result[0]

    async def post(self, body: str, room: RoomId, sender: str = ALICE) -> str:
        return own(await self.send(body, room, sender=sender), room)

    async def edit_power(self, body: str) -> list[Outgoing]:
        """The energy liaison edits their power report (the first event, $ev1) to `body`."""
        relation = Relation(replaces=EventId("$ev1"))
        return await self.send(body, ENERGY, kind="edit", relation=relation)


def own(replies: list[Outgoing], room: RoomId) -> str:
    """The replies in the room itself."""
    return "\n".join(r.text for r in replies if isinstance(r, Reply) and r.room_id in (None, room))


def sent_to(replies: list[Outgoing], room: RoomId) -> list[Reply]:
    return [r for r in replies if isinstance(r, Reply) and r.room_id == room]


# ------------------------------------------------------------------ files


def test_the_sample_map_and_partners_are_valid_and_in_the_vocabulary() -> None:
    results = network.check(SAMPLE)
    assert [r.ok for r in results] == [True, True], [r.problems for r in results]
    the_map = next(r.map for r in results if r.map is not None)
    energy = {d.dependent: d for d in the_map.dependencies if d.sector == "energy"}
    assert set(energy) == {"telecom", "drinking-water", "health"}
    assert energy["telecom"].onset == "accu's masten 4–8 uur"
    partners = next(r.partners for r in results if r.partners)
    water = next(p for p in partners if p.name == "Waterbedrijf Noord")
    assert water.sectors == ["drinking-water"] and water.roles["warm"].startswith("regelt")
    telecom = next(p for p in partners if p.name == "Telecom Noord")
    assert telecom.contacts[0].tlp == "AMBER"  # no label in the file: AMBER


def test_a_bad_line_makes_the_file_invalid_with_its_place(tmp_path: Path) -> None:
    bad = tmp_path / "kaart.yaml"
    bad.write_text(
        "id: test\nafhankelijkheden:\n  - sector: energie\n    afhankelijk: telecom\n"
        "    reden: masten\n  - sector: kernfusie\n    afhankelijk: zorg\n    reden: x\n",
        encoding="utf-8",
    )
    result = network.read_file(bad)
    assert not result.ok
    assert said(result.problems)[0].startswith("dependencies.1.sector: unknown sector 'kernfusie'")
    partners = tmp_path / "p.yaml"
    partners.write_text("organisaties:\n  - naam: A\n    rollen: {heet: x}\n", encoding="utf-8")
    assert "unknown phase 'heet'" in said(network.read_file(partners).problems)[0]


async def test_one_invalid_file_and_nothing_is_imported(db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "net"
    folder.mkdir()
    (folder / "a.yaml").write_text(
        "id: nieuw\nafhankelijkheden:\n  - {sector: telecom, afhankelijk: energie, reden: x}\n",
        encoding="utf-8",
    )
    (folder / "b.yaml").write_text(
        "id: regionaal\nregio: Atlantis\nafhankelijkheden:\n"
        "  - {sector: energie, afhankelijk: voedsel, reden: koeling}\n",
        encoding="utf-8",
    )
    report = await network_service.import_path(db, folder, "test")
    assert not report.ok
    assert any(
        "unknown safety region 'Atlantis'" in p for f in report.files for p in said(f.problems)
    )
    async with db.session() as session:
        from storage import network as store

        maps = {d.map_id for d in await store.all_dependencies(session)}
    assert maps == {"algemeen"}  # the valid file was not imported either


def test_cli_check_import_export_round_trip(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert main(["network", "check", str(SAMPLE)]) == 0
    assert main(["network", "import", str(SAMPLE), "--database-url", url]) == 0
    everything = ["--max-tlp", "RED", "--database-url", url]
    assert main(["network", "export", str(tmp_path / "out"), *everything]) == 0
    exported = network.check(tmp_path / "out")
    assert all(r.ok for r in exported) and len(exported) == 2
    original = {p.name: p for r in network.check(SAMPLE) for p in r.partners}
    again = {p.name: p for r in exported for p in r.partners}
    assert (
        again["GHOR Noord-Holland-Noord"].contacts == original["GHOR Noord-Holland-Noord"].contacts
    )
    (tmp_path / "bad.yaml").write_text("organisaties: []\n", encoding="utf-8")
    assert main(["network", "check", str(tmp_path / "bad.yaml")]) == 1
    assert "ONGELDIG" in capsys.readouterr().out  # the configured language, Dutch by default


# ------------------------------------------------------------------ alerts


async def test_a_severe_power_report_alerts_each_dependent_room_once_under_its_clearance(
    db: Database,
) -> None:
    chat = Chat(db)
    replies = await chat.send(POWER, ENERGY)
    confirmation = own(replies, ENERGY)
    assert "M-1" in confirmation and "Mogelijke domino-effecten" in confirmation
    telecom = sent_to(replies, TELECOM)
    water = sent_to(replies, WATER)
    assert len(telecom) == 1 and len(water) == 1
    assert telecom[0].notify and water[0].notify  # m.text: it must reach someone
    assert "Middenspanningsstation" in telecom[0].text and "TLP:AMBER" in telecom[0].text
    assert "accu's masten 4–8 uur" in telecom[0].text
    assert "!melding telecom\noorzaak: M-1" in telecom[0].text
    # GREEN clearance: that there is a severe outage, where, and nothing of the text.
    assert "Middenspanningsstation" not in water[0].text and "Alkmaar" not in water[0].text
    assert "Middenspanningsstation" not in water[0].html
    assert "ernstige storing in sector energie in regio Noord-Holland-Noord" in water[0].text
    assert "sector: drinkwater\nwat er bij jullie speelt" in water[0].text
    assert "M-1" not in water[0].text  # an id the room may not see is not named
    assert not sent_to(replies, TOWN) and not sent_to(replies, GHOR)  # no sector / other incident
    async with db.session() as session:
        alerts = (await session.scalars(select(DominoAlert))).all()
        assert {(a.room_id, a.full) for a in alerts} == {(TELECOM, True), (WATER, False)}
        audited = (
            await session.scalars(select(AuditRecord).where(AuditRecord.action == "domino.alert"))
        ).all()
        assert {a.room_id for a in audited} == {TELECOM, WATER}
        queued = (
            await session.scalars(
                select(OutboxMessage.room_id).where(OutboxMessage.source_event_id == "$ev1")
            )
        ).all()
        assert sorted(queued).count(TELECOM) == 1 and queued.count(WATER) == 1
    # An edit keeps the report severe: nobody is alerted again.
    edit = await chat.edit_power(POWER.replace("40.000", "45.000"))
    assert not sent_to(edit, TELECOM) and not sent_to(edit, WATER)


async def test_metrics_count_domino_alerts_by_kind(db: Database) -> None:
    """The handler reports one event per alert; the bot's metrics count them by kind."""
    chat = Chat(db)
    metrics = Metrics()
    chat.dispatcher.observer = metrics.command  # as bot/app.py wires it
    await chat.send(POWER, ENERGY)
    await chat.send(POWER.replace("Alkmaar-Noord", "Hoorn"), ENERGY)
    count = metrics.registry.get_sample_value
    assert count("knooppunt_domino_alerts_total", {"kind": "full"}) == 2
    assert count("knooppunt_domino_alerts_total", {"kind": "redacted"}) == 2


async def test_a_minor_report_alerts_nobody_and_opens_nothing(db: Database) -> None:
    chat = Chat(db)
    replies = await chat.send(POWER.replace("ernstig", "gering"), ENERGY)
    assert not sent_to(replies, TELECOM) and not sent_to(replies, WATER)
    assert "Mogelijke domino-effecten" not in await chat.post("!beeld", COORD)


# ------------------------------------------------------------------ cause links and the picture


async def test_cause_links_both_ways_and_the_picture_follows(db: Database) -> None:
    chat = Chat(db)
    await chat.send(POWER, ENERGY)
    picture = await chat.post("!beeld", COORD)
    assert "Mogelijke domino-effecten" in picture
    assert "telecom, drinkwater, zorg — nog geen melding" in picture
    assert "accu's masten 4–8 uur" in picture
    partners = await chat.post("!partners", COORD)
    assert "Ontbreekt: zorg — afhankelijk van energie" in partners
    assert "Telecom Noord" in partners and "nog geen" in partners
    effect = await chat.post(
        "!melding telecom\noorzaak: M-1\nernst: matig\nMasten Alkmaar op accu.", TELECOM
    )
    assert "M-2" in effect and "Oorzaak: M-1" in effect
    listed = await chat.post("!meldingen", COORD)
    line1 = next(line for line in listed.splitlines() if line.startswith("• M-1"))
    line2 = next(line for line in listed.splitlines() if line.startswith("• M-2"))
    assert "gevolgen: M-2" in line1 and "oorzaak M-1" in line2
    picture = await chat.post("!beeld", COORD)
    assert "drinkwater, zorg — nog geen melding" in picture
    assert "telecom:" not in picture.split("Mogelijke domino-effecten")[1].split("\n\n")[0]
    # The telecom room's !partners view is refused: coordinator rooms only.
    assert "coördin" in (await chat.post("!partners", TELECOM)).lower()
    # Retracting the cause clears the open domino items.
    retract = await chat.send(
        "", ENERGY, kind="redaction", relation=Relation(redacts=EventId("$ev1"))
    )
    assert "ingetrokken" in own(retract, ENERGY)
    assert "Mogelijke domino-effecten" not in await chat.post("!beeld", COORD)


async def test_a_cause_the_room_may_not_see_is_unknown_and_never_named(db: Database) -> None:
    chat = Chat(db)
    strict = await chat.send(POWER.replace("tlp: amber", "tlp: amber+strict"), ENERGY)
    # The telecom room (another organisation) may not see AMBER+STRICT, nor hear of it:
    # no alert at all (tests/unit/test_domino_unshareable.py), and `oorzaak: M-1` is
    # answered as an unknown number.
    assert not sent_to(strict, TELECOM) and not sent_to(strict, WATER)
    refused = await chat.post("!melding telecom\noorzaak: M-1\nMasten op accu.", TELECOM)
    assert "M-1 is geen melding die deze kamer kent" in refused
    unknown = await chat.post("!melding telecom\noorzaak: M-99\nx", TELECOM)
    assert "M-99 is geen melding die deze kamer kent" in unknown
    assert "geen meldingsnummer" in await chat.post(
        "!melding overig\noorzaak: gisteren\nx", TELECOM
    )
    # Its report without a cause still answers the open telecom item.
    await chat.post("!melding telecom\nMasten op accu.", TELECOM)
    picture = await chat.post("!beeld", COORD)  # AMBER+STRICT of another org: not shown
    assert "Mogelijke domino-effecten" not in picture
    async with db.session() as session:
        from storage import network as store
        from storage.tlp import RoomAccess

        operator = RoomAccess.for_operator("RED")
        assert {d.sector for d in await store.open_visible(session, operator, "stroom-nh")} == {
            "drinking-water",
            "health",
        }
    # A GREEN effect naming an AMBER cause: the GREEN room that sees the effect is not
    # told the cause's id in lists.
    assert "M-3" in own(await chat.send(POWER, ENERGY), ENERGY)  # AMBER
    effect = await chat.post("!melding telecom\noorzaak: M-3\ntlp: green\nStoring.", TELECOM)
    assert "M-4" in effect and "Oorzaak: M-3" in effect
    listed = await chat.post("!meldingen", WATER)
    line = next(x for x in listed.splitlines() if x.startswith("• M-4"))
    assert "oorzaak" not in line and "M-3" not in listed
    assert "oorzaak M-3" in await chat.post("!meldingen", COORD)


async def test_an_unknown_sector_is_refused_and_a_known_one_stored_in_english(db: Database) -> None:
    chat = Chat(db)
    refused = await chat.post("!melding overig\nsector: kernfusie\nx", TELECOM)
    assert "sector: 'kernfusie' ken ik niet" in refused
    await chat.post("!melding water\nsector: drinkwater\nernst: ernstig\nDrukval.", WATER)
    async with db.session() as session:
        from storage.models import SituationEntry

        entry = await session.get(SituationEntry, 1)
        assert entry is not None and entry.sector == "drinking-water"


# ------------------------------------------------------------------ !wie and !org


async def test_who_shows_only_the_contact_lines_the_room_may_see(db: Database) -> None:
    chat = Chat(db)
    coord = await chat.post("!wie energie", COORD)
    assert "Storingscoördinator 24/7" in coord and "TLP:AMBER" in coord
    assert "0800 0101" in coord
    water = await chat.post("!wie energie", WATER)  # GREEN clearance
    assert "Storingscoördinator" not in water and "0800 0101" in water
    # AMBER+STRICT stays within its organisation, whatever the clearance.
    assert "Officier van dienst" not in await chat.post("!wie zorg", COORD)
    assert "Officier van dienst" in await chat.post("!wie zorg", GHOR)
    # Municipality scope: the water company serves Alkmaar, Den Helder and Hoorn.
    assert "Calamiteitenlijn" in await chat.post("!wie drinkwater Alkmaar", COORD)
    assert "Geen contactlijnen" in await chat.post("!wie drinkwater Dordrecht", COORD)
    assert "Onbekende sector 'kernfusie'" in await chat.post("!wie kernfusie", COORD)
    assert "Dat mag hier niet" in await chat.post("!wie energie", TOWN)


async def test_org_sets_sectors_roles_and_contact_lines(db: Database) -> None:
    chat = Chat(db)
    admin = "@admin:x"
    out = await chat.post(
        '!org set "Zorg Thuis" sector=zorg,energie warm="belt cliënten met thuisbeademing"',
        COORD,
        sender=admin,
    )
    assert "Zorg Thuis" in out and "zorg, energie" in out
    assert "Onbekende sector 'kernfusie'" in await chat.post(
        "!org set X sector=kernfusie", COORD, sender=admin
    )
    added = await chat.post(
        '!org contact "Zorg Thuis" wat="Coördinator thuiszorg" lijn="+31 6 5555 0000" tlp=green',
        COORD, sender=admin,
    )  # fmt: skip
    assert "Contactlijn 1 van Zorg Thuis vastgelegd" in added
    assert "Coördinator thuiszorg" in await chat.post("!wie zorg", WATER)
    async with db.session() as session:
        org = await session.scalar(select(Organisation).where(Organisation.name == "Zorg Thuis"))
        assert org is not None and org.sectors == ["health", "energy"]
        assert org.roles == {"warm": "belt cliënten met thuisbeademing"}
    removed = await chat.post('!org contact "Zorg Thuis" wis=1', COORD, sender=admin)
    assert "verwijderd" in removed
    assert "Geen contactlijnen" in await chat.post("!wie zorg", WATER)
    assert "Dat mag hier niet" in await chat.post("!org set Y sector=zorg", COORD)
    async with db.session() as session:
        assert (
            await session.scalar(
                select(func.count()).select_from(Organisation).where(Organisation.name == "X")
            )
            == 0
        )


async def test_an_edit_below_severe_takes_the_causes_open_items_away(db: Database) -> None:
    """Like a retraction: an edit that lowers the cause below severe takes its domino
    items away, and the picture no longer lists them; answered ones too (an answer
    counts only where it is seen: a kept item would show again in the other rooms)."""
    chat = Chat(db)
    await chat.send(POWER, ENERGY)
    await chat.post("!melding telecom\noorzaak: M-1\nernst: matig\nMasten op accu.", TELECOM)
    assert "Mogelijke domino-effecten" in await chat.post("!beeld", COORD)
    edit = await chat.edit_power(POWER.replace("ernstig", "matig"))
    assert "M-1" in own(edit, ENERGY)
    assert "Mogelijke domino-effecten" not in await chat.post("!beeld", COORD)
    async with db.session() as session:
        left = (await session.execute(select(DominoItem.sector, DominoItem.closed_at))).all()
    assert left == []


# ------------------------------------------------------------------ a cause withdrawn
# The rooms that had an alert are told, once, when its cause no longer holds: a short
# notice as a reply to the alert, under the alert's own label.


async def mark_alerts_sent(db: Database) -> dict[str, str]:
    """As the sender does: every queued message gets its event id. Room -> the event id
    of the last domino alert there."""
    sent: dict[str, str] = {}
    async with db.transaction() as session:
        rows = (
            await session.scalars(select(OutboxMessage).where(OutboxMessage.sent_at.is_(None)))
        ).all()
        for row in rows:
            row.result_event_id = f"$sent-{row.id}"
            row.sent_at = row.created_at
            if row.room_id != ENERGY and "domino" in str(row.content.get("body", "")).lower():
                sent[row.room_id] = row.result_event_id
    return sent


def notices(replies: list[Outgoing], room: RoomId) -> list[Reply]:
    return [r for r in sent_to(replies, room) if "vervalt" in r.text.lower()]


async def test_a_retracted_cause_tells_each_alerted_room_once_under_the_alerts_label(
    db: Database,
) -> None:
    chat = Chat(db)
    await chat.send(POWER, ENERGY)
    alerts = await mark_alerts_sent(db)
    assert set(alerts) == {TELECOM, WATER}
    chat.restart()  # nothing in memory: what was alerted is in the database
    retracted = await chat.send(
        "", ENERGY, kind="redaction", relation=Relation(redacts=EventId("$ev1"))
    )
    telecom, water = notices(retracted, TELECOM), notices(retracted, WATER)
    assert len(telecom) == 1 and len(water) == 1, [r.text for r in retracted]
    assert telecom[0].reply_to == alerts[TELECOM] and water[0].reply_to == alerts[WATER]
    # Telecom saw the report (AMBER): its code. Water saw only the redacted GREEN alert.
    assert "TLP:AMBER" in telecom[0].text and "M-1" in telecom[0].text, telecom[0].text
    assert "ingetrokken" in telecom[0].text
    assert "TLP:GREEN" in water[0].text and "M-1" not in water[0].text, water[0].text
    assert "Middenspanningsstation" not in water[0].text + water[0].html
    assert not sent_to(retracted, TOWN) and not sent_to(retracted, GHOR)
    # Once: an edit of the retracted report tells nobody again.
    again = await chat.edit_power(POWER.replace("ernstig", "matig"))
    assert not sent_to(again, TELECOM) and not sent_to(again, WATER)


async def test_an_edit_below_severe_tells_the_alerted_rooms_once(db: Database) -> None:
    chat = Chat(db)
    await chat.send(POWER, ENERGY)
    alerts = await mark_alerts_sent(db)
    edit = await chat.edit_power(POWER.replace("ernstig", "matig"))
    telecom, water = notices(edit, TELECOM), notices(edit, WATER)
    assert len(telecom) == 1 and len(water) == 1, [r.text for r in edit]
    assert telecom[0].reply_to == alerts[TELECOM] and "niet meer ernstig" in telecom[0].text
    await mark_alerts_sent(db)
    chat.restart()
    # A second edit that keeps it minor: nobody is told again.
    again = await chat.edit_power(POWER.replace("ernstig", "gering"))
    assert not sent_to(again, TELECOM) and not sent_to(again, WATER)
    # Severe again: the rooms whose alert was withdrawn are alerted anew (the cause
    # holds again), and a later withdrawal answers that new alert.
    severe = await chat.edit_power(POWER)
    assert len(sent_to(severe, TELECOM)) == 1 and len(sent_to(severe, WATER)) == 1
    realerts = await mark_alerts_sent(db)
    retracted = await chat.send(
        "", ENERGY, kind="redaction", relation=Relation(redacts=EventId("$ev1"))
    )
    assert [r.reply_to for r in notices(retracted, TELECOM)] == [realerts[TELECOM]]


async def test_withdrawing_the_edit_that_made_a_report_severe_withdraws_its_alert(
    db: Database,
) -> None:
    chat = Chat(db)
    await chat.send(POWER.replace("ernstig", "matig"), ENERGY)
    edit = await chat.edit_power(POWER)
    assert len(sent_to(edit, TELECOM)) == 1
    alerts = await mark_alerts_sent(db)
    withdrawn = await chat.send(
        "", ENERGY, kind="redaction", relation=Relation(redacts=EventId("$ev2"))
    )
    assert [r.reply_to for r in notices(withdrawn, TELECOM)] == [alerts[TELECOM]]
    assert "Mogelijke domino-effecten" not in await chat.post("!beeld", COORD)


async def test_an_alert_not_sent_yet_is_followed_by_its_notice_without_a_reply(
    db: Database,
) -> None:
    """The sender has not sent the alert yet (the room's queue waits): the notice is
    queued after it in that room's order, standing on its own with the cause's words."""
    chat = Chat(db)
    await chat.send(POWER, ENERGY)
    retracted = await chat.send(
        "", ENERGY, kind="redaction", relation=Relation(redacts=EventId("$ev1"))
    )
    telecom = notices(retracted, TELECOM)
    assert len(telecom) == 1 and telecom[0].reply_to is None and "M-1" in telecom[0].text


async def test_a_notice_never_names_a_cause_relabelled_above_the_room(db: Database) -> None:
    """Edited to RED and below severe in one go: the telecom room saw M-1 under AMBER, but
    may not see it now, so its notice is the redacted one (GREEN, no code)."""
    chat = Chat(db)
    await chat.send(POWER, ENERGY)
    await mark_alerts_sent(db)
    edit = await chat.edit_power(
        POWER.replace("ernstig", "matig").replace("tlp: amber", "tlp: rood")
    )
    (telecom,) = notices(edit, TELECOM)
    assert "TLP:GREEN" in telecom.text and "M-1" not in telecom.text, telecom.text


async def test_a_report_in_reply_to_a_domino_alert_is_not_a_follow_up_of_its_cause(
    db: Database,
) -> None:
    """A liaison answers the alert in its thread, as chat invites: the telecom report is
    its own item, not an update of the energy company's M-1 (the reply's target is the
    alert in the telecom room, not the confirmation in the energy room), and it does not
    take M-1's severity (it would alert telecom's dependents, falsely)."""
    chat = Chat(db)
    await chat.send(POWER, ENERGY)
    alerts = await mark_alerts_sent(db)
    replies = await chat.send(
        "!melding telecom\nMasten Alkmaar op accu.",
        TELECOM,
        relation=Relation(reply_to=EventId(alerts[TELECOM])),
    )
    confirmation = own(replies, TELECOM)
    assert "M-2" in confirmation and "M-1" not in confirmation, confirmation
    (_, effect) = await chat.entries()
    assert effect.item_id in (None, effect.id) and effect.severity != "Severe", (
        effect.item_id,
        effect.severity,
    )
    assert not [r for r in replies if isinstance(r, Reply) and r.room_id not in (None, TELECOM)]


async def test_a_notice_of_a_cause_moved_to_another_incident_does_not_name_that_incident(
    db: Database,
) -> None:
    """The alerted rooms work on stroom-nh: where the report went is not theirs to know
    (nothing of a report beyond what the alert said), so the notice names no incident."""
    chat = Chat(db)
    await chat.send(POWER, ENERGY)
    await mark_alerts_sent(db)
    moved = await chat.send(
        POWER.replace("ernst:", "incident: ander\nernst:"), ENERGY, kind="edit",
        relation=Relation(replaces=EventId("$ev1")),
    )  # fmt: skip
    telecom, water = notices(moved, TELECOM), notices(moved, WATER)
    assert len(telecom) == 1 and len(water) == 1, [r.text for r in moved]
    assert all("ander" not in n.text.replace("andere", "") for n in [*telecom, *water]), [
        n.text for n in [*telecom, *water]
    ]


async def test_a_resolving_follow_up_withdraws_the_domino_alerts_instead_of_alerting(
    db: Database,
) -> None:
    """A follow-up inherits its item's severity: `status: opgelost` of a severe outage
    alerted the dependent partners again (and opened their items anew) about an outage
    that is over. It now answers their standing alert with the withdrawal notice, and
    the cause's open items go, as when the cause is edited below severe."""
    chat = Chat(db)
    await chat.send(POWER, ENERGY)
    alerts = await mark_alerts_sent(db)
    resolved = "!melding stroom\ngemeente: Alkmaar\nbetreft: M-1\nstatus: opgelost\nStroom terug."
    replies = await chat.send(resolved, ENERGY)
    for room in (TELECOM, WATER):
        told = sent_to(replies, room)
        assert len(told) == 1 and "vervalt" in told[0].text, [r.text for r in told]
        assert "opgelost" in told[0].text and told[0].reply_to == alerts[room], told[0].text
    assert "Mogelijke domino-effecten" not in own(replies, ENERGY)
    assert "Mogelijke domino-effecten" not in await chat.post("!beeld", COORD)
    # Told once: a second resolving follow-up says nothing to them.
    again = await chat.send(resolved.replace("terug", "echt terug"), ENERGY)
    assert not sent_to(again, TELECOM) and not sent_to(again, WATER)
