"""A private PostgreSQL cluster in a temp dir, started by the suite.

`initdb` refuses to run as root, so as root every server command goes through
the `postgres` user (`runuser`); as an ordinary user they run directly.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

from tests.support.ports import free_port


def pg_bin_dir() -> Path | None:
    configured = os.environ.get("KNOOPPUNT_PG_BIN")
    if configured:
        return Path(configured)
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name)
    )
    if candidates:
        return Path(candidates[-1])
    found = shutil.which("pg_ctl")
    return Path(found).parent if found else None


class Postgres:
    def __init__(self, workdir: Path | None = None) -> None:
        bindir = pg_bin_dir()
        if bindir is None:
            raise RuntimeError("PostgreSQL server binaries not found (apt-get install postgresql)")
        self.bindir = bindir
        # Its own directory under /tmp: the postgres user cannot enter pytest's
        # root-only temp tree.
        self.workdir = workdir or Path(tempfile.mkdtemp(prefix="knooppunt-pg-"))
        self.port = free_port()
        self.as_root = os.geteuid() == 0
        self.migrated_template: str | None = None  # see tests/support/migrated.py

    def _run(self, *args: str) -> None:
        command = list(args)
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, cwd="/", text=True)
        if result.returncode != 0:
            raise RuntimeError(f"{Path(args[0]).name} failed: {result.stderr.strip()[-500:]}")

    def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        if self.as_root:
            shutil.chown(self.workdir, "postgres", "postgres")
        self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.workdir / "data"),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.workdir} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._pg_ctl("-l", str(self.workdir / "log"), "-w", "-o", options, "start")

    def stop(self) -> None:
        with contextlib.suppress(RuntimeError):
            self._pg_ctl("-m", "fast", "-w", "stop")
        shutil.rmtree(self.workdir, ignore_errors=True)

    def _pg_ctl(self, *args: str) -> None:
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.workdir / "data"), *args)

    def __enter__(self) -> Postgres:
        """`with Postgres() as server:` a started cluster, stopped and removed after."""
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def create_database(self, template: str | None = None) -> str:
        """A new database (a copy of `template`, a database name, if given); its URL."""
        name = f"kp_{uuid.uuid4().hex[:12]}"
        copy = f" TEMPLATE {template}" if template else ""
        subprocess.run(
            [
                str(self.bindir / "psql"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-c",
                f"CREATE DATABASE {name}{copy}",
            ],
            check=True,
            capture_output=True,
        )
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{name}"

    def drop_database(self, name: str) -> None:
        """Drops database `name` (its connections closed first by the caller)."""
        subprocess.run(
            [
                str(self.bindir / "psql"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-c",
                f"DROP DATABASE IF EXISTS {name}",
            ],
            check=True,
            capture_output=True,
        )
