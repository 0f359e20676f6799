"""The heard-of line on the web portal, against the real bot, a real Synapse and a real
headless Chromium (session 19, helper "trust19").

A liaison posts an extreme AMBER report; the GREEN coordinator room gets the redacted
alert, and its `!beeld` names the report in the line of reports heard of. The room's
portal page in the browser says the same line, and nothing of the report; when the
liaison resolves it, the open page lets the line go without a reload (the page's live
marker moves with the line; before, a GREEN page learnt nothing from AMBER reports and
never showed the line at all).
"""

from __future__ import annotations

import asyncio
import re
import urllib.request

import pytest

from tests.conftest import World
from tests.integration.test_portal import CHROMIUM, CHROMIUM_ARGS, CHROMIUM_PRESENT, _bound_rooms
from tests.support.live import ask as _ask
from tests.support.ports import free_port

pytestmark = pytest.mark.integration

import playwright.async_api as playwright_api  # noqa: E402 (test extra, see pyproject)

HEARD = "Boven de clearance van deze kamer"
SECRET = "Ziekenhuis Sophia geheim vol"
SEVERE = f"!melding zorg\ngemeente: Dordrecht\nernst: extreem\ntlp: amber\n{SECRET}."
RESOLVED = "!melding zorg\nbetreft: M-1\nstatus: opgelost\ntlp: amber\nWeer ruimte."


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=60) as response:
        return str(response.read().decode())


async def test_the_portal_page_says_the_heard_of_line_of_beeld(world: World) -> None:
    assert CHROMIUM_PRESENT, "scripts/setup.sh installs Debian's chromium"
    port = free_port()
    _admin, humans, rooms = await _bound_rooms(
        world,
        port,
        [
            ("liaison", "GGD", 'org="GGD ZHZ" rol=liaison tlp=amber clearance=amber'),
            ("coordinator", "Coördinatie groen", "org=VRZHZ rol=coordinator clearance=green"),
        ],
    )
    (liaison, coordinator), (liaison_room, coord_room) = humans, rooms
    bot = world.bot_user
    assert "vastgelegd" in await _ask(liaison, liaison_room, SEVERE, bot)
    picture = await _ask(coordinator, coord_room, "!beeld", bot)
    line = next((x for x in picture.splitlines() if HEARD in x), "")
    assert "M-1 (extreem)" in line and SECRET not in picture, picture

    match = re.search(r"(http://127\.0\.0\.1:\d+/p/[A-Za-z0-9_-]+)", await _ask(
        coordinator, coord_room, "!portaal", bot
    ))  # fmt: skip
    assert match
    url = match.group(1)
    html = await asyncio.to_thread(_get, url)
    assert line in html and SECRET not in html and "TLP:GREEN" in html, html[:3000]

    async with playwright_api.async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            page = await (await browser.new_context()).new_page()
            await page.goto(url)
            await page.get_by_text(HEARD, exact=False).first.wait_for()
            assert "M-1 (extreem)" in await page.content()
            await page.evaluate("window.__stillTheSamePage = true")
            await _ask(liaison, liaison_room, RESOLVED, bot)
            await page.get_by_text(HEARD, exact=False).first.wait_for(
                state="detached", timeout=15000
            )
            assert await page.evaluate("window.__stillTheSamePage === true")
            assert SECRET not in await page.content()
        finally:
            await browser.close()
