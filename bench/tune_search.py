"""Tune ContractVault's ranking weights on the TUNING half of the development set only.

Coordinate search: each weight in turn takes the value from its grid that gives the best
mean recall@10 (ties: MRR) on the tuning half, until a round changes nothing; values
that would break the promised order of sub-queries (see ``ordered``) are skipped. The index is
built once: weights act at query time. The test half is never loaded here.

    PYTHONPATH=. python bench/tune_search.py [--rounds N]

Prints each step and the best weights as a ``Weights(...)`` expression to copy into
index/query.py.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import bench_search_quality as bench  # noqa: E402

from index import ClauseIndex, Weights  # noqa: E402

print = functools.partial(print, flush=True)  # noqa: A001 - progress shows while it runs

GRID: dict[str, list[float]] = {
    "part": [0.3, 0.45, 0.6, 0.8],
    "derivation": [0.4, 0.55, 0.7, 0.85],
    "synonym": [0.3, 0.45, 0.6, 0.75, 0.9],
    "other_word": [0.2, 0.35, 0.45, 0.6, 0.8],
    "cross": [0.1, 0.2, 0.3, 0.45, 0.6],
    "cross_cap": [0.5, 0.7, 0.9, 1.0],
    "cognate": [0.0, 0.15, 0.3, 0.45],
    "loose": [0.2, 0.4, 0.6, 0.8],
    "phrase_gain": [0.0, 0.5, 0.75, 1.0],
    "heading": [1.0, 1.5, 2.0, 3.0],
    "tiebreak": [0.0, 0.1, 0.2, 0.35],
    "exact": [0.0, 0.15, 0.3, 0.5, 0.8],
    "coord": [0.0, 0.5, 1.0, 1.5, 2.0],
    "coverage": [0.0, 0.25, 0.5, 0.75],
    "meta": [0.4, 0.8, 1.0],
    "meta_doc": [0.0, 0.25, 0.5, 1.0, 2.0],
    "meta_name": [0.0, 0.5, 1.0, 2.0],
    "child": [0.25, 0.5, 0.75],
    "bigram": [0.0, 0.15, 0.3, 0.5, 0.8],
    "bm25_b": [0.3, 0.5, 0.65, 0.75, 0.9],
    "bm25_k1": [0.8, 1.2, 1.6, 2.0],
}


def ordered(w: Weights) -> bool:
    """The order the ranking promises, whatever the tuning half prefers: the words typed
    above their derivations, derivations (the same word family) at least as high as
    synonyms, synonyms above other-language expansions, and other-language matches capped
    below the best match in the query's own language."""
    return (
        w.word > max(w.part, w.derivation, w.synonym, w.other_word)
        and w.derivation >= w.synonym > w.cross
        and w.other_word >= w.cross
        and w.cross_cap < 1.0
    )


def score(ix: ClauseIndex, weights: Weights, queries: list[bench.Query], norms: dict) -> tuple[float, float]:
    ix.weights = weights
    ix.close()  # new searcher (BM25 parameters), query builder and ranker
    ix._builder = None
    outs = []
    for q in queries:
        res = ix.search(q.text, limit=bench.K)
        ranked = [bench.Passage(h.document_id, h.clause, "", h.text, h.start, h.end,
                                [a.document_id for a in h.also_in]) for h in res.hits]
        outs.append(bench.evaluate(ranked, q, norms))
    return bench.mean([o.recall for o in outs]), bench.mean([o.rr for o in outs])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    docs, queries, half, norms = bench.load_devset(bench.DEVSET)
    tune = [q for q in queries if half.get(q.qid) == "tune"]  # the tuning half, nothing else
    with tempfile.TemporaryDirectory() as tmp:
        ix = ClauseIndex(Path(tmp) / "ix", source=lambda: (len(docs), docs))
        ix.rebuild()
        best = Weights()
        best_score = score(ix, best, tune, norms)
        print(f"start: recall@10 {best_score[0]:.3f} MRR {best_score[1]:.3f}")
        for rnd in range(args.rounds):
            changed = False
            for name, values in GRID.items():
                for v in values:
                    if getattr(best, name) == v:
                        continue
                    trial = dataclasses.replace(best, **{name: v})
                    if not ordered(trial):
                        continue
                    got = score(ix, trial, tune, norms)
                    if got > best_score:
                        print(f"round {rnd + 1}: {name} {getattr(best, name)} -> {v}: "
                              f"recall@10 {got[0]:.3f} MRR {got[1]:.3f}")
                        best, best_score, changed = trial, got, True
            if not changed:
                break
        fields = {f.name: getattr(best, f.name) for f in dataclasses.fields(best)
                  if f.name in GRID and getattr(best, f.name) != getattr(Weights(), f.name)}
        print(f"best on the tuning half: recall@10 {best_score[0]:.3f} MRR {best_score[1]:.3f}")
        print("Weights(" + ", ".join(f"{k}={v}" for k, v in fields.items()) + ")")
        ix.close()


if __name__ == "__main__":
    main()
