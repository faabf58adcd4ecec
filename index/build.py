"""Writing a fresh generation of the clause index fast (``ClauseIndex.rebuild``).

Profiled on 30,000 clauses, Whoosh's own writer spent about half of a rebuild's CPU not
indexing but sorting: every posting became a 5-tuple in a list that was sorted, pickled to
temporary "run" files whenever ``limitmb`` filled, read back and heap-merged before the
codec wrote it. Two things here remove that without changing what is written:

- :class:`TermPool` keeps the postings in memory grouped by term (field name and term
  bytes): a document's postings arrive in document order, so only the distinct terms are
  sorted, once, and nothing is pickled. It hands the codec exactly the sequence Whoosh's
  pool would (sorted by field, term, document number). A grouped posting is also smaller
  than Whoosh's tuple (the term bytes are kept once per term), which is what makes keeping
  them all in memory reasonable.
- :func:`build_parallel` runs the writers in worker processes that each also segment and
  analyse their share of the documents (Whoosh's multi-process writer segments every
  document in the parent and pickles the finished records to its workers, so the parent
  was a third process fighting for two cores). Each worker writes one segment; the parent
  holds the index's lock and writes the table of contents naming them, as Whoosh's
  multi-process writer does with ``multisegment=True``.

The index's contents are the same as with Whoosh's writers: same terms, postings,
positions, lengths and stored fields per clause.
"""

from __future__ import annotations

import multiprocessing
import queue
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from whoosh.writing import PostingPool, SegmentWriter

from index.model import IndexDocument
from index.schema import clause_records

Progress = Callable[[int, int], None]

BATCH_DOCUMENTS = 8  # documents per job sent to a worker (small: keeps the workers balanced)
WORKER_TIMEOUT = 5.0  # seconds between checks that the workers are still alive


class TermPool(PostingPool):
    """Whoosh's posting pool, in memory and grouped by term instead of one sorted list of
    posting tuples spilled to disk (see the module docstring)."""

    def __init__(self, tempstore: Any, segment: Any, limitmb: int = 128, **kwargs: Any) -> None:  # noqa: ANN401
        super().__init__(tempstore, segment, limitmb=limitmb, **kwargs)
        # (field name, term bytes) -> [docnum, weight, value, docnum, weight, value, ...]
        self.terms: dict[tuple[str, bytes], list[Any]] = {}
        self.unordered: set[tuple[str, bytes]] = set()

    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        """One posting: (field name, term bytes, document number, weight, value bytes)."""
        fieldname, tbytes, docnum, weight, vbytes = item
        key = (fieldname, tbytes)
        postings = self.terms.get(key)
        if postings is None:
            self.fieldnames.add(fieldname)
            self.terms[key] = [docnum, weight, vbytes]
            return
        if docnum <= postings[-3]:
            self.unordered.add(key)  # e.g. merged segments: sorted when read out
        postings += (docnum, weight, vbytes)

    def iter_postings(self) -> Iterator[tuple[str, bytes, int, float, bytes | None]]:
        """Every posting, sorted like Whoosh's pool sorts them."""
        terms, self.terms = self.terms, {}
        for key in sorted(terms):
            fieldname, tbytes = key
            flat = terms.pop(key)
            triples = zip(flat[0::3], flat[1::3], flat[2::3], strict=True)
            if key in self.unordered:
                triples = iter(sorted(triples))
            for docnum, weight, vbytes in triples:
                yield fieldname, tbytes, docnum, weight, vbytes
        self.unordered.clear()

    def items(self, maxfiles: int = 128) -> Iterator[tuple[str, bytes, int, float, bytes | None]]:  # noqa: ARG002
        return self.iter_postings()

    def save(self) -> None:
        """Nothing to spill: the pool stays in memory."""

    def cleanup(self) -> None:
        self.terms.clear()


class BuildWriter(SegmentWriter):
    """A Whoosh segment writer with the in-memory :class:`TermPool`."""

    def __init__(self, ix: Any, **kwargs: Any) -> None:  # noqa: ANN401
        super().__init__(ix, **kwargs)
        self.pool = TermPool(self._tempstorage, self.newsegment)


def add_documents(writer: Any, documents: Iterable[IndexDocument],  # noqa: ANN401
                  doc_type_words: Mapping[str, str], progress: Callable[[], None] | None = None) -> int:
    """Segment and index documents with one writer; the number of clauses written."""
    count = 0
    for doc in documents:
        # one group: a document's clauses stay consecutive in one segment
        with writer.group():
            for rec in clause_records(doc, doc_type_words):
                writer.add_document(**rec)
                count += 1
        if progress is not None:
            progress()
    return count


def _worker(storage: Any, indexname: str, jobs: Any, results: Any,  # noqa: ANN401
            doc_type_words: Mapping[str, str]) -> None:
    """A worker process: index the documents of every job until a None, then finish its
    segment and put (segment or None, clauses, None) on ``results`` (or an error)."""
    try:
        writer = BuildWriter(storage.open_index(indexname), _lk=False)
        count = 0
        while (batch := jobs.get()) is not None:
            count += add_documents(writer, batch, doc_type_words)
        if writer._added:  # noqa: SLF001 - Whoosh's own multi-process writer does the same
            segment = writer._finalize_segment()  # noqa: SLF001
        else:
            writer._close_segment()  # noqa: SLF001
            segment = None
        results.put((segment, count, None))
    except BaseException:  # noqa: BLE001 - reported to the parent, which raises it
        results.put((None, 0, traceback.format_exc()))


def build_parallel(ix: Any, documents: Iterable[IndexDocument], total: int, procs: int,  # noqa: ANN401
                   doc_type_words: Mapping[str, str], progress: Progress | None = None) -> int:
    """Index ``documents`` into the empty index ``ix`` with ``procs`` worker processes (one
    segment each); the number of clauses indexed. The caller keeps the workers from
    outliving it (see ``store._WritersDieWithParent``)."""
    ctx = multiprocessing.get_context("fork")
    jobs = ctx.Queue(procs * 4)
    results = ctx.Queue()
    # The parent's writer holds Whoosh's lock and commits the table of contents.
    writer = ix.writer()
    workers = [ctx.Process(target=_worker, args=(ix.storage, ix.indexname, jobs, results,
                                                 dict(doc_type_words)), daemon=True)
               for _ in range(procs)]
    for w in workers:
        w.start()
    outcome: list[tuple[Any, int, str | None]] = []

    def put(job: Any) -> None:  # noqa: ANN401
        while True:
            try:
                jobs.put(job, timeout=WORKER_TIMEOUT)
                return
            except queue.Full:
                collect(block=False)
                if not all(w.is_alive() for w in workers):
                    raise RuntimeError("a clause index worker died") from None

    def collect(block: bool) -> None:
        while len(outcome) < len(workers):
            try:
                got = results.get(timeout=WORKER_TIMEOUT if block else 0.001)
            except queue.Empty:
                if not block:
                    return
                if not any(w.is_alive() for w in workers) and results.empty():
                    raise RuntimeError("a clause index worker died") from None
                continue
            outcome.append(got)
            if got[2] is not None:
                raise RuntimeError(f"a clause index worker failed:\n{got[2]}")

    try:
        batch: list[IndexDocument] = []
        for done, doc in enumerate(documents, start=1):
            batch.append(doc)
            if len(batch) >= BATCH_DOCUMENTS:
                put(batch)
                batch = []
            if progress is not None:
                progress(done, total)
        if batch:
            put(batch)
        for _ in workers:
            put(None)
        collect(block=True)
        for w in workers:
            w.join()
    except BaseException:
        for w in workers:
            if w.is_alive():
                w.kill()
        writer.cancel()
        raise
    segments = [seg for seg, _, _ in outcome if seg is not None]
    writer._close_segment()  # noqa: SLF001 - as Whoosh's MpWriter commits sub-segments
    writer._commit_toc(segments)  # noqa: SLF001
    writer._finish()  # noqa: SLF001
    return sum(n for _, n, _ in outcome)
