"""A direct chat made a group, seen by the sender before the sync loop stores it (found
by the TLP state machine's new `direct_chat_member` step, session 14).

A direct chat with anyone besides the bot and its one person is judged as a public room
(CLEAR only, its own words and the curators' answer to it included). The sync loop
stores that as the room's public flag while it handles the batch that brought the third
member; nio knows the members as soon as the batch arrives. The sender looks at the
live state just before each send for exactly that window (a room whose join rule turned
public), but judged a direct chat by its join rules alone: the curators' GREEN answer
waiting for the chat went to the person just invited."""

from __future__ import annotations

from nio import MatrixRoom

from bot.sender import OutboxSender
from storage import outbox, rooms
from storage.engine import Database
from storage.ids import RoomId
from storage.models import OutboxMessage
from storage.outbox import RowLabel

BOT = "@bot:localhost"
DM = RoomId("!dm:localhost")


def _chat(*members: str, invited: str | None = None) -> MatrixRoom:
    room = MatrixRoom(DM, BOT)
    room.join_rule = "invite"
    room.history_visibility = "shared"
    for member in (BOT, *members):
        room.add_member(member, None, None)
    if invited is not None:
        room.add_member(invited, None, None, invited=True)
    return room


async def _answer_waiting(db: Database, direct: bool = True) -> OutboxMessage:
    """The curators' GREEN answer, queued for the chat while it was the two of them."""
    async with db.transaction() as session:
        (await rooms.ensure(session, DM)).is_direct = direct
        row = await outbox.add(
            session,
            DM,
            "message",
            {"msgtype": "m.text", "body": "@anna:localhost: Antwoord van de redactie …"},
            "txn-answer",
            # Built for the chat as its own post: GREEN shown, CLEAR of other rooms'.
            label=RowLabel("GREEN", "CLEAR", None),
        )
    assert row is not None
    return row


class _Client:
    def __init__(self, room: MatrixRoom) -> None:
        self.rooms = {DM: room}


async def test_an_answer_waiting_for_a_direct_chat_just_made_a_group_does_not_go(
    db: Database,
) -> None:
    row = await _answer_waiting(db)
    for chat in (
        _chat("@anna:localhost", invited="@carla:elders"),
        _chat("@anna:localhost", "@carla:elders"),
    ):
        # The stored flag still says private: the batch is being handled.
        sender = OutboxSender(_Client(chat), db, encryption=False)  # type: ignore[arg-type]
        assert not await sender.may_still_go(row)


async def test_it_goes_while_the_chat_is_the_two_of_them(db: Database) -> None:
    row = await _answer_waiting(db)
    sender = OutboxSender(_Client(_chat("@anna:localhost")), db, encryption=False)  # type: ignore[arg-type]
    assert await sender.may_still_go(row)


async def test_a_group_room_is_judged_by_its_rules_alone(db: Database) -> None:
    """Not a direct chat: its members are whoever a binding vouches for (or, unbound, it
    sees its own posts as before); three members make it no public room."""
    row = await _answer_waiting(db, direct=False)
    chat = _chat("@anna:localhost", "@carla:elders")
    sender = OutboxSender(_Client(chat), db, encryption=False)  # type: ignore[arg-type]
    assert await sender.may_still_go(row)
