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

__all__ = ["DOC_TYPE_WORDS", "REBUILD_HINT", "ClauseIndex", "IndexDocument",
           "index_documents_from_db", "open_clause_index"]

REBUILD_HINT = "run 'contractvault reindex'"

# Words a user may call each document type by (the canonical types of
# records/vocabularies.DOC_TYPES), searched with titles and suppliers: the index knows no
# document types of its own.
DOC_TYPE_WORDS: dict[str, str] = {
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


def _index_document(d: Document, c: Contract, pages: list[str], family: int | None) -> IndexDocument:
    assert d.id is not None and c.id is not None
    return IndexDocument(
        document_id=document_ref(d.id), contract_id=contract_ref(c.id), title=d.title or c.title,
        doc_type=d.doc_type, supplier=c.supplier, board=c.board, secret=c.secret,
        source_path=d.source_name, pages=pages, language=d.language,
        supersedes=document_ref(d.supersedes_id) if d.supersedes_id else None,
        family=document_ref(family) if family and family != d.id else None,
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


def _source(engine: Engine) -> Callable[[], tuple[int, Iterable[IndexDocument]]]:
    def source() -> tuple[int, Iterable[IndexDocument]]:
        with Session(engine) as s:
            total = s.exec(select(func.count()).select_from(Document)
                           .where(Document.has_text == True)).one()  # noqa: E712
        return total, index_documents_from_db(engine)

    return source


def open_clause_index(folder: Path, engine: Engine) -> ClauseIndex:
    """The clause index in `folder`; it rebuilds itself from `engine`'s documents when needed."""
    return ClauseIndex(folder, source=_source(engine), doc_type_words=DOC_TYPE_WORDS,
                       rebuild_hint=REBUILD_HINT)
