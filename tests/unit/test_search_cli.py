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


def _count_builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A list that grows by one for every index built from here on."""
    built: list[int] = []
    original = search.Index.__init__

    def counting_init(self: search.Index, *args: object, **kwargs: object) -> None:
        built.append(1)
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(search.Index, "__init__", counting_init)
    return built


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
    built = _count_builds(monkeypatch)
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


def test_a_damaged_foreign_or_cut_index_file_is_never_used(tmp_path: Path) -> None:
    from bench.qa_eval import load_own

    items, _, _ = load_own()
    built = search.Index(items, 4)
    path = index_cache.index_path(tmp_path, "abc")
    index_cache.save_index(built, path, "abc")
    loaded = index_cache.load_index(path, "abc")
    assert loaded is not None
    assert loaded.search("Mag mijn hond mee naar de opvang?", 5) == built.search(
        "Mag mijn hond mee naar de opvang?", 5
    )
    saved = path.read_bytes()
    # Renamed to another store's key: the key inside the file tells.
    assert index_cache.load_index(path, "other") is None
    # Any one byte changed (metadata or arrays), or the file cut short: the checksum tells.
    for at in (30, len(saved) // 2, len(saved) - 1):
        damaged = bytearray(saved)
        damaged[at] ^= 0x40
        path.write_bytes(bytes(damaged))
        assert index_cache.load_index(path, "abc") is None
    path.write_bytes(saved[: len(saved) - 100])
    assert index_cache.load_index(path, "abc") is None


def test_a_damaged_saved_index_is_rebuilt_by_the_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KNOOPPUNT_DATA_DIR", str(tmp_path))
    content = tmp_path / "qas.yaml"
    content.write_text(CONTENT, encoding="utf-8")
    assert main(["knowledge", "import", str(content)]) == 0
    capsys.readouterr()
    first = _search("is het water veilig", capsys)
    (saved,) = (tmp_path / "cache").glob("qa-*.index")
    data = bytearray(saved.read_bytes())
    data[-5] ^= 0x01
    saved.write_bytes(bytes(data))
    assert _search("is het water veilig", capsys) == first
    # Written again, whole.
    (again,) = (tmp_path / "cache").glob("qa-*.index")
    assert index_cache.load_index(again, again.name[3:-6]) is not None


async def test_the_store_key_is_the_same_through_sqlite3_and_the_database_layer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storage.engine import Database

    monkeypatch.setenv("KNOOPPUNT_DATA_DIR", str(tmp_path))
    content = tmp_path / "qas.yaml"
    content.write_text(CONTENT, encoding="utf-8")
    assert await asyncio.to_thread(main, ["knowledge", "import", str(content)]) == 0
    database = index_cache.sqlite_path(None, tmp_path)
    assert database is not None
    db = Database(f"sqlite:///{database}")
    try:
        key = await index_cache.store_key(db)
        assert index_cache.sqlite_store_key(database) == key
        content.write_text(CONTENT.replace("radio", "zaklamp"), encoding="utf-8")
        assert await asyncio.to_thread(main, ["knowledge", "import", str(content)]) == 0
        changed = await index_cache.store_key(db)
        assert changed != key
        assert index_cache.sqlite_store_key(database) == changed
    finally:
        await db.close()
    # No database yet, or not SQLite: the quick path steps aside.
    assert index_cache.sqlite_store_key(tmp_path / "none.db") is None
    assert not (tmp_path / "none.db").exists()
    assert index_cache.sqlite_path("postgresql://u@localhost/k", tmp_path) is None
    assert index_cache.sqlite_path("sqlite:///rel.db", tmp_path) == Path("rel.db")
    assert index_cache.sqlite_path("sqlite+aiosqlite:////abs/k.db", tmp_path) == Path("/abs/k.db")


OWN_QUERIES = 25


async def test_the_command_ranks_as_the_bot_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The command line answers from the saved index; the bot from the store it
    builds in memory (knowledge/service.py). Same items, same answers."""
    from bench.qa_eval import SAMPLE, load_own
    from knowledge.service import load_store
    from storage.engine import Database

    monkeypatch.setenv("KNOOPPUNT_DATA_DIR", str(tmp_path))
    assert await asyncio.to_thread(main, ["knowledge", "import", str(SAMPLE)]) == 0
    _, queries, outside = load_own()
    asked = [str(q["query"]) for q in queries][:OWN_QUERIES] + outside[:5]
    capsys.readouterr()
    await asyncio.to_thread(_search, asked[0], capsys)  # builds and saves the index
    original = search.Index.__init__
    built = _count_builds(monkeypatch)
    answers = []
    for query in asked:
        args = ["knowledge", "search", query, "--json", "--limit", "5"]
        assert await asyncio.to_thread(main, args) == 0
        answers.append(json.loads(capsys.readouterr().out))
    assert built == []  # every answer above came from the saved index
    monkeypatch.setattr(search.Index, "__init__", original)

    db = Database(f"sqlite:///{tmp_path / 'knooppunt.db'}")
    try:
        async with db.session() as session:
            store = await load_store(session)
    finally:
        await db.close()
    for query, answer in zip(asked, answers, strict=True):
        result = store.qa_index.search(query, 5)
        assert answer == {
            "query": query,
            "confident": result.confident,
            "results": [
                {"id": h.id, "score": round(h.score, 4), "question": h.question}
                for h in result.hits
            ],
        }
    assert any(a["confident"] for a in answers) and not all(a["confident"] for a in answers)


_MODULES_CHECK = """
import json, sys
from bot.cli import main
code = main(["knowledge", "search", sys.argv[1], "--json"])
heavy = ("sqlalchemy", "pydantic", "pydantic_settings", "bot.config", "storage.models",
         "knowledge.model", "asyncio")
print(json.dumps({"code": code, "loaded": sorted(m for m in heavy if m in sys.modules)}))
"""


def test_a_search_on_an_unchanged_store_imports_neither_sqlalchemy_nor_the_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """What makes `knooppunt knowledge search` fast (bench/search_cli.py): in a new
    process, an unchanged store is answered without the database layer, the settings
    model or pydantic at all."""
    import os
    import subprocess
    import sys

    monkeypatch.setenv("KNOOPPUNT_DATA_DIR", str(tmp_path))
    content = tmp_path / "qas.yaml"
    content.write_text(CONTENT, encoding="utf-8")
    assert main(["knowledge", "import", str(content)]) == 0
    capsys.readouterr()
    in_process = _search("de stroom is uitgevallen", capsys)  # builds and saves the index
    root = Path(__file__).resolve().parents[2]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")]),
    }
    done = subprocess.run(
        [sys.executable, "-c", _MODULES_CHECK, "de stroom is uitgevallen"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    *answer, modules = done.stdout.strip().splitlines()
    assert json.loads(modules) == {"code": 0, "loaded": []}
    assert json.loads(answer[0]) == in_process
