"""Housekeeping checks: what a killed writer may have left that no record refers to."""

from __future__ import annotations

import contextlib
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlmodel import select

from contractvault.models import Document, EvidenceArtifact
from contractvault.storage.ledger import write_lock
from contractvault.vault import Vault


def referenced_blobs(vault: Vault) -> set[str]:
    """Every blob hash the database refers to."""
    with vault.session() as s:
        refs = set(s.exec(select(Document.blob_sha256)).all())
        refs |= set(s.exec(select(EvidenceArtifact.sha256)).all())
    return refs


# A capture's work folder older than this belongs to a process that is gone.
STALE_WORK_SECONDS = 6 * 3600


def stale_work_dirs(vault: Vault) -> list[Path]:
    """Capture and recheck work folders in tmp/ left by killed processes."""
    if not vault.paths.tmp.is_dir():
        return []
    cutoff = time.time() - STALE_WORK_SECONDS
    return sorted(p for p in vault.paths.tmp.iterdir() if p.stat().st_mtime < cutoff)


@dataclass
class DoctorReport:
    """What `doctor` found (and with `fixed`, removed)."""

    orphan_blobs: list[str]
    temp_files: list[str]
    stale_work: list[str]
    fixed: bool
    blobs: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def doctor(vault: Vault, fix: bool = False) -> DoctorReport:
    """Orphaned blobs and temp files; with `fix`, remove them (never a referenced blob).

    Runs under the write lock: blobs are stored inside the sealing transaction's lock, so
    an unreferenced blob seen here can only be the leftover of a killed writer.
    """
    with write_lock(vault.paths.lock_file):
        vault.recover_locked()
        refs = referenced_blobs(vault)
        orphans = [h for h in vault.blobs if h not in refs]
        temps = vault.blobs.temp_files()
        work = stale_work_dirs(vault)
        if fix:
            for h in orphans:
                vault.blobs.remove_unsealed(h)
            for t in temps:
                with contextlib.suppress(FileNotFoundError):
                    t.unlink()
            for w in work:
                if w.is_dir():
                    shutil.rmtree(w, ignore_errors=True)
                else:
                    w.unlink(missing_ok=True)
    return DoctorReport(orphan_blobs=orphans, temp_files=[str(t) for t in temps],
                        stale_work=[str(w) for w in work], fixed=fix, blobs=len(refs))
