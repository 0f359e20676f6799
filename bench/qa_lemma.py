"""Session 13, issue 13: Dutch lemmatisers that ship their data, in place of and beside
the Snowball (Kraaij-Pohlmann) stemmer, on today's code. A probe, not a dependency.

The stemmer strips "ge-" and so merges unrelated words (session 10's failure
analysis): "gemeente" and "mening" are both "meen", "gezin" is "zin", "gebied" meets
"bieden". Sessions 5 and 7 replaced the stemmer by simplemma (lemma then stem, or
lemma alone: -3 to -4 shared top-1); session 10 guarded the stemmer's ge-/-ig rules
by rule (no change). New here:

- a second lemmatiser, spaCy's Dutch lookup table (`spacy-lookups-data` 1.0.5,
  `nl_lemma_lookup`, 212,945 inflected forms -> lemma; a word that is its own lemma
  is not in it), in place of the stemmer (P1 lemma then stem, P2 lemma alone);
- the lemma as a guard (G): today's stem, except for a word whose lemma begins with
  "ge" while its stem lost it ("gemeente(n)", "gezin(nen)", "gebied(en)"): that word's
  term is its lemma, so it no longer meets "mening", "zin" or "bieden", and a
  participle ("geëvacueerd": lemma "evacueren") still stems as today;
- the lemma beside the stem (B): each word gives its stem term and a lemma term
  ("~gemeente"), so a word matches its own lemma twice and a stem-only relative once.

Each with simplemma 2.0.0 (S) and spaCy's table (P). Columns as bench/qa_signals.py.

    pip install --target /tmp/lem simplemma==2.0.0 spacy-lookups-data==1.0.5
    PYTHONPATH=$PWD:/tmp/lem KNOOPPUNT_EVAL_DIR=/work/shared/eval .venv/bin/python -m bench.qa_lemma

Measured 2026-12-05 (deterministic):

    experiment                                 shared t1   t3  inR outR cWrg | own t1   t3  inR outR cWrg
    today (stemmer)                            0.56 0.75  14%  90%  36%  |  0.91 0.94   9%  93%   6%
    S simplemma: lemma, then stem              0.53 0.73  11%  83%  41%  |  0.86 0.94   9%  93%   6%
    S simplemma: lemma, no stem                0.52 0.64  15%  80%  37%  |  0.68 0.86  29%  93%  16%
    S simplemma: ge- guard                     0.57 0.75  14%  90%  35%  |  0.89 0.95   9%  93%   8%
    S simplemma: ge- guard, Porter             0.57 0.75  14%  90%  35%  |  0.89 0.95   9%  93%   7%
    S simplemma: lemma beside stem             0.54 0.73  15%  83%  35%  |  0.81 0.91  17%  97%   9%
    P spaCy table: lemma, then stem            0.53 0.75  14%  83%  38%  |  0.90 0.94   8%  93%   6%
    P spaCy table: lemma, no stem              0.54 0.65  15%  80%  36%  |  0.67 0.85  31% 100%  19%
    P spaCy table: ge- guard                   0.60 0.74  14%  90%  32%  |  0.89 0.95   9%  93%   8%
    P spaCy table: ge- guard, Porter           0.60 0.74  14%  90%  32%  |  0.89 0.95   9%  93%   7%
    P spaCy table: lemma beside stem           0.57 0.72  15%  83%  33%  |  0.81 0.92  17% 100%  10%

Not kept. In place of the stemmer, either lemmatiser loses shared top-1 (as in
sessions 5 and 7) and answers more out-of-scope questions (80-83%). Beside it, the
lemma terms cost the own set 9-10 top-1 queries. The guard with spaCy's table is the
only row that moves the shared set the right way without a refusal cost (+3 top-1:
"gebeurd" no longer meets "beurt" twice, "gemeentehuizen" finds its item; -1 top-3:
"gevaccineerd"; confidently wrong 36% -> 32%), but the own set loses 2 top-1 ("Is
evacueren ... van de gemeente?", "When are we allowed back ... after being
evacuated?") and gains 1 top-3: a trade of a few queries either way, no step toward
0.75, for a 94 MB wheel that holds a 1.1 MB table.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import importlib
import importlib.resources
import json
import re
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path

from bench.qa_experiments import HEADER, Build, _patched_terms, both_sets
from knowledge.search import Index
from tests.support.eval_data import EVAL

Lemma = Callable[[str], str]
Worded = Callable[..., list[tuple[str, str]]]


@lru_cache(maxsize=1)
def _spacy_table() -> dict[str, str]:
    data = importlib.resources.files("spacy_lookups_data") / "data" / "nl_lemma_lookup.json.gz"
    with data.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as text:
        table: dict[str, str] = json.load(text)
    return table


def spacy_lemma(word: str) -> str:
    return _spacy_table().get(word, word)


def simplemma_lemma(word: str) -> str:
    module = importlib.import_module("simplemma")
    return str(module.lemmatize(word, lang="nl")).replace("_", "")


def _words(query: str, content_only: bool) -> list[str]:
    """The words today's `worded_terms` reads (phrases joined, stop words out)."""
    from knowledge import text

    folded = text._join_phrases(text._SEPARATED.sub(r"\1\2", text.fold(query)))
    words = [w for w in text._WORD.findall(folded) if w not in text.STOP_WORDS and len(w) > 1]
    return [w for w in words if w not in text.FUNCTION_WORDS] if content_only else words


def _term(stem: str) -> str:
    from knowledge import text

    return text._synonyms().get(stem, stem)


def replaced(lemma: Lemma, stem_after: bool) -> Worded:
    """The lemma in place of the word, then (or without) the stemmer."""
    from knowledge import text

    def worded(query: str, content_only: bool = False) -> list[tuple[str, str]]:
        words = _words(query, content_only)
        lemmas = [text.fold(lemma(w)) for w in words]
        stems = text._stemmer().stemWords(lemmas) if stem_after else lemmas
        return [(w, _term(s)) for w, s in zip(words, stems, strict=True)]

    return worded


def guarded(lemma: Lemma, porter: bool = False) -> Worded:
    """Today's stem, unless the lemma begins with "ge" and its stem does not: then the
    lemma (or, `porter`, the lemma through the older Porter stemmer, which keeps "ge-":
    "gemeenten" -> "gemeent" where spaCy's table has no lemma for it)."""
    import Stemmer

    from knowledge import text

    keep_ge = Stemmer.Stemmer("dutch_porter").stemWord

    def worded(query: str, content_only: bool = False) -> list[tuple[str, str]]:
        out = []
        for word, term in text.worded_terms(query, content_only):
            base = text.fold(lemma(word))
            stem = text._stemmer().stemWord(base)
            if base.startswith("ge") and not stem.startswith("ge") and len(base) > 4:
                term = _term(keep_ge(base) if porter else base)
            out.append((word, term))
        return out

    return worded


def beside(lemma: Lemma) -> Worded:
    """Each word's stem term and, as a second term, its lemma."""
    from knowledge import text

    def worded(query: str, content_only: bool = False) -> list[tuple[str, str]]:
        out = []
        for word, term in text.worded_terms(query, content_only):
            out += [(word, term), (word, "~" + re.sub(r"\W", "", text.fold(lemma(word))))]
        return out

    return worded


@contextlib.contextmanager
def _today() -> Iterator[Build]:
    yield Index


def variants() -> dict[str, Callable[[], contextlib.AbstractContextManager[Build]]]:
    out: dict[str, Callable[[], contextlib.AbstractContextManager[Build]]] = {
        "today (stemmer)": _today
    }
    for tag, lemma in (("S simplemma", simplemma_lemma), ("P spaCy table", spacy_lemma)):
        out[f"{tag}: lemma, then stem"] = lambda lemma=lemma: _patched_terms(replaced(lemma, True))
        out[f"{tag}: lemma, no stem"] = lambda lemma=lemma: _patched_terms(replaced(lemma, False))
        out[f"{tag}: ge- guard"] = lambda lemma=lemma: _patched_terms(guarded(lemma))
        out[f"{tag}: ge- guard, Porter"] = lambda lemma=lemma: _patched_terms(
            guarded(lemma, porter=True)
        )
        out[f"{tag}: lemma beside stem"] = lambda lemma=lemma: _patched_terms(beside(lemma))
    return out


def main(eval_dir: Path) -> None:
    print(HEADER)
    for name, make in variants().items():
        with make() as build:
            print(f"{name:<42} {both_sets(build, eval_dir)}", flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--eval", type=Path, default=EVAL)
    main(parser.parse_args().eval)
