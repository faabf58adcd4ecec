"""Clause search: composes the `index` leaf package with the vault's documents."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from sqlmodel import col, func, select

from contractvault.errors import ContractVaultError, UsageError
from contractvault.ids import contract_ref, document_ref, parse_ref
from contractvault.models import Contract, Document, DocumentPage
from contractvault.register import get_contract
from contractvault.util import Progress
from contractvault.vault import Vault
from index import ClauseIndex, IndexDocument
from index.errors import ClauseIndexError, QueryError


def _index_document(d: Document, c: Contract, pages: list[str]) -> IndexDocument:
    assert d.id is not None and c.id is not None
    return IndexDocument(
        document_id=document_ref(d.id), contract_id=contract_ref(c.id), title=d.title or c.title,
        doc_type=d.doc_type, supplier=c.supplier, board=c.board, secret=c.secret,
        source_path=d.source_name, pages=pages, language=d.language,
    )


def _documents(vault: Vault, doc_pks: list[int] | None = None) -> Iterator[IndexDocument]:
    with vault.session() as s:
        q = select(Document, Contract).join(Contract, col(Contract.id) == col(Document.contract_id))
        q = q.where(Document.has_text == True)  # noqa: E712 - SQL expression
        if doc_pks is not None:
            q = q.where(col(Document.id).in_(doc_pks))
        for d, c in s.exec(q.order_by(col(Document.id))).all():
            pages = list(s.exec(select(DocumentPage.text).where(DocumentPage.document_id == d.id)
                                .order_by(col(DocumentPage.page_no))))
            yield _index_document(d, c, pages)


def _source(vault: Vault) -> Callable[[], tuple[int, Iterable[IndexDocument]]]:
    def source() -> tuple[int, Iterable[IndexDocument]]:
        with vault.session() as s:
            total = s.exec(select(func.count()).select_from(Document)
                           .where(Document.has_text == True)).one()  # noqa: E712
        return total, _documents(vault)

    return source


def clause_index(vault: Vault) -> ClauseIndex:
    """The vault's clause index (rebuilt from the database when missing or damaged)."""
    if vault.search_index is None:
        vault.search_index = ClauseIndex(vault.paths.index, source=_source(vault))
    return vault.search_index


def index_documents(vault: Vault, document_ids: list[str], progress: Progress | None = None) -> int:
    """Index (or re-index) documents by id; returns the number of clauses indexed."""
    pks = [parse_ref(d, "document")[1] for d in document_ids]
    docs = list(_documents(vault, pks))
    if not docs:
        return 0
    try:
        return clause_index(vault).add(docs, progress=progress)
    except ClauseIndexError as exc:
        raise ContractVaultError("the documents are stored and sealed, but indexing failed",
                                 str(exc), "Run 'contractvault reindex'") from exc


def refresh_contract(vault: Vault, contract_id: str) -> None:
    """Carry changed contract metadata (supplier, board, secrecy) into its indexed clauses.

    The index re-keys the clauses it already holds; the documents are not read again.
    """
    with vault.session() as s:
        c = get_contract(s, contract_id)
    try:
        clause_index(vault).update_metadata(contract_id, supplier=c.supplier, board=c.board,
                                            secret=c.secret)
    except ClauseIndexError as exc:
        raise ContractVaultError("the contract is changed, but its search index is not",
                                 str(exc), "Run 'contractvault reindex'") from exc


def reindex(vault: Vault, progress: Progress | None = None) -> dict[str, Any]:
    """Rebuild the whole index from the database and blob store."""
    idx = clause_index(vault)
    clauses = idx.rebuild(progress=progress)
    return {"clauses": clauses, **idx.status()}


def search(vault: Vault, query: str, *, doc_type: str | None = None, supplier: str | None = None,
           board: str | None = None, include_secret: bool = False, limit: int = 10) -> dict[str, Any]:
    """Clause search across all contracts; the JSON of the command contract."""
    from contractvault.doctypes import normalize_doc_type

    if not query.strip():
        raise UsageError("the query is empty", "", "Search for words, e.g. 'uppsägning'")
    if limit < 1:
        raise UsageError("--limit must be at least 1")
    try:
        result = clause_index(vault).search(
            query, doc_type=normalize_doc_type(doc_type) if doc_type else None, supplier=supplier,
            board=board, include_secret=include_secret, limit=limit)
    except QueryError as exc:
        raise UsageError("cannot understand the query", str(exc)) from exc
    except ClauseIndexError as exc:
        raise ContractVaultError("search failed", str(exc), "Run 'contractvault reindex'") from exc
    return {
        "query": result.query, "total": result.total,
        "hits": [
            {"contract_id": h.contract_id, "document_id": h.document_id, "title": h.title,
             "doc_type": h.doc_type, "supplier": h.supplier, "clause": h.clause, "page": h.page,
             "score": round(float(h.score), 4), "snippet": h.snippet, "text": h.text,
             "source_path": h.source_path}
            for h in result.hits
        ],
    }
