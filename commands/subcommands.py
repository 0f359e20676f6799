"""Subcommands of one command (`!kamer toon`, `!incident fase`, `!qa lijst`).

Each action is declared once with its names in both languages and its handler; the
command's handler hands the words to `Subcommands.run`, which looks the first one
up (any case) and calls the action with the words after it. An unknown action is
the command's usage error.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from commands.context import CommandContext
from commands.errors import UserError

if TYPE_CHECKING:
    from commands.grammar import ParsedCommand
    from commands.message import Outgoing

# An action gets the parsed command (for its options and body) and the words after
# the action's name.
Action = Callable[[CommandContext, "ParsedCommand", list[str]], Awaitable[list["Outgoing"]]]


@dataclass(frozen=True)
class Subcommand:
    names: tuple[str, ...]  # Dutch and English, lower case
    action: Action


class Subcommands:
    def __init__(self, *subcommands: Subcommand, default: str | None = None) -> None:
        self._by_name: dict[str, Subcommand] = {}
        for sub in subcommands:
            for name in sub.names:
                if name in self._by_name:
                    raise ValueError(f"subcommand name {name!r} declared twice")
                self._by_name[name] = sub
        if default is not None and default not in self._by_name:
            raise ValueError(f"default subcommand {default!r} is not declared")
        self.default = default  # what a command without words does

    def find(self, word: str | None) -> Subcommand | None:
        return self._by_name.get(word.lower()) if word else None

    async def run(
        self,
        ctx: CommandContext,
        parsed: ParsedCommand,
        words: Sequence[str],
        usage: UserError,
    ) -> list[Outgoing]:
        sub = self.find(words[0] if words else self.default)
        if sub is None:
            raise usage
        return await sub.action(ctx, parsed, list(words[1:]))
