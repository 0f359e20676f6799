"""Shared fixtures: a real Synapse, a real PostgreSQL, the bot as a subprocess, humans."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest

from storage.engine import Database
from tests.support.botproc import BotProcess
from tests.support.cross_signing import cross_sign_login
from tests.support.human import Human
from tests.support.migrated import migrated_postgres_url, migrated_sqlite_url
from tests.support.postgres import Postgres
from tests.support.synapse import HomeserverError, Synapse

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
TESTS = Path(__file__).resolve().parent
# The directory a test lives in is its kind (see the markers in pyproject.toml).
KINDS = ("unit", "storage", "integration")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        parts = item.path.resolve().relative_to(TESTS).parts
        if parts and parts[0] in KINDS:
            item.add_marker(parts[0])


@pytest.fixture(scope="session")
def signing_key_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("synapse-key") / "signing.key"


def start_synapse(workdir: Path, signing_key_cache: Path, **kwargs: object) -> Synapse:
    """A started homeserver in `workdir`. `free_port` hands out a port that another
    pytest-xdist worker could bind before Synapse does: then it is tried once more on
    another port."""

    def configured() -> Synapse:
        server = Synapse(workdir, **kwargs)  # type: ignore[arg-type]
        server.generate_key(signing_key_cache)
        return server

    server = configured()
    try:
        server.start()
    except HomeserverError:
        server.stop()
        server = configured()  # a new free port; the same files
        server.start()
    return server


@pytest.fixture(scope="session")
def synapse(tmp_path_factory: pytest.TempPathFactory, signing_key_cache: Path) -> Iterator[Synapse]:
    server = start_synapse(tmp_path_factory.mktemp("synapse"), signing_key_cache)
    yield server
    server.stop()


@pytest.fixture
def private_synapse(tmp_path: Path, signing_key_cache: Path) -> Iterator[Callable[..., Synapse]]:
    """A homeserver of the test's own, for tests that stop it or throttle it."""
    started: list[Synapse] = []

    def make(**kwargs: object) -> Synapse:
        server = start_synapse(tmp_path / f"synapse{len(started)}", signing_key_cache, **kwargs)
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    try:
        server = Postgres()
        server.start()
    except Exception as exc:
        if IN_CI:
            raise  # CI must run the PostgreSQL tests: a skip there is a failure
        pytest.skip(f"PostgreSQL could not be started here: {exc}")
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    """The database backend of a test that uses `database_url` or `db`."""
    return str(request.param)


@pytest.fixture
def database_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database on each backend (tests of the migrations start here)."""
    if backend == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
    server: Postgres = request.getfixturevalue("postgres")
    return server.create_database()


@pytest.fixture
async def migrated_database_url(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> str:
    """A database on each backend, already migrated: a copy of one the migrations ran on
    once per process (tests/support/migrated.py); `migrate()` finds it up to date."""
    if backend == "sqlite":
        return await migrated_sqlite_url(tmp_path / "test.db")
    return await migrated_postgres_url(request.getfixturevalue("postgres"))


@pytest.fixture
async def db(migrated_database_url: str) -> AsyncIterator[Database]:
    """A migrated database on each backend; a test module may define its own `db`."""
    database = Database(migrated_database_url)
    await database.migrate()
    yield database
    await database.close()


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:8]}"


class World:
    """Users on a homeserver, the bot process and the humans of one test."""

    def __init__(self, server: Synapse, tmp_path: Path) -> None:
        self.server = server
        self.tmp_path = tmp_path
        self.humans: list[Human] = []
        self.bots: list[BotProcess] = []
        self.bot_password = "bot-password"
        self.bot_user = server.register(unique("knooppunt"), self.bot_password)

    def bot(self, **env: str) -> BotProcess:
        data_dir = self.tmp_path / f"bot-data{len(self.bots)}"
        base = {
            "KNOOPPUNT_HOMESERVER": self.server.url,
            "KNOOPPUNT_USER_ID": self.bot_user,
            "KNOOPPUNT_PASSWORD": self.bot_password,
            "KNOOPPUNT_DATA_DIR": str(data_dir),
            "KNOOPPUNT_HTTP_LISTEN": "",
            "KNOOPPUNT_METRICS_LISTEN": "",
            "KNOOPPUNT_LOG_LEVEL": "INFO",
        }
        base.update(env)
        process = BotProcess(data_dir, base)
        self.bots.append(process)
        return process

    async def human(
        self, name: str = "user", encryption: bool = False, cross_signed: bool = True
    ) -> Human:
        password = "secret-" + name
        user_id = self.server.register(unique(name), password)
        human = Human(
            self.server.url, user_id, password, self.tmp_path / "humans" / user_id, encryption
        )
        await human.login()
        self.humans.append(human)
        if encryption and cross_signed:
            # As ordinary clients do; the bot gives room keys only to cross-signed devices.
            await cross_sign_login(human.client, password)
        return human

    async def people(self, *names: str) -> list[Human]:
        """One logged-in human a name, in that order."""
        return [await self.human(name) for name in names]

    async def admin_and_bot(self, **env: str) -> tuple[Human, BotProcess]:
        """The configured admin and the bot, started with that admin (and `env`)."""
        admin = await self.human("admin")
        bot = self.bot(KNOOPPUNT_ADMINS=admin.client.user_id, **env)
        bot.start()
        return admin, bot

    async def close(self) -> None:
        for human in self.humans:
            await human.close()
        for bot in self.bots:
            if bot.running():
                bot.terminate()


@pytest.fixture
async def world(synapse: Synapse, tmp_path: Path) -> AsyncIterator[World]:
    w = World(synapse, tmp_path)
    yield w
    await w.close()


@pytest.fixture
def make_world(tmp_path: Path) -> Iterator[Callable[[Synapse], World]]:
    made: list[World] = []

    def make(server: Synapse) -> World:
        w = World(server, tmp_path / f"world{len(made)}")
        made.append(w)
        return w

    yield make
    for w in made:
        for bot in w.bots:
            if bot.running():
                bot.terminate()
