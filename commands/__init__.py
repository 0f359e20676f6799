"""Chat commands: grammar, registry and help, permissions, handlers.

Takes plain `Message` objects and returns plain `Reply` objects; never imports
matrix-nio, so the same handlers serve Matrix, the console and the tests.

The names below are loaded on first use: importing one small module of the
package (the text catalogue, say, from the command line) does not load every
handler.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from storage.lazy import lazy_names

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


__getattr__ = lazy_names(__name__, _HOMES)
