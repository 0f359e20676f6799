"""`knooppunt knowledge search` per call, as a curator runs it, at 10,000 Q&As.

Each call is a new process (the command line as typed). Measured beside, in the
same run: a bare Python start (`python -c pass`) and a process that only imports
the command line (`import bot.cli`), the floors that no search can go under; and
the first search on a changed store (builds and saves the index). The store is
the sample knowledge scaled to 10,000 Q&As in a temporary SQLite database.

Every process may write its compiled modules (into a temporary directory,
PYTHONPYCACHEPREFIX), as an installed command line does: a process that compiles
the project's sources on every start (PYTHONDONTWRITEBYTECODE) measures the
compiler, not the command.

`--before DIR` also times another checkout of the code (the one before a change:
`git archive main | tar -x -C DIR`) on the same store, call for call interleaved
with this one, so a busy machine slows both alike; `--importtime` adds what each
spends importing, per top-level module (`python -X importtime`).

    .venv/bin/python -m bench.search_cli [--size 10000] [--calls 10]
        [--before DIR] [--importtime]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
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

# What the import table groups (the first part of a top-level module's name).
_GROUPS = (
    "sqlalchemy",
    "pydantic",
    "pydantic_settings",
    "pydantic_core",
    "asyncio",
    "numpy",
    "bm25s",
    "yaml",
    "rapidfuzz",
    "knowledge",
    "storage",
    "commands",
    "bot",
)


# CPU time (user + system) of each process timed, beside its wall time: on a
# machine shared with other work the wall time mostly measures the waiting.
CPU: dict[str, list[float]] = {}


def _timed(args: list[str], env: dict[str, str], what: str = "") -> float:
    # Run outside any checkout: `python -m` and `-c` put the working directory first
    # on the module path, before PYTHONPATH, and would import the code found there.
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        args, env=env, check=True, stdout=subprocess.DEVNULL, cwd=env["KNOOPPUNT_DATA_DIR"]
    )
    wall = (time.perf_counter() - started) * 1000
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000
    CPU.setdefault(what, []).append(cpu)
    return wall


def _summary(name: str, ms: list[float]) -> str:
    ordered = sorted(ms)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (
        f"  {name:<38} median {statistics.median(ms):7.0f} ms, p95 {p95:7.0f} ms ({len(ms)} calls)"
    )


class Variant:
    """One checkout of the code, with its own data directory on a copy of the store
    (each keeps its own saved index)."""

    def __init__(self, name: str, code: Path, data_dir: Path, compiled: Path) -> None:
        self.name, self.data_dir = name, data_dir
        self.env = {
            **os.environ,
            "KNOOPPUNT_DATA_DIR": str(data_dir),
            "PYTHONPATH": str(code),
            "PYTHONPYCACHEPREFIX": str(compiled),
        }
        self.env.pop("PYTHONDONTWRITEBYTECODE", None)
        self.cli = [sys.executable, "-m", "bot.cli", "knowledge"]
        self.floor: list[float] = []
        self.warm: list[float] = []
        self.cold = 0.0
        self.in_process: list[float] = []

    def search(self, query: str) -> float:
        return _timed([*self.cli, "search", query], self.env, f"{self.name}: search")

    def measure_in_process(self, calls: int) -> None:
        # The same command, called again and again inside one process: everything a
        # call does (read the store's key, load the index, rank) but start the
        # interpreter and import the modules.
        inner = subprocess.run(
            [sys.executable, "-c", _IN_PROCESS, str(calls), *QUERIES],
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
            cwd=self.data_dir,
        )
        self.in_process = [float(v) for v in inner.stdout.split()[-calls:]]

    def import_table(self) -> dict[str, float]:
        """Milliseconds spent importing one search's modules, per package (each
        module's own time, added up by the first part of its name)."""
        done = subprocess.run(
            [sys.executable, "-X", "importtime", *self.cli[1:], "search", QUERIES[1]],
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
            cwd=self.data_dir,
        )
        table: dict[str, float] = {}
        for line in done.stderr.splitlines():
            fields = line.removeprefix("import time:").split("|")
            if len(fields) != 3 or not fields[0].strip().isdigit():
                continue
            top = fields[2].strip().split(".")[0]
            group = top if top in _GROUPS else "other"
            table[group] = table.get(group, 0.0) + int(fields[0]) / 1000
        return table

    def report(self) -> None:
        print(f"{self.name}:")
        print(_summary("import bot.cli only (the floor)", self.floor))
        print(_summary("  its CPU time", CPU[self.name]))
        print(_summary("first search after a change", [self.cold]))
        print(_summary("search (index from disk)", self.warm))
        print(_summary("  its CPU time", CPU[f"{self.name}: search"][1:]))
        print(_summary("per call inside one process", self.in_process))
        above = statistics.median(self.warm) - statistics.median(self.floor)
        print(f"  search above the floor: {above:.0f} ms (median)")


def _write_store(size: int, content: Path) -> int:
    items, _, _ = load_own()
    store = scaled(items, size)
    content.mkdir()
    for start in range(0, len(store), 1000):  # files stay under the 5 MB import limit
        (content / f"part-{start:05d}.jsonl").write_text(
            "\n".join(
                json.dumps(i.model_dump(mode="json"), ensure_ascii=False)
                for i in store[start : start + 1000]
            ),
            encoding="utf-8",
        )
    return len(store)


def main(size: int, calls: int, before: Path | None, importtime: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        here = Path(__file__).resolve().parents[1]
        after = Variant("this checkout", here, root / "after", root / "compiled-after")
        variants = [after]
        count = _write_store(size, root / "content")
        (root / "after").mkdir()
        subprocess.run(
            [*after.cli, "import", str(root / "content")],
            env=after.env,
            check=True,
            stdout=subprocess.DEVNULL,
            cwd=root,
        )
        if before is not None:
            earlier = Variant(
                f"before ({before})", before.resolve(), root / "before", root / "compiled"
            )
            variants.insert(0, earlier)
            (root / "before").mkdir()
            shutil.copy(root / "after" / "knooppunt.db", root / "before" / "knooppunt.db")
        print(f"knooppunt knowledge search, {count:,} Q&As, SQLite, one process per call")
        start = [_timed([sys.executable, "-c", "pass"], after.env, "start") for _ in range(calls)]
        for variant in variants:
            variant.cold = variant.search(QUERIES[0])
        for n in range(calls):  # interleaved: a busy moment slows every variant alike
            for variant in variants:
                floor = _timed([sys.executable, "-c", "import bot.cli"], variant.env, variant.name)
                variant.floor.append(floor)
                variant.warm.append(variant.search(QUERIES[n % len(QUERIES)]))
        for variant in variants:
            variant.measure_in_process(calls)
        print(_summary("python start (-c pass)", start))
        print(_summary("  its CPU time", CPU["start"]))
        for variant in variants:
            variant.report()
        if before is not None:
            ratio = statistics.median(variants[0].warm) / statistics.median(after.warm)
            print(f"  per call, before / after: {ratio:.1f}x (median)")
            key = f"{variants[0].name}: search"
            cpu = statistics.median(CPU[key][1:]) / statistics.median(
                CPU[f"{after.name}: search"][1:]
            )
            print(f"  per call, before / after: {cpu:.1f}x (median CPU time)")
        if importtime:
            tables = [(v.name, v.import_table()) for v in variants]
            groups = {g for _, t in tables for g in t}
            print("imports of one search, ms (each module's own time, per package):")
            print(f"  {'':<20}" + "".join(f"{name[:24]:>26}" for name, _ in tables))
            for group in sorted(groups, key=lambda g: -max(t.get(g, 0) for _, t in tables)):
                print(f"  {group:<20}" + "".join(f"{t.get(group, 0):>26.0f}" for _, t in tables))
            print(f"  {'total':<20}" + "".join(f"{sum(t.values()):>26.0f}" for _, t in tables))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--calls", type=int, default=10)
    parser.add_argument("--before", type=Path, help="another checkout, timed on the same store")
    parser.add_argument("--importtime", action="store_true", help="what each imports, and how long")
    arguments = parser.parse_args()
    main(arguments.size, arguments.calls, arguments.before, arguments.importtime)
