"""Review 11: a follow-up from a room that cannot see an item's severe state is recorded
as an item of its own (follow_up_rights.lowers_unseen). The reply must not tell the
room so: it would learn that the item holds a severe state it may not see (an oracle on
a hidden AMBER report: send `betreft: M-1` with `ernst: gering`, read the reply)."""

from __future__ import annotations

import pytest

from commands.dispatcher import Dispatcher, RoomView
from storage.engine import Database
from tests.support.chat import dispatch
from tests.unit.test_attack15_unseen_state import (
    VOLUNTEER,
    _extreme_behind_a_minor_opening,
    _recorded,
    _red_cross,
)
from tests.unit.test_picture_follows_entries import (
    COORD_RED,
    LIAISON2,
    REPORTER2,
    db,
    dispatcher,
    picture,
    send,
    texts,
)
from tests.unit.test_picture_items import attention

__all__ = ["db", "dispatcher"]
pytestmark = pytest.mark.postgres


async def hidden_and_plain(db: Database, dispatcher: Dispatcher) -> tuple[str, str, RoomView]:
    """An item whose newest state is a severe report the Red Cross room may not see, a
    plain item of the same kind whose newest state it sees, and that room: the two
    items a follow-up from it must be answered alike for."""
    hidden = await _extreme_behind_a_minor_opening(db, dispatcher)
    opening = "!melding stroom\ngemeente: Dordrecht\nlocatie: Trafo Noord\nernst: gering\nStoring."
    _, replies = await send(db, dispatcher, LIAISON2, opening, REPORTER2)
    plain_item = await _recorded(texts(replies))
    return hidden, plain_item, await _red_cross(db)


def _shape(text: str, code: str, own: str) -> str:
    return text.replace(own, "M-?").replace(code, "M-1")


@pytest.mark.parametrize("severity", ["", "ernst: gering\n"])
async def test_the_reply_is_the_same_whether_or_not_a_hidden_severe_state_exists(
    db: Database, dispatcher: Dispatcher, severity: str
) -> None:
    """A property over what the room may know: the reply to a follow-up has one shape
    for an item whose newest state the room sees and for one whose newest state is a
    severe report it may not see (with or without a severity of its own)."""
    hidden, plain_item, room = await hidden_and_plain(db, dispatcher)
    shapes = []
    for code in (hidden, plain_item):
        body = f"!melding stroom\nbetreft: {code}\n{severity}Wij delen dekens uit."
        _, replies = await dispatch(db, dispatcher, room, VOLUNTEER, body)
        text = texts(replies)
        shapes.append(_shape(text, code, await _recorded(text)))
    assert "vervolg op M-1" in shapes[0], shapes[0]
    assert shapes[0] == shapes[1]
    # The severe state stays in the coordinators' attention list, and the follow-ups
    # are in their picture (a liaison room has no picture of its own).
    shown = (await picture(db, dispatcher, COORD_RED)).text
    assert "Verpleeghuis" in attention(shown), shown
    assert "dekens" in shown, shown


async def test_an_item_the_room_may_not_see_is_answered_as_one_that_does_not_exist(
    db: Database, dispatcher: Dispatcher
) -> None:
    """The third case of the property: a follow-up naming an item the room may not see
    at all gets the reply of a code that does not exist (follow_target), and nothing is
    stored: the bot never says that an invisible item exists."""
    amber = "!melding stroom\ngemeente: Dordrecht\nernst: extreem\ntlp: amber\nVerpleeghuis uit."
    _, replies = await send(db, dispatcher, LIAISON2, amber, REPORTER2)
    invisible = await _recorded(texts(replies))
    room = await _red_cross(db)
    shapes = []
    for code in (invisible, "M-999"):
        body = f"!melding stroom\nbetreft: {code}\nernst: gering\nWij delen dekens uit."
        _, replies = await dispatch(db, dispatcher, room, VOLUNTEER, body)
        text = texts(replies)
        assert "vastgelegd" not in text, text
        shapes.append(text.replace(code, "M-?"))
    assert shapes[0] == shapes[1]


async def test_a_partner_that_sees_the_severe_state_is_told_it_may_not_lower_it(
    db: Database, dispatcher: Dispatcher
) -> None:
    """A partner room cleared for AMBER sees the extreme state: its `ernst: matig`
    follow-up is refused with the reason (follow_up_rights.refusal: only the owner may
    lower), as before attack 15. It was silently recorded as an item of its own
    (lowers_unseen never asked whether the room can see the state), so the writer
    believed the item lowered and was never told to ask the owner."""
    from commands.dispatcher import RoomView
    from storage.ids import RoomId
    from storage.rooms import BindingView
    from tests.support.rooms import bind_room

    code = await _extreme_behind_a_minor_opening(db, dispatcher)
    room_id = RoomId("!rk-amber:x")
    binding = BindingView("liaison", "storm", "Rode Kruis", "AMBER", "AMBER")
    async with db.transaction() as session:
        await bind_room(session, room_id, binding)
    room = RoomView(room_id=room_id, role="liaison", encrypted=True, binding=binding)
    body = f"!melding stroom\nbetreft: {code}\nernst: matig\nVerpleeghuis weer op net."
    _, replies = await dispatch(db, dispatcher, room, VOLUNTEER, body)
    text = texts(replies)
    assert "vastgelegd" not in text and "niet lager zetten" in text, text


async def test_a_room_lowering_what_it_sees_is_refused_whatever_it_cannot_see(
    db: Database, dispatcher: Dispatcher
) -> None:
    """The GREEN room sees the item as serious (ernstig, GREEN); an AMBER follow-up it
    cannot see made it extreme. Its `ernst: matig` lowers what it can see: refused with
    the reason, as without the hidden report (it was recorded as an item of its own,
    which also told the room that a hidden severe state exists)."""
    opening = "!melding stroom\ngemeente: Dordrecht\nlocatie: Trafo Oost\nernst: ernstig\nStoring."
    _, replies = await send(db, dispatcher, LIAISON2, opening, REPORTER2)
    code = await _recorded(texts(replies))
    raise_it = f"!melding stroom\nbetreft: {code}\nernst: extreem\ntlp: amber\nVerpleeghuis uit."
    _, replies = await send(db, dispatcher, LIAISON2, raise_it, REPORTER2)
    await _recorded(texts(replies))
    room = await _red_cross(db)
    body = f"!melding stroom\nbetreft: {code}\nernst: matig\nWij delen dekens uit."
    _, replies = await dispatch(db, dispatcher, room, VOLUNTEER, body)
    text = texts(replies)
    assert "vastgelegd" not in text and "niet lager zetten" in text, text


async def test_a_follow_up_of_the_kept_apart_report_is_a_follow_up_of_the_item(
    db: Database, dispatcher: Dispatcher
) -> None:
    """The room's follow-up that may not lower the hidden severe state is part of the
    item (`entries.keeps_item_state`): a follow-up naming IT is answered as one of the
    item, as in a plain item's chain ("vervolg op M-1"). Kept as an item of its own, the
    reply said "vervolg op" the room's own report, and the room learned that a hidden
    severe state exists. The coordinators keep the severe state under "Aandacht"."""
    hidden, plain_item, room = await hidden_and_plain(db, dispatcher)
    shapes = []
    for code in (hidden, plain_item):
        first = f"!melding stroom\nbetreft: {code}\nernst: gering\nWij delen dekens uit."
        _, replies = await dispatch(db, dispatcher, room, VOLUNTEER, first)
        own = await _recorded(texts(replies))
        second = f"!melding stroom\nbetreft: {own}\nWij delen ook soep uit."
        _, replies = await dispatch(db, dispatcher, room, VOLUNTEER, second)
        text = texts(replies)
        later = await _recorded(text)
        shapes.append(text.replace(later, "M-?").replace(own, "M-??").replace(code, "M-1"))
    assert "vervolg op M-1" in shapes[0], shapes[0]
    assert shapes[0] == shapes[1]
    shown = (await picture(db, dispatcher, COORD_RED)).text
    assert "Verpleeghuis" in attention(shown), shown
    assert "soep" in shown, shown


async def test_a_raising_follow_up_that_keeps_the_state_is_the_item_for_whom_it_may_see(
    db: Database, dispatcher: Dispatcher
) -> None:
    """The Red Cross follow-up says `ernst: ernstig` (above the minor state it sees,
    below the hidden extreme one): the coordinator room cleared for GREEN lists the item
    under "Aandacht" with that follow-up, as for a plain item; the one that sees the
    extreme state keeps it, in the whole picture and in one filtered by category (both
    ways of reading an item's state, storage/items.py)."""
    from tests.unit.test_picture_follows_entries import ADMIN, COORD_GREEN

    code = await _extreme_behind_a_minor_opening(db, dispatcher)
    room = await _red_cross(db)
    body = f"!melding stroom\nbetreft: {code}\nernst: ernstig\nWij delen dekens uit."
    _, replies = await dispatch(db, dispatcher, room, VOLUNTEER, body)
    await _recorded(texts(replies))
    shown = attention((await picture(db, dispatcher, COORD_GREEN)).text)
    assert "dekens" in shown and "Verpleeghuis" not in shown, shown
    for command in ("!beeld storm", "!beeld storm categorie=stroom"):
        _, replies = await send(db, dispatcher, COORD_RED, command, ADMIN)
        shown = attention(texts(replies))
        assert "Verpleeghuis" in shown and "dekens" not in shown, (command, shown)
