"""What the benchmarks through a real homeserver share: a private Synapse on 127.0.0.1
and a `World` on it (tests/conftest.py) in a temporary folder, closed and removed after
the run; set KNOOPPUNT_BENCH_KEEP to keep the folder (its logs) for a look afterwards."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from tests.conftest import World
from tests.support.synapse import Synapse

KEEP = os.environ.get("KNOOPPUNT_BENCH_KEEP")


@asynccontextmanager
async def synapse_world(name: str) -> AsyncIterator[tuple[Synapse, World, Path]]:
    """(server, world, folder) for one bench run named `name`."""
    workdir = Path(tempfile.mkdtemp(prefix=f"knooppunt-{name}-"))
    if KEEP is not None:
        print(f"keeping {workdir}")
    server = Synapse(workdir / "synapse")
    server.start()
    world = World(server, workdir)
    try:
        yield server, world, workdir
    finally:
        await world.close()
        server.stop()
        if KEEP is None:
            shutil.rmtree(workdir, ignore_errors=True)
