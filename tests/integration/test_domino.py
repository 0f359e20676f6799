"""Against real Synapse: incident `stroom-nh` with bound rooms for energy (AMBER), telecom
(AMBER), drinking water (GREEN clearance), a municipality and a coordinator room, and
the sample dependency map and partners imported.

1. A severe AMBER power report: the telecom room gets one notifying alert with the
   text, the water room one without it; the coordinator's picture lists the possible
   domino effects and `!partners` flags the missing health-care partner.
2. A telecom report with `oorzaak: M-1` is linked both ways and leaves the open items.
3. SIGKILL right after the power report, start again: exactly one alert per room.
4. A minor report alerts nobody; redacting the cause clears the domino section.
5. The alerted rooms are told the cause was retracted: one notice each, as a reply to
   their alert, under the alert's label; a restart sends none again.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.devtools.demo_users import Heard
from knowledge import network_service
from storage.engine import Database
from tests.conftest import World
from tests.support.botproc import BotProcess
from tests.support.human import Human
from tests.support.live import ask as _ask

pytestmark = pytest.mark.integration

SAMPLE = Path(__file__).resolve().parents[2] / "knowledge" / "sample_network"
POWER = (
    "!melding stroom\ngemeente: Alkmaar\nernst: ernstig\ntlp: amber\n"
    "Middenspanningsstation Alkmaar-Noord uitgevallen, 40.000 aansluitingen zonder stroom."
)
BINDINGS = {
    "energie": 'org="Netbeheer Noord" rol=liaison tlp=amber clearance=amber',
    "telecom": 'org="Telecom Noord" rol=liaison tlp=amber clearance=amber',
    "water": 'org="Waterbedrijf Noord" rol=liaison tlp=green clearance=green',
    "gemeente": 'org="Gemeente Alkmaar" rol=gemeente tlp=green clearance=green',
    "coord": 'org="Veiligheidsregio NHN" rol=coordinator tlp=amber clearance=amber',
    # A coordinator room cleared for GREEN: it may only hear of the AMBER power report.
    "coord-groen": 'org="Veiligheidsregio NHN" rol=coordinator tlp=green clearance=green',
}


def _alerts(human: Human, room: str, bot: str) -> list[str]:
    return [
        s.body
        for s in human.from_sender(bot, room)
        if "Mogelijk domino-effect" in s.body and s.msgtype == "m.text"
    ]


async def _setup(world: World) -> tuple[Human, BotProcess, dict[str, str]]:
    admin = await world.human("admin")
    bot = world.bot(KNOOPPUNT_ADMINS=admin.user_id)
    db = Database(f"sqlite+aiosqlite:///{bot.workdir / 'knooppunt.db'}")
    try:
        await db.migrate()
        report = await network_service.import_path(db, SAMPLE, "test")
        assert report.ok, report.problems
    finally:
        await db.close()
    bot.start()
    rooms: dict[str, str] = {}
    for name in BINDINGS:
        rooms[name] = await admin.create_room(invite=[world.bot_user], name=name)
        await admin.wait_joined(rooms[name], world.bot_user)
    opened = await _ask(
        admin, rooms["coord"], "!incident open stroom-nh Stroomuitval Noord-Holland", world.bot_user
    )
    assert "stroom-nh" in opened
    for name, binding in BINDINGS.items():
        bound = await _ask(
            admin, rooms[name], f"!kamer koppel incident=stroom-nh {binding}", world.bot_user
        )
        assert "gekoppeld" in bound, bound
    return admin, bot, rooms


async def test_domino_alerts_links_picture_and_partners(world: World) -> None:
    admin, _bot, rooms = await _setup(world)
    me = world.bot_user

    # 1. The severe power report.
    confirmed = await _ask(admin, rooms["energie"], POWER, me)
    assert "M-1" in confirmed and "Mogelijke domino-effecten" in confirmed
    assert await admin.wait_until(
        lambda: bool(_alerts(admin, rooms["telecom"], me) and _alerts(admin, rooms["water"], me))
    )
    telecom = _alerts(admin, rooms["telecom"], me)
    water = _alerts(admin, rooms["water"], me)
    assert len(telecom) == 1 and len(water) == 1
    assert "Middenspanningsstation" in telecom[0] and "accu's masten 4–8 uur" in telecom[0]
    assert "!melding telecom\noorzaak: M-1" in telecom[0]
    assert "Middenspanningsstation" not in water[0] and "40.000" not in water[0]
    assert "M-1" not in water[0]
    assert "ernstige storing in sector energie in regio Noord-Holland-Noord" in water[0]
    assert not _alerts(admin, rooms["gemeente"], me)
    # The GREEN coordinator room gets the redacted coordinator alert: once, its id and
    # severity, none of its words, figures or place.
    assert await admin.wait_until(lambda: bool(_heard(admin, rooms["coord-groen"], me)))
    (heard,) = _heard(admin, rooms["coord-groen"], me)
    assert "Middenspanningsstation" not in heard and "40.000" not in heard, heard
    assert "Alkmaar" not in heard and "Netbeheer" not in heard and "TLP:AMBER" not in heard
    picture = await _ask(admin, rooms["coord"], "!beeld", me)
    assert "Mogelijke domino-effecten" in picture
    assert "telecom, drinkwater, zorg — nog geen melding" in picture
    partners = await _ask(admin, rooms["coord"], "!partners", me)
    assert "Ontbreekt: zorg — afhankelijk van energie" in partners
    assert "Telecom Noord" in partners and "Waterbedrijf Noord" in partners

    # 2. The telecom report naming its cause.
    effect = await _ask(
        admin, rooms["telecom"], "!melding telecom\noorzaak: M-1\nMasten Alkmaar op accu.", me
    )
    assert "M-2" in effect and "Oorzaak: M-1" in effect
    listed = await _ask(admin, rooms["coord"], "!meldingen", me)
    assert "gevolgen: M-2" in next(x for x in listed.splitlines() if x.startswith("• M-1"))
    assert "oorzaak M-1" in next(x for x in listed.splitlines() if x.startswith("• M-2"))
    picture = await _ask(admin, rooms["coord"], "!beeld", me)
    assert "drinkwater, zorg — nog geen melding" in picture
    assert "telecom, drinkwater" not in picture

    # 4. A minor report alerts nobody; redacting the cause clears the section.
    minor = await _ask(admin, rooms["energie"], POWER.replace("ernstig", "gering"), me)
    assert "M-3" in minor and "Mogelijke domino-effecten" not in minor
    await asyncio.sleep(3)
    assert len(_alerts(admin, rooms["telecom"], me)) == 1
    assert len(_alerts(admin, rooms["water"], me)) == 1
    power_event = next(
        s.reply_to for s in admin.from_sender(me, rooms["energie"]) if "M-1 " in s.body
    )
    assert power_event is not None
    await admin.client.room_redact(rooms["energie"], power_event)
    assert await admin.wait_until(
        lambda: any("ingetrokken" in s.body for s in admin.from_sender(me, rooms["energie"]))
    )
    picture = await _ask(admin, rooms["coord"], "!beeld", me)
    assert "Mogelijke domino-effecten" not in picture

    # 5. The rooms alerted about M-1 are told, as a reply to their alert and under its
    # label, that it no longer holds; once, also after a restart.
    alert_ids = {
        name: next(
            s.event_id for s in admin.from_sender(me, rooms[name]) if "Mogelijk domino" in s.body
        )
        for name in ("telecom", "water")
    }
    assert await admin.wait_until(
        lambda: all(_withdrawals(admin, rooms[name], me) for name in alert_ids)
    )
    telecom_notice = _withdrawals(admin, rooms["telecom"], me)
    water_notice = _withdrawals(admin, rooms["water"], me)
    assert [s.reply_to for s in telecom_notice] == [alert_ids["telecom"]]
    assert [s.reply_to for s in water_notice] == [alert_ids["water"]]
    assert "TLP:AMBER" in telecom_notice[0].body and "M-1" in telecom_notice[0].body
    assert "TLP:GREEN" in water_notice[0].body and "M-1" not in water_notice[0].body
    # The GREEN coordinator room's redacted alert is withdrawn the same way.
    heard_id = next(
        s.event_id
        for s in admin.from_sender(me, rooms["coord-groen"])
        if s.body.startswith(HEARD_HEAD)
    )
    assert await admin.wait_until(lambda: bool(_coordinator_withdrawals(admin, rooms, me)))
    (green_notice,) = _coordinator_withdrawals(admin, rooms, me)
    assert green_notice.reply_to == heard_id and "TLP:GREEN" in green_notice.body
    assert "M-1" not in green_notice.body and "ingetrokken" in green_notice.body
    _bot.kill()
    _bot.start()
    await _ask(admin, rooms["coord"], "!hulp", me)
    await asyncio.sleep(3)
    assert len(_withdrawals(admin, rooms["telecom"], me)) == 1
    assert len(_withdrawals(admin, rooms["water"], me)) == 1
    assert len(_coordinator_withdrawals(admin, rooms, me)) == 1
    assert len(_heard(admin, rooms["coord-groen"], me)) == 1


HEARD_HEAD = "⚠ Ernstige melding M-1 in incident stroom-nh"


def _heard(human: Human, room: str, bot: str) -> list[str]:
    return [s.body for s in human.from_sender(bot, room) if s.body.startswith(HEARD_HEAD)]


def _coordinator_withdrawals(human: Human, rooms: dict[str, str], bot: str) -> list[Heard]:
    return [
        s for s in human.from_sender(bot, rooms["coord-groen"]) if "Waarschuwing vervalt" in s.body
    ]


def _withdrawals(human: Human, room: str, bot: str) -> list[Heard]:
    return [s for s in human.from_sender(bot, room) if "Domino-waarschuwing vervalt" in s.body]


async def test_sigkill_after_the_power_report_sends_each_alert_once(world: World) -> None:
    admin, bot, rooms = await _setup(world)
    me = world.bot_user
    event_id = await admin.send(rooms["energie"], POWER)
    # Kill the bot the moment its confirmation arrives: the alerts are queued in the
    # same transaction and may or may not be out yet.
    assert await admin.wait_until(lambda: bool(admin.replies_to(event_id, me)), 30)
    bot.kill()
    bot.start()
    assert await admin.wait_until(
        lambda: bool(_alerts(admin, rooms["telecom"], me) and _alerts(admin, rooms["water"], me)),
        60,
    )
    # Let the restarted bot settle (its outbox drained, its sync caught up).
    await _ask(admin, rooms["coord"], "!hulp", me)
    await asyncio.sleep(3)
    assert len(_alerts(admin, rooms["telecom"], me)) == 1
    assert len(_alerts(admin, rooms["water"], me)) == 1
    assert len(admin.replies_to(event_id, me)) == 1
