"""How a figure was given: exactly, as an estimate, or as a bound with a direction.

"meer dan 3" is not "about 3": a coordinator who reads "ca. 3 gewonden" where the
liaison said more than three is misled the wrong way. The kind is stored with every
figure (`entry_figures.bound`, migration 0032) and shown before the number everywhere a
figure is shown (`prefix`). A sum keeps what its parts allow (`of_sum`): never exact
when a bound or an estimate is in it.
"""

from __future__ import annotations

from collections.abc import Iterable

EXACT = "exact"
ESTIMATE = "estimate"
OVER = "over"  # more than: "meer dan 3", "ruim 3", "> 3"
AT_LEAST = "at_least"  # "minstens 3", "≥ 3"
UNDER = "under"  # fewer than: "bijna 50", "minder dan 50", "< 50"
AT_MOST = "at_most"  # "hooguit 50", "≤ 50"
KINDS = (EXACT, ESTIMATE, OVER, AT_LEAST, UNDER, AT_MOST)
LOWER = frozenset({OVER, AT_LEAST})
UPPER = frozenset({UNDER, AT_MOST})

# The same marks in Dutch and English: "ca." is read in both.
_PREFIX = {EXACT: "", ESTIMATE: "ca. ", OVER: "> ", AT_LEAST: "≥ ", UNDER: "< ", AT_MOST: "≤ "}
# The CSV's compact mark (`metric=~3`, `metric=>3`).
_MARK = {EXACT: "", ESTIMATE: "~", OVER: ">", AT_LEAST: ">=", UNDER: "<", AT_MOST: "<="}

# The words of a bound as people write them (folded, blanks as one), and the kind each
# gives; every other hedge ("ca.", "ongeveer", "mogelijk") is an estimate.
_WORDS = {
    OVER: ("meer dan", "ruim", "more than", ">"),
    AT_LEAST: (
        *("ten minste", "tenminste", "minstens", "minimaal", "at least", ">=", "≥"),
        *("min.", "min", "minimum", "+", "of meer", "en meer", "or more"),
    ),
    UNDER: ("minder dan", "bijna", "less than", "fewer than", "almost", "nearly", "<"),
    AT_MOST: (
        *("hooguit", "maximaal", "at most", "<=", "≤"),
        *("max.", "max", "maximum", "tot", "up to", "of minder", "or less"),
    ),
}
_KIND_OF_WORD = {word: kind for kind, words in _WORDS.items() for word in words}


def of_word(word: str | None) -> str:
    """The kind a figure's hedge word gives: None (no word) is exact, a bound word its
    bound, any other hedge an estimate."""
    if word is None:
        return EXACT
    return _KIND_OF_WORD.get(" ".join(word.lower().split()), ESTIMATE)


def kind_of(bound: str | None, estimate: bool = False) -> str:
    """A stored figure's kind: its `bound` column, else (older rows, snapshots) what its
    estimate flag said."""
    if bound in KINDS:
        return str(bound)
    return ESTIMATE if estimate else EXACT


def prefix(bound: str | None, estimate: bool = False) -> str:
    """What goes before the number: '', 'ca. ', '> ', '≥ ', '< ', '≤ '."""
    return _PREFIX[kind_of(bound, estimate)]


def mark(bound: str | None, estimate: bool = False) -> str:
    return _MARK[kind_of(bound, estimate)]


def of_sum(kinds: Iterable[str]) -> str:
    """The kind of a sum of figures of these kinds. Exact only when every part is; lower
    bounds and exact parts make a lower bound (strict when any part is), upper bounds
    and exact parts an upper bound; an estimate, or bounds in both directions (nothing
    can be said of the sum then but its order), make an estimate."""
    parts = set(kinds) - {EXACT}
    if not parts:
        return EXACT
    if parts <= LOWER:
        return OVER if OVER in parts else AT_LEAST
    if parts <= UPPER:
        return UNDER if UNDER in parts else AT_MOST
    return ESTIMATE
