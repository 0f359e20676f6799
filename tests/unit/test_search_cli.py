"""`knooppunt knowledge search` keeps its index on disk, keyed by the store.

A call on an unchanged store must not rebuild the index (that made every call
take seconds at 10,000 Q&As); a changed store must never be answered from the old
index. bench/search_cli.py measures the time per call.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from bot.cli import main
from knowledge import index_cache, search

CONTENT = """qas:
  - id: stroom-1
    question: Wat moet ik doen bij een stroomstoring?
    answer: Houd een radio op batterijen bij de hand.
    topic: stroom
  - id: water-1
    question: Is het kraanwater veilig om te drinken?
    answer: Volg de berichten van het drinkwaterbedrijf.
    topic: water
"""


def _search(query: str, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    assert main(["knowledge", "search", query, "--json"]) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


async def test_search_loads_the_saved_index_until_the_store_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KNOOPPUNT_DATA_DIR", str(tmp_path))
    content = tmp_path / "qas.yaml"
    content.write_text(CONTENT, encoding="utf-8")
    assert await asyncio.to_thread(main, ["knowledge", "import", str(content)]) == 0
    capsys.readouterr()

    first = await asyncio.to_thread(_search, "de stroom is uitgevallen", capsys)
    assert first["results"][0]["id"] == "stroom-1"  # type: ignore[index]
    saved = list((tmp_path / "cache").glob("qa-*.index"))
    assert len(saved) == 1

    # Unchanged store: the saved index answers, nothing is built.
    built: list[int] = []
    original = search.Index.__init__

    def counting_init(self: search.Index, *args: object, **kwargs: object) -> None:
        built.append(1)
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(search.Index, "__init__", counting_init)
    again = await asyncio.to_thread(_search, "de stroom is uitgevallen", capsys)
    assert again == first
    assert built == []

    # A changed store is never answered from the old index, and the old file goes.
    content.write_text(
        CONTENT.replace("Wat moet ik doen bij een stroomstoring?", "Waar haal ik zandzakken?"),
        encoding="utf-8",
    )
    assert await asyncio.to_thread(main, ["knowledge", "import", str(content)]) == 0
    capsys.readouterr()
    changed = await asyncio.to_thread(_search, "zandzakken", capsys)
    assert changed["results"][0]["id"] == "stroom-1"  # type: ignore[index]
    assert changed["results"][0]["question"] == "Waar haal ik zandzakken?"  # type: ignore[index]
    assert built == [1]
    assert [p.name for p in (tmp_path / "cache").glob("qa-*.index")] != [saved[0].name]
    assert len(list((tmp_path / "cache").glob("qa-*.index"))) == 1


def test_a_saved_index_ranks_exactly_as_a_built_one() -> None:
    from bench.qa_eval import load_own

    items, queries, outside = load_own()
    built = search.Index(items)
    path_free = search.Index.__new__(search.Index)
    path_free.__setstate__(built.__getstate__())
    for query in [str(q["query"]) for q in queries] + outside:
        assert path_free.search(query, limit=10) == built.search(query, limit=10)
    # Searching names its hits without unpacking every document of a saved index.
    assert path_free._documents is None
    assert path_free.document(built.documents[5].id) == built.documents[5]
    assert path_free.documents == built.documents


def test_an_unreadable_saved_index_is_rebuilt(tmp_path: Path) -> None:
    broken = tmp_path / "qa-x.index"
    broken.write_bytes(b"not an index")
    assert index_cache.load_index(broken, "x") is None
    assert index_cache.load_index(tmp_path / "missing.index", "x") is None
