"""One line per situation item, the fullest the room may see (session 19, helper
"trust19"): a GREEN coordinator room got the redacted alert of an extreme AMBER report
(M-1), then the full alert of a GREEN follow-up of the same item (M-2, `betreft: M-1`).
Both alerts stand. `!beeld`, the portal's page and the scheduled picture show the item
once, by what the room may see of it (M-2 under "Aandacht"), not also as a report heard
of: the line is for items the picture otherwise says nothing of."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiohttp.test_utils import make_mocked_request
from sqlalchemy import select

from bot.scheduler import Scheduler
from bot.web.portal import Portal
from commands.dispatcher import CommandSettings
from commands.message import Reply
from storage.engine import Database
from storage.ids import RoomId, UserId
from storage.models import OutboxMessage, Subscription
from storage.rooms import BindingView
from tests.support.chat import CoreChat
from tests.support.rooms import storm_database
from tests.support.senders import RecordingSender

LIAISON = RoomId("!ggd:x")
GREEN = RoomId("!green:x")
ALICE = UserId("@alice:x")
HEARD = "Boven de clearance van deze kamer"
SEVERE = "!melding zorg\ngemeente: Zwolle\nernst: extreem\ntlp: amber\nGeheim ziekenhuis vol."
FOLLOW_UP = "!melding zorg\nbetreft: M-1\nernst: extreem\ntlp: groen\nZiekenhuis Zwolle vol."
OTHER = "!melding water\ngemeente: Kampen\nernst: ernstig\ntlp: amber\nGeheime dijk lekt."


@pytest.fixture
async def chat(tmp_path: Path) -> AsyncIterator[CoreChat]:
    more = {GREEN: BindingView("coordinator", "storm", "VR", "GREEN", "GREEN")}
    database: Database = await storm_database(
        tmp_path / "one.db", [(LIAISON, "liaison", "GGD")], more=more
    )
    settings = CommandSettings(bot_user_id="@bot:x", public_url="https://portal.example")
    yield CoreChat(database, settings=settings)
    await database.close()


async def _replies(chat: CoreChat, room: RoomId, body: str) -> list[Reply]:
    _, result = await chat.handle(room, ALICE, body)
    assert result is not None
    return [r for r in result[0] if isinstance(r, Reply)]


async def _both_alerted(chat: CoreChat) -> None:
    alerts = [r.text for r in await _replies(chat, LIAISON, SEVERE) if r.room_id == GREEN]
    assert alerts and alerts[0].startswith("⚠ Extreme melding M-1"), alerts
    alerts = [r.text for r in await _replies(chat, LIAISON, FOLLOW_UP) if r.room_id == GREEN]
    assert alerts and "M-2" in alerts[0] and "Ziekenhuis Zwolle vol" in alerts[0], alerts
    # A second severe report the room may only hear of: its line stays.
    await _replies(chat, LIAISON, OTHER)


def _one_line_per_item(text: str) -> None:
    heard = next((x for x in text.splitlines() if HEARD in x), "")
    assert "M-3 (ernstig)" in heard, text
    assert "M-1" not in heard, heard
    assert "M-2" in text and "Ziekenhuis Zwolle vol" in text, text


async def test_beeld_shows_the_item_once(chat: CoreChat) -> None:
    await _both_alerted(chat)
    (picture, *_) = await _replies(chat, GREEN, "!beeld")
    _one_line_per_item(picture.text)


async def test_the_portal_page_shows_the_item_once(chat: CoreChat) -> None:
    await _both_alerted(chat)
    text = "\n".join(r.text for r in await _replies(chat, GREEN, "!portaal"))
    match = re.search(r"/p/([A-Za-z0-9_-]{20,})", text)
    assert match, text
    portal = Portal(chat.db, "nl")
    try:
        token = match.group(1)
        response = await portal.incident_page(
            make_mocked_request("GET", f"/p/{token}", match_info={"token": token})
        )
        html = response.text or ""
    finally:
        await portal.close()
    heard = next((x for x in html.splitlines() if HEARD in x), "")
    assert "M-3 (ernstig)" in heard and "M-1" not in heard, html
    assert "Ziekenhuis Zwolle vol" in html


async def test_the_scheduled_picture_shows_the_item_once(chat: CoreChat) -> None:
    await _both_alerted(chat)
    at = datetime.now(UTC)
    async with chat.db.transaction() as session:
        session.add(
            Subscription(
                room_id=GREEN,
                incident="storm",
                interval_seconds=3600,
                next_due_at=at,
                created_by="@a:x",
                created_at=at - timedelta(hours=1),
                active=True,
            )
        )
    await Scheduler(chat.db, RecordingSender(), "nl", "!").tick(at)  # type: ignore[arg-type]
    async with chat.db.session() as session:
        rows = (
            await session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.room_id == GREEN)
                .order_by(OutboxMessage.id.desc())
            )
        ).all()
    body = str(rows[0].content.get("body", ""))
    assert "Situatiebeeld" in body, body
    _one_line_per_item(body)


async def test_an_unseen_follow_up_of_a_seen_report_is_still_named(chat: CoreChat) -> None:
    """The other way round: M-1 GREEN (seen), M-2 an AMBER follow-up of it (heard of).
    That M-2 belongs to M-1's item is M-2's own, AMBER: the line still names it, as its
    redacted alert did, rather than tell by leaving it out."""
    await _replies(chat, LIAISON, SEVERE.replace("tlp: amber", "tlp: groen"))
    follow = FOLLOW_UP.replace("tlp: groen", "tlp: amber")
    alerts = [r.text for r in await _replies(chat, LIAISON, follow) if r.room_id == GREEN]
    assert alerts and alerts[0].startswith("⚠ Extreme melding M-2"), alerts
    (picture, *_) = await _replies(chat, GREEN, "!beeld")
    heard = next((x for x in picture.text.splitlines() if HEARD in x), "")
    assert "M-2 (extreem)" in heard and "M-1" not in heard, picture.text
