"""`knooppunt console`: the same handlers and database, without a homeserver.

A message ends with an empty line, so multi-line reports can be typed; stdin
may be piped, and the replies are printed in order.

Each role types in a room of its own (`!console-<role>:knooppunt.local`) where
the console user is the room's creator (power 100, as in Matrix). `--demo`
first loads the sample crisis (bot/samples.py) into the database: the sample
knowledge, the incident `hoogwater` and bindings for those rooms, so every role
has something to work with. Loading it again changes nothing.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TextIO

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import ROLES, ConfigError, Settings, console_role
from bot.samples import (
    SAMPLE_BINDINGS,
    SAMPLE_INCIDENT,
    SAMPLE_INCIDENT_TITLE,
    dated_sample_knowledge,
    sample_network,
)
from bot.wiring import build_dispatcher
from commands.dispatcher import RoomView
from commands.i18n import Language, t
from commands.message import Message, Outgoing, Redaction
from knowledge import network_service, object_service, service
from storage import event_log
from storage import incidents as incident_repo
from storage import rooms as room_repo
from storage.engine import Database
from storage.ids import EventId, RoomId, UserId
from storage.models import KnowledgeItem, Room, RoomBinding, SectorDependency, SiteObjectRow
from storage.regions import RegionTable
from storage.rooms import BindingView

CONSOLE_SERVER = "knooppunt.local"
CREATOR_POWER = 100  # who creates a Matrix room gets 100; the console user made theirs


def console_room(role: str) -> RoomId:
    return RoomId(f"!console-{role}:{CONSOLE_SERVER}")


@dataclass(frozen=True)
class DemoLoad:
    added: int  # knowledge items new in the store
    bound: int  # console rooms newly bound
    dependencies: int  # lines of the sample dependency maps
    partners: int  # sample partner organisations


DEMO_ACTOR = "console-demo"


async def _not_the_demos(session: AsyncSession) -> str | None:
    """What in the store the demo did not put there (nor a console user made), if any.
    The sample objects replace each owner's set and their owners are real names (Gemeente
    Dordrecht): loaded into a live store, they replaced its real objects."""
    console = f"%:{CONSOLE_SERVER}"
    checks: list[tuple[str, Any]] = [
        ("objects", select(SiteObjectRow.id).where(SiteObjectRow.imported_by != DEMO_ACTOR)),
        (
            "dependencies",
            select(SectorDependency.id).where(SectorDependency.imported_by != DEMO_ACTOR),
        ),
        (
            "knowledge",
            select(KnowledgeItem.id).where(
                KnowledgeItem.updated_by != DEMO_ACTOR, KnowledgeItem.updated_by.not_like(console)
            ),
        ),
        ("rooms", select(RoomBinding.room_id).where(RoomBinding.room_id.not_like(console))),
        ("rooms", select(Room.room_id).where(Room.room_id.not_like(console))),
    ]
    for what, query in checks:
        if await session.scalar(query.limit(1)) is not None:
            return what
    return None


async def load_demo(db: Database, *, today: date | None = None) -> DemoLoad:
    """The sample crisis, idempotently: knowledge, objects, the partner network and its
    dependency map, the incident and the console rooms' bindings. Only into a store that
    holds nothing else (ConfigError): never over a deployment's own data. The sample's
    dates are moved to `today` (UTC's, unless given): see `dated_sample_knowledge`."""
    async with db.session() as session:
        found = await _not_the_demos(session)
    if found is not None:
        raise ConfigError("cli.demo_store_in_use", what=found)
    with dated_sample_knowledge(today or datetime.now(UTC).date()) as sample:
        imported = await service.import_path(db, sample, DEMO_ACTOR)
        # The sample objects too (each owner's set replaced: idempotent as well).
        await object_service.import_path(db, sample / "objects", DEMO_ACTOR)
    with sample_network() as folder:
        # Maps are replaced and partners updated by name: idempotent too.
        network = await network_service.import_path(db, folder, DEMO_ACTOR, RegionTable())
    if not network.ok:  # the sample is checked by the tests: a packaging fault
        raise RuntimeError(f"the sample network does not load: {network.problems}")
    added = sum(counts.added for _, counts in imported if counts is not None)
    bound = 0
    async with db.transaction() as session:
        if await incident_repo.get(session, SAMPLE_INCIDENT) is None:
            await incident_repo.open_incident(
                session, SAMPLE_INCIDENT, SAMPLE_INCIDENT_TITLE, DEMO_ACTOR
            )
        for sample_binding in SAMPLE_BINDINGS:
            room_id = console_room(sample_binding.role)
            if await room_repo.binding(session, room_id) is not None:
                continue  # bound before (or re-bound by hand): leave it
            await room_repo.bind_as(session, room_id, sample_binding, DEMO_ACTOR)
            bound += 1
    lines = sum(after for _, _, after in network.maps)
    return DemoLoad(added, bound, lines, network.partners)


def read_messages(stream: TextIO) -> Iterator[str]:
    lines: list[str] = []
    for line in stream:
        if line.strip():
            lines.append(line.rstrip("\n"))
        elif lines:
            yield "\n".join(lines)
            lines = []
    if lines:
        yield "\n".join(lines)


async def _room_view(session: AsyncSession, room_id: RoomId, role: str, user: UserId) -> RoomView:
    """The console room's binding from the database, else one made up from `--as`."""
    context = await room_repo.message_context(session, room_id, "$none")
    binding = context.binding
    if binding is None and role in ROLES:
        incidents = [i for i in await incident_repo.all_incidents(session) if i.open]
        binding = BindingView(
            role=role,
            incident=incidents[0].slug if incidents else None,
            organisation="console",
            tlp_default="AMBER",
            clearance="AMBER",
            exercise=bool(incidents and incidents[0].exercise),
        )
    return RoomView(
        room_id=room_id,
        role=binding.role if binding else None,
        binding=binding,
        is_direct=role == "guest",
        encrypted=True,  # a local console is not a public room: no exposure warning
        power_levels={user: CREATOR_POWER},
    )


def format_reply(reply: Outgoing, lang: Language = "nl") -> str:
    if isinstance(reply, Redaction):
        return t(lang, "console.retracting", event=reply.source_event_id)
    if reply.attachment is not None:
        attachment = t(
            lang,
            "console.attachment",
            filename=reply.attachment.filename,
            size=len(reply.attachment.data),
        )
        return f"{reply.text}\n{attachment}"
    return reply.text


async def run_console(
    settings: Settings,
    role: str,
    stream: TextIO = sys.stdin,
    out: TextIO = sys.stdout,
    demo: bool = False,
) -> int:
    role = console_role(role)  # `gemeente` and `municipality` are one role
    user = UserId(f"@console-{role}:{CONSOLE_SERVER}")
    admins = set(settings.admins)
    if role == "admin":
        admins.add(user)
    settings = settings.model_copy(
        update={
            "admins": sorted(admins),
            "user_id": settings.user_id or "@knooppunt:knooppunt.local",
        }
    )
    dispatcher = build_dispatcher(settings)
    lang = settings.language
    db = Database(settings.effective_database_url)
    await db.migrate()
    room_id = console_room(role)
    interactive = stream.isatty()
    try:
        if demo:
            loaded = await load_demo(db)
            said = t(
                lang,
                "console.demo_loaded",
                incident=SAMPLE_INCIDENT,
                added=loaded.added,
                bound=loaded.bound,
                dependencies=loaded.dependencies,
                partners=loaded.partners,
            )
            out.write(said + "\n\n")
        if interactive:
            out.write(t(lang, "console.banner") + "\n")
        for body in read_messages(stream):
            message = Message(
                event_id=EventId(f"$console-{uuid.uuid4().hex}"),
                room_id=room_id,
                sender=user,
                body=body,
                timestamp=datetime.now(UTC),
            )
            async with db.transaction() as session:
                view = await _room_view(session, room_id, role, user)
                replies = await dispatcher.handle(message, view, session, datetime.now(UTC))
                await event_log.record(
                    session, message.event_id, message.room_id, user, "console", message.timestamp
                )
            for reply in replies:
                out.write(format_reply(reply, lang) + "\n\n")
            out.flush()
    finally:
        await db.close()
    return 0
