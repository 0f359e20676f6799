"""Retrieval on the project's own evaluation set (tests/data/own_eval.yaml over
knowledge/sample/): runs in every clone, no skip.

The queries were written (commit 8733104) before anything was measured or tuned
on them. Measured blind first (commit 45d1b02: top-1 0.68, top-3 0.85, 46% of the
in-scope queries refused); the glossary was widened afterwards with general crisis
vocabulary, after looking at this set's misses, so the figures since are no
longer blind (the shared set, which that did not change, is the check). The issue's targets are top-1 >= 0.80, top-3 >= 0.93, at most 10% of the
in-scope queries refused and at least 90% of the out-of-scope ones refused; the
floors below are what the ranking reaches today, so a change that makes it worse
fails here (see bench/qa_eval.py for the figures per language).
"""

from __future__ import annotations

import pytest

from bench.qa_eval import BLIND2_SET, BLIND3_SET, BLIND_SET, evaluate, load_own, ours, refusals
from bench.qa_threshold import asked_items, figures
from knowledge.model import QA
from knowledge.search import CONFIDENT_COVERAGE

Own = tuple[list[QA], list[dict[str, object]], list[str]]


def _assert_relevant_known(own: Own) -> None:
    """Every query's relevant items are items of the set's store."""
    items, queries, _ = own
    ids = {item.id for item in items}
    for query in queries:
        assert set(query["relevant"]) <= ids, query  # type: ignore[arg-type]


def _questions(own: Own) -> set[str]:
    """A set's questions, in scope and out of scope, lower-cased (to check held-out sets)."""
    _, queries, outside = own
    return {str(q["query"]).lower() for q in queries} | {q.lower() for q in outside}


@pytest.fixture(scope="module")
def own() -> Own:
    return load_own()


def test_the_set_is_what_it_says(own: Own) -> None:
    _, queries, outside = own
    assert sum(q["lang"] == "nl" for q in queries) >= 60
    assert sum(q["lang"] == "en" for q in queries) >= 44
    assert len(outside) >= 30
    _assert_relevant_known(own)


def test_ranking_holds_its_figures(own: Own) -> None:
    items, queries, _ = own
    result = evaluate(ours(items), queries)
    # 105 and 108 of 116 since unknown words are read as verb forms and compounds of
    # known ones and "per" is a stop word (103 and 109 before; 0.83 / 0.92 before
    # topics carried their answers' words).
    # 105 and 109 since a two-word synonym ("emergency kit") is one term (108 before).
    assert result["top1"] >= 0.905, result
    assert result["top3"] >= 0.939, result
    # 50 English questions over the Dutch content (26 older, 24 added in session 4
    # and measured blind at top-1 0.71, top-3 0.92 before the EN->NL glossary).
    english = evaluate(ours(items), [q for q in queries if q["lang"] == "en"])
    # 47 and 47 of 50 (47 and 48 before "per" became a stop word: "There is no water
    # coming out of my tap" lost its answer from the top three).
    # 48 and 48 of 50 since "emergency kit" is one term.
    assert english["top1"] >= 0.96, english
    assert english["top3"] >= 0.96, english


def test_no_answer_behaviour(own: Own) -> None:
    items, queries, outside = own
    refused_inside, refused_outside = refusals(items, queries, outside)
    # 29 of 30 since a correctly spelled word is not read as a typo of a store term
    # (28 before: "Hoe schrijf ik een zienswijze ..." read "schrijf" as "inschrijf");
    # 28 of 30 since the threshold was fitted on the shared set (0.40 -> 0.36).
    assert sum(refused_outside) / len(refused_outside) >= 0.93
    # 24 of 116 (21%; 27 before word forms and "per", 33 before topics carried their
    # answers); bench/refusals.py, bench/confidence.py, bench/semantic_refusal.py and
    # bench/qa_experiments.py show what was tried then.
    # 17 of 116 (15%) since a known word the best answer does not cover counts no
    # more than an unseen one (tests/unit/test_confidence_rule.py).
    # 10 of 116 (8.6%) since the threshold was fitted on the shared set, 0.40 ->
    # 0.36 (bench/qa_threshold.py; this set took no part in the fit).
    assert sum(refused_inside) <= 10, sum(refused_inside)


def test_few_confident_wrong_answers(own: Own) -> None:
    """In-scope questions answered with confidence by a Q&A that does not answer
    them (bench/qa_threshold.py): 7 of 116 (6.0%) at the threshold 0.36 (5 at 0.40)."""
    items, queries, outside = own
    wrong = figures(asked_items(items, queries, outside), CONFIDENT_COVERAGE)["wrong"]
    assert wrong * len(queries) <= 7 + 1e-9, wrong


def test_no_word_belongs_to_two_synonym_groups() -> None:
    """A word in two groups silently leaves the first (it maps to the later one)."""
    from knowledge.text import SYNONYM_GROUPS, _stemmer
    from storage.vocabulary import fold

    seen: dict[str, int] = {}
    for n, group in enumerate(SYNONYM_GROUPS):
        for word in group:
            stem = _stemmer().stemWord(fold(word))
            assert seen.setdefault(stem, n) == n, (word, SYNONYM_GROUPS[seen[stem]], group)


def test_the_glossary_adds_words_and_overrides_no_group() -> None:
    """Every glossary line names a Dutch word, and a word a synonym group names keeps
    the group's meaning (the glossary only adds)."""
    from knowledge.text import SYNONYM_GROUPS, _stemmer, _synonyms, english_forms, read_glossary
    from storage.vocabulary import fold

    stem = _stemmer().stemWord
    grouped = {stem(fold(w)): stem(fold(g[0])) for g in SYNONYM_GROUPS for w in g}
    glossary = read_glossary()
    assert len(glossary) >= 50
    table = _synonyms()
    for english, dutch in glossary.items():
        assert dutch, english
        for form in english_forms(english):
            if stem(form) in grouped:
                assert table[stem(form)] == grouped[stem(form)], form
            else:
                assert table[stem(form)] == table.get(stem(dutch), stem(dutch)), form


def test_an_english_question_finds_the_dutch_answer(own: Own) -> None:
    from knowledge.search import Index

    items, _, _ = own
    result = Index(items).search("How do I get rid of furniture ruined by the flood?")
    assert result.confident
    assert result.hits[0].id == "demo-overstroming-huisraad"


@pytest.fixture(scope="module")
def blind() -> Own:
    return load_own(BLIND_SET)


def test_the_blind_set_is_what_it_says(blind: Own) -> None:
    _, queries, outside = blind
    assert sum(q["lang"] == "nl" for q in queries) == 30
    assert sum(q["lang"] == "en" for q in queries) == 10
    assert len(outside) == 15
    _assert_relevant_known(blind)
    # Held out from the tuned set: no question of one is in the other.
    assert not _questions(load_own()) & _questions(blind)


def test_the_blind_set_holds_its_figures(blind: Own) -> None:
    """tests/data/own_eval_blind.yaml: written and committed (c97504a) before it was
    first measured; nothing is tuned on it. First measured after the session-9
    confidence changes (known-word cap, no typo reading of real words, threshold
    0.36 fitted on the shared set); on the main of that morning it scored the same
    ranking (36 and 36 of 40), refused 11 of 40 in-scope questions and 14 of 15 out
    of scope. Floors are today's figures: a change that makes it worse fails here."""
    items, queries, outside = blind
    result = evaluate(ours(items), queries)
    assert result["top1"] >= 0.90, result  # 36 of 40
    assert result["top3"] >= 0.90, result  # 36 of 40
    refused_inside, refused_outside = refusals(items, queries, outside)
    # 6 of 40 (15%; 8 before) since a number counts as wordfreq counts numbers
    # (tests/unit/test_confidence_rule.py): "60 bedden", "35 graden".
    assert sum(refused_inside) <= 6, sum(refused_inside)  # the issue asks <= 10%
    assert sum(refused_outside) >= 13, sum(refused_outside)  # 87%, the issue asks >= 90%
    wrong = figures(asked_items(items, queries, outside), CONFIDENT_COVERAGE)["wrong"]
    assert wrong * len(queries) <= 1 + 1e-9, wrong  # 1 of 40


@pytest.fixture(scope="module")
def blind2() -> Own:
    return load_own(BLIND2_SET)


def test_the_second_blind_set_is_what_it_says(blind2: Own) -> None:
    """tests/data/own_eval_blind2.yaml (session 10): at least 30 Dutch and 10 English
    in-scope questions and 15 out of scope, none of them in the tuned set or the
    first blind set."""
    _, queries, outside = blind2
    assert sum(q["lang"] == "nl" for q in queries) >= 30
    assert sum(q["lang"] == "en" for q in queries) >= 10
    assert len(outside) >= 15
    _assert_relevant_known(blind2)
    seen = _questions(load_own()) | _questions(load_own(BLIND_SET))
    assert not seen & _questions(blind2)


def test_the_second_blind_set_holds_its_figures(blind2: Own) -> None:
    """tests/data/own_eval_blind2.yaml: written and committed (b87ff5a, deb0db4) before
    it was first measured, and measured once, at the end of session 10, on the code
    of that session (4712b5b and after: ranking as main plus English inflections).
    It scored top-1 33 of 44 (0.75), top-3 40 of 44 (0.91), refused 12 of 44
    in-scope questions (27%; 12 of 32 Dutch, 0 of 12 English), 15 of 16 out of
    scope (94%), and answered 5 of 44 wrongly with confidence (11%): well below the
    own set, which the ranking was tuned with. Floors are those figures: a change
    that makes it worse fails here; nothing is to be tuned on it."""
    items, queries, outside = blind2
    result = evaluate(ours(items), queries)
    assert result["top1"] * len(queries) >= 33 - 1e-9, result
    assert result["top3"] * len(queries) >= 40 - 1e-9, result
    refused_inside, refused_outside = refusals(items, queries, outside)
    # 11 of 44 (25%) since a separable verb weighs as its verb ("weg te pompen").
    assert sum(refused_inside) <= 11, sum(refused_inside)  # the issue asks <= 10%
    assert sum(refused_outside) >= 15, sum(refused_outside)  # 94%
    wrong = figures(asked_items(items, queries, outside), CONFIDENT_COVERAGE)["wrong"]
    assert wrong * len(queries) <= 5 + 1e-9, wrong  # 5 of 44


def test_the_third_blind_set_is_what_it_says() -> None:
    """tests/data/own_eval_blind3.yaml (session 10, helper "confid"): at least 30 Dutch
    and 10 English in-scope questions and 15 out of scope, none of them in the tuned
    set or the first two blind sets (its figures: the test below)."""
    blind3 = load_own(BLIND3_SET)
    _, queries, outside = blind3
    assert sum(q["lang"] == "nl" for q in queries) >= 30
    assert sum(q["lang"] == "en" for q in queries) >= 10
    assert len(outside) >= 15
    _assert_relevant_known(blind3)
    seen = _questions(load_own()) | _questions(load_own(BLIND_SET))
    seen |= _questions(load_own(BLIND2_SET))
    held_out = _questions(blind3)
    assert len(held_out) == len(queries) + len(outside)
    assert not seen & held_out


def test_the_third_blind_set_holds_its_figures() -> None:
    """tests/data/own_eval_blind3.yaml: written and committed (f336803) before the
    confidence work of session 10's helper "confid" and before it was first
    measured; measured once, at the end of that work (540e45e). It scored top-1 44 of
    50, top-3 46 of 50, refused 11 of 50 in-scope questions (22%; 10 of 37 Dutch),
    13 of 20 out of scope (65%: its out-of-scope questions come from the store's own
    crises), and answered 2 of 50 wrongly with confidence. Floors are those figures;
    nothing is to be tuned on it."""
    items, queries, outside = load_own(BLIND3_SET)
    result = evaluate(ours(items), queries)
    assert result["top1"] * len(queries) >= 44 - 1e-9, result
    assert result["top3"] * len(queries) >= 46 - 1e-9, result
    refused_inside, refused_outside = refusals(items, queries, outside)
    assert sum(refused_inside) <= 11, sum(refused_inside)  # 22%, the issue asks <= 10%
    assert sum(refused_outside) >= 13, sum(refused_outside)  # 65%, the issue asks >= 90%
    wrong = figures(asked_items(items, queries, outside), CONFIDENT_COVERAGE)["wrong"]
    assert wrong * len(queries) <= 2 + 1e-9, wrong  # 2 of 50
