"""Two defects in the synonym groups (knowledge/text.py), found in session 7.

The questions are written for this test over the sample knowledge; none is in an
evaluation set."""

from __future__ import annotations

from knowledge.text import terms


def test_a_two_word_synonym_is_one_term() -> None:
    """Failed before: "emergency kit" was stemmed as one string with a space, which no
    tokenised word ever equals, so the phrase became "nood" + "kit"."""
    assert terms("emergency kit") == terms("noodpakket")
    assert terms("Where do I buy an emergency kit?") == terms("Where do I buy a noodpakket?")
    # The words apart keep their own meaning.
    assert terms("emergency") != terms("noodpakket")
