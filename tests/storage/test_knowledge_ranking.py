"""The knowledge store on both databases: the same ranking on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.eval_data import EVAL


@pytest.mark.postgres
async def test_same_ranking_on_sqlite_and_postgresql(tmp_path: Path, postgres: object) -> None:
    """The eval store imported into both backends ranks every query the same."""
    if not EVAL.exists():
        pytest.skip(f"evaluation data not found at {EVAL}")
    from knowledge import service
    from storage.engine import Database

    queries = [
        json.loads(line)
        for line in (EVAL / "qa-queries.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    rankings = []
    for url in (f"sqlite+aiosqlite:///{tmp_path / 'k.db'}", postgres.create_database()):  # type: ignore[attr-defined]
        db = Database(url)
        await db.migrate()
        outcome = await service.import_path(db, EVAL / "qa-store.jsonl", "test")
        assert outcome[0][1] is not None and outcome[0][1].added == 175
        index = await service.SearchService(db).index()
        rankings.append(
            [
                [
                    (hit.id, round(hit.score, 6))
                    for hit in index.search(
                        q["query"], limit=10, exclude=frozenset(q["exclude"])
                    ).hits
                ]
                for q in queries
            ]
        )
        await db.close()
    assert rankings[0] == rankings[1]
    # Every query but one ("Kan ik al beboet worden?", no word the store knows) finds items.
    assert sum(1 for ranking in rankings[0] if ranking) >= len(queries) - 1
