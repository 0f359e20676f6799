"""Knowledge operations shared by the command line and the chat commands."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from knowledge.content_io import FileResult, content_files, read_file, write_guidance, write_yaml
from knowledge.model import QA, STORED, Content, Guidance
from knowledge.search import Document, Index, Result
from storage import knowledge_items, tlp
from storage.engine import Database


def check(path: Path) -> list[FileResult]:
    """Validate every content file under `path` without importing anything."""
    return [read_file(file) for file in content_files(path)]


def as_new_content(item: Content) -> knowledge_items.NewContent:
    return knowledge_items.NewContent(
        id=item.id,
        kind="qa" if isinstance(item, QA) else "guidance",
        content_hash=item.content_hash(),
        data=item.model_dump(mode="json"),
        tlp=item.tlp,
    )


async def import_path(
    db: Database, path: Path, actor: str
) -> list[tuple[FileResult, knowledge_items.ImportCounts | None]]:
    """Import file by file; a file with any invalid item imports nothing."""
    results = await asyncio.to_thread(check, path)
    outcome: list[tuple[FileResult, knowledge_items.ImportCounts | None]] = []
    for result in results:
        if not result.ok:
            outcome.append((result, None))
            continue
        async with db.transaction() as session:
            counts = await knowledge_items.upsert(
                session, [as_new_content(item) for item in result.items], actor
            )
        outcome.append((result, counts))
    return outcome


@dataclass(frozen=True)
class Exported:
    """What `export_to` wrote, and what it left out: label above the ceiling -> count."""

    written: int
    left_out: dict[str, int]


async def export_to(db: Database, directory: Path, ceiling: str = "GREEN") -> Exported:
    """The store as files, holding only items up to `ceiling`. The files are meant for a
    git repository, which is copied, cloned and mirrored far beyond any one room: a Q&A
    or guidance document above the ceiling is left out and counted, never written."""
    async with db.session() as session:
        store = await load_store(session)
    items: list[Content] = [*store.qas, *store.guidance]
    left_out: dict[str, int] = {}
    for item in items:
        if not tlp.within_ceiling(item.tlp, ceiling):
            left_out[item.tlp] = left_out.get(item.tlp, 0) + 1
    qas = [qa for qa in store.qas if tlp.within_ceiling(qa.tlp, ceiling)]
    guidance = [g for g in store.guidance if tlp.within_ceiling(g.tlp, ceiling)]
    await asyncio.to_thread(directory.mkdir, parents=True, exist_ok=True)
    await asyncio.to_thread(write_yaml, qas, directory / "qas.yaml")
    for document in guidance:
        await asyncio.to_thread(write_guidance, document, directory / f"{document.id}.md")
    return Exported(len(qas) + len(guidance), left_out)


@dataclass(frozen=True)
class Reader:
    """Who searches. What a reader may not see does not exist for them: it is out of
    their search altogether (ranking, topic documents, IDF, confidence), not merely
    scored zero, or a hidden item's phrasings would make a visible item in its topic
    look like a sure answer. `key` names the reader's view (a room's access): readers
    with one key see the same items of a store, so the hidden set is worked out once.
    """

    key: Hashable
    may_see: Callable[[Document], bool] = field(compare=False)


# Hidden sets kept per store: one per reader key (rooms, direct chats); more means a
# stream of one-off readers, and the oldest are simply worked out again.
MAX_READERS = 256


@dataclass(frozen=True)
class Store:
    """The live store at one version, with its two indexes."""

    version: int
    qas: list[QA]
    guidance: list[Guidance]
    qa_index: Index
    guidance_index: Index
    by_id: dict[str, Content]
    # When each item last changed in the store (its "last updated" when it names none).
    changed: dict[str, date]
    # In how many Q&As (question and phrasings) each term occurs: the weights with
    # which two open questions are compared (knowledge/duplicates.py).
    question_df: dict[str, int] = field(default_factory=dict)
    # Per reader key: the ids of Q&As and of guidance sections that reader may not see.
    _hidden: dict[Hashable, tuple[frozenset[str], frozenset[str]]] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )
    # Per day: the ids of Q&As and guidance sections that are not current that day.
    _stale: dict[date, frozenset[str]] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )
    # Per reader key and day: the duplicate weights of that view (`question_weights`).
    _weights: dict[tuple[Hashable, date | None], tuple[dict[str, int], int]] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )

    def qa(self, item_id: str) -> QA | None:
        item = self.by_id.get(item_id)
        return item if isinstance(item, QA) else None

    def guidance_document(self, section_id: str) -> Guidance | None:
        item = self.by_id.get(section_id.split("#", 1)[0])
        return item if isinstance(item, Guidance) else None

    def section(self, section_id: str) -> Document | None:
        return self.guidance_index.document(section_id)

    def indexes_for(self, reader: Reader | None) -> tuple[Index, Index]:
        """The Q&A and guidance indexes of what `reader` may see (None: everything).

        Built without the hidden items (`Index.without`, which keeps each variant):
        one per distinct visible set of this store version, which are few (clearance
        levels, organisations with AMBER+STRICT items). The first search of a view
        builds it; `await asyncio.to_thread(store.indexes_for, reader)` does that off
        the event loop.
        """
        if reader is None:
            return self.qa_index, self.guidance_index
        hidden = self.hidden_from(reader)
        return self.qa_index.without(hidden[0]), self.guidance_index.without(hidden[1])

    def hidden_from(self, reader: Reader) -> tuple[frozenset[str], frozenset[str]]:
        """The ids of the Q&As and of the guidance sections `reader` may not see."""
        hidden = self._hidden.get(reader.key)
        if hidden is None:
            hidden = (
                frozenset(d.id for d in self.qa_index.documents if not reader.may_see(d)),
                frozenset(d.id for d in self.guidance_index.documents if not reader.may_see(d)),
            )
            if len(self._hidden) >= MAX_READERS:
                self._hidden.clear()
            self._hidden[reader.key] = hidden
        return hidden

    def question_weights(
        self, reader: Reader | None, day: date | None
    ) -> tuple[dict[str, int], int]:
        """The duplicate check's weights as `reader` sees the store on `day`: in how many
        of the Q&As they may see, and that are current, each term occurs, and how many
        Q&As that is. What a reader may not see does not exist for them, here too: a
        hidden Q&A's words would otherwise change (and so betray) how their questions
        are linked. Worked out from `question_df` minus the few left out, once per view
        and day."""
        key = (reader.key if reader is not None else None, day)
        cached = self._weights.get(key)
        if cached is not None:
            return cached
        left_out: set[str] = set()
        if reader is not None:
            left_out |= self.hidden_from(reader)[0]
        if day is not None:
            left_out |= {i for i in self.not_current(day) if "#" not in i}
        df = dict(self.question_df)
        for item_id in left_out:
            for term in set(self.qa_index.asked_terms(item_id)):
                df[term] -= 1
                if not df[term]:
                    del df[term]
        weights = (df, len(self.qas) - len(left_out & self.by_id.keys()))
        if len(self._weights) >= MAX_READERS:
            self._weights.clear()
        self._weights[key] = weights
        return weights

    def not_current(self, day: date) -> frozenset[str]:
        """Ids of the Q&As and guidance sections not current on `day` (never served as
        current); worked out once per day and store version."""
        stale = self._stale.get(day)
        if stale is None:
            documents = [*self.qa_index.documents, *self.guidance_index.documents]
            stale = frozenset(
                d.id
                for d in documents
                if (item := self.by_id.get(d.id.split("#", 1)[0])) is None or not item.current(day)
            )
            if len(self._stale) >= 8:
                self._stale.clear()
            self._stale[day] = stale
        return stale

    def ask(
        self,
        query: str,
        limit: int = 3,
        accept: Callable[[Document], bool] | None = None,
        reader: Reader | None = None,
        current_on: date | None = None,
    ) -> Result:
        """Q&As and guidance sections compete for a question.

        Each kind keeps its own index (the confidence threshold is calibrated on the
        Q&A index; one shared index would shift every term's weight). A confident
        Q&A wins: it answers a question, where a section explains a topic, and a
        long section covers more of any question's words by its length alone, so
        comparing coverage would let sections crowd out exact answers. Otherwise the
        larger coverage (a share, 0..1, comparable across indexes) decides. A
        section's id is `<document>#<n>`; a Q&A id never holds a `#`.

        `reader`: only what they may see takes part, in ranking and confidence alike.
        `current_on`: items not current that day score zero (they still count in the
        statistics: expired is not secret). `accept`: any further filter, scored zero.
        """
        qa_index, guidance_index = self.indexes_for(reader)
        refuse = self.not_current(current_on) if current_on is not None else frozenset()
        qa = qa_index.search(query, limit, accept=accept, refuse=refuse)
        guide = guidance_index.search(query, limit, accept=accept, refuse=refuse)
        guide_first = bool(guide.hits) and (
            not qa.hits or (not qa.confident and guide.coverage > qa.coverage)
        )
        first, second = (guide, qa) if guide_first else (qa, guide)
        if second.confident:
            hits = first.hits[:1] + second.hits[:1] + first.hits[1:] + second.hits[1:]
        else:
            hits = first.hits + second.hits
        return Result(query, first.confident, hits[:limit], first.coverage)


def _build(
    version: int,
    qas: list[QA],
    guidance: list[Guidance],
    changed: dict[str, date],
    previous: Store | None = None,
) -> Store:
    """The store at `version`; `previous` (the store of an earlier version) lends the
    terms of every item it holds unchanged, so a change of one item does not tokenise
    ten thousand again (`Index(reuse=...)`)."""
    sections = [
        Document(
            id=f"{doc.id}#{n}",
            title=section.heading,
            body=section.body,
            topic=doc.id,
            alternatives=(doc.title,),
            label=doc.tlp,
        )
        for doc in guidance
        for n, section in enumerate(doc.sections(), 1)
    ]
    by_id: dict[str, Content] = {item.id: item for item in qas}
    by_id.update({document.id: document for document in guidance})
    qa_index = Index(qas, version, previous.qa_index if previous else None)
    # The question terms are the index's own (question and phrasings): not tokenised twice.
    question_df: dict[str, int] = {}
    for item in qas:
        for term in set(qa_index.asked_terms(item.id)):
            question_df[term] = question_df.get(term, 0) + 1
    return Store(
        version,
        qas,
        guidance,
        qa_index,
        Index(sections, version, previous.guidance_index if previous else None),
        by_id,
        changed,
        question_df,
    )


async def load_store(session: AsyncSession, previous: Store | None = None) -> Store:
    version = await knowledge_items.store_version(session)
    rows = await knowledge_items.live_items(session)
    qas = [QA.model_validate(row.data, context=STORED) for row in rows if row.kind == "qa"]
    guidance = [
        Guidance.model_validate(row.data, context=STORED) for row in rows if row.kind == "guidance"
    ]
    changed = {row.id: row.updated_at.date() for row in rows}
    return await asyncio.to_thread(_build, version, qas, guidance, changed, previous)


class KnowledgeCache:
    """Keeps the store of one version in memory: another process may import at any time."""

    def __init__(self) -> None:
        self._store: Store | None = None
        self._lock = asyncio.Lock()

    async def store(self, session: AsyncSession) -> Store:
        version = await knowledge_items.store_version(session)
        if self._store is not None and self._store.version == version:
            return self._store
        async with self._lock:
            if self._store is None or self._store.version != version:
                self._store = await load_store(session, self._store)
            return self._store


class SearchService:
    """The command line's entry: one database, one cache."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._cache = KnowledgeCache()

    async def index(self) -> Index:
        async with self.db.session() as session:
            return (await self._cache.store(session)).qa_index

    async def search(self, query: str, limit: int = 3) -> Result:
        return (await self.index()).search(query, limit)


def same_phrasing(a: str, b: str) -> bool:
    """Two phrasings that differ only in case, spacing or punctuation are one phrasing."""

    def bare(text: str) -> str:
        return "".join(ch for ch in text.casefold() if ch.isalnum())

    return bare(a) == bare(b)


@dataclass(frozen=True)
class PhrasingAdded:
    """What `add_phrasing` did: `added` False means the Q&A already had that phrasing."""

    item_id: str
    added: bool
    version: int


async def add_phrasing(
    session: AsyncSession, item_id: str, phrasing: str, actor: str
) -> PhrasingAdded | None:
    """Add `phrasing` as an alternative question of Q&A `item_id`: a new version and an
    audit row (through `knowledge_items.upsert`, as every change). None: no such live Q&A.

    The one store function behind `!antwoord V12 qa=<id> --leer` and bench/qa_learning.py,
    so the bench measures what the chat path does. The caller cleans the phrasing and
    checks who may see what; this only refuses what is not a Q&A.
    """
    row = await knowledge_items.get(session, item_id)
    if row is None or row.kind != "qa" or row.retired_at is not None:
        return None
    item = QA.model_validate(row.data, context=STORED)
    known = [item.question, *item.alternatives]
    if any(same_phrasing(phrasing, other) for other in known):
        return PhrasingAdded(item.id, False, row.version)
    # `updated` stays: it tells the reader how current the answer is, and a new way of
    # asking does not change the answer (the version and the audit record the change).
    changed = item.model_copy(update={"alternatives": [*item.alternatives, phrasing]})
    # Validated again as a whole (a phrasing is a question: the same length limits).
    checked = QA.model_validate(changed.model_dump(mode="json"))
    await knowledge_items.upsert(session, [as_new_content(checked)], actor)
    stored = await knowledge_items.get(session, item_id)
    return PhrasingAdded(item.id, True, stored.version if stored else row.version + 1)


async def remove_phrasing(
    session: AsyncSession, item_id: str, phrasing: str, actor: str
) -> int | None:
    """Take `phrasing` out of Q&A `item_id`'s alternative questions (a learnt phrasing
    whose answer the curator took back): the new version, or None when the live Q&A
    does not have it (removed already, or retired)."""
    row = await knowledge_items.get(session, item_id)
    if row is None or row.kind != "qa" or row.retired_at is not None:
        return None
    item = QA.model_validate(row.data, context=STORED)
    kept = [other for other in item.alternatives if not same_phrasing(phrasing, other)]
    if len(kept) == len(item.alternatives):
        return None
    checked = QA.model_validate(
        item.model_copy(update={"alternatives": kept}).model_dump(mode="json")
    )
    await knowledge_items.upsert(session, [as_new_content(checked)], actor)
    stored = await knowledge_items.get(session, item_id)
    return stored.version if stored else row.version + 1
