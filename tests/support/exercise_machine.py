"""Exercise isolation as a read-path property: a sibling of `tlp_machine.py`.

A hypothesis `RuleBasedStateMachine` drives the real dispatcher through the
exactly-once core (`bot.syncer.process_message`) and the real scheduler on a real
SQLite database with a real incident (`storm`) and an exercise (`oef`, opened with
`oefening=ja`), rooms of both, a coordinator room bound without an incident, and a
curator room: reports (also naming the other mode's incident, also extreme ones that
alert), questions and curator answers, every list, picture and export, subscriptions
and scheduled posts, `!hulp` and `!incident lijst`.

Every text the machine writes carries a marker token: `zr…` when typed in a room that
works on reality, `ze…` when typed in a room bound to the exercise. After every step
each new outbox row is checked against this statement of the rule, which does not call
`storage/exercise.py`:

- a row into a room bound to the exercise starts with OEFENING (a file: its name and its
  caption too) and holds no real marker, except words that room typed itself and
  published Q&As (shared knowledge, not incident data: every room may be served it);
- a row that holds an exercise marker starts with OEFENING, and never reaches a real
  liaison, coordinator or municipality room (only the curators, who answer it);
- no real room receives an exercise marker in a picture, list, export, alert or
  scheduled post, so the only rows into real rooms with exercise markers are the
  curators' (question posts and answer confirmations).
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from hypothesis import strategies as st
from hypothesis.stateful import rule
from sqlalchemy import select

from bot.scheduler import Scheduler
from bot.syncer import process_message
from commands.builtin import build_dispatcher
from commands.dispatcher import CommandSettings, Dispatcher
from commands.message import Message, Relation
from storage import incidents as incident_repo
from storage import rooms as room_repo
from storage.engine import Database
from storage.ids import EventId, RoomId, UserId
from storage.models import OutboxMessage
from tests.support.chat import bound_views
from tests.support.machine import DatabaseMachine
from tests.support.migrated import migrated_sqlite_url

ADMIN = UserId("@beheer:x")
BOT = UserId("@knooppunt:x")
MARK = "OEFENING"
TOKEN = re.compile(r"(?<![a-z])z[re][a-z]{6}(?![a-z])")


@dataclass(frozen=True)
class RoomSpec:
    room_id: str
    role: str
    incident: str | None
    exercise: bool  # the room works in the exercise (bound to `oef`)


ROOMS: tuple[RoomSpec, ...] = (
    RoomSpec("!liaison-real:x", "liaison", "storm", False),
    RoomSpec("!coord-real:x", "coordinator", "storm", False),
    RoomSpec("!gemeente-real:x", "municipality", "storm", False),
    RoomSpec("!liaison-oef:x", "liaison", "oef", True),
    RoomSpec("!coord-oef:x", "coordinator", "oef", True),
    RoomSpec("!gemeente-oef:x", "municipality", "oef", True),
    RoomSpec("!coord-none:x", "coordinator", None, False),
    RoomSpec("!redactie:x", "curator", None, False),
    RoomSpec("!redactie-oef:x", "curator", "oef", True),
    RoomSpec("!dm:x", "direct", None, False),  # a direct chat: unbound, real
)
BY_ID = {spec.room_id: spec for spec in ROOMS}
# A liaison room an admin rebinds between the real incident and the exercise (`rebind`):
# what was typed in one mode must not come back in the other (a free-text offer, say).
SWAP = RoomSpec("!liaison-swap:x", "liaison", "storm", False)
UPDATE = "update stroom zwijndrecht: nog 800 huishoudens zonder stroom bij {token}"
INCIDENTS = ("storm", "oef")
SEVERITIES = ("matig", "ernstig", "extreem")
READS = (
    "!meldingen",
    "!meldingen {incident}",
    "!beeld",
    "!beeld {incident}",
    "!export {incident} csv",
    "!export {incident} json",
    "!export {incident} edxl",
    "!export {incident} csv-en",
    "!vragen",
    "!hulp",
    "!incident lijst",
)


def _now() -> datetime:
    return datetime.now(UTC)


class Violation(AssertionError):
    pass


class ExerciseMachine(DatabaseMachine):
    """Random exercise and real traffic side by side; after each step, nothing crosses."""

    def __init__(self) -> None:
        super().__init__("kp-exercise-")
        self.db = Database(f"sqlite+aiosqlite:///{self.db_path}")
        self.settings = CommandSettings(bot_user_id=BOT, admins=frozenset({ADMIN}))
        self.dispatcher: Dispatcher = build_dispatcher(self.settings, savepoints=False)
        self.scheduler = Scheduler(self.db, _NoSender(), "nl", "!")  # type: ignore[arg-type]
        self.clock = _now() + timedelta(days=1)
        self.counter = 0
        self.events = 0
        self.log: list[str] = []
        self.event_numbers: dict[str, int] = {}  # a log line -> its event's number
        self.swap_reports: list[str] = []  # the swap room's report events
        self.swap_edits: list[str] = []  # and the edits of them
        # Real markers that became published Q&As: knowledge, which every room may be served.
        self.knowledge: set[str] = set()
        self.specs: dict[str, RoomSpec] = dict(BY_ID)  # a test may add rooms of its own
        self.specs[SWAP.room_id] = SWAP
        self._run(self._setup())
        self.last_outbox = self._run(self._max_outbox())

    async def _setup(self) -> None:
        await migrated_sqlite_url(self.db_path)  # a copy of the migrated template
        await self.db.migrate()
        async with self.db.transaction() as session:
            await incident_repo.open_incident(session, "storm", "Storm", "guard")
            await incident_repo.open_incident(session, "oef", "Oefening", "guard", exercise=True)
            for spec in (*ROOMS, SWAP):
                direct = spec.role == "direct"
                await room_repo.mark_joined(session, RoomId(spec.room_id), _now(), is_direct=direct)
                if direct:
                    continue
                await room_repo.bind(
                    session,
                    RoomId(spec.room_id),
                    role=spec.role,
                    incident=spec.incident,
                    organisation="OrgA",
                    tlp_default="GREEN",
                    clearance="AMBER",
                    by="guard",
                )

    _room_view = staticmethod(bound_views(power_levels={ADMIN: 100}))

    def token(self, spec: RoomSpec, exercise: bool | None = None) -> str:
        """A fresh marker: an exercise's when typed in its room (or for it, `exercise`)."""
        self.counter += 1
        n, letters = self.counter, ""
        for _ in range(6):
            n, r = divmod(n, 26)
            letters += chr(ord("a") + r)
        kind = spec.exercise if exercise is None else exercise
        return f"z{'e' if kind else 'r'}{letters}"

    def send(
        self, spec: RoomSpec, body: str, sender: str = ADMIN, replaces: str | None = None
    ) -> Message:
        self.events += 1
        message = Message(
            EventId(f"$ev{self.events}"),
            RoomId(spec.room_id),
            UserId(sender),
            body,
            _now(),
            kind="edit" if replaces else "message",
            relation=Relation(replaces=EventId(replaces) if replaces else None),
        )
        edit = f" (edits {replaces})" if replaces else ""
        self.log.append(f"{spec.room_id}{edit}: {body!r}")
        self.event_numbers[self.log[-1]] = self.events
        result = self._run(process_message(self.db, self.dispatcher, message, self._room_view))
        assert result is not None
        self.check_outbox(message)
        return message

    # ------------------------------------------------------------- checks

    def fail(self, what: str) -> Violation:
        return Violation(what + "\n--- last events:\n" + "\n".join(self.log[-12:]))

    def check_outbox(self, source: Message | None = None) -> None:
        for row in self._outbox_after(self.last_outbox):
            self.last_outbox = max(self.last_outbox, row.id)
            spec = self.specs[row.room_id]
            content = row.content
            heads: list[str] = []
            texts: list[str] = []
            if row.kind == "message":
                heads = [str(content.get("body", ""))]
                texts = [heads[0], str(content.get("formatted_body", ""))]
            elif row.kind == "file":
                caption = content.get("caption") or {}
                data = base64.b64decode(content.get("data_b64", "")).decode("utf-8", "replace")
                heads = [str(content.get("filename", ""))]
                if caption.get("body"):
                    heads.append(str(caption["body"]))
                texts = [*heads, data]
            else:
                continue  # a redaction carries no text
            text = "\n".join(texts)
            tokens = set(TOKEN.findall(text))
            echo: set[str] = set()
            if source is not None and row.room_id == source.room_id:
                echo = set(TOKEN.findall(source.body))
            exercise_tokens = {t for t in tokens if t.startswith("ze")}
            real_tokens = {t for t in tokens - echo - self.knowledge if t.startswith("zr")}
            marked = all(h.startswith(MARK) for h in heads)
            where = f"{row.kind} row {row.id} to {spec.room_id}"
            if spec.exercise and not marked:
                raise self.fail(f"{where} (an exercise room) lacks {MARK}:\n{text[:800]}")
            if spec.exercise and real_tokens:
                raise self.fail(f"{where} (an exercise room) holds real {real_tokens}:\n{text}")
            if exercise_tokens and not marked:
                raise self.fail(f"{where} holds exercise {exercise_tokens} unmarked:\n{text}")
            if exercise_tokens and not spec.exercise and spec.role != "curator":
                raise self.fail(f"{where} (a real room) holds exercise {exercise_tokens}:\n{text}")
            if heads and marked and not spec.exercise and spec.role != "curator":
                # Only the curators answer across modes: a real room's row marked as the
                # drill's would be read as part of it (a real alert taken for a drill).
                raise self.fail(f"{where} (a real room) is marked {MARK}:\n{text[:800]}")
            if row.kind == "file" and (spec.exercise or exercise_tokens) and not _opens(data):
                raise self.fail(f"{where}: the exercise file does not open with {MARK}")

    # --------------------------------------------------------------- rules

    @rule(
        exercise=st.booleans(),
        incident=st.sampled_from((None, *INCIDENTS)),
        severity=st.sampled_from(SEVERITIES),
        figure=st.booleans(),
    )
    def report(self, exercise: bool, incident: str | None, severity: str, figure: bool) -> None:
        """A report; naming the other mode's incident must be refused."""
        spec = ROOMS[3] if exercise else ROOMS[0]
        slot = 3 if exercise else 0
        lines = ["!melding opvang", "gemeente: Dordrecht", f"ernst: {severity}"]
        if incident:
            lines.append(f"incident: {incident}")
        if figure:
            lines.append(f"opvangplekken beschikbaar: {self.counter % 500 + 1}")
        lines.append(f"Sporthal {self.token(spec)} ingericht {self.token(spec)}.")
        self.send(spec, "\n".join(lines), sender=f"@liaison{slot}:x")

    @rule(exercise=st.booleans(), direct=st.booleans())
    def ask(self, exercise: bool, direct: bool = False) -> None:
        spec = ROOMS[5] if exercise else (BY_ID["!dm:x"] if direct else ROOMS[2])
        sender = "@burger:x" if direct else ADMIN
        words = f"Waar blijft de {self.token(spec)} voor de {self.token(spec)}?"
        self.send(spec, f"!vraag {words}", sender=sender)

    @rule(which=st.integers(0, 50), publish=st.booleans())
    def answer(self, which: int, publish: bool) -> None:
        async def open_ids() -> list[tuple[int, str | None, str]]:
            from storage.models import OpenQuestion

            async with self.db.session() as session:
                rows = await session.execute(
                    select(OpenQuestion.id, OpenQuestion.incident, OpenQuestion.question)
                    .where(OpenQuestion.status == "open")
                    .order_by(OpenQuestion.id)
                )
                return [(int(i), inc, str(q)) for i, inc, q in rows.all()]

        ids = self._run(open_ids())
        if not ids:
            return
        code, incident, question = ids[which % len(ids)]
        # The exercise's curators answer an exercise question (every other one), and now
        # and then try a real one by its code: that must be refused, not answered.
        drill = bool(incident == "oef" and which % 2) or which % 5 == 4
        curator = BY_ID["!redactie-oef:x" if drill else "!redactie:x"]
        flag = " --publish" if publish else ""
        extra = "\nbron: https://example.org/x" if publish else ""
        # The curator's words answer that question: they belong to its incident's mode
        # (an exercise room's words are the exercise's, whatever it answers).
        words = self.token(curator, exercise=incident == "oef" or drill)
        if publish and incident != "oef" and not drill:
            # A published answer is shared knowledge, served in every room (exercise ones
            # too); an exercise's answer is never published (the bot refuses).
            self.knowledge |= {*TOKEN.findall(question), words}
        self.send(curator, f"!antwoord V{code} Antwoord {words}.{flag}{extra}")

    @rule(
        slot=st.integers(0, len(ROOMS) - 1),
        read=st.sampled_from(READS),
        incident=st.sampled_from(INCIDENTS),
    )
    def read(self, slot: int, read: str, incident: str) -> None:
        self.send(ROOMS[slot], read.format(incident=incident))

    def _liaison(self, which: int) -> RoomSpec:
        return (ROOMS[0], ROOMS[3], self.specs[SWAP.room_id])[which % 3]

    @rule(which=st.integers(0, 2))
    def free_text(self, which: int) -> None:
        """A liaison's update as free text: the bot offers to record it."""
        spec = self._liaison(which)
        self.send(spec, UPDATE.format(token=self.token(spec)), sender="@vrij:x")

    @rule(which=st.integers(0, 2), thumbs=st.booleans())
    def confirm(self, which: int, thumbs: bool) -> None:
        """The liaison says `ja` (or 👍 on the latest update): the offer is recorded."""
        spec = self._liaison(which)
        if not thumbs:
            self.send(spec, "ja", sender="@vrij:x")
            return
        updates = [line for line in self.log if line.startswith(f"{spec.room_id}: 'update")]
        if updates:
            self.events += 1
            target = EventId(f"$ev{self._event_of(updates[-1])}")
            message = Message(
                EventId(f"$ev{self.events}"),
                RoomId(spec.room_id),
                UserId("@vrij:x"),
                "👍",
                _now(),
                kind="reaction",
                msgtype="m.reaction",
                relation=Relation(annotates=target),
            )
            self.log.append(f"{spec.room_id}: 👍 on {target}")
            self._run(process_message(self.db, self.dispatcher, message, self._room_view))
            self.check_outbox(message)

    @rule(severity=st.sampled_from(SEVERITIES), edit=st.booleans())
    def swap_report(self, severity: str, edit: bool) -> None:
        """A report from the swap room, or an edit of its latest (whichever mode the room
        works in now; the report may be of the other, from before a `rebind`)."""
        spec = self.specs[SWAP.room_id]
        body = "\n".join(
            [
                "!melding opvang",
                "gemeente: Dordrecht",
                f"ernst: {severity}",
                f"Sporthal {self.token(spec)} ingericht {self.token(spec)}.",
            ]
        )
        if edit and self.swap_reports:
            message = self.send(spec, body, sender="@swap:x", replaces=self.swap_reports[-1])
            self.swap_edits.append(message.event_id)
        else:
            message = self.send(spec, body, sender="@swap:x")
            self.swap_reports.append(message.event_id)

    @rule(edit=st.booleans())
    def swap_redact(self, edit: bool) -> None:
        """The swap room's reporter redacts its latest report (a retraction) or the
        latest edit of it, in whichever mode the room works now."""
        spec = self.specs[SWAP.room_id]
        targets = self.swap_edits if edit else self.swap_reports
        if not targets:
            return
        self.events += 1
        target = targets[-1]
        message = Message(
            EventId(f"$ev{self.events}"),
            RoomId(spec.room_id),
            UserId("@swap:x"),
            "",
            _now(),
            kind="redaction",
            relation=Relation(redacts=EventId(target)),
        )
        self.log.append(f"{spec.room_id}: redacts {target}")
        self._run(process_message(self.db, self.dispatcher, message, self._room_view))
        self.check_outbox(message)

    def _event_of(self, line: str) -> int:
        return self.event_numbers[line]

    @rule()
    def rebind(self) -> None:
        """An admin rebinds the swap room to the other mode's incident."""
        spec = self.specs[SWAP.room_id]
        incident, exercise = ("storm", False) if spec.exercise else ("oef", True)

        async def bind() -> None:
            async with self.db.transaction() as session:
                await room_repo.bind(
                    session,
                    RoomId(SWAP.room_id),
                    role="liaison",
                    incident=incident,
                    organisation="OrgA",
                    tlp_default="GREEN",
                    clearance="AMBER",
                    by="guard",
                )

        self._run(bind())
        self.specs[SWAP.room_id] = RoomSpec(SWAP.room_id, "liaison", incident, exercise)
        self.log.append(f"{SWAP.room_id} rebound to {incident}")

    @rule(exercise=st.booleans())
    def subscribe(self, exercise: bool) -> None:
        self.send(ROOMS[4] if exercise else ROOMS[1], "!abonneer beeld elke 1h")

    @rule()
    def scheduled_pictures(self) -> None:
        self.clock += timedelta(hours=2)
        self.log.append(f"scheduler tick at {self.clock.isoformat()}")
        self._run(self.scheduler.tick(self.clock))
        self.check_outbox()


def _opens(data: str) -> bool:
    """The file's first thing is the marker: the first CSV row, JSON's first member, the
    first node after the XML declaration."""
    head = data.lstrip("\ufeff").split("\n", 2)
    return head[0].startswith(MARK) or head[1].strip() in (
        f'"banner": "{MARK}",',
        f"<!-- {MARK} -->",
    )


class _NoSender:
    """The outbox rows stay where the machine reads them."""

    def submit(self, rows: list[OutboxMessage]) -> None:
        pass

    def wake(self) -> None:
        pass
