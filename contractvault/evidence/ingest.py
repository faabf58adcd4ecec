"""`add`: ingest existing documents (PDF, HTML, TXT, Markdown), each sealed as evidence."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from contractvault.errors import UsageError
from contractvault.evidence.pades import make_sealed_copy
from contractvault.evidence.sealing import index_sealed, seal_document
from contractvault.ids import contract_ref, document_ref, evidence_ref
from contractvault.models import Document, DocumentPage
from contractvault.records import refs
from contractvault.records.contracts import ContractFields, new_contract_row
from contractvault.records.extract import ExtractedDocument, ExtractionError, extract_safely
from contractvault.records.vocabularies import normalize_doc_type
from contractvault.util import Progress, utc_now
from contractvault.vault import ArtifactSpec, Subject, Vault

# Below this many files a worker pool costs more than it saves.
POOL_THRESHOLD = 4


@dataclass
class AddResult:
    """What `add` did: ids of what was stored, and every file that was not."""

    contract_id: str | None
    document_ids: list[str] = field(default_factory=list)
    evidence_ids: list[str] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)
    warnings: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"contract_id": self.contract_id, "document_ids": self.document_ids,
                               "evidence_ids": self.evidence_ids}
        if self.errors:
            out["errors"] = self.errors
        if self.warnings:
            out["warnings"] = self.warnings
        return out


def extract_all(paths: list[Path], workers: int | None = None) -> Iterator[ExtractedDocument | ExtractionError]:
    """Extract files in input order, on every core when there are several."""
    n = workers or min(2, os.cpu_count() or 1)
    if len(paths) < POOL_THRESHOLD or n < 2:
        yield from map(extract_safely, paths)
        return
    with ProcessPoolExecutor(max_workers=n) as pool:
        yield from pool.map(extract_safely, paths, chunksize=4)


def add_document_rows(s: Session, vault: Vault, *, contract_id: int, doc: ExtractedDocument,
                      doc_type: str, title: str, source_name: str, origin: str,
                      language: str | None = None, url: str | None = None,
                      capture_id: str | None = None, supersedes_id: int | None = None) -> Document:
    """Store the blob and add a document with its pages (inside a sealing transaction)."""
    vault.store_file(doc.path, doc.sha256)
    row = Document(
        contract_id=contract_id, doc_type=doc_type, title=title, source_name=source_name,
        media_type=doc.media_type, blob_sha256=doc.sha256, size=doc.size,
        page_count=len(doc.pages), has_text=doc.has_text, text_sha256=doc.text_sha256,
        language=language, origin=origin, url=url, capture_id=capture_id,
        supersedes_id=supersedes_id, added_at=utc_now(), added_by=vault.user,
    )
    s.add(row)
    s.flush()
    assert row.id is not None
    for n, text in enumerate(doc.pages, start=1):
        s.add(DocumentPage(document_id=row.id, page_no=n, text=text))
    return row


def add_files(vault: Vault, files: Iterable[Path], *, doc_type: str, contract: str | None = None,
              new_title: str | None = None, supplier: str | None = None,
              progress: Progress | None = None) -> AddResult:
    """Ingest files into a contract; each good file is stored and sealed on its own.

    Bad files (missing, empty, damaged, encrypted, unsupported) are named in `errors` and
    leave nothing behind. With `new_title` the contract is created with the first good file.
    """
    doc_type = normalize_doc_type(doc_type)
    paths = [Path(f) for f in files]
    if not paths:
        raise UsageError("no files to add", "", "Name one or more PDF, HTML, TXT or MD files")
    if bool(contract) == bool(new_title):
        raise UsageError("say which contract the files belong to",
                         "give exactly one of --contract ID and --new TITLE")
    if contract and supplier:
        raise UsageError("--supplier goes with --new", "the contract already exists",
                         f"Change it with 'contractvault contract set {contract} --supplier …'")
    contract_pk: int | None = None
    if contract:
        with vault.session() as s:
            contract_pk = refs.contract(s, contract).id
    result = AddResult(contract_id=contract_ref(contract_pk) if contract_pk else None)
    total = len(paths)
    if progress:
        progress(0, total)
    for done, (path, extracted) in enumerate(zip(paths, extract_all(paths), strict=True), start=1):
        if isinstance(extracted, ExtractionError):
            msg = extracted.why + (f". {extracted.hint}" if extracted.hint else "")
            result.errors.append({"file": str(path), "error": msg})
        else:
            contract_pk = _seal_one(vault, extracted, result, doc_type=doc_type,
                                    contract_pk=contract_pk, new_title=new_title, supplier=supplier)
        if progress:
            progress(done, total)
    # One index writer for the whole batch instead of one per file.
    index_sealed(vault, result.document_ids)
    return result


def _seal_one(vault: Vault, doc: ExtractedDocument, result: AddResult, *, doc_type: str,
              contract_pk: int | None, new_title: str | None, supplier: str | None) -> int | None:
    if contract_pk is not None:
        with vault.session() as s:
            dup = s.exec(select(Document).where(Document.contract_id == contract_pk,
                                                Document.blob_sha256 == doc.sha256)).first()
        if dup is not None:
            result.warnings.append({"file": str(doc.path), "warning":
                                    f"already stored in {contract_ref(contract_pk)} as "
                                    f"{document_ref(dup.id or 0)}; not added again"})
            return contract_pk
    for w in doc.warnings:
        result.warnings.append({"file": str(doc.path), "warning": w})
    artifacts = [ArtifactSpec(doc.path.name, doc.media_type, doc.sha256, doc.size)]
    copy = None
    if doc.media_type == "application/pdf":
        # A PAdES-sealed copy beside the original: any PDF reader can check it.
        copy, notes = make_sealed_copy(vault, doc.path.read_bytes(), doc.path.name,
                                       reason=f"ContractVault: {doc_type}, added by {vault.user}")
        result.warnings += [{"file": str(doc.path), "warning": n} for n in notes]
        if copy is not None:
            artifacts.append(copy.spec)

    def build(s: Session) -> Subject:
        pk = contract_pk
        if pk is None:
            assert new_title is not None
            pk = new_contract_row(s, new_title, ContractFields(supplier=supplier)).id
        assert pk is not None
        row = add_document_rows(s, vault, contract_id=pk, doc=doc, doc_type=doc_type,
                                title=doc.path.stem, source_name=doc.path.name, origin="add")
        if copy is not None:
            vault.store_file(copy.path, copy.spec.sha256)
        return Subject(contract_id=pk, document_id=row.id)

    try:
        sealed = seal_document(
            vault, kind="add", index=False, artifacts=artifacts,
            context={"how": "add", "who": vault.user, "doc_type": doc_type,
                     "source_name": doc.path.name, "page_count": len(doc.pages),
                     "has_text": doc.has_text, "text_sha256": doc.text_sha256,
                     **({"pdf_seal": copy.seal.as_dict()} if copy is not None else {})},
            build_rows=build,
        )
    finally:
        if copy is not None:
            copy.discard()
    assert sealed.subject.contract_id is not None and sealed.subject.document_id is not None
    if sealed.timestamp_warning:
        result.warnings.append({"file": str(doc.path), "warning": sealed.timestamp_warning})
    result.contract_id = contract_ref(sealed.subject.contract_id)
    result.document_ids.append(document_ref(sealed.subject.document_id))
    result.evidence_ids.append(evidence_ref(sealed.seq))
    return sealed.subject.contract_id
