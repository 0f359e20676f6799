"""The load benchmark's PostgreSQL: durable as SQLite is, and kept for `--reuse`.

The test suite's cluster (tests/support/postgres.py) runs with `fsync=off` and
`full_page_writes=off`: fast, and a crash of the machine may corrupt it. Held against
the bot's SQLite (WAL, `synchronous=NORMAL`: no fsync per commit, but never corrupt)
that would flatter PostgreSQL. Here fsync and full-page writes stay on (PostgreSQL's
defaults) and `synchronous_commit=off`: a commit does not wait for its WAL flush,
which is what SQLite's NORMAL does in WAL mode; both may lose the last commits when
the machine goes down, neither is corrupted. `strict=True` waits for the flush at
every commit as well (PostgreSQL's default; stricter than the SQLite it is compared with).

The cluster lives in a folder of its own under /tmp (as root, its `postgres` user
cannot enter the bench's folder); a kept run names it in its manifest, and a second
start on the same folder finds the data there and starts it again.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from pathlib import Path

from tests.support.ports import free_port
from tests.support.postgres import Postgres


class BenchPostgres(Postgres):
    def __init__(self, folder: Path | None = None, strict: bool = False) -> None:
        super().__init__(folder or Path(tempfile.mkdtemp(prefix="knooppunt-load-pg-")))
        self.strict = strict

    def start(self) -> None:
        data = self.workdir / "data"
        if not (data / "PG_VERSION").exists():
            super().start()  # initdb and a start with the test suite's options ...
            self._pg_ctl("-m", "fast", "-w", "stop")  # ... which are not the bench's
        self.port = free_port()
        commit = "on" if self.strict else "off"
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.workdir} "
            f"-c fsync=on -c full_page_writes=on -c synchronous_commit={commit}"
        )
        self._pg_ctl("-l", str(self.workdir / "log"), "-w", "-o", options, "start")

    def url(self, database: str) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{database}"

    def stop(self, keep: bool = False) -> None:
        """Stopped; its folder removed unless `keep` (a kept run reuses it)."""
        with contextlib.suppress(RuntimeError):
            self._pg_ctl("-m", "fast", "-w", "stop")
        if not keep:
            shutil.rmtree(self.workdir, ignore_errors=True)
