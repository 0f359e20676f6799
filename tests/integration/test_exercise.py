"""Against real Synapse: an exercise beside a real incident (issue 16, acceptance 4).

While a real incident with a 4-hourly subscription runs, 1,000 exercise entries are
added (most through storage directly, for speed, some through Matrix, extreme ones
among them). Every exercise output says OEFENING; the real incident's picture, export
and scheduled post hold nothing of the exercise.
"""

from __future__ import annotations

import json
import re
import time
from datetime import UTC, datetime, timedelta

import pytest

from storage import entries as entry_repo
from storage.engine import Database
from tests.conftest import World
from tests.support.human import Human
from tests.support.live import ask as _ask
from tests.support.live import room_with

pytestmark = pytest.mark.integration

# The scheduler runs 720 times faster than real time (a test-only clock): a 4-hour
# slot comes every 20 s.
RATE = 720
SLOT = 4 * 3600 / RATE
DIRECT = 990  # exercise entries stored directly; ten more come through Matrix
EXERCISE_WORD = "Oefendijkbres"  # in every exercise entry's text
REAL_WORD = "Echtwaterpeil"


async def _file(admin: Human, room: str, command: str, bot: str) -> tuple[str, str, bytes]:
    """(the reply's text, the file's name, its bytes) of an `!export`."""
    event_id = await admin.send(room, command)
    assert await admin.wait_until(
        lambda: any(s.msgtype == "m.file" for s in admin.replies_to(event_id, bot)), 60
    )
    replies = admin.replies_to(event_id, bot)
    text = next(s.body for s in replies if s.msgtype != "m.file")
    event = next(s for s in replies if s.msgtype == "m.file")
    download = await admin.client.download(event.content["url"])
    return text, event.body, download.body  # type: ignore[union-attr]


async def _store_exercise_entries(url: str, count: int) -> None:
    """Most of the exercise, straight into the bot's database through the repository."""
    db = Database(url)
    now = datetime.now(UTC)
    try:
        async with db.transaction() as session:
            for i in range(count):
                data = entry_repo.EntryInput(
                    incident="oefening-dijk",
                    category=("shelter", "health", "power", "water")[i % 4],
                    organisation=f"Oefenorg {i % 7}",
                    observed_at=now - timedelta(seconds=i),
                    municipality=f"Oefengemeente {i % 13}",
                    region=None,
                    location=None,
                    # Extreme ones too: they must never reach a real incident's room.
                    severity="Extreme" if i % 50 == 0 else ("Minor", "Moderate", "Severe")[i % 3],
                    status="new",
                    source=None,
                    sector=None,
                    text=f"{EXERCISE_WORD} {i}: dijkvak {i % 40} bezwijkt.",
                    tlp=("GREEN", "AMBER")[i % 2],
                    figures=[
                        entry_repo.FigureInput(
                            metric="opvangplekken_beschikbaar",
                            value=float(1000 + i),
                            unit=None,
                            label="opvangplekken beschikbaar",
                        )
                    ],
                )
                await entry_repo.record(session, data, "@oefening:x", "!oefenkamer:x", f"$oef{i}")
    finally:
        await db.close()


async def test_an_exercise_beside_a_real_incident(world: World) -> None:
    admin, bot = await world.admin_and_bot(KNOOPPUNT_TEST_SCHEDULER_CLOCK=f"{RATE}@{time.time()}")
    bot_user = world.bot_user
    real_coord = await room_with(world, admin, [], "Coördinatie hoogwater")
    real_liaison = await room_with(world, admin, [], "GGD hoogwater")
    oef_coord = await room_with(world, admin, [], "Coördinatie oefening")
    oef_liaison = await room_with(world, admin, [], "GGD oefening")

    opened = await _ask(admin, real_coord, '!incident open hoogwater "Hoogwater Lek"', bot_user)
    assert opened.startswith("Incident hoogwater geopend")
    opened = await _ask(
        admin,
        oef_coord,
        '!incident open oefening-dijk "Oefening dijkdoorbraak" oefening=ja',
        bot_user,
    )
    assert opened.startswith("OEFENING — Oefenincident oefening-dijk geopend"), opened
    for room, incident, role in (
        (real_coord, "hoogwater", "coordinator"),
        (real_liaison, "hoogwater", "liaison"),
        (oef_coord, "oefening-dijk", "coordinator"),
        (oef_liaison, "oefening-dijk", "liaison"),
    ):
        bound = await _ask(
            admin,
            room,
            f"!kamer koppel incident={incident} org=VR rol={role} clearance=amber",
            bot_user,
        )
        assert bound.startswith("OEFENING") == (incident == "oefening-dijk"), bound

    answer = await _ask(admin, real_coord, "!abonneer beeld elke 4h", bot_user)
    assert re.search(r"Abonnement \d+: situatiebeeld hoogwater elke 4h", answer), answer
    real = await _ask(
        admin,
        real_liaison,
        f"!melding water\ngemeente: Culemborg\nwaterstand: 5,2 m\nernst: ernstig\n{REAL_WORD} stijgt.",
        bot_user,
    )
    assert real.startswith("Melding M-1 vastgelegd"), real

    # The exercise: most entries straight into storage, some through Matrix, extreme and
    # odd ones among them (a report naming the real incident is refused).
    await _store_exercise_entries(f"sqlite+aiosqlite:///{bot.workdir / 'knooppunt.db'}", DIRECT)
    through_matrix = [
        f"!melding evacuatie\ngemeente: Vianen\nernst: extreem\n{EXERCISE_WORD} M1: dijk doorgebroken.",
        f"!melding opvang\ngemeente: Lopik\nopvangplekken beschikbaar: ca. 1.200\ntlp: green\n{EXERCISE_WORD} M2.",
        f"!melding stroom\ngemeente: IJsselstein\nernst: kritiek\n{EXERCISE_WORD} M3 <b>html</b> =cmd|'/c calc'!A0",
        f"!melding zorg\ngemeente: Nieuwegein\n{EXERCISE_WORD} M4 " + "lang " * 400,
        f"!melding water\ngemeente: Houten\nwaterstand: -0,4 m\n{EXERCISE_WORD} M5.",
        f"!melding overig\ngemeente: Utrecht\nernst: extreem\n{EXERCISE_WORD} M6 🚨 ☠ 𝕏.",
        f"!melding mobiliteit\ngemeente: Zeist\n{EXERCISE_WORD} M7.",
        f"!melding telecom\ngemeente: Bunnik\n{EXERCISE_WORD} M8.",
        f"!melding communicatie\ngemeente: Wijk bij Duurstede\n{EXERCISE_WORD} M9.",
        f"!melding openbare-orde\ngemeente: Vijfheerenlanden\nernst: extreem\n{EXERCISE_WORD} M10.",
    ]
    recorded = 0
    for body in through_matrix:
        reply = await _ask(admin, oef_liaison, body, bot_user)
        assert reply.startswith("OEFENING — "), reply
        recorded += "vastgelegd" in reply
    assert recorded >= 8  # the odd ones may be refused, but with OEFENING too
    total = DIRECT + recorded
    exercise_added = time.monotonic()  # the clock `Heard.at` uses
    refused = await _ask(
        admin,
        oef_liaison,
        f"!melding water\nincident: hoogwater\n{EXERCISE_WORD} in het echte incident?",
        bot_user,
    )
    assert refused.startswith("OEFENING") and "echte incident hoogwater" in refused
    assert "vastgelegd" not in refused

    # Extreme exercise reports alerted the exercise's coordinators, marked; nobody else.
    def alerts(room: str) -> list[str]:
        return [
            s.body
            for s in admin.from_sender(bot_user, room)
            if s.msgtype == "m.text" and EXERCISE_WORD in s.body
        ]

    assert await admin.wait_until(lambda: len(alerts(oef_coord)) >= 3, 30)
    assert all(body.startswith("OEFENING") for body in alerts(oef_coord))

    # Every exercise output carries OEFENING.
    picture = await _ask(admin, oef_coord, "!beeld", bot_user, timeout=60)
    assert picture.startswith("OEFENING — TLP:"), picture[:200]
    assert "Situatiebeeld oefening-dijk" in picture.split("\n")[0]
    listing = await _ask(admin, oef_coord, "!meldingen", bot_user)
    assert listing.startswith("OEFENING — TLP:") and f"({total}," in listing, listing[:200]
    helped = await _ask(admin, oef_coord, "!hulp", bot_user)
    assert helped.startswith("OEFENING")
    text, name, data = await _file(admin, oef_coord, "!export json", bot_user)
    assert text.startswith("OEFENING") and name.startswith("OEFENING-knooppunt-oefening-dijk-")
    document = json.loads(data)
    assert next(iter(document)) == "banner" and document["banner"] == "OEFENING"
    assert document["count"] == total
    _, name, data = await _file(admin, oef_coord, "!export csv", bot_user)
    assert name.startswith("OEFENING-") and data.decode("utf-8-sig").startswith("OEFENING\r\n")

    # The real incident's picture, list and export hold nothing of the exercise.
    picture = await _ask(admin, real_coord, "!beeld", bot_user, timeout=60)
    assert picture.startswith("TLP:") and REAL_WORD in picture
    assert EXERCISE_WORD not in picture and "OEFENING" not in picture
    assert "Oefengemeente" not in picture and "Vianen" not in picture
    listing = await _ask(admin, real_coord, "!meldingen", bot_user)
    assert "(1," in listing and EXERCISE_WORD not in listing
    text, name, data = await _file(admin, real_coord, "!export json", bot_user)
    assert not name.startswith("OEFENING") and "OEFENING" not in text
    document = json.loads(data)
    assert document["count"] == 1 and EXERCISE_WORD not in data.decode()
    refused = await _ask(admin, real_coord, "!beeld oefening-dijk", bot_user)
    assert "is een oefening" in refused and EXERCISE_WORD not in refused

    # The scheduled post of the real subscription: nothing of the exercise either.
    def scheduled() -> list[str]:
        """Scheduled posts of the real picture made after the exercise was in the database."""
        return [
            s.body
            for s in admin.from_sender(bot_user, real_coord)
            if "Situatiebeeld hoogwater" in s.body
            and not s.content.get("m.relates_to")
            and s.at > exercise_added
        ]

    assert await admin.wait_until(lambda: len(scheduled()) >= 1, 4 * SLOT), bot.log()[-2000:]
    for post in scheduled():
        assert post.startswith("TLP:") and EXERCISE_WORD not in post and "OEFENING" not in post

    # Nothing of the exercise reached the real rooms at all, and every message the bot
    # sent into the exercise rooms starts with OEFENING.
    for room in (real_coord, real_liaison):
        for heard in admin.from_sender(bot_user, room):
            assert EXERCISE_WORD not in heard.body and "OEFENING" not in heard.body, heard.body
    for room in (oef_coord, oef_liaison):
        said = [h.body for h in admin.from_sender(bot_user, room)]
        # The greeting on joining came before the room was bound; from the binding on
        # (its confirmation included) everything starts with OEFENING.
        bound_at = next(i for i, body in enumerate(said) if "oefening-dijk" in body)
        for body in said[bound_at:]:
            assert body.startswith("OEFENING"), body[:200]
