"""knowledge/linking.py: the parts of the link score, and what an asking room may not see."""

from __future__ import annotations

import pytest

from commands.questions import visible_nearest
from knowledge import linking


def test_nearest_scores_are_shares_of_the_best() -> None:
    asked = linking.asked({"water": 1.0}, [("a", 8.0), ("b", 4.0), ("c", 0.0)])
    assert asked.nearest == {"a": 1.0, "b": 0.5}


def test_the_score_adds_wording_and_half_the_nearness() -> None:
    a = linking.asked({"water": 2.0, "kraan": 1.0}, [("x", 2.0), ("y", 1.0)])
    b = linking.asked({"water": 2.0, "tappunt": 1.0}, [("x", 4.0), ("y", 2.0)])
    assert linking.wording(a, b) == pytest.approx(4 / 6)
    assert linking.nearness(a, b) == pytest.approx(1.0)
    assert linking.score(a, b) == pytest.approx(4 / 6 + linking.NEAREST_WEIGHT)
    assert linking.same_need(a, b)


def test_without_nearest_items_the_words_alone_decide() -> None:
    a = linking.asked({"kermis": 3.0, "storm": 1.0}, [])
    b = linking.asked({"kermis": 3.0, "wind": 1.0}, [("x", 1.0)])
    assert linking.wording(a, b) == pytest.approx(0.75)
    assert linking.same_need(a, b)  # 0.75 >= WORDING_ALONE
    c = linking.asked({"kermis": 1.0, "wind": 3.0}, [])
    assert not linking.same_need(a, c)  # 0.25


def test_an_item_the_asking_room_may_not_see_plays_no_part() -> None:
    nearest = [
        {"id": "amber-tappunten", "question": "…", "score": 9.0},
        {"id": "demo-drinkwater-storing", "question": "…", "score": 3.0},
    ]
    seen = visible_nearest(nearest, frozenset({"amber-tappunten"}))
    assert seen == [("demo-drinkwater-storing", 3.0)]
    # So the visible item is the candidate's best, as it is for a store without it.
    assert linking.asked({}, seen).nearest == {"demo-drinkwater-storing": 1.0}
    assert visible_nearest(None, frozenset()) == []


def test_what_a_question_names() -> None:
    assert linking.names("Hoeveel zandzakken krijgt Papendrecht vandaag?") == {"papendrecht"}
    assert linking.names("Is de N3 dicht? Wanneer gaat de A15 open?") == {"n3", "a15"}
    # A sentence's first word and English "I" name nothing.
    assert linking.names("Wanneer komt de stroom terug? Can I help?") == frozenset()
    assert linking.names("Papendrecht: hoeveel zandzakken?") == {"papendrecht"}
    assert linking.names("Is de route al bekend TLP:AMBER") == frozenset()
    a = linking.asked({"zandzak": 1.0}, [("x", 1.0)], "Zandzakken voor Papendrecht?")
    b = linking.asked({"zandzak": 1.0}, [("x", 1.0)], "Zandzakken voor Alblasserdam?")
    c = linking.asked({"zandzak": 1.0}, [("x", 1.0)], "Zandzakken, hoeveel?")
    assert linking.score(a, b) == 0.0
    # One that names nothing may be asked from the place's own room: left to the score.
    assert linking.same_need(a, c)
    assert linking.speaks_for_own("Hoeveel zandzakken krijgen wij?")
    assert not linking.speaks_for_own("Hoeveel zandzakken krijgt de gemeente?")
