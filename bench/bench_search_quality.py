"""Search quality: ClauseIndex against plain SQLite FTS5 BM25 on the same passages.

Corpus: the seed documents (/work/shared/seeds, each file one document) and the agreements
written for this bench (bench/corpus). Queries and their labels: bench/search_queries.toml.
Both systems index exactly the passages produced by ``index.segment``; FTS5 uses its default
unicode61 tokenizer and ranks with bm25(), the query's words OR-ed.

Prints recall@10 and MRR per system (overall, Swedish, English), the ratio, and the
queries where either system missed something.

    PYTHONPATH=. python bench/bench_search_quality.py [--seeds DIR] [--verbose]
"""

from __future__ import annotations

import argparse
import re
import sqlite3
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from index import ClauseIndex, IndexDocument, segment, tidy_text  # noqa: E402

CORPUS = ROOT / "bench" / "corpus"
QUERIES = ROOT / "bench" / "search_queries.toml"
DEFAULT_SEEDS = ROOT.parent / "shared" / "seeds"
K = 10

# key -> (file, title, doc_type, supplier)
DOCUMENTS = {
    "000": ("000_5256ad4dd16e0137.txt", "Avtal och dokumentation, molntjänster (SKR)", "ovrigt", None),
    "001": ("001_f4971de75b1b9fd7.txt", "Kungsbacka: delegering PUB-avtal, riktlinjer, systemmodell", "ovrigt", None),
    "002": ("002_636857f40d1dbdcd.txt", "Rutin för säker informationshantering för leverantörer", "bilaga", None),
    "003": ("003_399be2df4df3613e.txt", "Personuppgiftsbiträdesavtal, frågor och svar (SKR)", "ovrigt", None),
    "004": ("004_a20d73a35eeb7980.txt", "SSBTEK – avtalsdokument", "huvudavtal", "SKR"),
    "nimbus": ("nimbus_dpa_en.txt", "Nimbus Cloud Data Processing Addendum", "pub-avtal", "Nimbus Cloud Ltd"),
    "stratus": ("stratus_terms_en.txt", "Stratus Online Services Terms", "villkor", "Stratus Inc."),
    "molnia-pub": ("molnia_pub_sv.txt", "Personuppgiftsbiträdesavtal Molnia Forms", "pub-avtal", "Molnia AB"),
    "molnia-avtal": ("molnia_tjansteavtal_sv.txt", "Tjänsteavtal e-tjänsteplattform", "huvudavtal", "Molnia AB"),
}


def split_pages(text: str, size: int = 3000) -> list[str]:
    """Pages: form feeds; else the blank-line runs pypdf leaves at page breaks; else ~size chars."""
    if "\f" in text:
        return text.split("\f")
    if "\n\n\n\n" in text:
        return text.split("\n\n\n\n")
    pages, start = [], 0
    while start < len(text):
        end = text.rfind("\n", start + size // 2, start + size)
        end = len(text) if start + size >= len(text) or end <= start else end
        pages.append(text[start:end])
        start = end
    return pages


def load_documents(seeds: Path) -> list[IndexDocument]:
    docs = []
    for key, (name, title, doc_type, supplier) in DOCUMENTS.items():
        path = (seeds if key[0].isdigit() else CORPUS) / name
        docs.append(
            IndexDocument(
                document_id=key,
                contract_id=f"contract-{key}",
                title=title,
                doc_type=doc_type,
                supplier=supplier,
                board=None,
                secret=False,
                source_path=name,
                pages=split_pages(path.read_text(encoding="utf-8")),
            )
        )
    return docs


@dataclass
class Passage:
    document_id: str
    number: str | None
    text: str


def norm(s: str) -> str:
    return " ".join(s.split()).lower()


def matches(label: str, document_id: str, number: str | None, text: str) -> bool:
    doc, _, what = label.partition(":")
    if doc != document_id:
        return False
    if what.startswith("~"):
        return norm(what[1:]) in norm(text)
    return number == what


def score(ranked: list[Passage], labels: list[str]) -> tuple[float, float, list[str]]:
    """recall@K, reciprocal rank, and the labels not found in the top K."""
    top = ranked[:K]
    found = [lab for lab in labels if any(matches(lab, p.document_id, p.number, p.text) for p in top)]
    rr = 0.0
    for rank, p in enumerate(ranked[:K], start=1):
        if any(matches(lab, p.document_id, p.number, p.text) for lab in labels):
            rr = 1.0 / rank
            break
    missed = [lab for lab in labels if lab not in found]
    return len(found) / len(labels), rr, missed


class Fts5:
    """The baseline: SQLite FTS5, default tokenizer, bm25(), words OR-ed."""

    def __init__(self, passages: list[Passage], titles: dict[str, str]) -> None:
        self.db = sqlite3.connect(":memory:")
        self.db.execute("CREATE VIRTUAL TABLE p USING fts5(title, body)")
        self.passages = passages
        self.db.executemany(
            "INSERT INTO p(rowid, title, body) VALUES (?, ?, ?)",
            [(n, titles[p.document_id], p.text) for n, p in enumerate(passages)],
        )

    def search(self, q: str, limit: int = K) -> list[Passage]:
        words = re.findall(r"\w+", q)
        if not words:
            return []
        expr = " OR ".join('"' + w.replace('"', '""') + '"' for w in words)
        rows = self.db.execute(
            "SELECT rowid FROM p WHERE p MATCH ? ORDER BY bm25(p) LIMIT ?", (expr, limit)
        ).fetchall()
        return [self.passages[r[0]] for r in rows]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS)
    ap.add_argument("--verbose", action="store_true", help="print every query's top hits")
    args = ap.parse_args()

    docs = load_documents(args.seeds)
    queries = tomllib.loads(QUERIES.read_text(encoding="utf-8"))["query"]

    passages = [
        Passage(d.document_id, c.number, tidy_text(c.text)) for d in docs for c in segment(d.pages)
    ]
    titles = {d.document_id: f"{d.title} {d.supplier or ''}".strip() for d in docs}
    fts = Fts5(passages, titles)

    with tempfile.TemporaryDirectory() as tmp:
        ix = ClauseIndex(Path(tmp) / "ix", source=lambda: (len(docs), docs))
        t0 = time.perf_counter()
        clauses = ix.add(docs)
        build = time.perf_counter() - t0
        print(f"corpus: {len(docs)} documents, {clauses} clauses ({len(passages)} passages for FTS5); "
              f"ClauseIndex build {build:.2f} s; {len(queries)} queries")

        totals: dict[str, dict[str, list[float]]] = {}
        misses: list[str] = []
        for item in queries:
            q, lang, labels = item["q"], item["lang"], item["relevant"]
            res = ix.search(q, limit=K)
            # Hit.clause is the clause number, or the heading of an unnumbered passage; a
            # heading never equals a label's number, so it can be compared directly.
            ours = [Passage(h.document_id, h.clause, h.text) for h in res.hits]
            base = fts.search(q)
            r1, m1, miss1 = score(ours, labels)
            r2, m2, miss2 = score(base, labels)
            for system, (r, m) in (("ClauseIndex", (r1, m1)), ("FTS5", (r2, m2))):
                for group in ("all", lang):
                    totals.setdefault(system, {})
                    totals[system].setdefault(f"{group}:r", []).append(r)
                    totals[system].setdefault(f"{group}:m", []).append(m)
            if miss1 or miss2:
                misses.append(
                    f"  [{lang}] {q!r}: ClauseIndex R={r1:.2f} missed {miss1}; FTS5 R={r2:.2f} missed {miss2}"
                )
            if args.verbose:
                print(f"\n{q!r}")
                for n, h in enumerate(res.hits, 1):
                    print(f"  {n:2}. {h.document_id}:{h.clause} {h.score:.2f} {h.snippet[:110]}")

    def avg(xs: list[float]) -> float:
        return sum(xs) / len(xs) if xs else 0.0

    print(f"\n{'system':12} {'recall@10':>10} {'MRR':>7} {'R@10 sv':>9} {'R@10 en':>9} {'MRR sv':>8} {'MRR en':>8}")
    for system in ("ClauseIndex", "FTS5"):
        t = totals[system]
        print(
            f"{system:12} {avg(t['all:r']):10.3f} {avg(t['all:m']):7.3f} {avg(t['sv:r']):9.3f} "
            f"{avg(t['en:r']):9.3f} {avg(t['sv:m']):8.3f} {avg(t['en:m']):8.3f}"
        )
    ours_r, base_r = avg(totals["ClauseIndex"]["all:r"]), avg(totals["FTS5"]["all:r"])
    ours_m, base_m = avg(totals["ClauseIndex"]["all:m"]), avg(totals["FTS5"]["all:m"])
    print(f"\nratio ClauseIndex/FTS5: recall@10 {ours_r / base_r:.2f}x, MRR {ours_m / base_m:.2f}x")
    print(f"goal recall@10 >= 0.9: {'met' if ours_r >= 0.9 else 'NOT met'}; "
          f">= 1.5x FTS5: {'met' if ours_r >= 1.5 * base_r else 'NOT met'}")
    if misses:
        print("\nqueries with labels missing from the top 10:")
        print("\n".join(misses))


if __name__ == "__main__":
    main()
