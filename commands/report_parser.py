"""Reading a liaison's report: category, a leading block of `key: value` fields, free text.

The parser never raises on user text: it returns either a complete
`ReportDraft` or the list of problems, each with a suggestion where a word
is close to a known one. A report with any problem is not stored.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from rapidfuzz import fuzz, process

from commands.dutch_numbers import (
    PER_WORDS,
    ambiguous_comma,
    format_number,
    parse_figure,
    parse_range,
    range_left,
)
from commands.dutch_time import TimeError, parse_time
from commands.grammar import straight_quotes
from commands.i18n import Language, t
from commands.number_words import count_in_words
from storage import bounds, tlp
from storage.metric_kinds import adds_up
from storage.regions import SPOKEN_NAMES, RegionTable, named_municipalities
from storage.vocabulary import (
    CATEGORIES,
    INVISIBLE,
    SEVERITIES,
    STATUSES,
    Category,
    Severity,
    Status,
    all_words,
    fold,
    lookup,
)

MAX_REPORT_CHARS = 8000
MAX_FIELD_CHARS = 300
_ENTRY_CODE = re.compile(r"^\s*(?:m\s*-?\s*)?(\d{1,9})\s*$", re.IGNORECASE)

# Field name -> the words a liaison may use for it (Dutch first).
FIELD_KEYS: dict[str, tuple[str, ...]] = {
    "municipality": ("gemeente", "municipality"),
    "region": ("regio", "region", "veiligheidsregio", "safety region"),
    "location": ("locatie", "location", "adres", "address", "plek"),
    # "Plaats: Dordrecht", as the bot's own confirmation writes it: the municipality
    # when it names one, else the location.
    "place": ("plaats", "place"),
    "time": ("tijd", "time", "tijdstip", "waargenomen", "observed"),
    "severity": ("ernst", "severity"),
    "status": ("status",),
    "tlp": ("tlp",),
    "source": ("bron", "source"),
    "sector": ("sector",),
    "incident": ("incident",),
    # The situation item this report follows up (`betreft: M-7`): see storage/items.py.
    "follows": ("betreft", "regarding"),
    # The report this one is a consequence of (`oorzaak: M-7`): a domino effect.
    "cause": ("oorzaak", "cause", "gevolg van"),
}

# Figures a liaison may name in several ways -> one metric.
METRIC_ALIASES: dict[str, str] = {
    "opvangplekken beschikbaar": "opvangplekken_beschikbaar",
    "vrije opvangplekken": "opvangplekken_beschikbaar",
    "opvangplaatsen beschikbaar": "opvangplekken_beschikbaar",
    "free shelter places": "opvangplekken_beschikbaar",
    "shelter places available": "opvangplekken_beschikbaar",
    "opvangplekken bezet": "opvangplekken_bezet",
    "occupied shelter places": "opvangplekken_bezet",
    "bedden beschikbaar": "bedden_beschikbaar",
    "beds available": "bedden_beschikbaar",
    "geevacueerden": "geevacueerden",
    "evacuees": "geevacueerden",
    "gewonden": "gewonden",
    "injured": "gewonden",
    "doden": "doden",
    "deaths": "doden",
    "huishoudens zonder stroom": "huishoudens_zonder_stroom",
    "households without power": "huishoudens_zonder_stroom",
    "aansluitingen zonder stroom": "aansluitingen_zonder_stroom",
    "connections without power": "aansluitingen_zonder_stroom",
    # Other ways liaisons name the same figures.
    "beschikbare opvangplekken": "opvangplekken_beschikbaar",
    "beschikbare opvangplaatsen": "opvangplekken_beschikbaar",
    "vrije opvangplaatsen": "opvangplekken_beschikbaar",
    "available shelter places": "opvangplekken_beschikbaar",
    "bezette opvangplekken": "opvangplekken_bezet",
    "opvangplekken in gebruik": "opvangplekken_bezet",
    "beschikbare bedden": "bedden_beschikbaar",
    "vrije bedden": "bedden_beschikbaar",
    "free beds": "bedden_beschikbaar",
    "available beds": "bedden_beschikbaar",
    "aantal geevacueerden": "geevacueerden",
    "geevacueerd": "geevacueerden",
    "evacuated": "geevacueerden",
    "aantal gewonden": "gewonden",
    "aantal doden": "doden",
    "gewond": "gewonden",
    # One of them: "1 dode" was no figure while "2 doden" was. In free text only before
    # an end or a small word (`_SINGULAR_ALIASES`): "100 dode vissen" are no deaths.
    "dode": "doden",
    "gewonde": "gewonden",
    "geevacueerde": "geevacueerden",
    "huishoudens zonder elektriciteit": "huishoudens_zonder_stroom",
    "woningen zonder stroom": "huishoudens_zonder_stroom",
    "homes without power": "huishoudens_zonder_stroom",
    "households without electricity": "huishoudens_zonder_stroom",
    "klanten zonder stroom": "aansluitingen_zonder_stroom",
    "customers without power": "aansluitingen_zonder_stroom",
}

# A value ends at its last non-blank (`.*\S`, greedy): a lazy `(.*?)\s*$` tried the
# trailing `\s*$` at every step through a run of blanks inside the value, quadratic in
# the run (250-300 ms for one line of 7,000 blanks, within the 8,000-character limit).
# The possessive `\s++` gives no blank back to the value, so nothing is tried twice.
_FIELD_LINE = re.compile(r"^\s*([^\W\d_][\w \-/()+.]{0,48}?)\s*:(?:\s++((?:.*\S)?)|)\s*$")
# `gemeente:Dordrecht`: no space after the colon, accepted for known keys only (so that
# "Om 14:30 ging de stroom uit" or a link stays text).
_TIGHT_FIELD_LINE = re.compile(r"^\s*([^\W\d_][\w \-/()+.]{0,48}?)\s*:(\S(?:.*\S)?)\s*$")
# `ernst=extreem`, `tlp = rood`: the way the bot's own commands take options, accepted
# for known keys only (so "peil=3m" in a sentence stays text).
_EQUALS_FIELD_LINE = re.compile(r"^\s*([^\W\d_][\w \-/()+.]{0,48}?)\s*=\s*+(\S(?:.*\S)?)\s*$")
# A field line as people format it in a Matrix client: a list marker before it
# ("- tlp: rood", "• ernst: extreem", "1. gemeente: Dordrecht") and Markdown emphasis
# around its key or its whole value ("**Ernst:** extreem", "*tlp*: rood", "ernst:
# **extreem**"; a lone "*" in a value, as in "120*", stays). Read as text, such a block
# lost the report's severity (no alert) and its label (stored under the room's lower
# default). A quoted line (`> tlp: clear`) is someone else's and stays text.
_LIST_MARK = re.compile(r"(?:[-*+#\u2022\u00b7\u25aa\u2023]{1,6}|\d{1,2}[.)]|\[[ xX]?\])(?=\s)")
# Symbols a phone or a template puts before a line, alone or before a list marker: an
# emoji or a sign (`⚠️ Ernst: extreem`, `🔴 ernst: extreem`, `✅ status: opgelost`), an
# arrow (`→ `, `▶ `), a dash a word processor made of "-" (`– `, `— `). Read as text, the
# severity was lost as it was behind a list marker. A quote (`> tlp: clear`) stays text.
_SYMBOL_CATEGORIES = frozenset({"So", "Sm", "Sk", "Pd"})
_EMOJI_PARTS = frozenset("\ufe0e\ufe0f\u20e3")  # variation selectors, keycap
# A whole line wrapped in Markdown emphasis or a code span: `**Ernst: extreem**`,
# `` `ernst: extreem` ``.
_WRAPPED = re.compile(r"\s*(\*\*|__|\*|_|`)(\S(?:.*\S)?)\1\s*")
# A line that only says the mode: "OEFENING OEFENING OEFENING", "GEEN OEFENING", "NO PLAY",
# "OEFENING GESTAAKT" (the drill stopped for a real emergency; see commands/exercise.py).
# The same words commands/exercise.py reads as real, accents and all ("GÉÉN", "BEËINDIGD").
# Read on the line without its accents (`_unaccented`): "GÉÉN" typed with combining
# accents, as some keyboards send it, is "GEEN" too. "DIT IS GEEN OEFENING", "NO DUFF" and
# "THIS IS NOT A DRILL" (real to commands/exercise.py as well) were read as the start of
# the text, and the real report refused for its fields below.
_MODE_WORD = (
    r"(?:(?:dit|this)\s+is\s+)?"
    r"(?:(?:(?:geen|niet\s+een)\s+)?oefening(?:\s+(?:is\s+)?(?:gestaakt|gestopt|"
    r"stopgezet|afgebroken|beeindigd|afgelast))?"
    r"|exercise(?:\s+(?:is\s+)?(?:stopped|halted|suspended|terminated))?"
    r"|no\s+(?:play|duff|exercise|drill)|not\s+an?\s+(?:exercise|drill))"
)
_MODE_LINE = re.compile(rf"^[\W_]*{_MODE_WORD}(?:[\W_]+{_MODE_WORD})*[\W_]*$", re.IGNORECASE)


def _unaccented(text: str) -> str:
    """`text` without its accents (É -> E, Ë -> E, also when typed as combining marks)."""
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_KEY_EMPHASIS = re.compile(r"^\s*[*_]{1,3}(?=[^\W\d_])|(?<=\w)[*_]{1,3}(?=\s*$)")
_VALUE_EMPHASIS = re.compile(r"\s*([*_]{1,3})(\S(?:.*\S)?)\1\s*")


def unformatted_field_line(line: str) -> str:
    """A field line without its list marker and Markdown emphasis (see _LIST_MARK).

    The key is the part before the first `:` or `=`, the value the rest; each is
    looked at once (linear: a line of 8,000 characters full of `k: *x` stays cheap)."""
    wrapped_line = _WRAPPED.fullmatch(line)
    start = _marks_end(line)
    probe = line[start:] if wrapped_line is None else wrapped_line.group(2)
    if start and wrapped_line is None:
        # "⚠️ TLP:RED ⚠️", "🔴 gemeente: Dordrecht 🔴": the same marks close the line.
        end = len(probe)
        while end and (probe[end - 1].isspace() or _is_symbol(probe[end - 1])):
            end -= 1
        probe = probe[:end]
    cut = min((i for i in (probe.find(":"), probe.find("=")) if i >= 0), default=-1)
    if cut < 0:
        return probe
    key, sep, value = _KEY_EMPHASIS.sub("", probe[:cut]), probe[cut], probe[cut + 1 :]
    if value[:1] in ("*", "_"):
        value = value.lstrip("*_")  # "**ernst:** extreem": the key's closing marks
    elif (wrapped := _VALUE_EMPHASIS.fullmatch(value)) is not None:
        value = " " + wrapped.group(2)  # "ernst: **extreem**"
    return f"{key}{sep}{value}"


def _is_symbol(char: str) -> bool:
    """A sign that is no letter, digit or ASCII mark (ASCII `-`, `*`, `#` are list
    markers and need a blank; `>` quotes)."""
    return ord(char) > 127 and (
        unicodedata.category(char) in _SYMBOL_CATEGORIES or char in _EMOJI_PARTS
    )


def _marks_end(line: str) -> int:
    """Where `line` goes on after its leading marks (list markers, a task box, emoji,
    arrows, dashes, with the blanks after them); 0 when it starts with none. A list
    marker needs a blank after it ("-5 graden" is no list); a symbol does not
    ("❗️ernst: extreem")."""
    index, end = 0, 0
    while True:
        while index < len(line) and line[index].isspace():
            index += 1
        marker = _LIST_MARK.match(line, index)
        if marker is not None:
            index = end = marker.end()
            continue
        start = index
        while index < len(line) and _is_symbol(line[index]):
            index += 1
        if index == start:
            return index if end else 0
        end = index


# A bound ("meer dan 3", "> 3", "minstens 3", "ruim 200", "bijna 50") is no count either:
# read as the figure, it was summed as exact. Stored with its direction (storage/bounds.py:
# shown "> 3", "< 50"), never summed as exact. Not "over": "over 2 uur" is a time.
# Longest first.
_BOUNDS = (
    r"meer dan|minder dan|ten ?minste|minstens|minimaal|hooguit|maximaal|ruim|bijna|"
    r"more than|less than|fewer than|at least|at most|almost|nearly|>=?|<=?|≥|≤|"
    # Abbreviated and short bounds last, and only as whole words ('totaal' is no 'tot').
    r"maximum|minimum|up to|max(?:\.|(?!\w))|min(?:\.|(?!\w))|tot(?!\w)"
)
# Words that make a figure an estimate: "ca. 120", "ongeveer 300", "± 50", "60 (schatting)",
# the hedges ("mogelijk 2": an estimate, not refused as no number) and the bounds.
_ESTIMATE_BEFORE = re.compile(
    r"^(ca\.?|circa|ongeveer|een stuk of|zo'n|rond(?:om)?|naar schatting|geschat|±|\+/-|~|"
    r"approx\.?|approximately|about|around|roughly|est\.?|estimated|mogelijk|vermoedelijk|"
    r"waarschijnlijk|wellicht|possibly|probably|maybe|" + _BOUNDS + r")\s*",
    re.IGNORECASE,
)
# Searched: it starts only where a run of blanks starts (`(?<!\s)`), and takes the run
# whole (`\s*+`): tried at every blank of a long run, each try read the rest of the run.
_ESTIMATE_AFTER = re.compile(
    r"(?<!\s)\s*+(?:\((?:schatting|geschat|ca\.?|est\.?|estimate|estimated)\)|geschat|\(?naar schatting\)?|"
    # A bound after the figure: "20+", "20 of meer", "20 or more" (see `_BOUNDS`).
    r"\+|of meer|of minder|or more|or less|en meer)$",
    re.IGNORECASE,
)
# How close a key must be to a field name to be taken for a misspelt field rather
# than the start of the text ("gemeene" is, "Update" and "Let op" are not).
CLOSE_TO_FIELD = 75
# An unknown key's value is a figure when it is a number with a short unit at most.
MAX_UNIT_WORDS = 2
# A tag: "<", optional "/", a name, then anything up to ">" that is not another "<".
# Possessive quantifiers (no backtracking into them) keep the search linear: the old
# pattern let `\s[^<>]*` and `\s*` share a run of spaces, quadratic on "<a" + spaces.
_HTML_TAG = re.compile(r"<\s*+/?\s*+[a-zA-Z][a-zA-Z0-9-]*+(?:[\s/][^<>]*+)?>")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A figure may be negative only when its name says it can go down: a change, a
# difference, a level measured against a reference (water level against NAP), a
# temperature. Counts of people, places and households never are.
SIGNED_METRIC_WORDS: tuple[str, ...] = (
    "verandering",
    "wijziging",
    "verschil",
    "afname",
    "toename",
    "stijging",
    "daling",
    "delta",
    "saldo",
    "change",
    "difference",
    "balance",
    "trend",
    "waterstand",
    "waterpeil",
    "peil",
    "level",
    "temperatuur",
    "temperature",
)


def contains_html_tag(text: str) -> bool:
    """Whether `text` holds something a Matrix client could render as an HTML tag."""
    return _HTML_TAG.search(text) is not None


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a report: a catalogue key and its values, rendered on demand.

    A value, not an exception: the parser returns every problem of a report at once.
    """

    key: str
    values: tuple[tuple[str, object], ...] = ()

    @classmethod
    def of(cls, key: str, **values: object) -> Problem:
        return cls(key, tuple(values.items()))

    def text(self, lang: Language) -> str:
        return t(lang, self.key, **dict(self.values))

    def localized(self, lang: Language) -> str:
        return self.text(lang)

    @property
    def nl(self) -> str:
        return self.text("nl")

    @property
    def en(self) -> str:
        return self.text("en")


@dataclass(frozen=True)
class Figure:
    metric: str
    value: float
    unit: str | None
    label: str
    # The liaison marked the figure as an estimate ("ca. 120") or a bound ("meer dan 3"):
    # `estimate` for either (never summed as exact), `bound` says which (storage/bounds.py).
    estimate: bool = False
    bound: str = bounds.EXACT


@dataclass
class ReportDraft:
    category: str
    municipality: str | None = None
    region: str | None = None
    location: str | None = None
    observed_at: datetime | None = None
    severity: str = "Unknown"
    status: str = "new"
    tlp: str | None = None
    source: str | None = None
    sector: str | None = None
    incident: str | None = None
    figures: list[Figure] = field(default_factory=list)
    text: str = ""
    # `betreft: M-7`: the entry whose situation item this report updates.
    follows: int | None = None
    # `oorzaak: M-7`: the entry this report is a consequence of.
    cause: int | None = None
    # The fields the liaison wrote (a follow-up keeps the item's severity if not given).
    given: set[str] = field(default_factory=set)
    # The highest TLP marking written in the text ("… TLP:RED"), if any: without a `tlp:`
    # field it raises the room's default label (commands/reports.py), never lowers it.
    text_tlp: str | None = None


@dataclass(frozen=True)
class Vocabulary:
    regions: RegionTable
    metric_aliases: dict[str, str] = field(default_factory=lambda: dict(METRIC_ALIASES))
    signed_metric_words: tuple[str, ...] = SIGNED_METRIC_WORDS

    def may_be_negative(self, metric: str) -> bool:
        """`verandering_waterstand`, `change_in_water_level`: a word of the metric says so."""
        return not set(metric.split("_")).isdisjoint(self.signed_metric_words)


def _suggest(word: str, choices: Sequence[str], cutoff: float = 70) -> str | None:
    match = process.extractOne(
        fold(word), [fold(c) for c in choices], scorer=fuzz.ratio, score_cutoff=cutoff
    )
    if match is None:
        return None
    return choices[match[2]]


def _hint(suggestion: str | None) -> Problem:
    """ " Did you mean …?" after an unknown word, or nothing."""
    if suggestion is None:
        return Problem.of("report_parser.no_hint")
    return Problem.of("report_parser.did_you_mean", suggestion=suggestion)


def metric_key(label: str, aliases: dict[str, str]) -> str:
    folded = " ".join(fold(label).split())
    if folded in aliases:
        return aliases[folded]
    return re.sub(r"[^a-z0-9]+", "_", folded).strip("_")


def _field_for(key: str) -> str | None:
    folded = " ".join(fold(key).split())
    for name, words in FIELD_KEYS.items():
        if folded in words:
            return name
    return None


def _known_key(key: str, vocab: Vocabulary) -> bool:
    folded = " ".join(fold(key).split())
    return _field_for(key) is not None or folded in vocab.metric_aliases


def _field_words() -> list[str]:
    return [w for words in FIELD_KEYS.values() for w in words]


def split_estimate(value: str) -> tuple[str, bool]:
    """`ca. 120` -> (`120`, True); `120` -> (`120`, False)."""
    stripped, kind = split_bound(value)
    return stripped, kind != bounds.EXACT


def split_bound(value: str) -> tuple[str, str]:
    """`meer dan 3` -> (`3`, "over"), `ca. 120` -> (`120`, "estimate"), `120` -> (`120`,
    "exact"): the number and how it was given (storage/bounds.py)."""
    written = value.strip()
    before = _ESTIMATE_BEFORE.match(written)
    stripped = written[before.end() :] if before else written
    behind = _ESTIMATE_AFTER.search(stripped)
    after = (stripped[: behind.start()] if behind else stripped).strip()
    if before is not None:
        return after, bounds.of_word(before.group(1))
    if behind is None:
        return after, bounds.EXACT
    # "20 of meer", "20+": a bound after the figure has its direction too.
    return after, bounds.of_word(behind.group(0).strip())


_KEY_WORD = re.compile(r"^([^\W\d_][\w-]*)\s*[:=]")


def category_and_lines(
    words: Sequence[str], body_lines: Sequence[str]
) -> tuple[str | None, list[str]]:
    """The category word and the report's lines. A first word that is a known field's key
    (`!melding ernst: extreem`, a category left out) is no category: it was refused as an
    unknown category 'ernst:', and an extreme report went unrecorded and unalerted. The
    report is taken without a category (stored as other; the reply says so)."""
    key = _KEY_WORD.match(words[0]) if words else None
    if key is not None and _field_for(key.group(1)) is not None:
        return None, report_lines(["", *words], body_lines)
    return (words[0] if words else None), report_lines(words, body_lines)


def report_lines(words: Sequence[str], body_lines: Sequence[str]) -> list[str]:
    """The lines of a report: the rest of the command line (after the category) is text,
    except the `key=value` words of known fields it starts with (`!melding evacuatie
    ernst=extreem tlp=rood`, as the bot's other commands take options): those are field
    lines before the message's own. Read as text they were lost: no severity, so no
    alert, and the room's default label instead of the one written."""
    rest = list(words[1:])
    fields: list[str] = []
    while rest and (field_line := _command_line_field(rest)) is not None:
        fields.append(field_line)
    # `!melding evacuatie gemeente: Dordrecht`: one known field after the category.
    first = _FIELD_LINE.match(" ".join(rest))
    if first is not None and first.group(2) and _field_for(first.group(1)) is not None:
        fields.append(" ".join(rest))
        rest = []
    # `!melding water extreem`: a severe or extreme word, and nothing else, after the
    # category (as text the report was "unknown": no alert, not in the attention list).
    alone = " ".join(rest).rstrip("!. ")
    if rest and lookup(SEVERITIES, alone) in _SEVERE:
        fields.append(f"ernst: {alone}")
        rest = []
    lines = [*fields, *body_lines]
    if rest:
        lines = [*lines, "", " ".join(rest)] if lines else ["", " ".join(rest)]
    return lines


_SEVERE = frozenset({Severity.SEVERE.value, Severity.EXTREME.value})


def _command_line_field(rest: list[str]) -> str | None:
    """The first word(s) of `rest` as a `key: value` field line when they are a known
    field's `key=value` (a quoted value may span words: `gemeente="Den Haag"`); they are
    taken off `rest`. None (and `rest` unchanged) otherwise."""
    key, sep, value = straight_quotes(rest[0]).partition("=")
    if not sep or _field_for(key) is None:
        return None
    taken = 1
    if value[:1] in ('"', "'"):
        quote = value[0]
        while not (len(value) > 1 and value.endswith(quote)) and taken < len(rest):
            value += " " + straight_quotes(rest[taken])
            taken += 1
        value = value.strip(quote)
    if not value.strip():
        return None
    del rest[:taken]
    return f"{key}: {value}"


def _hinted_category(word: str) -> str | None:
    """`!melding kookadvies` is about water: a word that only one category uses."""
    folded = fold(word)
    found = [category for category, hints in CATEGORY_HINTS.items() if folded in hints]
    return found[0] if len(found) == 1 else None


def _quote(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def parse_report(
    category_word: str | None, lines: Sequence[str], now: datetime, vocab: Vocabulary
) -> ReportDraft | list[Problem]:
    problems: list[Problem] = []
    body = "\n".join(lines)
    if len(body) > MAX_REPORT_CHARS:
        return [
            Problem.of(
                "report_parser.report_too_long_characters",
                body=len(body),
                MAX_REPORT_CHARS=MAX_REPORT_CHARS,
            )
        ]
    if contains_html_tag(body) or (category_word and contains_html_tag(category_word)):
        return [Problem.of("report_parser.html_markup_report_not")]
    body = _CONTROL.sub("", body)

    draft = ReportDraft(category=_read_category(category_word, problems))
    seen: dict[str, str] = {}
    text_lines = _read_fields(body, draft, seen, problems, now, vocab)
    problems += fields_under_text(text_lines, seen, vocab)
    draft.text = "\n".join(text_lines).strip()
    # A marking anywhere in the report counts: in its text, and in a field's value as
    # well (`bron: situatierapport Waterschap, TLP:RED` cites a labelled document), as
    # records read theirs. The `tlp:` line itself reads as its own label.
    draft.text_tlp = tlp.text_marking(body)
    if (
        draft.tlp is not None
        and draft.text_tlp is not None
        and tlp.RANK[draft.text_tlp] > tlp.RANK[draft.tlp]
    ):
        # Which one is meant is the liaison's call: nothing is stored until the field says.
        problems.append(
            Problem.of(
                "report_parser.text_label_above_field", marked=draft.text_tlp, label=draft.tlp
            )
        )
    if not seen and not draft.text and not problems:
        # A line the liaison wrote was refused: its reason is the reply, not "empty".
        problems.append(Problem.of("report_parser.report_empty_put_fields"))
    if draft.municipality is None and draft.location is not None:
        # "location: Dordrecht" names the municipality, as `plaats:` does: kept as a
        # location, the report was out of Dordrecht's region (its sums and alerts).
        known = vocab.regions.find_municipality(draft.location)
        if known is not None:
            draft.municipality, draft.location = known, None
    if draft.municipality and not draft.region:
        draft.region = _region_of_all(draft.municipality, vocab)
    return problems if problems else draft


def _region_of_all(municipalities: str, vocab: Vocabulary) -> str | None:
    """The region of `gemeente: Dordrecht, Zwijndrecht` when every municipality named lies
    in the same one ("regio onbekend" kept the report out of its region's sums and
    alerts); None when one is unknown or they lie in different regions."""
    whole = vocab.regions.region_of(municipalities)
    if whole is not None:
        return whole
    parts = named_municipalities(municipalities)
    regions = {vocab.regions.region_of(p) for p in parts}
    if len(parts) < 2 or len(regions) != 1:
        return None
    return regions.pop()


def _read_category(category_word: str | None, problems: list[Problem]) -> str:
    if not category_word:
        return Category.OTHER.value
    found = lookup(CATEGORIES, category_word) or _hinted_category(category_word)
    if found is None:
        hint = _hint(_suggest(category_word, all_words(CATEGORIES)))
        problems.append(
            Problem.of(
                "report_parser.unknown_category", category_word=_quote(category_word), hint=hint
            )
        )
        return Category.OTHER.value
    return found


def _read_fields(
    body: str,
    draft: ReportDraft,
    seen: dict[str, str],
    problems: list[Problem],
    now: datetime,
    vocab: Vocabulary,
) -> list[str]:
    """Read the leading `key: value` block into the draft; returns the lines of text."""
    text_lines: list[str] = []
    # "Sporthal De Schans: 200 mensen", where in the text: read last (`_place_counts`).
    counts: list[tuple[int, str, str, tuple[str, str]]] = []
    stamps: list[tuple[str, datetime]] = []  # `_stamp_or_bare`
    in_fields = True
    leading = True
    for raw in body.split("\n"):
        line = raw.rstrip()
        if in_fields:
            # Fields are read without invisible characters, and a known field also without
            # its list marker and Markdown emphasis; text keeps them as typed.
            probe = INVISIBLE.sub("", line)
            if not probe.strip():
                if seen or text_lines:
                    in_fields = False  # a blank line ends the field block
                continue
            if _MODE_LINE.match(_unaccented(probe)):
                # "OEFENING OEFENING OEFENING" above the fields, as drill messages start:
                # text (the mode check reads it), and the fields below it still count.
                text_lines.append(line)
                continue
            probe = _STAMP_CLOCK.sub(r"\1.\2", probe, count=1)  # "Stand 14:00:"
            match = _formatted_field_match(probe, vocab)
            if match is None:
                in_fields = False
            else:
                key, value = match.group(1).strip(), (match.group(2) or "").strip()
                first = leading
                leading = False
                if _stamp_or_bare(key, value, draft, seen, stamps, problems, now, vocab):
                    continue
                counted = _place_count(key, value, vocab)
                if counted is not None:
                    counts.append((len(text_lines), line, key, counted))
                    continue
                if _is_note(key, value, vocab):
                    # Not a field, not close to one, and no figure: a sentence such as
                    # "Update: netwerk hersteld" or a note "opmerking: alleen gezinnen".
                    # It stays in the text; as the first line it starts the text.
                    text_lines.append(line)
                    if first:
                        in_fields = False
                    continue
                _read_field(key, value, draft, seen, problems, now, vocab)
                continue
        text_lines.append(line)
    if counts and not _place_counts(counts, draft, seen, problems, now, vocab):
        for at, line, _, _ in reversed(counts):
            text_lines.insert(at, line)
    _stamp_time(stamps, draft, seen, problems)
    return text_lines


# A time stamp heading a count: "Stand 14.00 uur: 12 gewonden", "Stand 9u: 30 mensen",
# "Update 15.30u: 80 geevacueerden", "Per 14.00 uur:". (A key holds no colon: "Stand
# 14:00: …" is text, kept as typed.) It was a figure named `stand_14_00_uur` with the
# unit "gewonden": no injured in the picture.
_STAMP_KEY = re.compile(
    r"(?:stand|status|update|situatie|per|om|as of|at)\s+(?:per\s+|om\s+)?"
    r"(\d{1,2}(?:[.]\d{2})?\s*(?:uur|u)?)",
    re.IGNORECASE,
)


# "Stand 14:00: 12 gewonden": the clock's colon is no key's end (read as "Stand 14.00";
# the line was text, and every field below it as well).
_STAMP_CLOCK = re.compile(
    r"^(\s*(?:stand|status|update|situatie|per|om|as of|at)\s+(?:per\s+|om\s+)?\d{1,2})"
    r":(\d{2}(?:\s*(?:uur|u))?\s*:\s)",
    re.IGNORECASE,
)


def _stamp_or_bare(
    key: str,
    value: str,
    draft: ReportDraft,
    seen: dict[str, str],
    stamps: list[tuple[str, datetime]],
    problems: list[Problem],
    now: datetime,
    vocab: Vocabulary,
) -> bool:
    """Whether `key: value` is a count under a time stamp (`_stamped_count`: read, its
    moment kept in `stamps`) or a bare number under a place's name: "Sporthal De Schans:
    200" - 200 people, beds or free places? Stored as a figure named after the shelter,
    a coordinator could not tell; refused with the reason."""
    if _stamped_count(key, value, draft, seen, stamps, problems, now, vocab):
        return True
    if not _bare_number_at_place(key, value, vocab):
        return False
    problems.append(
        Problem.of("report_parser.count_without_word", key_=_quote(key), value=_quote(value))
    )
    return True


def _stamped_count(
    key: str,
    value: str,
    draft: ReportDraft,
    seen: dict[str, str],
    stamps: list[tuple[str, datetime]],
    problems: list[Problem],
    now: datetime,
    vocab: Vocabulary,
) -> bool:
    """Whether `key: value` is a count under a time stamp; read (the count as its figure,
    the moment kept for `_stamp_time`) or refused (a number without what it counts)."""
    found = _STAMP_KEY.fullmatch(" ".join(key.split()))
    if found is None:
        return False
    try:
        moment = parse_time(found.group(1), now)
    except TimeError:
        return False
    counted = _counted(value, vocab)
    if counted is None:
        plain = split_bound(value.rstrip(".! "))[0]
        figure = parse_figure(plain)
        if figure is None or figure[1] is not None:
            return False  # "Stand 14.00 uur: situatie stabiel": text
        problems.append(
            Problem.of("report_parser.count_without_word", key_=_quote(key), value=_quote(value))
        )
        return True
    stamps.append((key, moment))
    _read_field(counted[0], counted[1], draft, seen, problems, now, vocab)
    return True


def _stamp_time(
    stamps: list[tuple[str, datetime]],
    draft: ReportDraft,
    seen: dict[str, str],
    problems: list[Problem],
) -> None:
    """The report's time from its stamps, when it gives no `tijd:`; stamps that say
    another moment than `tijd:` or than each other are refused (which one holds is the
    liaison's call)."""
    if not stamps:
        return
    moments = {moment for _, moment in stamps}
    if "time" in seen:
        known = draft.observed_at
        other = next((key for key, moment in stamps if known is not None and moment != known), None)
        if other is not None:
            problems.append(Problem.of("report_parser.stamp_differs", key_=_quote(other)))
        return
    if len(moments) > 1:
        problems.append(Problem.of("report_parser.stamp_differs", key_=_quote(stamps[-1][0])))
        return
    seen["time"] = stamps[0][0]
    draft.given.add("time")
    draft.observed_at = moments.pop()


# Kinds of place a name starts with ("Sporthal Schenkeldijk", "Hotel Van der Valk"), and
# the articles inside a proper name ("Dorpshuis De Til"): with them a Title Case key is a
# place, not a figure's name typed so ("Zandzakken Geleverd: 500").
_PLACE_KIND_ENDINGS = (
    "hal", "huis", "school", "kerk", "centrum", "kazerne", "camping", "hotel", "opvang",
    "locatie", "gebouw", "zaal", "stadion", "complex", "kliniek", "azc", "mfc", "ikc",
    "coa", "wijk", "dorp", "park", "plein", "hall", "centre", "center", "shelter",
)  # fmt: skip
_NAME_PARTICLES = frozenset({"De", "Het", "'t", "Den", "Ter", "Van", "The"})


def _a_place_name(key: str, vocab: Vocabulary) -> bool:
    """Whether `key` names a place: a municipality in it, a kind of place first, or an
    article inside it (`_PLACE_KIND_ENDINGS`, `_NAME_PARTICLES`)."""
    words = key.split()
    typed = [w.strip("'-") for w in _WORD.findall(" ".join(fold(w) for w in words))]
    return (
        bool(_free_municipalities(typed, vocab))
        or fold(words[0]).endswith(_PLACE_KIND_ENDINGS)
        or any(w in _NAME_PARTICLES for w in words[1:])
    )


def _bare_number_at_place(key: str, value: str, vocab: Vocabulary) -> bool:
    """Whether `key: value` is a number without a unit under a place's name ("Sporthal
    De Schans: 200", "Gemeente Dordrecht: 40"), not a label ("Nog Vrij: 50") nor a
    measurement ("Waterstand Merwede: 230", which does not add up)."""
    if _known_key(key, vocab) or not _names_a_place(key, vocab) or _a_label(key):
        return False
    if not adds_up(metric_key(key, vocab.metric_aliases), None) or not _a_place_name(key, vocab):
        return False
    if _names_a_known_figure(key, vocab):
        return False  # "Gewonden Dordrecht: 4": what is counted is in the key
    plain = split_bound(value.rstrip(".! "))[0]
    figure = parse_figure(plain) or parse_range(plain, dash=True)
    return figure is not None and figure[1] is None


def _names_a_known_figure(key: str, vocab: Vocabulary) -> bool:
    """Whether words of `key` in a row are a known figure's name ("Gewonden Dordrecht",
    "Injured Dordrecht", "Doden Gorinchem"): the key says what is counted, and the place
    beside it is no shelter's name; the number is no bare one."""
    words = fold(key).split()
    return any(
        " ".join(words[start:end]) in vocab.metric_aliases
        for start in range(len(words))
        for end in range(start + 1, len(words) + 1)
    )


# The words a count at a place counts (`_place_count`), and the figure each is read as:
# people under one name, so the region's picture adds up the shelters' counts.
_COUNTED_WORDS = {
    **{w: "mensen" for w in ("mensen", "personen", "people", "persons", "ppl", "pers")},
    **{w: w for w in ("bewoners", "inwoners", "gasten", "patienten", "clienten", "kinderen",
                      "reizigers", "bedden", "plekken", "plaatsen", "huishoudens", "woningen",
                      # "Stroomstoring Zwijndrecht: 2300 aansluitingen" was a figure named
                      # after the event and the town, the town not read as the place.
                      "aansluitingen", "adressen", "huizen", "panden")},
}  # fmt: skip


# Words of a label typed in Title Case, no place's name: "Nog Vrij: 50 plekken",
# "Totaal Opgevangen: 245 mensen", "Maandag 14 Dec: 200 mensen" were counts at a
# location of that name (the figure renamed to what is counted).
_LABEL_WORDS = frozenset(
    {
        "nog", "vrij", "totaal", "aantal", "capaciteit", "max", "maximaal", "maximum",
        "beschikbaar", "bezet", "opgevangen", "geevacueerd", "stand", "update", "status",
        "vandaag", "gisteren", "morgen", "nu", "ochtend", "middag", "avond", "nacht",
        "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag",
        "jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
        "januari", "februari", "maart", "april", "juni", "juli", "augustus", "september",
        "oktober", "november", "december", "total", "available", "capacity", "free",
        "today", "yesterday", "tonight", "still",
    }
)  # fmt: skip


def _a_label(key: str) -> bool:
    """Whether `key` is a label rather than a place's name (`_LABEL_WORDS`, a number, a
    person's title first, a word of what is counted: "Bewoners Verpleeghuis Merwede")."""
    words = [fold(w) for w in key.replace(".", " ").split()]
    return (
        any(any(c.isdigit() for c in w) for w in words)
        or words[0] in _NOT_PLACE_WORDS
        or any(w in _LABEL_WORDS or w in _COUNTED_WORDS for w in words)
    )


def _place_count(key: str, value: str, vocab: Vocabulary) -> tuple[str, str] | None:
    """(figure name, number as written) when `key: value` is a count at a named place:
    the key a proper name (`_names_a_place`: "Sporthal De Schans", "Utrecht"), the
    value a number and what it counts, people, places or homes ("200 mensen", "ca. 45
    personen.", "12 gewonden"), a full stop or `!` after it or not. With the full stop
    the line was text, without it a figure named after the shelter; a measurement
    ("Waterstand Merwede: 230 centimeter") is no count and stays its own figure."""
    if _known_key(key, vocab) or not _names_a_place(key, vocab) or _a_label(key):
        return None
    return _counted(value, vocab)


def _counted(value: str, vocab: Vocabulary) -> tuple[str, str] | None:
    """(figure name, number as written) when `value` is a number and what it counts
    ("200 mensen", "ca. 45 personen.", "12 gewonden", "50 mensen per uur"), else None."""
    written = value.rstrip(".! ")
    rate = _PER_TAIL.search(written)
    words = (written[: rate.start()] if rate else written).split()
    per = rate.group().strip() if rate else ""  # "50 mensen per uur": a rate of people
    for size in (3, 2, 1):
        if len(words) <= size:
            continue
        folded = " ".join(fold(w) for w in words[-size:])
        if folded in vocab.metric_aliases:
            name = " ".join(words[-size:])
        elif size == 1 and folded in _COUNTED_WORDS:
            name = _COUNTED_WORDS[folded]
        else:
            continue
        number_text = " ".join(words[:-size])
        plain = split_bound(number_text)[0]
        figure = parse_figure(plain)
        if (figure is not None and figure[1] is None) or parse_range(plain, dash=True):
            return name, f"{number_text} {per}".strip()
    return None


def _place_counts(
    counts: list[tuple[int, str, str, tuple[str, str]]],
    draft: ReportDraft,
    seen: dict[str, str],
    problems: list[Problem],
    now: datetime,
    vocab: Vocabulary,
) -> bool:
    """Read the counts at a named place as figures of the report, the place as its
    location (a municipality's name as its municipality), when they all name one place
    and the report names no other; False (they stay text) otherwise: one report has one
    location, and a count filed under another shelter's name would be summed there."""
    places = {" ".join(fold(key).split()) for _, _, key, _ in counts}
    if len(places) != 1:
        return False
    key = counts[0][2]
    place = places.pop()
    index = _municipality_index(vocab)
    # "Gemeente Dordrecht: 40 mensen": the municipality, not a location of that name.
    municipality = index.get(place) or index.get(place.removeprefix("gemeente "))
    if municipality is not None:
        if draft.municipality not in (None, municipality):
            return False
        draft.municipality = municipality
    else:
        # "Sporthal De Schans Dordrecht: 200 mensen" is in Dordrecht (it was filed at a
        # location with no municipality, out of the town's picture); an event word before
        # the town ("Stroomuitval Dordrecht: 1200 huishoudens") names no location.
        town = text_municipality(key, vocab)
        event = town is not None and _event_before(place, town)
        if town is not None and draft.municipality not in (None, town):
            return False
        if not event:
            located = _without_town(key, place, town, index)
            named = " ".join(fold(draft.location).split()) if draft.location else None
            if named is not None and named not in (place, fold(located)):
                return False
            if "location" not in seen:
                seen["location"] = located
            draft.location = located
        if town is not None:
            draft.municipality = town
    for _, _, _, (name, number_text) in counts:
        _read_field(name, number_text, draft, seen, problems, now, vocab)
    return True


def _without_town(key: str, place: str, town: str | None, index: dict[str, str]) -> str:
    """The location `key` names without the town at its end ("Sporthal De Schans
    Dordrecht" is Sporthal De Schans in Dordrecht): with the town in it, it was a
    location of its own beside "locatie: Sporthal De Schans", a second source whose
    counts were summed with the first's."""
    if town is None:
        return key
    for written, official in index.items():
        if official == town and place.endswith(" " + written):
            words = key.split()
            words = words[: len(words) - len(written.split())]
            if len(words) > 1 and fold(words[-1]) in _PLACE_WORDS:
                words.pop()  # "Sporthal De Schans in Dordrecht": not "… De Schans in"
            return " ".join(words) or key
    return key


# Endings of a word that says what happened ("dijkdoorbraak", "gaslek", "stroomstoring",
# "woningbrand"): before a town such a word names no location. "Dijkdoorbraak Dordrecht:
# 200 woningen" was filed at a location "Dijkdoorbraak".
_EVENT_ENDINGS = (
    "doorbraak", "storing", "uitval", "brand", "lek", "lekkage", "explosie", "ontploffing",
    "ongeval", "ongeluk", "aanrijding", "instorting", "overstroming", "ramp", "incident",
    "calamiteit", "evacuatie", "ontruiming", "afsluiting", "overlast", "schade",
)  # fmt: skip


def _event_before(place: str, town: str) -> bool:
    """Whether `place` (folded) is one word that says what happened, then `town`, a
    place word between or not: "stroomuitval dordrecht", "evacuatie goes",
    "dijkdoorbraak bij dordrecht"."""
    head, _, rest = place.partition(" ")
    hinted = any(head in hints for hints in CATEGORY_HINTS.values()) or head.endswith(
        _EVENT_ENDINGS
    )
    word, _, after = rest.partition(" ")
    named = after if word in _PLACE_WORDS else rest
    return hinted and named == fold(town)


def _formatted_field_match(
    probe: str, vocab: Vocabulary, loose: frozenset[str] | None = None
) -> re.Match[str] | None:
    """`_field_match` of the line without its list marker and Markdown emphasis when that
    names a known key; else of the line as typed. A list of the report's own words
    ("- Sporthal: 200 mensen", "- Let op: 3 wegen dicht") stays text: read without its
    markers, each item with a number became a figure named after its words. `loose`:
    the stored values a line without its colon may have (None: any of its field's)."""
    plain = unformatted_field_line(probe)
    match = _field_match(plain, vocab)
    if plain != probe and match is not None and not _known_key(match.group(1), vocab):
        return _field_match(probe, vocab)
    if match is None and (line := _loose_line(plain, loose)) is not None:
        return _FIELD_LINE.match(line)
    return match


# `Ernst - extreem`, `ernst extreem`, `Status; opgelost`: a severity or status line
# without its colon. Read as text, an extreme report was stored as "unknown".
_LOOSE_LINE = re.compile(r"([^\W\d_]+)\s*(?:[-\u2013\u2014;]\s*|\s+)([^\W\d_]+(?: [^\W\d_]+)?)\s*")


def _loose_line(plain: str, values: frozenset[str] | None = None) -> str | None:
    """`plain` as a `key: value` line when it is a severity or status key and one of
    that field's words (of `values`, if given) with a dash, a semicolon or only a blank
    between them; None for anything else ("Ernst - nog onduidelijk" is a note)."""
    found = _LOOSE_LINE.fullmatch(plain)
    if found is None:
        return None
    key, value = found.groups()
    table = _UNDER_TEXT.get(_field_for(key) or "")
    stored = lookup(table, value) if table is not None else None
    if stored is None or (values is not None and stored not in values):
        return None
    return f"{key}: {value}"


def _field_match(probe: str, vocab: Vocabulary) -> re.Match[str] | None:
    """`key: value`; `key:value` and `key=value` only for a known key."""
    match = _FIELD_LINE.match(probe)
    for pattern in (_TIGHT_FIELD_LINE, _EQUALS_FIELD_LINE):
        if match is None:
            loose = pattern.match(probe)
            if loose is not None and _known_key(loose.group(1), vocab):
                match = loose
    return match


# Fields that change the picture at once when lost under the text: the severity (the
# coordinators' alert, the attention list) and the status (`opgelost` closes an item).
_UNDER_TEXT = {"severity": SEVERITIES, "status": STATUSES}
# Under the text a line without its colon counts only where it would change the picture:
# a heading "Status update" in the text is no misplaced field.
_ALARMING = frozenset({Severity.SEVERE.value, Severity.EXTREME.value, Status.RESOLVED.value})


def fields_under_text(
    text_lines: list[str], seen: dict[str, str], vocab: Vocabulary
) -> list[Problem]:
    """A line under the text that is a severity or status field with a valid value, not
    given above: text by the contract, so the liaison is asked to move it up (an
    extreme report stored as "unknown" alerted nobody; `status: opgelost` closed
    nothing). Notes ("Ernst: nog onduidelijk") stay text."""
    problems: list[Problem] = []
    for line in text_lines:
        match = _formatted_field_match(INVISIBLE.sub("", line), vocab, _ALARMING)
        name = _field_for(match.group(1)) if match is not None else None
        table = _UNDER_TEXT.get(name or "")
        if match is None or table is None or name in seen:
            continue
        if lookup(table, (match.group(2) or "").strip()) is not None:
            problems.append(Problem.of("report_parser.field_under_text", line=_quote(line)))
    return problems


# A `key:` of one or two words inside a value, after its start or a separator; or a
# `key=` (the command line's form, typed on a body line: `gemeente=Dordrecht
# ernst=extreem` stored the severity as part of the place).
_INNER_KEY = re.compile(r"(?:^|[\s,;|/])((?:[^\W\d_]+ )?[^\W\d_]+)[ \t]*[:=][ \t]*\S")


def field_inside(value: str) -> str | None:
    """A known field (`ernst: extreem`, `ernst=extreem`) inside another field's value, as
    a report typed on one line has it (`gemeente: Zwolle ernst: extreem …`): the words from that key on,
    else None. Read as the value, the severity was lost (no alert) and the place became
    the whole line. A TLP marking there is the writer's label, read as such."""
    for match in _INNER_KEY.finditer(value):
        if _in_link(value, match.start(1)):
            continue  # a link's own `;status=open`
        words = match.group(1)
        for key in (words, words.split(" ")[-1]):
            if _field_for(key) not in (None, "tlp"):
                return value[match.end(1) - len(key) :]
    return None


def _in_link(value: str, at: int) -> bool:
    """Whether position `at` of `value` lies in a link (its blank-free run of characters
    holds `://` or starts with `www.`)."""
    start = max(value.rfind(" ", 0, at), value.rfind("\t", 0, at)) + 1
    token = value[start:].split(maxsplit=1)[0] if value[start:].strip() else ""
    return "://" in token or token.lower().startswith("www.")


def _is_note(key: str, value: str, vocab: Vocabulary) -> bool:
    """A `key: value` line that is text: an unknown key, not close to a field, no number."""
    if _known_key(key, vocab):
        return False
    figure = parse_figure(split_estimate(value)[0]) if value else None
    sentence = figure is not None and _names_a_place(key, vocab) and _a_sentence(figure[1])
    if figure is not None and not sentence and _unit_words(figure[1]) <= MAX_UNIT_WORDS:
        return False  # an unknown figure: "zandzakken: 500", "waterstand: 1,5 m NAP"
    # "Update: 3 sporthallen open" is a sentence that starts with a number, not a figure.
    return _suggest(key, _field_words(), cutoff=CLOSE_TO_FIELD) is None


# A rate's "per uur", "per dag" after a unit ("300 liter per dag"): part of the unit, not
# words of a sentence (a rate of three words was text, its figure lost).
# "per persoon per dag" is one rate (`dutch_numbers.per_abbreviation` writes "p.p.p.d." so).
_PER_TAIL = re.compile(r"(?:(?:^|\s+)per\s+[^\W\d_]+\.?){1,2}$", re.IGNORECASE)


def _unit_words(unit: str | None) -> int:
    """How many words `unit` has, a rate's "per …" not counted."""
    return len(_PER_TAIL.sub("", unit or "").split())


def _names_a_place(key: str, vocab: Vocabulary) -> bool:
    """Whether `key` is a proper name: a capital after its first word ("Verpleeghuis
    Merwede", "Sporthal De Schans") or a known municipality ("Dordrecht"). A figure's key
    names what is counted ("bewoners verplaatst"), in lower case after its first word."""
    words = key.split()
    return any(w[:1].isupper() for w in words[1:]) or fold(key) in _municipality_index(vocab)


def _a_sentence(unit: str | None) -> bool:
    """Whether the words after a number are a sentence, not a unit: a word first (not an
    abbreviation such as "m" or "km"), then a full stop, or a second word in lower case
    ("10 bewoners verplaatst."). A unit is one word or ends with a name ("m NAP",
    "graden Celsius")."""
    if unit is None:
        return False
    words = unit.split()
    first = words[0].rstrip(".!?")
    if not (first.isalpha() and len(first) >= 4):
        return False
    last = words[-1].rstrip(".!?")
    return unit.endswith((".", "!", "?")) or (len(words) >= 2 and last.islower())


def _read_field(
    key: str,
    value: str,
    draft: ReportDraft,
    seen: dict[str, str],
    problems: list[Problem],
    now: datetime,
    vocab: Vocabulary,
) -> None:
    name = _field_for(key)
    identity = name or "figure:" + metric_key(key, vocab.metric_aliases)
    if identity in seen:
        problems.append(Problem.of("report_parser.field_appears_twice_keep", key_=_quote(key)))
        return
    seen[identity] = key
    if not value:
        problems.append(Problem.of("report_parser.field_has_no_value", key_=_quote(key)))
        return
    if len(value) > MAX_FIELD_CHARS:
        problems.append(
            Problem.of(
                "report_parser.value_too_long_at", key_=_quote(key), MAX_FIELD_CHARS=MAX_FIELD_CHARS
            )
        )
        return
    inner = field_inside(value)
    if inner is not None:
        problems.append(
            Problem.of("report_parser.field_inside_value", inner=_quote(inner), key_=_quote(key))
        )
        return
    if name is None:
        _read_figure(key, value, draft, problems, vocab)
        return
    draft.given.add(name)
    _set_named_field(name, value, draft, problems, now, vocab)


def _set_named_field(
    name: str,
    value: str,
    draft: ReportDraft,
    problems: list[Problem],
    now: datetime,
    vocab: Vocabulary,
) -> None:
    if name == "municipality":
        draft.municipality = vocab.regions.canonical_municipality(value)
    elif name == "region":
        region = vocab.regions.canonical_region(value)
        if region is None:
            hint = _hint(_suggest(value, vocab.regions.regions))
            problems.append(
                Problem.of("report_parser.unknown_safety_region", value=_quote(value), hint=hint)
            )
        draft.region = region
    elif name == "location":
        draft.location = value
    elif name == "place":
        known = vocab.regions.find_municipality(value)
        if known is not None:
            draft.municipality = known
        else:
            draft.location = value
    elif name == "time":
        try:
            draft.observed_at = parse_time(value, now)
        except TimeError as exc:
            problems.append(Problem.of("report_parser.time_examples_14_30", says=exc))
    elif name == "severity":
        severity = _word_of(
            SEVERITIES, value, "report_parser.unknown_severity_choose_from", problems
        )
        draft.severity = severity or draft.severity
    elif name == "status":
        status = _word_of(STATUSES, value, "report_parser.unknown_status_choose_from", problems)
        draft.status = status or draft.status
    elif name == "tlp":
        label = tlp.parse_label(value)
        if label is None:
            problems.append(
                Problem.of("report_parser.unknown_tlp_label_choose", value=_quote(value))
            )
        draft.tlp = label
    elif name == "source":
        draft.source = value
    elif name == "sector":
        # Kept as written: the stored value is the vocabulary's (commands/reports.py).
        draft.sector = value
    elif name == "incident":
        draft.incident = value.strip().lower()
    elif name == "follows":
        draft.follows = _entry_code(value, "report_parser.follows_not_a_code", problems)
    elif name == "cause":
        draft.cause = _entry_code(value, "report_parser.cause_not_a_code", problems)


def _word_of(
    table: dict[str, tuple[str, ...]], value: str, problem: str, problems: list[Problem]
) -> str | None:
    """The canonical word `value` names in `table`, or a problem with a suggestion. An
    exclamation mark or full stop after it is emphasis ("ernst: ernstig!")."""
    found = lookup(table, value.rstrip("!. ") or value)
    if found is None:
        hint = _hint(_suggest(value, all_words(table)))
        problems.append(Problem.of(problem, value=_quote(value), hint=hint))
    return found


def _entry_code(value: str, problem: str, problems: list[Problem]) -> int | None:
    """The number of an entry code `M-12`, or a problem saying `value` is none."""
    found = _ENTRY_CODE.match(value)
    if found is None:
        problems.append(Problem.of(problem, value=_quote(value)))
        return None
    return int(found.group(1))


# "gewonden: geen": the figure 0, as liaisons write it. Only for a figure the vocabulary
# knows: elsewhere ("bijzonderheden: geen", "zandzakken: geen") it stays their text.
NONE_WORDS = frozenset({"geen", "none", "nihil"})


def _none_figure(value: str) -> tuple[float, str | None] | None:
    """(0, no unit) when `value` is a word for none ("geen", "None."), else None."""
    return (0.0, None) if fold(value).rstrip(".").strip() in NONE_WORDS else None


def _read_figure(
    key: str, value: str, draft: ReportDraft, problems: list[Problem], vocab: Vocabulary
) -> None:
    number_text, bound = _split_remark(value)
    metric = metric_key(key, vocab.metric_aliases)
    known_metric = " ".join(fold(key).split()) in vocab.metric_aliases
    # `3 à 4` read as 3 with the unit "à 4" was summed as an exact 3: a range is an
    # estimate of its middle. A dash range (`3-4`) only for a known count.
    figure = _range_of(number_text, metric, dash=known_metric)
    if figure is not None and bound == bounds.EXACT:
        bound = bounds.ESTIMATE
    figure = figure or parse_figure(number_text)
    if _no_range(figure, key, value, problems) or _parts(figure, metric, key, value, problems):
        return
    if figure is None and known_metric:
        figure = _none_figure(value) or count_in_words(number_text)
    estimate = bound != bounds.EXACT
    if figure is None or not math.isfinite(figure[0]):
        if known_metric:
            problems.append(
                Problem.of(
                    "report_parser.figure_but_not_number", key_=_quote(key), value=_quote(value)
                )
            )
            return
        known = [w for words in FIELD_KEYS.values() for w in words] + list(vocab.metric_aliases)
        hint = _hint(_suggest(key, known))
        problems.append(
            Problem.of("report_parser.unknown_field_unknown_field", key_=_quote(key), hint=hint)
        )
        return
    if not metric:
        problems.append(Problem.of("report_parser.invalid_name", key_=_quote(key)))
        return
    number, unit = figure
    if ambiguous_comma(number_text):
        # Which one is meant is the liaison's call: 1,2 evacuees or twelve hundred.
        problems.append(
            Problem.of(
                "report_parser.figure_ambiguous_comma",
                key_=_quote(key),
                value=_quote(value),
                thousands=format_number(number * 1000),
                decimal=format_number(number),
            )
        )
        return
    if number < 0 and not vocab.may_be_negative(metric):
        problems.append(Problem.of("figure_negative", field=_quote(key), value=_quote(value)))
        return
    draft.figures.append(
        Figure(
            metric=metric,
            value=number,
            unit=unit,
            label=key.strip(),
            estimate=estimate,
            bound=bound,
        )
    )


def _split_remark(value: str) -> tuple[str, str]:
    """`split_bound` of `value`, a comma before a remark dropped: "12, waarvan 3 ernstig"
    is 12 with a remark, as "12 waarvan 3 kinderen" is (it was refused as no number)."""
    number_text, bound = split_bound(value)
    return _REMARK_COMMA.sub(r"\1", number_text), bound


_REMARK_COMMA = re.compile(
    r"^([+-]?\d[\d.]*),(?=\s+(?:waarvan|van wie|incl\.?|inclusief|excl\.?|exclusief|"
    r"including|excluding|of whom|of which)(?!\w))",
    re.IGNORECASE,
)


# A count's "unit" that is its first part's word and the next part ("3 licht, 1 zwaar",
# "40 volwassenen + 12 kinderen", "40 + 12"): read as the figure, the first part was
# the count.
# "12 waarvan 3 kinderen", "45 van 200" and "(was 1200)" name no second part.
_PARTS = re.compile(
    r"^(?:[^\W\d_]+(?:\s+[^\W\d_]+)?\s*)?(?:[,;+&]|\s(?:en|and|plus)\s)\s*\d",
    re.IGNORECASE,
)


def _parts(
    figure: tuple[float, str | None] | None,
    metric: str,
    key: str,
    value: str,
    problems: list[Problem],
) -> bool:
    """Whether `figure` is a count given in parts (`_PARTS`); said, nothing stored."""
    if figure is None or figure[1] is None or not adds_up(metric, None):
        return False
    if _PARTS.match(figure[1]) is None:
        return False
    problems.append(
        Problem.of("report_parser.figure_in_parts", key_=_quote(key), value=_quote(value))
    )
    return True


def _range_of(number_text: str, metric: str, *, dash: bool) -> tuple[float, str | None] | None:
    """The middle of the range `number_text` is, if any: for a count rounded up to a
    whole number, for a level (`metric_kinds.adds_up`) as it is - "waterstand: 3 à 4 m
    NAP" was a level of ~4 m."""
    figure = parse_range(number_text, dash=dash)
    if figure is not None and not adds_up(metric, figure[1]):
        return parse_range(number_text, dash=dash, whole=False)
    return figure


def _no_range(
    figure: tuple[float, str | None] | None, key: str, value: str, problems: list[Problem]
) -> bool:
    """Whether `figure` is one end of a range that is none (`4 duizend - 3 duizend`,
    `3 duizend-4`): read as a number and a unit it was stored as an exact figure; said."""
    if figure is None or not range_left(figure[1]):
        return False
    problems.append(
        Problem.of("report_parser.figure_range_unreadable", key_=_quote(key), value=_quote(value))
    )
    return True


# Free text in a liaison room: words that say what an update is about -> category.
CATEGORY_HINTS: dict[str, tuple[str, ...]] = {
    Category.POWER: (
        "stroom",
        "stroomstoring",
        "stroomuitval",
        "elektriciteit",
        "power",
        "electricity",
        "middenspanning",
        "laagspanning",
        "noodstroom",
        "stedin",
        "liander",
        "enexis",
        "tennet",
        "outage",
        "blackout",
    ),
    Category.WATER: (
        "water",
        "drinkwater",
        "kookadvies",
        "wateroverlast",
        "hoogwater",
        "dijk",
        "dijken",
        "overstroming",
        "overstroomd",
        "dijkdoorbraak",
        "waterstand",
        "evides",
        "vitens",
        "dunea",
        "oasen",
        "flood",
        "flooding",
        "flooded",
    ),
    Category.TELECOM: (
        "telecom",
        "netwerk",
        "mobiel",
        "mobiele",
        "internet",
        "glasvezel",
        "zendmast",
        "bereik",
        "kpn",
        "vodafone",
        "odido",
        "network",
        "signal",
    ),
    Category.SHELTER: (
        "opvang",
        "noodopvang",
        "opvanglocatie",
        "opvangplekken",
        "opgevangen",
        "sporthal",
        "shelter",
        "sheltered",
    ),
    Category.HEALTH: (
        "zorg",
        "ziekenhuis",
        "gewonden",
        "gewond",
        "ggd",
        "huisarts",
        "huisartsenpost",
        "ambulance",
        "patienten",
        "hospital",
        "injured",
        "zorginstelling",
        "verpleeghuis",
    ),
    Category.MOBILITY: (
        "verkeer",
        "afgesloten",
        "omleiding",
        "file",
        "snelweg",
        "brug",
        "veerpont",
        "pont",
        "spoor",
        "trein",
        "treinen",
        "traffic",
        "road",
        "wegafsluiting",
    ),
    Category.EVACUATION: (
        "evacuatie",
        "evacueren",
        "geevacueerd",
        "geevacueerden",
        "ontruimd",
        "ontruiming",
        "evacuation",
        "evacuated",
        "evacuees",
    ),
    Category.PUBLIC_ORDER: ("politie", "onrust", "rellen", "plunderingen", "police", "looting"),
    Category.COMMUNICATION: ("nl-alert", "persbericht", "woordvoering", "persconferentie"),
    Category.FIRE: ("brand", "brandweer", "rookontwikkeling", "fire"),
}
_ROAD = re.compile(r"^[an]\d{1,3}$")  # A16, N3: a road, so traffic
_WORD = re.compile(r"[\w'’-]+")
# The field's estimate words and hedges (`_ESTIMATE_BEFORE`), as whole words: "naar
# schatting 2 doden" and "mogelijk 2 doden" were a firm figure of 2 deaths. On folded text.
_FREE_NUMBER = (
    r"(?:(?<!\w)(ca\.?|circa|ongeveer|zo'n|rond(?:om)?|naar schatting|geschat|±|\+/-|~|"
    r"approx\.?|approximately|about|around|roughly|est\.?|estimated|mogelijk|vermoedelijk|"
    r"waarschijnlijk|wellicht|possibly|probably|maybe|" + _BOUNDS + r")\s*)?(\d[\d.]*(?:,\d+)?)"
)
MAX_FREE_TEXT_CHARS = 1000
_MUNICIPALITY_INDEX: dict[int, dict[str, str]] = {}


def _municipality_index(vocab: Vocabulary) -> dict[str, str]:
    """Folded municipality name -> table spelling, built once per table."""
    key = id(vocab.regions)
    index = _MUNICIPALITY_INDEX.get(key)
    if index is None:
        index = {fold(name): name for name in vocab.regions.municipalities}
        for spoken, official in SPOKEN_NAMES.items():  # "Den Bosch" is 's-Hertogenbosch
            if official in vocab.regions.municipalities and spoken not in index:
                index[spoken] = official
        _MUNICIPALITY_INDEX[key] = index
    return index


def read_free_text(body: str, vocab: Vocabulary) -> ReportDraft | None:
    """A draft report for free text that reads as an update, else None (chatter).

    It reads as an update when it names a known municipality, a figure ("800
    huishoudens zonder stroom") or a category word (stroom, kookadvies, N3). A
    question is no update. The whole message is the report's text.
    """
    text = _CONTROL.sub("", body).strip()
    if not text or len(text) > MAX_FREE_TEXT_CHARS or contains_html_tag(text):
        return None
    if text.endswith("?"):
        return None
    folded = " ".join(fold(text).replace("’", "'").split())
    words = [w.strip("'-") for w in _WORD.findall(folded)]
    # "gasten naar Hotel Best Western": Best is no place offered, but a place after it
    # is ("Best Western vol, gasten naar Eindhoven" was chatter).
    # Two towns named ("van Dordrecht naar Sliedrecht"): none is offered, as a !melding
    # names none; the first was offered.
    named = [
        n for n in _free_municipalities(words, vocab) if not _only_in_other_names(text, n, vocab)
    ]
    municipality = named[0] if len(named) == 1 else None
    hits: dict[str, int] = {}
    for word in words:
        for category, hints in CATEGORY_HINTS.items():
            if word in hints:
                hits[category] = hits.get(category, 0) + 1
        if _ROAD.match(word):
            hits[Category.MOBILITY] = hits.get(Category.MOBILITY, 0) + 1
    figures = _free_figures(folded, vocab)
    if municipality is None and not figures and not hits:
        return None
    category = _free_category(words, hits)
    draft = ReportDraft(category=category, figures=figures, text=text)
    draft.text_tlp = tlp.text_marking(text)  # "… TLP:RED" raises the room's default label
    if municipality:
        draft.municipality = municipality
        draft.region = vocab.regions.region_of(municipality)
    return draft


# The head line of a report typed without its command: "evacuatie", "melding evacuatie",
# "! melding evacuatie" (a phone's space after the "!"), "report shelter".
_COMMAND_WORDS = frozenset({"melding", "report"})


def read_structured_free_text(
    body: str, vocab: Vocabulary, now: datetime
) -> ReportDraft | list[Problem] | None:
    """A report typed without `!melding`: free text whose first or second line starts a
    block of known fields (`ernst: extreem`, `tlp: rood`), read as the report it is, or
    its problems when its first line names a category; None for other free text. Read as plain free text, its severity was
    lost (no alert) and its label was the room's default. A first line that names only a
    category (with "melding" or a stray "!" before it) is the category; another first
    line before the fields is text."""
    lines = _CONTROL.sub("", body).strip().split("\n")
    if len(lines) < 2:
        return None
    head = [w for w in lines[0].replace("!", " ").split() if fold(w) not in _COMMAND_WORDS]
    category_word = head[0] if len(head) == 1 and _category_of(head[0]) else None
    if not (_starts_fields(lines[1], vocab) or _starts_fields(lines[0], vocab)):
        return None
    if category_word is not None:
        return parse_report(category_word, lines[1:], now, vocab)
    draft = _read_headless(lines, body, vocab, now)
    if isinstance(draft, list) and not any(_writes_severity_or_label(n, vocab) for n in lines):
        # Without a command, a category line, a severity or a label nothing says a report
        # was meant: a field that cannot be read makes it chatter with a field-like line
        # ("tijd: morgen 10:00"), not a broken report to refuse; it is plain free text.
        # With a severity or label it is refused: as plain text it would lose them.
        return None
    return draft


def _writes_severity_or_label(line: str, vocab: Vocabulary) -> bool:
    match = _formatted_field_match(INVISIBLE.sub("", line), vocab)
    return match is not None and _field_for(match.group(1)) in ("severity", "tlp")


def _read_headless(
    lines: list[str], body: str, vocab: Vocabulary, now: datetime
) -> ReportDraft | list[Problem] | None:
    """`read_structured_free_text` for a message whose first line names no category."""
    free = read_free_text(body, vocab)
    if free is None:
        return None  # no category, place, figure or category word: not an update
    if _starts_fields(lines[0], vocab):
        draft = parse_report(None, lines, now, vocab)
    elif not lines[0].replace("!", "").strip():
        draft = parse_report(None, lines[1:], now, vocab)
    else:
        draft = parse_report(None, [*lines[1:], "", lines[0]], now, vocab)
        head = read_free_text(lines[0], vocab)
        if isinstance(draft, ReportDraft) and head is not None:
            # "3 gewonden bij brand" above "gemeente: Dordrecht": the line is the text,
            # and its figures are read as free text's (they were lost); a field of the
            # same figure below it is the one written as a field.
            given = {f.metric for f in draft.figures}
            draft.figures += [f for f in head.figures if f.metric not in given]
    if isinstance(draft, ReportDraft):
        draft.category = free.category  # no category named: as the words suggest
    return draft


def _category_of(word: str) -> str | None:
    return lookup(CATEGORIES, word) or _hinted_category(word)


def _starts_fields(line: str, vocab: Vocabulary) -> bool:
    """Whether `line` is a field line of a known key (as the report parser reads it)."""
    match = _formatted_field_match(INVISIBLE.sub("", line), vocab)
    return match is not None and _known_key(match.group(1), vocab)


def _free_municipalities(words: list[str], vocab: Vocabulary) -> list[str]:
    """Every known municipality named in `words`; a name of four words is tried before
    one of three, and so on down to one, and a word of a longer name is no shorter one
    ("Bergen op Zoom" is no Bergen)."""
    index = _municipality_index(vocab)

    def name_at(start: int, size: int) -> str | None:
        typed = " ".join(words[start : start + size])
        # The words are read without their apostrophe: "'s-Hertogenbosch" is "s-…".
        return index.get(typed) or (index.get("'" + typed) if typed[:2] == "s-" else None)

    found: list[str] = []
    for _, _, name in _name_windows(len(words), name_at, by_size=True):
        if name not in found:
            found.append(name)
    return found


def _name_windows(
    count: int, name_at: Callable[[int, int], str | None], *, by_size: bool
) -> list[tuple[int, int, str]]:
    """The names in a text of `count` words, as (first word, words, name): windows of
    four words down to one that `name_at(start, size)` names (None: no name), none
    overlapping a window taken before it. `by_size`: every window of four words is
    tried before any of three, and so on (the longest name anywhere wins); else left to
    right, the longest name at each word (one walk for both readers of municipality
    names, `_free_municipalities` and `_named_municipalities`)."""
    sizes = (4, 3, 2, 1)
    if by_size:
        windows = [(start, size) for size in sizes for start in range(count - size + 1)]
    else:
        windows = [
            (start, size) for start in range(count) for size in sizes if start + size <= count
        ]
    taken: set[int] = set()
    found: list[tuple[int, int, str]] = []
    for start, size in windows:
        span = range(start, start + size)
        if not taken.isdisjoint(span):
            continue
        name = name_at(start, size)
        if name is None:
            continue
        taken.update(span)
        found.append((start, size, name))
    return found


def _only_in_other_names(text: str, municipality: str, vocab: Vocabulary) -> bool:
    """Whether every time `text` names `municipality` it is inside another proper name
    ("Hotel Best Western", "RTV Utrecht"): the free-text offer then names no place."""
    spots = [spot for name, spot in _named_municipalities(text, vocab) if name == municipality]
    return bool(spots) and all(spot.other_name or spot.moved for spot in spots)


# The words before a place name in a sentence: "stroomstoring in Sliedrecht".
_PLACE_WORDS = frozenset(
    [
        "in",
        "te",
        "bij",
        "nabij",
        "rond",
        "rondom",
        "omgeving",
        "naar",
        "uit",
        "van",
        "gemeente",
        "near",
        "at",
    ]
)
# The words before a name that is no place: a road's direction or detour ("A2 dicht
# richting Weert" is not in Weert) and a title before a person's name ("meneer Stein").
_NOT_PLACE_WORDS = frozenset(
    {
        "richting", "via", "towards", "toward",
        "meneer", "mevrouw", "mevr", "mw", "dhr", "heer", "familie", "fam", "mr", "mrs", "ms",
        # "Provincie Utrecht", "regio Utrecht": the province or the safety region.
        "provincie", "province", "regio", "region", "veiligheidsregio",
    }
)  # fmt: skip
# A province after a name says which of two places of that name it is ("Bergen (L)" is
# Bergen in Limburg, the table's Bergen is in Noord-Holland): the table cannot tell.
_PROVINCE_AFTER = re.compile(
    r"\s*\(\s*(?:L|Lb|LB|NH|N\.H\.|ZH|Z\.H\.|NB|N\.B\.|Gld|Gr|Fr|Dr|Ov|Ut|Z|Zl|Fl|"
    r"Limburg|Noord-Holland|Zuid-Holland|Noord-Brabant|Gelderland|Groningen|Friesland|"
    r"Drenthe|Overijssel|Utrecht|Zeeland|Flevoland)\s*\)"
)
# A capitalised article before a name starts another proper name: "sporthal De Bergen",
# "gemaal De Sluis" (a name that is itself "De …", "De Ronde Venen", is read whole).
_NAME_ARTICLES = frozenset(["De", "Het", "The"])


def text_municipality(text: str, vocab: Vocabulary) -> str | None:
    """The one municipality a report's text names as a place, for a `!melding` without
    `gemeente:` ("stroomstoring in Sliedrecht sinds 14.30u" was stored at an unknown
    place, out of its region's picture). Stricter than free text, which the liaison
    confirms before it is stored: the name is written with a capital, and follows a
    place word ("in", "bij", "te", …), stands inside a sentence or heads a line before a
    colon ("Utrecht: 40 mensen opgevangen"), so "Sluis 3 dicht", "de buren" or "putten"
    are no places; a name inside another proper name ("Hotel Best Western", "RTV
    Utrecht", `_in_other_name`) is none either; two different municipalities name none."""
    found = {
        name
        for name, spot in _named_municipalities(text, vocab)
        if spot.capital
        and (spot.after_place_word or not spot.opens or spot.heading)
        and not spot.named_else
        and not spot.moved
    }
    return found.pop() if len(found) == 1 else None


@dataclass(frozen=True)
class _Spot:
    """Where a municipality's name stands in a text (see `text_municipality`)."""

    capital: bool  # written with a capital
    opens: bool  # first word of its sentence
    after_place_word: bool  # "in Sliedrecht", "bij Gorinchem"
    heading: bool  # first on its line, a colon after it: "Utrecht: 40 mensen opgevangen"
    named_else: bool  # a road's direction, a person, a province, another proper name
    other_name: bool  # inside another proper name: "Hotel Best Western" (`_in_other_name`)
    # Where someone was taken, or where from: "overgebracht naar ziekenhuis in Gorinchem",
    # "van Dordrecht naar Sliedrecht gebracht" (`_moved`).
    moved: bool = False
    from_word: bool = False  # "van Dordrecht", "uit Dordrecht"


def _named_municipalities(text: str, vocab: Vocabulary) -> list[tuple[str, _Spot]]:
    """Each municipality name in `text` (four words tried before three, and so on) with
    where it stands."""
    index = _municipality_index(vocab)
    words = list(_WORD.finditer(text))

    def name_at(start: int, size: int) -> str | None:
        typed = " ".join(fold(w.group().replace("’", "'")) for w in words[start : start + size])
        return index.get(typed) or index.get(typed.strip("'-"))

    out: list[tuple[str, _Spot]] = []
    for n, size, name in _name_windows(len(words), name_at, by_size=False):
        span = words[n : n + size]
        first = span[0].group().lstrip("'’")
        if first.startswith("s-"):  # 's-Hertogenbosch, 's-Gravenhage
            first = first[2:]
        opens = _opens(text, words, n)
        # The word before, in the same sentence ("uit. Sluis 3" has none).
        typed_before = "" if opens else words[n - 1].group()
        before = fold(typed_before)
        rest = text[span[-1].end() :]
        other_name = _in_other_name(text, words, n, size)
        named_else = (
            before in _NOT_PLACE_WORDS
            or typed_before in _NAME_ARTICLES
            or _PROVINCE_AFTER.match(text, span[-1].end()) is not None
            or other_name
        )
        line_start = text[: span[0].start()].rstrip(" \t")
        # "Utrecht Overvecht: stroom uit": a district after the name, then the colon.
        colon = _DISTRICT_COLON.match(rest) or rest.lstrip(" \t").startswith(":")
        spot = _Spot(
            capital=first[:1].isupper(),
            opens=opens,
            after_place_word=before in _PLACE_WORDS,
            heading=(not line_start or line_start.endswith("\n")) and bool(colon),
            named_else=named_else,
            other_name=other_name,
            moved=_destination(words, n, text),
            from_word=before in _FROM_WORDS,
        )
        out.append((name, spot))
    if any(spot.moved for _, spot in out):
        # "van Dordrecht naar Sliedrecht gebracht": where they came from is no more the
        # report's place than where they went.
        out = [(name, replace(spot, moved=True) if spot.from_word else spot) for name, spot in out]
    return out


# A destination: "naar"/"to" a few words before the name, in a sentence that says someone
# was taken there or with a hospital between. Where patients were taken is not where the
# report is: "patiënten overgebracht naar ziekenhuis in Gorinchem" was stored in
# Gorinchem. ("gasten naar Eindhoven", without either, still names the place.)
_TO_WORDS = frozenset({"naar", "to"})
_FROM_WORDS = frozenset({"van", "uit", "from"})
_MOVED_WORDS = frozenset(
    {
        "overgebracht", "overgeplaatst", "vervoerd", "afgevoerd", "gebracht", "verplaatst",
        "getransporteerd", "verwezen", "opgehaald", "transferred", "taken", "moved",
        "brought", "transported", "airlifted", "geevacueerd", "evacuated", "gevlucht", "fled",
    }
)  # fmt: skip
_HOSPITAL_WORDS = frozenset({"hospital", "umc", "kliniek", "clinic", "seh", "gasthuis"})


def _destination(words: list[re.Match[str]], n: int, text: str) -> bool:
    """Whether the name at word `n` is where someone was taken (`_TO_WORDS`)."""
    start = n
    while start > 0 and not _opens(text, words, start):
        start -= 1
    end = n + 1
    while end < len(words) and not _opens(text, words, end):
        end += 1
    before = [fold(w.group()) for w in words[max(start, n - 5) : n]]
    at = max((i for i, w in enumerate(before) if w in _TO_WORDS), default=-1)
    if at < 0:
        return False
    between = before[at + 1 :]
    if any("ziekenhuis" in w or w in _HOSPITAL_WORDS for w in between):
        return True
    return any(fold(w.group()) in _MOVED_WORDS for w in words[start:end])


_DISTRICT_COLON = re.compile(r"[ \t]+[A-Z][^\W\d_]+[ \t]*:")


def _opens(text: str, words: list[re.Match[str]], n: int) -> bool:
    """Whether word `n` is the first of its sentence: only blanks between it and a
    sentence's end (`.!?:;` or a line break). Walked back over the blanks before it, not
    searched in all the text before it: a pattern (a sentence's end, blanks, the end)
    tried every line break of a run of blank lines up to the run's end, quadratic in
    the run."""
    if n == 0:
        return True
    end = start = words[n].start()
    while start > 0 and text[start - 1].isspace():
        start -= 1
    return "\n" in text[start:end] or (start > 0 and text[start - 1] in ".!?:;")


# Words after a municipality's name that say where in it, not another name: "Utrecht
# Centraal", "Den Haag Zuid".
_PART_OF_PLACE = frozenset(
    {
        "centraal", "centrum", "noord", "oost", "zuid", "west", "noordoost", "noordwest",
        "zuidoost", "zuidwest", "stad", "binnenstad", "haven",
    }
)  # fmt: skip
# A short word in capitals before a name is an organisation's ("RTV Utrecht", "FC
# Utrecht", "GGD Groningen"), unless all the text shouts.
_ACRONYM = re.compile(r"[A-Z]{2,4}")
# Acronyms of a kind of building, which stands in the town named after it: "opvang in
# AZC Dordrecht" is in Dordrecht (it gave no place: read as an organisation's name).
# "COA Dordrecht" is the COA's location there.
_BUILDING_ACRONYMS = frozenset({"AZC", "MFC", "IKC", "COA"})
# A word after a municipality's name that makes another name whatever stands before it:
# "bij Best Western" is a hotel chain, never a part of Best.
_NAME_AFTER = frozenset({"western"})


def _in_other_name(text: str, words: list[re.Match[str]], n: int, size: int) -> bool:
    """Whether the municipality's name at words `n`…`n + size` is part of another proper
    name: an organisation's acronym before it ("RTV Utrecht", "FC Utrecht"; a building's,
    "AZC Dordrecht", is in that town), or a capitalised word right after it in the same
    sentence when a capitalised word also goes before it ("Hotel Best Western"), except
    a part of the place ("Utrecht Centraal"). With a small word before it, a capitalised
    word after is the district ("stroomstoring Utrecht Overvecht"). A capitalised word
    before it alone is no sign: a shelter's name goes before its town ("Sporthal De
    Schans Dordrecht"), and that is the place. A name typed in capitals (the whole text
    shouts) is not judged so. Read as places, a hotel brand put the report in Best and a
    broadcaster in Utrecht."""
    typed = " ".join(w.group() for w in words[n : n + size])
    if typed.isupper():
        return False
    inside = n > 0 and not _opens(text, words, n)
    before = words[n - 1].group() if inside else ""
    # A word opening the sentence is capitalised as any is: "Stroomstoring Utrecht …".
    name_before = inside and not _opens(text, words, n - 1) and before[:1].isupper()
    if _ACRONYM.fullmatch(before):
        return before not in _BUILDING_ACRONYMS
    after_at = n + size
    if after_at < len(words) and not _opens(text, words, after_at):
        after = words[after_at].group()
        between = text[words[after_at - 1].end() : words[after_at].start()]
        if fold(after) in _NAME_AFTER and not between.strip():
            return True
        if (
            after[:1].isupper()
            and not between.strip()
            and fold(after) not in _PART_OF_PLACE
            and fold(after) not in _PLACE_WORDS
            and name_before
            and fold(before) not in _PLACE_WORDS
        ):
            return True
    return False


def _free_figures(folded: str, vocab: Vocabulary) -> list[Figure]:
    """The figures "<number> <metric word>" in the text, one per metric, the longest
    metric word first."""
    figures: list[Figure] = []
    for alias in sorted(vocab.metric_aliases, key=len, reverse=True):
        # "300 mensen geevacueerd", "3 people injured": who, then what happened to them.
        who = _FREE_PEOPLE if alias in _PARTICIPLE_ALIASES else ""
        match = re.search(_FREE_NUMBER + r"\s+" + who + re.escape(alias) + r"\b", folded)
        if match is None:
            match = _after_name(folded, alias, _municipality_index(vocab))
            if match is None:
                continue
        elif alias in _SINGULAR_ALIASES and not _ends_phrase(folded, match.end()):
            continue  # "100 dode vissen": the word describes something else
        metric = vocab.metric_aliases[alias]
        if _JOINED.search(folded, 0, match.start(2)) is not None:
            continue  # "3 en 4 gewonden": 7, or 3 to 4; the text keeps it as written
        parsed = parse_figure(match.group(2))
        if parsed is None or ambiguous_comma(match.group(2)):
            continue  # `1,200`: twelve hundred or 1,2; the text keeps it as written
        if any(f.metric == metric for f in figures):
            continue
        bound = bounds.of_word(match.group(1))
        ranged = _free_range(folded[: match.start(2)], match.group(2))
        if ranged is not None:
            # "3 à 4 gewonden", "100-150 huishoudens": the number before the metric word
            # was taken as an exact 4 or 150.
            parsed, bound = ranged, bounds.ESTIMATE
        rate = _FREE_RATE.match(folded, match.end())
        short = rate.group(1) or rate.group(2) if rate else None
        unit = f"per {PER_WORDS.get(short, short)}" if short else None
        figures.append(
            Figure(metric, parsed[0], unit, alias, estimate=bound != bounds.EXACT, bound=bound)
        )
    return figures


# Who before a participle: "300 mensen (zijn) geevacueerd", "3 people (were) injured".
_PARTICIPLE_ALIASES = frozenset({"geevacueerd", "evacuated", "gewond", "injured"})
_PEOPLE_WORDS = (
    "mensen", "personen", "bewoners", "inwoners", "people", "persons", "residents", "ppl",
    "pers", "patienten", "kinderen", "volwassenen", "reizigers",
)  # fmt: skip
_FREE_PEOPLE = (
    r"(?:(?:" + "|".join(_PEOPLE_WORDS) + r")\s+"
    r"(?:(?:zijn|werden|worden|were|are|have been|been)\s+)?)?"
)
# What may follow a figure written after its name ("gewonden: 3 bij Epe", "doden 2,
# gewonden 14"): an end, a sign, a small word or who was counted. Not a second number
# ("gewonden: 3 en 4", "3, 1 zwaar") nor another word ("gewonden 2 dagen geleden").
_AFTER_NAME_END = re.compile(r"\s*(?:$|[.,;!?)(]|([^\W\d_]+))")
_AFTER_NAME_MORE = re.compile(
    r"\s*(?:[,;+&/\-\u2013\u2014]|(?:en|and|of|or|a|à|tot|to|plus)(?!\w))\s*\d"
)

# A second part of the count later in its sentence ("gewonden: 3 bij Epe, 2 in Heerde",
# "3 near Epe and 2 in Heerde"): 3 was offered as the count, Heerde's 2 lost. Looked for
# within 200 characters of the figure: linear on long texts of many figures.
_PARTS_AFTER = re.compile(
    r"[^.;!?\n]{0,200}?(?:,|\s(?:en|and|plus)\s)\s*\d+\s+(?:in|bij|te|op|nabij|near|at)\b"
)


def _after_name(folded: str, alias: str, towns: Collection[str]) -> re.Match[str] | None:
    """The figure written after its name in free text ("gewonden: 3", "doden 2"), when
    it is one number (`_AFTER_NAME_END`); None otherwise. It was lost: only "<number>
    <name>" was read."""
    pattern = r"(?<!\w)" + re.escape(alias) + r"\s*[:=]?\s*" + _FREE_NUMBER
    for match in re.finditer(pattern, folded):
        if _FREE_RATE.match(folded, match.end()):
            return match  # "geevacueerden: 200 per uur"
        if _AFTER_NAME_MORE.match(folded, match.end()) or _PARTS_AFTER.match(folded, match.end()):
            continue
        end = _AFTER_NAME_END.match(folded, match.end())
        if end is None:
            continue
        word = end.group(1)
        if word is None or word in _AFTER_SINGULAR or word in _PEOPLE_WORDS:
            return match
        if word in _PLACE_WORDS or any(name.split()[0] == word for name in towns):
            return match  # "injured: 5 near Dordrecht", "gewonden:3 Dordrecht"
    return None


# A time after a free-text figure makes it a rate: "200 geevacueerden per uur" is no 200
# evacuees (summed as a stock), but 200 each hour (storage/metric_kinds.adds_up).
_FREE_RATE = re.compile(
    r"\s*(?:(?:per|/)\s*(uur|u|dag|etmaal|nacht|week|maand|minuut|min|kwartier|hour|day|"
    r"night|month|minute)\b|p\s*[./]\s*(?=[udw]\b)(u|d|w)\b)"
)
# Two numbers joined by "en"/"and" before a free-text figure ("3 en 4 gewonden"): a
# range or a sum, no one number; "tussen 3 en 4" is a range (`_free_range`).
_JOINED = re.compile(r"(?<!tussen )(?<!between )(?<![\w.,:])\d+\s+(?:en|and)\s+$")
_SINGULAR_ALIASES = frozenset({"dode", "gewonde", "geevacueerde"})
# The words a singular count may stand before: "1 dode bij brand", "1 gewonde en 2 ...".
_AFTER_SINGULAR = frozenset(
    {
        "en", "in", "bij", "te", "op", "aan", "door", "na", "nabij", "of", "gemeld",
        "gevonden", "aangetroffen", "gevallen", "sinds", "tijdens", "and", "at", "on",
        "reported", "naar", "uit", "van", "is", "vanwege", "afgevoerd", "overgebracht",
        "opgenomen", "geborgen", "overleden", "gisteren", "vandaag", "vannacht",
        "vanochtend", "vanmiddag", "vanavond", "zojuist", "nu", "ter", "om",
    }
)  # fmt: skip


def _ends_phrase(folded: str, at: int) -> bool:
    """Whether the count word ending at `at` ends its phrase: the end, a sign, or a
    small word after it, not a noun it describes ("dode vissen")."""
    after = re.match(r"\s*([^\W\d_]+)", folded[at:])
    if after is None or not folded[at : at + 1].isspace():
        return True
    return after.group(1) in _AFTER_SINGULAR


# The low end of a range right before a free-text figure: "3 à 4", "100-150", "3 tot 4",
# "tussen 3 en 4" ("en" joins a range only after "tussen"/"between").
_FREE_RANGE_START = re.compile(
    r"(?:(tussen|between)\s+(?:de\s+)?)?(?<![\w.,])(\d[\d.]*(?:,\d+)?)"
    r"(\s*[-–—]\s*|\s+(?:à|á|a|tot|to|of|or|en|and)\s+)$"
)


def _free_range(before: str, high: str) -> tuple[float, str | None] | None:
    """The range whose high end is `high`, when `before` ends with its low end."""
    low = _FREE_RANGE_START.search(before)
    if low is None:
        return None
    if low.group(3).strip() in ("en", "and") and low.group(1) is None:
        return None
    return parse_range(f"{low.group(2)} a {high}", dash=False)


def _free_category(words: list[str], hits: dict[str, int]) -> str:
    """The category most of its words point to; on a tie, the one named first."""
    if not hits:
        return Category.OTHER.value
    order = {
        c: min(
            i
            for i, w in enumerate(words)
            if w in CATEGORY_HINTS.get(c, ()) or (c == Category.MOBILITY and _ROAD.match(w))
        )
        for c in hits
    }
    return max(hits, key=lambda c: (hits[c], -order[c]))
