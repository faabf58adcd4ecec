"""Ranking clauses: candidates first, then every candidate scored with the full query.

Plain-word queries (:class:`index.query.Plan`) are ranked in two stages:

1. *Candidates*: a flat OR of the query's single terms (their rarest first, within a
   postings budget), ranked by TF-IDF, which Whoosh can do fast (block-max pruning for one
   term, a preloaded array for several). Clauses of documents whose title, supplier or type
   match the query join the candidates.
2. *Scoring*: each candidate gets, per concept, the score of the concept's disjunction max
   of weighted sub-queries (BM25F with per-language statistics), then

       score = prior(kind) × Σ_concepts concept × (1 + exact if typed form present)
               × (share of concepts matched) ** coord × (1 + meta_doc if a named document)

   where a concept counts as matched in full from ``coverage`` times its best score
   among the candidates (a weak match, such as one generic word of a phrase, counts in
   part), and a concept named by a document's title counts in each of its clauses

   where ``prior`` demotes table-of-contents lines, page footers, headings without body and
   scraps (see :mod:`index.priors`).

Whoosh-syntax queries are ranked by Whoosh (BM25F), then the priors are applied.
Both end in :func:`index.collapse.fold_ranking`, which folds versions and near-duplicates.
"""

from __future__ import annotations

import bisect
import contextlib
import heapq
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.collectors import FilterCollector
from whoosh.matching.wrappers import WrappingMatcher
from whoosh.scoring import TF_IDF, TF_IDFScorer
from whoosh.searching import Searcher

from index.candidates import (
    CandidateScorer,
    UnsupportedQueryError,
    count_matches,
    read_block,
    syntax_search,
)
from index.errors import QueryError
from index.priors import prior
from index.query import Plan, Weights
from index.syntax import surface
from index.terms import doc_frequency

COMMON_FRACTION = 0.25  # first-stage terms in more of all clauses than this are skipped...
COMMON_MIN = 1_000  # ... (when in more than this many: small archives keep them all)
POSTINGS_BUDGET = 20_000  # ... and the rarest are used up to this many postings
META_DOCUMENTS = 40  # documents matched by metadata whose clauses join the candidates
KEEP_PER_HIT, KEEP_MIN = 4, 40  # clauses ranked exactly per hit asked for (room to fold)
OWNERS_FROM = 64  # documents named by metadata from which every clause's document is mapped
EXACT_COUNT_POSTINGS = 10_000  # count matches exactly up to this many postings, else estimate


@dataclass
class Scored:
    """A clause with its score and stored fields."""

    docnum: int
    score: float
    fields: dict[str, Any]


Filters = tuple[set[int] | None, set[int] | None]  # (allowed docnums, masked docnums)


def filter_query(
    *,
    doc_type: str | None,
    supplier: str | None,
    board: str | None,
    contract_id: str | None,
    include_secret: bool,
) -> tuple[wq.Query | None, wq.Query | None]:
    """The metadata restrictions as (documents allowed, documents masked out): queries on
    documents' first clauses, which the caller turns into sets of clauses.

    Secret documents are masked out (a small set) rather than the rest allowed (a large one).
    """
    parts: list[wq.Query] = []
    if doc_type:
        parts.append(wq.Term("d_type", doc_type.strip().lower()))
    if contract_id:
        parts.append(wq.Term("d_contract", contract_id))
    for fieldname, value in (("d_supplier", supplier), ("d_board", board)):
        if value:
            words = [w.lower() for w in re.findall(r"\w+", value)]
            if not words:
                name = fieldname[2:]
                raise QueryError(f"the {name} filter {value!r} has no letters or digits")
            parts.extend(wq.Term(fieldname, w) for w in words)
    allow = (wq.And(parts) if len(parts) > 1 else parts[0]) if parts else None
    mask = None if include_secret else wq.Term("d_secret", "1")
    return allow, mask


def weighted_leaves(q: Any, factor: float = 1.0) -> list[tuple[str, str, float]]:
    """The single terms of a query with their effective boosts (compound boosts applied);
    positional and zero-weight (constraint) leaves are left out."""
    boost = factor * getattr(q, "boost", 1.0)
    if boost <= 0:
        return []
    if isinstance(q, wq.Term):
        text = q.text.decode("utf-8") if isinstance(q.text, bytes) else q.text
        return [(q.fieldname, text, boost)]
    if isinstance(q, wq.Phrase) or q.is_leaf():
        return []
    out: list[tuple[str, str, float]] = []
    for sub in q.children():
        out += weighted_leaves(sub, boost)
    return out


def candidate_terms(plan: Plan, reader: Any) -> list[tuple[str, str, float]]:
    """Single terms for the first stage: every concept's rarest term, then the rest rarest
    first while their postings fit POSTINGS_BUDGET; words in more than COMMON_FRACTION of
    all clauses are left out when rarer ones remain."""
    best: dict[tuple[str, str], float] = {}
    firsts: set[tuple[str, str]] = set()
    for concept in plan.concepts:
        leaves = [(f, t, b) for f, t, b in weighted_leaves(concept.query) if doc_frequency(reader, f, t)]
        if not leaves:
            continue
        top = max(b for _f, _t, b in leaves)
        strong = [lf for lf in leaves if lf[2] >= 0.99 * top]
        firsts.add(min(((f, t) for f, t, _ in strong), key=lambda ft: doc_frequency(reader, *ft)))
        for f, t, b in leaves:
            best[(f, t)] = max(best.get((f, t), 0.0), b)
    ordered = sorted(best, key=lambda ft: (ft not in firsts, doc_frequency(reader, *ft)))
    common = COMMON_FRACTION * max(1, reader.doc_count_all())
    kept: list[tuple[str, str, float]] = []
    postings = 0
    for f, t in ordered:
        df = doc_frequency(reader, f, t)
        too_common = df > common and df > COMMON_MIN
        if (f, t) not in firsts and (too_common or postings + df > POSTINGS_BUDGET):
            continue
        kept.append((f, t, best[(f, t)]))
        postings += df
    return kept


def _score_into(
    m: Any, docnums: list[int], offset: int, ci: int, n: int, into: dict[int, list[float]]
) -> None:
    """Score sorted document numbers (of one segment starting at ``offset``) with a
    matcher, into ``into[docnum][ci]``."""
    i, end = 0, len(docnums)
    while i < end and m.is_active():
        local = docnums[i] - offset
        at = m.id()
        if at < local:
            m.skip_to(local)
            if not m.is_active():
                break
            at = m.id()
        if at == local:
            s = m.score()
            if s > 0:
                into.setdefault(docnums[i], [0.0] * n)[ci] = s
            i += 1
        else:  # the candidates before the matcher's next match cannot match: jump them
            i = bisect.bisect_left(docnums, at + offset, i + 1)


def _stem(word: str, language: str) -> str:
    """The stem of a word (the shorter of the Swedish and English ones for a mixed query)."""
    from index.analysis import stemmer

    stems = []
    if language in ("sv", "mixed"):
        stems.append(stemmer("swedish").stemWord(word))
    if language in ("en", "mixed"):
        stems.append(stemmer("english").stemWord(word))
    return min(stems, key=len) or word


def _stem_pattern(word: str, language: str) -> str:
    """A pattern for a word in any inflection: its stem followed by letters."""
    from index.analysis import is_identifier

    if is_identifier(word):
        return r"(?<!\w)" + re.escape(word) + r"(?!\w)"
    return r"(?<!\w)" + re.escape(_stem(word, language)) + r"\w*"


# Quotation marks around a defined term, and what follows a term where it is defined.
_QUOTE = r"[\"“”'‘’«»]?"
_DEFINES = (r"(?:means|shall\s+mean|has\s+the\s+meaning|refers\s+to|is\s+defined\s+as|"
            r"avses|avser|betyder|innebär|definieras\s+som)(?!\w)")
# "Underbiträde: Tredje part som …" in a list of definitions: the term opens its line
_LINE_START = r"(?:^|\n)\s*(?:[-•*–]\s*|\(?[a-z0-9]{1,3}[.)]\s*)?"


def _definition_pattern(plan: Plan) -> re.Pattern[str] | None:
    """For a query asking for a definition (a definition word and the term's words), a
    pattern finding where a clause defines the term: "“Subprocessor” means", "Customer
    Data (as defined …) means", "Underbiträde: …", "Med ”underbiträde” avses" (any
    inflection, with or without a hyphen: "Sub-processor")."""
    if not plan.asks_definition:
        return None
    words = [w for c in plan.concepts if not c.definition and not c.identifier for w in c.typed]
    if not words or len(words) > 4:
        return None
    # each letter may be followed by a hyphen ("sub-processor" for "subprocessor")
    parts = ["-?".join(map(re.escape, _stem(word, plan.language))) + r"[\w-]*" for word in words]
    term = r"(?<!\w)" + r"\W{1,3}".join(parts)
    return re.compile(
        rf"{_QUOTE}{term}{_QUOTE}\s*(?:\([^)]{{0,80}}\)\s*)?"
        rf"(?:or\s+{_QUOTE}[^\"”]{{1,40}}{_QUOTE}\s*)?,?\s*{_DEFINES}"
        rf"|{_LINE_START}{_QUOTE}{term}{_QUOTE}\s*:[ \t]*(?=\w)"
        rf"|\bmed\s+{_QUOTE}{term}{_QUOTE}\s+(?:avses|menas)(?!\w)",
        re.I,
    )


def _spread(ranked: list[Scored], decay: float) -> list[Scored]:
    """The ranking with each further clause of one document scored ``decay`` times as much
    as the one above it (the second 0.8, the third 0.64, …), so that one long agreement does
    not fill the page when others answer too. Applied to the clauses kept (several times
    the limit), best first; the clauses of a document the query names keep their lift
    (``meta_doc``, ``meta_name``), which is larger."""
    seen: dict[str, int] = {}
    out = []
    for r in ranked:
        doc = str(r.fields.get("document_id") or "")
        k = seen.get(doc, 0)
        seen[doc] = k + 1
        out.append(r if k == 0 else Scored(r.docnum, r.score * decay**k, r.fields))
    out.sort(key=lambda s: (-s.score, s.docnum))
    return out


def _label_share(patterns: list[re.Pattern[str]], number: str, text: str) -> float:
    """How much of ``Weights.keyword_label`` a clause earns for labels typed with their
    clause word (see ``Concept.keyword_label``): all when its own number carries the word
    typed ("Clause 11" for "clause 11"), half for another word of that kind ("Bilaga 2" for
    "Annex II") or for citing the label in its text ("In Clause 11, …"), else none."""
    found = [m for m in (rx.match(number) for rx in patterns) if m] if number else []
    if found:
        return 1.0 if any(m.group(1) for m in found) else 0.5
    return 0.5 if any(rx.search(text) for rx in patterns) else 0.0


def _defines(pattern: re.Pattern[str], text: str, heading: str) -> bool:
    """Whether a clause's text defines the term: ``pattern`` found in it, or in what follows
    its heading (a clause's first line can be its heading and its first definition:
    "2. Definitioner Underbiträde: Tredje part …")."""
    if pattern.search(text):
        return True
    at = text.find(heading, 0, len(heading) + 16) if heading else -1
    return at >= 0 and pattern.search("\n" + text[at + len(heading):].lstrip()) is not None


def _accumulate(m: Any, offset: int, into: dict[int, float]) -> None:
    """Add a term matcher's scores into ``into[docnum]``, as Whoosh's array matcher does
    (``a[doc] += score``, terms in query order), reading a plain TF-IDF posting list a
    block at a time: the same floating-point operations, without five method calls a
    posting (the first stage's main cost)."""
    boost = 1.0
    leaf = m
    if type(m) is WrappingMatcher:
        boost, leaf = m.boost, m.child
    if type(leaf) is W3LeafMatcher and type(leaf.scorer) is TF_IDFScorer:
        idf = leaf.scorer.idf
        get = into.get
        while leaf.is_active():
            read_block(leaf)  # ids and weights (the positions are not needed)
            ids, weights, end = leaf._ids, leaf._weights, leaf._blocklength
            if leaf is m:  # unboosted: score = weight × idf
                for i in range(leaf._i, end):
                    d = ids[i] + offset
                    into[d] = get(d, 0.0) + (weights[i] * idf) * 1.0
            else:  # WrappingMatcher: (weight × idf) × boost
                for i in range(leaf._i, end):
                    d = ids[i] + offset
                    into[d] = get(d, 0.0) + ((weights[i] * idf) * boost) * 1.0
            leaf._i = end - 1
            leaf.next()  # to the next block
        return
    while m.is_active():  # anything else (deletions filtered, other scorers): one by one
        d = m.id() + offset
        into[d] = into.get(d, 0.0) + m.score() * 1.0
        m.next()


class _ArrayOr(wq.Or):
    """An OR that preloads scores into arrays: the fastest way in Whoosh to score every
    document matching a flat list of terms (used unoptimized, for the first stage)."""

    matcher_type = wq.Or.ARRAY_MATCHER


def _flat(terms: Sequence[tuple[str, str, float]]) -> wq.Query:
    subs = [wq.Term(f, t, boost=b) for f, t, b in terms]
    if not subs:
        return wq.NullQuery
    return _ArrayOr(subs) if len(subs) > 1 else subs[0]


class Ranker:
    """Ranks clauses for one open searcher (create a new one when the searcher changes)."""

    def __init__(self, searcher: Any, weights: Weights) -> None:
        self.searcher = searcher
        self.weights = weights
        self.priors = dict(weights.priors)
        # TF-IDF needs no field-length lookups: about a third faster for the first stage
        self.fast = Searcher(searcher.reader(), weighting=TF_IDF(), closereader=False)
        self.candidate_scorer = CandidateScorer(searcher)
        self._by_document: dict[str, frozenset[int]] = {}
        self._owner: dict[int, str] = {}  # clause -> its document, for the documents cached
        self._owners_complete = False

    # -- plain words ---------------------------------------------------------------------

    def _meta_documents(self, plan: Plan, flt: Filters) -> dict[int, set[str]]:
        """Per concept, the documents whose metadata (title, supplier, type words) contain
        it: in those documents every clause counts as matching the concept."""
        out: dict[int, set[str]] = {}
        analyzer = self.searcher.schema["meta"].analyzer
        reader = self.searcher.reader()
        for ci, concept in enumerate(plan.concepts):
            if concept.identifier:
                continue
            names = []  # the concept as typed, or a synonym of it (a document type's name)
            for words in (concept.typed, *concept.aliases):
                terms = [tok.text for tok in analyzer(" ".join(words), mode="query")]
                if terms and all(doc_frequency(reader, "meta", t) for t in terms):
                    names.append(wq.And([wq.Term("meta", t) for t in terms]) if len(terms) > 1 else wq.Term("meta", terms[0]))
            if not names:
                continue
            q = wq.Or(names) if len(names) > 1 else names[0]
            firsts = [d for d in self.searcher.docs_for_query(q) if flt[1] is None or d not in flt[1]]
            if len(firsts) > OWNERS_FROM:
                self._all_owners()
            owner = self._owner
            docs = {
                owner[d] if d in owner else self.searcher.stored_fields(d)["document_id"]
                for d in firsts
            }
            if docs:
                out[ci] = docs
        return out

    def plain(self, plan: Plan, flt: Filters, limit: int) -> tuple[list[Scored], int, int, bool]:
        """The best clauses for a plain-word plan (up to the candidate pool, best first),
        the number of clauses matching any of its terms, and the number of clauses that
        rank (score above zero) for a limit high enough: the others hold one of the terms
        but match none of the query's concepts as scored (a compound's part, a word of
        another sense), counted among the candidates; and whether every match was a
        candidate (else a higher limit, which widens the pool, may rank more)."""
        searcher, w = self.searcher, self.weights
        reader = searcher.reader()
        if not plan.concepts:
            return [], 0, 0, True
        terms = candidate_terms(plan, reader)
        flat = _flat(terms)
        pool = max(w.pool, limit * 5)
        if flat is wq.NullQuery:
            return [], 0, 0, True
        if isinstance(flat, wq.Term):
            # one term: block-max pruning finds the best candidates without scoring all
            first = self.fast.search(flat, limit=pool, filter=flt[0], mask=flt[1])
            df = doc_frequency(reader, flat.fieldname, flat.text)
            total = len(first) if df <= EXACT_COUNT_POSTINGS else df
            candidates = {h.docnum for h in first}
        else:
            # several terms: every match scored (as Whoosh's array matcher would), and the
            # number of matches comes for free
            candidates, total = self._array_top(flat, pool, flt)
        meta = self._meta_documents(plan, flt)
        documents = set().union(*meta.values()) if meta else set()
        if documents and len(documents) <= META_DOCUMENTS:
            # the clauses of those documents that match the rest of the query
            rest = Plan(plan.text, plan.language, [c for ci, c in enumerate(plan.concepts) if ci not in meta])
            rest_flat = _flat(candidate_terms(rest, reader)) if rest.concepts else flat
            allow = self._clauses_of(sorted(documents), flt)
            if allow and rest_flat is not wq.NullQuery:
                if isinstance(rest_flat, _ArrayOr):
                    candidates.update(self._array_top(rest_flat, pool, (allow, None))[0])
                else:
                    extra = self.fast.search(rest_flat, limit=pool, filter=allow, optimize=False)
                    candidates.update(h.docnum for h in extra)
        keep = max(limit * KEEP_PER_HIT, KEEP_MIN)
        complete = len(candidates) >= total
        ranked, ranking = self._score(plan, sorted(candidates), meta, keep)
        return ranked, total, ranking, complete

    def _clauses_of_document(self, document_id: str) -> frozenset[int]:
        """The clauses of one document, cached per searcher (one term's postings each: an
        OR over thousands of documents' ids cost ~45 ms a query in Whoosh's union tree)."""
        docs = self._by_document.get(document_id)
        if docs is None:
            docs = frozenset(self.searcher.docs_for_query(wq.Term("document_id", document_id)))
            self._by_document[document_id] = docs
            for docnum in docs:
                self._owner[docnum] = document_id
        return docs

    def _array_top(self, flat: wq.Or, pool: int, flt: Filters) -> tuple[set[int], int]:
        """The ``pool`` best clauses for a flat OR of terms by TF-IDF, and the number of
        clauses matching it; what ``fast.search(flat, limit=pool, filter=, mask=,
        optimize=False)`` finds (the same scores; ties to the lower document number, as
        Whoosh's top collector keeps them)."""
        context = self.fast.context()
        scores: dict[int, float] = {}
        for sub, offset in self.fast.leaf_searchers():
            for q in flat.subqueries:
                _accumulate(q.matcher(sub, context), offset, scores)
        allow, mask = flt
        matched = [
            (-score, d)
            for d, score in scores.items()
            if score > 0 and (allow is None or d in allow) and (mask is None or d not in mask)
        ]
        return {d for _s, d in heapq.nsmallest(pool, matched)}, len(matched)

    def _all_owners(self) -> None:
        """Every clause's document, once per searcher (reading a stored document id costs
        ~0.1 ms: a title word shared by thousands of documents cost more than the search)."""
        if self._owners_complete:
            return
        for text in self.searcher.reader().lexicon("document_id"):
            self._clauses_of_document(text.decode("utf-8") if isinstance(text, bytes) else text)
        self._owners_complete = True

    def _candidates_in(self, document_ids: set[str], candidates: list[int]) -> set[int]:
        """The candidates that are clauses of the given documents."""
        for d in document_ids:
            self._clauses_of_document(d)
        owner = self._owner
        return {c for c in candidates if owner.get(c) in document_ids}

    def _clauses_of(self, document_ids: list[str], flt: Filters) -> set[int]:
        docs: set[int] = set()
        for d in document_ids:
            docs.update(self._clauses_of_document(d))
        if flt[0] is not None:
            docs &= flt[0]
        if flt[1] is not None:
            docs -= flt[1]
        return docs

    def _concept_scores(self, plan: Plan, candidates: list[int]) -> dict[int, list[float]]:
        """Per candidate, the score of each concept: its best sub-query in the query's own
        language, or else in the other language, the latter capped at ``cross_cap`` times
        the concept's best own-language score among the candidates (when any has one), so
        an exact match in the query's language ranks above other-language expansions."""
        n = len(plan.concepts)
        mine: dict[int, list[float]] = {}
        theirs: dict[int, list[float]] = {}
        queries = [q for c in plan.concepts for q in (c.mine, c.theirs)]
        scored = self.candidate_scorer.score(queries, candidates)
        fallback = []
        for k, (q, scores) in enumerate(zip(queries, scored, strict=True)):
            if q is None:
                continue
            ci, into = k // 2, (mine, theirs)[k % 2]
            if scores is None:  # a query type the candidate scorer leaves to Whoosh
                fallback.append((q, ci, into))
                continue
            for d, s in scores.items():
                into.setdefault(d, [0.0] * n)[ci] = s
        if fallback:
            context = self.searcher.context(needs_current=True)
            for sub, offset in self.searcher.leaf_searchers():
                end = offset + sub.doc_count_all()
                local = [d for d in candidates if offset <= d < end]
                if local:
                    for q, ci, into in fallback:
                        _score_into(q.matcher(sub, context), local, offset, ci, n, into)
        best_mine = [max((per[ci] for per in mine.values()), default=0.0) for ci in range(n)]
        cap = [self.weights.cross_cap * b if b > 0 else float("inf") for b in best_mine]
        out: dict[int, list[float]] = {}
        for docnum in set(mine) | set(theirs):
            a = mine.get(docnum, [0.0] * n)
            b = theirs.get(docnum, [0.0] * n)
            out[docnum] = [max(a[ci], min(b[ci], cap[ci])) for ci in range(n)]
        return out

    def _bigrams(self, plan: Plan) -> list[tuple[int, int, re.Pattern[str]]]:
        """Pairs of consecutive typed concepts, and a pattern finding their words next to
        each other in clause text (up to two words between, any inflection)."""
        out = []
        for i in range(len(plan.concepts) - 1):
            a, b = plan.concepts[i], plan.concepts[i + 1]
            if a.identifier and b.identifier:
                continue
            left, right = _stem_pattern(a.typed[-1], plan.language), _stem_pattern(b.typed[0], plan.language)
            rx = re.compile(left + r"(?:\W+\w+){0,2}?\W+" + right, re.I)
            out.append((i, i + 1, rx))
        return out

    def _score(
        self, plan: Plan, candidates: list[int], meta: dict[int, set[str]], keep: int
    ) -> tuple[list[Scored], int]:
        """The ``keep`` best candidates, exactly, and how many candidates score at all
        (a higher ``keep`` ranks up to that many): candidates are visited by their score
        before the stored-text signals (which can only lower a score, or raise it by at
        most the exact-form and word-pair factors), until no later one can enter the top
        ``keep``."""
        w = self.weights
        n = len(plan.concepts)
        exact = [
            None
            if c.identifier
            else re.compile(r"(?<!\w)" + r"\W+".join(map(re.escape, c.typed)) + r"(?!\w)", re.I)
            for c in plan.concepts
        ]
        bigrams = self._bigrams(plan)
        per_doc = self._concept_scores(plan, candidates)
        named: set[int] = set()  # clauses of documents the query names (title, supplier)
        whole: set[int] = set()  # ... in all its concepts: the query is such a document's name
        if meta and len(meta) == n:
            docs_all = set.intersection(*meta.values())
            whole = self._candidates_in(docs_all, candidates) if docs_all else set()
        if meta:
            # a concept named by a document's title counts, in each of its clauses, as much
            # as in the clause that matches it best
            best = [max((per[ci] for per in per_doc.values()), default=0.0) for ci in range(n)]
            fallback = max(best) or 1.0
            for ci, docs in meta.items():
                clauses = self._candidates_in(docs, candidates)
                named |= clauses
                for docnum in clauses:
                    per = per_doc.setdefault(docnum, [0.0] * n)
                    # (in full in a document the whole query names)
                    share = 1.0 if docnum in whole else w.meta
                    per[ci] = max(per[ci], share * (best[ci] or fallback))
        # how fully each clause matches each concept: a weak match (a generic word of a
        # phrase, a low-weight expansion) counts as part of a match
        best_of = [max((per[ci] for per in per_doc.values()), default=0.0) for ci in range(n)]
        full = [w.coverage * b for b in best_of]

        def coverage(per: list[float]) -> float:
            return sum(
                min(1.0, s / full[ci]) if full[ci] > 0 else float(s > 0) for ci, s in enumerate(per)
            ) / n

        # the highest score each candidate can reach (every typed form and word pair found
        # in its text, no demotion): candidates are read in that order, and reading stops
        # when no later one can enter the top ``keep``
        # a clause label the query names ("Article 28", "punkt 8.2") comes first: clauses
        # without any (when some candidate has one) are demoted, so synonyms of the query's
        # other words cannot outrank the clause it points at
        labels = [ci for ci, c in enumerate(plan.concepts) if c.label and best_of[ci] > 0]
        # a definition question ("definition of Subprocessor", "vad avses med underbiträde"):
        # the clause defining its other words matches the definition words in full
        defining = _definition_pattern(plan)
        asked = [ci for ci, c in enumerate(plan.concepts) if c.definition] if defining else []

        def factor_of(per: list[float], docnum: int) -> float:
            factor = coverage(per) ** w.coord * (1.0 + w.meta_doc if docnum in named else 1.0)
            if docnum in whole:
                factor *= 1.0 + w.meta_name
            if labels and not any(per[ci] > 0 for ci in labels):
                factor *= w.label_miss
            return factor

        def defined(per: list[float]) -> list[float]:
            return [max(s, best_of[ci]) if ci in asked else s for ci, s in enumerate(per)]

        keyed = [c.keyword_label for c in plan.concepts if c.keyword_label is not None]
        # the most the stored-text signals below can multiply a candidate's factor by
        gain = (1.0 + w.definition if defining else 1.0) * (1.0 + w.keyword_label if keyed else 1.0)
        pre = []
        for docnum, per in per_doc.items():
            top = defined(per) if defining else per  # the most a definition can make of it
            bound = sum(top) * (1.0 + w.exact) + w.bigram * sum(
                min(top[i], top[j]) for i, j, _ in bigrams
            )
            pre.append((bound * factor_of(top, docnum) * gain, docnum))
        pre.sort(key=lambda x: (-x[0], x[1]))
        out: list[Scored] = []
        scores: list[float] = []  # a min-heap of the best ``keep`` scores so far
        for bound, docnum in pre:
            if len(scores) >= keep and bound < scores[0]:
                break
            per = per_doc[docnum]
            fields = self.searcher.stored_fields(docnum)
            text = fields.get("text", "")
            definition = defining is not None and _defines(defining, text, fields.get("heading") or "")
            if definition:
                per = defined(per)
            factor = factor_of(per, docnum) * (1.0 + w.definition if definition else 1.0)
            if keyed:
                factor *= 1.0 + w.keyword_label * _label_share(keyed, str(fields.get("number") or ""), text)
            total = 0.0
            for ci, sc in enumerate(per):
                if sc <= 0:
                    continue
                rx = exact[ci]
                total += sc * (1.0 + w.exact) if rx is not None and rx.search(text) else sc
            for i, j, rx in bigrams:
                if per[i] > 0 and per[j] > 0 and rx.search(text):
                    total += w.bigram * min(per[i], per[j])
            score = total * factor
            score *= prior(fields.get("kind", "clause"), fields.get("chars", len(text)), self.priors)
            out.append(Scored(docnum, score, fields))
            if len(scores) < keep:
                heapq.heappush(scores, score)
            elif score > scores[0]:
                heapq.heapreplace(scores, score)
        out.sort(key=lambda s: (-s.score, s.docnum))
        if w.same_document < 1.0:
            out = _spread(out, w.same_document)
        return out, len(per_doc)

    # -- Whoosh syntax -------------------------------------------------------------------

    def syntax(
        self, q: wq.Query, flt: Filters, limit: int, phrases: Sequence[str] = ()
    ) -> tuple[list[Scored], int, int, bool]:
        """The best clauses for a Whoosh-syntax query (priors applied), the number of
        clauses matching it (exact when counting is cheap), how many of them rank for a
        limit high enough (every match scores: the same number) and True (every one can).

        ``phrases`` are the query's quoted phrases in surface form: clauses whose text holds
        more of them word for word rank first. The index leaves stop words out ("set out
        below" is indexed as "set") and stems ("48 hours" matches "48 hour"), so its phrase
        match is looser than what was quoted. (Only the candidates read anyway are checked:
        reading more stored text costs about 0.1 ms a clause.)"""
        searcher = self.searcher
        pool = max(self.weights.pool // 3, limit * 5)
        # when the matches will be counted anyway, count them while searching: block-max
        # skipping would leave them to be found again
        counted = self._postings(q) <= EXACT_COUNT_POSTINGS
        fast = syntax_search(self.candidate_scorer, q, pool, flt[0], flt[1], counted)
        if fast is not None:
            top, total = fast
        else:
            results = searcher.search(q, limit=pool, filter=flt[0], mask=flt[1], optimize=not counted)
            top = [(h.docnum, h.score) for h in results]
            total = self._syntax_total(q, results, counted)
        out = []
        exact: dict[int, int] = {}
        for docnum, hit_score in top:
            fields = searcher.stored_fields(docnum)
            kind = fields.get("kind", "clause")
            score = float(hit_score or 0.0) * prior(kind, fields.get("chars", 0), self.priors)
            out.append(Scored(docnum, score, fields))
            if phrases:
                text = " " + surface(fields.get("text", "")) + " "
                exact[docnum] = sum(1 for p in phrases if f" {p} " in text)
        out.sort(key=lambda s: (-exact.get(s.docnum, 0), -s.score, s.docnum))
        return out, total, max(total, len(out)), True

    def _syntax_total(self, q: wq.Query, results: Any, counted: bool) -> int:
        """Exact number of matches when counting is cheap (`counted`: the search counted
        them); Whoosh's estimate otherwise (counting every match of a very common word
        costs more than the search)."""
        if counted or results.has_exact_length():
            c = results.collector
            if not counted and type(c) is FilterCollector and not c.child.computes_count():
                # Whoosh would match the query a second time to count (docs_for_query);
                # the same count from the terms' postings as sets
                with contextlib.suppress(UnsupportedQueryError):
                    return count_matches(self.searcher, q, c._allow, c._restrict)
            return len(results)
        return max(results.scored_length(), int(results.estimated_length()))

    def _postings(self, q: wq.Query) -> int:
        """The number of postings of a query's terms (what counting its matches reads)."""
        reader = self.searcher.reader()
        postings = 0
        for f, t in q.iter_all_terms():
            text = t.decode("utf-8") if isinstance(t, bytes) else t
            postings += doc_frequency(reader, f, text)
        return postings
