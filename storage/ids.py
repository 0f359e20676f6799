"""Typed Matrix identifiers shared by every layer.

`NewType` costs nothing at run time but lets mypy catch a room id passed where
an event id belongs, a mistake that would otherwise send a reply into the void.
"""

from typing import NewType

UserId = NewType("UserId", str)
RoomId = NewType("RoomId", str)
EventId = NewType("EventId", str)


def server_of(user_id: str) -> str:
    """The server name part of a Matrix id (`@a:example.org` -> `example.org`)."""
    _, _, server = user_id.partition(":")
    return server.lower()
