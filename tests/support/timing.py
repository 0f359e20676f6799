"""How long a piece of work takes, for tests that tell linear work from quadratic.

Wall-clock time (`time.perf_counter`) measures the machine as much as the work: on a
loaded 2-core CI machine a worker that is descheduled for one time slice, or a garbage
collection of the whole test session, adds 50-150 ms to a millisecond of work (0.15 s
was seen for ~2 ms of parsing). The CPU time of this process with the collector paused
is the work's own: quadratic backtracking still costs its seconds, a busy machine no
longer adds to it."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable


def cpu_seconds(run: Callable[[], object]) -> float:
    """The CPU seconds this process spends in `run()`, the garbage collector paused."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        started = time.process_time()
        run()
        return time.process_time() - started
    finally:
        if collecting:
            gc.enable()
