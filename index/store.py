"""The clause index: a Whoosh index of clauses that can always be rebuilt from its source.

On-disk layout under ``path``::

    CURRENT                 name of the live generation (replaced atomically)
    STRUCTURE.lock          held while a generation is created or swapped (file lock)
    gen-<time>-<rand>/      a complete Whoosh index
        schema_version.json the schema version marker
        WRITELOCK           Whoosh's own write lock

A rebuild writes a new generation in a sibling directory and then atomically replaces
``CURRENT`` (``os.replace``), so searches never see a half-built index. The index is
rebuilt automatically from ``source`` when it is missing, of an older schema version, or
corrupt. Writers (add, remove, metadata updates) take Whoosh's write lock, retrying with
exponential backoff on ``LockError``; they re-check ``CURRENT`` after taking it, so a
rebuild that swapped generations meanwhile does not swallow their changes.

Searching (plain words): candidates come from a flat OR of the query's rarest terms
(TF-IDF, Whoosh's array matcher), then the best 100 candidates are scored with the full
query (BM25F with per-language statistics, synonym disjunctions, compound parts, word-pair
phrases). Snippets mark matched words with guillemets: «uppsägning».
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import pickle
import random
import shutil
import struct
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from whoosh import index as windex
from whoosh import query as wq
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.highlight import ContextFragmenter, Formatter, get_text, highlight
from whoosh.index import LockError
from whoosh.scoring import BM25F, TF_IDF, BM25FScorer
from whoosh.searching import Searcher

from index.analysis import (
    contract_analyzer,
    detect_language,
    keyword_analyzer,
    number_analyzer,
    word_pairs,
)
from index.errors import IndexUnavailable, QueryError
from index.model import Hit, IndexDocument, SearchResult
from index.query import (
    QueryBuilder,
    candidate_terms,
    doc_frequency,
    filter_query,
    flat_terms_query,
    uses_syntax,
)
from index.segment import segment, tidy_text

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
Source = Callable[[], tuple[int, Iterable[IndexDocument]]]

POINTER = "CURRENT"
MARKER = "schema_version.json"
STRUCTURE_LOCK = "STRUCTURE"

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

DOC_TYPE_WORDS = {
    "huvudavtal": "huvudavtal enterprise agreement main agreement",
    "pub-avtal": "pub-avtal personuppgiftsbiträdesavtal dpa data processing agreement",
    "scc": "scc standard contractual clauses model contract clauses",
    "tillagg": "tillägg amendment addendum",
    "sla": "sla service level agreement servicenivåer",
    "bilaga": "bilaga annex appendix",
    "fullmakt": "fullmakt power of attorney",
    "villkor": "villkor terms online terms",
    "ovrigt": "",
}

SNIPPET_CHARS = 240
CANDIDATE_POOL = 100  # clauses scored with the full query (see ClauseIndex._two_stage)
EXACT_COUNT_POSTINGS = 10_000  # count matches exactly up to this many postings, else estimate


class _GuillemetFormatter(Formatter):
    """Marks matched words «like this» (plain text, safe in terminals and JSON)."""

    between = " … "

    def format_token(self, text: str, token: Any, replace: bool = False) -> str:
        return "«" + get_text(text, token, replace) + "»"


_LANGUAGE_FIELDS = {
    "body_sv": "sv",
    "heading_sv": "sv",
    "pairs_sv": "sv",
    "body_en": "en",
    "heading_en": "en",
    "pairs_en": "en",
}


class LanguageBM25F(BM25F):
    """BM25F where a per-language field's statistics count only clauses in that language.

    Whoosh divides a field's total length (and computes IDF) over all documents; for
    ``body_en`` in an archive of mostly Swedish clauses that makes every English clause
    look several times longer than average and buries it. Here the average length and the
    IDF of ``body_en``/``heading_en`` use the number of English clauses, and likewise for
    Swedish.
    """

    def __init__(self) -> None:
        super().__init__()
        self._stats: dict[tuple[str, Any], Any] = {}  # per searcher: this object is per searcher

    def _stat(self, key: tuple[str, Any], compute: Callable[[], Any]) -> Any:
        if key not in self._stats:
            if len(self._stats) > 100_000:
                self._stats.clear()
            self._stats[key] = compute()
        return self._stats[key]

    def scorer(self, searcher: Any, fieldname: str, text: str, qf: int = 1) -> Any:
        scorer = super().scorer(searcher, fieldname, text, qf=qf)
        lang = _LANGUAGE_FIELDS.get(fieldname)
        if lang is None or not isinstance(scorer, BM25FScorer):
            return scorer
        parent = searcher.get_parent()
        n = self._stat(("n", lang), lambda: parent.doc_frequency("lang", lang))
        if n > 0:
            length = self._stat(("len", fieldname), lambda: parent.field_length(fieldname))
            scorer.avgfl = (length / n) or 1
            df = self._stat(("df", (fieldname, text)), lambda: parent.doc_frequency(fieldname, text))
            scorer.idf = math.log(n / (df + 1)) + 1 if df < n else 1.0
        return scorer


MAX_SEGMENTS = 8  # searches open one matcher tree per segment; keep them few


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


def build_schema() -> Schema:
    """The Whoosh schema of clause documents (one Whoosh document per clause)."""
    return Schema(
        clause_id=ID(stored=True, unique=True),
        document_id=ID(stored=True),
        contract_id=ID(stored=True),
        doc_type=ID(stored=True),
        secret=ID(),
        first=ID(),
        lang=ID(stored=True),
        supplier=TEXT(analyzer=keyword_analyzer(), stored=True),
        board=TEXT(analyzer=keyword_analyzer(), stored=True),
        title=TEXT(analyzer=contract_analyzer("mixed"), stored=True),
        source_path=STORED,
        number=TEXT(analyzer=number_analyzer(), stored=True),
        heading=STORED,
        text=STORED,
        page=STORED,
        start=STORED,
        end=STORED,
        body_sv=TEXT(analyzer=contract_analyzer("sv")),
        body_en=TEXT(analyzer=contract_analyzer("en")),
        heading_sv=TEXT(analyzer=contract_analyzer("sv")),
        heading_en=TEXT(analyzer=contract_analyzer("en")),
        # adjacent word pairs of the clause text: phrase searches become term lookups
        pairs_sv=KEYWORD(commas=True, lowercase=False, scorable=True),
        pairs_en=KEYWORD(commas=True, lowercase=False, scorable=True),
        meta=TEXT(analyzer=contract_analyzer("mixed")),
    )


def _analysed_fields(lang: str, text: str, heading: str) -> dict[str, str]:
    """The language-specific indexed fields of one clause."""
    return {
        f"body_{lang}": text,
        f"heading_{lang}": heading,
        f"pairs_{lang}": ",".join(word_pairs(text, lang)),
    }


def _meta_text(title: str, supplier: str | None, doc_type: str) -> str:
    return " ".join(
        part for part in (title, supplier or "", DOC_TYPE_WORDS.get(doc_type, doc_type)) if part
    )


def clause_records(doc: IndexDocument) -> list[dict[str, Any]]:
    """The Whoosh documents (field dicts) for every clause of ``doc``."""
    clauses = segment(doc.pages)
    if doc.language in ("sv", "en"):
        lang = doc.language
    else:
        lang = detect_language("\n".join(doc.pages)[:20000])
    doc_type = (doc.doc_type or "").strip().lower()
    meta = _meta_text(doc.title, doc.supplier, doc_type)
    records = []
    for n, clause in enumerate(clauses):
        text = tidy_text(clause.text)
        if not text:
            continue
        heading = clause.heading or ""
        records.append(
            {
                "clause_id": f"{doc.document_id}#{n}",
                "document_id": doc.document_id,
                "contract_id": doc.contract_id,
                "doc_type": doc_type,
                "secret": "1" if doc.secret else "0",
                "first": "1" if not records else "0",
                "lang": lang,
                "supplier": doc.supplier or "",
                "board": doc.board or "",
                "title": doc.title,
                "source_path": doc.source_path,
                "number": clause.number or "",
                "heading": heading,
                "text": text,
                "page": clause.page,
                "start": clause.start,
                "end": clause.end,
                "meta": meta,
                **_analysed_fields(lang, text, heading),
            }
        )
    return records


def _disjunctive(q: Any) -> bool:
    """True for a query that is only ORs of single terms: it can take the fast two-stage
    path (a quoted phrase that is one word after stop words, words in several fields)."""
    if isinstance(q, wq.Term) or q is wq.NullQuery:
        return True
    if type(q) in (wq.Or, wq.DisjunctionMax) or isinstance(q, wq.Or) and not q.minmatch:
        return all(_disjunctive(sub) for sub in q.children())
    return False


class ClauseIndex:
    """Clause-level full-text search over all contracts (Swedish and English).

    ``path`` is a folder owned by the index. ``source`` returns the total number of
    documents and the documents themselves; it is used to rebuild the index when it is
    missing, of an older schema version, or corrupt. Opening is lazy: nothing touches the
    disk until the first call.
    """

    SCHEMA_VERSION: int = 1
    LOCK_TIMEOUT: float = 60.0  # seconds a writer waits for the write lock in total
    LOCK_BASE_DELAY: float = 0.01
    LOCK_MAX_DELAY: float = 0.5

    def __init__(self, path: Path, source: Source | None = None) -> None:
        self.path = Path(path)
        self._source = source
        self._ix: Any = None
        self._gen: str | None = None
        self._searcher: Any = None
        self._builder: QueryBuilder | None = None
        self._filters: dict[tuple[int, str], set[int]] = {}
        self._fast: tuple[Any, Any] | None = None

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
        self._ix = None
        self._gen = None

    def __enter__(self) -> ClauseIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _read_pointer(self) -> str | None:
        try:
            name = (self.path / POINTER).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        if not name or not (self.path / name).is_dir():
            return None
        return name

    def _gen_version(self, gen: str) -> int | None:
        try:
            data = json.loads((self.path / gen / MARKER).read_text(encoding="utf-8"))
            return int(data["schema_version"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _backoff(self, what: str) -> Iterator[int]:
        """Yields attempt numbers, sleeping with exponential backoff and jitter in between."""
        deadline = time.monotonic() + self.LOCK_TIMEOUT
        attempt = 0
        while True:
            yield attempt
            attempt += 1
            if time.monotonic() >= deadline:
                raise IndexUnavailable(
                    f"could not get the {what} of the clause index at {self.path} after "
                    f"{attempt} attempts in {self.LOCK_TIMEOUT:.0f} s; another process is "
                    "writing to it (or a rebuild is running). Try again later."
                )
            delay = min(self.LOCK_MAX_DELAY, self.LOCK_BASE_DELAY * 2 ** min(attempt, 16))
            time.sleep(delay * (0.5 + random.random()))

    @contextlib.contextmanager
    def _file_lock(self, directory: Path, name: str, what: str) -> Iterator[None]:
        lock = FileStorage(str(directory)).lock(name)
        for _ in self._backoff(what):
            if lock.acquire():
                break
        try:
            yield
        finally:
            lock.release()

    def _new_generation(self) -> tuple[str, Any]:
        """Create an empty index in a fresh sibling directory (not yet live)."""
        self.path.mkdir(parents=True, exist_ok=True)
        gen = f"gen-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{random.randrange(16**6):06x}"
        gen_dir = self.path / (gen + ".tmp")
        gen_dir.mkdir()
        ix = windex.create_in(str(gen_dir), build_schema())
        (gen_dir / MARKER).write_text(
            json.dumps({"schema_version": self.SCHEMA_VERSION}), encoding="utf-8"
        )
        return gen, ix

    def _publish(self, gen: str) -> None:
        """Make ``gen`` live: rename its temp dir, then swap the pointer atomically."""
        (self.path / (gen + ".tmp")).replace(self.path / gen)
        tmp_pointer = self.path / f"{POINTER}.{os.getpid()}.tmp"
        tmp_pointer.write_text(gen, encoding="utf-8")
        tmp_pointer.replace(self.path / POINTER)

    def _cleanup(self, keep: set[str]) -> None:
        """Remove old generations (keeping the live one and the one before it)."""
        for entry in self.path.iterdir():
            if entry.is_dir() and entry.name.startswith("gen-") and entry.name not in keep:
                shutil.rmtree(entry, ignore_errors=True)

    def _problem(self) -> str | None:
        """Why the live index cannot be used as it is, or None when it looks fine."""
        gen = self._read_pointer()
        if gen is None:
            return "missing"
        version = self._gen_version(gen)
        if version != self.SCHEMA_VERSION:
            return f"schema version {version}, expected {self.SCHEMA_VERSION}"
        return None

    def _ensure_ready(self) -> str:
        """Make sure a usable generation is live (creating or rebuilding it); return its name."""
        problem = self._problem()
        if problem is None:
            gen = self._read_pointer()
            if gen is not None:
                return gen
        if problem == "missing" and self._source is None:
            with self._file_lock(self._lock_dir(), STRUCTURE_LOCK, "structure lock"):
                gen = self._read_pointer()
                if gen is None:
                    gen, ix = self._new_generation()
                    ix.close()
                    self._publish(gen)
                return gen
        if self._source is None:
            raise IndexUnavailable(
                f"the clause index at {self.path} cannot be used ({problem}) and no source was "
                "given to rebuild it from; rebuild it (contractvault reindex)."
            )
        self.rebuild(_only_if_needed=True)
        gen = self._read_pointer()
        if gen is None:
            raise IndexUnavailable(f"rebuilding the clause index at {self.path} failed")
        return gen

    def _lock_dir(self) -> Path:
        """The folder holding the structure lock (the index folder, created if needed)."""
        self.path.mkdir(parents=True, exist_ok=True)
        return self.path

    def _open(self) -> Any:
        gen = self._ensure_ready()
        if self._ix is None or self._gen != gen:
            self.close()
            self._ix = windex.open_dir(str(self.path / gen))
            self._gen = gen
            self._builder = None
        return self._ix

    def _get_searcher(self) -> Any:
        ix = self._open()
        if self._searcher is None:
            self._searcher = ix.searcher(weighting=LanguageBM25F())
        elif not self._searcher.up_to_date():
            # A fresh searcher rather than refresh(): Whoosh's refresh fails on an index
            # that had no segments yet.
            self._searcher.close()
            self._searcher = ix.searcher(weighting=LanguageBM25F())
        return self._searcher

    def _recover(self, exc: BaseException) -> None:
        """After a read error: rebuild from source, or raise IndexUnavailable."""
        failed_gen = self._gen
        self.close()
        if self._read_pointer() != failed_gen:
            return  # another process swapped generations meanwhile; just reopen
        if self._source is None:
            raise IndexUnavailable(
                f"the clause index at {self.path} is damaged ({type(exc).__name__}: {exc}) "
                "and no source was given to rebuild it from; rebuild it (contractvault reindex)."
            ) from exc
        log.warning("clause index %s is damaged (%r); rebuilding from source", self.path, exc)
        self.rebuild(_damaged=failed_gen)

    # -- writing -------------------------------------------------------------------------

    @contextlib.contextmanager
    def _writer(self) -> Iterator[Any]:
        """A Whoosh writer on the live generation, with backoff on LockError."""
        recovered = False
        for _ in self._backoff("write lock"):
            try:
                ix = self._open()
                writer = ix.writer(timeout=0.0)
            except LockError:
                continue
            except CORRUPTION_ERRORS as exc:
                if recovered:
                    raise IndexUnavailable(
                        f"the clause index at {self.path} is still unusable after a rebuild: "
                        f"{exc}"
                    ) from exc
                recovered = True
                self._recover(exc)
                continue
            if self._read_pointer() != self._gen:
                writer.cancel()  # a rebuild swapped generations while we waited
                self.close()
                continue
            break
        try:
            yield writer
        except BaseException:
            writer.cancel()
            raise
        writer.commit(mergetype=merge_policy)
        self._searcher = None

    def add(self, docs: Sequence[IndexDocument], progress: Progress | None = None) -> int:
        """Index ``docs``, replacing any clauses already indexed for the same document_id.

        Returns the number of clauses indexed. All documents are committed together.
        """
        prepared = [(doc.document_id, clause_records(doc)) for doc in docs]
        total = len(prepared)
        count = 0
        with self._writer() as writer:
            for done, (document_id, records) in enumerate(prepared, start=1):
                writer.delete_by_term("document_id", document_id)
                for rec in records:
                    writer.add_document(**rec)
                count += len(records)
                if progress is not None:
                    progress(done, total)
        return count

    def remove(self, document_id: str) -> None:
        """Remove every clause of a document."""
        with self._writer() as writer:
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
        with self._writer() as writer:
            searcher = writer.searcher()
            try:
                stored = [
                    dict(searcher.stored_fields(docnum))
                    for docnum in searcher.document_numbers(contract_id=contract_id)
                ]
            finally:
                searcher.close()
            for rec in stored:
                lang = rec.get("lang") or "sv"
                doc_type = rec.get("doc_type") or ""
                new_title = title if title is not None else rec.get("title", "")
                rec.update(
                    supplier=supplier or "",
                    board=board or "",
                    title=new_title,
                    secret="1" if secret else "0",
                    meta=_meta_text(new_title, supplier, doc_type),
                )
                rec.update(_analysed_fields(lang, rec.get("text", ""), rec.get("heading", "")))
                rec["first"] = "1" if rec["clause_id"].endswith("#0") else "0"
                writer.update_document(**rec)

    def rebuild(
        self,
        progress: Progress | None = None,
        *,
        _only_if_needed: bool = False,
        _damaged: str | None = None,
    ) -> int:
        """Rebuild the whole index from ``source`` in a new generation and swap it in.

        Returns the number of clauses indexed. Writers wait (with backoff) while a rebuild
        runs; searches keep using the previous generation until the swap.
        """
        if self._source is None:
            raise IndexUnavailable(
                f"cannot rebuild the clause index at {self.path}: no source was given"
            )
        with self._file_lock(self._lock_dir(), STRUCTURE_LOCK, "structure lock"):
            if _only_if_needed and self._problem() is None:
                return 0  # another process rebuilt it while we waited
            if _damaged is not None and self._read_pointer() != _damaged:
                return 0  # already replaced
            old = self._read_pointer()
            # Hold the old generation's write lock so no add lands there during the rebuild.
            hold: contextlib.AbstractContextManager[None] = (
                self._file_lock(self.path / old, "WRITELOCK", "write lock")
                if old is not None
                else contextlib.nullcontext()
            )
            with hold:
                gen, ix = self._new_generation()
                try:
                    total, documents = self._source()
                    count = 0
                    writer = ix.writer(limitmb=256)
                    try:
                        for done, doc in enumerate(documents, start=1):
                            for rec in clause_records(doc):
                                writer.add_document(**rec)
                                count += 1
                            if progress is not None:
                                progress(done, total)
                    except BaseException:
                        writer.cancel()
                        raise
                    writer.commit()
                    ix.close()
                except BaseException:
                    shutil.rmtree(self.path / (gen + ".tmp"), ignore_errors=True)
                    raise
                self._publish(gen)
            self.close()
            self._cleanup(keep={gen} | ({old} if old and old != _damaged else set()))
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
    ) -> SearchResult:
        """Search clauses; the best ``limit`` hits first, with highlighted snippets.

        Secret documents are left out unless ``include_secret``. ``total`` is the number of
        clauses containing the query's distinctive words; it is exact unless counting would
        cost more than the search (very common words), where it is an estimate. Snippets
        mark matches «like this». Raises :class:`QueryError` for a malformed query.
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
                builder = self._query_builder(searcher.schema)
                if uses_syntax(query):
                    q = builder.syntax(query, reader=searcher.reader())
                else:
                    q = builder.plain(query, reader=searcher.reader())
                flt = (self._docset(searcher, allow_q), self._docset(searcher, mask_q))
                return self._run(searcher, query, q, flt, limit)
            except CORRUPTION_ERRORS as exc:
                if recovered:
                    raise IndexUnavailable(
                        f"the clause index at {self.path} is still unusable after a rebuild: "
                        f"{type(exc).__name__}: {exc}"
                    ) from exc
                recovered = True
                self._recover(exc)

    def _query_builder(self, schema: Any) -> QueryBuilder:
        if self._builder is None:
            self._builder = QueryBuilder(schema)
        return self._builder

    def _candidate_searcher(self, searcher: Any) -> Any:
        """A searcher on the same reader that ranks candidates by TF-IDF: no field-length
        lookups, about a third faster; the final ranking is BM25F."""
        fast = self._fast
        if fast is None or fast[0] is not searcher:
            fast = self._fast = (
                searcher,
                Searcher(searcher.reader(), weighting=TF_IDF(), closereader=False),
            )
        return fast[1]

    def _docset(self, searcher: Any, q: Any) -> set[int] | None:
        """The document numbers matching a filter query, cached per open searcher."""
        if q is None:
            return None
        key = (id(searcher), repr(q))
        cached = self._filters.get(key)
        if cached is None:
            if len(self._filters) > 64:
                self._filters.clear()
            cached = self._filters[key] = set(searcher.docs_for_query(q))
        return cached

    def _run(
        self,
        searcher: Any,
        qstring: str,
        q: Any,
        flt: tuple[set[int] | None, set[int] | None],
        limit: int,
    ) -> SearchResult:
        from whoosh.query.qcore import QueryError as WhooshQueryError

        if q is wq.NullQuery or (flt[0] is not None and not flt[0]):
            return SearchResult(query=qstring, total=0, hits=[])  # nothing can match
        try:
            if uses_syntax(qstring) and not _disjunctive(q):
                # Top-k skipping is exact only with binary union matchers (query._Or);
                # parsed queries may use Whoosh's array matcher on small indexes.
                optimize = searcher.doc_count_all() > 5000
                results = searcher.search(
                    q, limit=limit, filter=flt[0], mask=flt[1], optimize=optimize
                )
                ranked = [(h.docnum, float(h.score or 0.0)) for h in results]
                total = self._syntax_total(searcher, q, results)
            else:
                ranked, total = self._two_stage(searcher, q, flt, limit)
        except WhooshQueryError as exc:
            raise QueryError(f"cannot run {qstring!r}: {exc}") from exc
        terms: dict[str, set[str]] = {}
        for fieldname, text in q.iter_all_terms():
            value = text.decode("utf-8") if isinstance(text, bytes) else text
            if fieldname.startswith("pairs_"):
                terms.setdefault("body_" + fieldname[6:], set()).update(value.split(" "))
            else:
                terms.setdefault(fieldname, set()).add(value)
        hits = [self._hit(searcher, docnum, score, terms) for docnum, score in ranked]
        return SearchResult(query=qstring, total=total, hits=hits)

    def _syntax_total(self, searcher: Any, q: Any, results: Any) -> int:
        """Exact number of matches when counting is cheap; Whoosh's estimate otherwise
        (counting every match of a very common word costs more than the search)."""
        if results.has_exact_length():
            return len(results)
        reader = searcher.reader()
        postings = sum(doc_frequency(reader, f, t) for f, t in q.iter_all_terms())
        if postings <= EXACT_COUNT_POSTINGS:
            return len(results)
        return max(results.scored_length(), int(results.estimated_length()))

    def _two_stage(
        self, searcher: Any, q: Any, flt: tuple[set[int] | None, set[int] | None], limit: int
    ) -> tuple[list[tuple[int, float]], int]:
        """Top clauses for a plain-word query, and the number of clauses matching any word.

        Whoosh can skip whole posting blocks (top-k "block-max" pruning) only for a flat OR
        of terms, so candidates come from that flat query first; then only the candidates
        are scored with the full query (synonym disjunctions, phrases, compound parts).
        This keeps latency low on large archives where common words match most clauses.
        """
        reader = searcher.reader()
        leaves = candidate_terms(q, reader)
        flat = flat_terms_query(leaves)
        pool = max(CANDIDATE_POOL, limit * 5)
        fast = self._candidate_searcher(searcher)
        if isinstance(flat, wq.Term):
            # one word: block-max pruning finds the best candidates without scoring all
            first = fast.search(flat, limit=pool, filter=flt[0], mask=flt[1])
            df = doc_frequency(reader, flat.fieldname, flat.text)
            total = len(first) if df <= EXACT_COUNT_POSTINGS else df
        else:
            # several words: unoptimized on purpose, the array matcher scores all matches
            # fast and the number of matches comes for free
            first = fast.search(flat, limit=pool, filter=flt[0], mask=flt[1], optimize=False)
            total = len(first)
        candidates = sorted(h.docnum for h in first)
        scores: dict[int, float] = {}
        context = searcher.context(needs_current=True)
        for sub, offset in searcher.leaf_searchers():
            end = offset + sub.doc_count_all()
            mine = [d for d in candidates if offset <= d < end]
            if not mine:
                continue
            m = q.matcher(sub, context)
            for docnum in mine:
                local = docnum - offset
                if not m.is_active():
                    break
                if m.id() < local:
                    m.skip_to(local)
                    if not m.is_active():
                        break
                if m.id() == local:
                    scores[docnum] = m.score()
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
        return ranked, total

    def _hit(self, searcher: Any, docnum: int, score: float, terms: dict[str, set[str]]) -> Hit:
        f = searcher.stored_fields(docnum)
        text = f.get("text", "")
        lang = f.get("lang") or "sv"
        fieldname = f"body_{lang}"
        snippet = ""
        if text and terms.get(fieldname):
            snippet = highlight(
                text,
                terms[fieldname],
                searcher.schema[fieldname].analyzer,
                ContextFragmenter(maxchars=SNIPPET_CHARS, surround=70),
                _GuillemetFormatter(),
                top=2,
            )
        if not snippet:
            snippet = text[:SNIPPET_CHARS] + ("…" if len(text) > SNIPPET_CHARS else "")
        number = f.get("number") or None
        heading = f.get("heading") or None
        return Hit(
            contract_id=f.get("contract_id", ""),
            document_id=f.get("document_id", ""),
            title=f.get("title", ""),
            doc_type=f.get("doc_type", ""),
            supplier=f.get("supplier") or None,
            clause=number or heading,
            page=f.get("page"),
            score=float(score),
            snippet=" ".join(snippet.split()),
            text=text,
            source_path=f.get("source_path", ""),
        )

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
        gen = self._read_pointer()
        out: dict[str, Any] = {
            "path": str(self.path),
            "schema_version": self.SCHEMA_VERSION,
            "index_schema_version": self._gen_version(gen) if gen else None,
            "generation": gen,
            "documents": 0,
            "clauses": 0,
            "ok": False,
            "needs_rebuild": True,
            "reason": None,
        }
        problem = self._problem()
        if problem is not None:
            out["reason"] = problem
            return out
        try:
            ix = windex.open_dir(str(self.path / str(gen)))
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
