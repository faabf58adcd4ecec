"""`add`: ingest existing documents (PDF, HTML, TXT, Markdown), each sealed as evidence."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from contractvault.errors import UsageError
from contractvault.evidence.pades import SealedCopy, make_sealed_copy
from contractvault.evidence.sealing import seal_documents
from contractvault.ids import contract_ref, document_ref, evidence_ref
from contractvault.models import Document, DocumentPage
from contractvault.records import refs
from contractvault.records.contracts import ContractFields, new_contract_row
from contractvault.records.extract import (
    ExtractedDocument,
    ExtractionError,
    die_with_parent,
    extract_safely,
)
from contractvault.records.vocabularies import normalize_doc_type
from contractvault.util import Progress, utc_now
from contractvault.vault import ArtifactSpec, SealSpec, Subject, Vault

# Below this many files a worker pool costs more than it saves.
POOL_THRESHOLD = 4
# Files sealed (one transaction, one ledger write) and indexed (one index writer) together.
SEAL_BATCH = 32


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


def extract_all(paths: list[Path], stage_dir: Path | None = None,
                workers: int | None = None) -> Iterator[ExtractedDocument | ExtractionError]:
    """Extract files in input order, on every core when there are several.

    With `stage_dir`, each file is first copied there (hashed as it is copied) and read
    from the copy. Pool workers die with this process, whatever kills it.
    """
    n = workers or min(2, os.cpu_count() or 1)
    stages = [stage_dir] * len(paths)
    if len(paths) < POOL_THRESHOLD or n < 2:
        yield from map(extract_safely, paths, stages)
        return
    with ProcessPoolExecutor(max_workers=n, initializer=die_with_parent,
                             initargs=(os.getpid(),)) as pool:
        yield from pool.map(extract_safely, paths, stages, chunksize=4)


def add_document_rows(s: Session, vault: Vault, *, contract_id: int, doc: ExtractedDocument,
                      doc_type: str, title: str, source_name: str, origin: str,
                      language: str | None = None, url: str | None = None,
                      capture_id: str | None = None, supersedes_id: int | None = None) -> Document:
    """Store the blob and add a document with its pages (inside a sealing transaction).

    The blob is the copy extraction read (`doc.stored`), moved into the store; a file
    without one is copied here, and refused if it no longer hashes as it did.
    """
    if doc.stored is not None:
        vault.blobs.put_staged(doc.stored, doc.sha256)
    else:
        vault.store_file(doc.path, doc.sha256)
    row = Document(
        contract_id=contract_id, doc_type=doc_type, title=title, source_name=source_name,
        media_type=doc.media_type, blob_sha256=doc.sha256, size=doc.size,
        page_count=doc.file_pages, has_text=doc.has_text, text_sha256=doc.text_sha256,
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
    # Copies of the files being added, on the blob store's filesystem: each becomes its
    # blob by a rename, so the sealed hash is always the hash of the stored bytes.
    stage = vault.new_temp_dir("add-")
    try:
        batch: list[ExtractedDocument] = []
        for done, (path, extracted) in enumerate(zip(paths, extract_all(paths, stage), strict=True),
                                                 start=1):
            if isinstance(extracted, ExtractionError):
                msg = extracted.why + (f". {extracted.hint}" if extracted.hint else "")
                result.errors.append({"file": str(path), "error": msg})
            else:
                batch.append(extracted)
            if batch and (len(batch) >= SEAL_BATCH or done == total):
                contract_pk = _seal_batch(vault, batch, result, doc_type=doc_type,
                                          contract_pk=contract_pk, new_title=new_title,
                                          supplier=supplier)
                batch = []
            if progress:
                progress(done, total)
    finally:
        vault.remove_temp_dir(stage)
    return result


def _seal_batch(vault: Vault, docs: list[ExtractedDocument], result: AddResult, *,
                doc_type: str, contract_pk: int | None, new_title: str | None,
                supplier: str | None) -> int | None:
    """Seal a batch of extracted files, each as its own record, in one transaction; then
    index them with one writer. A file already stored in the contract is skipped with a
    warning."""
    fresh: list[ExtractedDocument] = []
    stored: dict[str, str] = {}
    if contract_pk is not None:
        with vault.session() as s:
            rows = s.exec(select(Document).where(
                Document.contract_id == contract_pk,
                col(Document.blob_sha256).in_([d.sha256 for d in docs]))).all()
        stored = {r.blob_sha256: document_ref(r.id or 0) for r in rows}
    here: dict[str, str] = {}
    for doc in docs:
        if doc.sha256 in stored or doc.sha256 in here:
            why = (f"already stored in {contract_ref(contract_pk or 0)} as {stored[doc.sha256]}"
                   if doc.sha256 in stored else f"the same file as {here[doc.sha256]}")
            result.warnings.append({"file": str(doc.path), "warning": f"{why}; not added again"})
            continue
        here[doc.sha256] = str(doc.path)
        for w in doc.warnings:
            result.warnings.append({"file": str(doc.path), "warning": w})
        fresh.append(doc)
    if not fresh:
        return contract_pk
    holder = {"pk": contract_pk}  # the first record of a new contract creates it

    # A PAdES-sealed copy beside each original PDF: any PDF reader can check it. Made
    # before the write lock is taken (signing and the TSA take time).
    copies: dict[int, SealedCopy] = {}
    for n, doc in enumerate(fresh):
        if doc.media_type == "application/pdf":
            # From the staged copy: the bytes that are sealed, not the file as it is now.
            copy, notes = make_sealed_copy(vault, (doc.stored or doc.path).read_bytes(), doc.path.name,
                                           reason=f"ContractVault: {doc_type}, added by {vault.user}")
            result.warnings += [{"file": str(doc.path), "warning": w} for w in notes]
            if copy is not None:
                copies[n] = copy

    def builder(doc: ExtractedDocument, copy: SealedCopy | None) -> Callable[[Session], Subject]:
        def build(s: Session) -> Subject:
            if holder["pk"] is None:
                assert new_title is not None
                holder["pk"] = new_contract_row(s, new_title, ContractFields(supplier=supplier)).id
            pk = holder["pk"]
            assert pk is not None
            row = add_document_rows(s, vault, contract_id=pk, doc=doc, doc_type=doc_type,
                                    title=doc.path.stem, source_name=doc.path.name, origin="add")
            if copy is not None:
                vault.store_file(copy.path, copy.spec.sha256)
            return Subject(contract_id=pk, document_id=row.id)

        return build

    specs = [
        SealSpec(
            kind="add",
            artifacts=[ArtifactSpec(doc.path.name, doc.media_type, doc.sha256, doc.size),
                       *([copies[n].spec] if n in copies else [])],
            context={"how": "add", "who": vault.user, "doc_type": doc_type,
                     "source_name": doc.path.name, "page_count": len(doc.pages),
                     "has_text": doc.has_text, "text_sha256": doc.text_sha256,
                     **({"pdf_seal": copies[n].seal.as_dict()} if n in copies else {})},
            build_rows=builder(doc, copies.get(n)),
        )
        for n, doc in enumerate(fresh)
    ]
    try:
        sealed_all = seal_documents(vault, specs)
    finally:
        for copy in copies.values():
            copy.discard()
    for doc, sealed in zip(fresh, sealed_all, strict=True):
        assert sealed.subject.contract_id is not None and sealed.subject.document_id is not None
        if sealed.timestamp_warning:
            result.warnings.append({"file": str(doc.path), "warning": sealed.timestamp_warning})
        result.contract_id = contract_ref(sealed.subject.contract_id)
        result.document_ids.append(document_ref(sealed.subject.document_id))
        result.evidence_ids.append(evidence_ref(sealed.seq))
        contract_pk = sealed.subject.contract_id
    return contract_pk
