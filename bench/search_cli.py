"""`knooppunt knowledge search` per call, as a curator runs it, at 10,000 Q&As.

Each call is a new process (the command line as typed). Measured beside, in the
same run: a process that only imports the command line (`import bot.cli`), the
floor that no search can go under; and the first search on a changed store
(builds and saves the index). The store is the sample knowledge scaled to
10,000 Q&As in a temporary SQLite database.

    .venv/bin/python -m bench.search_cli [--size 10000] [--calls 10]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.qa_eval import load_own, scaled

QUERIES = (
    "Mag mijn kat mee naar de noodopvang?",
    "Wie beslist over evacuatie bij hoogwater?",
    "How much drinking water per person per day?",
    "Hoe vraag ik een parkeervergunning aan?",
)


_IN_PROCESS = """
import contextlib, io, sys, time
from bot.cli import main
calls, queries = int(sys.argv[1]), sys.argv[2:]
main(["knowledge", "search", queries[0]])
for n in range(calls):
    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        main(["knowledge", "search", queries[n % len(queries)]])
    print((time.perf_counter() - started) * 1000)
"""


def _timed(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(args, env=env, check=True, stdout=subprocess.DEVNULL)
    return (time.perf_counter() - started) * 1000


def _summary(name: str, ms: list[float]) -> str:
    ordered = sorted(ms)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (
        f"  {name:<34} median {statistics.median(ms):7.0f} ms, p95 {p95:7.0f} ms ({len(ms)} calls)"
    )


def main(size: int, calls: int) -> None:
    items, _, _ = load_own()
    store = scaled(items, size)
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "KNOOPPUNT_DATA_DIR": tmp, "PYTHONPATH": str(Path.cwd())}
        content = Path(tmp) / "content"
        content.mkdir()
        for start in range(0, len(store), 1000):  # files stay under the 5 MB import limit
            (content / f"part-{start:05d}.jsonl").write_text(
                "\n".join(
                    json.dumps(i.model_dump(mode="json"), ensure_ascii=False)
                    for i in store[start : start + 1000]
                ),
                encoding="utf-8",
            )
        cli = [sys.executable, "-m", "bot.cli", "knowledge"]
        subprocess.run(
            [*cli, "import", str(content)], env=env, check=True, stdout=subprocess.DEVNULL
        )
        print(f"knooppunt knowledge search, {len(store):,} Q&As, SQLite, one process per call")
        floor = [_timed([sys.executable, "-c", "import bot.cli"], env) for _ in range(calls)]
        cold = _timed([*cli, "search", QUERIES[0]], env)
        warm = [_timed([*cli, "search", QUERIES[n % len(QUERIES)]], env) for n in range(calls)]
        # The same command, called again and again inside one process: everything a
        # call does (open the database, check the store, load the index, rank) but
        # start the interpreter and import the modules.
        inner = subprocess.run(
            [sys.executable, "-c", _IN_PROCESS, str(calls), *QUERIES],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        in_process = [float(v) for v in inner.stdout.split()[-calls:]]
        print(_summary("import bot.cli only (the floor)", floor))
        print(_summary("first search after a change", [cold]))
        print(_summary("search (index from disk)", warm))
        print(_summary("per call inside one process", in_process))
        print(
            f"  search above the floor: {statistics.median(warm) - statistics.median(floor):.0f} ms (median)"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--calls", type=int, default=10)
    arguments = parser.parse_args()
    main(arguments.size, arguments.calls)
