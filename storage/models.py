"""Tables for the bot's own state.

Times are stored as naive UTC (`UtcDateTime`) because aiosqlite hands back
naive datetimes even for timezone-aware columns while asyncpg hands back aware
ones; normalising at the column keeps comparisons identical on both backends.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UtcDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out; stored without zone."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is not None:
            return value.astimezone(UTC)
        return value.replace(tzinfo=UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON}


class KeyValue(Base):
    """Small singletons: the sync token, the stored login session."""

    __tablename__ = "kv"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ProcessedEvent(Base):
    """One row per handled Matrix event: the primary key makes a replay harmless."""

    __tablename__ = "processed_events"
    # The owner look-up of an action by user (records.owner_room_of_user), migration 0023.
    __table_args__ = (Index("ix_processed_events_sender", "sender", "room_id", "origin_ts"),)
    event_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    room_id: Mapped[str] = mapped_column(String(255), index=True)
    sender: Mapped[str] = mapped_column(String(255))
    effect: Mapped[str] = mapped_column(String(64))
    origin_ts: Mapped[datetime] = mapped_column(UtcDateTime)
    processed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class OutboxMessage(Base):
    """Something the bot must do on the homeserver, written with the effect that caused it."""

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    txn_id: Mapped[str] = mapped_column(String(128), unique=True)
    room_id: Mapped[str] = mapped_column(String(255), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # message | redact | join | leave
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Indexed (migration 0029): a question's withdrawal, an alert's refusal and the
    # redaction of a reply look rows up by the event that caused them.
    source_event_id: Mapped[str | None] = mapped_column(String(255), nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True, index=True)
    failed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    result_event_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    # What the row shows, checked against the room's binding just before the send
    # (bot/sender.py): its highest label, the highest that may be other rooms' posts,
    # and the room's organisation when queued. NULL: queued before migration 0028.
    tlp: Mapped[str | None] = mapped_column(String(16), nullable=True)
    tlp_shared: Mapped[str | None] = mapped_column(String(16), nullable=True)
    tlp_org: Mapped[str | None] = mapped_column(String(255), nullable=True)
    # Shown to curator rooms only (who asked a question): the sender checks the room is
    # still one just before the send (migration 0029; rows queued before: false).
    curators_only: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")


class Room(Base):
    """A room the bot is or was in."""

    __tablename__ = "rooms"
    room_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_direct: Mapped[bool] = mapped_column(Boolean, default=False)
    joined_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    left_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    left_reason: Mapped[str | None] = mapped_column(String(64), nullable=True)
    greeted: Mapped[bool] = mapped_column(Boolean, default=False)
    replaced_by: Mapped[str | None] = mapped_column(String(255), nullable=True)
    last_event_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    last_event_ts: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    # Join rule "public", kept current from room state: public rooms see CLEAR only.
    public: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")


class RoomBinding(Base):
    """What a room is for: its incident, organisation, role and TLP limits."""

    __tablename__ = "room_bindings"
    room_id: Mapped[str] = mapped_column(
        String(255), ForeignKey("rooms.room_id", ondelete="CASCADE"), primary_key=True
    )
    incident: Mapped[str | None] = mapped_column(String(100), nullable=True)
    organisation: Mapped[str | None] = mapped_column(String(200), nullable=True)
    role: Mapped[str] = mapped_column(String(32))
    tlp_default: Mapped[str] = mapped_column(String(16), default="AMBER")
    clearance: Mapped[str] = mapped_column(String(16), default="GREEN")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    bound_by: Mapped[str] = mapped_column(String(255))
    bound_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # Free text that reads as an update in a liaison room: "offer" to record it (a `ja`
    # or a thumbs-up records it), record it "direct" with a confirmation, or "off".
    free_text: Mapped[str] = mapped_column(String(16), default="offer", server_default="offer")


class PendingEncrypted(Base):
    """An encrypted event the bot could not decrypt yet; retried as keys arrive."""

    __tablename__ = "pending_encrypted"
    event_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    room_id: Mapped[str] = mapped_column(String(255), index=True)
    sender: Mapped[str] = mapped_column(String(255))
    source: Mapped[dict[str, Any]] = mapped_column(JSON)
    first_seen: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class AuditRecord(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(255))
    room_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    subject: Mapped[str | None] = mapped_column(String(255), nullable=True, index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class InstanceLock(Base):
    """At most one running bot per account and database."""

    __tablename__ = "instance_lock"
    name: Mapped[str] = mapped_column(String(255), primary_key=True)
    owner: Mapped[str] = mapped_column(String(255))
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    heartbeat_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Incident(Base):
    __tablename__ = "incidents"
    slug: Mapped[str] = mapped_column(String(100), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    phase: Mapped[str] = mapped_column(String(16), default="cold")  # vocabulary.Phase
    open: Mapped[bool] = mapped_column(Boolean, default=True)
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    opened_by: Mapped[str] = mapped_column(String(255))
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    # An exercise (oefening): its outputs say OEFENING and never mix with real incidents.
    exercise: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")


class Organisation(Base):
    __tablename__ = "organisations"
    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[str | None] = mapped_column(String(64), nullable=True)
    sector: Mapped[str | None] = mapped_column(String(100), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # The partner network (migration 0020): every vital sector the organisation serves
    # (`sector` above stays its first), where it works (safety regions, municipalities;
    # empty: everywhere), its role per incident phase, and its contact lines, each with a
    # TLP label (`[{label, line, tlp, municipalities}]`). Kept by the partners file and `!org`.
    sectors: Mapped[list[Any]] = mapped_column(JSON, default=list)
    regions: Mapped[list[Any]] = mapped_column(JSON, default=list)
    municipalities: Mapped[list[Any]] = mapped_column(JSON, default=list)
    roles: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    contacts: Mapped[list[Any]] = mapped_column(JSON, default=list)


class SituationEntry(Base):
    """The current state of one situation entry; its history is in `EntryRevision`."""

    __tablename__ = "entries"
    __table_args__ = (
        Index("ix_entries_incident_recorded", "incident", "recorded_at"),
        Index("ix_entries_incident_category", "incident", "category"),
        Index("ix_entries_incident_updated", "incident", "updated_at"),
        Index(
            "ix_entries_series",
            # category last: figure look-ups (no category) still use the prefix
            "incident",
            "organisation",
            "place",
            "location_key",
            "tlp_rank",
            "room_id",
            "category",
            "observed_at",
        ),
        Index(
            "ix_entries_visibility",
            "incident",
            "retracted_at",
            "tlp_rank",
            "room_id",
            "organisation",
        ),
        Index("ux_entries_origin_event", "origin_event_id", unique=True),
        Index("ix_entries_item", "incident", "item_id", "observed_at"),
        Index("ix_entries_keeps_item_state", "incident", "keeps_item_state"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    incident: Mapped[str | None] = mapped_column(String(100), nullable=True)
    category: Mapped[str] = mapped_column(String(32))
    organisation: Mapped[str | None] = mapped_column(String(200), nullable=True)
    reporter: Mapped[str] = mapped_column(String(255))
    room_id: Mapped[str] = mapped_column(String(255), index=True)
    source_event_id: Mapped[str] = mapped_column(String(255), unique=True)
    # Set when the report came in as an edit of a message that had left no entry (a
    # refused report corrected by editing it): that message, which later edits and
    # redactions name. `source_event_id` is then the edit, which the confirmation answered.
    origin_event_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    observed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    municipality: Mapped[str | None] = mapped_column(String(200), nullable=True)
    region: Mapped[str | None] = mapped_column(String(200), nullable=True)
    location: Mapped[str | None] = mapped_column(String(300), nullable=True)
    # municipality, else location, else "-": the place of a series, stored so it can be indexed.
    place: Mapped[str] = mapped_column(String(300), default="-", server_default="-")
    # The location folded (`storage.entries.location_key`: case, spacing, diacritics),
    # "" without one: with `place`, what tells two locations of one organisation in one
    # municipality apart in the series (migration 0034). Internal: never shown.
    location_key: Mapped[str] = mapped_column(String(300), default="", server_default="")
    severity: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    source: Mapped[str | None] = mapped_column(String(300), nullable=True)
    sector: Mapped[str | None] = mapped_column(String(100), nullable=True)
    text: Mapped[str] = mapped_column(Text)
    tlp: Mapped[str] = mapped_column(String(16))
    tlp_rank: Mapped[int] = mapped_column(Integer)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    supersedes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # The situation item this entry belongs to: the id of the entry that opened it
    # (its own id for a new report; see storage/items.py). None only until the
    # entry's id is known: readers use coalesce(item_id, id).
    item_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # A follow-up from a room that cannot see the item's severe state, which it would
    # lower: part of the item, but it does not lower that state for the rooms that see
    # it (storage/items.py `_state`; commands/follow_up_rights.py `lowers_unseen`).
    keeps_item_state: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    retracted_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    # `oorzaak: M-7`: the entry this report names as its cause (a domino effect).
    cause_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)

    @property
    def code(self) -> str:
        return f"M-{self.id}"


class RevisionColumns:
    """What every revision table keeps of one version: its number, the event (report,
    command or edit) that made it, the whole input as it was, who and when, and whether
    a redaction withdrew it. Shared by entries and record items (the tables differ only
    in what they are revisions of)."""

    revision: Mapped[int] = mapped_column(Integer)
    source_event_id: Mapped[str] = mapped_column(String(255), unique=True)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(255))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class EntryRevision(RevisionColumns, Base):
    """Every version of an entry, with the event that made it (report or edit)."""

    __tablename__ = "entry_revisions"
    __table_args__ = (UniqueConstraint("entry_id", "revision", name="uq_entry_revision"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entry_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("entries.id", ondelete="CASCADE"), index=True
    )


class EntryFigure(Base):
    """A figure of an entry's current revision (replaced on every revision)."""

    __tablename__ = "entry_figures"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entry_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("entries.id", ondelete="CASCADE"), index=True
    )
    metric: Mapped[str] = mapped_column(String(100), index=True)
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(40), nullable=True)
    label: Mapped[str] = mapped_column(String(100))
    # The liaison gave it as an estimate ("ca. 120") or a bound ("meer dan 3"): never
    # summed as exact. `bound` says which (storage/bounds.py: exact, estimate, over,
    # at_least, under, at_most; migration 0032), shown "ca. 120", "> 3", "< 50".
    estimate: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    bound: Mapped[str] = mapped_column(String(16), default="exact", server_default="exact")


class PendingOffer(Base):
    """An offer to record a free-text message as a report; `entry_code` once recorded.

    Kept in the database so that a `ja` or a thumbs-up after a restart still finds the
    offer, and a second one (or a redelivered event) records nothing twice.
    """

    __tablename__ = "pending_offers"
    __table_args__ = (Index("ix_pending_offers_room", "room_id", "created_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    room_id: Mapped[str] = mapped_column(String(255))
    message_event_id: Mapped[str] = mapped_column(String(255), unique=True)
    offer_event_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    sender: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    entry_code: Mapped[str | None] = mapped_column(String(32), nullable=True)


class PictureLog(Base):
    """When a room last received a situation picture: the base of "changed since"."""

    __tablename__ = "picture_log"
    __table_args__ = (Index("ix_picture_log_room_incident", "room_id", "incident", "generated_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    room_id: Mapped[str] = mapped_column(String(255))
    incident: Mapped[str] = mapped_column(String(100))
    generated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    entries: Mapped[int] = mapped_column(Integer)
    # False: a one-line "nothing changed" post; such a post points at the last full one.
    full: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    # What the picture showed (storage/picture_service.digest): a scheduled post is
    # one line only when nothing changed and the picture still shows the same.
    digest: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # The category the picture was narrowed to (`!beeld categorie=zorg`); None: every
    # category (and every picture logged before migration 0036). "Changed since"
    # compares with a picture that showed what this one shows (picture_service.baseline).
    category: Mapped[str | None] = mapped_column(String(40), nullable=True)


class Subscription(Base):
    """Scheduled situation pictures for a room."""

    __tablename__ = "subscriptions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    room_id: Mapped[str] = mapped_column(String(255), index=True)
    incident: Mapped[str | None] = mapped_column(String(100), nullable=True)
    interval_seconds: Mapped[int] = mapped_column(Integer)
    at_time: Mapped[str | None] = mapped_column(String(5), nullable=True)
    next_due_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    created_by: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class SeriesLatest(Base):
    """Latest live entry per (category, organisation, place, location) and per visibility
    class.

    Keeping one row per TLP label and room lets each room pick the latest entry
    *it may see* from a few thousand rows instead of scanning every entry.
    Refreshed from the entries that changed since `PictureWatermark`.
    """

    __tablename__ = "series_latest"
    key: Mapped[str] = mapped_column(String(900), primary_key=True)
    incident: Mapped[str] = mapped_column(String(100), index=True)
    category: Mapped[str] = mapped_column(String(32))
    organisation: Mapped[str | None] = mapped_column(String(200), nullable=True)
    place: Mapped[str] = mapped_column(String(300))
    location_key: Mapped[str] = mapped_column(String(300), default="", server_default="")
    tlp_rank: Mapped[int] = mapped_column(Integer)
    room_id: Mapped[str] = mapped_column(String(255))
    entry_id: Mapped[int] = mapped_column(Integer, index=True)
    observed_at: Mapped[datetime] = mapped_column(UtcDateTime)


class FigureLatest(Base):
    """Latest value per source (organisation, place, location, metric) and per visibility
    class."""

    __tablename__ = "figure_latest"
    key: Mapped[str] = mapped_column(String(900), primary_key=True)
    incident: Mapped[str] = mapped_column(String(100), index=True)
    organisation: Mapped[str | None] = mapped_column(String(200), nullable=True)
    place: Mapped[str] = mapped_column(String(300))
    location_key: Mapped[str] = mapped_column(String(300), default="", server_default="")
    metric: Mapped[str] = mapped_column(String(100))
    tlp_rank: Mapped[int] = mapped_column(Integer)
    room_id: Mapped[str] = mapped_column(String(255))
    entry_id: Mapped[int] = mapped_column(Integer, index=True)
    observed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(40), nullable=True)
    region: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # The figure's kind (storage/bounds.py): a sum with a bound in it is no exact sum.
    bound: Mapped[str] = mapped_column(String(16), default="exact", server_default="exact")


class ItemLatest(Base):
    """Latest live entry per situation item and per visibility class (see SeriesLatest),
    leaving out follow-ups marked `keeps_item_state` (storage/items.py `_kept_states`).

    `attention`: the entry is severe or extreme and not resolved, so the picture's
    attention section starts from these rows instead of every entry. Refreshed with
    the series tables (storage/series.py).
    """

    __tablename__ = "item_latest"
    __table_args__ = (
        Index("ix_item_latest_attention", "incident", "attention"),
        Index("ix_item_latest_item", "incident", "item_id"),
    )
    key: Mapped[str] = mapped_column(String(900), primary_key=True)
    incident: Mapped[str] = mapped_column(String(100))
    item_id: Mapped[int] = mapped_column(Integer)
    organisation: Mapped[str | None] = mapped_column(String(200), nullable=True)
    tlp_rank: Mapped[int] = mapped_column(Integer)
    room_id: Mapped[str] = mapped_column(String(255))
    entry_id: Mapped[int] = mapped_column(Integer, index=True)
    observed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    attention: Mapped[bool] = mapped_column(Boolean)


class PictureWatermark(Base):
    """Up to which `updated_at` the series tables of an incident are current."""

    __tablename__ = "picture_watermark"
    incident: Mapped[str] = mapped_column(String(100), primary_key=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class KnowledgeItem(Base):
    """A curated Q&A (later also guidance sections); `data` holds the validated fields."""

    __tablename__ = "knowledge_items"
    __table_args__ = (Index("ix_knowledge_items_kind", "kind", "retired_at"),)
    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default="qa")
    version: Mapped[int] = mapped_column(Integer, default=1)
    content_hash: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    tlp: Mapped[str] = mapped_column(String(16), default="GREEN")
    retired_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(255))


class KnowledgeItemVersion(Base):
    """Every version of a curated item as it was: who changed what, and when."""

    __tablename__ = "knowledge_item_versions"
    item_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    action: Mapped[str] = mapped_column(String(16))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    changed_by: Mapped[str] = mapped_column(String(255))


class OpenQuestion(Base):
    """A question the store could not answer confidently, waiting for a curator."""

    __tablename__ = "open_questions"
    __table_args__ = (Index("ix_open_questions_status", "status", "id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    asker: Mapped[str] = mapped_column(String(255))
    room_id: Mapped[str] = mapped_column(String(255))
    # The asking event: one open question per event, whatever is replayed.
    event_id: Mapped[str] = mapped_column(String(255), unique=True)
    question: Mapped[str] = mapped_column(Text)
    # The asking room's default label: the question is shown only where it may go.
    tlp: Mapped[str] = mapped_column(String(16))
    # The label's order, as entries keep it: what `tlp.visible_clause` compares.
    tlp_rank: Mapped[int] = mapped_column(Integer)
    organisation: Mapped[str | None] = mapped_column(String(255), nullable=True)
    incident: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # Asked in a direct chat (or another room without a binding): no incident's
    # audience, so pictures show it only in curator rooms.
    unbound: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    nearest: Mapped[list[Any]] = mapped_column(JSON)
    asked_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="open")
    answer: Mapped[str | None] = mapped_column(Text, nullable=True)
    answered_by: Mapped[str | None] = mapped_column(String(255), nullable=True)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    published_as: Mapped[str | None] = mapped_column(String(100), nullable=True)
    # A question close to an open one is linked to it (the first stays the one curators
    # answer; the answer reaches every linked asker too). None: a question of its own.
    linked_to: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    # Who asked, as a group ("gemeenten" for municipality rooms and direct chats, else the
    # room's role): questions are linked only within one incident or one audience.
    audience: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # The asker redacted the message that asked it (migration 0026): its words are erased
    # and it is answered no more (status "withdrawn" unless it was answered before).
    withdrawn_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    # Asked by an edit of this message (read as the message it now is): redacting that
    # message withdraws the question too, as a client removes the message with its edits.
    origin_event_id: Mapped[str | None] = mapped_column(String(255), nullable=True, index=True)


class RedactedEvent(Base):
    """An event the bot saw that its sender (or a member with the room's `redact` power)
    redacted in its own room: a later edit of it does nothing (migration 0026)."""

    __tablename__ = "redacted_events"
    event_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    room_id: Mapped[str] = mapped_column(String(255))
    redacted_by: Mapped[str] = mapped_column(String(255))
    redaction_event_id: Mapped[str] = mapped_column(String(255))
    redacted_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class SiteObjectRow(Base):
    """An object a partner holds information about (a hospital, a care home, a gemaal).

    `data` is the validated object as the partner's file gave it; the columns beside it
    are what queries filter on. Objects are not posted in a room, so `tlp.visible_clause`
    sees them with no room of their own: RED objects are seen by no room.
    """

    __tablename__ = "site_objects"
    __table_args__ = (
        Index("ix_site_objects_place", "municipality_key", "kind"),
        Index("ix_site_objects_owner", "owner"),
    )
    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    owner: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    municipality: Mapped[str] = mapped_column(String(100))
    # The municipality folded (no accents, lower case): what `!objecten <gemeente>` finds.
    municipality_key: Mapped[str] = mapped_column(String(100))
    region: Mapped[str | None] = mapped_column(String(100), nullable=True)
    tlp: Mapped[str] = mapped_column(String(16))
    tlp_rank: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    imported_by: Mapped[str] = mapped_column(String(255))


class EntryObjectLink(Base):
    """A report linked to a known object it names; `removed_at` set when a person said
    the link is wrong (kept, so the same report is not linked again on an edit)."""

    __tablename__ = "entry_objects"
    entry_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    object_id: Mapped[str] = mapped_column(String(100), primary_key=True, index=True)
    linked_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    removed_by: Mapped[str | None] = mapped_column(String(255), nullable=True)


class SectorDependency(Base):
    """One line of a dependency map: `dependent` depends on `sector` (energy -> telecom).

    Curated content (knowledge/network.py): a map file is imported whole, replacing the
    lines of the same map (`map_id`). `region`: the safety region the line holds for
    (None: everywhere).
    """

    __tablename__ = "sector_dependencies"
    __table_args__ = (Index("ix_sector_dependencies_sector", "sector", "dependent"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    map_id: Mapped[str] = mapped_column(String(100), index=True)
    sector: Mapped[str] = mapped_column(String(40))
    dependent: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    onset: Mapped[str | None] = mapped_column(String(200), nullable=True)
    region: Mapped[str | None] = mapped_column(String(100), nullable=True)
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    imported_by: Mapped[str] = mapped_column(String(255))


class DominoItem(Base):
    """A possible domino effect: a severe report in `cause_entry_id`'s sector, and a
    sector that depends on it and has not reported since. Answered (`closed_at`) by a
    report in that sector after the cause, about the cause's region: each such report is
    kept (`DominoAnswer`; `closed_by_entry_id` is the one most rooms may see); a room
    sees the item answered only when it may see one of them
    (`storage.network.open_visible`). Deleted when the cause is retracted or no longer
    causes it."""

    __tablename__ = "domino_items"
    __table_args__ = (
        UniqueConstraint("cause_entry_id", "sector", name="uq_domino_item"),
        Index("ix_domino_items_open", "incident", "closed_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    incident: Mapped[str] = mapped_column(String(100))
    cause_entry_id: Mapped[int] = mapped_column(Integer, index=True)
    cause_sector: Mapped[str] = mapped_column(String(40))
    sector: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    onset: Mapped[str | None] = mapped_column(String(200), nullable=True)
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    closed_by_entry_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class DominoAnswer(Base):
    """A report that answered a domino item (every one: two partners may answer an item,
    one partner twice). A room sees the item answered while a live answer it may see
    stands (`storage.network.open_visible`); a retracted answer's row goes."""

    __tablename__ = "domino_answers"
    __table_args__ = (Index("ix_domino_answers_entry", "entry_id"),)
    item_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    entry_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)


class RoomAlert:
    """An alert sent to a room about a report, the columns every kind keeps: at most one
    standing alert per (report, room), so an edit or a replay never alerts twice, and
    what its withdrawal notice needs. `full`: the room saw the report's text."""

    # The report the alert is about (for a domino alert: the cause).
    cause_entry_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    room_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    full: Mapped[bool] = mapped_column(Boolean, default=True)
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # The event whose handling queued the alert (its outbox row holds the alert's event
    # id), the label it went out under, and when the room was told its report no longer
    # holds (once; None again when the report holds again and the room is alerted anew).
    source_event_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    label: Mapped[str | None] = mapped_column(String(16), nullable=True)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class DominoAlert(RoomAlert, Base):
    """A domino alert sent to a liaison room about a cause."""

    __tablename__ = "domino_alerts"


class CoordinatorAlert(RoomAlert, Base):
    """The alert a coordinator room got about a severe or extreme report: one per
    (report, room); `severity_rank` is the highest severity it was alerted about (an edit
    up to extreme alerts again, and the row then names that later alert)."""

    __tablename__ = "coordinator_alerts"
    severity_rank: Mapped[int] = mapped_column(Integer, default=0)


class RecordItem(Base):
    """An assessment (O-n), a decision (B-n) or an action (A-n): the current revision.

    Every revision is kept in `RecordRevision`; a redacted command message marks the
    item withdrawn (`withdrawn_at`), it is never deleted. `number` counts per kind.
    """

    __tablename__ = "record_items"
    __table_args__ = (
        UniqueConstraint("kind", "number", name="uq_record_kind_number"),
        Index("ix_record_items_incident_kind", "incident", "kind", "withdrawn_at"),
        Index("ix_record_items_reminder", "remind_at", "reminded_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))  # assessment | decision | action
    number: Mapped[int] = mapped_column(Integer)
    incident: Mapped[str] = mapped_column(String(100))
    # The organisation that assessed or decided (a field; the room's by default).
    organisation: Mapped[str | None] = mapped_column(String(200), nullable=True)
    room_id: Mapped[str] = mapped_column(String(255))
    author: Mapped[str] = mapped_column(String(255))
    source_event_id: Mapped[str] = mapped_column(String(255), unique=True)
    # As for entries: the message later edits and redactions name, when the command
    # came in as an edit of a message that had left nothing behind.
    origin_event_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    tlp: Mapped[str] = mapped_column(String(16))
    tlp_rank: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    # The kind's own fields (development, risks, scenarios; what, owner; ...).
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)
    owner: Mapped[str | None] = mapped_column(String(255), nullable=True)
    owner_room: Mapped[str | None] = mapped_column(String(255), nullable=True)
    # Assessment: valid until; decision: takes effect; action: deadline.
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    remind_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    reminded_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    reminder_late: Mapped[bool] = mapped_column(Boolean, default=False)
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    done_by: Mapped[str | None] = mapped_column(String(255), nullable=True)
    # The message that closed the action (`!actie klaar`; for one that came in as an edit,
    # the message it edited): deleting it, or an edit that no longer closes the action,
    # opens it again (migration 0030). Kept while such an edit is handled, as the mark
    # of what it opened.
    done_event_id: Mapped[str | None] = mapped_column(String(255), nullable=True, index=True)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)

    @property
    def code(self) -> str:
        return f"{RECORD_PREFIX[self.kind]}-{self.number}"


RECORD_PREFIX = {"assessment": "O", "decision": "B", "action": "A"}


class RecordRevision(RevisionColumns, Base):
    """Every version of a record item, with the event (command or edit) that made it."""

    __tablename__ = "record_revisions"
    __table_args__ = (UniqueConstraint("item_id", "revision", name="uq_record_revision"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    item_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("record_items.id", ondelete="CASCADE"), index=True
    )


class PortalLink(Base):
    """A personal link to one room's read-only web view of the picture (bot/web/).

    Only the SHA-256 of the token is kept, so the database alone opens no page. The
    link shows what its room may see, decided again on every view from the room's
    current binding; it ends at `expires_at` or when revoked (`!portaal intrekken`).
    """

    __tablename__ = "portal_links"
    __table_args__ = (
        Index("ux_portal_links_token_hash", "token_hash", unique=True),
        Index("ix_portal_links_room_user", "room_id", "created_by"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    room_id: Mapped[str] = mapped_column(String(255))
    created_by: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
