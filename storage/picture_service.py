"""The picture service: what `!beeld` and the scheduler share.

Build the situation picture of one incident as one room may see it, with the open
questions it lists, and record that the room received it (`PictureLog`, the base of
"changed since the previous picture") and who asked for what (audit). Handlers and
the scheduler parse, authorise and render; the work is done here, once.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import alerts, audit, network, open_questions, records, tlp
from storage.bounds import EXACT
from storage.models import Incident, OpenQuestion, PictureLog, RecordItem
from storage.picture import Picture, build_picture

# Open questions shown in a picture; the curators' `!vragen` lists them all.
MAX_QUESTIONS = 20
# Decisions and open (or just done) actions shown in a picture; `!acties` lists them all.
MAX_DECISIONS = 20
MAX_ACTIONS = 25


@dataclass(frozen=True)
class RecordView:
    """Assessments, decisions and actions of the incident, as the room may see them."""

    assessments: list[RecordItem] = field(default_factory=list)
    decisions: list[RecordItem] = field(default_factory=list)
    open_actions: list[RecordItem] = field(default_factory=list)
    # Actions closed since this room's previous picture.
    done: list[RecordItem] = field(default_factory=list)
    # All open actions the room may see (the picture shows the first MAX_ACTIONS).
    open_count: int = 0

    @property
    def items(self) -> list[RecordItem]:
        return [*self.assessments, *self.decisions, *self.open_actions, *self.done]

    @property
    def labels(self) -> list[str]:
        return [item.tlp for item in self.items]


async def record_view(
    session: AsyncSession,
    access: tlp.RoomAccess,
    incident: str,
    now: datetime,
    previous: datetime | None,
) -> RecordView:
    open_actions = list(
        await records.open_actions(session, access, incident, now, limit=MAX_ACTIONS)
    )
    return RecordView(
        assessments=await records.latest_assessments(session, access, incident),
        decisions=await records.decisions(session, access, incident, limit=MAX_DECISIONS),
        open_actions=open_actions,
        done=await records.done_since(session, access, incident, previous, limit=MAX_ACTIONS),
        open_count=(
            len(open_actions)
            if len(open_actions) < MAX_ACTIONS
            else await records.count_open_actions(session, access, incident)
        ),
    )


@dataclass(frozen=True)
class RoomPicture:
    """One picture for one room, ready to render."""

    incident: Incident
    picture: Picture
    questions: list[OpenQuestion]
    more_questions: bool  # more than MAX_QUESTIONS are open
    # The room's previous full picture: a brief post without changes points at it.
    previous_full: datetime | None = None
    # False: nothing changed since `previous_full`, and the caller asked for brevity
    # (scheduled posts): the renderer writes one line instead of the whole picture.
    full: bool = True
    digest: str | None = None
    # Open domino items whose cause this room may see: "Mogelijke domino-effecten".
    domino: list[network.OpenDomino] = field(default_factory=list)
    record: RecordView = field(default_factory=RecordView)
    # Severe reports this room only heard of (a redacted alert that stands), as the
    # alerts said them, and how many there are (`alerts.heard_of`).
    heard_of: alerts.Heard = field(default_factory=lambda: alerts.Heard([], 0))


@dataclass(frozen=True)
class Baseline:
    """The picture "Gewijzigd sinds vorig beeld" compares with: when the room received
    it, and the category it was narrowed to (None: every category)."""

    at: datetime
    category: str | None


def _same_scope(category: str | None) -> ColumnElement[bool]:
    return PictureLog.category.is_(None) if category is None else PictureLog.category == category


async def baseline(
    session: AsyncSession, room_id: str, incident: str, category: str | None = None
) -> Baseline | None:
    """The room's latest picture of this incident that showed what a picture narrowed to
    `category` shows: for a whole picture the previous whole one, for a category picture
    the previous one of that category or a whole one (it showed that category too).

    Any previous picture would do only if every picture showed everything: after
    `!beeld categorie=zorg` the next whole picture listed only what changed since the
    zorg one, and a water report made in between was never listed as new."""
    scope = _same_scope(category)
    if category is not None:
        scope = or_(scope, PictureLog.category.is_(None))
    row = (
        await session.execute(
            select(PictureLog.generated_at, PictureLog.category)
            .where(PictureLog.room_id == room_id, PictureLog.incident == incident, scope)
            .order_by(PictureLog.generated_at.desc())
            .limit(1)
        )
    ).first()
    return None if row is None else Baseline(row[0], row[1])


async def last_picture_at(
    session: AsyncSession, room_id: str, incident: str, category: str | None = None
) -> datetime | None:
    """When this room last received a picture of this incident that showed what a
    picture narrowed to `category` shows (`baseline`)."""
    found = await baseline(session, room_id, incident, category)
    return None if found is None else found.at


async def last_full_picture(
    session: AsyncSession, room_id: str, incident: str, category: str | None = None
) -> tuple[datetime, str | None] | None:
    """When this room last received a whole picture of this incident narrowed to the
    same category (None: every category), and its digest: a digest of another filter's
    picture never matches, and a brief post must point at a picture like itself."""
    row = (
        await session.execute(
            select(PictureLog.generated_at, PictureLog.digest)
            .where(
                PictureLog.room_id == room_id,
                PictureLog.incident == incident,
                PictureLog.full.is_(True),
                _same_scope(category),
            )
            .order_by(PictureLog.generated_at.desc())
            .limit(1)
        )
    ).first()
    return None if row is None else (row[0], row[1])


def digest(
    picture: Picture,
    questions: list[OpenQuestion],
    domino: list[network.OpenDomino] | None = None,
    record: RecordView | None = None,
    heard: list[alerts.HeardOf] | None = None,
) -> str:
    """What the picture shows, apart from the clock: equal digests, nothing to repeat.

    Changes are counted separately (an edit keeps the entry id); this catches what
    leaves a picture without changing inside it (an entry moved to another incident).
    """
    shown = {
        "entries": picture.entry_count,
        "states": sorted(s.entry_id for s in picture.states),
        "attention": sorted(a.entry_id for a in picture.attention),
        # The bound too ("> 3" is not "3"), only where there is one: digests of pictures
        # with exact figures stay as they were.
        "figures": sorted(
            (f.metric, f.region, f.total, f.sources, *([f.bound] if f.bound != EXACT else []))
            for f in picture.figures
        ),
        "questions": sorted(q.id for q in questions),
        "record": sorted(
            (i.code, i.revision, i.done_at is not None) for i in (record.items if record else [])
        ),
    }
    if domino:
        # Only when there are any: digests of pictures without them stay as they were.
        shown["domino"] = sorted(d.key for d in domino)
    if heard:
        shown["heard_of"] = sorted((h.entry_id, h.severity_rank) for h in heard)
    return hashlib.sha256(json.dumps(shown, sort_keys=True).encode()).hexdigest()


async def picture_for_room(
    session: AsyncSession,
    access: tlp.RoomAccess,
    incident: Incident,
    now: datetime,
    *,
    actor: str,
    since: datetime | None = None,
    category: str | None = None,
    curator: bool = False,
    brief_when_unchanged: bool = False,
    view_only: bool = False,
    changes_since: datetime | None = None,
    refresh_series: bool = True,
    coordinator_of: str | None = None,
) -> RoomPicture:
    """Build, log and audit one picture. `curator`: a curator room's lists questions from
    direct chats too (and shows who asked). `brief_when_unchanged`: when nothing changed
    since the room's previous picture (no entry, no open question), not `full`. `view_only`
    (the web portal): a look, not a post: the changes are those since `changes_since`
    (the viewer's choice), nothing is logged (the room's next `!beeld` still shows what
    changed since its last post), the caller audits the view. `refresh_series=False`,
    `coordinator_of`: see `picture.build_picture`, `alerts.heard_of`."""
    previous, whole = await _changes_from(
        session, access, incident, category, view_only, changes_since
    )
    last_full = await last_full_picture(session, access.room_id, incident.slug, category)
    picture = await build_picture(
        session,
        access,
        incident.slug,
        since=since,
        category=category,
        changes_since=previous,
        refresh_series=refresh_series,
    )
    picture.changes_against_whole = whole
    shown, more = await _questions(session, access, incident.slug, curator)
    domino = await network.open_visible(session, access, incident.slug)
    shown_record = await record_view(session, access, incident.slug, now, previous)
    heard = await alerts.heard_of(session, access, incident.slug, coordinator_of)
    fingerprint = digest(picture, shown, domino, shown_record, heard.shown)
    unchanged = last_full is not None and _unchanged_since(
        last_full, fingerprint, picture, shown_record, shown
    )
    result = RoomPicture(
        incident=incident,
        picture=picture,
        questions=shown,
        more_questions=more,
        previous_full=last_full[0] if last_full else None,
        full=not (brief_when_unchanged and unchanged),
        digest=fingerprint,
        domino=domino,
        record=shown_record,
        heard_of=heard,
    )
    if not view_only:
        await record(session, access, result, now, actor=actor, since=since, category=category)
    return result


async def _changes_from(
    session: AsyncSession,
    access: tlp.RoomAccess,
    incident: Incident,
    category: str | None,
    view_only: bool,
    changes_since: datetime | None,
) -> tuple[datetime | None, bool]:
    """Since when the picture marks changes: the room's previous picture that showed
    what this one shows (`baseline`), or for a look in the portal the viewer's own
    choice (over the whole picture: the portal has no category); and whether that was a
    whole picture."""
    if view_only:
        return changes_since, True
    found = await baseline(session, access.room_id, incident.slug, category)
    return (None, True) if found is None else (found.at, found.category is None)


async def _questions(
    session: AsyncSession, access: tlp.RoomAccess, incident: str, curator: bool
) -> tuple[list[OpenQuestion], bool]:
    """The open questions the picture shows (at most MAX_QUESTIONS), and whether there
    are more; a curator room also sees those asked in direct chats."""
    questions = await open_questions.open_for(
        session, access, incident=incident, limit=MAX_QUESTIONS + 1, include_unbound=curator
    )
    return questions[:MAX_QUESTIONS], len(questions) > MAX_QUESTIONS


def _unchanged_since(
    last_full: tuple[datetime, str | None],
    fingerprint: str,
    picture: Picture,
    shown_record: RecordView,
    questions: list[OpenQuestion],
) -> bool:
    """Nothing changed since the room's last full picture (its time and digest): the same
    digest, no changed entries, no action done since, no question asked since."""
    at, last_digest = last_full
    return (
        last_digest == fingerprint
        and not picture.changes
        and not shown_record.done
        and all(_aware(q.asked_at) <= at for q in questions)
    )


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


async def record(
    session: AsyncSession,
    access: tlp.RoomAccess,
    room_picture: RoomPicture,
    now: datetime,
    *,
    actor: str,
    since: datetime | None = None,
    category: str | None = None,
) -> None:
    """Log that the room received this picture and audit what it was shown."""
    picture = room_picture.picture
    session.add(
        PictureLog(
            room_id=access.room_id,
            incident=room_picture.incident.slug,
            generated_at=now,
            entries=picture.entry_count,
            full=room_picture.full,
            digest=room_picture.digest,
            category=category,
        )
    )
    await audit.add(
        session,
        actor,
        "picture.sent",
        access.room_id,
        subject=room_picture.incident.slug,
        detail={
            "since": since.isoformat() if since else None,
            "category": category,
            "clearance": access.clearance,
            "entries": picture.entry_count,
            "shown": sorted(f"M-{i}" for i in picture.entry_ids),
            "tlp": picture.highest_label,
            "open_questions": [f"V{q.id}" for q in room_picture.questions],
            "full": room_picture.full,
            "domino": [d.key for d in room_picture.domino],
            "record": sorted(i.code for i in room_picture.record.items),
            # Only when there are any: audit rows of other pictures stay as they were.
            **(
                {"heard_of": [h.code for h in room_picture.heard_of.shown]}
                if room_picture.heard_of.shown
                else {}
            ),
        },
    )
