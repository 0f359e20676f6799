"""A GREEN coordinator room alerted of a severe AMBER report in its redacted form ("⚠
Ernstige melding M-1 in incident storm", no content) asks `!beeld` (session 18, helper
"picture"): the picture did not mention that report at all, and read as if nothing
severe were open. It now says, without content, what the standing alert said: the
report's code and the severity it was alerted of, above the room's clearance; nothing
where the room may see the report (it is under "Aandacht") or may not even hear of it,
and nothing once the alert is withdrawn."""

from __future__ import annotations

from commands.message import Reply
from storage.ids import RoomId, UserId
from storage.rooms import BindingView
from tests.support.chat import CoreChat, storm_chat_fixture

LIAISON = RoomId("!ggd:x")
AMBER = RoomId("!amber:x")
GREEN = RoomId("!green:x")
ALICE = UserId("@alice:x")
HEARD = "Boven de clearance van deze kamer"
SEVERE = "!melding zorg\ngemeente: Zwolle\nernst: {severity}\ntlp: {label}\nGeheim ziekenhuis vol."


chat = storm_chat_fixture(
    [(LIAISON, "liaison", "GGD")],
    more={
        AMBER: BindingView("coordinator", "storm", "VR", "AMBER", "AMBER"),
        GREEN: BindingView("coordinator", "storm", "VR", "GREEN", "GREEN"),
    },
)


async def _handle(chat: CoreChat, room: RoomId, body: str) -> list[Reply]:
    _, result = await chat.handle(room, ALICE, body)
    assert result is not None
    return [r for r in result[0] if isinstance(r, Reply)]


async def _picture(chat: CoreChat, room: RoomId, command: str = "!beeld") -> Reply:
    (reply, *_) = await _handle(chat, room, command)
    return reply


async def test_the_picture_names_the_severe_report_the_room_was_alerted_of(
    chat: CoreChat,
) -> None:
    replies = await _handle(chat, LIAISON, SEVERE.format(severity="extreem", label="amber"))
    alert = [r.text for r in replies if r.room_id == GREEN]
    assert alert and alert[0].startswith("⚠ Extreme melding M-1 in incident storm"), alert
    for command in ("!beeld", "!beeld categorie=water", "!beeld sinds=1h"):
        picture = await _picture(chat, GREEN, command)
        line = next((x for x in picture.text.splitlines() if HEARD in x), "")
        assert "M-1" in line and "extreem" in line, picture.text
        for words in ("ziekenhuis", "Zwolle", "GGD", "AMBER", "zorg"):
            assert words not in picture.text and words not in (picture.html or ""), words
        assert HEARD in (picture.html or "")
    # The room that sees it has it under "Aandacht", and no such line.
    seen = await _picture(chat, AMBER)
    assert HEARD not in seen.text and "ziekenhuis" in seen.text, seen.text


async def test_nothing_once_the_alert_is_withdrawn_or_the_room_may_not_hear_of_it(
    chat: CoreChat,
) -> None:
    await chat.handle(LIAISON, ALICE, SEVERE.format(severity="ernstig", label="amber"))
    assert "M-1" in next(x for x in (await _picture(chat, GREEN)).text.splitlines() if HEARD in x)
    await _handle(
        chat, LIAISON, "!melding zorg\nbetreft: M-1\nstatus: opgelost\ntlp: amber\nWeer ruimte."
    )
    assert HEARD not in (await _picture(chat, GREEN)).text
    await _handle(chat, LIAISON, SEVERE.format(severity="extreem", label="red"))
    assert HEARD not in (await _picture(chat, GREEN)).text


async def test_the_line_is_under_the_redacted_alerts_label(chat: CoreChat) -> None:
    """Review 18a: the redacted alert went out under TLP:GREEN (`domino.alert_label`), and
    the picture that repeats it (code and severity of a hidden report) said TLP:CLEAR
    when the room could see nothing labelled: a reader may pass a CLEAR picture on to
    anyone, and with it that an extreme report is held back. The banner counts the line
    as GREEN, as it counts a domino item's redacted cause."""
    replies = await _handle(chat, LIAISON, SEVERE.format(severity="extreem", label="amber"))
    alert = next(r for r in replies if r.room_id == GREEN)
    assert alert.tlp == "GREEN"
    for command in ("!beeld", "!beeld categorie=water"):
        picture = await _picture(chat, GREEN, command)
        assert HEARD in picture.text, picture.text
        assert picture.text.startswith("TLP:GREEN — "), picture.text
        assert "<b>TLP:GREEN</b>" in (picture.html or ""), picture.html
