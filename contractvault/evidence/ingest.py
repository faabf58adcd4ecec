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
from contractvault.evidence.pades import (
    SealedCopy,
    SealMaterial,
    StagedSeal,
    load_signing_modules,
    seal_staged,
)
from contractvault.evidence.sealing import index_sealed, seal_documents
from contractvault.ids import contract_ref, document_ref, evidence_ref
from contractvault.models import Document, DocumentPage
from contractvault.records import refs
from contractvault.records.contracts import ContractFields, new_contract_row
from contractvault.records.extract import (
    MEDIA_TYPES,
    ExtractedDocument,
    ExtractionError,
    die_with_parent,
    extract_safely,
)
from contractvault.records.vocabularies import normalize_doc_type
from contractvault.util import Progress, utc_now
from contractvault.vault import NEW_DOCUMENTS, SEAL_SEQ, ArtifactSpec, SealSpec, Subject, Vault

# Below this many files a worker pool costs more than it saves.
POOL_THRESHOLD = 4
# Files sealed together (one transaction, one ledger write).
SEAL_BATCH = 32
# Sealed documents indexed together (one index writer, one commit): their to-index marks
# keep them safe until then, whatever stops the add.
INDEX_BATCH = 256


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


Prepared = tuple[ExtractedDocument | ExtractionError, StagedSeal | None]

# The seal material of the add a pool worker works for (set by `_init_worker`).
_MATERIAL: SealMaterial | None = None


def _init_worker(parent_pid: int, material: SealMaterial | None) -> None:
    die_with_parent(parent_pid)
    global _MATERIAL  # noqa: PLW0603 - one add per worker process
    _MATERIAL = material


def _prepare(path: Path, stage_dir: Path | None, material: SealMaterial | None) -> Prepared:
    """Extract one file and, for a PDF, seal its copy (PAdES) beside it: the staged copy's
    bytes, the bytes that are stored and sealed, not the file as it is now."""
    extracted = extract_safely(path, stage_dir)
    if (material is None or isinstance(extracted, ExtractionError)
            or extracted.media_type != "application/pdf"):
        return extracted, None
    source = extracted.stored or extracted.path
    return extracted, seal_staged(material, source.read_bytes(), extracted.path.name,
                                  stage_dir or source.parent)


def _prepare_in_worker(path: Path, stage_dir: Path | None) -> Prepared:
    return _prepare(path, stage_dir, _MATERIAL)


def extract_all(paths: list[Path], stage_dir: Path | None = None, workers: int | None = None,
                material: SealMaterial | None = None) -> Iterator[Prepared]:
    """Extract files (and seal copies of the PDFs with `material`) in input order, on every
    core when there are several.

    With `stage_dir`, each file is first copied there (hashed as it is copied) and read
    from the copy; sealed copies are written there too. Pool workers die with this
    process, whatever kills it.
    """
    n = workers or min(2, os.cpu_count() or 1)
    if len(paths) < POOL_THRESHOLD or n < 2:
        for path in paths:
            yield _prepare(path, stage_dir, material)
        return
    if material is not None:
        load_signing_modules()
    with ProcessPoolExecutor(max_workers=n, initializer=_init_worker,
                             initargs=(os.getpid(), material)) as pool:
        yield from pool.map(_prepare_in_worker, paths, [stage_dir] * len(paths), chunksize=4)


def add_document_rows(s: Session, vault: Vault, *, contract_id: int, doc: ExtractedDocument,
                      doc_type: str, title: str, source_name: str, origin: str,
                      language: str | None = None, url: str | None = None,
                      capture_id: str | None = None, supersedes_id: int | None = None,
                      unsynced: set[Path] | None = None, sealed_here: bool = False) -> Document:
    """Store the blob and add a document with its pages (inside a sealing transaction).

    The blob is the copy extraction read (`doc.stored`), moved into the store; a file
    without one is copied here, and refused if it no longer hashes as it did. With
    `unsynced` the blob's folder is left there for the caller to fsync before the commit.
    `sealed_here`: the document is the subject of the record being sealed, so its
    `evidence_seq` is that record's number from the start (saving an UPDATE per file).
    """
    if doc.stored is not None:
        vault.blobs.put_staged(doc.stored, doc.sha256, unsynced)
    else:
        vault.store_file(doc.path, doc.sha256)
    row = Document(
        contract_id=contract_id, doc_type=doc_type, title=title, source_name=source_name,
        media_type=doc.media_type, blob_sha256=doc.sha256, size=doc.size,
        page_count=doc.file_pages, has_text=doc.has_text, text_sha256=doc.text_sha256,
        language=language, origin=origin, url=url, capture_id=capture_id,
        supersedes_id=supersedes_id, added_at=utc_now(), added_by=vault.user,
        evidence_seq=int(s.info[SEAL_SEQ]) if sealed_here else None,
    )
    s.add(row)
    s.flush()
    assert row.id is not None
    s.info.setdefault(NEW_DOCUMENTS, {})[row.id] = row
    if doc.pages:
        # One INSERT for the pages, in the transaction's connection: no ORM object per page
        # (nothing reads them back as objects; the indexer reads them after the commit).
        s.connection().execute(DocumentPage.__table__.insert(),  # type: ignore[attr-defined]
                               [{"document_id": row.id, "page_no": n, "text": text}
                                for n, text in enumerate(doc.pages, start=1)])
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
    # PDFs get their sealed copies where they are extracted (on every core), with the
    # seal key unlocked here once.
    pdfs = any(MEDIA_TYPES.get(p.suffix.lower()) == "application/pdf" for p in paths)
    material = (SealMaterial.of(vault, reason=f"ContractVault: {doc_type}, added by {vault.user}")
                if pdfs else None)
    # Copies of the files being added, on the blob store's filesystem: each becomes its
    # blob by a rename, so the sealed hash is always the hash of the stored bytes.
    stage = vault.new_temp_dir("add-")
    try:
        batch: list[tuple[ExtractedDocument, StagedSeal | None]] = []
        indexed = 0  # result.document_ids[:indexed] are in the index
        prepared = extract_all(paths, stage, material=material)
        for done, (path, (extracted, staged)) in enumerate(zip(paths, prepared, strict=True),
                                                           start=1):
            if isinstance(extracted, ExtractionError):
                msg = extracted.why + (f". {extracted.hint}" if extracted.hint else "")
                result.errors.append({"file": str(path), "error": msg})
            else:
                batch.append((extracted, staged))
            if batch and (len(batch) >= SEAL_BATCH or done == total):
                contract_pk = _seal_batch(vault, batch, result, doc_type=doc_type,
                                          contract_pk=contract_pk, new_title=new_title,
                                          supplier=supplier, sealing=material is not None)
                batch = []
            if progress:
                progress(done, total)
            waiting = len(result.document_ids) - indexed
            if waiting and (waiting >= INDEX_BATCH or done == total):
                index_sealed(vault, result.document_ids[indexed:])
                indexed = len(result.document_ids)
    finally:
        vault.remove_temp_dir(stage)
    return result


def _seal_batch(vault: Vault, docs: list[tuple[ExtractedDocument, StagedSeal | None]],
                result: AddResult, *, doc_type: str, contract_pk: int | None,
                new_title: str | None, supplier: str | None, sealing: bool) -> int | None:
    """Seal a batch of extracted files, each as its own record, in one transaction (the
    caller indexes them, INDEX_BATCH at a time). A file already stored in the contract is
    skipped with a warning. A PDF's record names its sealed copy only when the copy is there, and the
    copy enters the blob store in the record's own transaction."""
    fresh: list[ExtractedDocument] = []
    copies: dict[int, SealedCopy] = {}
    stored: dict[str, str] = {}
    if contract_pk is not None:
        with vault.session() as s:
            rows = s.exec(select(Document).where(
                Document.contract_id == contract_pk,
                col(Document.blob_sha256).in_([d.sha256 for d, _ in docs]))).all()
        stored = {r.blob_sha256: document_ref(r.id or 0) for r in rows}
    here: dict[str, str] = {}
    for doc, staged in docs:
        if doc.sha256 in stored or doc.sha256 in here:
            why = (f"already stored in {contract_ref(contract_pk or 0)} as {stored[doc.sha256]}"
                   if doc.sha256 in stored else f"the same file as {here[doc.sha256]}")
            result.warnings.append({"file": str(doc.path), "warning": f"{why}; not added again"})
            if staged is not None and staged.copy is not None:
                staged.copy.discard()
            continue
        here[doc.sha256] = str(doc.path)
        for w in doc.warnings:
            result.warnings.append({"file": str(doc.path), "warning": w})
        if doc.media_type == "application/pdf" and not sealing:
            result.warnings.append({"file": str(doc.path), "warning": (
                f"{doc.path.name}: no sealed PDF copy, the vault has no seal certificate "
                "(run 'contractvault key seal-ca' or 'contractvault key import-seal FILE.p12')")})
        if staged is not None:
            result.warnings += [{"file": str(doc.path), "warning": w} for w in staged.warnings]
            for url in staged.failed_tsas:
                vault.timestamper.mark_failed(url)
            if staged.copy is not None:
                copies[len(fresh)] = staged.copy
        fresh.append(doc)
    if not fresh:
        return contract_pk
    holder = {"pk": contract_pk}  # the first record of a new contract creates it
    # Blob folders renamed into and not yet fsynced: fsynced together by the batch's last
    # row builder, so before the transaction (and the ledger) names any of the blobs.
    unsynced: set[Path] = set()

    def builder(doc: ExtractedDocument, copy: SealedCopy | None,
                last: bool) -> Callable[[Session], Subject]:
        def build(s: Session) -> Subject:
            if holder["pk"] is None:
                assert new_title is not None
                holder["pk"] = new_contract_row(s, new_title, ContractFields(supplier=supplier)).id
            pk = holder["pk"]
            assert pk is not None
            row = add_document_rows(s, vault, contract_id=pk, doc=doc, doc_type=doc_type,
                                    title=doc.path.stem, source_name=doc.path.name, origin="add",
                                    unsynced=unsynced, sealed_here=True)
            if copy is not None:
                # Written and fsynced by the worker on the blob store's filesystem.
                vault.blobs.put_staged(copy.path, copy.spec.sha256, unsynced)
            if last:
                vault.blobs.sync_folders(unsynced)
            return Subject(contract_id=pk, document_id=row.id)

        return build

    specs = [
        SealSpec(
            kind="add",
            artifacts=[ArtifactSpec(doc.path.name, doc.media_type, doc.sha256, doc.size),
                       *([copies[n].spec] if n in copies else [])],
            context={"how": "add", "who": vault.user, "doc_type": doc_type,
                     "source_name": doc.path.name, "page_count": doc.file_pages,
                     "has_text": doc.has_text, "text_sha256": doc.text_sha256,
                     **({"pdf_seal": copies[n].seal.as_dict()} if n in copies else {})},
            build_rows=builder(doc, copies.get(n), last=n == len(fresh) - 1),
        )
        for n, doc in enumerate(fresh)
    ]
    try:
        sealed_all = seal_documents(vault, specs, index=False)
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
