"""Questions and curated answers against real Synapse.

A municipality asks in Dutch and gets the curated answer with source and date;
an unanswerable question goes to the curator room, the curator answers with
`!antwoord`, and the answer arrives as a notifying reply to the original
question. And the console prints the same texts as the bot sends in Matrix.
"""

from __future__ import annotations

import asyncio
import io
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from bot.config import load_settings
from bot.console import run_console
from tests.conftest import World
from tests.integration.test_situation_entries import DESIGN_EXAMPLE
from tests.support.human import Human
from tests.support.ports import free_port

pytestmark = pytest.mark.integration

SAMPLE = Path(__file__).resolve().parents[2] / "knowledge" / "sample"


def import_sample(data_dir: Path) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "knowledge", "import", str(SAMPLE)],
        env={**os.environ, "KNOOPPUNT_DATA_DIR": str(data_dir)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "6 toegevoegd" in result.stdout  # the configured language: Dutch by default


async def ask(human: Human, room: str, body: str, bot: str, **kw: object) -> tuple[str, str]:
    event_id = await human.send(room, body, **kw)  # type: ignore[arg-type]
    assert await human.wait_until(lambda: bool(human.replies_to(event_id, bot))), body[:80]
    return event_id, "\n".join(s.body for s in human.replies_to(event_id, bot))


async def test_municipality_question_answered_and_open_question_answered_by_curator(
    world: World,
) -> None:
    admin = await world.human("admin")
    municipality = await world.human("gemeente")
    curator = await world.human("redacteur")
    bot_user = world.bot_user
    metrics_port = free_port()
    bot = world.bot(
        KNOOPPUNT_ADMINS=admin.client.user_id, KNOOPPUNT_METRICS_LISTEN=f"127.0.0.1:{metrics_port}"
    )
    import_sample(bot.workdir)
    bot.start()

    town_room = await admin.create_room(
        invite=[bot_user, municipality.client.user_id], name="Gemeente Dordrecht"
    )
    desk_room = await admin.create_room(invite=[bot_user, curator.client.user_id], name="Redactie")
    for room, human in ((town_room, municipality), (desk_room, curator)):
        await admin.wait_joined(room, bot_user)
        await human.client.join(room)
    _, bound = await ask(
        admin,
        town_room,
        '!kamer koppel rol=municipality org="Gemeente Dordrecht" tlp=green clearance=green',
        bot_user,
    )
    assert "Kamer gekoppeld" in bound
    _, bound = await ask(
        admin, desk_room, "!kamer koppel rol=curator org=KCIO tlp=green clearance=amber", bot_user
    )
    assert "Kamer gekoppeld" in bound
    await asyncio.sleep(0.5)

    # 1. A plain question in Dutch (ends with "?"): the curated answer with source and date.
    _, answer = await ask(
        municipality,
        town_room,
        "Hoe geven we door hoeveel opvangplaatsen er nog vrij zijn?",
        bot_user,
    )
    assert "demo-opvang-melden" in answer
    assert "Bron: Handleiding Knooppunt" in answer and "Bijgewerkt: 01-11-2026" in answer
    reply = municipality.replies_to(
        next(s.event_id for s in municipality.seen if "opvangplaatsen" in s.body), bot_user
    )[0]
    assert reply.msgtype == "m.notice"
    assert "<strong>actuele</strong>" in reply.content["formatted_body"]

    # 2. One the store cannot answer: the asker is told, the curators get it.
    question_id, told = await ask(
        municipality, town_room, "!vraag Hoe vraag ik een parkeervergunning aan?", bot_user
    )
    match = re.search(r"\bV(\d+)\b", told)
    assert match and "geen zeker antwoord" in told
    code = f"V{match.group(1)}"
    assert await curator.wait_until(
        lambda: any(
            f"Open vraag {code}" in s.body for s in curator.from_sender(bot_user, desk_room)
        )
    )
    posted = next(s for s in curator.from_sender(bot_user, desk_room) if code in s.body)
    assert posted.msgtype == "m.text"
    assert municipality.client.user_id in posted.body and "parkeervergunning" in posted.body

    # 3. The curator answers; it arrives in the municipality room as a reply that notifies.
    _, confirm = await ask(
        curator, desk_room, f"!antwoord {code} Via het digitale loket van de gemeente.", bot_user
    )
    assert f"Antwoord op {code} verstuurd" in confirm
    assert await municipality.wait_until(
        lambda: (
            bool(municipality.replies_to(question_id, bot_user))
            and any(
                "digitale loket" in s.body for s in municipality.replies_to(question_id, bot_user)
            )
        )
    )
    back = next(
        s for s in municipality.replies_to(question_id, bot_user) if "digitale loket" in s.body
    )
    assert back.room_id == town_room and back.msgtype == "m.text"
    assert back.content["m.mentions"] == {"user_ids": [municipality.client.user_id]}

    # 4. Municipality members may not answer, and the open list is now empty.
    _, refused = await ask(municipality, town_room, f"!antwoord {code} nee", bot_user)
    assert "redactiekamer" in refused
    _, open_list = await ask(curator, desk_room, "!vragen", bot_user)
    assert "Geen open vragen" in open_list

    # 5. The metrics counted one answered and one unanswered question.
    metrics = await asyncio.to_thread(
        lambda: (
            urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics", timeout=5)
            .read()
            .decode()
        )
    )
    assert 'knooppunt_questions_total{answered="true"} 1.0' in metrics
    assert 'knooppunt_questions_total{answered="false"} 1.0' in metrics
    assert 'knooppunt_commands_total{command="question",outcome="ok"} 1.0' in metrics


SCRIPT = [
    "!incident open storm Storm Zuid",
    '!kamer koppel incident=storm org="GGD ZHZ" rol=liaison tlp=amber clearance=amber',
    DESIGN_EXAMPLE,
    "!vraag Mogen huisdieren mee naar de noodopvang?",
    "!vraag Hoe vraag ik een parkeervergunning aan?",
    "!kamer koppel incident=storm org=GGD rol=coordinator clearance=amber",
    "!beeld",
]


def normalise(text: str, room_id: str, user_id: str) -> str:
    """Only what differs between the two runs by nature: ids and the clock."""
    text = text.replace(room_id, "<room>").replace(user_id, "<user>")
    text = re.sub(r"\b\d{2}-\d{2} \d{2}:\d{2}\b", "<time>", text)
    return re.sub(r"\b\d+ min\b", "<age>", text)


async def test_console_prints_what_matrix_shows(world: World, tmp_path: Path) -> None:
    admin = await world.human("admin", encryption=True)
    bot_user = world.bot_user
    bot = world.bot(KNOOPPUNT_ADMINS=admin.client.user_id)
    import_sample(bot.workdir)
    bot.start()
    room = await admin.create_room(invite=[bot_user], encrypted=True, name="Console-vergelijking")
    await admin.wait_joined(room, bot_user)
    matrix: list[str] = []
    for body in SCRIPT:
        event_id = await admin.send(room, body)
        assert await admin.wait_until(
            lambda e=event_id: bool(admin.replies_to(e, bot_user)),  # type: ignore[misc]
            60,
        ), body
        await asyncio.sleep(0.3)  # a second reply (none expected here) would arrive by now
        matrix += [s.body for s in admin.replies_to(event_id, bot_user)]

    console_dir = tmp_path / "console"
    import_sample(console_dir)
    os.environ["KNOOPPUNT_DATA_DIR"] = str(console_dir)
    try:
        out = io.StringIO()
        code = await run_console(load_settings(), "admin", io.StringIO("\n\n".join(SCRIPT)), out)
    finally:
        del os.environ["KNOOPPUNT_DATA_DIR"]
    assert code == 0

    matrix_text = normalise("\n\n".join(matrix), room, admin.client.user_id)
    console_text = normalise(
        out.getvalue().strip(), "!console-admin:knooppunt.local", "@console-admin:knooppunt.local"
    )
    assert "Melding M-1 vastgelegd" in matrix_text and "demo-evacuatie-huisdieren" in matrix_text
    assert "geen zeker antwoord" in matrix_text and "Storm Zuid" in matrix_text
    assert "TLP:AMBER" in console_text and "Storm Zuid" in console_text
    assert console_text == matrix_text
