"""Sealing a document in one call: the record, the authority decision it rests on, and the
clause index. Every path that seals a document (add, capture, recheck, supersede) comes
through here, so none of them forgets a step."""

from __future__ import annotations

from typing import Any

from contractvault.authority.store import link_decision
from contractvault.ids import document_ref
from contractvault.records.search import index_documents
from contractvault.vault import ArtifactSpec, RowBuilder, Sealed, SealSpec, Vault


def seal_document(vault: Vault, *, kind: str, artifacts: list[ArtifactSpec],
                  context: dict[str, Any], build_rows: RowBuilder,
                  decision_id: int | None = None, index: bool = True) -> Sealed:
    """Seal a record about a document; link the authority decision; index the document.

    `index=False` leaves indexing to the caller, for a batch that indexes its documents
    together (`index_sealed`).
    """
    sealed = vault.seal(kind=kind, artifacts=artifacts, context=context, build_rows=build_rows)
    if decision_id is not None:
        link_decision(vault, decision_id, evidence_seq=sealed.seq,
                      document_id=sealed.subject.document_id,
                      contract_id=sealed.subject.contract_id)
    if index and sealed.subject.document_id is not None:
        index_sealed(vault, [document_ref(sealed.subject.document_id)])
    return sealed


def seal_documents(vault: Vault, specs: list[SealSpec]) -> list[Sealed]:
    """Seal a batch of records about documents (one lock, one transaction, one ledger
    write; each still a record of its own), then index their documents with one index
    writer."""
    sealed = vault.seal_many(specs)
    index_sealed(vault, [document_ref(x.subject.document_id) for x in sealed
                         if x.subject.document_id is not None])
    return sealed


def index_sealed(vault: Vault, document_ids: list[str]) -> int:
    """Index sealed documents (a batch at once); returns the number of clauses indexed."""
    return index_documents(vault, document_ids) if document_ids else 0
