"""The to-index queue: sealed documents wait in `cv_index_queue` until they are in the index.

The mark is written in the seal's own transaction and removed only after the index has
them, so a killed `add`, a full disk or a crash between sealing and indexing loses
nothing; the next indexer (add, capture, search, reindex, verify, doctor --fix) completes
the queue.
"""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from contractvault.ids import document_ref
from contractvault.models import Document, IndexQueue
from contractvault.storage.clause_source import index_documents_from_db
from contractvault.util import utc_now
from index import ClauseIndex, segment, tidy_text

__all__ = ["index_backlog", "mark_for_index", "queued_for_index", "unindexed_documents"]


def mark_for_index(s: Session, document_pk: int, *, new: bool = False) -> None:
    """Note, inside a sealing transaction, that a document is still to be indexed. `new`:
    the document was created in this transaction, so it has no mark yet (none is looked for)."""
    if new or s.get(IndexQueue, document_pk) is None:
        s.add(IndexQueue(document_id=document_pk, queued_at=utc_now()))


def queued_for_index(engine: Engine) -> list[int]:
    """Documents sealed but not yet known to be in the index."""
    with Session(engine) as s:
        return list(s.exec(select(IndexQueue.document_id).order_by(col(IndexQueue.document_id))))


def index_backlog(engine: Engine, index: ClauseIndex, doc_pks: list[int] | None = None) -> int:
    """Index `doc_pks` and every queued document, then clear their marks; returns the
    number of clauses indexed. Adding a document twice replaces it, so two processes
    completing the same queue at once do no harm."""
    pks = sorted(set(doc_pks or []) | set(queued_for_index(engine)))
    if not pks:
        return 0
    docs = list(index_documents_from_db(engine, pks))
    count = index.add(docs) if docs else 0
    # Only after the index has them: a failure above leaves every mark in place.
    with Session(engine) as s:
        for start in range(0, len(pks), 500):
            s.exec(delete(IndexQueue).where(col(IndexQueue.document_id).in_(pks[start:start + 500])))
        s.commit()
    return count


def unindexed_documents(engine: Engine, index: ClauseIndex,
                        doc_pks: set[int] | None = None) -> tuple[list[int], list[int]]:
    """(missing, queued): sealed documents with text that the index lacks, without and
    with a to-index mark. `doc_pks` limits the check to those documents."""
    # In this order: a document sealed meanwhile is either still queued when the queue is
    # read, or was indexed before that, and so is in the index read after it.
    with Session(engine) as s:
        q = select(Document.id).where(Document.has_text == True,  # noqa: E712 - SQL expression
                                      col(Document.evidence_seq).is_not(None))
        pks = [pk for pk in s.exec(q) if pk is not None and (doc_pks is None or pk in doc_pks)]
    queued = set(queued_for_index(engine))
    indexed = index.document_ids()
    absent = [pk for pk in sorted(pks) if document_ref(pk) not in indexed]
    missing = [pk for pk in absent if pk not in queued]
    if missing:
        # A text that yields no clause at all (only symbols) is never in the index.
        found = {d.document_id for d in index_documents_from_db(engine, missing)
                 if any(tidy_text(c.text) for c in segment(d.pages))}
        missing = [pk for pk in missing if document_ref(pk) in found]
    return missing, [pk for pk in absent if pk in queued]
