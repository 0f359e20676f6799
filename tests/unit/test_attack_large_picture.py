"""Attack on the size of a reply (outside tester, session 10): a situation picture with
many open severe items is larger than one Matrix event may be. The sender cut such a
reply to its first 20,000 bytes and an ellipsis: every severe item after the cut, and
every section after them (latest state, figures, changes), silently vanished from the
picture the coordinators read as complete. A large reply is now sent in parts, each
under the limit, numbered, and together holding every line.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from commands.message import Reply
from storage.engine import Database
from storage.ids import RoomId, UserId
from storage.rooms import BindingView
from tests.support.chat import CoreChat
from tests.support.rooms import storm_database

LIAISON = RoomId("!ggd:x")
COORD = RoomId("!coord:x")
ALICE = UserId("@alice:x")
ITEMS = 160


@pytest.fixture
async def chat(tmp_path: Path) -> AsyncIterator[CoreChat]:
    coord = BindingView("coordinator", "storm", "VR", "AMBER", "AMBER")
    database: Database = await storm_database(
        tmp_path / "big.db", [(LIAISON, "liaison", "GGD")], more={COORD: coord}
    )
    yield CoreChat(database)
    await database.close()


async def test_a_picture_with_many_severe_items_shows_every_one(chat: CoreChat) -> None:
    for n in range(1, ITEMS + 1):
        body = (
            f"!melding evacuatie\ngemeente: Dordrecht\nlocatie: Straat {n}\nernst: extreem\n"
            f"Woning {n} ontruimd, bewoners opgevangen in de sporthal; brandweer ter plaatse "
            "en de weg is afgesloten voor alle verkeer tot nader bericht van de gemeente."
        )
        await chat.handle(LIAISON, ALICE, body)
    _, result = await chat.handle(COORD, ALICE, "!beeld")
    assert result is not None
    rows = [row for row in result[1] if row.room_id == COORD and row.kind == "message"]
    bodies = [str(row.content["body"]) for row in rows]
    for row in rows:
        # Every event fits: the homeserver takes events up to 64 KiB, and in an encrypted
        # room the content goes as base64 ciphertext (a third larger) with its envelope.
        assert len(json.dumps(row.content).encode()) * 4 // 3 + 2_000 < 65_536
    shown = "\n".join(bodies)
    missing = [n for n in range(1, ITEMS + 1) if f"M-{n} " not in shown]
    assert not missing, f"{len(missing)} severe items not in the picture ({len(rows)} events)"
    assert len({row.txn_id for row in rows}) == len(rows)


def test_a_small_reply_is_one_part_and_unchanged() -> None:
    from bot.sender import reply_parts

    reply = Reply(text="kort", html="<b>kort</b>")
    assert reply_parts(reply) == [reply]


def test_parts_are_numbered_split_between_lines_and_fit() -> None:
    from bot.sender import MAX_EVENT_BYTES, reply_parts

    lines = [f"regel {n} " + "x" * 200 for n in range(400)]
    reply = Reply(text="\n".join(lines), html="<p>" + "<br>".join(lines) + "</p>", notify=True)
    parts = reply_parts(reply)
    assert len(parts) > 1
    for index, part in enumerate(parts, start=1):
        assert len(json.dumps(part.text)) + len(json.dumps(part.html)) <= MAX_EVENT_BYTES
        assert part.text.split("\n", 1)[0].endswith(f"({index}/{len(parts)})")
        assert part.notify == (reply.notify and index == 1)  # only the first part pings
    assert parts[0].text.startswith("regel 0 ")  # the reply's own start comes first
    first, *later = parts
    head, _, rest = first.text.partition("\n")
    joined = "\n".join(
        [head.removesuffix(f" (1/{len(parts)})"), rest, *(p.text.split("\n", 1)[1] for p in later)]
    )
    assert joined == reply.text


def test_parts_of_an_exercise_picture_each_say_oefening_and_the_label() -> None:
    from bot.sender import reply_parts

    lines = ["OEFENING — TLP:AMBER — Situatiebeeld oefening-dijk", *(["x" * 300] * 400)]
    parts = reply_parts(Reply(text="\n".join(lines), html=""))
    assert parts[0].text.startswith("OEFENING — TLP:AMBER — Situatiebeeld")
    assert all(p.text.startswith("OEFENING — TLP:AMBER (") for p in parts[1:]), parts[1].text[:40]


def test_no_content_is_too_large_for_an_encrypted_room() -> None:
    """50,000 bytes of body and HTML passed the old 60,000-byte guard whole, but in an
    encrypted room the base64 ciphertext of that content is over 64 KiB: the homeserver
    refused it (M_TOO_LARGE, given up for good), so the whole reply was lost there."""
    from bot.sender import reply_content

    line = "Woning ontruimd — bewoners in de sporthal, weg afgesloten."
    text = "\n".join([line] * 400)
    content = reply_content(Reply(text=text, html=text.replace("\n", "<br>")))
    assert len(json.dumps(content).encode()) * 4 // 3 + 2_000 < 65_536


def test_only_the_first_part_of_a_long_reply_notifies() -> None:
    """A reply that must reach someone (`notify`, `m.mentions`) split into numbered
    parts pinged them once per part: ten parts, ten notifications. Only the first part
    notifies; the others are notices with no mentions (they never notify)."""
    from bot.sender import reply_content, reply_parts

    lines = [
        f"Regel {n}: woning ontruimd, bewoners opgevangen in de sporthal." for n in range(3000)
    ]
    reply = Reply(
        text="⚠ Ernstige melding M-1\n" + "\n".join(lines),
        html="",
        notify=True,
        mentions=(ALICE,),
    )
    contents = [reply_content(part) for part in reply_parts(reply)]
    assert len(contents) > 2
    first, *rest = contents
    assert first["msgtype"] == "m.text" and first["m.mentions"] == {"user_ids": [ALICE]}
    assert all(c["msgtype"] == "m.notice" and c["m.mentions"] == {} for c in rest), [
        (c["msgtype"], c["m.mentions"]) for c in rest
    ]
