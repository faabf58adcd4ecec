"""Scoring and matching clauses from the terms' postings, as Whoosh's matchers would.

*Candidates* (:class:`CandidateScorer`): the ranker scores a few hundred candidates with
every concept's disjunction max. Built as Whoosh matchers, that is a tree of union,
intersection, wrapping and disjunction-max matchers per concept, moved candidate by
candidate with ``skip_to``, which walks each term's postings one posting at a time in
Python (and reads a term once per sub-query it occurs in). Here each term's postings are
read once per query, a block at a time: blocks without a candidate are passed over by their
header, and in the others the candidates are looked up by bisection. The per-term scores
are then combined as Whoosh's matchers combine them: the same sub-trees (including the
order of the Huffman-like trees Whoosh builds for AND and OR, which decides the order of
floating-point additions), the same boosts, the same scorer objects. The scores are
therefore identical to the matchers', not merely close.

*Whoosh syntax* (:func:`syntax_search`, :func:`count_matches`): a query's matches as sets
of the terms' document numbers (phrases checked from positions as Whoosh's span matcher
checks them), then scored as above with the search's own matcher rules (an OR of more than
two parts in a small segment adds its parts' scores in order, as PreloadedOr does).

Blocks are decoded by :func:`read_block` without unpickling the positions stored with them
(most of the cost of a block). Query types outside Term/And/Or/DisMax(/Phrase) raise
:class:`UnsupportedQueryError` and are left to Whoosh. tests/test_index_candidates.py
compares everything here with Whoosh on a real index.
"""

from __future__ import annotations

import bisect
import heapq
import struct
import zlib
from collections.abc import Sequence
from itertools import accumulate
from pickle import loads
from typing import Any

from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.columns import NumericColumn
from whoosh.scoring import WeightLengthScorer, WeightScorer
from whoosh.util import make_weighted_tree
from whoosh.util.numeric import byte_to_length

from index.matching import DisMax

Scores = dict[int, float]  # segment-local document number -> score


class UnsupportedQueryError(Exception):
    """A query this module does not evaluate (score it with Whoosh's matchers instead)."""


class _Node:
    """A node of a union/intersection tree; compares like Whoosh's matchers do in
    ``make_weighted_tree``: never less than another, so ties keep their order."""

    __slots__ = ("a", "b", "both")

    def __init__(self, a: Any, b: Any, both: bool) -> None:
        self.a, self.b, self.both = a, b, both

    def __lt__(self, other: object) -> bool:
        return False


class _Leaf(_Node):
    __slots__ = ("scores",)

    def __init__(self, scores: Scores) -> None:  # noqa: D107 - a leaf of the tree
        self.scores = scores


def _union(a: Any, b: Any) -> _Node:
    return _Node(a, b, False)


def _intersection(a: Any, b: Any) -> _Node:
    return _Node(a, b, True)


def _fold(node: _Node) -> Scores:
    """The scores of a tree: a union adds where both match and keeps either alone, an
    intersection adds where both match (``a + b``, as UnionMatcher/IntersectionMatcher)."""
    if isinstance(node, _Leaf):
        return node.scores
    a, b = _fold(node.a), _fold(node.b)
    if node.both:
        if len(a) > len(b):
            return {d: a[d] + s for d, s in b.items() if d in a}
        return {d: s + b[d] for d, s in a.items() if d in b}
    if not b:
        return a
    if not a:
        return b
    out = dict(a)
    for d, s in b.items():
        out[d] = out[d] + s if d in out else s
    return out


def _boosted(scores: Scores, boost: float) -> Scores:
    """Scores times a boost (WrappingMatcher: ``child.score() * boost``)."""
    if boost == 1.0:
        return scores
    return {d: s * boost for d, s in scores.items()}


def _scores_at(m: Any, ids: Sequence[int], out: Scores | None = None) -> Scores:
    """The matcher's scores at the sorted document numbers ``ids`` that it matches
    (skipping to each), added to ``out``."""
    out = {} if out is None else out
    for d in ids:
        if not m.is_active():
            break
        if m.id() < d:
            m.skip_to(d)
            if not m.is_active():
                break
        if m.id() == d:
            out[d] = m.score()
    return out


class CandidateScorer:
    """Scores sorted candidate document numbers with query trees on one searcher; caches
    per-term scorers and field-length readers for that searcher (create one per searcher)."""

    def __init__(self, searcher: Any) -> None:
        self.searcher = searcher
        self.weighting = searcher.weighting
        self._scorers: dict[tuple[int, str, bytes], Any] = {}
        self._lengths: dict[tuple[int, str], Any] = {}

    def score(self, queries: list[Any], candidates: list[int]) -> list[Scores | None]:
        """For each query (None: skipped), the scores of the candidates it matches with a
        score above zero, by global document number; None for a query that raised
        :class:`UnsupportedQueryError` (the caller scores it otherwise). ``candidates`` sorted."""
        out: list[Scores | None] = [None if q is None else {} for q in queries]
        failed = [False] * len(queries)
        for sub, offset in self.searcher.leaf_searchers():
            end = offset + sub.doc_count_all()
            lo, hi = bisect.bisect_left(candidates, offset), bisect.bisect_left(candidates, end)
            if lo == hi:
                continue
            reader = sub.reader()
            local = [d - offset for d in candidates[lo:hi]]
            if reader.has_deletions():  # Whoosh's postings leave deleted clauses out
                local = [d for d in local if not reader.is_deleted(d)]
            seg = _Segment(self, sub, reader, local)
            for i, q in enumerate(queries):
                if q is None or failed[i]:
                    continue
                try:
                    scores = seg.eval(q)
                except UnsupportedQueryError:
                    failed[i] = True
                    out[i] = None
                    continue
                into = out[i]
                assert into is not None
                for d, s in scores.items():
                    if s > 0:
                        into[d + offset] = s
        return out

    def scorer(self, sub: Any, fieldname: str, btext: bytes) -> Any:
        """The scorer Whoosh's term matcher would use (cached: it holds only statistics)."""
        key = (id(sub), fieldname, btext)
        s = self._scorers.get(key)
        if s is None:
            if len(self._scorers) > 50_000:
                self._scorers.clear()
            s = self._scorers[key] = self.weighting.scorer(sub, fieldname, btext, qf=1)
        return s

    def lengths(self, sub: Any, reader: Any, fieldname: str) -> Any:
        """A field-length lookup as ``searcher.doc_field_length(docnum, field, 1)``."""
        key = (id(sub), fieldname)
        f = self._lengths.get(key)
        if f is None:
            perdoc = getattr(reader, "_perdoc", None)
            f = _length_table(perdoc, fieldname)
            if f is None and perdoc is not None and hasattr(perdoc, "doc_field_length_reader"):
                f = perdoc.doc_field_length_reader(fieldname, 1)
            if f is None:
                f = lambda docnum: sub.doc_field_length(docnum, fieldname, 1)  # noqa: E731
            self._lengths[key] = f
        return f


_BYTE_LENGTHS = [byte_to_length(b) if b else None for b in range(256)]  # as doc_field_length


def _length_table(perdoc: Any, fieldname: str) -> Any:
    """A segment's field lengths read whole (one byte a clause) and looked up as
    W3PerDocReader.doc_field_length reads them one by one (a byte 0 gives None there too),
    or None when the column is not stored that way."""
    if perdoc is None or not hasattr(perdoc, "_cached_reader"):
        return None
    column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if type(column) is not NumericColumn.Reader or column._typecode != "B":
        return None
    count, default = column._count, column._default
    data = column._dbfile.get(column._basepos, count)
    table = _BYTE_LENGTHS
    missing = table[default]

    def length(docnum: int) -> int | None:
        return table[data[docnum]] if docnum < count else missing

    return length


class _Segment:
    """One segment's candidates and the per-term scores read for them (each term once)."""

    def __init__(
        self, owner: CandidateScorer, sub: Any, reader: Any, local: list[int], search: Any = None
    ) -> None:
        self.owner, self.sub, self.reader, self.local = owner, sub, reader, local
        self.search = search  # Whoosh's search context (None: one that needs_current)
        self.matching: _Matching | None = None  # the query's matches, when known
        self._terms: dict[tuple[str, bytes], Scores] = {}

    def eval(self, q: Any) -> Scores:
        """The scores of the candidates matching ``q``, as ``q.matcher(sub, context)``
        would give them (the context of ``searcher.search`` when ``search`` is set, else one
        with ``needs_current``)."""
        kind = type(q)
        if kind is wq.Term:
            return self.term(q)
        if q is wq.NullQuery:
            return {}
        if kind not in (wq.And, wq.Or, DisMax):
            if kind is wq.Phrase and q.boost == 0.0 and self.matching is not None:
                # a phrase as a constraint (see index.terms.phrase_query): its matcher's
                # score (a sum of term scores, not negative) times 0.0 is 0.0
                return dict.fromkeys(self.matching.phrase_in(q, set(self.local)), 0.0)
            if self.search is not None:
                return self.generic(q)
            raise UnsupportedQueryError(kind.__name__)
        subs = q.subqueries
        if not subs:
            return {}
        if kind is DisMax and (len(subs) > 1 or q.boost != 1.0):  # DisMax.matcher keeps a boost
            return self.dismax(q)
        if len(subs) == 1:  # CompoundQuery.matcher: the one sub-query's matcher, unboosted
            return self.eval(subs[0])
        if kind is wq.Or:
            if q.minmatch or q.scale or q.matcher_type != wq.Or.AUTO_MATCHER or len(subs) >= q.TOO_MANY_CLAUSES:
                if self.search is not None:
                    return self.generic(q)
                raise UnsupportedQueryError("Or with options")
            if self.search is not None and len(subs) != 2 and self.sub.doc_count_all() <= 5000:
                return self.preloaded(q)
            weights = [s.estimate_size(self.sub.reader()) for s in subs]
            fn = _union
        else:
            weights = [0 - s.estimate_size(self.sub.reader()) for s in subs]
            fn = _intersection
        leaves = [(w, _Leaf(self.eval(s))) for w, s in zip(weights, subs, strict=True)]
        return _boosted(_fold(make_weighted_tree(fn, leaves)), q.boost)

    def preloaded(self, q: wq.Or) -> Scores:
        """Or.matcher without needs_current in a small segment (PreloadedOr): the boosted
        scores added in the sub-queries' order, documents whose sum is not above 0 left
        out (ArrayUnionMatcher)."""
        boost = q.boost
        a: Scores = {}
        for s in q.subqueries:
            for d, sc in self.eval(s).items():
                a[d] = a.get(d, 0.0) + sc * boost
        return {d: sc for d, sc in a.items() if sc > 0}

    def generic(self, q: Any) -> Scores:
        """Any other query, by its own Whoosh matcher at the candidates."""
        return _scores_at(q.matcher(self.sub, self.search), self.local)

    def dismax(self, q: DisMax) -> Scores:
        """DisMaxMatcher's score: the best sub-query plus ``tiebreak`` times the others."""
        parts = [self.eval(s) for s in q.subqueries]
        parts = [p for p in parts if p]
        if not parts:
            return {}
        boost, tiebreak = q.boost, q.tiebreak
        if len(parts) == 1 and boost == 1.0:
            return parts[0]
        docs: set[int] = set().union(*parts)
        out: Scores = {}
        for d in docs:
            scores = sorted((p[d] for p in parts if d in p), reverse=True)
            out[d] = boost * (scores[0] + tiebreak * sum(scores[1:]))
        return out

    def term(self, q: wq.Term) -> Scores:
        fieldname = q.fieldname
        schema = self.sub.schema
        if fieldname not in schema:
            return {}
        try:
            btext = schema[fieldname].to_bytes(q.text)
        except ValueError:
            return {}
        key = (fieldname, btext)
        scores = self._terms.get(key)
        if scores is None:
            scores = self._terms[key] = self._read(fieldname, btext)
        return _boosted(scores, q.boost)

    def _read(self, fieldname: str, btext: bytes) -> Scores:
        """A term's scores (unboosted) for the candidates, from its postings."""
        reader = self.reader
        if (fieldname, btext) not in reader:
            return {}
        scorer = self.owner.scorer(self.sub, fieldname, btext)
        terms = getattr(reader, "_terms", None)
        if terms is not None:  # the segment's postings, without the deletions filter
            m = terms.matcher(fieldname, btext, reader.schema[fieldname].format, scorer=scorer)
        else:
            m = reader.postings(fieldname, btext, scorer=scorer)
        local = self.local
        out: Scores = {}
        if type(m) is W3LeafMatcher and isinstance(scorer, (WeightLengthScorer, WeightScorer)):
            length = (
                self.owner.lengths(self.sub, reader, fieldname)
                if isinstance(scorer, WeightLengthScorer)
                else None
            )
            i, n = 0, len(local)
            while i < n and m.is_active():
                maxid = m._maxid
                if maxid < local[i]:  # no candidate in this block: the next one
                    m._next_block()
                    continue
                j = bisect.bisect_right(local, maxid, i)
                read_block(m)
                ids, weights = m._ids, m._weights
                for d in local[i:j]:
                    k = bisect.bisect_left(ids, d)
                    if k < len(ids) and ids[k] == d:
                        w = weights[k]
                        out[d] = scorer._score(w, length(d)) if length is not None else w
                i = j
                m._next_block()
            return out
        # anything else (inlined postings): matcher by matcher, as Whoosh scores them
        return _scores_at(m, local, out)



# A block's data is the pickle (protocol 2) of (ids, weights, values): ids as delta-coded
# ints (BININT1/2/4), weights as n floats (BINFLOAT), values (positions) as n byte strings,
# which protocol 2 writes as n calls of _codecs.encode: loading those is most of the cost
# of a block. The values start at the first occurrence of _VALUES, which cannot occur
# earlier: the ops before it have arguments of at most 8 bytes and contain a K, M, J or G
# opcode byte in any longer run.
_VALUES = b"(c_codecs\nencode\n"
_FLOATS: dict[int, struct.Struct] = {}


def _ids_weights(b: bytes, n: int) -> tuple[tuple[int, ...], tuple[float, ...]] | None:
    """The deltas and weights of a block's uncompressed data without loading its values,
    or None when the data is not laid out as described above (then load it all)."""
    pos = b.find(_VALUES)
    ws = pos - (9 * n + 4)  # MARK, n x BINFLOAT (G + 8 bytes), TUPLE, BINPUT 1
    if pos < 0 or ws < 5 or b[ws] != 0x28 or b[pos - 3 : pos] != b"tq\x01" or b[ws - 3 : ws] != b"tq\x00":
        return None
    if b[ws + 1 : ws + 1 + 9 * n : 9] != b"G" * n:
        return None
    fmt = _FLOATS.get(n)
    if fmt is None:
        fmt = _FLOATS[n] = struct.Struct(">" + "xd" * n)
    try:
        deltas = loads(b[:ws] + b".")
    except Exception:  # noqa: BLE001 - not the layout expected: load the whole block
        return None
    if type(deltas) is not tuple or len(deltas) != n:
        return None
    return deltas, fmt.unpack_from(b, ws + 1)


def read_block(m: W3LeafMatcher) -> None:
    """Load the current block's document numbers and weights into a W3LeafMatcher, as its
    ``_read_ids``/``_read_weights`` would (the same values), without unpickling the
    positions when the block's layout allows; no-op for what is loaded already."""
    if m._ids is not None and m._weights is not None:
        return
    if m._data is None and not m._byteids:
        b = m._postfile.get(m._dataoffset, m._nextoffset - m._dataoffset)
        if m._compression:
            b = zlib.decompress(b)
        fast = _ids_weights(b, m._blocklength)
        if fast is not None:
            m._ids = tuple(accumulate(fast[0]))
            m._weights = fast[1]
            return
        m._data = loads(b)
    if m._ids is None:
        ids = m._data[0]
        m._ids = ids if m._byteids else tuple(accumulate(ids))
    if m._weights is None:
        m._read_weights()


def count_matches(searcher: Any, q: Any, allow: Any, restrict: Any) -> int:
    """The number of clauses matching ``q`` in ``allow`` (None: all) and not in
    ``restrict`` (None: none): what Whoosh counts by running ``docs_for_query`` through
    its matchers, found here as sets of each term's document numbers (read a block at a
    time, positions only for phrases, checked by Whoosh's phrase matcher). Raises
    :class:`UnsupportedQueryError` for query types other than terms, AND, OR, disjunction
    max and phrases."""
    total = 0
    for sub, offset in searcher.leaf_searchers():
        reader = sub.reader()
        local = _Matching(sub, reader).matches(q, None)
        if reader.has_deletions():
            local = {d for d in local if not reader.is_deleted(d)}
        if allow is None and restrict is None:
            total += len(local)
            continue
        for d in local:
            g = d + offset
            if (allow is None or g in allow) and (restrict is None or g not in restrict):
                total += 1
    return total


class _Matching:
    """The document numbers (segment-local) matching a query in one segment."""

    def __init__(self, sub: Any, reader: Any) -> None:
        self.sub, self.reader = sub, reader
        self._terms: dict[tuple[str, bytes], frozenset[int]] = {}
        # per phrase query: the documents it was checked in (None: all) and its matches
        self._phrases: dict[int, tuple[Any, set[int]]] = {}

    def phrase_in(self, q: wq.Phrase, docs: set[int]) -> set[int]:
        """The phrase's matches among ``docs`` (checking only what was not checked yet)."""
        checked = self._phrases.get(id(q))
        if checked is None:
            return self.phrase(q, docs)
        within, found = checked
        unknown = set() if within is None else docs - within
        return (found & docs) | (self.phrase(q, unknown) if unknown else set())

    def matches(self, q: Any, within: set[int] | None) -> set[int] | frozenset[int]:
        """The documents matching ``q`` (only those in ``within`` when given: a superset
        of them may be returned)."""
        kind = type(q)
        if kind is wq.Term:
            return self.term(q.fieldname, q.text)
        if q is wq.NullQuery:
            return set()
        if kind is wq.Phrase:
            found = self.phrase(q, within)
            self._phrases[id(q)] = (None if within is None else set(within), found)
            return found
        if kind not in (wq.And, wq.Or, DisMax):
            raise UnsupportedQueryError(kind.__name__)
        subs = q.subqueries
        if not subs:
            return set()
        if len(subs) == 1:
            return self.matches(subs[0], within)
        if kind is wq.And:
            # the rarest first, so phrases are checked only where the rest match
            reader = self.reader
            ordered = sorted(subs, key=lambda s: (type(s) is wq.Phrase, s.estimate_size(reader)))
            got: set[int] | frozenset[int] | None = None
            for s in ordered:
                m = self.matches(s, got if got is not None else within)
                got = set(m) if got is None else got & m
                if not got:
                    return set()
            assert got is not None
            return got
        out: set[int] = set()
        for s in subs:
            out |= self.matches(s, within)
        return out

    def term(self, fieldname: str, text: Any) -> frozenset[int]:
        schema = self.sub.schema
        if fieldname not in schema:
            return frozenset()
        try:
            btext = schema[fieldname].to_bytes(text)
        except ValueError:
            return frozenset()
        key = (fieldname, btext)
        got = self._terms.get(key)
        if got is None:
            got = self._terms[key] = frozenset(self._ids(fieldname, btext))
        return got

    def _ids(self, fieldname: str, btext: bytes) -> list[int]:
        reader = self.reader
        if (fieldname, btext) not in reader:
            return []
        terms = getattr(reader, "_terms", None)
        if terms is None:
            return list(reader.postings(fieldname, btext).all_ids())
        m = terms.matcher(fieldname, btext, reader.schema[fieldname].format)
        if type(m) is not W3LeafMatcher:
            return list(m.all_ids())
        out: list[int] = []
        while m.is_active():
            read_block(m)
            out.extend(m._ids)
            m._next_block()
        return out

    def phrase(self, q: wq.Phrase, within: set[int] | None) -> set[int]:
        """A phrase's matches: the documents holding all its words (in ``within``) where
        they stand one after the other, as Whoosh's phrase matcher finds them (SpanNear2,
        ordered, slop 1, mindist 1: each word at the position after the one before)."""
        schema = self.sub.schema
        field = schema[q.fieldname] if q.fieldname in schema.names() else None
        if field is None or not field.format or not field.format.supports("positions"):
            raise UnsupportedQueryError("phrase in a field without positions")
        if q.slop != 1 or len(q.words) < 2:
            raise UnsupportedQueryError("phrase with slop or one word")
        words = [self.term(q.fieldname, w) for w in q.words]
        if not all(words):
            return set()
        cands = set(min(words, key=len)) if within is None else set(within)
        for w in words:
            cands &= w
        if not cands:
            return set()
        ordered = sorted(cands)
        positions = [
            self._positions(q.fieldname, field.to_bytes(w), field.format, ordered) for w in q.words
        ]
        first, rest = positions[0], [{d: set(p) for d, p in ps.items()} for ps in positions[1:]]
        out: set[int] = set()
        for d in ordered:
            later = [r[d] for r in rest]
            if any(all(p + i in ps for i, ps in enumerate(later, 1)) for p in first[d]):
                out.add(d)
        return out

    def _positions(
        self, fieldname: str, btext: bytes, fmt: Any, docs: list[int]
    ) -> dict[int, list[int]]:
        """A term's positions in each of the sorted documents ``docs`` (all hold it)."""
        reader = self.reader
        terms = getattr(reader, "_terms", None)
        m = (
            terms.matcher(fieldname, btext, fmt)
            if terms is not None
            else reader.postings(fieldname, btext)
        )
        out: dict[int, list[int]] = {}
        if type(m) is not W3LeafMatcher:
            for d in docs:
                if m.id() < d:
                    m.skip_to(d)
                out[d] = m.value_as("positions")
            return out
        decode = fmt.decode_positions
        i, n = 0, len(docs)
        while i < n and m.is_active():
            maxid = m._maxid
            if maxid < docs[i]:
                m._next_block()
                continue
            j = bisect.bisect_right(docs, maxid, i)
            if m._data is None:
                m._read_data()  # the whole block: the positions are wanted here
            if m._ids is None:
                m._read_ids()
            if m._values is None:
                m._read_values()
            ids, values = m._ids, m._values
            for d in docs[i:j]:
                k = bisect.bisect_left(ids, d)
                out[d] = decode(values[k])
            i = j
            m._next_block()
        return out


SEARCH_MATCHES = 60000  # syntax_search: more matches than this are left to Whoosh


def syntax_search(
    scorer: CandidateScorer, q: Any, pool: int, allow: Any, restrict: Any, counted: bool
) -> tuple[list[tuple[int, float]], int] | None:
    """What ``searcher.search(q, limit=pool, filter=allow, mask=restrict, optimize=not
    counted)`` finds when its number of matches is exact (``counted``, or a filter or
    mask given: Whoosh then counts them), from sets of the terms' postings: the best
    ``pool`` (document number, score) pairs by score (ties to the lower number, as
    Whoosh's top collector keeps them) and the number of matches. Scores are computed as
    the search's matchers compute them (see :class:`_Segment`). None when it cannot tell
    (a query type it does not match, more than SEARCH_MATCHES matches, no exact count)."""
    if not (counted or allow or restrict):
        return None
    searcher = scorer.searcher
    context = searcher.context()  # the one searcher.search uses
    matched: list[tuple[int, float]] = []
    boolean = 0
    size = 0
    for sub, offset in searcher.leaf_searchers():
        reader = sub.reader()
        matching = _Matching(sub, reader)
        try:
            local = matching.matches(q, None)
        except UnsupportedQueryError:
            return None
        if reader.has_deletions():
            local = {d for d in local if not reader.is_deleted(d)}
        size += len(local)
        if size > SEARCH_MATCHES:
            return None
        if not local:
            continue
        ordered = sorted(local)
        seg = _Segment(scorer, sub, reader, ordered, search=context)
        seg.matching = matching
        scores = seg.eval(q)
        for d in ordered:
            g = d + offset
            if (allow is not None and g not in allow) or (restrict is not None and g in restrict):
                continue
            boolean += 1
            sc = scores.get(d)
            if sc is not None:
                matched.append((g, sc))
    # counted: the top collector counts what the scoring matchers match; otherwise Whoosh
    # counts the query's matches without scores (docs_for_query)
    total = len(matched) if counted else boolean
    top = heapq.nsmallest(pool, matched, key=lambda ds: (-ds[1], ds[0]))
    return top, total
