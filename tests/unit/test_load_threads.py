"""bench/load.py splits a side's CPU into its main thread and its other threads (the
bot's database thread): a thread's work must land in the second figure, not the first,
also when the thread has ended by the time the window closes."""

from __future__ import annotations

import os
import threading
import time

from bench.load import thread_cpu


def _burn(seconds: float) -> None:
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


def test_work_of_a_thread_that_ended_counts_as_other_threads() -> None:
    main_before, other_before = thread_cpu(os.getpid())
    worker = threading.Thread(target=_burn, args=(0.3,))
    worker.start()
    worker.join()  # gone from /proc/<pid>/task by now; its CPU is the process's still
    main_after, other_after = thread_cpu(os.getpid())
    assert main_after - main_before < 0.2
    assert other_after - other_before >= 0.2


def test_a_thread_ending_in_the_window_takes_no_cpu_off() -> None:
    worker = threading.Thread(target=_burn, args=(0.3,))
    worker.start()
    time.sleep(0.05)
    _, other_before = thread_cpu(os.getpid())
    worker.join()
    _, other_after = thread_cpu(os.getpid())
    assert other_after >= other_before


def test_a_running_thread_is_counted() -> None:
    stop = threading.Event()
    done = threading.Event()

    def spin() -> None:
        _burn(0.3)
        done.set()
        stop.wait(10)

    worker = threading.Thread(target=spin)
    _, other_before = thread_cpu(os.getpid())
    worker.start()
    done.wait(10)
    _, other_after = thread_cpu(os.getpid())
    stop.set()
    worker.join()
    assert other_after - other_before >= 0.2
