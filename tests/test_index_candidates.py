"""The candidate scorer (index/candidates.py) gives exactly what Whoosh's matchers give.

Ranking reads postings directly instead of building Whoosh matchers; these tests compare
the two on a real multi-segment index (small segments, deletions, secret documents) of
synthetic agreements from the speed bench's generator, for the bench's queries and some
Whoosh-syntax ones: the same scores to the last bit, the same top lists and counts.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from whoosh import query as wq

from index import ClauseIndex
from index.candidates import CandidateScorer, count_matches, read_block, syntax_search
from index.query import QueryBuilder
from index.ranking import _score_into
from index.syntax import parse_syntax, uses_syntax

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.bench_search_speed import (  # noqa: E402
    DEFAULT_SEEDS,
    make_documents,
    make_queries,
)

SYNTAX = [
    "personuppgifter OR leverantören OR data",
    "avtal OR data OR säkerhet OR leverantör",
    "leverantören AND (avtal OR tjänst OR kund)",
    '"avtalet ska" leverantören (tjänst OR kund OR data)',
    "personuppgifter NOT avtal",
    "avtal*",
    '"leverantören ska" avtal',
    '"avtal avtal" tjänst',
]


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    if not DEFAULT_SEEDS.is_dir():
        pytest.fail(f"the shared seeds are not at {DEFAULT_SEEDS}", pytrace=False)
    docs, texts = make_documents(2_400, DEFAULT_SEEDS)
    ix = ClauseIndex(tmp_path_factory.mktemp("cand") / "ix")
    for i in range(0, len(docs), 20):  # several small segments
        ix.add(docs[i : i + 20])
    ix.remove(docs[3].document_id)  # deletions in a segment
    ix.search("avtal")
    queries = [q for qs in make_queries(texts, DEFAULT_SEEDS).values() for q in qs] + SYNTAX
    # phrases of three and four words, as they stand in clauses
    for k in (10, 200, 900, 1500):
        words = [w.strip(".,").lower() for w in texts[k].split()[2 : 5 + k % 2]]
        queries.append('"' + " ".join(words) + '"')
    yield ix, queries
    ix.close()


def _whoosh_concepts(searcher, q, candidates):
    into: dict[int, list[float]] = {}
    context = searcher.context(needs_current=True)
    for sub, offset in searcher.leaf_searchers():
        end = offset + sub.doc_count_all()
        local = [d for d in candidates if offset <= d < end]
        if local:
            _score_into(q.matcher(sub, context), local, offset, 0, 1, into)
    return {d: v[0] for d, v in into.items()}


def test_several_segments_with_deletions(index):
    ix, _ = index
    searcher = ix._get_searcher()
    assert len(searcher.leaf_searchers()) > 2
    assert searcher.reader().has_deletions()


def test_concept_scores_are_whooshs_to_the_bit(index):
    ix, queries = index
    searcher = ix._get_searcher()
    builder = QueryBuilder(searcher.schema, weights=ix.weights)
    scorer = CandidateScorer(searcher)
    n_all = searcher.doc_count_all()
    compared = 0
    for text in queries:
        if uses_syntax(text):
            continue
        plan = builder.plain(text, reader=searcher.reader())
        for c in plan.concepts:
            for q in (c.mine, c.theirs):
                if q is None:
                    continue
                # candidates: every clause matching the query, and some that do not
                cands = sorted(set(searcher.docs_for_query(q)) | set(range(0, n_all, 7)))
                ours = scorer.score([q], cands)[0]
                assert ours is not None
                assert ours == _whoosh_concepts(searcher, q, cands), (text, q)
                compared += 1
    assert compared > 100


@pytest.mark.parametrize("counted", [True, False])
@pytest.mark.parametrize("masked", [True, False])
def test_syntax_search_is_whooshs_search(index, counted, masked):
    ix, queries = index
    searcher = ix._get_searcher()
    scorer = CandidateScorer(searcher)
    mask = set(searcher.docs_for_query(wq.Term("document_id", "doc-5"))) if masked else None
    fast = 0
    for text in queries:
        if not uses_syntax(text):
            continue
        q = parse_syntax(text, searcher.schema, lambda _q: [])
        got = syntax_search(scorer, q, 30, None, mask, counted)
        if got is None:
            continue
        fast += 1
        results = searcher.search(q, limit=30, mask=mask, optimize=not counted)
        assert got[0] == [(h.docnum, h.score) for h in results], text
        assert got[1] == len(results), text
        assert count_matches(searcher, q, None, mask) == sum(
            1 for d in searcher.docs_for_query(q) if mask is None or d not in mask
        )
    # Uncounted and unmasked, Whoosh's optimised search counts nothing exactly, so the fast
    # path declines every query (and nothing is compared); otherwise it must answer.
    if counted or masked:
        assert fast >= 30
    else:
        assert fast == 0


def test_blocks_read_as_whoosh_reads_them(index):
    ix, _ = index
    reader = ix._get_searcher().reader()
    seg = reader.readers[0] if hasattr(reader, "readers") else reader
    checked = 0
    for fieldname in ("body_sv", "body_en", "heading_sv", "grams_sv"):
        for btext in list(seg.lexicon(fieldname))[:400]:
            fmt = seg.schema[fieldname].format
            ours, theirs = (seg._terms.matcher(fieldname, btext, fmt) for _ in range(2))
            if type(ours).__name__ != "W3LeafMatcher":
                continue  # inlined postings
            while theirs.is_active():
                read_block(ours)
                theirs._read_ids()
                theirs._read_weights()
                assert ours._ids == tuple(theirs._ids)
                assert tuple(ours._weights) == tuple(theirs._weights)
                ours._next_block()
                theirs._next_block()
                checked += 1
    assert checked > 100
