"""Chat commands: grammar, registry and help, permissions, handlers.

Takes plain `Message` objects and returns plain `Reply` objects; never imports
matrix-nio, so the same handlers serve Matrix, the console and the tests.

The names below are loaded on first use: importing one small module of the
package (the text catalogue, say, from the command line) does not load every
handler.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from commands.context import CommandContext, RoomView
    from commands.dispatcher import Dispatcher
    from commands.message import Message, Relation, Reply

_HOMES = {
    "commands.context": ("CommandContext", "RoomView"),
    "commands.dispatcher": ("Dispatcher",),
    "commands.message": ("Message", "Relation", "Reply"),
}

__all__ = ["CommandContext", "Dispatcher", "Message", "Relation", "Reply", "RoomView"]


def __getattr__(name: str) -> object:
    module = next((m for m, names in _HOMES.items() if name in names), None)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
