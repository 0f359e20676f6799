"""The Q&A index of the store, kept on disk for the command line.

`knooppunt knowledge search` is a new process per call: building the index of
10,000 Q&As takes seconds, and even unpickling a saved one took some 180 ms
(a million small objects). So a saved index is one file: a small msgpack header
with the index's state, and its numpy arrays (the BM25 matrices, the per-item
term sets as id arrays) as raw bytes that load without a copy.

The file is named by a key of the store's content (its version and every live
Q&A's id and content hash) and of the ranking code (`index_key`): a changed store
or a new release gives another key, so a stale index is never used, and the older
file is removed when the new one is written. The key is also inside the file and
a checksum covers the rest: a file that does not match its name, is cut short or
damaged is not used but rebuilt.

Reading the key needs the store, not the database layer: on SQLite it is read
with the standard library (`sqlite_store_key`), so a search on an unchanged store
imports neither SQLAlchemy nor the bot's settings (bot/cli/knowledge.py).
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import mmap
import os
import re
import sqlite3
import struct
import tempfile
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgpack
import numpy as np

from knowledge import search
from knowledge.search import Index, _Packed

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from storage.engine import Database

log = logging.getLogger(__name__)


class DamagedIndex(Exception):
    """A saved index that must not be used; only logged (for the operator), then the
    index is built again, so no user ever reads this."""


# What an on-disk index depends on besides the store: the ranking code itself, the
# glossary it reads and this file's format.
_CODE = (
    Path(search.__file__),
    Path(search.__file__).with_name("text.py"),
    Path(search.__file__).with_name("glossary_en_nl.yaml"),
    Path(search.__file__).with_name("word_forms.py"),
    Path(__file__),
)
# The key of the store's version in the key-value table (storage/knowledge_items.py).
STORE_VERSION = "knowledge.store_version"
_MAGIC = b"KNPIDX02"
# Magic, CRC-32 of everything after the header, length of the metadata.
_HEADER = struct.Struct("<8sIQ")
_ALIGN = 16


def index_key(version: int, items: Sequence[tuple[str, str]]) -> str:
    """A key for the index of a store: its version, every live Q&A (id and content
    hash) and the ranking code. A recreated database can reach the same version
    number with other content, and a new release ranks differently: both give
    another key."""
    digest = hashlib.sha256(f"{version}|".encode())
    for path in _CODE:
        digest.update(path.read_bytes())
    digest.update("".join(f"|{item_id}={content_hash}" for item_id, content_hash in items).encode())
    return digest.hexdigest()[:32]


def index_path(cache_dir: Path, key: str) -> Path:
    return cache_dir / f"qa-{key}.index"


# --- the key of a store -----------------------------------------------------------

_SQLITE_URL = re.compile(r"^sqlite(?:\+aiosqlite|\+pysqlite)?:///([^?%]+)$")


def sqlite_path(database_url: str | None, data_dir: Path) -> Path | None:
    """The database file of a plain SQLite URL (None: the default one in `data_dir`);
    None for anything else (PostgreSQL, URL options), which goes the SQLAlchemy way."""
    if database_url is None:
        return data_dir / "knooppunt.db"  # as storage.engine.default_sqlite_url
    match = _SQLITE_URL.match(database_url)
    return Path(match.group(1)) if match else None


def sqlite_store_key(path: Path) -> str | None:
    """The index key of the store in the SQLite file `path`, read with the standard
    library; None when it cannot be read (no file yet, no tables yet: the full path
    migrates and builds)."""
    if not path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        conn.execute("PRAGMA busy_timeout=10000")
        # One read transaction: the version and the items of one moment.
        conn.execute("BEGIN")
        row = conn.execute("SELECT value FROM kv WHERE key = ?", (STORE_VERSION,)).fetchone()
        pairs = conn.execute(
            "SELECT id, content_hash FROM knowledge_items"
            " WHERE kind = 'qa' AND retired_at IS NULL ORDER BY id"
        ).fetchall()
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    return index_key(int(row[0] or 0) if row else 0, pairs)


async def store_key(db: Database) -> str:
    """The same key as `sqlite_store_key`, through the database layer (any database)."""
    async with db.session() as session:
        return await _session_key(session)


async def _session_key(session: AsyncSession) -> str:
    from sqlalchemy import select

    from storage import knowledge_items
    from storage.models import KnowledgeItem

    version = await knowledge_items.store_version(session)
    rows = await session.execute(
        select(KnowledgeItem.id, KnowledgeItem.content_hash)
        .where(KnowledgeItem.kind == "qa", KnowledgeItem.retired_at.is_(None))
        .order_by(KnowledgeItem.id)
    )
    return index_key(version, [(item_id, content_hash) for item_id, content_hash in rows])


async def cached_qa_index(db: Database, cache_dir: Path) -> Index:
    """The store's Q&A index: from `cache_dir` when the store has not changed since
    it was saved, else built (exactly as the bot builds it) and saved there."""
    import asyncio

    from knowledge.model import QA, STORED
    from storage import knowledge_items

    async with db.session() as session:
        key = await _session_key(session)
        path = index_path(cache_dir, key)
        index = await asyncio.to_thread(load_index, path, key)
        if index is not None:
            return index
        version = await knowledge_items.store_version(session)
        live = await knowledge_items.live_items(session, "qa")
        qas = [QA.model_validate(row.data, context=STORED) for row in live]
    index = await asyncio.to_thread(Index, qas, version)
    # Should a change land between reading the key and the items, this index is saved
    # under a key no search asks for again: every change bumps the store's version.
    try:
        await asyncio.to_thread(save_index, index, path, key)
    except OSError as error:  # a full disk or a read-only data directory: search anyway
        log.warning("index not saved in %s: %s", cache_dir, error)
    return index


# --- the file ---------------------------------------------------------------------

# msgpack extension codes of what the index holds beside plain values.
_ARRAY, _TUPLE, _SET, _FROZENSET, _BM25, _PACKED, _ROWS, _SHARED, _REF, _NUMBERED = range(1, 11)


class _SavedDocuments(_Packed):
    """The documents of a loaded index, read from the file's bytes one value at a time."""

    def __init__(self, columns: dict[str, list[np.ndarray]], alternatives: np.ndarray) -> None:
        super().__init__({}, [])
        self._columns = columns
        self._alternatives = alternatives
        self._alternative_starts: list[int] | None = None

    def _start(self, name: str) -> list[int]:
        if name != "#":
            return super()._start(name)
        if self._alternative_starts is None:
            self._alternative_starts = self._alternatives.tolist()
        return self._alternative_starts

    def _value(self, name: str, n: int) -> str:
        data, offsets = self._columns[name]
        return data[int(offsets[n]) : int(offsets[n + 1])].tobytes().decode()


class _Rows(Sequence[Any]):
    """Rows of terms (each item's term set, each topic's) as two id arrays into one
    term list: a million strings as Python objects took most of a load, and a search
    reads one row (the best hit's)."""

    def __init__(self, kind: int, words: list[str], starts: np.ndarray, ids: np.ndarray) -> None:
        self.kind, self.words, self.starts, self.ids = kind, words, starts, ids

    @classmethod
    def of(cls, rows: Sequence[Any]) -> _Rows:
        kind = _SET if isinstance(rows[0], set) else _TUPLE
        numbers: dict[str, int] = {}
        ids = [numbers.setdefault(word, len(numbers)) for row in rows for word in row]
        starts = np.cumsum([0, *(len(row) for row in rows)], dtype=np.int64)
        return cls(kind, list(numbers), starts, np.asarray(ids, dtype=np.int32))

    def __len__(self) -> int:
        return len(self.starts) - 1

    def _row(self, n: int) -> tuple[str, ...] | set[str]:
        words = self.words
        row = (words[i] for i in self.ids[self.starts[n] : self.starts[n + 1]].tolist())
        return set(row) if self.kind == _SET else tuple(row)

    def __getitem__(self, n: Any) -> Any:
        if isinstance(n, slice):
            return [self._row(i) for i in range(len(self))[n]]
        if n < 0:
            n += len(self)
        if not 0 <= n < len(self):
            raise IndexError(n)
        return self._row(n)

    def __iter__(self) -> Iterator[Any]:
        return (self._row(n) for n in range(len(self)))


def _term_rows(value: Any) -> bool:
    """A long list of term sets or tuples (stored as `_Rows`)."""
    return (
        len(value) >= 8
        and all(isinstance(row, tuple | set) for row in value)
        and len({type(row) for row in value}) == 1
        and all(isinstance(word, str) for row in value for word in row)
    )


class _Shared:
    """A dict that may be held in two places (an index's vocabulary is its BM25's):
    saved once and loaded as one object, as pickle did."""

    def __init__(self, value: dict[Any, Any]) -> None:
        self.value = value


def _marked(value: Any) -> Any:
    """`value`, with what the writer saves its own way marked (msgpack writes lists
    and dicts itself, without asking)."""
    if type(value) is dict:
        return _Shared(value)
    if type(value) is list and _term_rows(value):
        return _Rows.of(value)
    return value


class _Writer:
    """Encodes an index's state: plain values as msgpack, arrays aside."""

    def __init__(self) -> None:
        self.arrays: list[np.ndarray] = []
        self._shared: dict[int, int] = {}

    def pack(self, value: Any) -> bytes:
        packed: bytes = msgpack.packb(
            value, default=self._default, strict_types=True, use_bin_type=True
        )
        return packed

    def _array(self, array: np.ndarray) -> msgpack.ExtType:
        self.arrays.append(np.ascontiguousarray(array))
        return msgpack.ExtType(_ARRAY, self.pack(len(self.arrays) - 1))

    def _default(self, value: Any) -> Any:
        if isinstance(value, np.ndarray):
            if value.dtype.hasobject:
                raise TypeError("an object array cannot be saved")
            return self._array(value)
        if isinstance(value, _Rows):
            payload = [value.kind, value.words, self._array(value.starts), self._array(value.ids)]
            return msgpack.ExtType(_ROWS, self.pack(payload))
        if isinstance(value, _Shared):
            return self._shared_dict(value.value)
        for kind, code in ((tuple, _TUPLE), (set, _SET), (frozenset, _FROZENSET)):
            if type(value) is kind:
                return msgpack.ExtType(code, self.pack(list(value)))
        from bm25s import BM25

        if type(value) is BM25:
            state = {name: _marked(v) for name, v in vars(value).items()}
            state.pop("unique_token_ids_set", None)  # its vocabulary's ids: rebuilt on load
            return msgpack.ExtType(_BM25, self.pack(state))
        if type(value) is _Packed:
            return msgpack.ExtType(_PACKED, self.pack(self._packed(value)))
        raise TypeError(f"cannot save {type(value).__name__} in an index")

    def _packed(self, packed: _Packed) -> list[Any]:
        """The documents' columns as UTF-8 bytes with the offset of each value: a search
        decodes the three documents it names, not ten thousand."""
        columns: dict[str, list[msgpack.ExtType]] = {}
        for name, (text, lengths) in packed.columns.items():
            starts = [0, *itertools.accumulate(lengths)]
            values = [text[a:b].encode() for a, b in itertools.pairwise(starts)]
            offsets = np.cumsum([0, *map(len, values)], dtype=np.int64)
            data = np.frombuffer(b"".join(values), dtype=np.uint8)
            columns[name] = [self._array(data), self._array(offsets)]
        counts = np.cumsum([0, *packed.counts], dtype=np.int64)
        return [columns, self._array(counts)]

    def _shared_dict(self, value: dict[Any, Any]) -> msgpack.ExtType:
        known = self._shared.get(id(value))
        if known is not None:
            return msgpack.ExtType(_REF, self.pack(known))
        self._shared[id(value)] = len(self._shared)
        numbers = list(value.values())
        if all(type(n) is int for n in numbers) and numbers == list(range(len(numbers))):
            # A numbering (a vocabulary, the positions of the ids): its keys in order
            # load several times faster than a map of ten thousand keys.
            saved = msgpack.ExtType(_NUMBERED, self.pack(list(value)))
            return msgpack.ExtType(_SHARED, self.pack([len(self._shared) - 1, saved]))
        return msgpack.ExtType(_SHARED, self.pack([len(self._shared) - 1, value]))


class _Reader:
    def __init__(self, arrays: list[np.ndarray]) -> None:
        self.arrays = arrays
        self._shared: dict[int, dict[Any, Any]] = {}

    def unpack(self, data: bytes) -> Any:
        return msgpack.unpackb(data, ext_hook=self._hook, raw=False, strict_map_key=False)

    def _hook(self, code: int, data: bytes) -> Any:
        value = self.unpack(data)
        if code == _ARRAY:
            return self.arrays[value]
        if code == _TUPLE:
            return tuple(value)
        if code == _SET:
            return set(value)
        if code == _FROZENSET:
            return frozenset(value)
        if code == _SHARED:
            self._shared[value[0]] = value[1]
            return value[1]
        if code == _NUMBERED:
            return dict(zip(value, range(len(value)), strict=True))
        if code == _REF:
            return self._shared[value]
        if code == _ROWS:
            return _Rows(*value)
        if code == _PACKED:
            return _SavedDocuments(*value)
        if code == _BM25:
            search._import_bm25s()
            from bm25s import BM25

            model = BM25.__new__(BM25)
            vars(model).update(value)
            model.unique_token_ids_set = set(model.vocab_dict.values())
            return model
        raise DamagedIndex(f"unknown extension {code}")


def save_index(index: Index, path: Path, key: str) -> None:
    """Write atomically (a reader never sees half a file) and drop older saved indexes
    (and those of the pickle format before)."""
    index._without.clear()
    writer = _Writer()
    state = writer.pack({name: _marked(v) for name, v in index.__getstate__().items()})
    table: list[tuple[str, list[int], int]] = []
    offset = 0
    for array in writer.arrays:
        offset += -offset % _ALIGN
        table.append((array.dtype.str, list(array.shape), offset))
        offset += array.nbytes
    meta = msgpack.packb({"key": key, "arrays": table, "state": state}, use_bin_type=True)
    start = _HEADER.size + len(meta)
    start += -start % _ALIGN
    body = bytearray(meta)
    body += bytes(start - _HEADER.size - len(meta))
    for array, (_, _, at) in zip(writer.arrays, table, strict=True):
        body += bytes(start + at - _HEADER.size - len(body))
        body += array.tobytes()
    header = _HEADER.pack(_MAGIC, zlib.crc32(body), len(meta))
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("wb", dir=path.parent, delete=False, suffix=".tmp") as out:
        out.write(header)
        out.write(body)
    os.replace(out.name, path)
    for old in [*path.parent.glob("qa-*.index"), *path.parent.glob("qa-*.pickle")]:
        if old != path:
            old.unlink(missing_ok=True)


def load_index(path: Path, key: str) -> Index | None:
    """The index saved at `path` for `key`; None when there is none, or when it is for
    another key, cut short or damaged (the caller builds it again)."""
    try:
        with path.open("rb") as file:
            # Mapped, not read: the arrays are views of the file's pages, and a new
            # process does not first copy ten megabytes into fresh memory.
            data = memoryview(mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ))
    except (OSError, ValueError):
        return None  # none, or empty
    try:
        magic, checksum, meta_size = _HEADER.unpack_from(data)
        if magic != _MAGIC or zlib.crc32(data[_HEADER.size :]) != checksum:
            raise DamagedIndex("not an index file, or damaged")
        meta = msgpack.unpackb(data[_HEADER.size : _HEADER.size + meta_size], raw=False)
        if meta["key"] != key:
            raise DamagedIndex("the index of another store")
        start = _HEADER.size + meta_size
        start += -start % _ALIGN
        arrays = []
        for dtype, shape, at in meta["arrays"]:
            kind = np.dtype(dtype)
            count = int(np.prod(shape, dtype=np.int64))
            array = np.frombuffer(data, kind, count, start + at)
            arrays.append(array.reshape(shape))
        index = Index.__new__(Index)
        index.__setstate__(_Reader(arrays).unpack(meta["state"]))
    except Exception as error:
        log.warning("saved index %s not used (%s): building it again", path.name, error)
        return None
    return index
