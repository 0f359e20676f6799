"""An organisation's name matches whatever its case, beyond ASCII too: SQL `lower()` folds
only ASCII on SQLite but all of Unicode on PostgreSQL, so "FRYSLÂN" and "Fryslân" were
two organisations on one backend and one on the other (and AMBER+STRICT reports, kept
within one organisation, were not shared between the rooms that named it either way)."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime

from storage import entries, incidents, network, organisations, records, rooms, tlp
from storage.engine import Database
from storage.ids import RoomId


async def test_a_name_in_other_case_is_the_same_organisation_on_both_backends(
    db: Database,
) -> None:
    async with db.transaction() as session:
        first = await organisations.ensure(session, "Fryslân")
        again = await organisations.ensure(session, "FRYSLÂN")
        assert again is first and again.name == "Fryslân"
        assert (await organisations.find(session, " fryslân ")) is not None
        assert len(await organisations.all_organisations(session)) == 1


async def test_partner_details_and_sectors_find_the_organisation_whatever_its_case(
    db: Database,
) -> None:
    async with db.transaction() as session:
        await organisations.ensure(session, "Waterschap Noorderzijlvest Ærø")
        await network.upsert_partner(
            session, {"name": "WATERSCHAP NOORDERZIJLVEST ÆRØ", "sectors": ["water"]}
        )
        assert len(await organisations.all_organisations(session)) == 1
        assert await network.organisation_sectors(session, "waterschap noorderzijlvest ærø") == [
            "water"
        ]


async def test_the_reports_filter_matches_organisation_and_municipality_whatever_case(
    db: Database,
) -> None:
    """`!meldingen org=élan zorg gemeente=SÚDWEST-FRYSLÂN` lists the reports of "Élan Zorg"
    in "Súdwest-Fryslân" on both backends (SQL `lower()` folds only ASCII on SQLite, so
    it turned the stored "Élan Zorg" into "Élan zorg" and missed it)."""
    data = entries.EntryInput(
        incident=None, category="water", organisation="Élan Zorg",
        observed_at=datetime.now(UTC), municipality="Súdwest-Fryslân", region=None,
        location=None, severity="Minor", status="new", source=None, sector=None,
        text="Dijk houdt.", tlp="GREEN",
    )  # fmt: skip
    async with db.transaction() as session:
        await entries.record(session, data, "@l:x", "!room:x", "$one")
    access = tlp.RoomAccess("!other:x", True, "AMBER", "Élan Zorg")
    wanted = entries.EntryFilter(organisation="élan zorg", municipality="SÚDWEST-FRYSLÂN")
    async with db.session() as session:
        rows, total = await entries.list_visible(session, access, wanted, limit=10)
        counted = await entries.count_by_label(session, access, wanted)
    assert total == 1 and [r.text for r in rows] == ["Dijk houdt."]
    assert sum(counted.values()) == 1


async def test_an_owner_named_in_another_form_finds_its_organisations_room(
    db: Database,
) -> None:
    """`eigenaar: FRYSLÂN` typed with a decomposed â (as some keyboards send it) or in
    capitals names the organisation "Fryslân" that `organisations.find` knows by the same
    key; the owner lookup folded with `str.lower()` alone and found no room."""
    room = RoomId("!fryslan:x")
    async with db.transaction() as session:
        await incidents.open_incident(session, "storm", "Storm", "@admin:x")
        await rooms.mark_joined(session, room, datetime.now(UTC))
        name = (await organisations.ensure(session, "Fryslân")).name
        await rooms.bind(
            session, room, role="liaison", incident="storm", organisation=name,
            tlp_default="AMBER", clearance="AMBER", by="@admin:x",
        )  # fmt: skip
    decomposed = unicodedata.normalize("NFD", "FRYSLÂN")
    async with db.session() as session:
        found = await records.owner_room_of_org(session, decomposed, "storm")
        assert await organisations.find(session, decomposed) is not None
    assert found is not None and found.room_id == room


async def test_names_that_differ_by_more_than_case_stay_two_organisations(
    db: Database,
) -> None:
    """The key folds case and Unicode composition only (review7): names that differ by an
    accent, punctuation or a space inside are other organisations, whose AMBER+STRICT
    reports must not be shared, and `ensure` makes each its own."""
    pairs = [
        ("Fryslân", "Fryslan"),
        ("GGD-Fryslân", "GGD Fryslân"),
        ("Veiligheidsregio Zuid", "Veiligheidsregio  Zuid"),
        ("Rijkswaterstaat", "Rijkswaterstaat."),
    ]
    async with db.transaction() as session:
        for first, second in pairs:
            one = await organisations.ensure(session, first)
            other = await organisations.ensure(session, second)
            assert one is not other and (one.name, other.name) == (first, second)
        assert len(await organisations.all_organisations(session)) == 2 * len(pairs)


async def test_a_filter_naming_no_known_organisation_lists_nothing(db: Database) -> None:
    """`!meldingen org=onbekend`: no stored name matches, so the filter is an empty IN on
    both backends, which must list nothing rather than fail or list all (review7)."""
    data = entries.EntryInput(
        incident=None, category="water", organisation="GGD",
        observed_at=datetime.now(UTC), municipality="Dordrecht", region=None,
        location=None, severity="Minor", status="new", source=None, sector=None,
        text="Dijk houdt.", tlp="GREEN",
    )  # fmt: skip
    async with db.transaction() as session:
        await entries.record(session, data, "@l:x", "!room:x", "$one")
    access = tlp.RoomAccess("!other:x", True, "AMBER", "GGD")
    for wanted in (
        entries.EntryFilter(organisation="onbekend"),
        entries.EntryFilter(municipality="Nergenshuizen"),
    ):
        async with db.session() as session:
            rows, total = await entries.list_visible(session, access, wanted, limit=10)
            counted = await entries.count_by_label(session, access, wanted)
        assert (rows, total, counted) == ([], 0, {})


async def test_a_room_bound_under_another_spelling_reads_its_organisations_sectors(
    db: Database,
) -> None:
    """The hot path's binding view joins the room's organisation for its sectors (which
    a report without `sector:` falls back to). It joined with SQL `lower()`: on SQLite
    a binding naming "FRYSLÂN" missed the organisation "Fryslân" (no sectors), on
    PostgreSQL it found it. A binding now always names the stored organisation."""
    room = RoomId("!fryslan:x")
    async with db.transaction() as session:
        await incidents.open_incident(session, "storm", "Storm", "@admin:x")
        await rooms.mark_joined(session, room, datetime.now(UTC))
        await network.upsert_partner(session, {"name": "Fryslân", "sectors": ["water"]})
        binding = await rooms.bind(
            session, room, role="liaison", incident="storm", organisation="FRYSLÂN ",
            tlp_default="AMBER", clearance="AMBER", by="@admin:x",
        )  # fmt: skip
        assert binding.organisation == "Fryslân"
    async with db.session() as session:
        context = await rooms.message_context(session, room, "$new")
    assert context.binding is not None
    assert (context.binding.organisation, context.binding.sectors) == ("Fryslân", ("water",))
