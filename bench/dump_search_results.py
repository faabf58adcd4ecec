"""Dump the results of every speed-bench query on a kept index, for an exact before/after
comparison of a change to the search mechanism (diff two dumps: they must be identical).

    PYTHONPATH=. python bench/dump_search_results.py --keep /tmp/ix --clauses 30000 > before.txt
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_search_speed import DEFAULT_SEEDS, make_documents, make_queries  # noqa: E402
from index import ClauseIndex  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--keep", type=Path, required=True, help="the bench's --keep folder")
    ap.add_argument("--clauses", type=int, default=30_000)
    ap.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS)
    ap.add_argument("--limit", type=int, default=10)
    args = ap.parse_args()
    _docs, texts = make_documents(args.clauses, args.seeds)
    queries = make_queries(texts, args.seeds)
    ix = ClauseIndex(args.keep / str(args.clauses) / "ix")
    if not ix.ready():
        sys.exit(f"no kept index in {args.keep / str(args.clauses)}: run the speed bench with --keep")
    for kind, qs in queries.items():
        for q in qs:
            for secret in (False, True):
                r = ix.search(q, limit=args.limit, include_secret=secret)
                hits = [h.as_dict() if hasattr(h, "as_dict") else vars(h) for h in r.hits]
                print(json.dumps({"kind": kind, "q": q, "secret": secret, "total": r.total,
                                  "language": r.language, "folded": r.folded, "merged": r.merged,
                                  "below_limit": r.below_limit, "compared_all": r.compared_all,
                                  "hits": hits},
                                 ensure_ascii=False, sort_keys=True, default=repr))
    ix.close()


if __name__ == "__main__":
    main()
