"""Third attack on the outbox label check (session 12, leftovers3).

A queued row kept the label its reply's text names (`TLP:X`): parsing the bot's own
output. An answer to a question shows the best item in full under its banner and the
next two items by title ("Zie ook"); a title is content (DESIGN.md: lists of titles
and ids too), but its label was never named, so an AMBER title went out under a
GREEN banner, and a room whose clearance went down while the answer waited still got
it. The builders now set the label of everything a reply shows (`Reply.tlp`).
"""

from __future__ import annotations

from pathlib import Path

from commands.message import Reply
from storage.ids import RoomId
from storage.rooms import BindingView
from tests.support.chat import CoreChat
from tests.support.rooms import bind_room
from tests.unit.test_answers_learn import ANNA, ROOMS, make_db
from tests.unit.test_attack_outbox_access import _drain, _to

# Two Q&As on the same need: the GREEN one answers the question, the AMBER one (a
# partner's internal list) is its nearest neighbour, shown by its title under it.
PAIR = """\
qas:
  - id: groen-zandzakken
    question: Waar kunnen inwoners zandzakken ophalen bij hoogwater?
    answer: Bij de gemeentewerf, zolang de voorraad strekt.
    topic: hoogwater/zandzakken
    owner: KCIO
    tlp: green
  - id: amber-zandzakken
    question: Waar ligt de geheime reservevoorraad zandzakken van het waterschap bij hoogwater?
    answer: In de loods achter het gemaal.
    topic: hoogwater/zandzakken
    owner: KCIO
    tlp: amber
"""
SECRET_TITLE = "geheime reservevoorraad"


async def test_an_answer_s_see_also_titles_count_in_its_label(tmp_path: Path) -> None:
    database = await make_db(tmp_path / "k", PAIR)
    try:
        chat = CoreChat(database)
        room_a = ROOMS["a"][0]
        _, replies = await chat.send_event(
            room_a, ANNA, "!vraag Waar kunnen inwoners zandzakken ophalen bij hoogwater?"
        )
        answer = next(r for r in replies or [] if isinstance(r, Reply))
        assert SECRET_TITLE in answer.text, answer.text  # the AMBER title is shown
        # It says the highest label it shows, as every reply does.
        assert answer.text.startswith("TLP:AMBER"), answer.text.splitlines()[0]
        async with database.transaction() as session:
            lowered = BindingView("municipality", None, "Gemeente A", "GREEN", "GREEN")
            await bind_room(session, RoomId(room_a), lowered)
        client = await _drain(database)
        to_a = await _to(client, RoomId(room_a))
        assert not any(SECRET_TITLE in body for body in to_a), to_a
    finally:
        await database.close()


async def test_suggestions_without_a_banner_wait_under_their_label(tmp_path: Path) -> None:
    """Not sure: the question is kept and the nearest items are suggested by title
    ("Misschien bedoel je"). The receipt named no label at all, so its row was CLEAR and
    went unchecked; the curators' post named the question's label (GREEN) above an
    AMBER nearest title. Both rooms lose AMBER while the replies wait."""
    database = await make_db(tmp_path / "k", PAIR)
    try:
        chat = CoreChat(database)
        room_a, curators = ROOMS["a"][0], ROOMS["cur"][0]
        _, replies = await chat.send_event(
            room_a, ANNA, "!vraag Wie betaalt de reservevoorraad van de veemarkt?"
        )
        told = [r for r in replies or [] if isinstance(r, Reply) and SECRET_TITLE in r.text]
        assert len(told) == 2, [getattr(r, "text", "") for r in replies or []]
        async with database.transaction() as session:
            lowered = BindingView("municipality", None, "Gemeente A", "GREEN", "GREEN")
            await bind_room(session, RoomId(room_a), lowered)
            desk = BindingView("curator", None, "KCIO", "GREEN", "GREEN")
            await bind_room(session, RoomId(curators), desk)
        client = await _drain(database)
        for room in (room_a, curators):
            to_room = await _to(client, RoomId(room))
            assert not any(SECRET_TITLE in body for body in to_room), (room, to_room)
    finally:
        await database.close()


async def test_a_list_s_cause_links_count_in_its_label(tmp_path: Path) -> None:
    """`!meldingen` names each listed report's cause and consequences by id: an AMBER
    cause named under a GREEN list's banner went out as GREEN (ids are content too)."""
    from tests.support.rooms import storm_database
    from tests.unit.test_attack_outbox_access import BOB, _lower
    from tests.unit.test_unalerted_severe import ALICE, COORD, LIAISON

    coord = BindingView("coordinator", "storm", "VR", "AMBER", "AMBER")
    database = await storm_database(
        tmp_path / "l.db", [(LIAISON, "liaison", "GGD")], more={COORD: coord}
    )
    try:
        chat = CoreChat(database)
        cause = "!melding evacuatie\ngemeente: Dordrecht\ntlp: amber\nDijk."
        await chat.send_event(LIAISON, ALICE, cause)
        effect = "!melding stroom\ngemeente: Dordrecht\noorzaak: M-1\ntlp: groen\nStroom uit."
        await chat.send_event(LIAISON, ALICE, effect)
        await _drain(database)
        _, replies = await chat.send_event(COORD, BOB, "!meldingen categorie=stroom")
        (listing,) = [r for r in replies or [] if isinstance(r, Reply)]
        assert "M-2" in listing.text and "M-1" in listing.text, listing.text
        assert listing.text.startswith("TLP:AMBER"), listing.text
        await _lower(database, COORD, "GREEN")
        client = await _drain(database)
        assert not any("M-1" in body for body in await _to(client, COORD)), client.sent
    finally:
        await database.close()


async def test_an_alert_naming_its_cause_waits_under_the_cause_s_label(tmp_path: Path) -> None:
    """A GREEN extreme report caused by an AMBER one: the coordinators' alert names the
    cause's id, so it waits as AMBER, not as the GREEN its banner names."""
    from storage import outbox
    from tests.support.rooms import storm_database
    from tests.unit.test_unalerted_severe import ALICE, COORD, LIAISON

    coord = BindingView("coordinator", "storm", "VR", "AMBER", "AMBER")
    database = await storm_database(
        tmp_path / "a.db", [(LIAISON, "liaison", "GGD")], more={COORD: coord}
    )
    try:
        chat = CoreChat(database)
        await chat.send_event(LIAISON, ALICE, "!melding evacuatie\ntlp: amber\nDijk.")
        await _drain(database)
        effect = "!melding stroom\noorzaak: M-1\nernst: extreem\ntlp: groen\nStroom uit."
        _, replies = await chat.send_event(LIAISON, ALICE, effect)
        alert = [r for r in replies or [] if getattr(r, "room_id", None) == COORD]
        assert alert and "M-1" in alert[0].text, replies  # type: ignore[union-attr]
        async with database.session() as session:
            rows = [row for row in await outbox.pending(session) if row.room_id == COORD]
        assert [row.tlp for row in rows] == ["AMBER"], [row.tlp for row in rows]
    finally:
        await database.close()
