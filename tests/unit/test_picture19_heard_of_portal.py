"""The heard-of line (session 18: the severe reports a coordinator room got only a
redacted alert of) in the other pictures of the same room (session 19, helper
"trust19"): the web portal's page and the scheduled picture say what `!beeld` says to
that room, through the same read (`alerts.heard_of`, the room's current binding).

Before: the portal's page left the line out, so a GREEN coordinator room read on the
web a picture that said nothing of the extreme report its chat was alerted of; and the
page's live marker did not move when the room heard of one (a GREEN page learns
nothing from an AMBER report), so an open page stayed without it."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiohttp.test_utils import make_mocked_request
from sqlalchemy import select

from bot.scheduler import Scheduler
from bot.web.portal import REBUILD_SECONDS, Portal
from commands.dispatcher import CommandSettings
from commands.message import Reply
from storage import incidents as incident_repo
from storage.engine import Database
from storage.ids import RoomId, UserId
from storage.models import AuditRecord, OutboxMessage, Subscription
from storage.rooms import BindingView
from tests.support.chat import CoreChat
from tests.support.rooms import bind_room, storm_database
from tests.support.senders import RecordingSender

LIAISON = RoomId("!ggd:x")
GREEN = RoomId("!green:x")
ALICE = UserId("@alice:x")
HEARD = "Boven de clearance van deze kamer"
SEVERE = "!melding zorg\ngemeente: Zwolle\nernst: extreem\ntlp: amber\nGeheim ziekenhuis vol."
RESOLVED = "!melding zorg\nbetreft: M-1\nstatus: opgelost\ntlp: amber\nWeer ruimte."
CONTENT = ("ziekenhuis", "Zwolle", "GGD", "AMBER", "zorg")


class Ticks:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def chat(tmp_path: Path) -> AsyncIterator[CoreChat]:
    more = {GREEN: BindingView("coordinator", "storm", "VR", "GREEN", "GREEN")}
    database: Database = await storm_database(
        tmp_path / "portal.db", [(LIAISON, "liaison", "GGD")], more=more
    )
    async with database.transaction() as session:
        await incident_repo.open_incident(session, "flood", "Flood", "test")
    settings = CommandSettings(bot_user_id="@bot:x", public_url="https://portal.example")
    yield CoreChat(database, settings=settings)
    await database.close()


@pytest.fixture
async def portal(chat: CoreChat) -> AsyncIterator[Portal]:
    web = Portal(chat.db, "nl", ticks=Ticks())
    yield web
    await web.close()


async def _replies(chat: CoreChat, room: RoomId, body: str) -> list[Reply]:
    _, result = await chat.handle(room, ALICE, body)
    assert result is not None
    return [r for r in result[0] if isinstance(r, Reply)]


async def _heard_line(chat: CoreChat) -> str:
    (picture, *_) = await _replies(chat, GREEN, "!beeld")
    return next(x for x in picture.text.splitlines() if HEARD in x)


async def _token(chat: CoreChat) -> str:
    text = "\n".join(r.text for r in await _replies(chat, GREEN, "!portaal"))
    match = re.search(r"/p/([A-Za-z0-9_-]{20,})", text)
    assert match, text
    return match.group(1)


async def _page(portal: Portal, token: str) -> str:
    response = await portal.incident_page(
        make_mocked_request("GET", f"/p/{token}", match_info={"token": token})
    )
    assert response.status == 200
    return response.text or ""


async def _marker(portal: Portal, token: str) -> str:
    portal_ticks = portal.ticks
    assert isinstance(portal_ticks, Ticks)
    portal_ticks.now += REBUILD_SECONDS + 1  # past the window in which new reports wait
    response = await portal.marker(
        make_mocked_request("GET", f"/p/{token}/marker", match_info={"token": token})
    )
    return str(response.text)


async def test_the_portal_page_names_what_beeld_names(chat: CoreChat, portal: Portal) -> None:
    await _replies(chat, LIAISON, SEVERE)
    line = await _heard_line(chat)
    assert "M-1 (extreem)" in line, line
    html = await _page(portal, await _token(chat))
    assert line in html, html
    for words in CONTENT:
        assert words not in html, words
    # Under the redacted alert's label, as `!beeld`'s banner: not CLEAR.
    assert "TLP:GREEN" in html and "TLP:CLEAR" not in html, html
    await portal.flush_audit()
    async with chat.db.session() as session:
        viewed = await session.scalar(
            select(AuditRecord).where(AuditRecord.action == "portal.viewed")
        )
    assert viewed is not None and viewed.detail.get("heard_of") == ["M-1"], viewed


async def test_an_open_page_takes_in_the_line_and_lets_it_go(
    chat: CoreChat, portal: Portal
) -> None:
    """The live marker moves when the room hears of a report and when that alert is
    withdrawn, so an open page is sent the new page both times."""
    token = await _token(chat)
    quiet = await _marker(portal, token)
    assert HEARD not in await _page(portal, token)
    await _replies(chat, LIAISON, SEVERE)
    heard = await _marker(portal, token)
    assert heard != quiet
    assert "M-1 (extreem)" in await _page(portal, token)
    await _replies(chat, LIAISON, RESOLVED)
    assert await _marker(portal, token) != heard
    assert HEARD not in await _page(portal, token)


@pytest.mark.parametrize(
    "binding",
    [
        BindingView("liaison", "storm", "VR", "GREEN", "GREEN"),
        BindingView("municipality", "storm", "VR", "GREEN", "GREEN"),
        BindingView("coordinator", "flood", "VR", "GREEN", "GREEN"),
    ],
    ids=["liaison", "municipality", "other-incident"],
)
async def test_a_room_bound_anew_is_named_nothing_on_its_page(
    chat: CoreChat, portal: Portal, binding: BindingView
) -> None:
    await _replies(chat, LIAISON, SEVERE)
    token = await _token(chat)
    assert HEARD in await _page(portal, token)
    async with chat.db.transaction() as session:
        await bind_room(session, GREEN, binding)
    portal.clear_cache()
    html = await _page(portal, token)
    assert HEARD not in html and "M-1" not in html, html


async def _scheduled(chat: CoreChat, at: datetime) -> str:
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
    mark = await _last_outbox(chat)
    await Scheduler(chat.db, RecordingSender(), "nl", "!").tick(at)  # type: ignore[arg-type]
    async with chat.db.session() as session:
        rows = (
            await session.scalars(
                select(OutboxMessage).where(OutboxMessage.id > mark, OutboxMessage.room_id == GREEN)
            )
        ).all()
    assert rows
    return "\n".join(str(row.content.get("body", "")) for row in rows)


async def _last_outbox(chat: CoreChat) -> int:
    async with chat.db.session() as session:
        found = await session.scalar(select(OutboxMessage.id).order_by(OutboxMessage.id.desc()))
    return int(found or 0)


async def test_the_scheduled_picture_names_what_beeld_names(chat: CoreChat) -> None:
    """(No `!beeld` before it: its post would make the scheduled one "unchanged".)"""
    await _replies(chat, LIAISON, SEVERE)
    body = await _scheduled(chat, datetime.now(UTC))
    line = next((x for x in body.splitlines() if HEARD in x), "")
    assert "Situatiebeeld" in body and "M-1 (extreem)" in line, body
    assert body.startswith("TLP:GREEN"), body
    for words in CONTENT:
        assert words not in body, words


async def test_a_curator_rooms_scheduled_picture_names_nothing_it_heard_as_coordinators(
    chat: CoreChat,
) -> None:
    await _replies(chat, LIAISON, SEVERE)
    async with chat.db.transaction() as session:
        await bind_room(session, GREEN, BindingView("curator", "storm", "VR", "GREEN", "GREEN"))
    body = await _scheduled(chat, datetime.now(UTC))
    assert "Situatiebeeld" in body and HEARD not in body and "M-1" not in body, body
