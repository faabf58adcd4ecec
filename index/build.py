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
  analyse their share of the documents, a run of consecutive ones, so that document
  numbers are those a single writer gives. (Whoosh's multi-process writer segments every
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

from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import PostingPool, SegmentWriter

from index.model import IndexDocument
from index.schema import clause_records

Progress = Callable[[int, int], None]

BATCH_DOCUMENTS = 8  # documents per job sent to a worker
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
    """A Whoosh segment writer with the in-memory :class:`TermPool` (for rebuilds and for
    adds, whose batches are small enough for memory)."""

    def __init__(self, ix: Any, **kwargs: Any) -> None:  # noqa: ANN401
        super().__init__(ix, **kwargs)
        self.pool = TermPool(self._tempstorage, self.newsegment)
        # The clause schema has no term vectors and no separate spelling fields: postings
        # go straight into the pool (see add_document).
        self._plain = not any(f.vector or f.separate_spelling() for _, f in self.schema.items())
        # Each document's field lengths as the segment stores them (one byte, see
        # whoosh.codec.whoosh3), kept for the codec (see _flush_segment).
        self._length_bytes: dict[str, bytearray] = {}
        self._merged = False

    def add_reader(self, reader: Any) -> None:  # noqa: ANN401
        """Merge a segment in (a merge policy does): its lengths are not in memory."""
        self._merged = True
        super().add_reader(reader)

    def add_document(self, **fields: Any) -> None:  # noqa: ANN401
        """Whoosh's ``SegmentWriter.add_document`` with the postings put into the pool's
        term lists directly (the per-posting function call and tuple cost as much as the
        pool itself). Same postings, lengths and stored values."""
        if not self._plain:
            super().add_document(**fields)
            return
        self._check_state()
        perdocwriter = self.perdocwriter
        schema = self.schema
        docnum = self.docnum
        terms = self.pool.terms
        seen = self.pool.fieldnames
        docboost = self._doc_boost(fields)
        fieldnames = sorted([name for name in fields if not name.startswith("_")])
        self._check_fields(schema, fieldnames)
        perdocwriter.start_doc(docnum)
        try:
            for fieldname in fieldnames:
                value = fields.get(fieldname)
                if value is None:
                    continue
                field = schema[fieldname]
                length = 0
                if field.indexed:
                    fieldboost = self._field_boost(fields, fieldname, docboost)
                    scorable = field.scorable
                    seen.add(fieldname)
                    for tbytes, freq, weight, vbytes in field.index(value):
                        if scorable:
                            length += freq
                        key = (fieldname, tbytes)
                        postings = terms.get(key)
                        if postings is None:
                            terms[key] = [docnum, weight * fieldboost, vbytes]
                        else:
                            postings += (docnum, weight * fieldboost, vbytes)
                    if length:
                        lb = self._length_bytes.setdefault(fieldname, bytearray())
                        if len(lb) <= docnum:
                            lb.extend(bytes(docnum + 1 - len(lb)))
                        lb[docnum] = length_to_byte(length)
                customval = fields.get(f"_stored_{fieldname}", value)
                perdocwriter.add_field(fieldname, field, customval if field.stored else None, length)
                column = field.column_type
                if column and customval is not None:
                    perdocwriter.add_column_value(fieldname, column, field.to_column_value(customval))
        except ValueError:
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def _flush_segment(self) -> None:
        """Whoosh's, with the field lengths the codec asks for per posting given from
        memory (Whoosh reads each one back from the segment's length column file)."""
        if not self._plain or self._merged or not self.codec.length_stats:
            super()._flush_segment()
            return
        self.perdocwriter.close()
        lengths = _Lengths(self._length_bytes)
        self.fieldwriter.add_postings(self.schema, lengths, self.pool.iter_postings())
        self.fieldwriter.close()


_BYTE_LENGTH = [byte_to_length(b) for b in range(256)]


class _Lengths:
    """Field lengths of a segment being written, for ``FieldWriter.add_postings`` (which
    uses a posting's field length only when it is not zero)."""

    def __init__(self, length_bytes: Mapping[str, bytearray]) -> None:
        self.length_bytes = length_bytes

    def doc_field_length_reader(self, fieldname: str, default: int = 0) -> Callable[[int], int]:
        """``get(docnum)``: the length of ``fieldname`` in a document, as the segment stores it."""
        lb = self.length_bytes.get(fieldname, bytearray())
        n = len(lb)

        def get(docnum: int) -> int:
            if docnum < n and (b := lb[docnum]):
                return _BYTE_LENGTH[b]
            return default

        return get


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


def _worker(n: int, storage: Any, indexname: str, jobs: Any, results: Any,  # noqa: ANN401
            doc_type_words: Mapping[str, str]) -> None:
    """Worker ``n``: index the documents of every job until a None, then finish its segment
    and put (n, segment or None, clauses, None) on ``results`` (or the error's traceback)."""
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
        results.put((n, segment, count, None))
    except BaseException:  # noqa: BLE001 - reported to the parent, which raises it
        results.put((n, None, 0, traceback.format_exc()))


def build_parallel(ix: Any, documents: Iterable[IndexDocument], total: int, procs: int,  # noqa: ANN401
                   doc_type_words: Mapping[str, str], progress: Progress | None = None) -> int:
    """Index ``documents`` into the empty index ``ix`` with ``procs`` worker processes, one
    segment each; the number of clauses indexed. The caller keeps the workers from
    outliving it (see ``store._WritersDieWithParent``).

    Worker ``n`` gets the ``n``-th run of consecutive documents (by ``total``) and the
    segments are listed in that order, so every clause gets the document number it gets
    from a single writer: the same index, split in segments, whatever the timing. (Ties
    in search scores are broken by document number.) The jobs queues are unbounded so that
    every worker has work from the start; the documents waiting are held here meanwhile.
    """
    ctx = multiprocessing.get_context("fork")
    queues = [ctx.Queue() for _ in range(procs)]
    results = ctx.Queue()
    # The parent's writer holds Whoosh's lock and commits the table of contents.
    writer = ix.writer()
    workers = [ctx.Process(target=_worker, args=(n, ix.storage, ix.indexname, queues[n], results,
                                                 dict(doc_type_words)), daemon=True)
               for n in range(procs)]
    for w in workers:
        w.start()
    share = max(1, -(-total // procs))  # documents per worker, rounded up
    outcome: dict[int, tuple[Any, int]] = {}

    def collect() -> None:
        while len(outcome) < len(workers):
            try:
                n, segment, count, error = results.get(timeout=WORKER_TIMEOUT)
            except queue.Empty:
                if not any(w.is_alive() for w in workers) and results.empty():
                    raise RuntimeError("a clause index worker died") from None
                continue
            if error is not None:
                raise RuntimeError(f"a clause index worker failed:\n{error}")
            outcome[n] = (segment, count)

    try:
        batch: list[IndexDocument] = []
        target = 0
        for done, doc in enumerate(documents, start=1):
            n = min((done - 1) // share, procs - 1)
            if n != target and batch:
                queues[target].put(batch)
                batch = []
            target = n
            batch.append(doc)
            if len(batch) >= BATCH_DOCUMENTS:
                queues[target].put(batch)
                batch = []
            if progress is not None:
                progress(done, total)
        if batch:
            queues[target].put(batch)
        for q in queues:
            q.put(None)
        collect()
        for w in workers:
            w.join()
    except BaseException:
        for w in workers:
            if w.is_alive():
                w.kill()
        # Documents still queued for a dead worker can never be sent: without this, the
        # queues' feeder threads would keep this process from exiting.
        for q in (*queues, results):
            q.cancel_join_thread()
            q.close()
        writer.cancel()
        raise
    segments = [outcome[n][0] for n in range(procs) if outcome[n][0] is not None]
    writer._close_segment()  # noqa: SLF001 - as Whoosh's MpWriter commits sub-segments
    writer._commit_toc(segments)  # noqa: SLF001
    writer._finish()  # noqa: SLF001
    return sum(count for _, count in outcome.values())
