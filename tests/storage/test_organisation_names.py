"""An organisation's name matches whatever its case, beyond ASCII too: SQL `lower()` folds
only ASCII on SQLite but all of Unicode on PostgreSQL, so "FRYSLÂN" and "Fryslân" were
two organisations on one backend and one on the other (and AMBER+STRICT reports, kept
within one organisation, were not shared between the rooms that named it either way)."""

from __future__ import annotations

from storage import network, organisations
from storage.engine import Database


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
