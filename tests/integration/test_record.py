"""Against real Synapse: assessments, decisions and actions (issue 16, acceptance 1-3).

1. A moderator in an AMBER coordination room records O-1 (AMBER), B-1 (GREEN) and
   A-1 (AMBER, for a liaison): the liaison is told in their AMBER room with a
   notifying mention; a GREEN municipal coordination room's picture shows the
   decision only; a power-0 member's decision is refused with the reason.
2. An action due in two minutes; the bot is SIGKILLed before its reminder and started
   after the deadline: exactly one reminder arrives, marked late.
3. `!actie klaar A-1`: the next picture lists it under "Afgerond sinds vorig beeld".
"""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.scheduler import TEST_CLOCK_VARIABLE
from tests.conftest import World
from tests.support.human import Human
from tests.support.live import ask as _ask
from tests.support.live import room_with as _room_with

pytestmark = pytest.mark.integration

# How much faster than real time the restarted bot's scheduler sees its downtime pass.
DOWNTIME_RATE = 20


async def _setup(world: World) -> tuple[Human, Human, Human, Human, Human, str, str, str]:
    """moderator, member, liaison, gemeente, admin; coordination, liaison, municipal rooms."""
    admin, _ = await world.admin_and_bot()
    moderator, member, liaison, gemeente = await world.people(
        "moderator", "member", "liaison", "gemeente"
    )
    bot_user = world.bot_user
    # The moderator creates the coordination room (power 100); the member has power 0.
    coord = await _room_with(world, moderator, [admin, member], "ROT")
    liaison_room = await _room_with(world, admin, [liaison], "Rode Kruis")
    municipal = await _room_with(world, admin, [gemeente], "Gemeente Dordrecht")
    assert "geopend" in await _ask(admin, coord, "!incident open dijk Dijkdoorbraak", bot_user)
    for room, binding in (
        (coord, "org=VRZHZ rol=coordinator tlp=amber clearance=amber"),
        (liaison_room, 'org="Rode Kruis" rol=liaison tlp=amber clearance=amber'),
        (municipal, "org=Dordrecht rol=coordinator tlp=green clearance=green"),
    ):
        answer = await _ask(admin, room, f"!kamer koppel incident=dijk {binding}", bot_user)
        assert "gekoppeld" in answer.lower(), answer
    # The liaison speaks in their own room: that is where the bot will find them.
    await _ask(liaison, liaison_room, "!hulp", bot_user)
    return moderator, member, liaison, gemeente, admin, coord, liaison_room, municipal


async def test_record_notify_picture_and_done(world: World) -> None:
    moderator, member, liaison, gemeente, _admin, coord, liaison_room, municipal = await _setup(
        world
    )
    bot_user = world.bot_user
    liaison_id = liaison.client.user_id

    answer = await _ask(
        moderator,
        coord,
        "!oordeel\nverwachting: waterstand stijgt tot 18:00\nrisico's: dijk Alblasserwaard"
        "\nscenario's: evacuatie 2.000 inwoners\ngeldig tot: morgen 18:00\ntlp: amber",
        bot_user,
    )
    assert "Oordeel O-1 vastgelegd" in answer and "TLP:AMBER" in answer, answer
    answer = await _ask(
        moderator,
        coord,
        "!besluit Sporthal De Schans blijft open als noodopvang\nbesloten door: ROT"
        "\ningang: 16u\ntlp: green",
        bot_user,
    )
    assert "Besluit B-1 vastgelegd" in answer and "TLP:GREEN" in answer, answer
    answer = await _ask(
        moderator,
        coord,
        f"!actie Extra veldbedden naar De Schans\neigenaar: {liaison_id}"
        "\ndeadline: over 2 uur\ntlp: amber",
        bot_user,
    )
    assert "Actie A-1 vastgelegd" in answer and "eigenaar krijgt bericht" in answer, answer

    # The liaison is notified in their own AMBER room: m.text that mentions them.
    def notices() -> list[str]:
        return [
            s.body
            for s in liaison.from_sender(bot_user, liaison_room)
            if s.msgtype == "m.text"
            and liaison_id in s.content.get("m.mentions", {}).get("user_ids", [])
            and "A-1" in s.body
        ]

    assert await liaison.wait_until(lambda: bool(notices()), 30)
    assert "Extra veldbedden" in notices()[0] and "waterstand" not in notices()[0]

    # The GREEN municipal coordination room sees the decision, not the assessment or action.
    picture = await _ask(gemeente, municipal, "!beeld", bot_user)
    assert picture.startswith("TLP:GREEN"), picture
    assert "Besluiten" in picture and "B-1" in picture and "De Schans blijft open" in picture
    assert "O-1" not in picture and "waterstand" not in picture
    assert "A-1" not in picture and "veldbedden" not in picture

    # A power-0 member of the coordination room is refused, with the reason.
    refused = await _ask(member, coord, "!besluit Alles dicht", bot_user)
    assert refused.startswith("Dat mag hier niet:") and "moderatorrechten" in refused, refused

    # Acceptance 3: the coordinators' picture, the action done, the next picture.
    before = await _ask(moderator, coord, "!beeld", bot_user)
    assert "Open acties" in before and "A-1" in before and "Afgerond sinds" not in before
    done = await _ask(liaison, liaison_room, "!actie klaar A-1", bot_user)
    assert "Actie A-1 afgerond" in done, done
    after = await _ask(moderator, coord, "!beeld", bot_user)
    assert "Afgerond sinds vorig beeld" in after, after
    section = after.split("Afgerond sinds vorig beeld")[1]
    assert "A-1" in section and "Extra veldbedden" in section
    assert "Open acties" not in after
    assert "O-1" in after and "B-1" in after


async def test_one_late_reminder_after_sigkill(world: World) -> None:
    admin, bot = await world.admin_and_bot()
    moderator, liaison = await world.people("moderator", "liaison")
    bot_user = world.bot_user
    coord = await _room_with(world, moderator, [admin], "ROT")
    liaison_room = await _room_with(world, admin, [liaison], "Rode Kruis")
    await _ask(admin, coord, "!incident open dijk Dijkdoorbraak", bot_user)
    await _ask(admin, coord, "!kamer koppel incident=dijk org=VRZHZ rol=coordinator", bot_user)
    await _ask(
        admin,
        liaison_room,
        '!kamer koppel incident=dijk org="Rode Kruis" rol=liaison clearance=amber',
        bot_user,
    )
    await _ask(liaison, liaison_room, "!hulp", bot_user)
    liaison_id = liaison.client.user_id
    started = time.monotonic()
    answer = await _ask(
        moderator,
        coord,
        f"!actie Zandzakken naar de Merwedijk\neigenaar: {liaison_id}\ndeadline: over 2 min",
        bot_user,
    )
    assert "Actie A-1 vastgelegd" in answer, answer
    # The reminder is due one minute before the deadline; the bot dies well before that.
    assert time.monotonic() - started < 40
    bot.kill()
    killed = time.monotonic()
    assert "reminder for A-1" not in bot.log()
    # The bot stays down past the deadline. Its scheduler's clock is what says how long
    # it was down: the restarted process runs the test clock (bot/scheduler.py) from the
    # moment of the kill at DOWNTIME_RATE times real time, so the original 135 s after
    # the command pass in 135/DOWNTIME_RATE s. Only the scheduler reads that clock; the
    # deadline and the reminder moment were stored from the wall clock by the first run.
    bot.env[TEST_CLOCK_VARIABLE] = f"{DOWNTIME_RATE}@{time.time()}"
    await asyncio.sleep(max(0.0, 135 - (killed - started)) / DOWNTIME_RATE)  # past the deadline
    bot.start()

    def reminders() -> list[str]:
        return [
            s.body
            for s in liaison.from_sender(bot_user, liaison_room)
            if "herinnering" in s.body and "A-1" in s.body
        ]

    assert await liaison.wait_until(lambda: bool(reminders()), 90), bot.log()[-3000:]
    # More ticks of the scheduler (every 5 s / DOWNTIME_RATE): nothing else may come.
    await asyncio.sleep(4)
    sent = reminders()
    assert len(sent) == 1, sent
    assert "Te laat verstuurd" in sent[0] and "deadline is al verstreken" in sent[0], sent[0]
