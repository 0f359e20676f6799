"""`knooppunt demo`: a private Synapse, the bot, four people and a short crisis, locally.

It starts Synapse on 127.0.0.1 (from `.venv-synapse`, made by scripts/setup.sh),
registers the bot and a liaison, a municipality user, a coordinator and a
curator, creates and binds their rooms, imports the sample knowledge, plays a
scripted scenario, prints the coordinator's situation picture, and then keeps
running so anyone can log in with a Matrix client. Ctrl-C stops everything it
started. Each run starts from a clean slate under `<data_dir>/demo`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import shutil
import signal
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot.devtools.demo_users import DemoError, Person
from bot.devtools.local_homeserver import HomeserverError, Synapse, free_port, port_open
from bot.samples import SAMPLE_INCIDENT, dated_sample_knowledge
from commands.i18n import Language, t

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.runner import Bot

# The CLI imports these three from here, so that its `demo` branch is one import.
__all__ = ["DemoError", "HomeserverError", "run_demo"]

log = logging.getLogger(__name__)
INCIDENT = SAMPLE_INCIDENT
# The demo's people: Matrix accounts named after their room (and role, as Dutch
# colleagues call it). Room roles themselves are storage.vocabulary.Role.
PEOPLE = ("liaison", "gemeente", "coordinator", "redactie")


@dataclass
class DemoWorld:
    synapse: Synapse
    passwords: dict[str, str]
    users: dict[str, Person]
    rooms: dict[str, str]
    bot_user: str
    out: TextIO
    lang: Language  # of the narration (the configured language); the scenario is Dutch


def _say(out: TextIO, text: str) -> None:
    out.write(text + "\n")
    out.flush()


def _tell(world: DemoWorld, key: str, **values: object) -> None:
    """One line of narration, in the configured language."""
    _say(world.out, t(world.lang, key, **values))


def _clean_slate(demo_dir: Path) -> None:
    """Stop a Synapse a hard-killed earlier demo left running, then remove its data."""
    pid_file = demo_dir / "homeserver" / "synapse.pid"
    with contextlib.suppress(OSError, ValueError):
        pid = int(pid_file.read_text().strip())
        # Only if that pid is still our Synapse: pids are reused.
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        if b"synapse.app.homeserver" in cmdline and str(demo_dir).encode() in cmdline:
            os.kill(pid, signal.SIGTERM)
    if demo_dir.exists():
        shutil.rmtree(demo_dir)


async def _start_homeserver(demo_dir: Path, port: int | None) -> Synapse:
    await asyncio.to_thread(_clean_slate, demo_dir)
    homeserver_dir = demo_dir / "homeserver"
    wanted = port or (8008 if not port_open(8008) else free_port())
    synapse = Synapse(homeserver_dir, port=wanted)
    await asyncio.to_thread(synapse.start, 120)
    return synapse


async def _people(world: DemoWorld, demo_dir: Path) -> None:
    for role in PEOPLE:
        user_id = f"@{role}:{world.synapse.server_name}"
        store = demo_dir / "people" / role
        person = Person(world.synapse.url, user_id, world.passwords[role], store, encryption=True)
        await person.login("knooppunt-demo")
        # The bot gives room keys only to devices their owner cross-signed (the default).
        await person.cross_sign(store / "cross-signing.json")
        world.users[role] = person


async def _rooms(world: DemoWorld) -> None:
    bot = world.bot_user
    coordinator = world.users["coordinator"]
    plan = {
        "coordinatie": ("Coördinatie hoogwater", []),
        "liaison": ("Liaison GGD Zuid-Holland Zuid", ["liaison"]),
        "gemeente": ("Gemeente Dordrecht – vragen", ["gemeente"]),
        "redactie": ("Redactie kennisbank", ["redactie"]),
    }
    for key, (name, people) in plan.items():
        invite = [bot, *(world.users[role].user_id for role in people)]
        room_id = await coordinator.create_room(invite, name=name, encrypted=True)
        world.rooms[key] = room_id
        await coordinator.wait_joined(room_id, bot)
        for role in people:
            await world.users[role].join(room_id)
            await coordinator.wait_joined(room_id, world.users[role].user_id)
    say = coordinator.say
    _tell(world, "demo.rooms_made")
    await say(world.rooms["coordinatie"], f"!incident open {INCIDENT} Hoogwater Maas", bot)
    bindings = {
        "coordinatie": f'incident={INCIDENT} org="Veiligheidsregio ZHZ" rol=coordinator tlp=amber clearance=amber',
        "liaison": f'incident={INCIDENT} org="GGD ZHZ" rol=liaison tlp=green clearance=amber',
        "gemeente": f'incident={INCIDENT} org="Gemeente Dordrecht" rol=municipality tlp=green clearance=green',
        "redactie": "org=KCIO rol=curator tlp=green clearance=amber",
    }
    for key, words in bindings.items():
        reply = await say(world.rooms[key], f"!kamer koppel {words}", bot)
        if "gekoppeld" not in reply:
            raise DemoError("demo.binding_failed", room=key, reply=reply)


REPORTS = [
    "!melding opvang\ngemeente: Dordrecht\nlocatie: Sporthal De Schans\nopvangplekken beschikbaar: 120\nernst: matig\nSporthal ingericht, 40 bedden bezet.",
    "!melding opvang\ngemeente: Zwijndrecht\nopvangplekken beschikbaar: 45\nernst: gering\nDorpshuis open als noodopvang.",
    "!melding zorg\ngemeente: Dordrecht\nernst: ernstig\nbedden beschikbaar: 12\ntlp: amber\nVerpleeghuis aan de Merwede wordt ontruimd; 30 bewoners naar het Albert Schweitzer.",
]
ANSWERED = "Mogen geëvacueerde inwoners hun huisdieren meenemen naar de noodopvang?"
UNANSWERED = "Wie betaalt de extra schoonmaak van de sporthal na de noodopvang?"
STILL_OPEN = "Is al bekend wanneer de scholen in Dordrecht weer opengaan?"


async def _scenario(world: DemoWorld) -> str:
    bot = world.bot_user
    liaison, town = world.users["liaison"], world.users["gemeente"]
    desk, coordinator = world.users["redactie"], world.users["coordinator"]
    out = world.out
    _tell(world, "demo.liaison_reports")
    for report in REPORTS:
        reply = await liaison.say(world.rooms["liaison"], report, bot)
        _say(out, "    " + reply.splitlines()[0])
        for line in (line for line in reply.splitlines() if line.startswith("Bekend object")):
            _say(out, "      " + line)
    _tell(world, "demo.town_asks", question=ANSWERED)
    reply = await town.say(world.rooms["gemeente"], ANSWERED, bot)
    _say(out, "    " + reply.splitlines()[0])
    _tell(world, "demo.town_asks", question=UNANSWERED)
    question_event = await town.send(world.rooms["gemeente"], UNANSWERED)
    await town.expect(lambda: bool(town.replies_to(question_event, bot)))
    told = town.replies_to(question_event, bot)[0].body
    _say(out, "    " + told)
    code = next(
        word.strip(";,.")
        for word in told.split()
        if word.startswith("V") and word[1:].strip(";,.").isdigit()
    )
    await desk.expect(
        lambda: any(code in h.body for h in desk.from_sender(bot, world.rooms["redactie"]))
    )
    _tell(world, "demo.desk_answers", code=code)
    await desk.say(
        world.rooms["redactie"],
        f"!antwoord {code} De gemeente die de opvang opent, betaalt de schoonmaak en declareert "
        "die bij de veiligheidsregio. --publish\nbron: https://example.org/knooppunt/schoonmaak",
        bot,
    )
    await town.expect(lambda: len(town.replies_to(question_event, bot)) >= 2)
    _tell(world, "demo.answer_arrived")
    _tell(world, "demo.town_asks_more", question=STILL_OPEN)
    await town.say(world.rooms["gemeente"], STILL_OPEN, bot)
    _tell(world, "demo.picture_asked")
    return await coordinator.say(world.rooms["coordinatie"], "!beeld", bot)


def _banner(world: DemoWorld, health_port: int) -> str:
    lang = world.lang
    lines = [
        "",
        t(lang, "demo.banner_running"),
        f"  homeserver: {world.synapse.url}",
        f"  bot:        {world.bot_user}",
    ]
    for role in PEOPLE:
        user = f"@{role}:{world.synapse.server_name}"
        password = world.passwords[role]
        lines.append(t(lang, "demo.banner_person", role=role, user=user, password=password))
    lines += [
        t(lang, "demo.banner_health", url=f"http://127.0.0.1:{health_port}"),
        t(lang, "demo.banner_log", path=world.synapse.workdir.parent / "knooppunt.log"),
        t(lang, "demo.banner_stop"),
    ]
    return "\n".join(lines)


def _log_to_file(path: Path) -> None:
    """The bot's log goes to a file; the terminal shows the scenario and warnings only."""
    from bot.logging_setup import configure

    configure("INFO")
    root = logging.getLogger()
    for handler in root.handlers:
        handler.setLevel(logging.WARNING)
    to_file = logging.FileHandler(path, encoding="utf-8")
    to_file.setFormatter(root.handlers[0].formatter)
    root.addHandler(to_file)


async def run_demo(
    data_dir: Path, port: int | None = None, out: TextIO = sys.stdout, lang: Language = "nl"
) -> int:
    from bot.runner import Bot

    demo_dir = data_dir / "demo"  # data_dir: absolute, resolved by the caller
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    _say(out, t(lang, "demo.starting", path=demo_dir))
    synapse = await _start_homeserver(demo_dir, port)
    _log_to_file(demo_dir / "knooppunt.log")
    passwords = {r: secrets.token_urlsafe(6) for r in PEOPLE}
    world = DemoWorld(synapse, passwords, {}, {}, "", out, lang)
    bot: Bot | None = None
    bot_task: asyncio.Task[None] | None = None
    try:
        _tell(world, "demo.homeserver_up", url=synapse.url)
        health_port = free_port()
        settings = await _register(world, demo_dir, health_port)
        await _import_samples(world, settings)
        bot = Bot(settings)
        bot_task = asyncio.create_task(bot.run(), name="bot")
        await _people(world, demo_dir)
        _tell(world, "demo.signed_in", people=", ".join(PEOPLE))
        await _rooms(world)
        _say(out, await _scenario(world))
        _say(out, _banner(world, health_port))
        return await _until_stopped(world, stop, bot_task)
    finally:
        _tell(world, "demo.stopping")
        await _shut_down(world, bot, bot_task)
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
        _tell(world, "demo.stopped")


async def _register(world: DemoWorld, demo_dir: Path, health_port: int) -> Settings:
    """The bot's and the people's accounts; the bot's settings (the coordinator is admin),
    from these values only: never a deployment's from the environment."""
    from bot.config import GivenSettings

    synapse = world.synapse
    bot_password = secrets.token_urlsafe(12)
    world.bot_user = await asyncio.to_thread(synapse.register, "knooppunt", bot_password)
    for role in PEOPLE:
        await asyncio.to_thread(synapse.register, role, world.passwords[role])
    return GivenSettings(
        homeserver=synapse.url,
        user_id=world.bot_user,
        password=bot_password,
        data_dir=demo_dir / "bot",
        admins=[f"@coordinator:{synapse.server_name}"],
        http_listen=f"127.0.0.1:{health_port}",
        # One local listener for all (nothing forwards to it): the banner's /metrics.
        metrics_listen=f"127.0.0.1:{health_port}",
        log_level="WARNING",
    )


async def _import_samples(world: DemoWorld, settings: Settings) -> None:
    """The sample knowledge and objects, into the bot's database before it starts."""
    from knowledge import object_service, service
    from storage.engine import Database

    db = Database(settings.effective_database_url)
    await db.migrate()
    # The sample's dates moved to today, so that it looks current on any day.
    with dated_sample_knowledge(datetime.now(UTC).date()) as sample:
        imported = await service.import_path(db, sample, "demo")
        objects = await object_service.import_path(db, sample / "objects", "demo")
    await db.close()
    count = sum(c.added for _, c in imported if c is not None)
    _tell(world, "demo.knowledge_imported", count=count)
    _tell(world, "demo.objects_imported", count=sum(c.after for c in objects.owners))


async def _until_stopped(
    world: DemoWorld, stop: asyncio.Event, bot_task: asyncio.Task[None]
) -> int:
    """Ctrl-C (0), or the bot stopping by itself (1)."""
    waiter = asyncio.create_task(stop.wait())
    await asyncio.wait({waiter, bot_task}, return_when=asyncio.FIRST_COMPLETED)
    waiter.cancel()
    if bot_task.done() and not stop.is_set():
        _tell(world, "demo.bot_stopped")
        return 1
    return 0


async def _shut_down(
    world: DemoWorld, bot: Bot | None, bot_task: asyncio.Task[None] | None
) -> None:
    """The people, then the bot (30 s to finish), then the homeserver."""
    for person in world.users.values():
        with contextlib.suppress(Exception):
            await person.close()
    if bot is not None and bot_task is not None:
        bot.stop.set()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(bot_task, timeout=30)
    await asyncio.to_thread(world.synapse.stop)
