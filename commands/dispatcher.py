"""From a plain `Message` to the list of `Reply` objects, with permissions.

The dispatcher never raises for anything a user typed: a handler error rolls
back that handler's work (a savepoint) and becomes a short apology, so one bad
message can never stop the bot or leave half a record behind.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from commands import exercise, render
from commands.common import local_time
from commands.context import (
    AS_NEW_MESSAGE,
    CommandContext,
    CommandSettings,
    EditHook,
    FetchFirst,
    MessageHook,
    RoomView,
)
from commands.errors import UserError
from commands.grammar import (
    GrammarError,
    is_command,
    only_thanks,
    parse,
    parse_raw,
    split,
    starts_with_address,
    strip_reply_fallback,
    without_address,
)
from commands.i18n import t
from commands.message import Message, Outgoing, Reply
from commands.registry import Command, Registry

# Re-exported: the bot, the console and the tests build rooms and settings from here.
__all__ = [
    "AS_NEW_MESSAGE",
    "CommandContext",
    "CommandSettings",
    "Dispatcher",
    "HandlerFailed",
    "RoomView",
]

log = logging.getLogger(__name__)


T = TypeVar("T")


class HandlerFailed(Exception):
    """A handler raised; the caller must roll back and send `replies` (an apology) instead."""

    def __init__(self, replies: list[Outgoing]) -> None:
        super().__init__("command handler failed")
        self.replies = replies


class Dispatcher:
    def __init__(
        self, registry: Registry, settings: CommandSettings, savepoints: bool = True
    ) -> None:
        self.registry = registry
        self.settings = settings
        # With savepoints a failed handler's writes are undone inside the caller's
        # transaction; without (the bot's hot path, two round trips fewer) the
        # failure is raised as HandlerFailed and the caller rolls back.
        self.savepoints = savepoints
        # Called with (command, outcome, events) after each command: metrics plug in here.
        self.observer: Callable[[str, str, list[str]], None] | None = None
        # Later features plug in here: plain questions, report edits, redactions.
        self.plain_message_hook: MessageHook | None = None
        self.edit_hook: EditHook | None = None
        # After an edit was handled as the message it now is: takes back what it no
        # longer makes.
        self.after_edit_hook: MessageHook | None = None
        self.redaction_hook: MessageHook | None = None
        # Free text in a liaison room (an update to offer as a report) and reactions (👍).
        self.free_text_hook: MessageHook | None = None
        # Run first for every message in a direct chat: what waits for its writer there
        # (commands/held_answers.py: an answer kept while they were away).
        self.direct_arrival_hook: MessageHook | None = None
        self.reaction_hook: MessageHook | None = None

    def context(
        self, message: Message, room: RoomView, session: AsyncSession | None, now: datetime
    ) -> CommandContext:
        return CommandContext(message, room, self.settings, session, now, self.registry)

    async def handle(
        self, message: Message, room: RoomView, session: AsyncSession | None, now: datetime
    ) -> list[Outgoing]:
        if message.sender == self.settings.bot_user_id:
            return []
        if "\x00" in message.body:
            # A NUL (JSON's \u0000, which a Matrix event may carry) means nothing in a
            # message, and PostgreSQL text cannot hold one: a question, decision or
            # update with it failed there as a whole ("er ging iets mis"), nothing kept.
            message = replace(message, body=message.body.replace("\x00", ""))
        ctx = self.context(self._addressed(message), room, session, now)
        if message.msgtype == "m.notice" and message.kind != "edit":
            # A notice is never a command: bots talk in notices, and no Matrix sender can
            # be told apart as a bot (a bridge's puppets relay people and bots alike), so
            # answering one could start two bots answering each other. A command in one
            # is counted, so an operator sees a bridge that relays people as notices.
            # An edit is judged by the message it edits: a report stays editable
            # whatever msgtype the client gives the new content.
            if is_command(strip_reply_fallback(message.body), ctx.prefix):
                self._observe("notice", "ignored", ctx)
            return []
        try:
            replies = await self._route(ctx)
        except HandlerFailed as failed:
            failed.replies = exercise.mark_here(
                ctx, [self._address(ctx, r) if isinstance(r, Reply) else r for r in failed.replies]
            )
            raise
        addressed = [self._address(ctx, r) if isinstance(r, Reply) else r for r in replies]
        addressed = _note_file(ctx, addressed)
        # The one place where exercise replies get their OEFENING marker.
        return await exercise.mark_outgoing(ctx, addressed)

    async def _route(self, ctx: CommandContext) -> list[Outgoing]:
        message = ctx.message
        if message.kind == "edit":
            if self.edit_hook is None:
                return []
            outcome = await self._guarded(ctx, self.edit_hook)
            if outcome is not AS_NEW_MESSAGE:
                return outcome
            # Once, as the message it now is; `relation.replaces` still names the edited
            # message, so a report made here remembers where it came from.
            ctx = self.context(replace(message, kind="message"), ctx.room, ctx.session, ctx.now)
            replies = [] if message.msgtype == "m.notice" else await self._route_message(ctx)
            # Then what the edited message made before and its new words did not make
            # again (an open question it no longer asks) is taken back. An edit that
            # still asks but whose words were refused (a label, the length) asks still:
            # its question keeps the words from before, as a refused report edit does.
            refused_question = self._asks(ctx) and "question.answered" not in ctx.events
            if self.after_edit_hook is not None and not refused_question:
                replies += await self._guarded(ctx, self.after_edit_hook)
            return replies
        if message.kind == "redaction":
            return await self._guarded(ctx, self.redaction_hook) if self.redaction_hook else []
        if message.kind == "reaction":
            return await self._quiet(ctx, self.reaction_hook)
        return await self._route_message(ctx)

    async def _route_message(self, ctx: CommandContext) -> list[Outgoing]:
        """A message (or an edit read as the message it now is): what waits for its
        writer in a direct chat first, then the message itself."""
        waiting: list[Outgoing] = []
        if ctx.room.is_direct and self.direct_arrival_hook is not None:
            waiting = await self._guarded(ctx, self.direct_arrival_hook)
        return [*waiting, *await self._route_one(ctx)]

    async def _route_one(self, ctx: CommandContext) -> list[Outgoing]:
        """A command, a plain question, or a liaison's free text."""
        message = ctx.message
        body = strip_reply_fallback(message.body)
        if not is_command(body, ctx.prefix):
            if self._is_plain_question(ctx, body):
                if self.plain_message_hook is not None:
                    return await self._observed(ctx, "question", self.plain_message_hook)
                return [render.plain(t(ctx.lang, "plain_message_hint", prefix=ctx.prefix))]
            replies = []
            if ctx.room.role == "liaison":
                replies = await self._quiet(ctx, self.free_text_hook)
            if not replies and _spoken_to(message, body):
                # Addressed to the bot, but no command: silence would read as "received".
                return [render.plain(t(ctx.lang, "plain_message_hint", prefix=ctx.prefix))]
            return replies
        name, _, _ = split(body, ctx.prefix)
        command = self.registry.lookup(name)
        if command is None:
            self._observe("unknown", "unknown", ctx)
            return [self._unknown(ctx, name)]
        try:
            parsed = (
                parse_raw(body, ctx.prefix) if command.raw_arguments else parse(body, ctx.prefix)
            )
        except GrammarError as exc:
            self._observe(command.name_en, "grammar", ctx)
            return [render.plain(t(ctx.lang, "grammar_error", error=exc))]
        refusal = command.permission(ctx)
        if refusal is not None:
            self._observe(command.name_en, "refused", ctx)
            return [render.plain(t(ctx.lang, "not_allowed", reason=refusal))]
        return await self._observed(
            ctx, command.name_en, lambda c: command.handler(c, parsed), command
        )

    async def _observed(
        self, ctx: CommandContext, name: str, hook: MessageHook, command: Command | None = None
    ) -> list[Outgoing]:
        """Run a handler guarded, and tell the observer how it ended."""
        try:
            replies = await self._guarded(ctx, hook, command)
        except HandlerFailed:
            self._observe(name, "error", ctx)
            raise
        self._observe(name, "ok", ctx)
        return replies

    async def _quiet(self, ctx: CommandContext, hook: MessageHook | None) -> list[Outgoing]:
        """Chatter and reactions: guarded, and counted only when they made a report."""
        if hook is None:
            return []
        replies = await self._guarded(ctx, hook)
        if ctx.events:
            self._observe("report", "ok", ctx)
        return replies

    def _addressed(self, message: Message) -> Message:
        """A message that mentions the bot and starts with its name before a command
        ("Knooppunt: !beeld", as Element's pill writes it) as that command, for every
        handler (each reads the message's body): read as typed it was no command, and a
        coordination room got no answer at all."""
        if not message.mentions_bot:
            return message
        body = strip_reply_fallback(message.body)
        addressed = without_address(body, self.settings.prefix)
        return message if addressed == body else replace(message, body=addressed)

    def _observe(self, name: str, outcome: str, ctx: CommandContext) -> None:
        if self.observer is not None:
            self.observer(name, outcome, list(ctx.events))

    def rereads_room(self, body: str) -> bool:
        """Whether `body` is a command that changes how its room's messages are read
        (`Command.rereads_room`: `!kamer`, `!vrijetekst`), also addressed to the bot
        (`Knooppunt: !kamer …`, read as that command when it mentions the bot; here, before
        the mention is known, an address is taken as one: reading in order costs little)."""
        body = without_address(body, self.settings.prefix)
        if not is_command(body, self.settings.prefix):
            return False
        command = self.registry.lookup(split(body, self.settings.prefix)[0])
        return command is not None and command.rereads_room

    def reads_written(self, body: str) -> bool:
        """Whether `body` is a command that answers from what messages recorded
        (`Command.reads_written`: `!meldingen`, `!beeld`, …), also addressed to the bot
        (taken as one before the mention is known, as in `rereads_room`)."""
        body = without_address(body, self.settings.prefix)
        if not is_command(body, self.settings.prefix):
            return False
        command = self.registry.lookup(split(body, self.settings.prefix)[0])
        return command is not None and command.reads_written

    def _asks(self, ctx: CommandContext) -> bool:
        """Whether the message is a question for the bot (`!vraag`, or a plain one)."""
        body = strip_reply_fallback(ctx.message.body)
        if not is_command(body, ctx.prefix):
            return self._is_plain_question(ctx, body)
        command = self.registry.lookup(split(body, ctx.prefix)[0])
        return command is not None and command.name_en == "ask"

    def _is_plain_question(self, ctx: CommandContext, body: str) -> bool:
        # A 1:1 chat whose invite lacked `is_direct` (clients other than Element may
        # leave it out) is read as the direct chat it is, not left in silence: unbound,
        # it sees CLEAR only, as a direct chat does.
        if ctx.room.is_direct or (ctx.room.one_to_one and ctx.room.binding is None):
            return bool(body.strip())
        if ctx.room.role == "municipality":
            return body.rstrip().endswith("?") or ctx.message.mentions_bot
        return False

    async def _guarded(
        self,
        ctx: CommandContext,
        hook: Callable[[CommandContext], Awaitable[T]],
        command: Command | None = None,
    ) -> T | list[Outgoing]:
        """Run a handler in a savepoint: its effects land whole or not at all."""
        try:
            if ctx.session is None or not self.savepoints:
                return await hook(ctx)
            async with ctx.session.begin_nested():
                return await hook(ctx)
        except UserError as exc:
            # Bad input: the savepoint (if any) is rolled back; the user gets one sentence.
            return [render.plain(exc.text(ctx.lang))]
        except FetchFirst:
            raise  # no failure: the caller fetches outside the transaction and runs it again
        except Exception:
            ref = uuid.uuid4().hex[:8]
            log.exception(
                "handler failed ref=%s command=%s room=%s event=%s",
                ref,
                command.name_en if command else "-",
                ctx.message.room_id,
                ctx.message.event_id,
            )
            apology: list[Outgoing] = [render.plain(t(ctx.lang, "internal_error", ref=ref))]
            if ctx.session is not None and not self.savepoints:
                raise HandlerFailed(apology) from None
            return apology

    def _unknown(self, ctx: CommandContext, name: str) -> Reply:
        text = t(ctx.lang, "unknown_command", command=ctx.prefix + render.shorten(name, 40))
        html = render.escape(text)
        suggestion = self.registry.suggest(name)
        if suggestion:
            hint = t(ctx.lang, "did_you_mean", suggestion=ctx.prefix + suggestion)
            text += " " + hint
            html += " " + t(
                ctx.lang, "did_you_mean", suggestion=render.code(ctx.prefix + suggestion)
            )
        footer = t(ctx.lang, "see_help", prefix=ctx.prefix)
        return Reply(text=f"{text}\n{footer}", html=f"{html}<br>{render.escape(footer)}")

    def _address(self, ctx: CommandContext, reply: Reply) -> Reply:
        """Default target is a reply in the same room (in the message's thread, if it
        was in one); say so when we answer late."""
        room_id = reply.room_id or ctx.message.room_id
        reply_to = reply.reply_to
        if reply_to is None and room_id == ctx.message.room_id:
            reply_to = ctx.message.event_id
        age = ctx.now - ctx.message.timestamp
        if room_id == ctx.message.room_id and age > ctx.settings.late_after:
            note = t(ctx.lang, "late", when=local_time(ctx.message.timestamp))
            reply = replace(
                reply,
                text=f"{note}\n{reply.text}",
                html=f"<i>{render.escape(note)}</i><br>{reply.html}",
            )
        # A message in a thread is answered in the thread (never another room's message).
        thread = ctx.message.relation.thread_root if room_id == ctx.message.room_id else None
        return replace(reply, room_id=room_id, reply_to=reply_to, thread_root=thread)


def _spoken_to(message: Message, body: str) -> bool:
    """Whether a message with no command was said to the bot: it mentions the bot and
    opens with an address, and is no reply. `mentions_bot` alone is also true for the
    bot's name as an ordinary word ("Knooppunt Joure staat vast") and for every reply
    to one of its messages (Element names the replied-to sender), both meant for the
    room's people, who must not get a hint about commands for them."""
    if not message.mentions_bot or message.relation.reply_to is not None:
        return False
    return starts_with_address(body) and not only_thanks(body)


def _note_file(ctx: CommandContext, replies: list[Outgoing]) -> list[Outgoing]:
    """The first reply to a caption, in its room, says the file itself was not kept: a
    liaison must not believe the photo is part of the report."""
    name = ctx.message.attachment
    if not name:
        return replies
    for index, reply in enumerate(replies):
        if isinstance(reply, Reply) and reply.room_id == ctx.message.room_id:
            note = t(ctx.lang, "caption_file_not_kept", filename=render.shorten(name, 60))
            return [*replies[:index], render.with_lines(reply, [note]), *replies[index + 1 :]]
    return replies
