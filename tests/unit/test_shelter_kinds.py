"""Emergency shelter is not hosting at home (helper leftovers16, gap 2).

"Noodopvang" (a public emergency shelter: a sports hall, a school, run by the
municipality) was one word with "opvang" in the vocabulary, so "Wie betaalt de kosten
van de noodopvang?" was fully covered by the host-family allowance Q&A's phrasing
"Wie betaalt de kosten van opvang bij particulieren thuis?" and answered with
confidence: a municipality asking about its shelter's costs was told about the
allowance for private hosts. Now "noodopvang" is its own kind of shelter; the general
"opvang" still finds the hosting answers."""

from __future__ import annotations

import pytest

from bench.qa_eval import load_own
from knowledge.search import Index
from knowledge.text import shelter_kinds


@pytest.fixture(scope="module")
def index() -> Index:
    items, _, _ = load_own()
    return Index(items)


@pytest.mark.parametrize(
    "question",
    [
        "Wie betaalt de kosten van de noodopvang?",
        "Wie betaalt de noodopvang?",
        "Wie betaalt de kosten van de opvang in de sporthal?",
        "Wie betaalt het evacuatiecentrum?",
    ],
)
def test_the_costs_of_an_emergency_shelter_are_no_sure_host_family_answer(
    index: Index, question: str
) -> None:
    result = index.search(question, limit=3)
    assert not (result.confident and result.hits[0].id == "demo-gastgezin-kosten"), result


@pytest.mark.parametrize(
    "question",
    [
        "Wie betaalt de kosten van opvang bij particulieren thuis?",
        "Wie betaalt de kosten van een gastgezin?",
        "Krijg ik een vergoeding als ik een gezin in huis opvang?",
    ],
)
def test_hosting_at_home_still_finds_the_allowance(index: Index, question: str) -> None:
    result = index.search(question, limit=3)
    assert result.confident and result.hits[0].id == "demo-gastgezin-kosten", result


def test_kinds_of_shelter_are_told_apart() -> None:
    assert shelter_kinds("de noodopvang in de sporthal") == {0}
    assert shelter_kinds("opvang bij particulieren thuis") == {1}
    assert shelter_kinds("Krijgt een gastgezin een vergoeding?") == {1}
    assert shelter_kinds("Wie betaalt de opvang?") == frozenset()
