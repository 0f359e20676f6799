"""The command registry: names in both languages, usage, permission, handler.

`!help` is generated from it, so a command cannot exist without help text.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from commands.context import CommandContext
from commands.i18n import Language

if TYPE_CHECKING:
    from commands.grammar import ParsedCommand
    from commands.message import Outgoing

Handler = Callable[["CommandContext", "ParsedCommand"], Awaitable[list["Outgoing"]]]
# Returns None when allowed, else the reason (already in the caller's language).
Permission = Callable[["CommandContext"], str | None]


def everyone(_ctx: CommandContext) -> str | None:
    return None


@dataclass(frozen=True)
class Command:
    name_nl: str
    name_en: str
    summary: dict[Language, str]
    usage: dict[Language, str]
    example: dict[Language, str]
    handler: Handler
    permission: Permission = everyone
    aliases: tuple[str, ...] = ()
    # The first line is free text (a report): split on spaces, no quote handling.
    raw_arguments: bool = False
    # Changes how the room's messages are read (its binding, its free-text mode): after a
    # restart the sync loop handles such a room in its own order, never this command
    # before the messages written under the old binding (bot/syncer.py).
    rereads_room: bool = False
    # Answers from what messages recorded (a listing, the picture, an export): after a
    # restart the sync loop handles it after every room's gap, never before the reports
    # written before it that came back in a gap (bot/syncer.py).
    reads_written: bool = False

    def name(self, lang: Language) -> str:
        return self.name_nl if lang == "nl" else self.name_en

    @property
    def all_names(self) -> tuple[str, ...]:
        return (self.name_nl, self.name_en, *self.aliases)


class Registry:
    def __init__(self) -> None:
        self._commands: list[Command] = []
        self._by_name: dict[str, Command] = {}

    def add(self, command: Command) -> Command:
        for name in command.all_names:
            if name in self._by_name and self._by_name[name] is not command:
                raise ValueError(f"command name {name!r} registered twice")
            self._by_name[name] = command
        self._commands.append(command)
        return command

    def extend(self, commands: Iterable[Command]) -> None:
        for command in commands:
            self.add(command)

    def lookup(self, name: str) -> Command | None:
        return self._by_name.get(name.lower())

    def suggest(self, name: str) -> str | None:
        """The closest known command name, if any is close enough to be a typo."""
        match = process.extractOne(
            name.lower(), list(self._by_name), scorer=fuzz.ratio, score_cutoff=60
        )
        return match[0] if match else None

    def __iter__(self) -> Iterator[Command]:
        return iter(self._commands)

    @property
    def commands(self) -> tuple[Command, ...]:
        return tuple(self._commands)


def usage_line(command: Command, lang: Language, prefix: str) -> str:
    return command.usage[lang].format(prefix=prefix)
