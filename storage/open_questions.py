"""Questions the store could not answer, waiting for a curator's answer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import exercise, tlp
from storage.models import OpenQuestion

# An answered question whose answer waits for an asker who left their direct chat
# (commands/held_answers.py): delivered when they write to the bot again in private.
HELD = "held"
# A kept text answer older than its lifetime (commands/held_answers.KEPT_FOR), its asker
# told when back: never delivered, no longer kept or listed.
LAPSED = "lapsed"


async def add(
    session: AsyncSession,
    *,
    asker: str,
    room_id: str,
    event_id: str,
    question: str,
    label: str,
    organisation: str | None,
    incident: str | None,
    nearest: list[dict[str, Any]],
    asked_at: datetime,
    audience: str | None = None,
    linked_to: int | None = None,
    unbound: bool = False,
    origin_event_id: str | None = None,
) -> OpenQuestion:
    """One open question per asking event (a replayed event finds the first).

    `unbound`: asked in a direct chat or another room without a binding.
    `origin_event_id`: asked by an edit of that message (redacting it withdraws this).
    """
    existing = await session.scalar(select(OpenQuestion).where(OpenQuestion.event_id == event_id))
    if existing is not None:
        return existing
    row = OpenQuestion(
        asker=asker,
        room_id=room_id,
        event_id=event_id,
        question=question,
        tlp=label,
        tlp_rank=tlp.RANK[label],
        organisation=organisation,
        incident=incident,
        nearest=nearest,
        asked_at=asked_at,
        unbound=unbound,
        status="open",
        audience=audience,
        linked_to=linked_to,
        origin_event_id=origin_event_id,
    )
    session.add(row)
    await session.flush()
    return row


async def get(session: AsyncSession, question_id: int) -> OpenQuestion | None:
    return await session.get(OpenQuestion, question_id)


def visible_to(access: tlp.RoomAccess, question: OpenQuestion) -> bool:
    return tlp.may_see(access, question.tlp, question.room_id, question.organisation)


async def open_for(
    session: AsyncSession,
    access: tlp.RoomAccess,
    incident: str | None = None,
    limit: int = 50,
    *,
    include_unbound: bool = True,
    exercise_mode: bool | None = None,
) -> list[OpenQuestion]:
    """Open questions this room may see, oldest first; a question linked to another is
    not listed on its own (it is answered with the one it is linked to).

    With `incident`: that incident's questions plus those asked outside any
    incident (a municipality room bound without one, a direct chat).
    `include_unbound=False` leaves out the questions asked in direct chats and
    other rooms without a binding: a picture shows those only in curator rooms.
    `exercise_mode` (the curators' list): only questions of exercises, or only real ones.
    """
    where = await _listed(session, access, incident, include_unbound, exercise_mode)
    query = select(OpenQuestion).where(*where).order_by(OpenQuestion.id).limit(limit)
    return list((await session.scalars(query)).all())


async def open_stamp(
    session: AsyncSession,
    access: tlp.RoomAccess | None = None,
    incident: str | None = None,
    *,
    include_unbound: bool = True,
) -> tuple[int, int, int, int]:
    """The count, highest id, sum of ids and sum of label ranks of the open questions
    (with `access`: those `open_for` lists for the room): a cheap change mark for live
    pages. Ids only grow, so a question asked, answered or withdrawn moves it, and so
    does a linked question listed in the place of a withdrawn one (a higher id than the
    one it replaces). An asker's edit keeps the question's id: the ranks move when it
    raised the label (an edit never lowers it), so a page that may no longer show the
    question looks again at once."""
    where = (
        [OpenQuestion.status == "open"]
        if access is None
        else await _listed(session, access, incident, include_unbound, None)
    )
    ids = OpenQuestion.id
    ranks = OpenQuestion.tlp_rank
    query = select(func.count(), func.max(ids), func.sum(ids), func.sum(ranks)).where(*where)
    found = (await session.execute(query)).first()
    if found is None:
        return (0, 0, 0, 0)
    return (int(found[0] or 0), int(found[1] or 0), int(found[2] or 0), int(found[3] or 0))


async def _listed(
    session: AsyncSession,
    access: tlp.RoomAccess,
    incident: str | None,
    include_unbound: bool,
    exercise_mode: bool | None,
) -> list[ColumnElement[bool]]:
    """The conditions of the open questions a room's list shows (see `open_for`)."""
    where: list[ColumnElement[bool]] = [
        OpenQuestion.status == "open",
        OpenQuestion.linked_to.is_(None),
        tlp.visible_clause(
            access, OpenQuestion.tlp_rank, OpenQuestion.room_id, OpenQuestion.organisation
        ),
    ]
    if not include_unbound:
        where.append(OpenQuestion.unbound.is_(False))
    if exercise_mode is not None:
        where.append(exercise.incident_clause(OpenQuestion.incident, exercise_mode))
    if incident is not None:
        if await exercise.is_exercise(session, incident):
            # An exercise's picture shows its own questions only: those asked outside
            # any incident are real.
            where.append(OpenQuestion.incident == incident)
        else:
            where.append(or_(OpenQuestion.incident == incident, OpenQuestion.incident.is_(None)))
    return where


async def count_open(session: AsyncSession) -> int:
    return int(
        await session.scalar(
            select(func.count()).select_from(OpenQuestion).where(OpenQuestion.status == "open")
        )
        or 0
    )


def answer(
    row: OpenQuestion, text: str, curator: str, at: datetime, published_as: str | None
) -> None:
    row.status = "answered"
    row.answer, row.answered_by, row.answered_at = text, curator, at
    row.published_as = published_as


def reopen(row: OpenQuestion) -> None:
    """The curator took their answer back (deleted their `!antwoord`): the question is
    open again, to be answered anew, as if it had not been answered."""
    row.status = "open"
    row.answer = row.answered_by = row.answered_at = row.published_as = None


async def link_candidates(
    session: AsyncSession,
    access: tlp.RoomAccess,
    label: str,
    incident: str | None,
    audience: str | None,
    limit: int = 200,
) -> list[OpenQuestion]:
    """Open questions a new question may be linked to: not linked themselves, visible to
    the asking room, with the same label, and from the same incident or the same audience.

    The same label, not just a visible one: then every curator room that sees the one
    sees the other, so the curator who answers sees every asker the answer goes to.
    Questions from two different incidents are never linked (the answer may differ).
    """
    query = (
        select(OpenQuestion)
        .where(OpenQuestion.status == "open", OpenQuestion.linked_to.is_(None))
        .where(OpenQuestion.tlp == label)
        .where(
            tlp.visible_clause(
                access, OpenQuestion.tlp_rank, OpenQuestion.room_id, OpenQuestion.organisation
            )
        )
        .order_by(OpenQuestion.id.desc())
        .limit(limit)
    )
    if incident is not None:
        query = query.where(
            or_(
                OpenQuestion.incident == incident,
                and_(OpenQuestion.incident.is_(None), OpenQuestion.audience == audience),
            )
        )
    else:
        query = query.where(OpenQuestion.audience == audience)
    # Never across an exercise and reality: one answer would reach both.
    query = query.where(
        exercise.incident_clause(
            OpenQuestion.incident, await exercise.is_exercise(session, incident)
        )
    )
    return list((await session.scalars(query)).all())


async def linked(session: AsyncSession, question_id: int) -> list[OpenQuestion]:
    """The open questions linked to `question_id`, oldest first."""
    rows = await session.scalars(
        select(OpenQuestion)
        .where(OpenQuestion.linked_to == question_id, OpenQuestion.status == "open")
        .order_by(OpenQuestion.id)
    )
    return list(rows.all())


async def asked_by(session: AsyncSession, event_id: str) -> list[OpenQuestion]:
    """The questions a message asked: by itself, or by an edit of it (`origin_event_id`)."""
    rows = await session.scalars(
        select(OpenQuestion)
        .where(or_(OpenQuestion.event_id == event_id, OpenQuestion.origin_event_id == event_id))
        .order_by(OpenQuestion.id)
    )
    return list(rows.all())


def withdraw(row: OpenQuestion, at: datetime) -> None:
    """The asker took the question back: its words are erased (they were the member's,
    and they withdrew them) and an open question is answered no more, nor is an answer
    kept for them (commands/held_answers.py: nothing was sent). An answered one keeps
    its status and answer: what was sent stays sent."""
    row.withdrawn_at = at
    row.question = ""
    row.nearest = []
    if row.status in ("open", HELD):
        row.status = "withdrawn"


async def keep_again(session: AsyncSession, question_id: int) -> bool:
    """The reply that delivered a kept answer was voided before it went (its chat had a
    third member by then): the answer is kept again for the asker's next private chat.
    True when it is kept again (not when withdrawn or answered anew meanwhile)."""
    row = await session.get(OpenQuestion, question_id)
    if row is None or row.status != "answered" or row.withdrawn_at is not None:
        return False
    row.status = HELD
    return True


KEPT_LISTED = 50


async def kept_for(
    session: AsyncSession, access: tlp.RoomAccess, exercise_mode: bool | None
) -> list[OpenQuestion]:
    """Answered questions whose answer is kept for an asker who left their direct chat
    (status "held"), as the curators' list shows them: the newest `KEPT_LISTED` (listing
    the oldest hid the newer ones, those likeliest still to reach their asker), oldest
    first among them. `count_kept` says how many there are in all."""
    query = select(OpenQuestion).where(*await _kept_where(session, access, exercise_mode))
    rows = await session.scalars(query.order_by(OpenQuestion.id.desc()).limit(KEPT_LISTED))
    return list(rows.all())[::-1]


async def count_kept(
    session: AsyncSession, access: tlp.RoomAccess, exercise_mode: bool | None
) -> int:
    where = await _kept_where(session, access, exercise_mode)
    return int(
        await session.scalar(select(func.count()).select_from(OpenQuestion).where(*where)) or 0
    )


async def _kept_where(
    session: AsyncSession, access: tlp.RoomAccess, exercise_mode: bool | None
) -> list[ColumnElement[bool]]:
    where = await _listed(session, access, None, True, exercise_mode)
    # Each kept answer is listed, a linked asker's too (answered with the question it
    # was linked to): `_listed`'s first two conditions (open, not linked) are the open
    # list's.
    where[:2] = [OpenQuestion.status == HELD]
    return where


def hand_over(withdrawn: OpenQuestion, linked: list[OpenQuestion]) -> OpenQuestion | None:
    """A withdrawn question's linked ones (open, oldest first) stay open for their askers:
    the oldest becomes the question the curators answer, the others are linked to it.
    The withdrawn one points at it, so a curator who answers the old code is told where
    to go. Returns the new one, or None without linked questions."""
    if not linked:
        return None
    first, *rest = linked
    first.linked_to = None
    for other in rest:
        other.linked_to = first.id
    withdrawn.linked_to = first.id
    return first


# An open question's earlier words, kept when an edit of its asking message replaced
# them: a row of its own (never listed, never answered: only "open" rows are), so that
# redacting the edit brings them back and redacting the message erases them too.
REPLACED = "replaced"


async def replace_words(
    session: AsyncSession,
    row: OpenQuestion,
    edit_event_id: str,
    original_event_id: str,
    words: tuple[str, str, list[dict[str, Any]]],
) -> None:
    """`row` takes an edit's words, label and nearest items (`words`); its previous ones
    are kept as a REPLACED version row named by the edit (`event_id`) and the message
    it edits (`origin_event_id`), linked to `row`."""
    question, label, nearest = words
    session.add(
        OpenQuestion(
            asker=row.asker,
            room_id=row.room_id,
            event_id=edit_event_id,
            question=row.question,
            tlp=row.tlp,
            tlp_rank=row.tlp_rank,
            organisation=row.organisation,
            incident=row.incident,
            nearest=row.nearest,
            asked_at=row.asked_at,
            unbound=row.unbound,
            status=REPLACED,
            audience=row.audience,
            linked_to=row.id,
            origin_event_id=original_event_id,
        )
    )
    set_words(row, question, label, nearest)
    await session.flush()


def set_words(row: OpenQuestion, question: str, label: str, nearest: list[Any]) -> None:
    row.question, row.tlp, row.tlp_rank, row.nearest = question, label, tlp.RANK[label], nearest


async def next_version(session: AsyncSession, version: OpenQuestion) -> OpenQuestion | None:
    """The REPLACED version kept after `version` (by a later edit), if any."""
    found = await session.scalar(
        select(OpenQuestion)
        .where(
            OpenQuestion.linked_to == version.linked_to,
            OpenQuestion.status == REPLACED,
            OpenQuestion.withdrawn_at.is_(None),
            OpenQuestion.id > version.id,
        )
        .order_by(OpenQuestion.id)
        .limit(1)
    )
    return found
