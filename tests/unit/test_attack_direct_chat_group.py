"""Attack on a direct chat made a group (helper "attack6", session 13).

A person asks the bot a question in a direct chat, and gets the curators' answer there
while the chat is private: a direct chat's question has no audience but its asker, so
its label (GREEN, or AMBER when marked) is judged as the chat's own post. The bot
knows a direct chat by the `is_direct` flag of the invite, kept for good. Anyone in
the chat may invite a third person (from any server): the chat stayed "direct", and the
curators' answer, the bot's later replies to its own words, went to that third person.
A direct chat that holds (or invites) anyone beside the bot and its one person is now
judged as a public room is, from its live state: it sees CLEAR only, its own posts
included, until it is a two-person chat again.
"""

from __future__ import annotations

from nio import AsyncClient, MatrixRoom

from bot.config import Settings
from bot.room_lifecycle import room_is_public
from bot.sender import OutboxSender
from bot.syncer import Syncer
from bot.wiring import build_dispatcher
from storage import rooms
from storage.engine import Database
from storage.ids import RoomId

BOT = "@bot:localhost"
DM = RoomId("!dm:localhost")


def _chat(*members: str) -> MatrixRoom:
    room = MatrixRoom(DM, BOT)
    room.join_rule = "invite"
    room.history_visibility = "shared"
    for member in (BOT, *members):
        room.add_member(member, None, None)
    return room


def test_a_direct_chat_with_a_third_member_sees_clear_only() -> None:
    assert not room_is_public(_chat("@anna:localhost"), direct=True)
    assert room_is_public(_chat("@anna:localhost", "@carla:elders"), direct=True)
    invited = _chat("@anna:localhost")
    invited.add_member("@carla:elders", None, None, invited=True)
    assert room_is_public(invited, direct=True)
    # A group room is judged by its rules alone (members are what a binding vouches for).
    assert not room_is_public(_chat("@anna:localhost", "@carla:elders"))
    # The asker left: nobody but the bot reads it.
    assert not room_is_public(_chat(), direct=True)


async def test_the_sync_loop_stores_a_direct_chat_made_a_group_as_public(db: Database) -> None:
    settings = Settings(homeserver="http://127.0.0.1:9", user_id=BOT, password="p")
    client = AsyncClient("http://127.0.0.1:9", BOT)
    syncer = Syncer(
        client, db, build_dispatcher(settings), OutboxSender(client, db, False), settings
    )
    async with db.transaction() as session:
        (await rooms.ensure(session, DM)).is_direct = True
    async with db.session() as session:
        syncer._marks = await rooms.marks(session, [DM])
    client.rooms[DM] = _chat("@anna:localhost", "@carla:elders")
    syncer.room_states.mark_loaded([DM])
    await syncer._apply_public_flags([DM])
    async with db.session() as session:
        access = await rooms.access_of(session, DM)
    assert access.public, access
    # The chat's own commands are judged the same way, from the first event on.
    assert syncer._room_view(DM, True, None).public
    await client.close()
