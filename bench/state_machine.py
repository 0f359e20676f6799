"""The long run of the confidentiality guard (tests/support/tlp_machine.py).

Runs the same state machine as tests/unit/test_state_machine.py, with fresh
random seeds, until at least `--steps` rule steps have run; prints how many
steps and examples ran and how long it took. Exits 1 on a violation, after
printing the minimal failing sequence that hypothesis found.

    .venv/bin/python -m bench.state_machine [--steps 20000] [--step-count 50]
                                            [--without '!handreiking,tombstone']
                                            [--postgres] [--seconds 300]

`--postgres` runs every example on a PostgreSQL database of its own (a private
cluster the run starts; the same as KNOOPPUNT_GUARD_POSTGRES=1 for pytest).
`--seconds` ends the run after the batch that passes that many seconds.

`--without` is for triage only: it leaves out commands or rules (by name) so a
run can look past a leak that is already known. The default runs everything.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
import traceback

from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test

from tests.support import tlp_machine
from tests.support.tlp_machine import TLPMachine


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20_000, help="rule steps to run at least")
    parser.add_argument("--step-count", type=int, default=50, help="steps per example")
    parser.add_argument("--batch", type=int, default=20, help="examples per hypothesis run")
    parser.add_argument(
        "--no-shrink", action="store_true", help="report the first failure as found (faster)"
    )
    parser.add_argument("--without", default="", help="comma-separated commands or rules to skip")
    parser.add_argument("--postgres", action="store_true", help="run on PostgreSQL")
    parser.add_argument("--seconds", type=float, default=0, help="stop after this long (0: no)")
    args = parser.parse_args(argv)
    # The bot's own warnings (no curator room, ...) are noise here: not printed, but still
    # made, because the machine reads every log line for anyone's words (its log sink).
    logging.getLogger().addHandler(logging.NullHandler())
    if args.postgres:
        os.environ["KNOOPPUNT_GUARD_POSTGRES"] = "1"
    tlp_machine.DISABLED.update(w.strip() for w in args.without.split(",") if w.strip())
    started = time.monotonic()
    batch_settings = settings(
        max_examples=args.batch,
        stateful_step_count=args.step_count,
        deadline=None,
        database=None,
        derandomize=False,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.generate] if args.no_shrink else [Phase.generate, Phase.shrink],
        print_blob=False,
    )
    runs = 0
    while TLPMachine.steps_run < args.steps and not (
        args.seconds and time.monotonic() - started > args.seconds
    ):
        runs += 1
        try:
            run_state_machine_as_test(TLPMachine, settings=batch_settings)
        except BaseException as exc:
            elapsed = time.monotonic() - started
            print(
                f"VIOLATION after {TLPMachine.steps_run} steps, {TLPMachine.examples_run} examples, {elapsed:.0f} s"
            )
            for failure in getattr(exc, "exceptions", [exc]):
                print("-" * 72)
                print("".join(traceback.format_exception_only(failure)).strip())
                for note in getattr(failure, "__notes__", []):
                    print(note)
            return 1
        elapsed = time.monotonic() - started
        print(
            f"{TLPMachine.steps_run} steps, {TLPMachine.examples_run} examples, {elapsed:.0f} s",
            flush=True,
        )
    elapsed = time.monotonic() - started
    for name, count in sorted(TLPMachine.stats.items()):
        print(f"  {name}: {count}")
    print(
        f"done: {TLPMachine.steps_run} steps in {TLPMachine.examples_run} examples, "
        f"{elapsed:.0f} s ({elapsed / max(1, TLPMachine.steps_run) * 1000:.0f} ms a step), "
        f"nothing found"
        + (
            f" (left out: {', '.join(sorted(tlp_machine.DISABLED))})"
            if tlp_machine.DISABLED
            else ""
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
