"""The registry with every command the bot knows, and the hooks for edits and redactions."""

from __future__ import annotations

from commands.dispatcher import CommandSettings, Dispatcher
from commands.export import EXPORT
from commands.free_text import FREE_TEXT, on_liaison_text, on_reaction
from commands.guidance import GUIDANCE
from commands.help import HELP
from commands.incidents import INCIDENT
from commands.objects import OBJECT, OBJECTS
from commands.picture import PICTURE
from commands.portal import PORTAL
from commands.qa import QA_COMMAND
from commands.questions import ANSWER, ASK, QUESTIONS, on_plain_question
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
            PORTAL,
        ]
    )
    return registry


def build_dispatcher(settings: CommandSettings, savepoints: bool = True) -> Dispatcher:
    dispatcher = Dispatcher(build_registry(), settings, savepoints=savepoints)
    dispatcher.edit_hook = on_edit
    dispatcher.redaction_hook = on_redaction
    dispatcher.plain_message_hook = on_plain_question
    dispatcher.free_text_hook = on_liaison_text
    dispatcher.reaction_hook = on_reaction
    return dispatcher
