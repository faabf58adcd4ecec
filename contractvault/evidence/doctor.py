"""Housekeeping checks: what killed writers left behind, and whether the database still
agrees with the ledger.

- Blobs no record refers to (a killed `add`): a blob the ledger names is referenced even
  when the database does not know it (a database restored from an older copy), and is
  never removed.
- The database and the ledger disagree (records missing, extra or different): reported,
  exit 4; nothing the ledger names is deleted, whatever `--fix` says.
- Work folders in tmp/ whose process is gone (their owner lock is free): reported at once.
- Acceptances clicked but never sealed (`interrupted`): `--fix` seals what exists as
  incomplete evidence.
- Sealed documents missing from the search index: `--fix` indexes them.
- Rows recorded before this version sealed them: `--fix` seals them as found.
"""

from __future__ import annotations

import contextlib
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlmodel import col, select

from contractvault.errors import ContractVaultError
from contractvault.evidence.interrupted import find_interrupted, seal_interrupted
from contractvault.evidence.sealing import repair_index
from contractvault.ids import document_ref, evidence_ref
from contractvault.models import AuthorityDecision, Document, Evidence, EvidenceArtifact
from contractvault.storage.index_queue import unindexed_documents
from contractvault.storage.ledger import LedgerEntry, write_lock
from contractvault.storage.rowseal import SEALED_TABLES, row_label, sealed_row
from contractvault.vault import Subject, Vault
from index.errors import ClauseIndexError


@dataclass
class DoctorReport:
    """What `doctor` found (and, with --fix, did). `ok` is False while something remains
    that needs a person: the database disagrees with the ledger, or (without --fix) there
    are leftovers to remove or evidence to seal."""

    fixed: bool
    blobs: int
    orphan_blobs: list[str] = field(default_factory=list)
    temp_files: list[str] = field(default_factory=list)
    stale_work: list[str] = field(default_factory=list)
    ledger_disagreement: list[dict[str, str]] = field(default_factory=list)
    interrupted_acceptances: list[dict[str, Any]] = field(default_factory=list)
    sealed_interrupted: list[str] = field(default_factory=list)
    unindexed: list[str] = field(default_factory=list)
    reindexed: list[str] = field(default_factory=list)
    unsealed_rows: list[str] = field(default_factory=list)
    adopted: str | None = None
    refused: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        if self.ledger_disagreement:
            return False
        if self.fixed:
            return not self.refused
        return not (self.orphan_blobs or self.interrupted_acceptances or self.unindexed
                    or self.stale_work)

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "fixed": self.fixed, "blobs": self.blobs,
                "orphan_blobs": self.orphan_blobs, "temp_files": self.temp_files,
                "stale_work": self.stale_work, "ledger_disagreement": self.ledger_disagreement,
                "interrupted_acceptances": self.interrupted_acceptances,
                "sealed_interrupted": self.sealed_interrupted, "unindexed": self.unindexed,
                "reindexed": self.reindexed, "unsealed_rows": self.unsealed_rows,
                "adopted": self.adopted, "refused": self.refused}


def _ledger_entries(vault: Vault) -> list[LedgerEntry]:
    return [e for e in vault.ledger.entries() if not isinstance(e, ValueError)]


def ledger_blobs(entries: list[LedgerEntry]) -> set[str]:
    """Every blob hash a ledger record seals."""
    out: set[str] = set()
    for e in entries:
        for a in e.record.get("artifacts") or []:
            if isinstance(a, dict) and isinstance(a.get("sha256"), str):
                out.add(a["sha256"])
    return out


def referenced_blobs(vault: Vault, entries: list[LedgerEntry] | None = None) -> set[str]:
    """Every blob hash the database or the ledger refers to."""
    with vault.session() as s:
        refs = set(s.exec(select(Document.blob_sha256)).all())
        refs |= set(s.exec(select(EvidenceArtifact.sha256)).all())
    return refs | ledger_blobs(_ledger_entries(vault) if entries is None else entries)


def ledger_disagreement(vault: Vault, entries: list[LedgerEntry]) -> list[dict[str, str]]:
    """Records the database lacks, has in excess, or holds otherwise than the ledger."""
    with vault.session() as s:
        rows = dict(s.exec(select(Evidence.seq, Evidence.record_hash)).all())
    ledger = {e.seq: e.hash for e in entries}
    out = []
    for seq in sorted(set(rows) | set(ledger)):
        if seq not in rows:
            out.append({"id": evidence_ref(seq), "problem": "in the ledger, not in the database "
                        "(was the database restored from an older copy?)"})
        elif seq not in ledger:
            out.append({"id": evidence_ref(seq), "problem": "in the database, not in the ledger"})
        elif rows[seq] != ledger[seq]:
            out.append({"id": evidence_ref(seq), "problem": "the database holds another record"})
    return out


def stale_work_dirs(vault: Vault) -> list[Path]:
    """Work folders in tmp/ whose process is gone (their owner lock is free)."""
    if not vault.paths.tmp.is_dir():
        return []
    return sorted(p for p in vault.paths.tmp.iterdir()
                  if not p.is_dir() or vault.work_dir_abandoned(p))


def _unsealed_legacy_rows(vault: Vault, entries: list[LedgerEntry]) -> list[Any]:
    """Rows of the sealed tables that no record names (recorded by an older version)."""
    named: set[tuple[str, int]] = set()
    for e in entries:
        ctx = e.record.get("context") if isinstance(e.record.get("context"), dict) else {}
        for item in ctx.get("rows") or []:
            if isinstance(item, dict):
                named.add((str(item.get("table")), item.get("id")))  # type: ignore[arg-type]
    first = entries[0].record.get("context", {}) if entries else {}
    if isinstance(first, dict) and first.get("state_sealed") is True:
        return []  # everything was sealed from the start: an unnamed row is tampering
    out = []
    with vault.session() as s:
        for table, (model, _label) in SEALED_TABLES.items():
            if table == "cv_document":
                continue
            for row in s.exec(select(model).order_by(col(model.id))).all():  # type: ignore[attr-defined]
                if (table, row.id) not in named:
                    out.append(row)
    return out


def _adopt(vault: Vault, rows: list[Any]) -> str:
    """Seal rows an older version left unsealed, as found (links of decisions included)."""
    links = {row_label(AuthorityDecision.__tablename__, r.id):
             [r.evidence_seq, r.document_id, r.contract_id]
             for r in rows if isinstance(r, AuthorityDecision)}
    sealed = vault.seal(
        kind="state-adopted", artifacts=[],
        context={"how": "doctor --fix", "who": vault.user, "rows": [sealed_row(r) for r in rows],
                 "decision_links": links,
                 "statement": "These rows were recorded by an older version that did not seal "
                              "them; they are sealed here as found, on this date."},
        build_rows=lambda _s: Subject())
    return evidence_ref(sealed.seq)


def doctor(vault: Vault, fix: bool = False) -> DoctorReport:
    """Report (and with `fix`, repair) what killed writers left; never delete a blob any
    record names, in the database or in the ledger.

    Runs under the write lock: blobs are stored inside the sealing transaction's lock, so
    an unreferenced blob seen here can only be the leftover of a killed writer.
    """
    with write_lock(vault.paths.lock_file):
        vault.recover_locked()
        entries = _ledger_entries(vault)
        named_by_ledger = ledger_blobs(entries)
        refs = referenced_blobs(vault, entries)
        report = DoctorReport(fixed=fix, blobs=len(refs))
        report.ledger_disagreement = ledger_disagreement(vault, entries)
        report.orphan_blobs = [h for h in vault.blobs if h not in refs]
        temps = vault.blobs.temp_files()
        report.temp_files = [str(t) for t in temps]
        interrupted = find_interrupted(vault)
        report.interrupted_acceptances = [i.as_dict() for i in interrupted]
        report.stale_work = [str(w) for w in stale_work_dirs(vault)]
        legacy = _unsealed_legacy_rows(vault, entries)
        report.unsealed_rows = [row_label(str(r.__tablename__), r.id) for r in legacy]
        if fix:
            for h in report.orphan_blobs:
                if h in named_by_ledger:  # cannot happen (refs has them); never, whatever
                    report.refused.append(f"blob {h}: named by the ledger")
                    continue
                vault.blobs.remove_unsealed(h)
            for t in temps:
                with contextlib.suppress(FileNotFoundError):
                    t.unlink()
    if not fix:
        with contextlib.suppress(ClauseIndexError):
            missing, _queued = unindexed_documents(vault.engine, vault.clause_index)
            report.unindexed = [document_ref(pk) for pk in missing]
        return report
    # Sealing takes the write lock itself, so these run after the checks above.
    if report.ledger_disagreement:
        report.refused.append("the database and the ledger disagree: nothing sealed is changed "
                              "until they agree (restore the database, or run 'contractvault "
                              "verify' for the details)")
        return report
    for item in interrupted:
        sealed = seal_interrupted(vault, item, reason="the capture process ended (it was killed "
                                  "or crashed) before its evidence was sealed")
        report.sealed_interrupted.append(evidence_ref(sealed.seq))
    for w in stale_work_dirs(vault):
        if w.is_dir():
            shutil.rmtree(w, ignore_errors=True)
        else:
            w.unlink(missing_ok=True)
    if legacy:
        report.adopted = _adopt(vault, legacy)
    try:
        report.reindexed = repair_index(vault)
    except ContractVaultError as exc:
        report.refused.append(f"the search index could not be repaired: {exc.message}")
    return report

