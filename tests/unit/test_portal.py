"""The web portal (bot/web/): links, access, headers, rate limit, rendering, audit.

Through the real dispatcher (`!melding`, `!portaal`) and the real aiohttp app on a
SQLite database; the browser and Synapse tests are in tests/integration/test_portal.py.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp import ClientSession
from pydantic import ValidationError
from sqlalchemy import event, select

from bot.config import Settings
from bot.http import HealthServer
from bot.metrics import Metrics
from bot.web import portal as portal_module
from bot.web import render
from bot.web.portal import MARKER_STAMP_SECONDS, REBUILD_SECONDS, Portal
from bot.web.security import FailureLimiter
from bot.wiring import build_dispatcher as build_dispatcher_from
from commands.builtin import build_dispatcher
from commands.dispatcher import CommandSettings, Dispatcher, RoomView
from commands.message import Message, Reply
from storage import entries, items, picture_service, portal_links, rooms, tlp
from storage.engine import Database
from storage.ids import EventId, RoomId, UserId
from storage.models import AuditRecord, PortalLink, Room, SituationEntry, utcnow
from storage.rooms import BindingView
from tests.support.chat import dispatcher_fixture
from tests.support.migrated import migrated_sqlite_url
from tests.support.ports import free_port
from tests.support.rooms import bound_database
from tests.unit.test_layering import reachable, where, within

LIAISON = RoomId("!ggd:x")
COORD = RoomId("!coord:x")  # AMBER coordinator room
MUNI = RoomId("!gemeente:x")  # GREEN municipality room
OTHER = RoomId("!coord-brand:x")  # coordinator room of another incident
BINDINGS = {
    LIAISON: BindingView("liaison", "storm", "GGD", "GREEN", "AMBER"),
    COORD: BindingView("coordinator", "storm", "Veiligheidsregio", "AMBER", "AMBER"),
    MUNI: BindingView("municipality", "storm", "Gemeente Dordrecht", "GREEN", "GREEN"),
    OTHER: BindingView("coordinator", "brand", "Veiligheidsregio", "AMBER", "AMBER"),
}
REPORTER = UserId("@ggd:x")
ALICE = UserId("@alice:x")
BOB = UserId("@bob:x")
AMBER_TEXT = "Oranjegeheim: noodopvang Sporthal Vlinderweg bijna vol."
GREEN_TEXT = "Groene melding: wegen rond Dordrecht weer open."
AMBER_METRIC = "geheimeplekken"


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


class Ticks:
    """The portal's monotonic clock (caches, rebuild window), moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def ticks_of(portal: Portal) -> Ticks:
    assert isinstance(portal.ticks, Ticks)
    return portal.ticks


@pytest.fixture
async def db(tmp_path) -> AsyncIterator[Database]:  # type: ignore[no-untyped-def]
    url = await migrated_sqlite_url(tmp_path / "portal.db")  # a copy, not a migration
    database = await bound_database(url, BINDINGS, warm=("storm", "brand"))
    yield database
    await database.close()


dispatcher = dispatcher_fixture(public_url="https://portal.example")


_n = 0


async def say(db: Database, d: Dispatcher, room: RoomId, body: str, sender: UserId) -> str:
    global _n
    _n += 1
    now = datetime.now(UTC)
    b = BINDINGS[room]
    view = RoomView(room_id=room, role=b.role, encrypted=True, binding=b)
    async with db.transaction() as session:
        replies = await d.handle(
            Message(EventId(f"$e{_n}"), room, sender, body, now), view, session, now
        )
    return "\n".join(r.text for r in replies if isinstance(r, Reply))


async def seed(db: Database, d: Dispatcher) -> None:
    amber = (
        "!melding opvang\ngemeente: Dordrecht\n"
        f"{AMBER_METRIC}: 7654\nernst: ernstig\ntlp: amber\n{AMBER_TEXT}"
    )
    green = (
        "!melding mobiliteit\ngemeente: Dordrecht\nopvangplekken beschikbaar: 12\ntlp: green\n"
        + GREEN_TEXT
    )
    assert "vastgelegd" in await say(db, d, LIAISON, amber, REPORTER)
    assert "vastgelegd" in await say(db, d, LIAISON, green, REPORTER)


async def link_for(db: Database, d: Dispatcher, room: RoomId, user: UserId) -> str:
    text = await say(db, d, room, "!portaal", user)
    match = re.search(r"https://portal\.example/p/([A-Za-z0-9_-]+)", text)
    assert match, text
    return match.group(1)


@pytest.fixture
async def client(db: Database) -> AsyncIterator[tuple[ClientSession, Clock, Portal]]:
    """The bot's own HTTP server (bot/http.py) with the portal, as `knooppunt run` starts it."""
    clock = Clock()
    portal = Portal(db, "nl", clock=clock, limiter=FailureLimiter(rate=5, period=60), ticks=Ticks())
    port = free_port()
    server = HealthServer(f"127.0.0.1:{port}", _NoSync(), db, Metrics(), portal)  # type: ignore[arg-type]
    await server.start()
    try:
        async with ClientSession(base_url=f"http://127.0.0.1:{port}") as session:
            yield session, clock, portal
    finally:
        await server.stop()


class _NoSync:
    last_sync_ok = None


@dataclass
class Rig:
    """The database, the dispatcher and the portal behind the bot's HTTP server."""

    db: Database
    dispatcher: Dispatcher
    http: ClientSession
    clock: Clock
    portal: Portal

    async def say(self, room: RoomId, body: str, sender: UserId) -> str:
        return await say(self.db, self.dispatcher, room, body, sender)

    async def link(self, room: RoomId, user: UserId) -> str:
        return await link_for(self.db, self.dispatcher, room, user)

    async def page(self, token: str) -> str:
        return await (await self.http.get(f"/p/{token}")).text()


@pytest.fixture
def rig(db: Database, dispatcher: Dispatcher, client: tuple[ClientSession, Clock, Portal]) -> Rig:
    return Rig(db, dispatcher, *client)


@pytest.fixture
async def seeded(rig: Rig) -> Rig:
    """The rig after an AMBER and a GREEN report in the liaison room."""
    await seed(rig.db, rig.dispatcher)
    return rig


async def test_link_is_random_stored_as_hash_and_audited(
    db: Database, dispatcher: Dispatcher
) -> None:
    first = await link_for(db, dispatcher, COORD, ALICE)
    second = await link_for(db, dispatcher, COORD, ALICE)
    assert first != second and len(first) >= 40
    async with db.session() as session:
        stored = list(await session.scalars(select(PortalLink)))
        audits = list(await session.scalars(select(AuditRecord)))
    assert {row.token_hash for row in stored} == {
        portal_links.hash_token(first),
        portal_links.hash_token(second),
    }
    dumped = repr([vars(row) for row in stored]) + repr([vars(a) for a in audits])
    assert first not in dumped and second not in dumped
    assert all(row.expires_at - row.created_at == timedelta(hours=12) for row in stored)
    assert [a.action for a in audits if a.action.startswith("portal.")] == [
        "portal.link_created",
        "portal.link_created",
    ]


async def test_portal_needs_a_bound_room_and_reads_its_words(
    db: Database, dispatcher: Dispatcher
) -> None:
    now = datetime.now(UTC)
    async with db.transaction() as session:
        replies = await dispatcher.handle(
            Message(EventId("$dm"), RoomId("!dm:x"), ALICE, "!portaal", now),
            RoomView(room_id=RoomId("!dm:x"), is_direct=True),
            session,
            now,
        )
    text = "\n".join(r.text for r in replies if isinstance(r, Reply))
    assert "gekoppeld" in text and "/p/" not in text
    assert "Onbekend: 'onzin'" in await say(db, dispatcher, COORD, "!portaal onzin", ALICE)
    async with db.session() as session:
        assert list(await session.scalars(select(PortalLink))) == []


async def test_amber_room_sees_amber_green_room_sees_none_of_it(seeded: Rig) -> None:
    coord = await seeded.link(COORD, ALICE)
    muni = await seeded.link(MUNI, BOB)

    page = await seeded.http.get(f"/p/{coord}")
    html = await page.text()
    assert page.status == 200
    assert AMBER_TEXT.split(":")[1].strip() in html and GREEN_TEXT in html
    assert "TLP:AMBER" in html and f"/p/{coord}/chart?m={AMBER_METRIC}" in html
    chart = await seeded.http.get(f"/p/{coord}/chart", params={"m": AMBER_METRIC})
    svg = await chart.text()
    assert chart.status == 200 and chart.content_type == "image/svg+xml"
    assert "<svg" in svg and "<script" not in svg and "7.654" in svg and "niets" not in svg

    page = await seeded.http.get(f"/p/{muni}")
    html = await page.text()
    assert page.status == 200 and GREEN_TEXT in html
    for secret in ("Oranjegeheim", "Vlinderweg", AMBER_METRIC, "TLP:AMBER", "7654", "7.654"):
        assert secret not in html, secret
    chart = await seeded.http.get(f"/p/{muni}/chart", params={"m": AMBER_METRIC})
    # Without pygal's random chart id (a uuid4, which can hold "7654").
    svg = re.sub(r"chart-[0-9a-f-]{36}", "chart-id", await chart.text())
    assert "niets" in svg and "7654" not in svg and "7.654" not in svg  # no data at all
    # The AMBER entry's own page does not exist for the GREEN room.
    ids = re.findall(r"/e/(\d+)", (await seeded.page(coord)))
    amber_entry = min(int(i) for i in ids)
    entry = await seeded.http.get(f"/p/{coord}/e/{amber_entry}")
    entry_html = await entry.text()
    assert entry.status == 200 and "Versies" in entry_html and "Vlinderweg" in entry_html
    printable = await (await seeded.http.get(f"/p/{coord}", params={"print": "1"})).text()
    # A printable version polls (it lets go of what the room may no longer see, see
    # tests/integration/test_attack_portal_open_pages.py) but opens no event stream.
    assert (
        "print-view" in printable
        and "data-poll=" in printable
        and "data-events=" not in printable
        and 'loading="lazy"' not in printable
    )
    denied = await seeded.http.get(f"/p/{muni}/e/{amber_entry}")
    assert denied.status == 404 and "Vlinderweg" not in await denied.text()


async def test_headers_on_pages_charts_errors_and_static(seeded: Rig) -> None:
    token = await seeded.link(COORD, ALICE)
    for path in (f"/p/{token}", f"/p/{token}/marker", "/p/nope", "/static/portal.css"):
        response = await seeded.http.get(path)
        headers = response.headers
        csp = headers["Content-Security-Policy"]
        assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp, path
        assert "style-src 'self'" in csp and "img-src 'self' data:" in csp
        assert "unsafe-inline" not in csp
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Cache-Control"] == "no-store"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["X-Content-Type-Options"] == "nosniff"
    chart = await seeded.http.get(f"/p/{token}/chart", params={"m": AMBER_METRIC})
    assert "script-src" not in chart.headers["Content-Security-Policy"]
    assert chart.headers["Cache-Control"] == "no-store"


async def test_revoked_expired_unknown_and_other_room(seeded: Rig) -> None:
    alice = await seeded.link(COORD, ALICE)
    bob = await seeded.link(COORD, BOB)
    other = await seeded.link(OTHER, ALICE)
    assert (await seeded.http.get(f"/p/{alice}")).status == 200
    # A link of the other incident's room shows that room's view, never COORD's.
    other_html = await seeded.page(other)
    assert "brand" in other_html and GREEN_TEXT not in other_html and COORD not in other_html

    assert "1 link(s)" in await seeded.say(COORD, "!portaal intrekken", ALICE)
    revoked = await seeded.http.get(f"/p/{alice}")
    body = await revoked.text()
    assert revoked.status == 403 and GREEN_TEXT not in body and "storm" not in body
    assert (await seeded.http.get(f"/p/{alice}/marker")).status == 403
    assert (await seeded.http.get(f"/p/{bob}")).status == 200  # Bob's link is his own

    seeded.clock.now += timedelta(hours=12, seconds=1)
    expired = await seeded.http.get(f"/p/{bob}")
    assert expired.status == 403 and GREEN_TEXT not in await expired.text()


async def test_guessing_is_rate_limited_per_client(rig: Rig) -> None:
    token = await rig.link(COORD, ALICE)
    statuses = [(await rig.http.get(f"/p/guess{i}")).status for i in range(8)]
    assert statuses[:5] == [403] * 5 and statuses[5:] == [429] * 3
    # Once throttled, not even a valid token is checked for this client.
    assert (await rig.http.get(f"/p/{token}")).status == 429


async def test_views_are_audited_with_who_which_room_and_entries(seeded: Rig) -> None:
    token = await seeded.link(MUNI, BOB)
    assert (await seeded.http.get(f"/p/{token}")).status == 200
    assert await seeded.portal.flush_audit() == 1
    async with seeded.db.session() as session:
        views = list(
            await session.scalars(select(AuditRecord).where(AuditRecord.action == "portal.viewed"))
        )
        pictures = list(
            await session.scalars(select(AuditRecord).where(AuditRecord.action == "picture.sent"))
        )
    assert len(views) == 1 and pictures == []  # a look, not a post: !beeld's log is untouched
    detail = views[0].detail
    assert views[0].actor == BOB and views[0].room_id == MUNI and views[0].subject == "storm"
    assert detail["page"] == "incident" and detail["clearance"] == "GREEN"
    assert len(detail["shown"]) == 1 and detail["tlp"] == "GREEN"


async def test_the_view_audit_flush_holds_the_write_lock_for_one_trip_only(
    seeded: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A report that needs SQLite's write lock while a flush holds it sleeps in the busy
    # handler (1, 2, 5, 10 ms, ...) until the flush commits. The flush's BEGIN, insert
    # and COMMIT go to the database thread in one trip: the lock is never held while
    # the flush waits for the event loop's next turn (pushing pages to 50 viewers).
    token = await seeded.link(MUNI, BOB)
    for _ in range(3):
        assert (await seeded.http.get(f"/p/{token}")).status == 200
    import aiosqlite

    trips: list[str] = []
    execute = aiosqlite.Connection._execute

    async def counted(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        trips.append(getattr(fn, "__name__", "?"))
        return await execute(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    assert await seeded.portal.flush_audit() == 3
    monkeypatch.undo()
    assert len(trips) == 1, trips
    async with seeded.db.session() as session:
        views = await session.scalars(
            select(AuditRecord).where(AuditRecord.action == "portal.viewed")
        )
        assert len(list(views)) == 3


async def test_marker_moves_with_what_the_room_may_see_only(seeded: Rig) -> None:
    coord = await seeded.link(COORD, ALICE)
    muni = await seeded.link(MUNI, BOB)

    async def markers() -> tuple[str, str]:
        a = await (await seeded.http.get(f"/p/{coord}/marker")).json()
        b = await (await seeded.http.get(f"/p/{muni}/marker")).json()
        return a["marker"], b["marker"]

    before = await markers()
    amber = "!melding zorg\ngemeente: Dordrecht\ntlp: amber\nNog een oranje melding."
    assert "vastgelegd" in await seeded.say(LIAISON, amber, REPORTER)
    ticks_of(seeded.portal).now += REBUILD_SECONDS  # new reports are taken in once per window
    after = await markers()
    assert after[0] != before[0] and after[1] == before[1]


async def test_tokens_never_reach_the_logs(rig: Rig, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    await seed(rig.db, rig.dispatcher)
    token = await rig.link(COORD, ALICE)
    await rig.http.get(f"/p/{token}")
    await rig.http.get(f"/p/{token}/e/999999")
    await rig.http.get(f"/p/{token}/chart", params={"m": AMBER_METRIC})
    # A failing handler is logged, without its path.
    original = rig.portal.db
    rig.portal.clear_cache()  # the kept link check would answer without the database
    rig.portal.db = None  # type: ignore[assignment]
    failed = await rig.http.get(f"/p/{token}")
    rig.portal.db = original
    assert failed.status == 500
    assert any("portal request failed" in r.getMessage() for r in caplog.records)
    logged = "\n".join(f"{r.getMessage()} {r.exc_text or ''} {r.args!r}" for r in caplog.records)
    assert token not in logged


def test_rendering_escapes_report_text_and_needs_no_nio() -> None:
    page = render.error_page("en", "portal.forbidden")
    assert "unknown, expired or revoked" in page and "<script>" not in page
    template = render.ENV.from_string("{{ x }}")
    assert template.render(x="<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;"
    seen, found = reachable(
        "bot.web.render", "bot.web.portal", "bot.web.charts", "bot.web.security"
    )
    wrong = [
        where(item)
        for item in found
        if within(item.module, "nio") or within(item.module, "bot.app")
    ]
    assert "storage.picture_service" in seen and wrong == []


async def test_the_room_losing_its_binding_closes_its_links(rig: Rig) -> None:
    token = await rig.link(COORD, ALICE)
    assert (await rig.http.get(f"/p/{token}")).status == 200
    async with rig.db.transaction() as session:
        room = await session.get(Room, COORD)
        assert room is not None
        room.public = True  # a public room sees CLEAR only: the page follows at once
    html = await rig.page(token)
    # The page says what the room reads at now: CLEAR, not the binding's AMBER.
    assert "TLP-toegang CLEAR" in html and "TLP-toegang AMBER" not in html
    async with rig.db.transaction() as session:
        await rooms.unbind(session, COORD)
    assert (await rig.http.get(f"/p/{token}")).status == 403


async def test_viewers_of_one_room_share_a_render_each_with_own_links_and_audit(
    seeded: Rig,
) -> None:
    alice = await seeded.link(COORD, ALICE)
    bob = await seeded.link(COORD, BOB)
    first = await seeded.page(alice)
    second = await seeded.page(bob)
    assert f"/p/{alice}/chart" in first and bob not in first
    assert f"/p/{bob}/chart" in second and alice not in second
    assert first.replace(alice, "T") == second.replace(bob, "T")  # one render, two links
    await seeded.portal.flush_audit()
    async with seeded.db.session() as session:
        actors = list(
            await session.scalars(
                select(AuditRecord.actor).where(AuditRecord.action == "portal.viewed")
            )
        )
    assert actors == [ALICE, BOB]
    # A new report the room may see moves the marker: the next view after the rebuild
    # window is a new render.
    amber = "!melding zorg\ngemeente: Dordrecht\ntlp: amber\nDerde melding voor de cache."
    assert "vastgelegd" in await seeded.say(LIAISON, amber, REPORTER)
    ticks_of(seeded.portal).now += REBUILD_SECONDS
    assert "Derde melding voor de cache." in await seeded.page(alice)


def test_public_url_and_link_hours_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("KNOOPPUNT_PUBLIC_URL", "KNOOPPUNT_HTTP_LISTEN", "KNOOPPUNT_PORTAL_LINK_HOURS"):
        monkeypatch.delenv(name, raising=False)
    assert Settings(http_listen="127.0.0.1:9999").effective_public_url == "http://127.0.0.1:9999"
    proxied = Settings(public_url="https://crisis.example.org/knooppunt/")
    assert proxied.effective_public_url == "https://crisis.example.org/knooppunt"
    assert Settings().portal_link_hours == 12
    with pytest.raises(ValidationError):
        Settings(public_url="crisis.example.org")
    with pytest.raises(ValidationError):
        Settings(portal_link_hours=0)
    monkeypatch.setenv("KNOOPPUNT_PORTAL_LINK_HOURS", "2")
    dispatcher = build_dispatcher_from(Settings())
    assert dispatcher.settings.portal_link_hours == 2


async def test_viewers_arriving_together_wait_for_one_build(
    seeded: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """50 pages opened at once after a change: one picture build (and one write of the
    series tables), not 50 racing for SQLite's write lock."""
    token = await seeded.link(COORD, ALICE)
    builds = count_builds(monkeypatch)
    responses = await asyncio.gather(*(seeded.http.get(f"/p/{token}") for _ in range(20)))
    assert [r.status for r in responses] == [200] * 20
    assert builds == [1]


def count_builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    builds = [0]
    real = picture_service.picture_for_room

    async def counted(*args: Any, **kwargs: Any) -> Any:
        builds[0] += 1
        return await real(*args, **kwargs)

    monkeypatch.setattr(picture_service, "picture_for_room", counted)
    return builds


async def test_new_reports_wait_for_the_rebuild_window_relabels_and_retractions_do_not(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Live viewers rebuild a room's page at most once per REBUILD_SECONDS for new
    reports; what a room may no longer see leaves its page at the next request."""
    ticks = ticks_of(rig.portal)
    await seed(rig.db, rig.dispatcher)
    coord = await rig.link(COORD, ALICE)
    muni = await rig.link(MUNI, BOB)
    builds = count_builds(monkeypatch)
    assert GREEN_TEXT in await rig.page(coord)
    assert GREEN_TEXT in await rig.page(muni)
    assert builds[0] == 2
    marker = (await (await rig.http.get(f"/p/{coord}/marker")).json())["marker"]

    report = "!melding zorg\ngemeente: Dordrecht\ntlp: green\nNieuwe melding in het venster."
    assert "vastgelegd" in await rig.say(LIAISON, report, REPORTER)
    ticks.now += REBUILD_SECONDS - 0.5  # within the window: the page built before serves
    for _ in range(5):
        assert "Nieuwe melding" not in await rig.page(coord)
        assert (await (await rig.http.get(f"/p/{coord}/marker")).json())["marker"] == marker
    assert builds[0] == 2
    ticks.now += 0.5  # the window is over: one build, for every viewer of the room
    for _ in range(5):
        assert "Nieuwe melding" in await rig.page(coord)
    assert (await (await rig.http.get(f"/p/{coord}/marker")).json())["marker"] != marker
    assert builds[0] == 3
    assert "Nieuwe melding" in await rig.page(muni)
    assert builds[0] == 4

    # A relabel to AMBER, and a retraction, within the window: gone from the next page,
    # and an open page's poll sees its marker move once its stamp is looked at again.
    muni_marker = (await (await rig.http.get(f"/p/{muni}/marker")).json())["marker"]
    async with rig.db.transaction() as session:
        entry = await session.scalar(
            select(SituationEntry).where(SituationEntry.text.contains("Nieuwe melding"))
        )
        assert entry is not None
        entry.tlp, entry.tlp_rank, entry.updated_at = "AMBER", tlp.RANK["AMBER"], utcnow()
    ticks.now += MARKER_STAMP_SECONDS  # still inside the rebuild window
    assert (await (await rig.http.get(f"/p/{muni}/marker")).json())["marker"] != muni_marker
    html = await rig.page(muni)
    assert "Nieuwe melding" not in html and GREEN_TEXT in html
    async with rig.db.transaction() as session:
        green = await session.scalar(
            select(SituationEntry).where(SituationEntry.text == GREEN_TEXT)
        )
        assert green is not None
        await entries.retract(session, green)
    assert GREEN_TEXT not in await rig.page(muni)
    assert GREEN_TEXT not in await rig.page(coord)


async def test_the_marker_poll_writes_nothing_and_builds_nothing(
    seeded: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = await seeded.link(COORD, ALICE)
    report = "!melding zorg\ngemeente: Dordrecht\ntlp: green\nMelding voor de poll."
    assert "vastgelegd" in await seeded.say(LIAISON, report, REPORTER)
    builds = count_builds(monkeypatch)
    writes: list[str] = []

    def spy(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(("SELECT", "PRAGMA")):
            writes.append(statement)

    event.listen(seeded.db.engine.sync_engine, "before_cursor_execute", spy)
    try:
        first = (await (await seeded.http.get(f"/p/{token}/marker")).json())["marker"]
        for _ in range(3):
            assert (await (await seeded.http.get(f"/p/{token}/marker")).json())["marker"] == first
        assert "vastgelegd" in await seeded.say(LIAISON, report + "!", REPORTER)
        writes.clear()  # the report's own writes
        ticks_of(seeded.portal).now += REBUILD_SECONDS
        moved = (await (await seeded.http.get(f"/p/{token}/marker")).json())["marker"]
        for _ in range(3):
            assert (await (await seeded.http.get(f"/p/{token}/marker")).json())["marker"] == moved
    finally:
        event.remove(seeded.db.engine.sync_engine, "before_cursor_execute", spy)
    assert moved != first
    assert writes == [] and builds[0] == 0
    await seeded.portal.flush_audit()
    async with seeded.db.session() as session:
        assert (
            list(
                await session.scalars(
                    select(AuditRecord.id).where(AuditRecord.action == "portal.viewed")
                )
            )
            == []
        )


async def test_page_views_are_audited_in_batches_and_flushed_on_shutdown(
    db: Database,
    dispatcher: Dispatcher,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every view is audited, with its own time, in one transaction per few seconds
    instead of a write per view; stopping the server writes what is still queued."""
    await seed(db, dispatcher)
    token = await link_for(db, dispatcher, COORD, ALICE)
    portal = Portal(db, "nl")
    port = free_port()
    server = HealthServer(f"127.0.0.1:{port}", _NoSync(), db, Metrics(), portal)  # type: ignore[arg-type]

    async def viewed() -> list[AuditRecord]:
        async with db.session() as session:
            return list(
                await session.scalars(
                    select(AuditRecord).where(AuditRecord.action == "portal.viewed")
                )
            )

    await server.start()
    try:
        async with ClientSession(base_url=f"http://127.0.0.1:{port}") as http:
            started = datetime.now(UTC)
            for _ in range(3):
                assert (await http.get(f"/p/{token}")).status == 200
            assert (await http.get(f"/p/{token}/e/1")).status == 200
            assert await viewed() == []  # queued, not yet written
    finally:
        await server.stop()
    rows = await viewed()
    assert [r.detail["page"] for r in rows] == ["incident"] * 3 + ["entry"]
    assert all(r.actor == ALICE and r.room_id == COORD for r in rows)
    assert all(started - timedelta(seconds=1) <= r.at <= datetime.now(UTC) for r in rows)

    # The background flush: a view reaches the log within AUDIT_FLUSH_SECONDS.
    monkeypatch.setattr(portal_module, "AUDIT_FLUSH_SECONDS", 0.05)
    portal = Portal(db, "nl")
    server = HealthServer(f"127.0.0.1:{port}", _NoSync(), db, Metrics(), portal)  # type: ignore[arg-type]
    await server.start()
    try:
        async with ClientSession(base_url=f"http://127.0.0.1:{port}") as http:
            assert (await http.get(f"/p/{token}")).status == 200
            for _ in range(100):
                if len(await viewed()) == 5:
                    break
                await asyncio.sleep(0.05)
            assert len(await viewed()) == 5
    finally:
        await server.stop()


async def test_no_write_lock_is_held_while_the_page_is_built_or_rendered(
    seeded: Rig, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    """While the portal builds and renders a page, another writer (the report path)
    gets SQLite's write lock at once."""
    token = await seeded.link(COORD, ALICE)
    report = "!melding zorg\ngemeente: Dordrecht\ntlp: green\nVoor de schrijfproef."
    assert "vastgelegd" in await seeded.say(LIAISON, report, REPORTER)
    free: list[bool] = []

    def writer_gets_the_lock() -> bool:
        conn = sqlite3.connect(tmp_path / "portal.db", timeout=0)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.rollback()
            return True
        except sqlite3.OperationalError:
            return False
        finally:
            conn.close()

    real_attention, real_render = items.open_attention, render.incident_page

    async def attention(*args: Any, **kwargs: Any) -> Any:
        # Inside the picture build, after the series tables were brought up to date.
        free.append(await asyncio.to_thread(writer_gets_the_lock))
        return await real_attention(*args, **kwargs)

    def rendered(*args: Any, **kwargs: Any) -> str:
        free.append(writer_gets_the_lock())
        return real_render(*args, **kwargs)

    monkeypatch.setattr(items, "open_attention", attention)
    monkeypatch.setattr(render, "incident_page", rendered)
    assert (await seeded.http.get(f"/p/{token}")).status == 200
    assert free == [True, True]


async def test_no_link_when_the_bot_serves_no_portal(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With `http_listen` empty nothing serves the pages: `!portaal` says so instead of
    handing out a link to 127.0.0.1:9180 that nobody answers (a user check found it)."""
    for name in ("KNOOPPUNT_PUBLIC_URL", "KNOOPPUNT_HTTP_LISTEN"):
        monkeypatch.delenv(name, raising=False)
    off = Settings(http_listen="", public_url="https://crisis.example.org")
    assert off.effective_public_url == ""
    dispatcher = build_dispatcher_from(off)
    text = await say(db, dispatcher, COORD, "!portaal", ALICE)
    assert "niet beschikbaar" in text and "/p/" not in text, text
    async with db.session() as session:
        assert list(await session.scalars(select(PortalLink))) == []


async def test_revoking_audits_only_links_that_were_revoked(rig: Rig) -> None:
    """A member who leaves without ever having made a link leaves no audit row behind
    (bot/membership.py revokes on every leave); one with a link leaves one."""
    now = datetime.now(UTC)
    async with rig.db.transaction() as session:
        assert await portal_links.revoke(session, COORD, BOB, now) == 0
    await rig.link(COORD, ALICE)
    async with rig.db.transaction() as session:
        assert await portal_links.revoke(session, COORD, ALICE, now) == 1
    async with rig.db.session() as session:
        rows = list(
            await session.scalars(
                select(AuditRecord).where(AuditRecord.action == "portal.link_revoked")
            )
        )
    assert [r.actor for r in rows] == [ALICE]


async def test_the_page_view_audit_names_the_decisions_and_actions_shown(seeded: Rig) -> None:
    admin = build_dispatcher(CommandSettings(bot_user_id="@knooppunt:x", admins=frozenset({ALICE})))
    body = "!besluit Sluis dicht\ntlp: green\nbesloten door: ROT"
    reply = await say(seeded.db, admin, COORD, body, ALICE)
    code = re.search(r"\bB-\d+\b", reply)
    assert code, reply
    token = await seeded.link(COORD, ALICE)
    assert code.group(0) in await seeded.page(token)
    await seeded.portal.flush_audit()
    async with seeded.db.session() as session:
        view = await session.scalar(
            select(AuditRecord).where(AuditRecord.action == "portal.viewed")
        )
    assert view is not None and view.detail["record"] == [code.group(0)]


def test_only_the_templates_own_ages_are_left_out_of_a_pushed_page() -> None:
    """The pushed page leaves out the age texts of its <time data-age> elements; a
    report's text that looks like one is escaped text, and stays."""
    own = '<td><time datetime="2026-12-04T10:00:00Z" data-age>5 min</time></td>'
    typed = (
        "<td>&lt;time datetime=&quot;2026-12-04T10:00:00Z&quot; data-age&gt;"
        "geheim&lt;/time&gt;</td>"
    )
    assert render.without_ages(own + typed) == own.replace(">5 min<", "><") + typed


async def test_the_build_workers_series_write_holds_the_write_lock_for_two_trips(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The build worker runs below the bot's CPU priority: every trip to the database
    # thread it makes while it holds SQLite's write lock waits for a core, and a report
    # wanting the lock meanwhile sleeps in the busy handler. Its write is two trips:
    # BEGIN IMMEDIATE with the watermark check, then the rows, the watermark and COMMIT.
    if not db.is_sqlite:
        pytest.skip("SQLite's write lock")
    import aiosqlite

    from storage import series
    from tests.storage.test_series_refresh_race import _entry

    at = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
    async with db.transaction() as session:
        session.add_all([_entry("storm", n, at + timedelta(minutes=n)) for n in range(3)])
    await series.refresh_with_short_lock(db, "storm")  # the first: a rebuild
    async with db.transaction() as session:
        session.add_all([_entry("storm", n, at + timedelta(minutes=n)) for n in range(3, 6)])

    holding: list[str] = []
    execute = aiosqlite.Connection._execute

    async def counted(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        before = self._conn.in_transaction
        try:
            return await execute(self, fn, *args, **kwargs)
        finally:
            if before or self._conn.in_transaction:
                holding.append(getattr(fn, "__name__", "?"))

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    await series.refresh_with_short_lock(db, "storm")
    monkeypatch.undo()
    assert len(holding) == 2, holding
    async with db.session() as session:
        rows = await session.scalars(
            select(SituationEntry.id).where(SituationEntry.incident == "storm")
        )
        assert len(list(rows)) == 6
    kept = await _series_rows(db)
    async with db.transaction() as session:
        await series._rebuild(session, "storm")
    assert await _series_rows(db) == kept and len(kept) >= 6


async def _series_rows(db: Database) -> list[tuple[object, ...]]:
    from storage.models import FigureLatest, ItemLatest, SeriesLatest

    found: list[tuple[object, ...]] = []
    async with db.session() as session:
        for table in (SeriesLatest, FigureLatest, ItemLatest):
            rows = await session.execute(select(table.key, table.entry_id))
            found += sorted((table.__tablename__, *row) for row in rows)
    return found


async def test_a_withdrawn_question_leaves_open_pages_at_once(rig: Rig) -> None:
    """A municipality asks; the coordinators' page lists the open question. The asker
    redacts it: the next page and the live marker drop it at once (within the cache
    and rebuild windows too), as for a retracted report (session 10)."""
    from commands.message import Relation

    ticks = ticks_of(rig.portal)
    await seed(rig.db, rig.dispatcher)
    coord = await rig.link(COORD, ALICE)
    words = "Mogen de geiten van kinderboerderij Wielewaal mee naar de noodopvang?"
    view = RoomView(room_id=MUNI, role="municipality", encrypted=True, binding=BINDINGS[MUNI])
    now = datetime.now(UTC)
    ask = Message(EventId("$vraag"), MUNI, BOB, f"!vraag {words}", now)
    async with rig.db.transaction() as session:
        await rig.dispatcher.handle(ask, view, session, now)
    ticks.now += REBUILD_SECONDS  # a new question may wait as a new report does
    assert "Wielewaal" in await rig.page(coord)
    marker = (await (await rig.http.get(f"/p/{coord}/marker")).json())["marker"]
    redaction = Message(
        EventId("$weg"), MUNI, BOB, "", now, kind="redaction",
        relation=Relation(redacts=EventId("$vraag")),
    )  # fmt: skip
    async with rig.db.transaction() as session:
        await rig.dispatcher.handle(redaction, view, session, now)
    assert "Wielewaal" not in await rig.page(coord)
    assert (await (await rig.http.get(f"/p/{coord}/marker")).json())["marker"] != marker
