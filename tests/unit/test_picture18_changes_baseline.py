"""'Gewijzigd sinds vorig beeld' compares with a picture that showed what this one shows
(session 18, helper "picture").

The section listed what changed since the room's previous picture of the incident,
whatever that picture's filter: after `!beeld categorie=zorg`, the next whole `!beeld`
listed only what changed since the zorg picture, and a water report made between the
two whole pictures, never shown in the zorg one, was not among the changes. The
baseline is now the previous picture with the same category, or a whole picture for a
category picture (it showed that category too), and the title says which."""

from __future__ import annotations

from commands.message import Reply
from storage.ids import RoomId, UserId
from storage.rooms import BindingView
from tests.support.chat import CoreChat, storm_chat_fixture

LIAISON = RoomId("!ggd:x")
COORD = RoomId("!coord:x")
GREEN = RoomId("!green:x")
ALICE = UserId("@alice:x")


chat = storm_chat_fixture(
    [(LIAISON, "liaison", "GGD")],
    more={
        COORD: BindingView("coordinator", "storm", "VR", "AMBER", "AMBER"),
        GREEN: BindingView("coordinator", "storm", "VR", "GREEN", "GREEN"),
    },
)


async def _ask(chat: CoreChat, command: str, room: RoomId = COORD) -> str:
    _, result = await chat.handle(room, ALICE, command)
    assert result is not None
    return "\n".join(r.text for r in result[0] if isinstance(r, Reply))


async def _report(chat: CoreChat, category: str, place: str, label: str = "amber") -> str:
    text = await _ask(
        chat, f"!melding {category}\ngemeente: {place}\ntlp: {label}\nLoopt.", LIAISON
    )
    code = text.split("M-", 1)[1].split()[0].rstrip(".,:")
    return f"M-{code}"


def _changes(picture: str) -> str:
    """The 'Gewijzigd sinds' section, title included ('' when there is none)."""
    if "Gewijzigd sinds" not in picture:
        return ""
    part = picture[picture.index("Gewijzigd sinds") :]
    return part.split("\n\n", 1)[0]


async def test_a_whole_picture_after_a_category_picture_keeps_the_changes_since_the_whole_one(
    chat: CoreChat,
) -> None:
    await _report(chat, "water", "Zwolle")
    await _ask(chat, "!beeld")
    water = await _report(chat, "water", "Kampen")
    health = await _report(chat, "zorg", "Zwolle")
    zorg = _changes(await _ask(chat, "!beeld categorie=zorg"))
    assert health in zorg and water not in zorg, zorg
    whole = _changes(await _ask(chat, "!beeld"))
    # The water report was never listed: the whole picture still names it as new.
    assert water in whole and health in whole, whole
    assert whole.startswith("Gewijzigd sinds vorig beeld ("), whole


async def test_a_category_picture_compares_with_the_last_picture_that_showed_it(
    chat: CoreChat,
) -> None:
    await _ask(chat, "!beeld categorie=zorg")
    first = await _report(chat, "zorg", "Zwolle")
    await _ask(chat, "!beeld categorie=water")
    second = await _report(chat, "zorg", "Kampen")
    zorg = _changes(await _ask(chat, "!beeld categorie=zorg"))
    # The water picture in between showed neither: both are new since the zorg one.
    assert first in zorg and second in zorg, zorg
    assert "categorie zorg" in zorg.split("\n", 1)[0], zorg
    await _ask(chat, "!beeld")
    third = await _report(chat, "zorg", "Deventer")
    zorg = _changes(await _ask(chat, "!beeld categorie=zorg"))
    # The whole picture showed zorg too: only what came after it, and the title says so.
    assert third in zorg and first not in zorg and second not in zorg, zorg
    assert "alle categorieën" in zorg.split("\n", 1)[0], zorg


async def test_the_baseline_never_shows_what_the_room_may_not_see(chat: CoreChat) -> None:
    await _ask(chat, "!beeld", GREEN)
    await _ask(chat, "!beeld categorie=zorg", GREEN)
    hidden = await _report(chat, "water", "Kampen", "amber")
    shown = await _report(chat, "water", "Zwolle", "green")
    whole = _changes(await _ask(chat, "!beeld", GREEN))
    assert shown in whole and hidden not in whole, whole
