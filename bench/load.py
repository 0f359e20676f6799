"""Load benchmark: the bot beside a bare matrix-nio baseline, in the same run.

Three cases against a private Synapse on 127.0.0.1 (encryption off):

* backlog: --backlog messages over --backlog-rooms rooms, sent while stopped;
  then started. Drain time, first reply after the start, CPU seconds, lost and
  doubled replies (counted from the rooms' full history), peak RSS. The messages
  are the issue's mix (bench/load_mix.py: of every five, three reports, one
  `!help`, one chatter without a command, in liaison rooms bound to an incident;
  the reports stored are counted), or all `!help` in unbound rooms with
  `--backlog-mix help` (the benchmark before session 11). The baseline replies
  "ok"; `--baseline-content bench/data/backlog-replies.json` has it reply to each
  command with the bot's own reply to it (taken from a run of the bot on this mix),
  the homeserver's floor for the same replies.
* sustained: --rate commands per second over --sustained-rooms rooms for
  --seconds. Reply latency p50/p95 (homeserver timestamps: command to reply),
  CPU per event.
* idle: --idle-seconds with no messages at all: the CPU the timers cost.
* warm start: both are in --rooms rooms; restarted, a command is sent at once.
  First reply after the start, RSS after it.

The bot and the baseline (bench/load_baseline.py) each get their own rooms for
the backlog and sustained cases (one bot's replies would be the other's
backlog), and share the silent rooms that make up --rooms. The two are measured
one after the other, never at the same time. Prints each figure beside the
baseline's and their ratio.

    .venv/bin/python -m bench.load [--backlog 5000] [--rooms 1000] [--seconds 60] [--postgres]
        [--cases idle,sustained,warm,backlog] [--warm-repeat 3]

`--postgres` starts a private PostgreSQL for the bot instead of its SQLite file,
durable as the SQLite is (bench/load_postgres.py). `--cases warm,backlog` runs only
those cases. Creating a thousand rooms takes minutes: with KNOOPPUNT_BENCH_KEEP=1 the
run's directory is kept (homeserver, users, rooms, the bot's data and its PostgreSQL),
and `--reuse DIR` runs the cases again on it, setup in seconds; `--reuse` of a folder
without a kept run sets one up there and keeps it. `--json FILE` writes the figures
(bench/load_compare.py runs SQLite and PostgreSQL this way). At the end the figures are
held against the targets of the issue "Fast under load and after a restart".

Bounded: fixed message counts, every wait has a deadline. Exit status 1 when a
reply is lost or doubled, or a report not stored.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml
from nio import (
    AsyncClient,
    AsyncClientConfig,
    Event,
    LoginResponse,
    RoomCreateResponse,
    SyncResponse,
)
from nio.api import MessageDirection
from nio.responses import JoinedMembersResponse, RoomMessagesResponse, RoomSendResponse
from sqlalchemy.engine import make_url

from bench import load_mix
from bench.load_postgres import BenchPostgres
from bench.roundtrip import p95
from storage.engine import default_sqlite_url
from tests.conftest import World
from tests.support.botproc import BotProcess
from tests.support.synapse import Synapse

KEEP = os.environ.get("KNOOPPUNT_BENCH_KEEP")
# A py-spy executable: the bot is profiled in each case (collapsed stacks, wall clock,
# idle included) into the directory named by KNOOPPUNT_BENCH_PROFILE_DIR; see
# bench/profile_top.py for the top functions. Sampling costs the bot CPU of its own
# (some 10 ms per second measured with py-spy pausing it at 100 Hz, about 1 ms per event
# at 10/s; less with --nonblocking, used here): take CPU figures from a run without it.
PYSPY = os.environ.get("KNOOPPUNT_BENCH_PYSPY")
PROFILE_DIR = Path(os.environ.get("KNOOPPUNT_BENCH_PROFILE_DIR", "."))
# "gil" samples only the thread holding the GIL (where the bot's Python CPU goes; py-spy's
# idle detection counts threads blocked in epoll or a queue as busy); by default every
# sample is kept, idle included (where its wall-clock time goes).
PYSPY_MODE = os.environ.get("KNOOPPUNT_BENCH_PROFILE_MODE", "wall")
# Samples per second (py-spy's default is 100; more gives finer figures and costs more).
PYSPY_RATE = os.environ.get("KNOOPPUNT_BENCH_PROFILE_RATE", "100")
# With KNOOPPUNT_BENCH_ACCESS_LOG=1 Synapse logs every request with its own CPU time into
# synapse/homeserver.log: where the homeserver's time goes, per endpoint and per side.
ACCESS_LOG = os.environ.get("KNOOPPUNT_BENCH_ACCESS_LOG")
TICK = os.sysconf("SC_CLK_TCK")
# One request in that log: its CPU in user and system mode, and its path.
ACCESS_LINE = re.compile(
    r"ru=\((?P<user>[\d.]+)sec, (?P<system>[\d.]+)sec\).*\"[A-Z]+ (?P<path>\S+)"
)
REQUEST_KINDS = [
    ("sync", "/sync"),
    ("send", "/send/"),
    ("messages", "/messages"),
    ("state", "/state"),
]
MANIFEST = "load-setup.json"
# Seconds between the watch's polls while a backlog drains. Each poll is a /sync of all
# the side's rooms that got a reply since the last one: the bot answers its 50 rooms in
# turn, the baseline 4 at a time, so at one poll a second the watch cost the homeserver
# (and its one database connection) 3.4 s of CPU during the bot's 5,000-message drain
# against 1.0 s during the baseline's. The drain is measured from the replies' own
# timestamps, so polling less often changes no figure, only that disturbance.
BACKLOG_POLL_EVERY = 3.0


def cpu_split(pid: int) -> tuple[float, float]:
    """Seconds of CPU in user mode and in the kernel (fields 14 utime and 15 stime of
    /proc/<pid>/stat): the kernel's share is the sockets, pipes and thread wake-ups."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) / TICK, int(fields[12]) / TICK


def thread_cpu(pid: int) -> tuple[float, float]:
    """Seconds of CPU of the main thread and of all other threads together (the database's
    thread, the resolver's): where the bot's CPU goes, beside the profiles. The others are
    the process's total less the main thread's: the total keeps the CPU of threads that
    have ended (they are gone from /proc/<pid>/task)."""
    fields = Path(f"/proc/{pid}/task/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    main = (int(fields[11]) + int(fields[12])) / TICK
    # Rounded to the clock tick both figures are counted in: no float residue as "other".
    return main, max(0.0, round(cpu_seconds(pid) - main, 6))


def cpu_seconds(pid: int) -> float:
    return sum(cpu_split(pid))


def memory_mb(pid: int, key: str) -> float:
    for row in Path(f"/proc/{pid}/status").read_text().splitlines():
        if row.startswith(key + ":"):
            return int(row.split()[1]) / 1024
    return 0.0


def log_homeserver_requests(server: Synapse) -> None:
    """Add Synapse's access log (one line per request, with its CPU time) to its log."""
    path = server.workdir / "log.yaml"
    config = yaml.safe_load(path.read_text())
    config["loggers"] = {"synapse.access": {"level": "INFO"}}
    path.write_text(yaml.safe_dump(config))


def spy_on(pid: int, case: str) -> subprocess.Popen[bytes] | None:
    """py-spy recording process `pid` into profile-<case>.txt, if KNOOPPUNT_BENCH_PYSPY is set."""
    if PYSPY is None:
        return None
    return subprocess.Popen(
        [
            PYSPY,
            "record",
            "--pid",
            str(pid),
            *(["--gil"] if PYSPY_MODE == "gil" else ["--idle"]),
            "--nonblocking",
            "-r",
            PYSPY_RATE,
            "-f",
            "raw",
            "-o",
            str(PROFILE_DIR / f"profile-{case}.txt"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


class Runner:
    """Either side: the bot (`knooppunt run`) or the baseline script, as a subprocess."""

    def __init__(self, name: str, user_id: str, start: subprocess.Popen[bytes] | None = None):
        self.name = name
        self.user_id = user_id
        self.process: subprocess.Popen[bytes] | None = start
        self.started_at = 0.0  # wall clock, to compare with homeserver timestamps
        self.case = "setup"  # the name of its profile file (KNOOPPUNT_BENCH_PYSPY)
        self.spy: subprocess.Popen[bytes] | None = None

    def profile(self) -> None:
        """Profile the process from now on into profile-<case>.txt (the last file ends)."""
        self.end_profile()
        if self.process is not None:
            self.spy = spy_on(self.process.pid, self.case)

    def end_profile(self) -> None:
        if self.spy is not None:
            self.spy.send_signal(2)  # SIGINT: py-spy writes what it has
            self.spy.wait(30)
            self.spy = None

    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def launch(self) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError


class BotRunner(Runner):
    def __init__(self, bot: BotProcess, user_id: str) -> None:
        super().__init__("bot", user_id)
        self.bot = bot

    def launch(self) -> None:
        self.started_at = time.time()
        self.bot.start()
        self.process = self.bot.process
        self.profile()

    def stop(self) -> None:
        self.end_profile()
        if self.bot.running():
            self.bot.terminate(60)
        self.process = None


class BaselineRunner(Runner):
    def __init__(
        self, homeserver: str, user_id: str, password: str, workdir: Path, content: str = ""
    ) -> None:
        super().__init__("baseline", user_id)
        workdir.mkdir(parents=True, exist_ok=True)
        self.args = [homeserver, user_id, password, str(workdir / "state.json")]
        if content:
            self.args.append(content)
        self.log = workdir / "baseline.log"
        self.case = "baseline-setup"

    def launch(self) -> None:
        self.started_at = time.time()
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bench.load_baseline", *self.args],
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=Path(__file__).resolve().parents[1],
            )
        # The baseline is profiled like the bot, so the two compare function by function.
        self.profile()

    def stop(self) -> None:
        self.end_profile()
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(60)
        self.process = None


@dataclass
class Replies:
    """Per command event: the homeserver timestamps of the replies to it."""

    commands: dict[str, int]  # event id -> origin_server_ts
    replies: dict[str, list[int]]

    def counts(self) -> tuple[int, int, int]:
        counts = [len(self.replies.get(e, [])) for e in self.commands]
        return (
            sum(1 for n in counts if n == 1),
            sum(1 for n in counts if n == 0),
            sum(1 for n in counts if n > 1),
        )


class Watch:
    """Commands in some rooms from now on, and one user's replies to them.

    Polled with one /sync of the watched rooms (the sender's own client): what it
    costs the homeserver follows the events that arrived, not the rooms still
    waiting times the seconds waited. (Reading each waiting room with /messages
    every second, as before, cost the bot's side more than the baseline's: the bot
    serves its rooms in turn, so all of them wait until the end, while the
    baseline finishes four rooms at a time and leaves them. In a 1,000-message
    backlog that was 2,970 reads against 1,294, several seconds of the
    homeserver's CPU and of its one SQLite connection, in the bot's drain alone.)
    A limited timeline, and the last look for doubled replies, read the rooms
    forward with /messages from the token of their live end when the watch
    started. Events are counted by id: a page read twice counts once.
    """

    def __init__(self, client: AsyncClient, rooms: list[str], replier: str) -> None:
        self.client = client
        self.rooms = list(dict.fromkeys(rooms))
        self.replier = replier
        self.tokens: dict[str, str] = {}
        self.since = ""  # the /sync token the next poll reads on from
        self.events: set[str] = set()
        self.room_of: dict[str, str] = {}  # command event id -> its room
        self.found = Replies({}, {})

    def sync_filter(self, limit: int) -> dict[str, object]:
        return {
            "presence": {"not_types": ["*"]},
            "account_data": {"not_types": ["*"]},
            "room": {
                "rooms": self.rooms,
                "timeline": {"limit": limit},
                "state": {"types": []},
                "ephemeral": {"not_types": ["*"]},
                "account_data": {"not_types": ["*"]},
            },
        }

    async def start(self) -> Watch:
        gate = asyncio.Semaphore(8)

        async def end_of(room: str) -> None:
            async with gate:
                page = await self.client.room_messages(room, limit=1)
            if not isinstance(page, RoomMessagesResponse):
                raise RuntimeError(f"cannot read {room}: {page}")
            self.tokens[room] = page.start  # the live end: where reading on begins

        await asyncio.gather(*(end_of(room) for room in self.rooms))
        first = await self.client.sync(timeout=0, sync_filter=self.sync_filter(0))
        if not isinstance(first, SyncResponse):
            raise RuntimeError(f"cannot sync: {first}")
        self.since = first.next_batch
        return self

    async def poll(self) -> None:
        """What the watched rooms got since the last poll (one /sync)."""
        response = await self.client.sync(
            timeout=0, since=self.since, sync_filter=self.sync_filter(500)
        )
        if not isinstance(response, SyncResponse):
            raise RuntimeError(f"cannot sync: {response}")
        limited = []
        for room, info in response.rooms.join.items():
            if room not in self.tokens:
                continue
            if info.timeline.limited:
                limited.append(room)
            for event in info.timeline.events:
                self.note(room, event)
        if limited:
            await self.read_all(limited)
        self.since = response.next_batch

    async def read_all(self, rooms: list[str]) -> None:
        """Read these rooms forward with /messages from where this watch last read them."""
        gate = asyncio.Semaphore(8)

        async def read_on(room: str) -> None:
            for _ in range(1000):
                async with gate:
                    page = await self.client.room_messages(
                        room, start=self.tokens[room], direction=MessageDirection.front, limit=500
                    )
                if not isinstance(page, RoomMessagesResponse):
                    raise RuntimeError(f"cannot read {room}: {page}")
                for event in page.chunk:
                    self.note(room, event)
                if not page.chunk or not page.end or page.end == self.tokens[room]:
                    return
                self.tokens[room] = page.end

        await asyncio.gather(*(read_on(room) for room in rooms))

    def note(self, room: str, event: Event) -> None:
        if event.event_id in self.events:
            return
        self.events.add(event.event_id)
        content = event.source.get("content", {})
        if event.sender == self.client.user_id and str(content.get("body", "")).startswith("!"):
            self.found.commands[event.event_id] = event.server_timestamp
            self.room_of[event.event_id] = room
        elif event.sender == self.replier:
            relates = content.get("m.relates_to") or {}
            source = (relates.get("m.in_reply_to") or {}).get("event_id")
            if isinstance(source, str):
                self.found.replies.setdefault(source, []).append(event.server_timestamp)

    async def settle(
        self, expected: set[str], patience: float, every: float = 1.0
    ) -> tuple[Replies, float]:
        """Poll every `every` seconds until every expected command has a reply (or patience
        runs out); returns what was seen and when it was complete. At the end every room
        is read once more with /messages (a doubled reply, in a room done early or after
        the last poll). The figures come from the homeserver's timestamps, not from when
        a poll saw them."""
        deadline = time.monotonic() + patience
        while True:
            await self.poll()
            waiting = {e for e in expected if not self.found.replies.get(e)}
            if not waiting or time.monotonic() > deadline:
                done = time.monotonic()
                await self.read_all(self.rooms)
                return self.found, done
            await asyncio.sleep(every)


def ratio(value: float, base: float) -> str:
    return f"{value / base:5.2f}x" if base > 0 else "   n/a"


def median_of(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def row(name: str, bot: float, base: float, unit: str) -> None:
    print(
        f"  {name:<28} bot {bot:9.2f} {unit:<4} baseline {base:9.2f} {unit:<4} {ratio(bot, base)}"
    )


# What each case shows, bot beside baseline: (label, measure, unit).
SUSTAINED_ROWS = [
    ("latency p50", "p50", "ms"),
    ("latency p95", "p95", "ms"),
    ("CPU per event", "cpu_ms_per_event", "ms"),
    ("  of it user", "user_ms_per_event", "ms"),
    ("  of it system", "system_ms_per_event", "ms"),
    ("  main thread", "main_thread_ms_per_event", "ms"),
    ("  other threads", "other_threads_ms_per_event", "ms"),
    ("homeserver CPU per event", "homeserver_ms_per_event", "ms"),
    ("cores", "cores", ""),
]
WARM_ROWS = [
    ("first reply after start", "first_reply_s", "s"),
    ("idle RSS", "idle_rss_mb", "MB"),
    ("CPU during start", "cpu_s", "s"),
]
BACKLOG_ROWS = [
    ("drained after start", "drain_s", "s"),
    ("first reply after start", "first_reply_s", "s"),
    ("CPU", "cpu_s", "s"),
    ("  of it user", "user_s", "s"),
    ("  of it system", "system_s", "s"),
    ("homeserver CPU", "homeserver_cpu_s", "s"),
    ("peak RSS", "peak_rss_mb", "MB"),
]


def rows(bot: dict[str, float], base: dict[str, float], shown: list[tuple[str, str, str]]) -> None:
    """A `row` for each (label, measure, unit) of a case's results."""
    for name, key, unit in shown:
        row(name, bot[key], base[key], unit)


def request_rows(bot: dict[str, float], base: dict[str, float]) -> None:
    """The homeserver requests of each side by kind (KNOOPPUNT_BENCH_ACCESS_LOG only)."""
    for kind, _part in REQUEST_KINDS:
        if f"{kind}_requests" in bot or f"{kind}_requests" in base:
            row(
                f"{kind} requests",
                bot.get(f"{kind}_requests", 0),
                base.get(f"{kind}_requests", 0),
                "",
            )
            row(
                "  their homeserver CPU",
                bot.get(f"{kind}_cpu_s", 0),
                base.get(f"{kind}_cpu_s", 0),
                "s",
            )


def lost_or_doubled(bot: dict[str, float]) -> bool:
    """Say how many replies the bot lost or sent twice; True if any."""
    print(f"  bot lost {bot['lost']:.0f} doubled {bot['doubled']:.0f}")
    return bool(bot["lost"] or bot["doubled"])


class Bench:
    def __init__(self, args: argparse.Namespace, workdir: Path) -> None:
        self.args = args
        self.workdir = workdir
        port = None
        self.reusing = (workdir / MANIFEST).exists()
        if self.reusing:
            # The same port: the bot's stored session names the homeserver's URL.
            port = json.loads((workdir / MANIFEST).read_text())["port"]
        self.server = Synapse(workdir / "synapse", port=port)
        if ACCESS_LOG:
            log_homeserver_requests(self.server)
        self.postgres: BenchPostgres | None = None
        self.pg_database = ""  # the bot's database on self.postgres
        self.keep = False  # the run's folder (and PostgreSQL) kept for --reuse
        self.verdicts: list[tuple[str, bool]] = []
        self.results: dict[str, dict[str, dict[str, float]]] = {}  # case -> side -> figures

    def check(self, what: str, ok: bool) -> None:
        self.verdicts.append((what, ok))

    async def setup(self) -> None:
        if self.reusing:
            await self.setup_again()
            return
        self.server.start()
        world = World(self.server, self.workdir)
        self.world = world
        self.bot = BotRunner(world.bot(**self.bot_env()), world.bot_user)
        base_user = self.server.register(f"baseline{os.getpid()}", "baseline-password")
        self.base = BaselineRunner(
            self.server.url,
            base_user,
            "baseline-password",
            self.workdir / "baseline",
            self.args.baseline_content,
        )
        sender = self.server.register(f"sender{os.getpid()}", "sender-password")
        for user in (sender, world.bot_user, base_user):
            self.server.lift_rate_limit(user)
        await self.log_in(sender)
        self.bot.launch()
        self.base.launch()
        own = max(self.args.backlog_rooms, self.args.sustained_rooms)
        started = time.monotonic()
        self.bot_rooms = await self.create_rooms(own, [self.bot.user_id])
        self.base_rooms = await self.create_rooms(own, [self.base.user_id])
        shared = max(0, self.args.rooms - own)
        self.shared_rooms = await self.create_rooms(shared, [self.bot.user_id, self.base.user_id])
        await self.wait_joined()
        print(
            f"setup: {own} + {own} own rooms and {shared} shared rooms "
            f"in {time.monotonic() - started:.0f} s"
        )
        # What --reuse needs to run the cases again without creating the rooms again.
        postgres = self.postgres and {"folder": str(self.postgres.workdir), "db": self.pg_database}
        (self.workdir / MANIFEST).write_text(
            json.dumps(
                {
                    "port": self.server.port,
                    "bot_user": world.bot_user,
                    "bot_password": world.bot_password,
                    "base_user": base_user,
                    "sender": sender,
                    "bot_rooms": self.bot_rooms,
                    "base_rooms": self.base_rooms,
                    "shared_rooms": self.shared_rooms,
                    "postgres": postgres or None,
                }
            )
        )

    async def setup_again(self) -> None:
        """A kept run's homeserver and rooms (KNOOPPUNT_BENCH_KEEP): setup takes seconds."""
        manifest = json.loads((self.workdir / MANIFEST).read_text())
        if bool(manifest.get("postgres")) != self.args.postgres:
            raise SystemExit(f"--postgres must be given if and only if {self.workdir} used it")
        if manifest.get("postgres"):
            # The kept cluster, started again; the bot's database is the one it used.
            self.postgres = BenchPostgres(Path(manifest["postgres"]["folder"]))
            self.postgres.start()
            self.pg_database = manifest["postgres"]["db"]
        self.server.start()
        env = {
            "KNOOPPUNT_HOMESERVER": self.server.url,
            "KNOOPPUNT_USER_ID": manifest["bot_user"],
            "KNOOPPUNT_PASSWORD": manifest["bot_password"],
            "KNOOPPUNT_DATA_DIR": str(self.workdir / "bot-data0"),
            "KNOOPPUNT_HTTP_LISTEN": "",
            "KNOOPPUNT_METRICS_LISTEN": "",
            **self.bot_env(),
        }
        self.bot = BotRunner(BotProcess(self.workdir / "bot-data0", env), manifest["bot_user"])
        self.base = BaselineRunner(
            self.server.url,
            manifest["base_user"],
            "baseline-password",
            self.workdir / "baseline",
            self.args.baseline_content,
        )
        await self.log_in(manifest["sender"])
        self.bot_rooms = manifest["bot_rooms"]
        self.base_rooms = manifest["base_rooms"]
        self.shared_rooms = manifest["shared_rooms"]
        self.bot.launch()
        self.base.launch()
        print(
            f"setup: reused {len(self.bot_rooms)} + {len(self.base_rooms)} own rooms and "
            f"{len(self.shared_rooms)} shared rooms from {self.workdir}"
        )

    def bot_env(self) -> dict[str, str]:
        env = {"KNOOPPUNT_ENCRYPTION": "false", "KNOOPPUNT_LOG_LEVEL": self.args.log_level}
        if self.args.database_url:
            env["KNOOPPUNT_DATABASE_URL"] = self.args.database_url
        elif self.args.postgres:
            if self.postgres is None:
                self.postgres = BenchPostgres(strict=self.args.pg_strict)  # its own /tmp folder
                self.postgres.start()
            if not self.pg_database:
                self.pg_database = str(make_url(self.postgres.create_database()).database)
            env["KNOOPPUNT_DATABASE_URL"] = self.postgres.url(self.pg_database)
        return env

    async def log_in(self, sender: str) -> None:
        config = AsyncClientConfig(store_sync_tokens=False, encryption_enabled=False)
        self.client = AsyncClient(self.server.url, sender, config=config)
        login = await self.client.login("sender-password")
        assert isinstance(login, LoginResponse), login

    async def create_rooms(self, count: int, invite: list[str]) -> list[str]:
        rooms: list[str] = []
        gate = asyncio.Semaphore(4)

        async def one(index: int) -> None:
            async with gate:
                response = await self.client.room_create(name=f"load {index}", invite=invite)
                assert isinstance(response, RoomCreateResponse), response
                rooms.append(response.room_id)

        await asyncio.gather(*(one(i) for i in range(count)))
        return rooms

    async def wait_joined(self) -> None:
        wanted = [
            *((r, self.bot.user_id) for r in self.bot_rooms + self.shared_rooms),
            *((r, self.base.user_id) for r in self.base_rooms + self.shared_rooms),
        ]
        deadline = time.monotonic() + 600
        for room, user in wanted:
            while time.monotonic() < deadline:
                members = await self.client.joined_members(room)
                if isinstance(members, JoinedMembersResponse) and any(
                    m.user_id == user for m in members.members
                ):
                    break
                await asyncio.sleep(0.5)

    async def send(self, room: str, body: str) -> str:
        response = await self.client.room_send(
            room, "m.room.message", {"msgtype": "m.text", "body": body}
        )
        assert isinstance(response, RoomSendResponse), response
        return response.event_id

    # ------------------------------------------------------------ cases

    async def sustained(self, runner: Runner, rooms: list[str]) -> dict[str, float]:
        rooms = rooms[: self.args.sustained_rooms]
        total = int(self.args.rate * self.args.seconds)
        if self.args.sustained_warmup:
            # One command per room first, answered before the measured window: what a
            # side does once per room after its start (the bot loads a room's state and
            # reads its mark at the room's first event) is then not counted per event.
            warm = await Watch(self.client, rooms, runner.user_id).start()
            asked = set()
            for room in rooms:
                await asyncio.sleep(1 / self.args.rate)
                asked.add(await self.send(room, "!help"))
            await warm.settle(asked, 120)
        watch = await Watch(self.client, rooms, runner.user_id).start()
        user_before, system_before = cpu_split(runner.pid())
        main_before, other_before = thread_cpu(runner.pid())
        homeserver_before = self.homeserver_cpu()
        began = time.monotonic()
        sent: set[str] = set()
        for index in range(total):
            await asyncio.sleep(max(0.0, began + index / self.args.rate - time.monotonic()))
            sent.add(await self.send(rooms[index % len(rooms)], "!help"))
        seen, _ = await watch.settle(sent, 120)
        homeserver = self.homeserver_cpu() - homeserver_before
        user_after, system_after = cpu_split(runner.pid())
        main_after, other_after = thread_cpu(runner.pid())
        user, system = user_after - user_before, system_after - system_before
        cpu = user + system
        wall = time.monotonic() - began
        latencies = [
            (seen.replies[e][0] - seen.commands[e]) / 1000 for e in sent if seen.replies.get(e)
        ]
        _once, lost, doubled = Replies({e: 0 for e in sent}, seen.replies).counts()
        return {
            "p50": statistics.median(latencies) * 1000 if latencies else float("inf"),
            "p95": p95(latencies) * 1000 if latencies else float("inf"),
            "cpu_ms_per_event": cpu * 1000 / total,
            "user_ms_per_event": user * 1000 / total,
            "system_ms_per_event": system * 1000 / total,
            "main_thread_ms_per_event": (main_after - main_before) * 1000 / total,
            "other_threads_ms_per_event": (other_after - other_before) * 1000 / total,
            "homeserver_ms_per_event": homeserver * 1000 / total,
            "cores": cpu / wall,
            "lost": lost,
            "doubled": doubled,
        }

    async def send_backlog(self, rooms: list[str]) -> set[str]:
        rooms = rooms[: self.args.backlog_rooms]
        sent: set[str] = set()
        gate = asyncio.Semaphore(8)

        mixed = self.args.backlog_mix == "issue"

        async def room_share(room: str, first: int, count: int) -> None:
            for index in range(first, first + count):
                body = load_mix.message(index) if mixed else "!help"
                async with gate:
                    event_id = await self.send(room, body)
                if load_mix.is_command(body):  # chatter gets no reply, from either side
                    sent.add(event_id)

        share, extra = divmod(self.args.backlog, len(rooms))
        counts = [share + (1 if i < extra else 0) for i in range(len(rooms))]
        firsts = [sum(counts[:i]) for i in range(len(rooms))]
        await asyncio.gather(
            *(room_share(room, firsts[i], counts[i]) for i, room in enumerate(rooms))
        )
        return sent

    def bot_database_url(self) -> str:
        env = self.bot.bot.env
        return env.get("KNOOPPUNT_DATABASE_URL") or default_sqlite_url(self.bot.bot.workdir)

    def access_log_size(self) -> int:
        path = self.server.workdir / "homeserver.log"
        return path.stat().st_size if ACCESS_LOG and path.exists() else 0

    def requests_of(self, user_id: str, offset: int) -> dict[str, float]:
        """With KNOOPPUNT_BENCH_ACCESS_LOG: the user's /sync, send, /messages and /state
        requests since `offset` in the homeserver's log, and their CPU (Synapse's own
        figure per request). Nothing without the access log."""
        if not ACCESS_LOG:
            return {}
        with (self.server.workdir / "homeserver.log").open("rb") as log:
            log.seek(offset)
            lines = log.read().decode(errors="replace").splitlines()
        figures: dict[str, float] = {}
        for line in lines:
            found = ACCESS_LINE.search(line)
            if found is None or f"{{{user_id}}}" not in line:
                continue
            kind = next((k for k, part in REQUEST_KINDS if part in found["path"]), "other")
            figures[f"{kind}_requests"] = figures.get(f"{kind}_requests", 0) + 1
            cpu = float(found["user"]) + float(found["system"])
            figures[f"{kind}_cpu_s"] = figures.get(f"{kind}_cpu_s", 0.0) + cpu
        return figures

    def homeserver_cpu(self) -> float:
        """Synapse's CPU seconds so far: the floor the bot is held against is its time."""
        process = self.server.process
        return cpu_seconds(process.pid) if process is not None else 0.0

    async def backlog(self, runner: Runner, watch: Watch, sent: set[str]) -> dict[str, float]:
        # The watch reads the backlog itself before the start (one /sync of every command,
        # 1.5 MB for 5,000): done at the start, it competed with the side's own first sync
        # for the homeserver's one database connection (bot's first sync 4.6 s, 1.2 s alone).
        await watch.poll()
        homeserver_before = self.homeserver_cpu()
        requests_before = self.access_log_size()
        runner.launch()
        began = time.monotonic()
        seen, done = await watch.settle(sent, self.args.patience, BACKLOG_POLL_EVERY)
        homeserver = self.homeserver_cpu() - homeserver_before
        user, system = cpu_split(runner.pid())
        peak = memory_mb(runner.pid(), "VmHWM")
        stamps = [ts for e in sent for ts in seen.replies.get(e, [])]
        _once, lost, doubled = Replies({e: 0 for e in sent}, seen.replies).counts()
        return {
            "drain_s": (max(stamps) / 1000 - runner.started_at) if stamps else done - began,
            "first_reply_s": (min(stamps) / 1000 - runner.started_at) if stamps else float("inf"),
            "cpu_s": user + system,
            "user_s": user,
            "system_s": system,
            # Includes the watch's own polls, the same for both sides.
            "homeserver_cpu_s": homeserver,
            "peak_rss_mb": peak,
            "lost": lost,
            "doubled": doubled,
            **self.requests_of(runner.user_id, requests_before),
        }

    async def warm_start(self, runner: Runner, room: str) -> dict[str, float]:
        runner.stop()
        await asyncio.sleep(1)
        watch = await Watch(self.client, [room], runner.user_id).start()
        runner.launch()
        event_id = await self.send(room, "!help")
        seen, _ = await watch.settle({event_id}, 120)
        stamps = seen.replies.get(event_id, [])
        await asyncio.sleep(5)  # settled: what it holds when idle
        return {
            "first_reply_s": (min(stamps) / 1000 - runner.started_at) if stamps else float("inf"),
            "idle_rss_mb": memory_mb(runner.pid(), "VmRSS"),
            "cpu_s": cpu_seconds(runner.pid()),
        }

    async def run(self) -> int:
        await self.setup()
        failed = False
        cases = self.args.cases
        # Both started and answering (a start's imports and first sync are not what the
        # cases measure), the joins' greetings and first syncs settled.
        for runner, rooms in ((self.bot, self.bot_rooms), (self.base, self.base_rooms)):
            watch = await Watch(self.client, [rooms[0]], runner.user_id).start()
            event_id = await self.send(rooms[0], "!help")
            await watch.settle({event_id}, 300)
        await asyncio.sleep(5)
        if "idle" in cases:
            await self.run_idle()
        if "sustained" in cases:
            failed |= await self.run_sustained()
        if "warm" in cases:
            await self.run_warm()
        if "backlog" in cases:
            failed |= await self.run_backlog()
        print(
            f"\ntargets ({'PostgreSQL' if self.postgres or self.args.database_url else 'SQLite'}):"
        )
        for what, ok in self.verdicts:
            print(f"  {'met ' if ok else 'MISS'}  {what}")
        return 1 if failed else 0

    async def run_sustained(self) -> bool:
        args = self.args
        print(f"\nsustained: {args.rate}/s over {args.sustained_rooms} rooms for {args.seconds} s")
        self.base.case = "baseline-sustained"
        self.base.profile()
        sb = await self.sustained(self.base, self.base_rooms)
        self.base.case = "baseline"
        self.base.profile()
        self.bot.case = "sustained"
        self.bot.profile()
        began = time.time()
        st = await self.sustained(self.bot, self.bot_rooms)
        print(f"  (bot's run from {began:.0f} to {time.time():.0f})")
        rows(st, sb, SUSTAINED_ROWS)
        self.results["sustained"] = {"bot": st, "baseline": sb}
        failed = lost_or_doubled(st)
        self.check("sustained p50 <= 1.3x baseline", st["p50"] <= 1.3 * sb["p50"])
        self.check("sustained p95 <= 1.3x baseline", st["p95"] <= 1.3 * sb["p95"])
        self.check("sustained CPU <= 3 ms per event", st["cpu_ms_per_event"] <= 3.0)
        return failed

    async def run_idle(self) -> None:
        """CPU while nothing happens: what the timers cost (both sides at once: idle)."""
        seconds = self.args.idle_seconds
        print(f"\nidle: {seconds:.0f} s with no messages")
        await asyncio.sleep(5)  # the last replies' echoes, the token's commit
        self.bot.case = "idle"
        self.bot.profile()
        before = {r.name: cpu_seconds(r.pid()) for r in (self.bot, self.base)}
        await asyncio.sleep(seconds)
        used = {r.name: cpu_seconds(r.pid()) - before[r.name] for r in (self.bot, self.base)}
        bot, base = (used[side] * 1000 / seconds for side in ("bot", "baseline"))
        row("idle CPU per second", bot, base, "ms")
        self.check("idle: at most 5 ms CPU per second", bot <= 5)

    async def run_warm(self) -> None:
        args = self.args
        print(f"\nwarm start with {args.rooms} joined rooms ({args.warm_repeat} restart(s) each)")
        base_runs: list[dict[str, float]] = []
        bot_runs: list[dict[str, float]] = []
        for _ in range(args.warm_repeat):
            # Alternated, so a burst of load on the shared machine hits both sides.
            base_runs.append(await self.warm_start(self.base, self.base_rooms[0]))
            self.bot.case = "warm"
            bot_runs.append(await self.warm_start(self.bot, self.bot_rooms[0]))
        wb = median_of(base_runs)
        wt = median_of(bot_runs)
        if args.warm_repeat > 1:
            print(
                "  (medians; each run: bot "
                + ", ".join(f"{r['first_reply_s']:.2f}" for r in bot_runs)
                + " s; baseline "
                + ", ".join(f"{r['first_reply_s']:.2f}" for r in base_runs)
                + " s)"
            )
        rows(wt, wb, WARM_ROWS)
        self.check("warm start: first reply <= 1.5 s", wt["first_reply_s"] <= 1.5)
        self.check("warm start: idle RSS < 150 MB", wt["idle_rss_mb"] < 150)

    async def run_backlog(self) -> bool:
        args = self.args
        print(
            f"\nbacklog: {args.backlog} messages over {args.backlog_rooms} rooms, sent while stopped"
        )
        self.bot.stop()
        self.base.stop()
        mixed = args.backlog_mix == "issue"
        if mixed:
            await load_mix.bind_liaison_rooms(
                self.bot_database_url(), self.bot_rooms[: args.backlog_rooms]
            )
            reports_before = await load_mix.stored_reports(self.bot_database_url())
        watches = [
            await Watch(self.client, rooms[: args.backlog_rooms], runner.user_id).start()
            for runner, rooms in ((self.bot, self.bot_rooms), (self.base, self.base_rooms))
        ]
        began = time.monotonic()
        bot_sent = await self.send_backlog(self.bot_rooms)
        base_sent = await self.send_backlog(self.base_rooms)
        print(f"  sent {len(bot_sent)} + {len(base_sent)} in {time.monotonic() - began:.0f} s")
        bb = await self.backlog(self.base, watches[1], base_sent)
        self.bot.case = "backlog"
        self.base.stop()
        bt = await self.backlog(self.bot, watches[0], bot_sent)
        rows(bt, bb, BACKLOG_ROWS)
        request_rows(bt, bb)
        self.results["backlog"] = {"bot": bt, "baseline": bb}
        failed = lost_or_doubled(bt)
        if mixed:
            # The bot is still running: its WAL is readable beside it.
            stored = await load_mix.stored_reports(self.bot_database_url()) - reports_before
            expected = load_mix.reports_in(args.backlog)
            print(f"  reports stored: {stored} of {expected}")
            self.check("backlog: every report stored", stored == expected)
            failed = failed or stored != expected
        self.check("backlog: drain <= 1.2x baseline", bt["drain_s"] <= 1.2 * bb["drain_s"])
        self.check("backlog: first reply <= 2 s", bt["first_reply_s"] <= 2.0)
        self.check("backlog: 0 lost, 0 doubled", not failed)
        self.check("backlog: peak RSS < 200 MB", bt["peak_rss_mb"] < 200)
        return failed

    async def close(self) -> None:
        for runner in (getattr(self, "bot", None), getattr(self, "base", None)):
            if runner is not None:
                runner.stop()
        if hasattr(self, "client"):
            await self.client.close()  # type: ignore[no-untyped-call]
        self.server.stop()
        if self.postgres is not None:
            self.postgres.stop(keep=self.keep)


def run_folder(args: argparse.Namespace) -> Path:
    """--reuse's folder (a kept run, or a new one set up there and kept), else a new one."""
    if args.reuse:
        workdir = Path(args.reuse)
        workdir.mkdir(parents=True, exist_ok=True)
        return workdir
    return Path(tempfile.mkdtemp(prefix="knooppunt-load-"))


def write_figures(path: Path, results: dict[str, dict[str, dict[str, float]]]) -> None:
    path.write_text(json.dumps(results, indent=1))


async def main(args: argparse.Namespace) -> int:
    # A deployed bot starts from compiled bytecode; without it every start of the
    # bot compiles all of the project's modules again (the baseline's nio is
    # already compiled in site-packages), which is not what is measured here.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    workdir = run_folder(args)
    keep = KEEP is not None or bool(args.reuse)
    if keep:
        print(f"keeping {workdir}")
    bench = Bench(args, workdir)
    bench.keep = keep
    try:
        return await bench.run()
    finally:
        await bench.close()
        if args.json:
            write_figures(Path(args.json), bench.results)
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--backlog", type=int, default=5000)
    parser.add_argument("--backlog-rooms", type=int, default=50)
    parser.add_argument(
        "--backlog-mix",
        choices=("issue", "help"),
        default="issue",
        help="issue: 3 reports, 1 !help and 1 chatter in every 5 messages, in bound liaison "
        "rooms (issue 15's backlog); help: every message !help in unbound rooms (before)",
    )
    parser.add_argument("--rate", type=float, default=10.0)
    parser.add_argument("--sustained-rooms", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument(
        "--sustained-warmup",
        action="store_true",
        help="one command per room, answered, before the sustained case's measured window "
        "(each side's once-per-room work after its start is then not counted per event)",
    )
    parser.add_argument("--idle-seconds", type=float, default=30.0, help="idle case length")
    parser.add_argument("--rooms", type=int, default=1000, help="joined rooms, warm start")
    parser.add_argument("--patience", type=float, default=600.0, help="max backlog drain wait")
    parser.add_argument("--database-url", default="", help="e.g. a PostgreSQL URL")
    parser.add_argument("--postgres", action="store_true", help="start a private PostgreSQL")
    parser.add_argument(
        "--pg-strict",
        action="store_true",
        help="PostgreSQL waits for the WAL flush at each commit (stricter than SQLite's NORMAL)",
    )
    parser.add_argument(
        "--baseline-content",
        metavar="FILE",
        default="",
        help="a JSON file with the content the baseline replies with (default: the notice 'ok')",
    )
    parser.add_argument("--json", metavar="FILE", help="write the figures of each case here")
    parser.add_argument("--log-level", default="WARNING")
    parser.add_argument(
        "--cases",
        default="idle,sustained,warm,backlog",
        type=lambda text: set(text.split(",")),
        help="comma-separated subset of idle,sustained,warm,backlog (in that order)",
    )
    parser.add_argument(
        "--reuse",
        metavar="DIR",
        help="the directory of a run kept with KNOOPPUNT_BENCH_KEEP=1: its homeserver, users "
        "and rooms, so setup does not create them again (--rooms and the room counts are those "
        "of that run); a directory without one: a new run set up there and kept",
    )
    parser.add_argument(
        "--warm-repeat", type=int, default=1, help="warm restarts per side (medians printed)"
    )
    sys.exit(asyncio.run(main(parser.parse_args())))
