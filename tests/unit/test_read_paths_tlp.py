"""Property: no read path - entries list, summary, export, scheduled post - shows an entry
the room may not see. Random rooms, clearances, organisations and entries (hypothesis)."""

from __future__ import annotations

import asyncio
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commands.picture import render_picture
from storage import entries as entry_repo
from storage import tlp
from storage.engine import Database
from storage.models import Incident
from storage.picture import build_picture
from storage.picture_service import picture_for_room
from tests.support.entries import entry_input
from tests.support.rooms import warm_incident

ROOMS = ["!ggd", "!brw", "!ws", "!net", "!gem", "!coord"]
ORGS = ["GGD", "Brandweer", "Waterschap", "Netbeheerder", "Gemeente", None]
T0 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)

entry_strategy = st.tuples(
    st.sampled_from(ROOMS),
    st.sampled_from(ORGS),
    st.sampled_from(tlp.LABELS),
    st.sampled_from(["Minor", "Moderate", "Severe", "Extreme"]),
    st.sampled_from(["shelter", "health", "water"]),
    st.integers(min_value=0, max_value=300),
)
room_strategy = st.builds(
    tlp.RoomAccess,
    room_id=st.sampled_from(ROOMS),
    bound=st.booleans(),
    clearance=st.sampled_from(tlp.LABELS),
    organisation=st.sampled_from(ORGS),
    public=st.booleans(),
)


async def _scenario(
    entries: list[tuple[str, str | None, str, str, str, int]], views: list[tlp.RoomAccess]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite+aiosqlite:///{Path(tmp) / 't.db'}")
        await db.migrate()
        async with db.transaction() as session:
            session.add(warm_incident("storm", T0, "x"))
            for n, (room, org, label, severity, category, minutes) in enumerate(entries):
                await entry_repo.record(
                    session,
                    entry_input(
                        category=category,
                        organisation=org,
                        observed_at=T0 + timedelta(minutes=minutes),
                        municipality=f"Gemeente {n % 3}",
                        region="Regio",
                        severity=severity,
                        text=f"entry {n}",
                        tlp=label,
                        figures=[entry_repo.FigureInput("plekken", float(n), None, "plekken")],
                    ),
                    "@u:x",
                    room,
                    f"$e{n}",
                )
        async with db.session() as session:
            from sqlalchemy import select

            from storage.models import SituationEntry

            everything = {e.id: e for e in (await session.scalars(select(SituationEntry))).all()}
        for access in views:
            allowed = {
                i
                for i, e in everything.items()
                if tlp.may_see(access, e.tlp, e.room_id, e.organisation)
            }
            async with db.transaction() as session:
                listed, _ = await entry_repo.list_visible(
                    session, access, entry_repo.EntryFilter(incident="storm"), 1000
                )
                exported = await entry_repo.all_visible(
                    session, access, entry_repo.EntryFilter(incident="storm")
                )
                incident = await session.get(Incident, "storm")
                assert incident is not None
                # `picture_for_room` (the picture service) is what both !beeld and scheduled posts run.
                first = await picture_for_room(
                    session, access, incident, T0 + timedelta(hours=6), actor="t"
                )
                reply = render_picture(first, T0 + timedelta(hours=6), "nl")
                picture = first.picture
                picture2 = (
                    await picture_for_room(
                        session, access, incident, T0 + timedelta(hours=7), actor="t"
                    )
                ).picture
                # The filtered path (window queries over entries) shows, per category,
                # exactly the latest states the series path shows for it.
                for category in ("shelter", "health", "water"):
                    filtered = await build_picture(session, access, "storm", category=category)
                    assert filtered.entry_ids <= allowed
                    assert {s.entry_id for s in filtered.states} == {
                        s.entry_id for s in picture.states if s.category == category
                    }
            assert {e.id for e in listed} <= allowed
            assert {e.id for e in exported} == allowed
            assert picture.entry_ids <= allowed and picture2.entry_ids <= allowed
            assert picture.entry_count == len(allowed)
            for hidden in set(everything) - allowed:
                assert f"M-{hidden} " not in reply.text and f"(M-{hidden})" not in reply.text
                assert f"entry {hidden}\\n" not in reply.text
            # Figures: the room's sum never includes a value it may not see.
            visible_total = sum(float(everything[i].id - 1) for i in allowed)
            shown_total = sum(f.total for f in picture.figures)
            assert shown_total <= visible_total + 1e-9
            label = picture.highest_label
            assert all(tlp.RANK[everything[i].tlp] <= tlp.RANK[label] for i in picture.entry_ids)
            assert reply.text.startswith(f"TLP:{label}")
        await db.close()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(entry_strategy, min_size=1, max_size=25),
    st.lists(room_strategy, min_size=1, max_size=6),
)
def test_no_read_path_shows_what_a_room_may_not_see(entries, views) -> None:  # type: ignore[no-untyped-def]
    asyncio.run(_scenario(entries, views))


def test_red_never_leaves_and_strict_stays_in_its_organisation() -> None:
    entries = [
        ("!ggd", "GGD", "RED", "Severe", "health", 10),
        ("!ggd", "GGD", "AMBER+STRICT", "Severe", "health", 20),
        ("!brw", "Brandweer", "AMBER", "Minor", "shelter", 30),
    ]
    views = [
        tlp.RoomAccess("!coord", True, "RED", "Veiligheidsregio"),
        tlp.RoomAccess("!ggd2", True, "AMBER+STRICT", "GGD"),
        tlp.RoomAccess("!brw", True, "AMBER+STRICT", "Brandweer"),
    ]
    asyncio.run(_scenario(entries, views))
