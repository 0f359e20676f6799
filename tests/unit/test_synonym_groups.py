"""Two defects in the synonym groups (knowledge/text.py), found in session 7.

The questions are written for this test over the sample knowledge; none is in an
evaluation set."""

from __future__ import annotations

import pytest

from bench.qa_eval import load_own
from knowledge.search import Index
from knowledge.text import terms


@pytest.fixture(scope="module")
def sample() -> Index:
    items, _, _ = load_own()
    return Index(items)


def test_a_two_word_synonym_is_one_term() -> None:
    """Failed before: "emergency kit" was stemmed as one string with a space, which no
    tokenised word ever equals, so the phrase became "nood" + "kit"."""
    assert terms("emergency kit") == terms("noodpakket")
    assert terms("Where do I buy an emergency kit?") == terms("Where do I buy a noodpakket?")
    # The words apart keep their own meaning.
    assert terms("emergency") != terms("noodpakket")


def test_a_power_cut_is_not_a_drinking_water_failure(sample: Index) -> None:
    """Failed before: "storing" stood for a power cut, so the drinking-water item
    ("een storing in de drinkwatervoorziening") took the power-cut question."""
    result = sample.search("Wat doen we als de stroom in de wijk uitvalt?")
    assert result.hits[0].id != "demo-drinkwater-storing", result.hits[:3]
    assert result.hits[0].id.startswith("demo-stroomstoring"), result.hits[:3]
    # The drinking-water failure still finds its own answer.
    water = sample.search("Er is een storing aan de waterleiding, wat doen we?")
    assert water.hits[0].id == "demo-drinkwater-storing", water.hits[:3]
