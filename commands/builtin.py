"""The registry with every command the bot knows, and the hooks for edits and redactions."""

from __future__ import annotations

from commands import action_reopen, answer_retraction, held_answers
from commands.context import AS_NEW_MESSAGE, CommandContext
from commands.dispatcher import CommandSettings, Dispatcher
from commands.export import EXPORT
from commands.free_text import FREE_TEXT, on_liaison_text, on_reaction, withdraw_offer
from commands.free_text import on_redaction as on_free_text_redaction
from commands.guidance import GUIDANCE
from commands.help import HELP
from commands.incidents import INCIDENT
from commands.message import Outgoing
from commands.objects import OBJECT, OBJECTS
from commands.partners import PARTNERS, WHO
from commands.picture import PICTURE
from commands.portal import PORTAL
from commands.qa import QA_COMMAND
from commands.question_withdrawal import after_edit as after_question_edit
from commands.question_withdrawal import on_redaction as on_question_redaction
from commands.questions import ANSWER, ASK, QUESTIONS, on_plain_question
from commands.record import ACTION, ACTIONS, ASSESSMENT, DECISION
from commands.record import on_edit as on_record_edit
from commands.record import on_redaction as on_record_redaction
from commands.redacted import edit_of_deleted_original, edit_of_redacted, mark
from commands.registry import Registry
from commands.reports import ENTRIES, REPORT, on_edit, on_redaction
from commands.rooms_admin import ORG, ROOM
from commands.subscriptions import SUBSCRIBE, SUBSCRIPTIONS, UNSUBSCRIBE


def build_registry() -> Registry:
    registry = Registry()
    registry.extend(
        [
            HELP,
            REPORT,
            ENTRIES,
            FREE_TEXT,
            PICTURE,
            SUBSCRIBE,
            SUBSCRIPTIONS,
            UNSUBSCRIBE,
            EXPORT,
            INCIDENT,
            ROOM,
            ORG,
            ASK,
            GUIDANCE,
            QA_COMMAND,
            QUESTIONS,
            ANSWER,
            OBJECT,
            OBJECTS,
            PARTNERS,
            WHO,
            ASSESSMENT,
            DECISION,
            ACTION,
            ACTIONS,
            PORTAL,
        ]
    )
    return registry


def build_dispatcher(settings: CommandSettings, savepoints: bool = True) -> Dispatcher:
    dispatcher = Dispatcher(build_registry(), settings, savepoints=savepoints)
    dispatcher.edit_hook = _edit_hook
    dispatcher.after_edit_hook = _after_edit_hook
    dispatcher.redaction_hook = _redaction_hook
    dispatcher.plain_message_hook = on_plain_question
    dispatcher.free_text_hook = on_liaison_text
    dispatcher.direct_arrival_hook = held_answers.deliver
    dispatcher.reaction_hook = on_reaction
    return dispatcher


async def _edit_hook(ctx: CommandContext) -> list[Outgoing] | None:
    """An edit of a command that made an assessment, decision or action revises it;
    every other edit is the reports' (which also handle edits of messages that made nothing)."""
    deleted = edit_of_deleted_original(ctx)
    if deleted is not None:
        return deleted
    answered = await on_record_edit(ctx)
    if answered is not None:
        return answered
    answered = await on_edit(ctx)
    original = ctx.message.relation.replaces
    if answered is AS_NEW_MESSAGE and original is not None:
        # The sender redacted the message: its new words make nothing (no offer, report
        # or question the sender withdrew), and the sender is told so.
        refused = await edit_of_redacted(ctx, original)
        if refused is not None:
            return refused
        # The edited message is read as the message it now is (a command, say): what
        # was offered for its old words is void, or a later `ja` or 👍 would record
        # the words the sender replaced (or the same message a second time).
        await withdraw_offer(ctx, original)
        # An `!actie klaar` edited: what it closed is open until its new words close it.
        await action_reopen.open_for_edit(ctx)
    return answered


async def _after_edit_hook(ctx: CommandContext) -> list[Outgoing]:
    """After an edit was handled as the message it now is: the question it no longer
    asks is withdrawn, the actions it no longer closes are open again."""
    withdrawn = await after_question_edit(ctx)
    return [*withdrawn, *await action_reopen.opened_by_edit(ctx)]


async def _redaction_hook(ctx: CommandContext) -> list[Outgoing]:
    # The mark first: whatever else the redaction does, a later edit of the event is void.
    await mark(ctx)
    # A message may have asked a question and (edited) made a report or a record item
    # too: its redaction withdraws them all.
    withdrawn = await on_question_redaction(ctx) or []
    retracted = await answer_retraction.on_redaction(ctx)
    if retracted is not None:
        return [*withdrawn, *retracted]  # a curator's `!antwoord` taken back
    answered = await on_record_redaction(ctx)
    if answered is None:
        answered = await action_reopen.on_redaction(ctx)
    if answered is not None:
        return [*withdrawn, *answered]
    await on_free_text_redaction(ctx)
    return [*withdrawn, *await on_redaction(ctx)]
