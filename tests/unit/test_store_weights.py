"""The store's duplicate weights and its rebuilds.

Two open questions are compared with term weights from the store's Q&As
(knowledge/duplicates.py). What a room may not see does not exist for it, and
content that is not current is not an answer: neither may weigh in that room's
comparison (a hidden Q&A's words would otherwise shift, and so betray, what the
room's questions are linked to). And a store that changed in one item is rebuilt
from what it already knew, not tokenised again from scratch.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.qa_eval import load_own, scaled
from knowledge import search
from knowledge.model import QA
from knowledge.search import Document, Index
from knowledge.service import Reader, _build

TODAY = date(2026, 12, 3)


def _qa(item_id: str, question: str, **extra: object) -> QA:
    return QA.model_validate(
        {"id": item_id, "question": question, "answer": "Zie de website.", **extra}
    )


VISIBLE = _qa("zand-1", "Waar haal ik zandzakken bij hoogwater?")
OTHER = _qa("water-1", "Is het kraanwater veilig om te drinken?")
HIDDEN = _qa("zand-geheim", "Zandzakken voor de dijk bij de gemeentewerf", tlp="AMBER")
EXPIRED = _qa(
    "zand-oud", "Zandzakken bij het stadhuis ophalen", valid_until=TODAY - timedelta(days=1)
)


def _not_amber(doc: Document) -> bool:
    return doc.label != "AMBER"


def test_duplicate_weights_count_only_what_the_reader_sees_and_what_is_current() -> None:
    store = _build(1, [VISIBLE, OTHER, HIDDEN, EXPIRED], [], {})
    reader = Reader("green-room", _not_amber)
    df, n = store.question_weights(reader, TODAY)
    never_there = _build(1, [VISIBLE, OTHER], [], {})
    assert (df, n) == (never_there.question_df, 2)
    # Everything, for a reader that sees everything on a day all four are current.
    everyone = Reader("all", lambda doc: True)
    assert store.question_weights(everyone, TODAY - timedelta(days=2)) == (store.question_df, 4)


def test_a_changed_store_reuses_the_terms_of_unchanged_items(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    items, queries, outside = load_own()
    before = Index(items, 1)
    changed = [
        items[0].model_copy(
            update={"alternatives": [*items[0].alternatives, "Waar melden we bedden?"]}
        ),
        *items[1:],
    ]
    tokenised: list[str] = []
    original = search._document_terms

    def counting(doc: Document) -> tuple[list[str], list[str], list[str]]:
        tokenised.append(doc.id)
        return original(doc)

    monkeypatch.setattr(search, "_document_terms", counting)
    reused = Index(changed, 2, reuse=before)
    assert tokenised == [items[0].id]
    # The same ranking, and the same confidence, as an index built from nothing.
    fresh = Index(changed, 2)
    for query in [str(q["query"]) for q in queries] + outside:
        assert reused.search(query, limit=10) == fresh.search(query, limit=10)


def test_a_store_rebuilt_from_its_predecessor_is_the_same_store() -> None:
    items, _, _ = load_own()
    big = scaled(items, 400)
    first = _build(1, big, [], {})
    retired = big[:7] + big[8:]
    again = _build(2, retired, [], {}, previous=first)
    fresh = _build(2, retired, [], {})
    assert again.question_df == fresh.question_df
    for query in ("Mag mijn kat mee naar de noodopvang?", "How much drinking water per day?"):
        assert again.qa_index.search(query, limit=10) == fresh.qa_index.search(query, limit=10)


LABELS = ("CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED")
WORDS = ("zandzakken", "dijk", "opvang", "kraanwater", "evacuatie", "stroom", "kat", "school")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(LABELS),
            st.lists(st.sampled_from(WORDS), min_size=1, max_size=4),
            st.booleans(),
        ),
        min_size=1,
        max_size=8,
    ),
    st.sets(st.sampled_from(LABELS)),
)
def test_a_views_weights_are_those_of_a_store_without_what_it_may_not_see(
    specs: list[tuple[str, list[str], bool]], seen: set[str]
) -> None:
    """For any store and any view: the view's weights are the weights of the store that
    holds only the current items the view may see (nothing else weighs in)."""
    items = [
        _qa(
            f"q-{n}",
            "Waar vind ik " + " ".join(words) + "?",
            tlp=label,
            valid_until=TODAY - timedelta(days=1) if expired else None,
        )
        for n, (label, words, expired) in enumerate(specs)
    ]
    store = _build(1, items, [], {})
    reader = Reader(frozenset(seen), lambda doc: doc.label in seen)
    kept = [i for i in items if i.tlp in seen and i.current(TODAY)]
    assert store.question_weights(reader, TODAY) == (
        _build(1, kept, [], {}).question_df,
        len(kept),
    )
