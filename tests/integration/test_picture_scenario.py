"""Five partner rooms, 40 reports with figures across two regions, with
edits, a retraction and mixed TLP labels; the coordinator's !beeld is checked against an
expectation computed here from the scenario itself (not by the bot's code)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from commands.dutch_numbers import format_number
from tests.conftest import World
from tests.integration.test_situation_entries import _setup
from tests.support.human import Human, edit_content
from tests.support.live import ask as _ask
from tests.support.live import room_with, send_report

pytestmark = pytest.mark.integration
AMS = ZoneInfo("Europe/Amsterdam")

REGION = {
    "Dordrecht": "Zuid-Holland Zuid",
    "Zwijndrecht": "Zuid-Holland Zuid",
    "Papendrecht": "Zuid-Holland Zuid",
    "Rotterdam": "Rotterdam-Rijnmond",
    "Schiedam": "Rotterdam-Rijnmond",
}
PARTNERS = [  # room name, organisation, category, metric label
    ("Brandweer", "Brandweer ZHZ", "openbare-orde", "inzetten"),
    ("GGD", "GGD ZHZ", "zorg", "bedden beschikbaar"),
    ("Waterschap", "Waterschap HHD", "water", "pompen actief"),
    ("Netbeheerder", "Stedin", "stroom", "huishoudens zonder stroom"),
    ("Gemeente", "Gemeente Dordrecht", "opvang", "opvangplekken beschikbaar"),
]
# The label the picture shows for each figure: the metric vocabulary's, never the key.
METRIC = {
    "inzetten": "inzetten",
    "bedden beschikbaar": "bedden beschikbaar",
    "pompen actief": "pompen actief",
    "huishoudens zonder stroom": "huishoudens zonder stroom",
    "opvangplekken beschikbaar": "opvangplekken beschikbaar",
}
PLACES = list(REGION)


@dataclass
class Report:
    partner: int
    municipality: str
    minutes_ago: int
    value: int
    tlp: str
    severity: str = "matig"
    event_id: str = ""
    code: str = ""
    retracted: bool = False


def scenario() -> list[Report]:
    reports = []
    for i in range(40):
        partner = i % 5
        label = "amber"
        if i == 7:
            label = "red"  # never leaves the waterschap room
        elif i == 11:
            label = "amber+strict"  # GGD only
        elif i % 6 == 0:
            label = "green"
        reports.append(
            Report(
                partner=partner,
                municipality=PLACES[(i // 5 + partner) % len(PLACES)],
                minutes_ago=300 - i * 5,
                value=10 * (i + 1),
                tlp=label,
                severity="ernstig" if i in (3, 28) else "matig",
            )
        )
    return reports


def body(report: Report) -> str:
    _room, org, category, metric = PARTNERS[report.partner]
    when = (datetime.now(AMS) - timedelta(minutes=report.minutes_ago)).strftime("%d-%m-%Y %H:%M")
    return (
        f"!melding {category}\ngemeente: {report.municipality}\ntijd: {when}\nernst: {report.severity}\n"
        f"tlp: {report.tlp}\n{metric}: {report.value}\nMelding van {org} over {report.municipality}."
    )


def expected(
    reports: list[Report],
) -> tuple[dict[tuple[str, str], str], dict[tuple[str, str], int]]:
    """Latest visible entry per (organisation, municipality) and figure sums per (metric, region)."""
    latest: dict[tuple[str, str], Report] = {}
    for report in reports:
        if report.retracted or report.tlp in ("red", "amber+strict"):
            continue  # the coordinator (VR, clearance AMBER) may not see these
        key = (PARTNERS[report.partner][1], report.municipality)
        if key not in latest or report.minutes_ago < latest[key].minutes_ago:
            latest[key] = report
    states = {key: report.code for key, report in latest.items()}
    sums: dict[tuple[str, str], int] = {}
    for (_org, municipality), report in latest.items():
        metric = METRIC[PARTNERS[report.partner][3]]
        sums[(metric, REGION[municipality])] = (
            sums.get((metric, REGION[municipality]), 0) + report.value
        )
    return states, sums


def check_picture(text: str, reports: list[Report]) -> None:
    states, sums = expected(reports)
    state_lines = [
        line
        for line in text.splitlines()
        if line.startswith("• ") and re.search(r"\(M-\d+\)$", line)
    ]
    shown = {}
    for line in state_lines:
        org, place = line[2:].split(" · ")[:2]
        shown[(org, place)] = re.search(r"\((M-\d+)\)$", line).group(1)  # type: ignore[union-attr]
    assert shown == states
    figure_lines = {}
    for line in text.splitlines():
        match = re.match(r"• ([a-z ]+) · ([\w -]+): ([\d.]+) \(", line)
        if match:
            figure_lines[(match.group(1), match.group(2))] = match.group(3)
    assert figure_lines == {key: format_number(value) for key, value in sums.items()}


async def test_coordinator_picture_matches_the_hand_computed_expectation(world: World) -> None:
    admin, _ = await world.admin_and_bot()
    bot_user = world.bot_user
    liaisons = await world.people(*(name.lower() for name, *_ in PARTNERS))
    rooms = [
        await room_with(world, admin, [liaison], name)
        for liaison, (name, *_) in zip(liaisons, PARTNERS, strict=True)
    ]
    coord_room = await room_with(world, admin, [], "Coördinatie")
    await _ask(admin, coord_room, "!incident open storm Storm Zuid", bot_user)
    await _ask(
        admin,
        coord_room,
        "!kamer koppel incident=storm org=VRZHZ rol=coordinator clearance=amber",
        bot_user,
    )
    for (_name, org, _c, _m), room in zip(PARTNERS, rooms, strict=True):
        await _ask(
            admin,
            room,
            f'!kamer koppel incident=storm org="{org}" rol=liaison tlp=amber clearance=amber',
            bot_user,
        )

    partners = Partners(liaisons, rooms, bot_user)
    reports = scenario()
    for report in reports:
        await partners.send(report, r"Melding (M-\d+) vastgelegd")

    # Two edits (new figure values) and one retraction before the first picture.
    for index, new_value in ((35, 999), (38, 777)):
        await partners.edit(reports[index], new_value)
    retracted = reports[34]
    await partners.retract(retracted)

    first = await _ask(admin, coord_room, "!beeld", bot_user)
    assert first.startswith("TLP:AMBER — Situatiebeeld storm")
    visible = [r for r in reports if not r.retracted and r.tlp not in ("red", "amber+strict")]
    assert f"· {len(visible)} meldingen" in first
    check_picture(first, reports)
    assert "Gewijzigd sinds vorig beeld" not in first  # the room's first picture
    assert reports[7].code not in first and reports[11].code not in first  # RED and AMBER+STRICT
    assert "Aandacht: ernstig of extreem" in first

    # Changes after the first picture: two new reports, an edit, a retraction.
    extra = [
        Report(partner=0, municipality="Schiedam", minutes_ago=1, value=5, tlp="amber"),
        Report(partner=4, municipality="Dordrecht", minutes_ago=0, value=55, tlp="green"),
    ]
    for report in extra:
        await partners.send(report)
    reports += extra
    edited = reports[30]
    await partners.edit(edited, 4242)
    gone = reports[31]
    await partners.retract(gone)

    second = await _ask(admin, coord_room, "!beeld", bot_user)
    check_picture(second, reports)
    changes = second.split("Gewijzigd sinds vorig beeld", 1)[1]
    assert (
        f"nieuw: {extra[1].code}, {extra[0].code}" in changes
        or f"nieuw: {extra[0].code}, {extra[1].code}" in changes
    )
    assert f"bijgewerkt: {edited.code}" in changes
    assert f"ingetrokken: {gone.code}" in changes


@dataclass
class Partners:
    """The partners' liaisons and rooms (in PARTNERS order) and what they do to a report."""

    liaisons: list[Human]
    rooms: list[str]
    bot_user: str

    async def send(self, report: Report, pattern: str = r"(M-\d+)") -> None:
        where = self.liaisons[report.partner], self.rooms[report.partner]
        report.event_id, _, report.code = await send_report(
            *where, body(report), self.bot_user, pattern
        )

    async def edit(self, report: Report, value: int) -> None:
        report.value = value
        text = body(report)
        extra = edit_content(report.event_id, text)
        where = self.liaisons[report.partner], self.rooms[report.partner]
        await _ask(*where, "* " + text, self.bot_user, extra=extra)

    async def retract(self, report: Report) -> None:
        liaison = self.liaisons[report.partner]
        await liaison.client.room_redact(self.rooms[report.partner], report.event_id)
        report.retracted = True
        gone = f"{report.code} ingetrokken"
        assert await liaison.wait_until(
            lambda: any(gone in s.body for s in liaison.from_sender(self.bot_user))
        )


def _attention(picture: str) -> str:
    if "Aandacht: ernstig of extreem" not in picture:
        return ""
    return picture.split("Aandacht: ernstig of extreem", 1)[1].split("\n\n", 1)[0]


async def test_severe_item_stays_in_attention_until_resolved_by_reply(world: World) -> None:
    """A severe report, then a minor one from the same organisation and place: the
    severe one stays in the attention section until `status: opgelost` replies to it."""
    _admin, liaison, coordinator, room, coord_room = await _setup(world)
    bot = world.bot_user
    severe_event, _, severe = await send_report(
        liaison,
        room,
        "!melding zorg\ngemeente: Dordrecht\nernst: ernstig\ntlp: green\n"
        "8 dialysepatiënten zonder stroom",
        bot,
    )
    minor = await _ask(
        liaison,
        room,
        "!melding zorg\ngemeente: Dordrecht\nernst: gering\ntlp: green\nTwee rolstoelen tekort",
        bot,
    )
    assert "vastgelegd" in minor

    picture = await _ask(coordinator, coord_room, "!beeld", bot)
    assert severe in _attention(picture) and "dialysepatiënten" in _attention(picture), picture

    closed = await _ask(
        liaison,
        room,
        "!melding zorg\ngemeente: Dordrecht\nstatus: opgelost\ntlp: green\nStroom is terug",
        bot,
        extra={"m.relates_to": {"m.in_reply_to": {"event_id": severe_event}}},
    )
    assert f"vervolg op {severe}" in closed, closed
    picture = await _ask(coordinator, coord_room, "!beeld", bot)
    assert _attention(picture) == "", picture

    filtered = await _ask(coordinator, coord_room, "!beeld categorie=zorg", bot)
    section = filtered.split("Laatste stand per categorie", 1)[1]
    listed = [line for line in section.splitlines() if re.search(r"\(M-\d+\)$", line)]
    title = next(line for line in section.splitlines() if line.startswith("zorg"))
    count = re.search(r"(\d+) actueel", title)
    assert count is not None and int(count.group(1)) == len(listed), filtered
