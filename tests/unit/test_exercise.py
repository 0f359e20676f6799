"""Exercise mode: opening one, the OEFENING marker, and isolation from real incidents."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import load_settings
from bot.console import run_console
from tests.support.exercise_machine import ExerciseMachine

OPEN_AND_BIND = """!incident open oefening-dijk "Oefening dijkdoorbraak" oefening=ja

!incident open echt "Echt hoogwater"

!kamer koppel incident=oefening-dijk org=GGD rol=liaison tlp=amber clearance=amber

!melding opvang
gemeente: Dordrecht
opvangplekken beschikbaar: 120
ernst: extreem
Oefendijk doorgebroken, 40 bedden bezet.

!meldingen

!hulp

!incident lijst

!melding opvang
incident: echt
gemeente: Dordrecht
Dit mag niet in het echte incident.
"""


async def _console(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, script: str) -> list[str]:
    monkeypatch.setenv("KNOOPPUNT_DATA_DIR", str(tmp_path))
    out = io.StringIO()
    assert await run_console(load_settings(), "admin", io.StringIO(script), out) == 0
    return out.getvalue().split("\n\n")


async def test_an_exercise_room_says_oefening_on_everything_and_keeps_apart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = await _console(tmp_path, monkeypatch, OPEN_AND_BIND)
    text = "\n\n".join(out)
    opened = next(block for block in out if "oefening-dijk geopend" in block)
    assert opened.lstrip("> ").startswith("OEFENING — Oefenincident oefening-dijk geopend")
    # After the binding, every reply in the room starts with the marker: the report's
    # confirmation, the list, even !hulp (nothing in an exercise room may pass for real).
    after = text.split("Kamer", 1)[1]
    replies = [line for line in after.split("\n") if line.startswith(("OEFENING", "Melding"))]
    assert replies and all(line.startswith("OEFENING") for line in replies), replies
    assert "OEFENING — Melding M-1 vastgelegd" in text
    assert "OEFENING — TLP:AMBER — Meldingen oefening-dijk" in text
    assert "OEFENING — Commando's die je hier kunt gebruiken:" in text  # !hulp too
    # The listing shows which incident is the exercise.
    assert "• OEFENING oefening-dijk — Oefening dijkdoorbraak" in text
    assert "• echt — Echt hoogwater" in text
    # A report from the exercise room naming the real incident is refused, and says why.
    assert "is hier niet te zien of te gebruiken" in text
    assert text.count("vastgelegd") == 1


async def test_exercise_yes_in_english_and_a_bad_value_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KNOOPPUNT_LANGUAGE", "en")
    out = await _console(
        tmp_path,
        monkeypatch,
        '!incident open drill "Drill dike" exercise=yes\n\n'
        '!incident open maybe "Maybe" oefening=misschien\n\n'
        "!incident open other Other colour=red\n\n!incident list\n",
    )
    text = "\n\n".join(out)
    assert "OEFENING (exercise) — Exercise incident drill opened" in text
    assert "exercise= is yes or no (not 'misschien')." in text
    assert "Unknown option colour=." in text
    assert "• OEFENING drill — Drill dike" in text
    assert "maybe" not in text.split("Incidents:")[1] and "other" not in text.split("Incidents:")[1]


async def test_cli_export_of_an_exercise_is_marked_in_name_and_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _console(tmp_path, monkeypatch, OPEN_AND_BIND)
    for fmt, first in (("csv", "OEFENING"), ("json", None), ("edxl", None)):
        target = tmp_path / f"dijk.{fmt}"
        code = await asyncio.to_thread(
            main,
            ["export", "--incident", "oefening-dijk", "--format", fmt, "--out", str(target)],
        )
        assert code == 0
        assert not target.exists()
        written = tmp_path / f"OEFENING-dijk.{fmt}"
        data = written.read_text(encoding="utf-8-sig")
        if fmt == "csv":
            rows = list(csv.reader(io.StringIO(data), delimiter=";"))
            assert rows[0] == [first] and rows[1][0].startswith("TLP:")
        elif fmt == "json":
            document = json.loads(data)
            assert next(iter(document)) == "banner" and document["banner"] == "OEFENING"
            assert document["exercise"] is True and document["count"] == 1
        else:
            assert data.split("\n")[1] == "<!-- OEFENING -->"
            assert 'exercise="OEFENING"' in data and "OEFENING: shelter" in data
    # The real incident's export holds nothing of the exercise and is not marked.
    real = tmp_path / "echt.json"
    code = await asyncio.to_thread(
        main, ["export", "--incident", "echt", "--format", "json", "--out", str(real)]
    )
    assert code == 0
    document = json.loads(real.read_text())
    assert document["count"] == 0 and "banner" not in document and "exercise" not in document


@pytest.fixture
def machine() -> ExerciseMachine:
    return ExerciseMachine()


def _last_replies(machine: ExerciseMachine, room_id: str) -> str:
    from sqlalchemy import select

    from storage.models import OutboxMessage

    async def rows() -> list[str]:
        async with machine.db.session() as session:
            found = await session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.room_id == room_id)
                .order_by(OutboxMessage.id.desc())
                .limit(1)
            )
            return [str(r.content.get("body") or r.content.get("filename")) for r in found]

    return "\n".join(machine._run(rows()))


def test_rooms_read_only_incidents_of_their_own_mode(machine: ExerciseMachine) -> None:
    try:
        machine.report(exercise=True, incident=None, severity="ernstig", figure=True)
        machine.report(exercise=False, incident=None, severity="ernstig", figure=True)
        machine.send(machine_room("!coord-real:x"), "!beeld oef")
        assert "oef is een oefening en deze kamer werkt aan een echt incident" in _last_replies(
            machine, "!coord-real:x"
        )
        machine.send(machine_room("!coord-oef:x"), "!export storm json")
        assert _last_replies(machine, "!coord-oef:x").startswith(
            "OEFENING — Deze kamer is gekoppeld aan een oefening; het echte incident storm"
        )
        # A coordinator room without an incident lists across incidents: the real ones only.
        machine.send(machine_room("!coord-none:x"), "!meldingen")
        listed = _last_replies(machine, "!coord-none:x")
        assert "M-2" in listed and "M-1" not in listed and "(1," in listed
        machine.send(machine_room("!coord-oef:x"), "!beeld")
        picture = _last_replies(machine, "!coord-oef:x")
        assert picture.startswith("OEFENING — TLP:") and "M-1" in picture and "M-2" not in picture
    finally:
        machine.teardown()


def test_an_exercise_picture_leaves_out_real_questions_from_direct_chats(
    machine: ExerciseMachine,
) -> None:
    """Questions asked outside any incident are real: a real curator picture shows them,
    an exercise's does not (and an exercise question is in neither real list)."""
    from storage import rooms as room_repo
    from storage.ids import RoomId
    from storage.rooms import BindingView
    from tests.support.exercise_machine import RoomSpec, _now

    async def rooms() -> None:
        async with machine.db.transaction() as session:
            await room_repo.mark_joined(session, RoomId("!dm:x"), _now(), is_direct=True)
            for room_id, incident in (("!red-oef:x", "oef"), ("!red-storm:x", "storm")):
                await room_repo.mark_joined(session, RoomId(room_id), _now())
                curators = BindingView("curator", incident, "OrgA", "GREEN", "AMBER")
                await room_repo.bind_as(session, RoomId(room_id), curators, "t")

    try:
        machine._run(rooms())
        red_oef = RoomSpec("!red-oef:x", "curator", "oef", True)
        red_storm = RoomSpec("!red-storm:x", "curator", "storm", False)
        dm = RoomSpec("!dm:x", "direct", None, False)
        for spec in (dm, red_oef, red_storm):
            machine.specs[spec.room_id] = spec
        machine.send(dm, "!vraag Mogen de zrdmvrag huisdieren mee?", sender="@burger:x")
        machine.ask(exercise=True)
        machine.send(red_oef, "!beeld")
        exercise_picture = _last_replies(machine, "!red-oef:x")
        assert exercise_picture.startswith("OEFENING") and "zrdmvrag" not in exercise_picture
        assert "V2" in exercise_picture
        machine.send(red_storm, "!beeld")
        real_picture = _last_replies(machine, "!red-storm:x")
        assert "zrdmvrag" in real_picture and "V2" not in real_picture
        machine.send(red_storm, "!vragen")
        listed = _last_replies(machine, "!red-storm:x")
        assert "V1" in listed and "V2" not in listed
        machine.send(red_oef, "!vragen")
        listed = _last_replies(machine, "!red-oef:x")
        assert listed.startswith("OEFENING") and "V2" in listed and "V1" not in listed
    finally:
        machine.teardown()


def machine_room(room_id: str):  # type: ignore[no-untyped-def]
    from tests.support.exercise_machine import BY_ID

    return BY_ID[room_id]


def test_the_bots_own_notices_in_an_exercise_room_are_marked(machine: ExerciseMachine) -> None:
    """A notice outside any command (a message the bot could not decrypt) is marked in a
    room bound to the exercise, and only there."""
    from commands.exercise import mark_for_room
    from commands.render import plain

    async def notices() -> tuple[str, str]:
        async with machine.db.session() as session:
            exercise_room = await mark_for_room(
                session, "!coord-oef:x", plain("Niet te lezen."), "nl"
            )
            real_room = await mark_for_room(session, "!coord-real:x", plain("Niet te lezen."), "nl")
        return exercise_room.text, real_room.text

    try:
        assert machine._run(notices()) == ("OEFENING — Niet te lezen.", "Niet te lezen.")
    finally:
        machine.teardown()
