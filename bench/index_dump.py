"""Dump a bench clause index for comparing two versions of the index code: a digest per
indexed field of every term's postings (keyed by document id and clause number, so the
document numbering does not matter), of the field lengths and of the stored fields; then
the top 10 hits of the search-speed bench's queries. Two equal dumps mean the same index
contents and the same search results.

    python bench/index_dump.py CODE_DIR N_CLAUSES OUT.json [PROCESSES]

CODE_DIR is a checkout whose ``index`` package is used (e.g. ``git archive`` of another
commit unpacked somewhere); with ADDS=1 in the environment, 1200 single adds and one batch
add are made on top before dumping.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path


def main(code: str, n: int, out: str, procs: int | None) -> None:
    """Build, optionally add, and dump (see the module docstring)."""
    sys.path.insert(0, code)
    sys.path.insert(1, str(Path(__file__).resolve().parent))
    # Imported first: the bench module puts its own checkout first on the path.
    import index
    from index import ClauseIndex

    assert Path(index.__file__).is_relative_to(Path(code).resolve()), index.__file__
    import bench_search_speed as b

    docs, texts = b.make_documents(n, b.DEFAULT_SEEDS)
    queries = b.make_queries(texts, b.DEFAULT_SEEDS)
    res: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        ix = ClauseIndex(Path(tmp) / "ix", source=lambda: (len(docs), docs), processes=procs)
        ix.rebuild()
        if os.environ.get("ADDS"):
            extra, _ = b.make_documents(30 * 40, b.DEFAULT_SEEDS)
            for i, d in enumerate(extra):
                d.document_id = f"extra-{i}"
                ix.add([d])
            ix.add(extra[:60])  # a batch replacing documents already there
        s = ix._get_searcher()  # noqa: SLF001
        r = s.reader()
        key = {docnum: (f["document_id"], f["n"]) for docnum, f in r.iter_docs()}
        stored = hashlib.sha256()
        for dn in sorted(key, key=key.__getitem__):
            stored.update(json.dumps(r.stored_fields(dn), sort_keys=True).encode())
        res["doc_count"] = r.doc_count()
        res["stored"] = stored.hexdigest()
        for field in sorted(s.schema.names()):
            if not s.schema[field].indexed:
                continue
            h = hashlib.sha256()
            nterms = 0
            for tb in r.lexicon(field):
                nterms += 1
                m = r.postings(field, tb)
                ps = []
                while m.is_active():
                    ps.append((key[m.id()], m.weight(), m.value()))
                    m.next()
                h.update(repr((tb, r.doc_frequency(field, tb), sorted(ps))).encode())
            lengths = sorted((key[dn], r.doc_field_length(dn, field, 0)) for dn in key)
            h.update(repr(lengths).encode())
            res[f"field {field}"] = (nterms, r.field_length(field), h.hexdigest())
        for kind, qs in queries.items():
            for q in qs + [q + " avtal" for q in qs[:5]]:
                sr = ix.search(q, limit=10)
                res[f"q {kind} {q}"] = {"total": sr.total, "hits": [
                    (h.document_id, h.clause, h.score, h.snippet) for h in sr.hits]}
        ix.close()
    Path(out).write_text(json.dumps(res, indent=1, sort_keys=True, default=str), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else None)
