"""The load benchmark on SQLite and on PostgreSQL, interleaved: PostgreSQL's figures
as ratios to SQLite's (the issue "Fast under load and after a restart" asks for at
most 1.2x on the backlog and the sustained load).

    flock /tmp/bench.lock .venv/bin/python -m bench.load_compare [--pairs 2]
        [--folder DIR] [bench.load's options, e.g. --backlog 1000 --seconds 60]

Each pair runs bench/load.py once per backend, in turns (SQLite first in odd pairs,
PostgreSQL first in even ones), so a burst of load on the shared machine does not
fall on one backend only. Each backend keeps its homeserver, rooms and bot database
in a folder of its own under --folder (`--reuse`): only the first run of each sets up.
PostgreSQL is durable as SQLite is (bench/load_postgres.py).

Two ratios per figure: `raw` is PostgreSQL's bot over SQLite's bot; `vs baseline`
holds each bot figure against the bare-nio baseline of its own run first (what the
issue's targets are), which takes out most of what the homeserver and the machine
add to one run and not the other. Medians over the pairs.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

# (case, figure, label, unit)
FIGURES = [
    ("backlog", "drain_s", "backlog drained", "s"),
    ("backlog", "first_reply_s", "backlog first reply", "s"),
    ("backlog", "cpu_s", "backlog CPU", "s"),
    ("backlog", "peak_rss_mb", "backlog peak RSS", "MB"),
    ("sustained", "p50", "sustained p50", "ms"),
    ("sustained", "p95", "sustained p95", "ms"),
    ("sustained", "cpu_ms_per_event", "sustained CPU per event", "ms"),
]
Figures = dict[str, dict[str, dict[str, float]]]  # case -> side -> figure -> value


def run_once(backend: str, folder: Path, index: int, passed: list[str]) -> Figures:
    out = folder / f"{backend}-{index}.json"
    command = [
        sys.executable,
        "-m",
        "bench.load",
        "--reuse",
        str(folder / backend),
        "--json",
        str(out),
        *(["--postgres"] if backend == "postgres" else []),
        *passed,
    ]
    print(f"\n=== pair {index}: {backend}: {' '.join(command[1:])}", flush=True)
    subprocess.run(command, check=False)
    if not out.exists():
        raise SystemExit(f"{backend} run {index} wrote no figures")
    figures: Figures = json.loads(out.read_text())
    return figures


def ratio(top: float, bottom: float) -> float:
    return top / bottom if bottom > 0 else float("nan")


def report(runs: dict[str, list[Figures]]) -> None:
    print("\nPostgreSQL / SQLite (medians over the pairs; the bot's figures)")
    print(f"  {'':<26} {'SQLite':>10} {'PostgreSQL':>11}  {'raw':>6}  {'vs baseline':>11}")
    for case, key, label, unit in FIGURES:
        pairs = [
            (s[case], p[case])
            for s, p in zip(runs["sqlite"], runs["postgres"], strict=True)
            if case in s and case in p
        ]
        if not pairs:
            continue
        sqlite = statistics.median(s["bot"][key] for s, _ in pairs)
        postgres = statistics.median(p["bot"][key] for _, p in pairs)
        raw = statistics.median(ratio(p["bot"][key], s["bot"][key]) for s, p in pairs)
        relative = statistics.median(
            ratio(
                ratio(p["bot"][key], p["baseline"][key]), ratio(s["bot"][key], s["baseline"][key])
            )
            for s, p in pairs
        )
        print(
            f"  {label:<26} {sqlite:8.2f}{unit:<2} {postgres:9.2f}{unit:<2}"
            f"  {raw:5.2f}x  {relative:10.2f}x"
        )
    for backend, figures in runs.items():
        lost = sum(f[c]["bot"].get("lost", 0) for f in figures for c in f)
        doubled = sum(f[c]["bot"].get("doubled", 0) for f in figures for c in f)
        print(f"  {backend}: lost {lost:.0f}, doubled {doubled:.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=1, help="runs per backend")
    parser.add_argument(
        "--first-pair", type=int, default=1, help="number of the first pair (2: PostgreSQL first)"
    )
    parser.add_argument(
        "--folder", help="where each backend's kept run lives (default: a new temp folder)"
    )
    args, passed = parser.parse_known_args()
    if not any(arg.startswith("--cases") for arg in passed):
        passed += ["--cases", "sustained,backlog"]
    if not any(arg.startswith("--rooms") for arg in passed):
        passed += ["--rooms", "0"]  # no silent rooms to create: only the warm start needs them
    folder = Path(args.folder or tempfile.mkdtemp(prefix="knooppunt-compare-"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"runs kept in {folder} (and PostgreSQL's cluster in the folder its manifest names)")
    runs: dict[str, list[Figures]] = {"sqlite": [], "postgres": []}
    for index in range(args.first_pair, args.first_pair + args.pairs):
        order = ["sqlite", "postgres"] if index % 2 else ["postgres", "sqlite"]
        for backend in order:
            runs[backend].append(run_once(backend, folder, index, passed))
    report(runs)


if __name__ == "__main__":
    main()
