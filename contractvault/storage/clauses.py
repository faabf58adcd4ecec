"""The vault's clause index: the `index` leaf package over the vault's folder, fed from the
database when it must rebuild itself (missing, old or damaged)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from contractvault.ids import contract_ref, document_ref
from contractvault.models import Contract, Document, DocumentPage
from index import ClauseIndex, IndexDocument

__all__ = ["ClauseIndex", "IndexDocument", "index_documents_from_db", "open_clause_index"]


def _index_document(d: Document, c: Contract, pages: list[str]) -> IndexDocument:
    assert d.id is not None and c.id is not None
    return IndexDocument(
        document_id=document_ref(d.id), contract_id=contract_ref(c.id), title=d.title or c.title,
        doc_type=d.doc_type, supplier=c.supplier, board=c.board, secret=c.secret,
        source_path=d.source_name, pages=pages, language=d.language,
    )


def index_documents_from_db(engine: Engine, doc_pks: list[int] | None = None) -> Iterator[IndexDocument]:
    """The documents with text (all, or those of `doc_pks`) as the index takes them."""
    with Session(engine) as s:
        q = select(Document, Contract).join(Contract, col(Contract.id) == col(Document.contract_id))
        q = q.where(Document.has_text == True)  # noqa: E712 - SQL expression
        if doc_pks is not None:
            q = q.where(col(Document.id).in_(doc_pks))
        for d, c in s.exec(q.order_by(col(Document.id))).all():
            pages = list(s.exec(select(DocumentPage.text).where(DocumentPage.document_id == d.id)
                                .order_by(col(DocumentPage.page_no))))
            yield _index_document(d, c, pages)


def _source(engine: Engine) -> Callable[[], tuple[int, Iterable[IndexDocument]]]:
    def source() -> tuple[int, Iterable[IndexDocument]]:
        with Session(engine) as s:
            total = s.exec(select(func.count()).select_from(Document)
                           .where(Document.has_text == True)).one()  # noqa: E712
        return total, index_documents_from_db(engine)

    return source


def open_clause_index(folder: Path, engine: Engine) -> ClauseIndex:
    """The clause index in `folder`; it rebuilds itself from `engine`'s documents when needed."""
    return ClauseIndex(folder, source=_source(engine))
