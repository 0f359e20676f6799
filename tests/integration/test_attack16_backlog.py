"""People's messages around a stop of the bot: what they sent, edited and deleted while
it was down is handled as they left it, each report answered once, late and saying so.

Against a real Synapse: the bot (`knooppunt run`) is stopped, people act, the bot is
started again; the stored entries, the event log and the replies people see are checked.
"""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
import time

import pytest
from nio import RoomGetEventResponse, RoomRedactResponse

from tests.conftest import World
from tests.integration.test_edit_trust import _db, _entries, _processed
from tests.support.human import Human, edit_content
from tests.support.live import ask as _ask

pytestmark = pytest.mark.integration

LATE = "(Late reactie"
REPORT = "!melding water\ngemeente: Zwolle\nernst: matig\nDijk lekt bij gemaal {n}."
FIRST_EDIT = "!melding water\ngemeente: Zwolle\nernst: ernstig\nDijk lekt bij gemaal {n}, erger."
LAST_EDIT = "!melding water\ngemeente: Kampen\nernst: zeer ernstig\nDijk bezwijkt bij gemaal {n}."
DELETED = "!melding stroom\ngemeente: Zwolle\nernst: matig\nGeheime storing trafo Noord."


async def _setup(world: World, encrypted: bool = False) -> tuple[Human, Human, str, str]:
    """An admin, a liaison in a bound liaison room, a bound coordinators' room; the bot
    marks a reply late after 3 s."""
    admin = await world.human("admin", encryption=encrypted)
    liaison = await world.human("liaison", encryption=encrypted)
    bot = world.bot(KNOOPPUNT_ADMINS=admin.user_id, KNOOPPUNT_LATE_AFTER_SECONDS="3")
    bot.start()
    room = await admin.create_room(
        invite=[world.bot_user, liaison.user_id], encrypted=encrypted, name="GGD"
    )
    await admin.wait_joined(room, world.bot_user)
    await liaison.join(room)
    await admin.wait_joined(room, liaison.user_id)
    coord = await admin.create_room(invite=[world.bot_user], encrypted=encrypted, name="Coörd")
    await admin.wait_joined(coord, world.bot_user)
    assert "geopend" in await _ask(admin, room, "!incident open storm Storm", world.bot_user)
    assert "gekoppeld" in await _ask(
        admin,
        room,
        '!kamer koppel incident=storm org="GGD" rol=liaison tlp=amber clearance=amber',
        world.bot_user,
    )
    assert "gekoppeld" in await _ask(
        admin,
        coord,
        "!kamer koppel incident=storm org=VR rol=coordinator clearance=amber",
        world.bot_user,
    )
    return admin, liaison, room, coord


def _by_source(world: World) -> dict[str, sqlite3.Row]:
    return {str(row["source_event_id"]): row for row in _entries(world)}


def _bot_bodies(world: World, room: str) -> list[str]:
    with _db(world) as db:
        rows = db.execute(
            "SELECT content FROM outbox WHERE room_id = ? AND kind = 'message'", (room,)
        )
        return [str(json.loads(row[0]).get("body", "")) for row in rows]


async def _body_now(human: Human, room: str, event_id: str) -> str:
    """The event's text as the homeserver serves it now ('' once it is redacted)."""
    response = await human.client.room_get_event(room, event_id)
    assert isinstance(response, RoomGetEventResponse), response
    return str(response.event.source.get("content", {}).get("body", ""))


async def _redact(human: Human, room: str, event_id: str) -> str:
    response = await human.client.room_redact(room, event_id)
    assert isinstance(response, RoomRedactResponse), response
    return response.event_id


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
async def test_edits_and_a_deletion_made_while_the_bot_was_down(
    world: World, encrypted: bool
) -> None:
    """Report, edit, another person's deletion of an earlier report, a second edit: all
    while the bot is down. The stored report is the last edit; the deleted report is
    gone from the picture (its words too); each report has one reply, and it is late.
    Encrypted: the liaison's room key reached the bot before it stopped."""
    admin, liaison, room, coord = await _setup(world, encrypted)
    bot = world.bots[0]
    doomed = await liaison.send(room, DELETED)
    assert await liaison.wait_until(lambda: bool(liaison.replies_to(doomed, world.bot_user)))
    assert bot.terminate() == 0, bot.log()[-2000:]

    report = await liaison.send(room, REPORT.format(n=1))
    first = await liaison.send(
        room, "* " + FIRST_EDIT.format(n=1), extra=edit_content(report, FIRST_EDIT.format(n=1))
    )
    deletion = await _redact(admin, room, doomed)
    last = await liaison.send(
        room, "* " + LAST_EDIT.format(n=1), extra=edit_content(report, LAST_EDIT.format(n=1))
    )
    await asyncio.sleep(4)  # older than the late threshold
    bot.start()
    for event_id in (report, first, deletion, last):
        await _processed(world, event_id, patience=60)
    await asyncio.sleep(2)  # a doubled reply would show up now

    entries = _by_source(world)
    stored = entries[report]
    assert (stored["municipality"], stored["severity"], stored["revision"]) == (
        "Kampen",
        "Extreme",
        3,
    ), dict(stored)
    assert "bezwijkt" in stored["text"], dict(stored)
    assert entries[doomed]["retracted_at"] is not None, dict(entries[doomed])
    # One reply to the report, late and saying so; the edits are answered late too.
    replies = liaison.replies_to(report, world.bot_user)
    assert len(replies) == 1, [r.body for r in replies]
    assert replies[0].body.startswith(LATE), replies[0].body
    for edit in (first, last):
        answers = liaison.replies_to(edit, world.bot_user)
        assert len(answers) <= 1, [a.body for a in answers]
        assert all(a.body.startswith(LATE) for a in answers), [a.body for a in answers]
    # The picture holds the last edit and nothing of the deleted report.
    picture = await _ask(admin, coord, "!beeld", world.bot_user)
    assert "Geheime storing" not in picture and "trafo" not in picture, picture
    assert "Kampen" in picture, picture


async def test_deletions_of_edits_and_originals_made_while_the_bot_was_down(
    world: World,
) -> None:
    """While the bot is down: an edit of a known report is deleted (the report stays at
    the edit before it); a new report is edited and then its original deleted (nothing
    of it is recorded); a refused report is corrected by an edit and the original then
    deleted (the correction is withdrawn with it)."""
    admin, liaison, room, coord = await _setup(world)
    bot = world.bots[0]
    known = await liaison.send(room, REPORT.format(n=1))
    refused = await liaison.send(room, REPORT.format(n=3).replace("matig", "heel erg"))
    for event_id in (known, refused):
        assert await liaison.wait_until(
            lambda e=event_id: bool(liaison.replies_to(e, world.bot_user))  # type: ignore[misc]
        )
    assert set(_by_source(world)) == {known}
    assert bot.terminate() == 0, bot.log()[-2000:]

    kept = await liaison.send(
        room, "* " + FIRST_EDIT.format(n=1), extra=edit_content(known, FIRST_EDIT.format(n=1))
    )
    withdrawn = await liaison.send(
        room, "* " + LAST_EDIT.format(n=1), extra=edit_content(known, LAST_EDIT.format(n=1))
    )
    undo_edit = await _redact(liaison, room, withdrawn)
    fresh = await liaison.send(room, REPORT.format(n=2))
    fresh_edit = await liaison.send(
        room, "* " + LAST_EDIT.format(n=2), extra=edit_content(fresh, LAST_EDIT.format(n=2))
    )
    undo_fresh = await _redact(liaison, room, fresh)
    correction = await liaison.send(
        room, "* " + FIRST_EDIT.format(n=3), extra=edit_content(refused, FIRST_EDIT.format(n=3))
    )
    undo_refused = await _redact(liaison, room, refused)
    await asyncio.sleep(4)
    bot.start()
    for event_id in (kept, undo_edit, fresh_edit, undo_fresh, correction, undo_refused):
        await _processed(world, event_id, patience=60)
    await asyncio.sleep(2)

    live = [dict(row) for row in _entries(world) if row["retracted_at"] is None]
    assert len(live) == 1, live
    (entry,) = live
    assert (entry["severity"], entry["revision"]) == ("Severe", 2), entry
    assert "erger" in entry["text"] and "bezwijkt" not in entry["text"], entry
    picture = await _ask(admin, coord, "!beeld", world.bot_user)
    assert "gemaal 2" not in picture and "gemaal 3" not in picture, picture
    assert "bezwijkt" not in picture and "Kampen" not in picture, picture
    # Whatever the bot said about the deleted messages, none of it is still in the room
    # with their words.
    for event_id in (fresh_edit, correction):
        for reply in liaison.replies_to(event_id, world.bot_user):
            assert "gemaal" not in await _body_now(liaison, room, reply.event_id), reply.body


async def test_a_question_and_an_answer_sent_while_the_bot_was_down(world: World) -> None:
    """A curator answers an open question while the bot is down, and the municipality asks
    another: after the start the asker gets the answer once, the curator one (late)
    confirmation, and the new question reaches the curators once, its asker told late."""
    admin = await world.human("admin")
    town = await world.human("gemeente")
    curator = await world.human("redacteur")
    bot_user = world.bot_user
    bot = world.bot(KNOOPPUNT_ADMINS=admin.user_id, KNOOPPUNT_LATE_AFTER_SECONDS="3")
    bot.start()
    town_room = await admin.create_room(invite=[bot_user, town.user_id], name="Gemeente")
    desk = await admin.create_room(invite=[bot_user, curator.user_id], name="Redactie")
    for room, human in ((town_room, town), (desk, curator)):
        await admin.wait_joined(room, bot_user)
        await human.join(room)
        await admin.wait_joined(room, human.user_id)
    assert "gekoppeld" in await _ask(
        admin,
        town_room,
        '!kamer koppel rol=municipality org="Gemeente Dordrecht" tlp=green clearance=green',
        bot_user,
    )
    assert "gekoppeld" in await _ask(
        admin, desk, "!kamer koppel rol=curator org=KCIO tlp=green clearance=amber", bot_user
    )
    first = await town.send(town_room, "!vraag Hoe vraag ik een parkeervergunning aan?")
    assert await town.wait_until(lambda: bool(town.replies_to(first, bot_user)))

    def posted(words: str) -> list[str]:
        return [s.body for s in curator.from_sender(bot_user, desk) if words in s.body]

    assert await curator.wait_until(lambda: bool(posted("parkeervergunning")))
    code = re.search(r"Open vraag (V\d+)", posted("parkeervergunning")[0])
    assert code, posted("parkeervergunning")
    assert bot.terminate() == 0, bot.log()[-2000:]

    answer = await curator.send(desk, f"!antwoord {code.group(1)} Via het digitale loket.")
    second = await town.send(town_room, "!vraag Waar haal ik zandzakken op?")
    await asyncio.sleep(4)
    bot.start()
    assert await town.wait_until(
        lambda: any("digitale loket" in s.body for s in town.replies_to(first, bot_user)), 60
    ), bot.log()[-3000:]
    assert await curator.wait_until(lambda: bool(posted("zandzakken")), 60), bot.log()[-3000:]
    assert await curator.wait_until(lambda: bool(curator.replies_to(answer, bot_user)), 30)
    assert await town.wait_until(lambda: bool(town.replies_to(second, bot_user)), 30)
    await asyncio.sleep(3)  # a doubled message would show up now

    delivered = [s for s in town.replies_to(first, bot_user) if "digitale loket" in s.body]
    assert len(delivered) == 1, [s.body for s in delivered]
    confirmed = curator.replies_to(answer, bot_user)
    assert len(confirmed) == 1 and confirmed[0].body.startswith(LATE), [s.body for s in confirmed]
    told = town.replies_to(second, bot_user)
    assert len(told) == 1 and told[0].body.startswith(LATE), [s.body for s in told]
    assert len(posted("zandzakken")) == 1, posted("zandzakken")


async def test_a_message_sent_after_the_start_is_answered_while_the_backlog_drains(
    world: World,
) -> None:
    """A backlog of commands in three rooms, the bot started: a command in a fourth room,
    sent once the bot has begun answering the backlog, is answered within seconds; no
    backlog command is answered twice or lost."""
    alice = await world.human("alice")
    # Late after the same 10 s the fresh reply is allowed below: with 3 s, a fresh reply
    # in 3-10 s on a loaded 2-core machine (the rehearsal of .ci/run) was marked late
    # and failed, though within the latency this test asks for.
    bot = world.bot(KNOOPPUNT_LATE_AFTER_SECONDS="10")
    bot.start()
    rooms = []
    for index in range(4):
        room = await alice.create_room(invite=[world.bot_user], name=f"room {index}")
        await alice.wait_joined(room, world.bot_user)
        rooms.append(room)
    assert await alice.wait_until(
        lambda: all(alice.from_sender(world.bot_user, r) for r in rooms), 60
    )
    assert bot.terminate() == 0, bot.log()[-2000:]
    backlog = [await alice.send(rooms[index % 3], "!hulp") for index in range(240)]
    await asyncio.sleep(4)
    bot.start()
    assert await alice.wait_until(
        lambda: any(alice.replies_to(e, world.bot_user) for e in backlog), 60
    ), bot.log()[-3000:]
    sent_at = time.monotonic()
    fresh = await alice.send(rooms[3], "!hulp")
    assert await alice.wait_until(lambda: bool(alice.replies_to(fresh, world.bot_user)), 60)
    waited = time.monotonic() - sent_at
    still_open = sum(1 for e in backlog if not alice.replies_to(e, world.bot_user))
    await alice.wait_until(lambda: all(alice.replies_to(e, world.bot_user) for e in backlog), 180)
    await asyncio.sleep(2)
    counts = [len(alice.replies_to(e, world.bot_user)) for e in backlog]
    assert counts.count(0) == 0 and max(counts) == 1, (counts.count(0), max(counts))
    fresh_reply = alice.replies_to(fresh, world.bot_user)
    assert len(fresh_reply) == 1 and not fresh_reply[0].body.startswith(LATE)
    assert still_open > 0, "the backlog was drained before the fresh command: nothing tested"
    assert waited < 10, (waited, still_open, bot.log()[-3000:])


CHATTER = 55  # more than the bot's sync timeline limit (50): what came before is in the gap


async def test_encrypted_gap_with_edits_and_a_deletion(world: World) -> None:
    """Encrypted room, keys shared before the stop; the report is more than a sync's
    timeline before its edits: the back-filled (decrypted) gap is handled in the room's
    order, the last edit stored, the deleted report gone, one late reply per report."""
    admin, liaison, room, _coord = await _setup(world, encrypted=True)
    bot = world.bots[0]
    doomed = await liaison.send(room, DELETED)
    assert await liaison.wait_until(lambda: bool(liaison.replies_to(doomed, world.bot_user)))
    assert bot.terminate() == 0, bot.log()[-2000:]

    report = await liaison.send(room, REPORT.format(n=1))
    for index in range(CHATTER):
        await liaison.send(room, f"even afstemmen {index}")
    first = await liaison.send(
        room, "* " + FIRST_EDIT.format(n=1), extra=edit_content(report, FIRST_EDIT.format(n=1))
    )
    deletion = await _redact(admin, room, doomed)
    last = await liaison.send(
        room, "* " + LAST_EDIT.format(n=1), extra=edit_content(report, LAST_EDIT.format(n=1))
    )
    # Older than the 3 s late threshold however fast the sends were: on a quick machine
    # the 55 messages and the restart took under 3 s and the reply was rightly not late.
    await asyncio.sleep(4)
    bot.start()
    for event_id in (report, first, deletion, last):
        await _processed(world, event_id, patience=90)
    await asyncio.sleep(2)
    assert "back-filled" in bot.log(), bot.log()[-3000:]
    entries = _by_source(world)
    assert (entries[report]["municipality"], entries[report]["revision"]) == ("Kampen", 3)
    assert entries[doomed]["retracted_at"] is not None
    replies = liaison.replies_to(report, world.bot_user)
    assert len(replies) == 1 and replies[0].body.startswith(LATE), [r.body for r in replies]


async def test_a_listing_asked_after_reports_in_the_gap_shows_them(world: World) -> None:
    """While the bot is down a liaison reports, the room chats on past a sync's timeline,
    and the liaison asks for the room's reports. Handled newest first, the listing was
    answered before the report it follows was recorded: it said the room had no report.
    So was a coordinator's picture, asked in a room with no gap of its own."""
    admin, liaison, room, coord = await _setup(world)
    bot = world.bots[0]
    assert bot.terminate() == 0, bot.log()[-2000:]
    report = await liaison.send(room, REPORT.format(n=7))
    for index in range(CHATTER):
        await liaison.send(room, f"even afstemmen {index}")
    listing = await liaison.send(room, "!meldingen")
    picture = await admin.send(coord, "!beeld")
    bot.start()
    await _processed(world, report, patience=90)
    assert await liaison.wait_until(lambda: bool(liaison.replies_to(listing, world.bot_user)))
    assert "back-filled" in bot.log(), bot.log()[-3000:]
    body = "\n".join(r.body for r in liaison.replies_to(listing, world.bot_user))
    assert "M-1" in body, body
    assert await admin.wait_until(lambda: bool(admin.replies_to(picture, world.bot_user)))
    shown = "\n".join(r.body for r in admin.replies_to(picture, world.bot_user))
    assert "Zwolle" in shown, shown


async def test_an_edit_of_a_report_sent_before_the_bot_joined(world: World) -> None:
    """The report was written before the bot was in the room; its edit, sent while the
    bot is down, records nothing and tells the liaison to send it as a new message."""
    admin = await world.human("admin")
    liaison = await world.human("liaison")
    bot = world.bot(KNOOPPUNT_ADMINS=admin.user_id, KNOOPPUNT_LATE_AFTER_SECONDS="3")
    bot.start()
    room = await admin.create_room(invite=[liaison.user_id], name="GGD")
    await liaison.join(room)
    await admin.wait_joined(room, liaison.user_id)
    before = await liaison.send(room, REPORT.format(n=4))
    await admin.client.room_invite(room, world.bot_user)
    await admin.wait_joined(room, world.bot_user)
    assert "geopend" in await _ask(admin, room, "!incident open storm Storm", world.bot_user)
    assert "gekoppeld" in await _ask(
        admin,
        room,
        '!kamer koppel incident=storm org="GGD" rol=liaison tlp=amber clearance=amber',
        world.bot_user,
    )
    assert bot.terminate() == 0, bot.log()[-2000:]
    edit = await liaison.send(
        room, "* " + LAST_EDIT.format(n=4), extra=edit_content(before, LAST_EDIT.format(n=4))
    )
    await asyncio.sleep(4)
    bot.start()
    assert await liaison.wait_until(lambda: bool(liaison.replies_to(edit, world.bot_user)), 60)
    await asyncio.sleep(2)
    told = [r.body for r in liaison.replies_to(edit, world.bot_user)]
    assert len(told) == 1 and told[0].startswith(LATE), told
    assert "nieuw bericht" in told[0], told
    assert _entries(world) == []


async def test_sigkill_just_after_a_reply_went_out(world: World) -> None:
    """The bot is killed the moment its confirmation reaches the liaison (its send not
    recorded yet: that waits for the next token write); the liaison reports again while
    it is down. After the start: one confirmation each, the second one late."""
    _admin, liaison, room, _coord = await _setup(world)
    bot = world.bots[0]
    for round_ in range(3):
        report = await liaison.send(room, REPORT.format(n=10 + round_))
        assert await liaison.wait_until(
            lambda r=report: bool(liaison.replies_to(r, world.bot_user)),
            30,  # type: ignore[misc]
        )
        bot.kill()
        during = await liaison.send(room, REPORT.format(n=20 + round_))
        await asyncio.sleep(4)
        bot.start()
        assert await liaison.wait_until(
            lambda d=during: bool(liaison.replies_to(d, world.bot_user)),
            60,  # type: ignore[misc]
        ), bot.log()[-3000:]
        await asyncio.sleep(3)  # a doubled confirmation would show up now
        for event_id in (report, during):
            replies = [r.body for r in liaison.replies_to(event_id, world.bot_user)]
            assert len(replies) == 1, (round_, replies)
        assert liaison.replies_to(during, world.bot_user)[0].body.startswith(LATE)
    assert len(_entries(world)) == 6
