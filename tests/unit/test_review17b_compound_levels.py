"""Hostile review (session 17, review17b): a level named by a Dutch compound
(`waterhoogte`, `watertemperatuur`) was summed across sources in the picture."""

from __future__ import annotations

import pytest

from storage.metric_kinds import adds_up


@pytest.mark.parametrize(
    ("metric", "unit"),
    [
        # Dutch writes a level as one word: two gauges at 3,05 and 2,95 m of water were
        # shown as 6 m of water.
        ("waterhoogte", "m"),
        ("grondwaterstand", "cm"),
        ("waterpeil_lek", "m"),
        ("watertemperatuur", None),
        ("golfhoogte", "m"),
        ("stroomsnelheid", None),
        ("bezettingsgraad", None),
        ("luchtdruk", "hPa"),
        ("waterniveau", None),
    ],
)
def test_compound_levels_are_not_summed(metric: str, unit: str | None) -> None:
    assert adds_up(metric, unit) is False


@pytest.mark.parametrize(
    ("metric", "unit"),
    [
        ("achterstand", "meldingen"),
        ("zandzakken", None),
        ("opvangplekken_beschikbaar", None),
        ("huishoudens_zonder_stroom", None),
        ("bewoners", "personen"),
    ],
)
def test_counts_are_still_summed(metric: str, unit: str | None) -> None:
    assert adds_up(metric, unit) is True


@pytest.mark.parametrize("metric", ["occupancy_rate", "flow_rate", "uitvalpercentage"])
def test_rates_named_in_words_are_not_summed(metric: str) -> None:
    assert adds_up(metric, None) is False
