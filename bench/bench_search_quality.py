"""Search quality on the development set: ContractVault against plain Whoosh BM25F and
SQLite FTS5 BM25, over the same passages, in the same run.

Data: bench/search_devset/ (see its README.md): real agreement texts (texts/*.txt), queries
with the clauses a good answer contains, given as exact quotes (queries.jsonl), and the
split of the queries into a tuning half and a test half (split.json). Weights were tuned
on the tuning half only; the test half is the figure that counts.

Systems, all over the passages ``index.segment`` cuts (each text file is one document):

* ContractVault — ``index.ClauseIndex`` as the product uses it (versions and
  near-duplicates folded; a folded passage counts where its hit is shown);
* plain Whoosh BM25F — a ``body`` and a ``heading`` field, Whoosh's standard analyzer,
  the query's words OR-ed, BM25F with Whoosh's defaults;
* SQLite FTS5 — one column, the default unicode61 tokenizer, ``bm25()``, the words OR-ed.

Reported per half, overall, per language, per query class (the dev set's ``class``:
keyword, question, phrase, identifier, cross) and per query length: recall@10, MRR, nDCG@10
(binary relevance), and cross-language hits (expected clauses in the other language than
the query found in the top 10, of how many). Then the goals, on the test half:
recall@10 >= 1.5x FTS5's, Swedish recall >= FTS5's, no query class below plain BM25.

    PYTHONPATH=. python bench/bench_search_quality.py [--half tune|test|both] [--misses]

``--misses`` lists the tuning half's misses (never the test half's: nothing may be
changed after looking at those).
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sqlite3
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from index import ClauseIndex, IndexDocument, Weights, segment, tidy_text  # noqa: E402

DEVSET = ROOT / "bench" / "search_devset"
K = 10
BATCH_2_FROM = 178  # the first query of the dev set's second batch (see its README)


# -- the data -------------------------------------------------------------------------------


@dataclass
class Expected:
    doc: str
    quote: str
    lang: str = ""
    spans: list[tuple[int, int]] = field(default_factory=list)  # in the normalised text


@dataclass
class Query:
    qid: str
    text: str
    lang: str
    qclass: str
    expected: list[Expected]


@dataclass
class Passage:
    doc: str
    clause: str | None
    heading: str
    text: str
    start: int | None = None  # character range in the joined document text
    end: int | None = None
    also: list[str] = field(default_factory=list)  # documents folded into this hit


_WS = re.compile(r"\s+")


def norm(s: str) -> str:
    """The dev set's normal form: whitespace runs as one space (check.py)."""
    return _WS.sub(" ", s).strip()


def split_pages(text: str, size: int = 3000) -> list[str]:
    """Pages: form feeds; else about ``size`` characters cut at line ends."""
    if "\f" in text:
        return text.split("\f")
    pages, start = [], 0
    while start < len(text):
        end = text.rfind("\n", start + size // 2, start + size)
        end = len(text) if start + size >= len(text) or end <= start else end
        pages.append(text[start:end])
        start = end
    return pages


class Normaliser:
    """Maps character offsets of a document's joined text to offsets in its normal form."""

    def __init__(self, joined: str) -> None:
        self.map: list[int] = []
        out: list[str] = []
        space = True  # leading whitespace is dropped
        for ch in joined:
            if ch.isspace():
                if not space:
                    out.append(" ")
                    space = True
                self.map.append(len(out))
            else:
                self.map.append(len(out))
                out.append(ch)
                space = False
        self.map.append(len(out))
        self.text = "".join(out)

    def span(self, start: int, end: int) -> tuple[int, int]:
        return self.map[max(0, start)], self.map[min(end, len(self.map) - 1)]


def load_devset(root: Path) -> tuple[list[IndexDocument], list[Query], dict[str, str], dict[str, Normaliser]]:
    """Documents, queries, the half of each query ("tune" or "test"), and each
    document's normaliser."""
    sources = {Path(s["file"]).stem: s for s in json.loads((root / "sources.json").read_text("utf-8"))}
    docs, norms = [], {}
    for path in sorted((root / "texts").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        meta = sources.get(path.stem, {})
        pages = split_pages(text)
        docs.append(IndexDocument(
            document_id=path.stem, contract_id=f"c-{path.stem}", title=meta.get("title") or path.stem,
            doc_type="ovrigt", supplier=meta.get("supplier"), board=None, secret=False,
            source_path=path.name, pages=pages, language=meta.get("language") or None,
        ))
        norms[path.stem] = Normaliser("\f".join(pages))
    lang_of = {d.document_id: d.language or "" for d in docs}
    queries = []
    for line in (root / "queries.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        d = json.loads(line)
        expected = []
        for e in d["relevant"]:
            doc = Path(e["file"]).stem
            quote = norm(e["quote"])
            hay = norms[doc].text
            spans, at = [], hay.find(quote)
            while at >= 0:
                spans.append((at, at + len(quote)))
                at = hay.find(quote, at + 1)
            assert spans, (d["id"], doc, quote)
            expected.append(Expected(doc, quote, lang_of.get(doc, ""), spans))
        queries.append(Query(d["id"], d["q"], d["lang"], d["class"], expected))
    split = json.loads((root / "split.json").read_text(encoding="utf-8"))
    half = {qid: name for name in ("tune", "test") for qid in split.get(name, [])}
    return docs, queries, half, norms


# -- the systems ----------------------------------------------------------------------------


def passages_of(docs: list[IndexDocument]) -> list[Passage]:
    out = []
    for d in docs:
        for c in segment(d.pages):
            text = tidy_text(c.text)
            if text:
                out.append(Passage(d.document_id, c.number or c.heading, c.heading or "", text,
                                   c.start, c.end))
    return out


class ContractVault:
    name = "ContractVault"

    def __init__(self, docs: list[IndexDocument], folder: Path, weights: Weights | None = None) -> None:
        self.ix = ClauseIndex(folder / "cv", source=lambda: (len(docs), docs), weights=weights)
        self.ix.rebuild()

    def search(self, q: str) -> list[Passage]:
        res = self.ix.search(q, limit=K)
        return [Passage(h.document_id, h.clause, "", h.text, h.start, h.end,
                        [a.document_id for a in h.also_in]) for h in res.hits]


class PlainWhoosh:
    name = "Whoosh BM25F"

    def __init__(self, passages: list[Passage], folder: Path) -> None:
        from whoosh import index as windex
        from whoosh.fields import NUMERIC, TEXT, Schema
        from whoosh.qparser import MultifieldParser, OrGroup

        folder.mkdir(parents=True, exist_ok=True)
        schema = Schema(n=NUMERIC(stored=True), body=TEXT, heading=TEXT)
        self.ix = windex.create_in(str(folder), schema)
        w = self.ix.writer(limitmb=256)
        for n, p in enumerate(passages):
            w.add_document(n=n, body=p.text, heading=p.heading)
        w.commit()
        self.passages = passages
        self.searcher = self.ix.searcher()
        self.parser = MultifieldParser(["body", "heading"], schema, group=OrGroup)

    def search(self, q: str) -> list[Passage]:
        words = re.findall(r"\w+", q)
        if not words:
            return []
        query = self.parser.parse(" ".join(words))
        return [self.passages[h["n"]] for h in self.searcher.search(query, limit=K)]


class Fts5:
    name = "FTS5 BM25"

    def __init__(self, passages: list[Passage]) -> None:
        self.db = sqlite3.connect(":memory:")
        self.db.execute("CREATE VIRTUAL TABLE p USING fts5(body)")
        self.passages = passages
        self.db.executemany("INSERT INTO p(rowid, body) VALUES (?, ?)",
                            [(n, p.text) for n, p in enumerate(passages)])

    def search(self, q: str) -> list[Passage]:
        words = re.findall(r"\w+", q)
        if not words:
            return []
        expr = " OR ".join('"' + w.replace('"', '""') + '"' for w in words)
        rows = self.db.execute("SELECT rowid FROM p WHERE p MATCH ? ORDER BY bm25(p) LIMIT ?",
                               (expr, K)).fetchall()
        return [self.passages[r[0]] for r in rows]


# -- scoring --------------------------------------------------------------------------------


MIN_OVERLAP = 20  # characters a passage must share with a quote to show its clause


def covers(p: Passage, e: Expected, norms: dict[str, Normaliser]) -> bool:
    """The passage shows the expected clause: it contains or overlaps the quote (any of
    its places, for text repeated in a document). A passage folded into a hit counts where
    the hit is shown, when the hit's text holds the quote."""
    if p.doc == e.doc and p.start is not None and p.end is not None:
        a, b = norms[p.doc].span(p.start, p.end)
        need = min(MIN_OVERLAP, len(e.quote))
        if any(min(b, y) - max(a, x) >= need for x, y in e.spans):
            return True
    return e.doc in p.also and e.quote in norm(p.text)


@dataclass
class Outcome:
    recall: float
    rr: float
    ndcg: float
    cross_found: int
    cross_total: int
    missed: list[Expected]
    ranks: dict[int, int]


def evaluate(ranked: list[Passage], q: Query, norms: dict[str, Normaliser]) -> Outcome:
    top = ranked[:K]
    found: dict[int, int] = {}
    for i, e in enumerate(q.expected):
        for rank, p in enumerate(top, start=1):
            if covers(p, e, norms):
                found[i] = rank
                break
    rr = 0.0
    dcg = 0.0
    for rank, p in enumerate(top, start=1):
        rel = any(covers(p, e, norms) for e in q.expected)
        if rel and not rr:
            rr = 1.0 / rank
        if rel:
            dcg += 1.0 / math.log2(rank + 1)
    ideal = sum(1.0 / math.log2(r + 1) for r in range(1, min(len(q.expected), K) + 1))
    cross = [i for i, e in enumerate(q.expected) if e.lang and e.lang != q.lang]
    return Outcome(
        recall=len(found) / len(q.expected) if q.expected else 0.0,
        rr=rr,
        ndcg=dcg / ideal if ideal else 0.0,
        cross_found=sum(1 for i in cross if i in found),
        cross_total=len(cross),
        missed=[e for i, e in enumerate(q.expected) if i not in found],
        ranks=found,
    )


def mean(xs: list[float]) -> float:
    return sum(xs) / len(xs) if xs else 0.0


def run(args: argparse.Namespace, weights: Weights | None = None, quiet: bool = False) -> dict[str, Any]:
    docs, queries, half, norms = load_devset(args.devset)
    passages = passages_of(docs)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        systems = [ContractVault(docs, Path(tmp), weights), PlainWhoosh(passages, Path(tmp) / "w"),
                   Fts5(passages)]
        if not quiet:
            print(f"dev set: {len(docs)} documents, {len(passages)} passages, {len(queries)} queries "
                  f"({sum(1 for q in queries if half.get(q.qid) == 'tune')} tune, "
                  f"{sum(1 for q in queries if half.get(q.qid) == 'test')} test); indexed in "
                  f"{time.perf_counter() - t0:.1f} s")
        results: dict[str, dict[str, Outcome]] = defaultdict(dict)
        for q in queries:
            for s in systems:
                results[s.name][q.qid] = evaluate(s.search(q.text), q, norms)
    return {"queries": queries, "half": half, "results": results, "systems": [s.name for s in systems]}


def table(data: dict[str, Any], halfname: str) -> dict[str, dict[str, float]]:
    """Print the figures of one half; returns {system: {group: recall}}."""
    queries = [q for q in data["queries"] if data["half"].get(q.qid) == halfname]
    if not queries:
        return {}
    groups: dict[str, list[Query]] = {"all": queries}
    for q in queries:
        groups.setdefault(f"lang={q.lang}", []).append(q)
    for q in queries:
        groups.setdefault(f"class={q.qclass}", []).append(q)
    for q in queries:  # the dev set's classes mix both; these rows split by length alone
        n = len(re.findall(r"\w+", q.text))
        groups.setdefault("words=1" if n == 1 else "words=2-3" if n <= 3 else "words=4+", []).append(q)
    for q in queries:  # batch 2 (identifier queries) was written after the split
        first = int(q.qid[1:]) < BATCH_2_FROM
        groups.setdefault(f"batch=1 q001-q{BATCH_2_FROM - 1}" if first else f"batch=2 q{BATCH_2_FROM}-",
                          []).append(q)
    print(f"\n== {halfname} half: {len(queries)} queries ==")
    print(f"{'group':28} {'n':>4} " + " ".join(f"{s[:13]:>13} R  MRR  nDCG" for s in data["systems"]))
    recalls: dict[str, dict[str, float]] = defaultdict(dict)
    for g, qs in groups.items():
        cells = []
        for s in data["systems"]:
            out = [data["results"][s][q.qid] for q in qs]
            r, m, n = mean([o.recall for o in out]), mean([o.rr for o in out]), mean([o.ndcg for o in out])
            recalls[s][g] = r
            cells.append(f"{'':>7}{r:5.3f} {m:5.3f} {n:5.3f}")
        print(f"{g:28} {len(qs):4} " + " ".join(cells))
    for s in data["systems"]:
        out = [data["results"][s][q.qid] for q in queries]
        found, total = sum(o.cross_found for o in out), sum(o.cross_total for o in out)
        print(f"cross-language hits, {s}: {found} of {total} expected clauses in the other language")
    return recalls


def goals(recalls: dict[str, dict[str, float]]) -> None:
    cv, fts, bm = recalls["ContractVault"], recalls["FTS5 BM25"], recalls["Whoosh BM25F"]
    print(f"\ngoal recall@10 >= 1.5x FTS5: {cv['all']:.3f} vs {1.5 * fts['all']:.3f} "
          f"({cv['all'] / max(fts['all'], 1e-9):.2f}x) -> {'met' if cv['all'] >= 1.5 * fts['all'] else 'NOT met'}")
    if "lang=sv" in cv:
        print(f"goal Swedish >= FTS5: {cv['lang=sv']:.3f} vs {fts['lang=sv']:.3f} -> "
              f"{'met' if cv['lang=sv'] >= fts['lang=sv'] else 'NOT met'}")
    worse = [g for g in cv if g.startswith("class=") and cv[g] < bm[g] - 1e-9]
    print("goal no query class below plain BM25: " + ("met" if not worse else f"NOT met ({', '.join(worse)})"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--devset", type=Path, default=DEVSET)
    ap.add_argument("--half", choices=["tune", "test", "both"], default="both")
    ap.add_argument("--misses", action="store_true", help="list the tuning half's misses")
    args = ap.parse_args()
    data = run(args)
    halves = ["tune", "test"] if args.half == "both" else [args.half]
    for h in halves:
        recalls = table(data, h)
        if recalls and h == "test":
            goals(recalls)
    if args.misses:
        print("\n== misses of ContractVault on the tuning half ==")
        for q in data["queries"]:
            if data["half"].get(q.qid) != "tune":
                continue
            o = data["results"]["ContractVault"][q.qid]
            for e in o.missed:
                print(f"  [{q.qid} {q.lang} {q.qclass}] {q.text!r}: {e.doc}: {e.quote[:80]!r}")


if __name__ == "__main__":
    main()
