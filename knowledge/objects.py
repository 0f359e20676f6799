"""Object information partners hold about sites: the model, partner files, and matching.

An object (a hospital, a care home, a pumping station) is curated content like a Q&A:
a partner keeps it in its own files (CSV, YAML or GeoJSON points), `knooppunt objects
import` loads them, `export` writes them back and `check` validates without loading.
A file is all or nothing, and every problem is reported with its place.

Matching (`ObjectMatcher`) finds known objects named in a report's `locatie:` or text:
accent-folded, typo-tolerant per word (rapidfuzz's Levenshtein with a small bound that
grows with the word's length), and every significant word of a name or alias must be
present, close together. So 'Spaarndam' never links 'Spaarne Gasthuis': one word of
two is missing, and 'spaarndam' is three edits from 'spaarne' anyway.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from rapidfuzz.distance import Levenshtein

from knowledge.content_io import Loaded, files_under, read_bounded, validate_into
from knowledge.model import ContentRule, _check_id, _check_tlp, mapping, safe_url
from knowledge.problems import FileProblem, at
from storage import tlp
from storage.vocabulary import fold

SUFFIXES = (".csv", ".yaml", ".yml", ".geojson", ".json")
MAX_FILE_BYTES = 20_000_000

# Kinds of object; a partner may use another slug, these have names in both languages
# and the words a question or `soort=` may use for them.
KINDS: dict[str, tuple[str, ...]] = {
    "ziekenhuis": ("ziekenhuis", "ziekenhuizen", "hospital", "hospitals"),
    "verpleeghuis": (
        "verpleeghuis", "verpleeghuizen", "zorginstelling", "care-home", "care home",
        "care homes", "nursing home", "nursing homes",
    ),
    "school": ("school", "scholen", "schools"),
    "sporthal": ("sporthal", "sporthallen", "sports hall", "sports halls", "sports-hall"),
    "bedrijf-brzo": ("bedrijf-brzo", "brzo", "brzo-bedrijf", "brzo-bedrijven", "chemical plant"),
    "gemaal": ("gemaal", "gemalen", "pumping station", "pumping stations"),
    "opvanglocatie": ("opvanglocatie", "opvanglocaties", "shelter", "shelters"),
    "kinderopvang": ("kinderopvang", "daycare", "childcare"),
    "gevangenis": ("gevangenis", "penitentiaire inrichting", "prison"),
}  # fmt: skip
KIND_EN = {
    "ziekenhuis": "hospital",
    "verpleeghuis": "care home",
    "school": "school",
    "sporthal": "sports hall",
    "bedrijf-brzo": "BRZO plant",
    "gemaal": "pumping station",
    "opvanglocatie": "shelter",
    "kinderopvang": "childcare",
    "gevangenis": "prison",
}
_KIND_WORDS = {fold(word): kind for kind, words in KINDS.items() for word in words}

# Words too common in names to identify an object by themselves; a name still needs
# them to be present, but they never make a candidate alone.
_STOP = frozenset(
    {"de", "het", "een", "van", "der", "den", "en", "t", "aan", "op", "in", "bij", "voor"}
    | {"of", "the", "and"}
)
_TOKEN = re.compile(r"[a-z0-9]+")
_NUMBER = re.compile(r"^\s*([+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?|[+-]?\d+(?:[.,]\d+)?)\s*(.*)$")
# A fact value that says the object does not have it: `noodstroom: nee`, and as its first
# word: `geen aggregaat, alleen accu`, `niet aanwezig`, `nee (gepland 2027)`.
_NEGATIVE = frozenset(
    {"nee", "no", "geen", "none", "false", "onwaar", "0", "-", "n", "niet", "not", "zonder"}
    | {"without", "ontbreekt", "afwezig", "absent", "missing"}
)
# A fact value that says nobody knows: neither has nor lacks (`noodstroom: onbekend`),
# anywhere in it and before its first word is read (`nog niet bekend`, `n.b. (navragen)`,
# `? (navragen)`): read by the first word, 'nog' counted as having it, 'niet' as not.
# Phrases are compared as whole words; 'n.b.' (niet bekend) only first: later in a value
# it is the nota bene of a remark ('aanwezig, n.b. alleen de keuken').
_UNKNOWN_WORDS = frozenset(
    {"onbekend", "unknown", "onduidelijk", "unclear", "navragen", "nagaan", "uitzoeken"}
    | {"uitgezocht", "onzeker", "tbd", "tbc"}
)
_UNKNOWN_PHRASES = (
    "niet bekend", "not known", "weet niet", "weet ik niet", "geen idee",
    "te bevestigen", "to be confirmed", "nog na te gaan", "no idea", "don t know",
)  # fmt: skip
_VALUE_WORD = re.compile(r"[^\W_]+")


def _says_unknown(words: list[str]) -> bool:
    """Whether a fact's words say nobody knows (`_UNKNOWN_WORDS`, `_UNKNOWN_PHRASES`)."""
    if _UNKNOWN_WORDS.intersection(words) or words[:2] == ["n", "b"] or words[:1] == ["nb"]:
        return True
    spaced = f" {' '.join(words)} "
    return any(f" {phrase} " in spaced for phrase in _UNKNOWN_PHRASES)


def kind_of(word: str) -> str | None:
    """`verpleeghuizen`, `Care home`, `sporthal` -> the canonical kind, else None."""
    return _KIND_WORDS.get(" ".join(fold(word).split()))


def kind_name(kind: str, lang: str) -> str:
    return kind if lang == "nl" else KIND_EN.get(kind, kind)


def fact_key(key: str) -> str:
    """Fact names compare folded, with spaces as dashes: `Nood stroom` ~ `nood-stroom`."""
    return "-".join(_TOKEN.findall(fold(key)))


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(fold(text))


class Fact(BaseModel):
    """One fact about an object: the value as written, with a number and unit if it has one."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(max_length=300)
    value: float | None = None
    unit: str | None = None

    @classmethod
    def read(cls, raw: Any) -> Fact:
        if isinstance(raw, Fact):
            return raw
        if isinstance(raw, dict):
            if "text" in raw:
                return cls.model_validate(raw)
            value, unit = raw.get("value"), raw.get("unit")
            text = f"{value}{' ' + str(unit) if unit else ''}"
            return cls.read(text)
        if isinstance(raw, bool):
            return cls(text="ja" if raw else "nee")
        if isinstance(raw, int | float):
            return cls(text=str(raw), value=float(raw))
        text = " ".join(str(raw).split())
        match = _NUMBER.match(text)
        if not match:
            return cls(text=text)
        number, unit = match.groups()
        if "," in number:
            canonical = number.replace(".", "").replace(",", ".")
        elif re.fullmatch(r"[+-]?\d{1,3}(?:\.\d{3})+", number):
            canonical = number.replace(".", "")  # Dutch thousands: 1.200
        else:
            canonical = number
        return cls(text=text, value=float(canonical), unit=unit or None)

    @property
    def present(self) -> bool | None:
        """Whether the fact says the object has the thing: False for `nee`, `0`, `geen
        aggregaat`, `niet aanwezig`; None when it says nobody knows (`onbekend`, `?`,
        `nog niet bekend`, `n.b. (navragen)`, an empty value), wherever it says so. A list filtered by a fact must not count an unknown either way: a
        care home whose emergency power is unknown is neither one that has it nor one
        known to lack it."""
        if self.value is not None:
            return self.value > 0
        text = " ".join(fold(self.text).split())
        words = _VALUE_WORD.findall(text)
        if not text or "?" in text or _says_unknown(words):
            return None
        return not (text in _NEGATIVE or (words and words[0] in _NEGATIVE))


class SiteObject(BaseModel):
    """One object as a partner describes it."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str
    name: str = Field(min_length=2, max_length=200)
    aliases: list[str] = Field(default_factory=list)
    kind: str = Field(min_length=2, max_length=40)
    address: str | None = Field(default=None, max_length=300)
    municipality: str = Field(min_length=2, max_length=100)
    region: str | None = None
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    facts: dict[str, Fact] = Field(default_factory=dict)
    owner: str = Field(min_length=2, max_length=200)
    updated: date
    valid_until: date | None = None
    # How often the owner promised to refresh these facts, in days: older is stale.
    refresh_days: int | None = Field(default=None, ge=1, le=3650)
    tlp: str = "GREEN"
    source: str | None = Field(default=None, max_length=300)

    _id = field_validator("id")(classmethod(lambda cls, v: _check_id(v)))
    _tlp = field_validator("tlp", mode="before")(
        classmethod(lambda cls, v: _check_tlp(str(v or "GREEN")))
    )

    @field_validator("aliases", mode="before")
    @classmethod
    def _aliases(cls, value: Any) -> Any:
        if value is None or value == "":
            return []
        if isinstance(value, str):
            return [part.strip() for part in value.split("|") if part.strip()]
        return value

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        known = kind_of(value)
        if known:
            return known
        slug = "-".join(tokens(value))
        if not slug:
            raise ContentRule("knowledge.rule_object_kind")
        return slug

    @field_validator("facts", mode="before")
    @classmethod
    def _facts(cls, value: Any) -> Any:
        facts: dict[str, Fact] = {}
        for key, raw in mapping(value, "knowledge.rule_facts_mapping").items():
            name = fact_key(str(key))
            if not name:
                raise ContentRule("knowledge.rule_fact_name", name=key)
            if raw is None or raw == "":
                continue
            facts[name] = Fact.read(raw)
        return facts

    @field_validator("source", mode="before")
    @classmethod
    def _source(cls, value: Any) -> Any:
        # A source is shown as text; an address that is not http(s) is not kept as one.
        if isinstance(value, str) and "://" in value and safe_url(value) is None:
            raise ContentRule("knowledge.rule_object_source")
        return value or None

    @field_validator("address", "region", "valid_until", "refresh_days", "lat", "lon",
                     "source", mode="before")  # fmt: skip
    @classmethod
    def _empty(cls, value: Any) -> Any:
        return None if value == "" else value

    def content_hash(self) -> str:
        data = self.model_dump(mode="json")
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()

    def stale(self, today: date) -> str | None:
        """Why the facts may no longer hold: 'expired' (past valid-until), 'old' (older
        than the owner's promised refresh), or None while current."""
        if self.valid_until is not None and self.valid_until < today:
            return "expired"
        if self.refresh_days is not None and self.updated + timedelta(self.refresh_days) < today:
            return "old"
        return None

    def names(self) -> list[str]:
        return [self.name, *self.aliases]


# ---------------------------------------------------------------- partner files


@dataclass
class FileResult(Loaded[SiteObject]):
    """One object file read. `max_tlp`: the ceiling it was exported under (`knooppunt
    objects export --max-tlp`): it never held its owners' objects above that label, so
    an import keeps those instead of deleting them."""

    max_tlp: str | None = None


# Columns a CSV file may have (Dutch or English); `feit:<name>` / `fact:<name>` columns
# (or any column listed nowhere here) are facts.
_COLUMNS: dict[str, str] = {
    "id": "id",
    "naam": "name", "name": "name",
    "aliassen": "aliases", "aliases": "aliases", "alias": "aliases",
    "soort": "kind", "kind": "kind",
    "adres": "address", "address": "address",
    "gemeente": "municipality", "municipality": "municipality",
    "regio": "region", "region": "region",
    "lat": "lat", "latitude": "lat", "breedtegraad": "lat",
    "lon": "lon", "lng": "lon", "longitude": "lon", "lengtegraad": "lon",
    "eigenaar": "owner", "owner": "owner", "organisatie": "owner",
    "bijgewerkt": "updated", "updated": "updated",
    "geldig_tot": "valid_until", "geldig tot": "valid_until", "valid_until": "valid_until",
    "verversing_dagen": "refresh_days", "refresh_days": "refresh_days",
    "tlp": "tlp",
    "bron": "source", "source": "source",
}  # fmt: skip
_FACT_PREFIXES = ("feit:", "fact:", "feit.", "fact.")
# File-level defaults a YAML or GeoJSON file may give once for all its objects.
_DEFAULTS = ("owner", "updated", "valid_until", "refresh_days", "tlp", "source")


def _normalise(raw: dict[str, Any]) -> dict[str, Any]:
    """Dutch or English field names -> the model's; a `feiten:` mapping is `facts`."""
    out: dict[str, Any] = {}
    for key, value in raw.items():
        name = str(key).strip()
        if name.lower() in ("feiten", "facts"):
            out["facts"] = value
            continue
        out[_COLUMNS.get(name.lower(), name)] = value
    return out


def _validate(raw: Any, where: FileProblem, result: FileResult, seen: set[str]) -> None:
    validate_into(
        result, raw, where, seen, lambda fields: SiteObject.model_validate(_normalise(fields))
    )


def _read_csv(text: str, result: FileResult, seen: set[str]) -> None:
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    if not reader.fieldnames or "id" not in [f.strip().lower() for f in reader.fieldnames]:
        result.problems.append(FileProblem.of("content.csv_header"))
        return
    for number, row in enumerate(reader, 2):
        raw: dict[str, Any] = {}
        facts: dict[str, Any] = {}
        for column, value in row.items():
            if column is None:
                result.problems.append(
                    FileProblem.of("content.csv_extra_values", where=at("line", number))
                )
                break
            name = column.strip()
            lowered = name.lower()
            if lowered.startswith(_FACT_PREFIXES):
                facts[name[5:]] = value
            elif lowered in _COLUMNS:
                raw[name] = value
            else:
                facts[name] = value
        raw["facts"] = facts
        _validate(raw, at("line", number), result, seen)


def _with_defaults(items: Iterable[Any], defaults: dict[str, Any]) -> Iterator[Any]:
    for item in items:
        yield {**defaults, **item} if isinstance(item, dict) else item


def _read_geojson(loaded: Any, result: FileResult, seen: set[str]) -> None:
    features = loaded.get("features")
    if not isinstance(features, list):
        result.problems.append(FileProblem.of("content.geojson_features"))
        return
    defaults = {k: loaded[k] for k in _DEFAULTS if k in loaded}
    for number, feature in enumerate(features, 1):
        if not isinstance(feature, dict) or not isinstance(feature.get("properties"), dict):
            result.problems.append(
                FileProblem.of("content.feature_no_properties", where=at("feature", number))
            )
            continue
        raw = {**defaults, **feature["properties"]}
        geometry = feature.get("geometry")
        if geometry is not None:
            coords = geometry.get("coordinates") if isinstance(geometry, dict) else None
            if (
                not isinstance(geometry, dict)
                or geometry.get("type") != "Point"
                or not isinstance(coords, list)
                or len(coords) < 2
            ):
                result.problems.append(
                    FileProblem.of("content.feature_not_point", where=at("feature", number))
                )
                continue
            raw["lon"], raw["lat"] = coords[0], coords[1]
        _validate(raw, at("feature", number), result, seen)


def _read_ceiling(loaded: dict[str, Any], result: FileResult) -> None:
    raw = loaded.get("max_tlp", loaded.get("max-tlp"))
    if raw is None:
        return
    result.max_tlp = tlp.parse_label(str(raw))
    if result.max_tlp is None:
        result.problems.append(FileProblem.of("content.bad_max_tlp", value=str(raw)))


def read_text(text: str, suffix: str, result: FileResult) -> FileResult:
    import yaml  # here: the bot's start loads this module but reads no file

    seen: set[str] = set()
    if suffix == ".csv":
        _read_csv(text, result, seen)
        return result
    try:
        loaded = (
            json.loads(text)
            if suffix in (".json", ".geojson")
            # libyaml's loader where PyYAML has it: ten times faster on a partner's 3,000 objects.
            else yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        )
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        result.problems.append(
            FileProblem.of(
                "content.not_valid",
                format=suffix.lstrip(".").upper(),
                error=" ".join(str(exc).split()),
            )
        )
        return result
    if isinstance(loaded, dict) and loaded.get("type") == "FeatureCollection":
        _read_geojson(loaded, result, seen)
        return result
    defaults: dict[str, Any] = {}
    items: Any = loaded
    if isinstance(loaded, dict):
        _read_ceiling(loaded, result)
        normalised = _normalise(
            {k: v for k, v in loaded.items() if k not in ("objects", "objecten")}
        )
        defaults = {k: normalised[k] for k in _DEFAULTS if k in normalised}
        items = loaded.get("objects", loaded.get("objecten"))
    if not isinstance(items, list):
        result.problems.append(FileProblem.of("content.expected_objects"))
        return result
    for number, raw in enumerate(_with_defaults(items, defaults), 1):
        _validate(raw, at("object", number), result, seen)
    return result


def read_file(path: Path) -> FileResult:
    result = FileResult(path)
    # utf-8-sig: spreadsheet programs start a CSV export with a byte-order mark.
    text = read_bounded(result, MAX_FILE_BYTES, encoding="utf-8-sig")
    if text is None:
        return result
    return read_text(text, path.suffix.lower(), result)


def object_files(path: Path) -> Iterator[Path]:
    return files_under(path, SUFFIXES, any_case=True)


def write_yaml(items: list[SiteObject], target: Path, max_tlp: str | None = None) -> None:
    """One partner's objects back as YAML, in the form `read_file` reads; `max_tlp`, the
    ceiling they were chosen under, is written first (an import then keeps the rest)."""
    import yaml

    rows = []
    for item in items:
        data = item.model_dump(mode="json", exclude_none=True, exclude_defaults=False)
        data["facts"] = {k: f["text"] for k, f in data.get("facts", {}).items()}
        rows.append(data)
    document: dict[str, Any] = {} if max_tlp is None else {"max_tlp": max_tlp}
    document["objects"] = rows
    target.write_text(
        yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )


# ---------------------------------------------------------------- matching


def _allowed_edits(word: str) -> int:
    """Typos tolerated in one word: none in short words, one from 5 letters, two from 9."""
    if len(word) >= 9:
        return 2
    return 1 if len(word) >= 5 else 0


def _deletes(word: str) -> set[str]:
    """The word and every form with one letter left out (SymSpell's candidate trick)."""
    if len(word) < 5:
        return {word}
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


@dataclass(frozen=True)
class _Name:
    object_id: str
    words: tuple[str, ...]  # significant words, in order
    length: int  # every word, stop words included: how long a mention of it is


@dataclass(frozen=True)
class Match:
    object_id: str
    name: str  # the name or alias that matched, as written
    start: int
    end: int


class ObjectMatcher:
    """Finds known objects named in free text.

    Built once per store version. Candidate words come from a dictionary of
    one-deletion forms, so a report costs a few hundred dictionary look-ups and a
    Levenshtein check per candidate word, whatever the number of objects.
    """

    def __init__(self, objects: Iterable[tuple[str, Iterable[str]]]) -> None:
        self._names: list[_Name] = []
        self._written: list[str] = []
        # Each name is filed under its rarest word only: every word must be present anyway,
        # and 'ziekenhuis' (in a thousand names) then never makes a thousand candidates.
        self._by_word: dict[str, list[int]] = defaultdict(list)
        # Every word of every name, for a look-up by part of a name (`containing`).
        self._by_any_word: dict[str, set[int]] = defaultdict(set)
        self._deletes: dict[str, set[str]] = defaultdict(set)
        frequency: dict[str, int] = defaultdict(int)
        for object_id, names in objects:
            for written in names:
                every = tokens(written)
                words = tuple(w for w in every if w not in _STOP)
                # A one-word name of under four letters ('AZ') would match everywhere.
                if not words or (len(words) == 1 and len(words[0]) < 4):
                    continue
                self._names.append(_Name(object_id, words, len(every)))
                self._written.append(written)
                for word in set(words):
                    frequency[word] += 1
                    self._by_any_word[word].add(len(self._names) - 1)
        for index, name in enumerate(self._names):
            rarest = min(name.words, key=lambda w: (frequency[w], -len(w)))
            self._by_word[rarest].append(index)
        for word in frequency:
            for form in _deletes(word):
                self._deletes[form].add(word)

    def __len__(self) -> int:
        return len(self._names)

    def _close_words(self, word: str) -> set[str]:
        found: set[str] = set()
        for form in _deletes(word):
            for known in self._deletes.get(form, ()):
                limit = min(_allowed_edits(known), _allowed_edits(word))
                if known == word or (
                    limit and Levenshtein.distance(known, word, score_cutoff=limit) <= limit
                ):
                    found.add(known)
        return found

    def find(self, text: str, limit: int = 5) -> list[Match]:
        positions: dict[str, list[int]] = defaultdict(list)
        # Positions count every word, so a window is measured as the text reads.
        for position, word in enumerate(tokens(text)):
            if word in _STOP:
                continue
            for known in self._close_words(word):
                positions[known].append(position)
        candidates = {i for known in positions for i in self._by_word.get(known, ())}
        found: list[Match] = []
        for index in candidates:
            name = self._names[index]
            if any(word not in positions for word in name.words):
                continue
            span = self._span(name, positions)
            if span is not None:
                found.append(Match(name.object_id, self._written[index], *span))
        # Longest names first; a match inside a longer one's words is the same mention.
        found.sort(key=lambda m: (-(m.end - m.start), m.start, m.object_id))
        kept: list[Match] = []
        seen: set[str] = set()
        for match in found:
            if match.object_id in seen:
                continue
            if any(k.start <= match.start and match.end <= k.end and
                   (k.end - k.start) > (match.end - match.start) for k in kept):  # fmt: skip
                continue
            seen.add(match.object_id)
            kept.append(match)
        return kept[:limit]

    def containing(self, text: str, limit: int = 5) -> list[Match]:
        """Objects whose name holds every word typed (typos as in `find`), for a look-up
        that names part of it ('Kinderdijkhof' for 'Woonzorgcentrum Kinderdijkhof').
        Not for reports: there a word of a name in passing is no mention of the object.
        A word of at least four letters is needed ('De' alone names nothing)."""
        typed = [w for w in tokens(text) if w not in _STOP]
        if not typed or max(len(w) for w in typed) < 4:
            return []
        found: set[int] | None = None
        for word in typed:
            holding = {
                i for known in self._close_words(word) for i in self._by_any_word.get(known, ())
            }
            found = holding if found is None else found & holding
            if not found:
                return []
        assert found is not None
        matches: dict[str, Match] = {}
        for index in sorted(found, key=lambda i: (len(self._names[i].words), self._written[i])):
            name = self._names[index]
            matches.setdefault(
                name.object_id, Match(name.object_id, self._written[index], 0, len(typed))
            )
        return sorted(matches.values(), key=lambda m: m.object_id)[:limit]

    @staticmethod
    def _span(name: _Name, positions: dict[str, list[int]]) -> tuple[int, int] | None:
        """The tightest window holding every word of a name; None when it is more than
        one word longer than the name (the words belong to other phrases)."""
        words = name.words
        best: tuple[int, int] | None = None
        for start in positions[words[0]]:
            low, high = start, start
            for word in words[1:]:
                nearest = min(positions[word], key=lambda p: abs(p - start))
                low, high = min(low, nearest), max(high, nearest)
            if high - low < name.length + 1 and (best is None or high - low < best[1] - best[0]):
                best = (low, high + 1)
        return best
