"""Questions asked of the sample store with the own evaluation set's items, as the
confidence tests of the sample store ask them."""

from __future__ import annotations

from bench.qa_eval import load_own
from knowledge.search import Index


def assert_suggested_not_sure(asked: str) -> None:
    """`asked`, searched in the own set's items for three hits, is no sure answer, but
    the nearest Q&As are still suggested."""
    items, _, _ = load_own()
    result = Index(items).search(asked, 3)
    assert not result.confident, (result.hits[:1], result.coverage)
    assert result.hits  # still suggested
