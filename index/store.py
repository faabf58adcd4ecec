"""The clause index: a Whoosh index of clauses that can always be rebuilt from its source.

:class:`ClauseIndex` is the public face; the work is done in passes of their own:
:mod:`index.generations` (folders, the one write lock, the rebuild journal),
:mod:`index.schema` (fields and records), :mod:`index.query` and :mod:`index.syntax`
(queries), :mod:`index.ranking` and :mod:`index.collapse` (scoring and folding) and
:mod:`index.hits` (snippets).

The index is rebuilt automatically from ``source`` when it is missing, of an older schema
version, or corrupt; searches never see a half-built index (a rebuild writes a new
generation and swaps it in atomically). Every writer holds the index's one write lock; a
rebuild replays the changes writers made while it ran before it swaps (see
:mod:`index.generations`).
"""

from __future__ import annotations

import bisect
import contextlib
import logging
import os
import pickle
import struct
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from whoosh import index as windex
from whoosh import query as wq
from whoosh.index import LockError

from index.build import BuildWriter, add_documents, build_parallel
from index.collapse import fold_ranking
from index.errors import IndexUnavailable, QueryError
from index.generations import Generations
from index.hits import highlight_terms, make_hit
from index.matching import LanguageBM25F
from index.model import IndexDocument, SearchResult
from index.priors import HEADING
from index.query import QueryBuilder, Weights
from index.ranking import Filters, Ranker, Scored, filter_query
from index.schema import FIELD_LANGUAGES, SCHEMA_VERSION, build_schema, clause_records, rekeyed
from index.syntax import parse_syntax, quoted_phrases, uses_syntax
from index.vocabulary import vocabulary

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
Source = Callable[[], tuple[int, Iterable[IndexDocument]]]

# What a damaged index can raise while being opened or read.
CORRUPTION_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    EOFError,
    ValueError,
    KeyError,
    IndexError,
    TypeError,
    AttributeError,
    AssertionError,
    struct.error,
    zlib.error,
    pickle.UnpicklingError,
    windex.IndexError,
)

MAX_SEGMENTS = 8  # searches open one matcher tree per segment; keep them few
PARALLEL_FROM = 300  # documents from which a rebuild uses several processes
PARALLEL_ADD_FROM = 3000  # clauses from which an add uses several processes (below, forking costs more)


class _WritersDieWithParent:
    """While alive: processes that multiprocessing forks here (the multi-process writer's
    sub-writers) are killed by the kernel when this process dies (Linux). A sub-writer
    otherwise outlives a SIGKILLed add or reindex, blocked for ever on its job queue."""

    def __init__(self) -> None:
        import multiprocessing.util

        self.pid = os.getpid()
        # Held weakly: the hook is gone once this object is (after the writer).
        multiprocessing.util.register_after_fork(self, _die_with_parent)


def _die_with_parent(guard: _WritersDieWithParent) -> None:
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG
    if os.getppid() != guard.pid:
        os._exit(1)  # the parent died before the death signal was set


def merge_policy(writer: Any, segments: list[Any]) -> list[Any]:
    """Whoosh's MERGE_SMALL, then merge the smallest segments until at most MAX_SEGMENTS
    remain (search time grows with the number of segments)."""
    from whoosh.reading import SegmentReader
    from whoosh.writing import MERGE_SMALL

    segments = MERGE_SMALL(writer, segments)
    if len(segments) <= MAX_SEGMENTS:
        return segments
    ordered = sorted(segments, key=lambda seg: seg.doc_count_all())
    merge = ordered[: len(segments) - MAX_SEGMENTS + 1]
    for seg in merge:
        reader = SegmentReader(writer.storage, writer.schema, seg)
        try:
            writer.add_reader(reader)
        finally:
            reader.close()
    return [seg for seg in segments if seg not in merge]


_TYPE_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", " ": "-", "_": "-"})


def fold_type(value: str) -> str:
    """A document type's name as typed, folded as types are named (lower case, å/ä/ö
    plain, spaces as hyphens)."""
    return value.strip().lower().translate(_TYPE_FOLD)


def type_names(doc_type_words: Mapping[str, str]) -> dict[str, str]:
    """Folded name → document type: each type, each of its words and its words joined
    (``standard-contractual-clauses``), leaving out words that several types share."""
    owners: dict[str, set[str]] = {}
    for doc_type, words in doc_type_words.items():
        names = {doc_type, *words.split(), "-".join(words.split())}
        for name in names:
            owners.setdefault(fold_type(name), set()).add(doc_type)
    return {name: next(iter(types)) for name, types in owners.items()
            if name and len(types) == 1}


class ClauseIndex:
    """Clause-level full-text search over all contracts (Swedish and English).

    ``path`` is a folder owned by the index. ``source`` returns the total number of
    documents and the documents themselves; it is used to rebuild the index when it is
    missing, of an older schema version, or corrupt. ``doc_type_words`` gives, per
    document type, the words a user may call it by (searched with titles and suppliers);
    ``rebuild_hint`` ends messages that ask for a rebuild (the caller knows its command).
    Opening is lazy: nothing touches the disk until the first call.
    """

    SCHEMA_VERSION: int = SCHEMA_VERSION

    def __init__(
        self,
        path: Path,
        source: Source | None = None,
        *,
        doc_type_words: Mapping[str, str] | None = None,
        rebuild_hint: str = "rebuild it from its source",
        weights: Weights | None = None,
        processes: int | None = None,
    ) -> None:
        self.path = Path(path)
        self._source = source
        self.doc_type_words = dict(doc_type_words or {})
        self._type_names = type_names(self.doc_type_words)
        self.rebuild_hint = rebuild_hint
        self.weights = weights or Weights()
        self.processes = processes if processes is not None else min(2, os.cpu_count() or 1)
        self.generations = Generations(self.path, self.SCHEMA_VERSION, build_schema)
        self._ix: Any = None
        self._gen: str | None = None
        self._searcher: Any = None
        self._ranker: Ranker | None = None
        self._builder: QueryBuilder | None = None
        self._filters: dict[tuple[int, str], Any] = {}  # per-searcher caches

    # -- lifecycle -----------------------------------------------------------------------

    def close(self) -> None:
        """Release open files (the index reopens lazily when used again)."""
        if self._searcher is not None:
            with contextlib.suppress(*CORRUPTION_ERRORS):
                self._searcher.close()
        if self._ix is not None:
            with contextlib.suppress(*CORRUPTION_ERRORS):
                self._ix.close()
        self._searcher = None
        self._ranker = None
        self._ix = None
        self._gen = None

    def __enter__(self) -> ClauseIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def ready(self) -> bool:
        """True when a generation of the current schema is live: searching needs neither a
        rebuild nor a source. Creates and rebuilds nothing."""
        return self.generations.problem() is None

    def _ensure_ready(self) -> str:
        """Make sure a usable generation is live (creating or rebuilding it); its name."""
        gens = self.generations
        problem = gens.problem()
        if problem is None:
            gen = gens.live()
            if gen is not None:
                return gen
        if problem == "missing" and self._source is None:
            return gens.create_empty()
        if self._source is None:
            raise IndexUnavailable(
                f"the clause index at {self.path} cannot be used ({problem}) and no source "
                f"was given to rebuild it from; {self.rebuild_hint}."
            )
        self.rebuild(_only_if_needed=True)
        gen = gens.live()
        if gen is None:
            raise IndexUnavailable(f"rebuilding the clause index at {self.path} failed")
        return gen

    def _open(self, gen: str | None = None) -> Any:
        gen = gen or self._ensure_ready()
        if self._ix is None or self._gen != gen:
            self.close()
            self._ix = self.generations.open(gen)
            self._gen = gen
        return self._ix

    def _get_searcher(self) -> Any:
        ix = self._open()
        if self._searcher is not None and not self._searcher.up_to_date():
            # A fresh searcher rather than refresh(): Whoosh's refresh fails on an index
            # that had no segments yet.
            self._searcher.close()
            self._searcher = None
        if self._searcher is None:
            w = self.weights
            self._searcher = ix.searcher(
                weighting=LanguageBM25F(FIELD_LANGUAGES, B=w.bm25_b, K1=w.bm25_k1)
            )
            self._ranker = None
            self._filters.clear()
        return self._searcher

    def _recover(self, exc: BaseException) -> None:
        """After a read error: rebuild from source, or raise IndexUnavailable."""
        failed_gen = self._gen
        self.close()
        if self.generations.live() != failed_gen:
            return  # another process swapped generations meanwhile; just reopen
        if self._source is None:
            raise IndexUnavailable(
                f"the clause index at {self.path} is damaged ({type(exc).__name__}: {exc}) "
                f"and no source was given to rebuild it from; {self.rebuild_hint}."
            ) from exc
        log.warning("clause index %s is damaged (%r); rebuilding from source", self.path, exc)
        self.rebuild(_damaged=failed_gen)

    # -- writing -------------------------------------------------------------------------

    @contextlib.contextmanager
    def _writer(self, change: dict[str, Any], procs: int = 1) -> Iterator[Any]:
        """A Whoosh writer on the live generation, under the index's write lock; the change
        is journalled first when a rebuild is running. With ``procs`` > 1 it is Whoosh's
        multi-process writer (a new segment per process), under the same lock."""
        guard = _WritersDieWithParent() if procs > 1 else None
        recovered = False
        while True:
            self._ensure_ready()
            lock = self.generations.write_lock()
            lock.__enter__()
            try:
                gen = self.generations.live()
                if gen is None:
                    raise FileNotFoundError(f"no live generation in {self.path}")
                ix = self._open(gen)
                if procs > 1:
                    writer = ix.writer(timeout=self.generations.LOCK_TIMEOUT, procs=procs,
                                       multisegment=True, batchsize=100)
                else:
                    writer = BuildWriter(ix, timeout=self.generations.LOCK_TIMEOUT)
                break
            except LockError as exc:
                lock.__exit__(None, None, None)
                raise IndexUnavailable(
                    f"the clause index at {self.path} is locked by a writer that does not "
                    f"take its write lock: {exc}"
                ) from exc
            except CORRUPTION_ERRORS as exc:
                lock.__exit__(None, None, None)
                if recovered:
                    raise IndexUnavailable(
                        f"the clause index at {self.path} is unusable: {exc}; {self.rebuild_hint}."
                    ) from exc
                recovered = True
                self._recover(exc)
            except BaseException:
                lock.__exit__(None, None, None)
                raise
        try:
            self.generations.journal(change)
            yield writer
            writer.commit(mergetype=merge_policy)
        except BaseException:
            with contextlib.suppress(Exception):
                writer.cancel()
            raise
        finally:
            lock.__exit__(None, None, None)
            del guard  # the sub-writers are done

    def add(self, docs: Sequence[IndexDocument], progress: Progress | None = None) -> int:
        """Index ``docs``, replacing any clauses already indexed for the same document_id.

        Returns the number of clauses indexed. All documents are committed together, with
        one writer (index a batch at once rather than one document at a time).
        """
        prepared = [(doc.document_id, clause_records(doc, self.doc_type_words)) for doc in docs]
        change = {"op": "add", "docs": [doc.as_dict() for doc in docs]}
        # A large batch (a bulk add) is analysed and written on every core.
        clauses = sum(len(records) for _, records in prepared)
        procs = self.processes if clauses >= PARALLEL_ADD_FROM else 1
        with self._writer(change, procs) as writer:
            return _add_prepared(writer, prepared, progress)

    def remove(self, document_id: str) -> None:
        """Remove every clause of a document."""
        with self._writer({"op": "remove", "document_id": document_id}) as writer:
            writer.delete_by_term("document_id", document_id)

    def update_metadata(
        self,
        contract_id: str,
        *,
        supplier: str | None,
        board: str | None,
        secret: bool,
        title: str | None = None,
    ) -> None:
        """Apply changed contract metadata to every indexed clause of the contract.

        The clauses are re-indexed from their stored fields (text, heading, number, page),
        so the caller does not need to re-send the documents. ``title`` None keeps each
        document's title.
        """
        change = {
            "op": "meta",
            "contract_id": contract_id,
            "supplier": supplier,
            "board": board,
            "secret": secret,
            "title": title,
        }
        with self._writer(change) as writer:
            _apply_metadata(writer, change, self.doc_type_words)

    def rebuild(
        self,
        progress: Progress | None = None,
        *,
        _only_if_needed: bool = False,
        _damaged: str | None = None,
    ) -> int:
        """Rebuild the whole index from ``source`` in a new generation and swap it in.

        Returns the number of clauses indexed. Writers go on writing to the live
        generation meanwhile; their changes are replayed into the new one before the swap.
        Searches keep using the previous generation until the swap.
        """
        if self._source is None:
            raise IndexUnavailable(
                f"cannot rebuild the clause index at {self.path}: no source was given"
            )
        gens = self.generations
        with gens.structure_lock():
            if _only_if_needed and gens.problem() is None:
                return 0  # another process rebuilt it while we waited
            if _damaged is not None and gens.live() != _damaged:
                return 0  # already replaced
            old = gens.live()
            gen, ix = gens.new()
            try:
                with gens.write_lock():
                    gens.start_journal(gen)
                count = self._build(ix, progress)
                with gens.write_lock():
                    for change in gens.journalled(gen):
                        _replay(ix, change, self.doc_type_words)
                    ix.close()
                    gens.publish(gen)
                    gens.end_journal(gen)
            except BaseException:
                with contextlib.suppress(Exception), gens.write_lock():
                    gens.end_journal(gen)
                with contextlib.suppress(Exception):
                    ix.close()
                gens.discard(gen)
                raise
            self.close()
            gens.cleanup(keep={gen} | ({old} if old and old != _damaged else set()))
            return count

    def _build(self, ix: Any, progress: Progress | None) -> int:
        """Index every document of the source into a fresh index (several processes for a
        large source, one segment each: see :mod:`index.build`)."""
        assert self._source is not None
        total, documents = self._source()
        procs = self.processes if total >= PARALLEL_FROM else 1
        if procs > 1:
            guard = _WritersDieWithParent()
            count = build_parallel(ix, documents, total, procs, self.doc_type_words, progress)
            del guard  # the workers are done
            return count
        writer = BuildWriter(ix)
        done = 0

        def step() -> None:
            nonlocal done
            done += 1
            if progress is not None:
                progress(done, total)

        try:
            count = add_documents(writer, documents, self.doc_type_words, step)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        return count

    # -- reading -------------------------------------------------------------------------

    def search(
        self,
        query: str,
        *,
        doc_type: str | None = None,
        supplier: str | None = None,
        board: str | None = None,
        contract_id: str | None = None,
        include_secret: bool = False,
        limit: int = 10,
        all_versions: bool = False,
    ) -> SearchResult:
        """Search clauses; the best ``limit`` hits first, with highlighted snippets.

        Secret documents are left out unless ``include_secret``. Versions of a document
        and near-duplicate passages fold into one hit (listed in ``Hit.also_in``) unless
        ``all_versions``. ``total`` is the number of clauses containing the query's
        distinctive words; it is exact unless counting would cost more than the search
        (very common words), where it is an estimate. How those clauses divide into hits
        shown, folded, merged, below the limit and unranked: see :class:`SearchResult`.
        A hit from a superseded document names its successor (``Hit.superseded_by``) and
        the newest version (``Hit.current_version``). Snippets mark matches «like this».
        Raises :class:`QueryError` for a malformed query.
        """
        if not query or not query.strip():
            raise QueryError("empty query: write some words, e.g. 'uppsägningstid'")
        if limit < 1:
            raise QueryError(f"limit must be at least 1, not {limit}")
        allow_q, mask_q = filter_query(
            doc_type=doc_type,
            supplier=supplier,
            board=board,
            contract_id=contract_id,
            include_secret=include_secret,
        )
        recovered = False
        while True:
            try:
                searcher = self._get_searcher()
                flt = (self._docset(searcher, allow_q), self._docset(searcher, mask_q))
                return self._search(searcher, query, flt, limit, all_versions)
            except CORRUPTION_ERRORS as exc:
                if recovered:
                    raise IndexUnavailable(
                        f"the clause index at {self.path} is still unusable after a rebuild: "
                        f"{type(exc).__name__}: {exc}"
                    ) from exc
                recovered = True
                self._recover(exc)

    def _search(
        self, searcher: Any, query: str, flt: Filters, limit: int, all_versions: bool
    ) -> SearchResult:
        from whoosh.query.qcore import QueryError as WhooshQueryError

        if self._ranker is None or self._ranker.searcher is not searcher:
            self._ranker = Ranker(searcher, self.weights)
        if self._builder is None:
            self._builder = QueryBuilder(searcher.schema, vocabulary(self.path),
                                         weights=self.weights)
        ranker = self._ranker
        language = None
        lift_flt = flt  # which clauses a heading alone may be shown as
        try:
            if uses_syntax(query):
                q = parse_syntax(query, searcher.schema, self._documents_matching(searcher))
                queries = [q]
                if q is wq.NullQuery or (flt[0] is not None and not flt[0]):
                    return SearchResult(query=query, total=0, hits=[])
                ranked, total, ranking, complete = ranker.syntax(q, flt, limit, phrases=quoted_phrases(query))
                excluded = _excluded_docs(searcher, q)
                if excluded:
                    # "notice NOT breach": the heading "1. Notice" of a clause about a
                    # breach is not shown, neither as that clause nor alone (a document's
                    # clauses are consecutive document numbers, see _docset)
                    lift_flt = (flt[0], (flt[1] or set()) | excluded)
                    ranked = [r for r in ranked
                              if r.fields.get("kind") != HEADING or r.docnum + 1 not in excluded]
            else:
                plan = self._builder.plain(query, reader=searcher.reader())
                language = plan.language
                queries = [c.query for c in plan.concepts]
                if flt[0] is not None and not flt[0]:
                    return SearchResult(query=query, total=0, hits=[], language=language)
                ranked, total, ranking, complete = ranker.plain(plan, flt, limit)
        except WhooshQueryError as exc:
            raise QueryError(f"cannot run {query!r}: {exc}") from exc
        successors = self._successors(
            searcher, {str(r.fields.get("contract_id") or "") for r in ranked})
        folding = fold_ranking(
            ranked,
            limit,
            all_versions=all_versions,
            next_clause=lambda s: self._next_clause(searcher, s, lift_flt),
            successors=successors,
        )
        terms = highlight_terms(queries)
        hits = [make_hit(searcher.schema, g, terms, successors) for g in folding.groups]
        # what a higher limit can still list: the ranked passages below the last hit, and
        # those that rank but were not read this time (fold and merge among them unknown)
        placed = len(hits) + folding.folded + folding.merged
        below = max(folding.below, ranking - placed)
        return SearchResult(query=query, total=total, hits=hits, language=language,
                            folded=folding.folded, merged=folding.merged,
                            below_limit=below, compared_all=complete)

    def _successors(self, searcher: Any, contract_ids: set[str]) -> dict[str, str]:
        """Old document id -> the id of the document superseding it, for the documents of
        ``contract_ids`` (a document is superseded within its contract), from their stored
        ``supersedes``; read once per contract and open searcher, so a search pays for the
        contracts it found, not for the archive. Of two documents superseding one, the
        later indexed wins."""
        known: dict[str, dict[str, str]] = self._filters.setdefault((id(searcher), "successors"), {})
        missing = sorted(c for c in contract_ids if c and c not in known)
        if missing:
            found: dict[str, dict[str, str]] = {c: {} for c in missing}
            firsts = wq.And([wq.Term("first", "1"),
                             wq.Or([wq.Term("d_contract", c) for c in missing])])
            for docnum in sorted(searcher.docs_for_query(firsts)):
                fields = searcher.stored_fields(docnum)
                old, contract = fields.get("supersedes"), str(fields.get("contract_id") or "")
                if old and fields.get("document_id") and contract in found:
                    found[contract][str(old)] = str(fields["document_id"])
            known.update(found)
        out: dict[str, str] = {}
        for c in sorted(contract_ids):
            out.update(known.get(c, {}))
        return out

    def _documents_matching(self, searcher: Any) -> Callable[[wq.Query], list[str]]:
        def by_type_name(leaf: wq.Query) -> wq.Query:
            # type:dpa or type:Tillägg name the type as users call it
            if isinstance(leaf, wq.Term) and leaf.fieldname == "d_type":
                typed = self._type_names.get(fold_type(str(leaf.text)))
                if typed is not None:
                    return wq.Term("d_type", typed, boost=leaf.boost)
            return leaf.apply(by_type_name) if not leaf.is_leaf() else leaf

        def documents(q: wq.Query) -> list[str]:
            q = by_type_name(q)
            return sorted(
                {searcher.stored_fields(d)["document_id"] for d in searcher.docs_for_query(q)}
            )

        return documents

    def _next_clause(self, searcher: Any, s: Scored, flt: Filters) -> Scored | None:
        """The clause after ``s`` in its document (None when there is none or it is
        filtered out)."""
        want_doc, want_n = s.fields.get("document_id"), (s.fields.get("n") or 0) + 1
        reader = searcher.reader()
        candidates: Iterable[int] = [s.docnum + 1]
        if s.docnum + 1 >= reader.doc_count_all() or reader.is_deleted(s.docnum + 1):
            candidates = searcher.docs_for_query(wq.Term("document_id", want_doc))
        for docnum in candidates:
            if docnum >= reader.doc_count_all() or reader.is_deleted(docnum):
                continue
            fields = searcher.stored_fields(docnum)
            if fields.get("document_id") == want_doc and fields.get("n") == want_n:
                if (flt[0] is not None and docnum not in flt[0]) or (
                    flt[1] is not None and docnum in flt[1]
                ):
                    return None
                return Scored(docnum, s.score, fields)
            if candidates == [s.docnum + 1]:
                return self._next_clause_slow(searcher, want_doc, want_n, s.score, flt)
        return None

    def _next_clause_slow(
        self, searcher: Any, document_id: str, n: int, score: float, flt: Filters
    ) -> Scored | None:
        for docnum in searcher.docs_for_query(wq.Term("document_id", document_id)):
            fields = searcher.stored_fields(docnum)
            if fields.get("n") == n:
                if (flt[0] is not None and docnum not in flt[0]) or (
                    flt[1] is not None and docnum in flt[1]
                ):
                    return None
                return Scored(docnum, score, fields)
        return None

    def _docset(self, searcher: Any, q: Any) -> set[int] | None:
        """The clauses of the documents a filter query matches (on their first clauses),
        cached per open searcher.

        A document's clauses are consecutive document numbers from its first clause to the
        next document's: they are added together, in one group (one segment), and Whoosh
        keeps the order of documents when it merges segments.
        """
        if q is None:
            return None
        key = (id(searcher), repr(q))
        cached = self._filters.get(key)
        if cached is None:
            if len(self._filters) > 64:
                self._filters.clear()
            cached = self._filters[key] = self._clauses_from_firsts(
                searcher, sorted(searcher.docs_for_query(q))
            )
        return cached

    def _clauses_from_firsts(self, searcher: Any, firsts: list[int]) -> set[int]:
        key = (id(searcher), "first")
        every = self._filters.get(key)
        if every is None:
            every = self._filters[key] = set(searcher.docs_for_query(wq.Term("first", "1")))
        ordered = sorted(every)
        reader = searcher.reader()
        total = reader.doc_count_all()
        out: set[int] = set()
        for f in firsts:
            i = bisect.bisect_right(ordered, f)
            end = ordered[i] if i < len(ordered) else total
            out.update(d for d in range(f, end) if not reader.is_deleted(d))
        return out

    def document_ids(self) -> set[str]:
        """The ids of every document with clauses in the live generation (for checking that
        nothing sealed is missing from search). Rebuilds like a search would if needed."""
        for attempt in range(2):
            try:
                searcher = self._get_searcher()
                return {
                    searcher.stored_fields(docnum)["document_id"]
                    for docnum in searcher.docs_for_query(wq.Term("first", "1"))
                }
            except CORRUPTION_ERRORS as exc:
                if attempt:
                    raise IndexUnavailable(f"the clause index at {self.path} is unusable: {exc}") from exc
                self._recover(exc)
        return set()

    def status(self) -> dict[str, Any]:
        """Schema version, document and clause counts, and whether a rebuild is needed.

        Does not rebuild or create anything.
        """
        gens = self.generations
        gen = gens.live()
        out: dict[str, Any] = {
            "path": str(self.path),
            "schema_version": self.SCHEMA_VERSION,
            "index_schema_version": gens.version(gen) if gen else None,
            "generation": gen,
            "documents": 0,
            "clauses": 0,
            "ok": False,
            "needs_rebuild": True,
            "reason": None,
        }
        problem = gens.problem()
        if problem is not None:
            out["reason"] = problem
            return out
        try:
            ix = gens.open(str(gen))
            with ix.searcher() as s:
                out["clauses"] = s.doc_count()
                out["documents"] = sum(1 for _ in s.docs_for_query(wq.Term("first", "1")))
            ix.close()
        except CORRUPTION_ERRORS as exc:
            out["reason"] = f"damaged: {type(exc).__name__}: {exc}"
            return out
        out["ok"] = True
        out["needs_rebuild"] = False
        return out


def _add_prepared(
    writer: Any, prepared: Sequence[tuple[str, list[dict[str, Any]]]], progress: Progress | None
) -> int:
    count = 0
    total = len(prepared)
    for done, (document_id, records) in enumerate(prepared, start=1):
        writer.delete_by_term("document_id", document_id)
        with writer.group():  # a document's clauses stay consecutive (see ClauseIndex._docset)
            for rec in records:
                writer.add_document(**rec)
        count += len(records)
        if progress is not None:
            progress(done, total)
    return count


def _apply_metadata(writer: Any, change: Mapping[str, Any], doc_type_words: Mapping[str, str]) -> None:
    """Re-key every clause of a contract with new metadata (within one writer)."""
    searcher = writer.searcher()
    try:
        documents = sorted({
            searcher.stored_fields(docnum)["document_id"]
            for docnum in searcher.document_numbers(d_contract=change["contract_id"])
        })
        stored = [
            dict(searcher.stored_fields(docnum))
            for document_id in documents
            for docnum in sorted(searcher.document_numbers(document_id=document_id))
        ]
    finally:
        searcher.close()
    if not stored:
        return
    for document_id in documents:
        writer.delete_by_term("document_id", document_id)
    stored.sort(key=lambda rec: (rec.get("document_id", ""), rec.get("n") or 0))
    for document_id in documents:
        with writer.group():
            for rec in stored:
                if rec.get("document_id") != document_id:
                    continue
                writer.add_document(
                    **rekeyed(
                        rec,
                        supplier=change.get("supplier"),
                        board=change.get("board"),
                        secret=bool(change.get("secret")),
                        title=change.get("title"),
                        doc_type_words=doc_type_words,
                    )
                )


def _replay(ix: Any, change: Mapping[str, Any], doc_type_words: Mapping[str, str]) -> None:
    """Apply one journalled change to a generation being rebuilt (its own commit, so a
    later change sees an earlier one)."""
    writer = BuildWriter(ix)
    try:
        op = change.get("op")
        if op == "add":
            docs = [IndexDocument(**d) for d in change.get("docs", [])]
            _add_prepared(writer, [(d.document_id, clause_records(d, doc_type_words)) for d in docs], None)
        elif op == "remove":
            writer.delete_by_term("document_id", change["document_id"])
        elif op == "meta":
            _apply_metadata(writer, change, doc_type_words)
    except BaseException:
        writer.cancel()
        raise
    writer.commit()


def _excluded_docs(searcher: Any, q: Any) -> set[int]:
    """The clauses a query's NOT parts match (a clause the query excludes)."""
    out: set[int] = set()
    stack = [q]
    while stack:
        node = stack.pop()
        if isinstance(node, wq.Not):
            out.update(searcher.docs_for_query(node.query))
        elif node.is_leaf() is False:
            stack.extend(node.children())
    return out
