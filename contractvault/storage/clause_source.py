"""The vault's documents as the clause index takes them, read from the database (imported
only when the index is fed: searching needs no database)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from contractvault.ids import contract_ref, document_ref
from contractvault.models import Contract, Document, DocumentPage
from index import IndexDocument

__all__ = ["database_source", "index_documents_from_db"]


def _index_document(d: Document, c: Contract, pages: list[str], family: int | None) -> IndexDocument:
    assert d.id is not None and c.id is not None
    return IndexDocument(
        document_id=document_ref(d.id), contract_id=contract_ref(c.id), title=d.title or c.title,
        doc_type=d.doc_type, supplier=c.supplier, board=c.board, secret=c.secret,
        source_path=d.source_name, pages=pages, language=d.language,
        supersedes=document_ref(d.supersedes_id) if d.supersedes_id else None,
        family=document_ref(family) if family and family != d.id else None,
        # A capture's indexed text is its main content in one passage, not its PDF's pages.
        paged=d.capture_id is None,
    )


def _families(s: Session) -> dict[int, int]:
    """Each document's first version: the end of its supersedes chain (versions of one
    document fold into one search hit)."""
    parent = dict(s.exec(select(Document.id, Document.supersedes_id)).all())
    roots: dict[int, int] = {}
    for pk in parent:
        cur, seen = pk, {pk}
        while parent.get(cur) is not None and parent[cur] not in seen:
            cur = parent[cur]
            seen.add(cur)
        roots[pk] = cur
    return roots


def index_documents_from_db(engine: Engine, doc_pks: list[int] | None = None) -> Iterator[IndexDocument]:
    """The documents with text (all, or those of `doc_pks`) as the index takes them."""
    with Session(engine) as s:
        q = select(Document, Contract).join(Contract, col(Contract.id) == col(Document.contract_id))
        q = q.where(Document.has_text == True)  # noqa: E712 - SQL expression
        if doc_pks is not None:
            q = q.where(col(Document.id).in_(doc_pks))
        families = _families(s)
        for d, c in s.exec(q.order_by(col(Document.id))).all():
            pages = list(s.exec(select(DocumentPage.text).where(DocumentPage.document_id == d.id)
                                .order_by(col(DocumentPage.page_no))))
            yield _index_document(d, c, pages, families.get(d.id or 0))


def database_source(engine: Engine) -> Callable[[], tuple[int, Iterable[IndexDocument]]]:
    """The clause index's source: the number of documents with text, and the documents."""

    def source() -> tuple[int, Iterable[IndexDocument]]:
        with Session(engine) as s:
            total = s.exec(select(func.count()).select_from(Document)
                           .where(Document.has_text == True)).one()  # noqa: E712
        return total, index_documents_from_db(engine)

    return source
