"""`knooppunt demo` comes up with its situation picture within 3 minutes,
a separate matrix-nio client logs in as the municipality user and gets an answer, and
Ctrl-C leaves no process or listening port behind; a second run works too."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.devtools.local_homeserver import free_port, port_open
from tests.support.cross_signing import cross_sign_login
from tests.support.human import Human

pytestmark = pytest.mark.integration
BANNER = "Knooppunt-demo draait"


def start_demo(data_dir: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bot.cli",
                "demo",
                "--data-dir",
                str(data_dir),
                "--port",
                str(port),
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "KNOOPPUNT_HTTP_LISTEN": ""},
        )


def wait_for_banner(process: subprocess.Popen[bytes], log: Path, limit: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if BANNER in log.read_text(errors="replace"):
            return time.monotonic() - started
        assert process.poll() is None, log.read_text(errors="replace")[-3000:]
        time.sleep(0.5)
    raise AssertionError(f"no banner within {limit} s: {log.read_text(errors='replace')[-3000:]}")


def interrupt(process: subprocess.Popen[bytes]) -> int:
    process.send_signal(signal.SIGINT)
    return process.wait(timeout=90)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@dataclass
class DemoRun:
    """A demo that is up: its folder, log and port, and what it printed by its banner."""

    data_dir: Path
    log: Path
    port: int
    elapsed: float
    text: str

    @property
    def homeserver(self) -> str:
        url = re.search(r"homeserver: (http://127\.0\.0\.1:\d+)", self.text)
        assert url, self.text[-2000:]
        return url.group(1)

    def password(self, user: str) -> str:
        found = re.search(rf"{user}\s+@{user}:localhost\s+wachtwoord: (\S+)", self.text)
        assert found, self.text[-2000:]
        return found.group(1)


@contextmanager
def running_demo(tmp_path: Path, limit: float) -> Iterator[DemoRun]:
    """`knooppunt demo` in `tmp_path`, up within `limit` s; Ctrl-C after, which must end it
    with exit code 0."""
    data_dir, log = tmp_path / "demo-data", tmp_path / "demo.out"
    port = free_port()
    process = start_demo(data_dir, port, log)
    try:
        elapsed = wait_for_banner(process, log, limit)
        yield DemoRun(data_dir, log, port, elapsed, log.read_text())
    finally:
        code = interrupt(process) if process.poll() is None else process.returncode
    assert code == 0, log.read_text()[-2000:]


@asynccontextmanager
async def outside_login(
    demo: DemoRun, user: str, folder: Path, device: str = "test"
) -> AsyncIterator[Human]:
    """A new login of a demo user from another client. The demo's rooms are encrypted and
    the bot gives room keys only to cross-signed devices: the new device is signed with the
    person's existing identity, as Element does once the new login is verified (a new
    master key would be an identity reset, which the bot does not trust)."""
    password = demo.password(user)
    human = Human(demo.homeserver, f"@{user}:localhost", password, folder, True)
    await human.login(device)
    key_file = demo.data_dir / "demo" / "people" / user / "cross-signing.json"
    try:
        if key_file.exists():
            await human.cross_sign(key_file)
        else:
            await cross_sign_login(human.client, password)
        yield human
    finally:
        await human.close()


async def test_demo_comes_up_answers_a_municipality_and_leaves_nothing_behind(
    tmp_path: Path,
) -> None:
    with running_demo(tmp_path, limit=180) as demo:
        text = demo.text
        print(f"demo ready after {demo.elapsed:.1f} s")
        assert "Situatiebeeld hoogwater" in text and "opvangplekken beschikbaar" in text
        assert "Open vragen van gemeenten" in text
        # The sample objects: the report at Sporthal De Schans is linked, and the picture
        # lists it among the objects involved.
        assert "voorbeeldobjecten geïmporteerd: 12" in text
        assert "Bekend object: Sporthal De Schans (noodstroom aggregaat 8 uur" in text
        assert "Betrokken objecten" in text
        health = re.search(r"http://127\.0\.0\.1:(\d+)/healthz", text)
        assert health and demo.homeserver.endswith(f":{demo.port}")
        synapse_pid = int((demo.data_dir / "demo" / "homeserver" / "synapse.pid").read_text())

        async with outside_login(demo, "gemeente", tmp_path / "human") as human:
            assert await human.wait_until(
                lambda: any(
                    "Gemeente Dordrecht" in (room.display_name or "")
                    for room in human.client.rooms.values()
                )
            )
            room_id = next(
                rid
                for rid, room in human.client.rooms.items()
                if "Gemeente Dordrecht" in (room.display_name or "")
            )
            event_id = await human.send(room_id, "Mag mijn hond mee naar de noodopvang?")
            assert await human.wait_until(
                lambda: bool(human.replies_to(event_id, "@knooppunt:localhost")), 60
            )
            answer = human.replies_to(event_id, "@knooppunt:localhost")[0].body
            assert "demo-evacuatie-huisdieren" in answer and "Bron:" in answer
    data_dir, port = demo.data_dir, demo.port
    assert "Alles gestopt." in demo.log.read_text()
    assert not alive(synapse_pid)
    assert not port_open(port) and not port_open(int(health.group(1)))

    # Again, in the same data directory: a clean second run.
    second = start_demo(data_dir, port, tmp_path / "demo2.out")
    try:
        wait_for_banner(second, tmp_path / "demo2.out", limit=180)
        assert "Melding M-1 vastgelegd" in (tmp_path / "demo2.out").read_text()
    finally:
        assert interrupt(second) == 0
    assert not port_open(port)
