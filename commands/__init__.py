"""Chat commands: grammar, registry and help, permissions, handlers.

Takes plain `Message` objects and returns plain `Reply` objects; never imports
matrix-nio, so the same handlers serve Matrix, the console and the tests.
"""

from commands.context import CommandContext, RoomView
from commands.dispatcher import Dispatcher
from commands.message import Message, Relation, Reply

__all__ = ["CommandContext", "Dispatcher", "Message", "Relation", "Reply", "RoomView"]
