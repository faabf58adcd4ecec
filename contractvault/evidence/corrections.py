"""Corrections never rewrite: a corrected or superseded document is a new sealed record
that points at the old one. The old document and its evidence stay exactly as they were."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from contractvault.errors import RefusedError, UsageError
from contractvault.evidence.ingest import add_document_rows
from contractvault.evidence.sealing import seal_document
from contractvault.ids import contract_ref, document_ref, evidence_ref
from contractvault.models import Document
from contractvault.records import refs
from contractvault.records.extract import ExtractionError, extract_copy
from contractvault.records.vocabularies import normalize_doc_type
from contractvault.vault import ArtifactSpec, Subject, Vault


@dataclass
class SupersedeResult:
    """The new document, its evidence record, and the document it replaces."""

    contract_id: str
    document_id: str
    evidence_id: str
    supersedes: str
    timestamp_warning: str | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"contract_id": self.contract_id, "document_ids": [self.document_id],
                               "evidence_ids": [self.evidence_id], "supersedes": self.supersedes}
        if self.timestamp_warning:
            out["warnings"] = [self.timestamp_warning]
        return out


def supersede_document(vault: Vault, old_doc_id: str, file: Path, reason: str,
                       doc_type: str | None = None) -> SupersedeResult:
    """Seal `file` as a new document of the same contract that supersedes `old_doc_id`.

    The record's subject names the old document (`supersedes`) and its context says why.
    Refused when the old document is already superseded (supersede the newest one instead).
    """
    if not reason.strip():
        raise UsageError("say why the document is superseded", "--reason is empty")
    with vault.session() as s:
        old = refs.document(s, old_doc_id)
        newer = s.exec(select(Document).where(Document.supersedes_id == old.id)).first()
    assert old.id is not None
    if newer is not None and newer.id is not None:
        raise RefusedError(f"{document_ref(old.id)} is already superseded by {document_ref(newer.id)}",
                           "a document is superseded once; corrections form a chain",
                           f"Supersede {document_ref(newer.id)} instead")
    stage = vault.new_temp_dir("supersede-")
    try:
        return _supersede(vault, old, Path(file), reason, doc_type, stage)
    finally:
        vault.remove_temp_dir(stage)


def _supersede(vault: Vault, old: Document, file: Path, reason: str, doc_type: str | None,
               stage: Path) -> SupersedeResult:
    assert old.id is not None
    try:
        # Read from the vault's own copy: what is sealed is what is stored.
        doc = extract_copy(file, stage)
    except ExtractionError as exc:
        raise UsageError(f"cannot add {file}", exc.why, exc.hint) from exc
    if doc.sha256 == old.blob_sha256:
        raise UsageError(f"{file} is the very file {document_ref(old.id)} already holds",
                         f"the same bytes (SHA-256 {doc.sha256[:16]}…)",
                         "Supersede it with the new version of the document")
    kind_of_doc = normalize_doc_type(doc_type) if doc_type else old.doc_type
    old_pk, contract_pk = old.id, old.contract_id

    def build(s: Session) -> Subject:
        row = add_document_rows(s, vault, contract_id=contract_pk, doc=doc, doc_type=kind_of_doc,
                                title=doc.path.stem, source_name=doc.path.name, origin="supersede",
                                supersedes_id=old_pk)
        return Subject(contract_id=contract_pk, document_id=row.id, supersedes=old_pk)

    sealed = seal_document(
        vault, kind="supersede",
        artifacts=[ArtifactSpec(doc.path.name, doc.media_type, doc.sha256, doc.size)],
        context={"how": "supersede", "who": vault.user, "reason": reason.strip(),
                 "supersedes": document_ref(old_pk), "doc_type": kind_of_doc,
                 "source_name": doc.path.name, "page_count": doc.file_pages,
                 "has_text": doc.has_text, "text_sha256": doc.text_sha256},
        build_rows=build,
    )
    assert sealed.subject.document_id is not None
    new_ref = document_ref(sealed.subject.document_id)
    return SupersedeResult(contract_id=contract_ref(contract_pk), document_id=new_ref,
                           evidence_id=evidence_ref(sealed.seq), supersedes=document_ref(old_pk),
                           timestamp_warning=sealed.timestamp_warning)
