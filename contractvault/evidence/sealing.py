"""Sealing a document in one call: the record, the authority decision it rests on, and the
clause index. Every path that seals a document (add, capture, recheck, supersede) comes
through here, so none of them forgets a step.

Nothing sealed is lost from search: the document's row, its to-index mark and the link to
its authority decision commit in the seal's own transaction. The mark goes only once the
index has the document, so whatever kills the process between sealing and indexing, the
next indexer (`index_sealed`, `index_pending`: add, capture, search, verify, doctor --fix)
completes it.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from contractvault.authority.store import decision_ref, link_decision_row
from contractvault.errors import ContractVaultError
from contractvault.ids import document_ref, parse_ref
from contractvault.models import Document
from contractvault.storage.index_queue import index_backlog, mark_for_index, unindexed_documents
from contractvault.storage.rowseal import sealed_row
from contractvault.vault import (
    NEW_DOCUMENTS,
    SEAL_SEQ,
    ArtifactSpec,
    RowBuilder,
    Sealed,
    SealSpec,
    Subject,
    Vault,
)
from index.errors import ClauseIndexError


def seal_document(vault: Vault, *, kind: str, artifacts: list[ArtifactSpec],
                  context: dict[str, Any], build_rows: RowBuilder,
                  decision_id: int | None = None, index: bool = True) -> Sealed:
    """Seal a record about a document; link the authority decision; index the document.

    The record carries the document row's sealed form (`context.document`), so `verify`
    checks every column. `index=False` leaves indexing to the caller, for a batch that
    indexes its documents together (`index_sealed`); the mark is written either way.
    """
    sealed = vault.seal(kind=kind, artifacts=artifacts, context=context,
                        build_rows=_with_marks(build_rows, decision_id))
    if index and sealed.subject.document_id is not None:
        index_sealed(vault, [document_ref(sealed.subject.document_id)])
    return sealed


def seal_documents(vault: Vault, specs: list[SealSpec], *, index: bool = True) -> list[Sealed]:
    """Seal a batch of records about documents (one lock, one transaction, one ledger
    write; each still a record of its own, each with its to-index mark), then index their
    documents with one index writer. `index=False` leaves indexing to the caller (`add`
    indexes several sealed batches with one writer); the marks are written either way."""
    sealed = vault.seal_many([SealSpec(sp.kind, sp.artifacts, sp.context,
                                       _with_marks(sp.build_rows, None)) for sp in specs])
    if index:
        index_sealed(vault, [document_ref(x.subject.document_id) for x in sealed
                             if x.subject.document_id is not None])
    return sealed


def _with_marks(build_rows: RowBuilder, decision_id: int | None) -> RowBuilder:
    """`build_rows`, plus in the same transaction: the document's sealed form, its
    to-index mark and the link to its authority decision."""

    def build(s: Session) -> Subject:
        subject = build_rows(s)
        if subject.document_id is not None:
            doc = s.info.get(NEW_DOCUMENTS, {}).get(subject.document_id)
            new = doc is not None
            if doc is None:
                s.flush()
                doc = s.get(Document, subject.document_id)
            if doc is not None:
                subject.context["document"] = sealed_row(doc)
            mark_for_index(s, subject.document_id, new=new)
        if decision_id is not None:
            # In the same transaction: a decision is never left pointing at nothing, nor
            # a record at a decision that does not point back.
            link_decision_row(s, decision_id, evidence_seq=int(s.info[SEAL_SEQ]),
                              document_id=subject.document_id, contract_id=subject.contract_id)
            subject.context["authority_decision"] = decision_ref(decision_id)
        return subject

    return build


def index_sealed(vault: Vault, document_ids: list[str]) -> int:
    """Index sealed documents (a batch at once) and whatever else waits in the queue;
    returns the number of clauses indexed."""
    pks = [parse_ref(d, "document")[1] for d in document_ids]
    try:
        return index_backlog(vault.engine, vault.clause_index, pks)
    except ClauseIndexError as exc:
        raise ContractVaultError("the documents are stored and sealed, but indexing failed",
                                 str(exc), "They stay queued: the next add, search or verify "
                                 "indexes them (or run 'contractvault reindex')") from exc


def index_pending(vault: Vault) -> int:
    """Complete the to-index queue that killed or failed indexers left; returns clauses."""
    return index_sealed(vault, [])


def repair_index(vault: Vault) -> list[str]:
    """Index every sealed document the index lacks (queued or not): `doctor --fix`."""
    index_pending(vault)
    missing, _queued = unindexed_documents(vault.engine, vault.clause_index)
    if missing:
        index_sealed(vault, [document_ref(pk) for pk in missing])
    return [document_ref(pk) for pk in missing]
