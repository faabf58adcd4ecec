"""`verify`: re-hash every blob, check every signature, the chain, the checkpoints, the
timestamp tokens, and that the database and the ledger say the same thing.

The ledger file is the authority; the database mirrors it. A failure names the record it
concerns (`E-12`, `D-5`) so a person can look at exactly that. The chain and checkpoint
checks always cover the whole ledger (they are cheap and a break anywhere weakens every
later record); blobs and database rows are checked for the records asked about.
"""

from __future__ import annotations

import base64
import json
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from sqlmodel import select

from contractvault.errors import NotFoundError, UsageError
from contractvault.evidence.verify.blobs import BlobChecks
from contractvault.evidence.verify.chain import ChainChecks
from contractvault.evidence.verify.index import IndexChecks
from contractvault.evidence.verify.rows import RowChecks
from contractvault.evidence.verify.state import Failure, VerifyReport, _Line, _ref_pk
from contractvault.evidence.verify.state_rows import StateChecks
from contractvault.evidence.verify.timestamps import TimestampChecks
from contractvault.ids import contract_ref, document_ref, evidence_ref, parse_ref
from contractvault.models import (
    Contract,
    Document,
    Evidence,
    EvidenceArtifact,
)
from contractvault.storage.signednote import parse_note
from contractvault.util import Progress
from contractvault.vault import Vault

__all__ = ["Failure", "VerifyReport", "load_checkpoint", "parse_checkpoint", "verify"]


class _Verifier(ChainChecks, RowChecks, BlobChecks, TimestampChecks, StateChecks, IndexChecks):
    """All passes over one vault."""


# --- selection -------------------------------------------------------------------------


def _select(vault: Vault, v: _Verifier, ref: str | None, rows: dict[int, Evidence],
            docs: dict[int, Document]) -> tuple[set[int], set[int] | None]:
    """The records and documents `ref` asks about (all when None)."""
    ledger_seqs = {ln.seq for ln in v.lines if ln.seq is not None}
    if ref is None:
        return ledger_seqs | set(rows), None
    kind, pk = parse_ref(ref)

    def subject_of(line: _Line) -> dict[str, Any]:
        rec = line.entry.record if line.entry is not None else None
        subj = rec.get("subject") if isinstance(rec, dict) else None
        return subj if isinstance(subj, dict) else {}

    if kind == "evidence":
        if pk not in ledger_seqs and pk not in rows:
            raise NotFoundError(f"no evidence record {ref}", "", "Run 'contractvault verify' "
                                "without an id to check the whole vault")
        seqs = {pk}
        doc_pks = {d.id for d in docs.values() if d.evidence_seq == pk and d.id is not None}
        for line in v.by_seq.get(pk, []):
            dpk = _ref_pk(subject_of(line).get("document_id"), "D")
            if dpk:
                doc_pks.add(dpk)
        if pk in rows and rows[pk].document_id:
            doc_pks.add(int(rows[pk].document_id or 0))
        return seqs, doc_pks
    if kind == "document":
        ref_text = document_ref(pk)
        seqs = {ln.seq for ln in v.lines if ln.seq is not None
                and subject_of(ln).get("document_id") == ref_text}
        seqs |= {q for q, r in rows.items() if r.document_id == pk}
        if pk in docs and docs[pk].evidence_seq is not None:
            seqs.add(int(docs[pk].evidence_seq or 0))
        if pk not in docs and not seqs:
            raise NotFoundError(f"no document {ref}", "", "Run 'contractvault list' to see ids")
        return seqs, {pk}
    ref_text = contract_ref(pk)
    with vault.session() as s:
        exists = s.get(Contract, pk) is not None
    seqs = {ln.seq for ln in v.lines if ln.seq is not None
            and subject_of(ln).get("contract_id") == ref_text}
    seqs |= {q for q, r in rows.items() if r.contract_id == pk}
    doc_pks = {d.id for d in docs.values() if d.contract_id == pk and d.id is not None}
    if not exists and not seqs:
        raise NotFoundError(f"no contract {ref}", "", "Run 'contractvault list'")
    return seqs, doc_pks


# --- entry points ----------------------------------------------------------------------


def parse_checkpoint(data: bytes, sig_file: bytes | None = None) -> dict[str, Any]:
    """A checkpoint someone kept: one line of `ledger/checkpoints.jsonl` (the last line of a
    whole file), an export's `checkpoint.json` with its raw signature `checkpoint.sig`, or a
    C2SP checkpoint note (`ledger/checkpoint.note`, possibly cosigned by witnesses)."""
    if not data.lstrip().startswith(b"{") and "\n\n\u2014 ".encode() in data:
        parse_note(data)  # a UsageError now, not a verification failure later
        return {"note": data}
    lines = [ln for ln in data.strip().splitlines() if ln.strip()]
    if not lines:
        raise UsageError("the checkpoint file is empty", "", "Give a line of checkpoints.jsonl")
    try:
        obj = json.loads(lines[-1]) if len(lines) > 1 else json.loads(data)
    except ValueError as exc:
        raise UsageError("the checkpoint file is not JSON", str(exc),
                         "Give one line of ledger/checkpoints.jsonl or an export's checkpoint") from exc
    if isinstance(obj, dict) and "sig" not in obj and sig_file is not None:
        obj["sig"] = base64.b64encode(sig_file).decode("ascii")
    if not isinstance(obj, dict) or not {"seq", "head", "key_id", "sig"} <= obj.keys():
        raise UsageError("the file is not a checkpoint", "it needs seq, head, key_id and sig "
                         "(for an export's checkpoint.json, keep checkpoint.sig beside it)")
    return obj


def load_checkpoint(path: Path) -> dict[str, Any]:
    """`parse_checkpoint` of a file; an export's `checkpoint.sig` beside it is used too."""
    try:
        data = path.read_bytes()
        sig_path = path.with_suffix(".sig")
        sig = sig_path.read_bytes() if sig_path.is_file() else None
    except OSError as exc:
        raise UsageError(f"cannot read {path}", str(exc)) from exc
    return parse_checkpoint(data, sig)


def verify(vault: Vault, ref: str | None = None, *, progress: Progress | None = None,
           checkpoint: dict[str, Any] | None = None, workers: int | None = None,
           index: bool = True) -> VerifyReport:
    """Check the vault (or the records of one contract, document or evidence id).

    Re-hashes every blob once (in parallel), checks every signature against the key that
    was active at its place in the chain, the prev links and contiguous sequence numbers,
    the signed checkpoints (one beyond the ledger's end means records were cut off), the
    timestamp tokens, and that each database row equals what its ledger record says.
    `checkpoint` is an older checkpoint kept elsewhere, checked against today's ledger.
    The sealed state rows (authority, deficiencies, follow-ups) are checked against their
    records, and (unless `index` is off) every sealed document against the search index.

    With an id, a failure of a record after the ones asked about does not make them fail
    (one bad record never blocks checking what came before it): it is listed in
    `later_failures` instead.
    """
    v = _Verifier(vault, progress, workers)
    v.read_ledger()
    with vault.session() as s:
        rows = {r.seq: r for r in s.exec(select(Evidence)).all()}
        arts: dict[int, list[EvidenceArtifact]] = defaultdict(list)
        for a in s.exec(select(EvidenceArtifact)).all():
            arts[a.evidence_seq].append(a)
        docs = {d.id: d for d in s.exec(select(Document)).all() if d.id is not None}
    seqs, doc_pks = _select(vault, v, ref, rows, docs)
    # Records a writer sealed after the ledger was read are not part of this check.
    seqs = {q for q in seqs if not v.is_late(q)}

    # Blobs to hash: the sealed artifacts of the chosen records and their documents' blobs.
    refs: dict[str, set[str]] = defaultdict(set)
    sizes: dict[str, set[int]] = defaultdict(set)
    for seq in seqs:
        for line in v.by_seq.get(seq, []):
            rec = line.entry.record if line.entry is not None else {}
            for a in rec.get("artifacts", []) if isinstance(rec, dict) else []:
                if isinstance(a, dict):
                    sha = str(a.get("sha256"))
                    refs[sha].add(evidence_ref(seq))
                    if isinstance(a.get("size"), int):
                        sizes[sha].add(a["size"])
    chosen_docs = set(docs) if doc_pks is None else doc_pks
    for pk in chosen_docs:
        if pk in docs:
            refs[docs[pk].blob_sha256].add(document_ref(pk))

    v._total = len(v.lines) + len(refs)
    if progress:
        progress(0, v._total)
    # Blobs hash in worker threads (hashlib releases the GIL) while this thread checks
    # signatures, the chain and the rows.
    with ThreadPoolExecutor(max_workers=v.workers, thread_name_prefix="cv-verify") as pool:
        futures = v.start_blobs(refs, pool)
        v.check_chain()
        latest = v.check_checkpoints(checkpoint)
        v.check_database(seqs, doc_pks, rows, arts, docs)
        v.check_pages(chosen_docs, docs)
        ntokens, source = v.check_timestamps(seqs)
        v.check_state_rows(seqs, full=ref is None)
        if index:
            v.check_index(doc_pks)
        nbytes = v.finish_blobs(refs, sizes, futures)
    nblobs = len(refs)
    last = v.lines[-1] if v.lines else None
    head = {"seq": len(v.lines), "hash": last.computed} if last is not None else None
    failures = _dedupe(v.failures)
    later: list[Failure] = []
    if ref is not None:
        failures, later = _split_later(failures, max(seqs, default=0))
    return VerifyReport(checked=len(seqs), failures=failures, warnings=_dedupe(v.warnings),
                        time_source=source, head=head, checkpoint=latest, blobs=nblobs,
                        kept_checkpoint=v.kept, tsas=dict(v.tsa_counts),
                        bytes_hashed=nbytes, timestamps=ntokens, later=later)


def _split_later(failures: list[Failure], last: int) -> tuple[list[Failure], list[Failure]]:
    """(failures that concern records up to `last`, failures of later records)."""
    keep, later = [], []
    for f in failures:
        pk = _ref_pk(f.id, "E")
        if (pk is not None and pk > last) or f.id.startswith("checkpoint-"):
            later.append(f)
        else:
            keep.append(f)
    return keep, later


def _dedupe(items: list[Failure]) -> list[Failure]:
    seen: set[tuple[str, str, str]] = set()
    out = []
    for f in items:
        key = (f.id, f.what, f.detail)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out
