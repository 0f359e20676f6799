"""`tlp.heard_clause` (SQL, round 1) says what `tlp.may_hear_of` says, for every kind
of room (bound or not, each clearance, with or without an organisation, public, a
direct chat, an upgraded room) and every item (each label, own room, an earlier room,
another room; own organisation, another, none): the domino items of a picture are
read by the clause and shown by the function (helper "review10", session 16)."""

from __future__ import annotations

import itertools

from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, insert, select

from storage import tlp
from storage.tlp import LABELS, RANK, RoomAccess

ROOMS = ("!r:x", "!old:x", "!other:x")
ORGS = (None, "A", "B")


def _accesses() -> list[RoomAccess]:
    found = [RoomAccess.for_operator(label) for label in LABELS]
    for bound, clearance, org, public, direct, earlier in itertools.product(
        (True, False), LABELS, (None, "A"), (False, True), (False, True), ((), ("!old:x",))
    ):
        found.append(
            RoomAccess("!r:x", bound, clearance, org, public, earlier=earlier, direct=direct)
        )
    return found


def test_heard_clause_is_may_hear_of() -> None:
    engine = create_engine("sqlite://")
    meta = MetaData()
    items = Table(
        "items",
        meta,
        Column("id", Integer, primary_key=True),
        Column("rank", Integer),
        Column("room", String),
        Column("org", String, nullable=True),
    )
    meta.create_all(engine)
    cases = list(itertools.product(LABELS, ROOMS, ORGS))
    with engine.begin() as conn:
        conn.execute(
            insert(items),
            [
                {"id": n, "rank": RANK[label], "room": room, "org": org}
                for n, (label, room, org) in enumerate(cases)
            ],
        )
        wrong = []
        for access in _accesses():
            clause = tlp.heard_clause(access, items.c.rank, items.c.room, items.c.org)
            heard = set(conn.scalars(select(items.c.id).where(clause)))
            for n, (label, room, org) in enumerate(cases):
                if (n in heard) != tlp.may_hear_of(access, label, room, org):
                    wrong.append((access, label, room, org))
    assert wrong == []
