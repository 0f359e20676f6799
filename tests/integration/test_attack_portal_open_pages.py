"""Attack on pages already open (helper "paths", session 12), against the real bot, a
real Synapse and Debian's headless Chromium.

The incident page keeps itself current (its event stream; a revoked link or a lowered
clearance loads it again, and then it says it no longer works). An entry's own page
(`/p/<token>/e/<id>`, with the report's words and its history) did nothing of the
kind: no script, no refresh. Opened once, it kept showing the report after its writer
raised it to TLP:RED (which never leaves its room), and after the link was revoked,
for as long as the tab stayed open: on a coordinator's wall screen, all day. Now it
checks its entry like the incident page checks the picture, and loads itself again
(the "not found" or "link no longer works" page) within a few seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import sqlite3
import time

import pytest

from tests.conftest import World
from tests.integration.test_portal import (
    CHROMIUM,
    CHROMIUM_ARGS,
    CHROMIUM_PRESENT,
    COORDINATOR_BINDING,
    LIAISON_BINDING,
    _bound_rooms,
    _get,
    _link,
)
from tests.support.human import edit_content
from tests.support.live import ask as _ask
from tests.support.ports import free_port

pytestmark = pytest.mark.integration

import playwright.async_api as playwright_api  # noqa: E402 (test extra, see pyproject)

AMBER_WORDS = "Noodopvang Zxvlinderhof wordt ontruimd wegens dreiging."
GREEN_WORDS = "Pont Zxkinderdijk vaart weer volgens dienstregeling."


async def _lets_go(page: playwright_api.Page, words: str, seconds: float) -> bool:
    """Whether the open page stops showing `words` within `seconds` (read as the DOM it
    shows; the portal's CSP allows no evaluated script)."""
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        with contextlib.suppress(playwright_api.Error):  # a page that is loading again
            if words not in await page.content():
                return True
        await asyncio.sleep(0.25)
    return False


def _report(label: str, words: str, category: str = "opvang") -> str:
    return f"!melding {category}\ngemeente: Dordrecht\ntlp: {label}\n{words}"


async def test_an_open_entry_page_lets_go_of_what_its_room_may_no_longer_see(
    world: World,
) -> None:
    assert CHROMIUM_PRESENT, "scripts/setup.sh installs Debian's chromium"
    port = free_port()
    _admin, humans, rooms = await _bound_rooms(
        world,
        port,
        [("liaison", "GGD", LIAISON_BINDING), ("coordinator", "Coördinatie", COORDINATOR_BINDING)],
    )
    (liaison, coordinator), (liaison_room, coord_room) = humans, rooms
    bot = world.bot_user
    amber = _report("amber", AMBER_WORDS)
    original = await liaison.send(liaison_room, amber)
    assert await liaison.wait_until(lambda: bool(liaison.replies_to(original, bot)), 30)
    assert "vastgelegd" in await _ask(
        liaison, liaison_room, _report("groen", GREEN_WORDS, "mobiliteit"), bot
    )
    url = _link(await _ask(coordinator, coord_room, "!portaal", bot))

    async with playwright_api.async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            context = await browser.new_context(viewport={"width": 390, "height": 844})
            amber_page, green_page = await context.new_page(), await context.new_page()
            await amber_page.goto(f"{url}/e/1")
            await amber_page.get_by_text("Zxvlinderhof", exact=False).first.wait_for()
            # The printable versions, left open on a screen, are pages too.
            amber_print, picture_print = await context.new_page(), await context.new_page()
            await amber_print.goto(f"{url}/e/1?print=1")
            await amber_print.get_by_text("Zxvlinderhof", exact=False).first.wait_for()
            await picture_print.goto(f"{url}?print=1")
            await picture_print.get_by_text("Zxvlinderhof", exact=False).first.wait_for()
            await green_page.goto(f"{url}/e/2")
            await green_page.get_by_text("Zxkinderdijk", exact=False).first.wait_for()

            # Its writer raises the report to RED: it leaves the open page by itself.
            red = _report("rood", AMBER_WORDS)
            replied = await _ask(
                liaison, liaison_room, "* " + red, bot, extra=edit_content(original, red)
            )
            assert re.search(r"M-1", replied), replied
            for page in (amber_page, amber_print, picture_print):
                assert await _lets_go(page, "Zxvlinderhof", 8), await page.content()
            # The link is revoked: the other open entry page lets go of its report too.
            assert "ingetrokken" in await _ask(coordinator, coord_room, "!portaal intrekken", bot)
            assert await _lets_go(green_page, "Zxkinderdijk", 8), await green_page.content()
            await context.close()
        finally:
            await browser.close()


async def test_the_database_keeps_no_working_link(world: World) -> None:
    """README: "Only the token's SHA-256 is stored", so a copy of the database (a backup,
    a dump for a bug report) opens no page. But the `!portaal` reply, with the whole
    link, stayed in the outbox table: every live link of every room in plain text. Once
    the reply is sent, its stored copy keeps the link's place, not its token."""
    port = free_port()
    _admin, (coordinator,), (coord_room,) = await _bound_rooms(
        world, port, [("coordinator", "Coördinatie", COORDINATOR_BINDING)]
    )
    url = _link(await _ask(coordinator, coord_room, "!portaal", world.bot_user))
    token = url.rsplit("/", 1)[1]
    database = world.bots[0].workdir / "knooppunt.db"

    def stored() -> str:
        with sqlite3.connect(database) as db:
            rows = db.execute("SELECT content, COALESCE(last_error, '') FROM outbox").fetchall()
        return "\n".join(f"{content} {error}" for content, error in rows)

    def forgotten() -> bool:
        return token not in stored()

    assert await coordinator.wait_until(forgotten, 10), stored()[-600:]
    assert "/p/" in await asyncio.to_thread(stored)  # the reply's row is still there
    status, _body, _headers = await asyncio.to_thread(_get, url)
    assert status == 200  # the link itself works
