"""Acceptances that were clicked but never sealed.

Between the click on "I accept" and the seal of its evidence, a capture may be killed
(or fail): the site has the acceptance, the vault would have nothing. So before anything
is clicked, the capture seals an `acceptance-started` note naming its capture id; the
capture's own records carry the same id. A note that no capture record completes, and
whose capture process is gone, is an interrupted acceptance: `doctor` reports it, and
`doctor --fix` seals whatever the capture had written as an `acceptance-interrupted`
record that says plainly that the evidence is incomplete. A capture that fails after the
click while its process lives does the same at once (`AcceptanceGuard.abandon`).
"""

from __future__ import annotations

import contextlib
import mimetypes
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlmodel import Session

from contractvault.authority.store import decision_ref
from contractvault.errors import ContractVaultError
from contractvault.ids import evidence_ref, parse_ref
from contractvault.storage.ledger import LedgerEntry
from contractvault.util import sha256_file
from contractvault.vault import OWNER_LOCK, ArtifactSpec, Sealed, Subject, Vault

NOTE_KIND = "acceptance-started"
INTERRUPTED_KIND = "acceptance-interrupted"
# The record kinds whose context `capture_id` completes a note.
COMPLETING_KINDS = ("capture", INTERRUPTED_KIND)
# What an uninterrupted capture of the main page would have sealed (for the record).
EXPECTED_ARTIFACTS = ("page.pdf", "page.png", "accept-before.png", "accept-after.png",
                      "page.mhtml", "page.html", "page.txt", "network.har")


@dataclass
class AcceptanceGuard:
    """One capture's acceptance: the note before the click, the fallback if it fails."""

    vault: Vault
    work: Path
    capture_id: str
    url: str
    doc_type: str
    contract_pk: int | None
    new_title: str | None = None
    signer: str | None = None
    board: str | None = None
    decision_id: int | None = None
    note: Sealed | None = None
    done: bool = False  # set once the capture's main record is sealed

    def before_click(self, control: dict[str, Any]) -> None:
        """The capture leaf's hook: seal the note, then the click may happen."""
        context = {
            "how": "capture", "who": self.vault.user, "capture_id": self.capture_id,
            "url": self.url, "page_url": control.get("url"), "doc_type": self.doc_type,
            "control": {k: control.get(k) for k in ("selector", "label", "kind")},
            "signer": self.signer, "board": self.board, "new_contract": self.new_title,
            "authority_check": decision_ref(self.decision_id) if self.decision_id else None,
            "work_dir": self.work.name,
            "statement": "An acceptance is about to be clicked. The capture's evidence follows "
                         "in records with the same capture_id; if none follows, the capture "
                         "was interrupted after this point.",
        }
        self.note = self.vault.seal(kind=NOTE_KIND, artifacts=[], context=context,
                                    build_rows=lambda _s: Subject(contract_id=self.contract_pk))

    def abandon(self, error: BaseException) -> Sealed | None:
        """The capture failed after the note and before its evidence was sealed: seal what
        it wrote as incomplete evidence, now (the work folder is about to be removed)."""
        if self.note is None or self.done:
            return None
        reason = f"the capture failed after the acceptance was started: {type(error).__name__}"
        if str(error):
            reason += f": {str(error)[:300]}"
        item = Interrupted(note_seq=self.note.seq, capture_id=self.capture_id, url=self.url,
                           contract_id=self.contract_pk, work_dir=self.work)
        with contextlib.suppress(ContractVaultError, OSError):
            # Failing here loses nothing: the note stays open and `doctor` reports it.
            return seal_interrupted(self.vault, item, reason=reason, how="capture")
        return None


@dataclass
class Interrupted:
    """An acceptance note without the capture evidence that should follow it."""

    note_seq: int
    capture_id: str
    url: str | None
    contract_id: int | None
    work_dir: Path | None
    files: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"note": evidence_ref(self.note_seq), "capture_id": self.capture_id,
                "url": self.url, "work_dir": str(self.work_dir) if self.work_dir else None,
                "artifacts_found": self.files}


def _artifact_files(folder: Path | None) -> list[Path]:
    """The files a capture wrote into its work folder (not the lock, not temp files)."""
    if folder is None or not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and not p.is_symlink() and p.name != OWNER_LOCK
                  and not p.name.startswith("."))


def _entries(vault: Vault) -> list[LedgerEntry]:
    return [e for e in vault.ledger.entries() if not isinstance(e, ValueError)]


def find_interrupted(vault: Vault) -> list[Interrupted]:
    """Acceptance notes that no capture record completes and whose process is gone."""
    notes: dict[str, LedgerEntry] = {}
    completed: set[str] = set()
    closed_notes: set[int] = set()
    for e in _entries(vault):
        rec = e.record
        ctx = rec.get("context") if isinstance(rec.get("context"), dict) else {}
        kind = rec.get("kind")
        cid = ctx.get("capture_id")
        if kind == NOTE_KIND and isinstance(cid, str):
            notes[cid] = e
        elif kind in COMPLETING_KINDS and isinstance(cid, str):
            completed.add(cid)
        if kind == INTERRUPTED_KIND and isinstance(ctx.get("note"), str):
            with contextlib.suppress(Exception):
                closed_notes.add(parse_ref(ctx["note"], "evidence")[1])
    out = []
    for cid, note in notes.items():
        if cid in completed or note.seq in closed_notes:
            continue
        ctx = note.record.get("context") or {}
        name = str(ctx.get("work_dir") or "")
        folder = vault.paths.tmp / name if name and "/" not in name and name not in (".", "..") else None
        if folder is not None and folder.exists() and not vault.work_dir_abandoned(folder):
            continue  # the capture is still running
        subject = note.record.get("subject") or {}
        contract = subject.get("contract_id")
        out.append(Interrupted(
            note_seq=note.seq, capture_id=cid, url=ctx.get("url"),
            contract_id=parse_ref(contract, "contract")[1] if contract else None,
            work_dir=folder if folder is not None and folder.is_dir() else None,
            files=[p.name for p in _artifact_files(folder)]))
    return out


def seal_interrupted(vault: Vault, item: Interrupted, *, reason: str,
                     how: str = "doctor --fix") -> Sealed:
    """Seal an interrupted acceptance as incomplete evidence: the files as found."""
    # The capture's own table, so a found file is typed as the finished capture types it
    # (imported here: the capture package loads Playwright's bindings).
    from capture.context import MEDIA_TYPES

    files = _artifact_files(item.work_dir)
    specs = [ArtifactSpec(p.name, MEDIA_TYPES.get(p.suffix, mimetypes.guess_type(p.name)[0]
                                           or "application/octet-stream"),
                          sha256_file(p), p.stat().st_size) for p in files]

    def build(_s: Session) -> Subject:
        # Stored under the write lock; a file that changed since it was hashed is refused.
        for p, spec in zip(files, specs, strict=True):
            vault.store_file(p, spec.sha256)
        return Subject(contract_id=item.contract_id)

    found = {s.name for s in specs}
    context = {
        "how": how, "who": vault.user,
        "note": evidence_ref(item.note_seq), "capture_id": item.capture_id, "url": item.url,
        "complete": False, "reason": reason,
        "missing": [n for n in EXPECTED_ARTIFACTS if n not in found],
        "statement": "INCOMPLETE EVIDENCE. An acceptance was started (see the note) but its "
                     "capture ended before its evidence was sealed. The artifacts are the "
                     "files the capture had written, as found; they were not checked as "
                     "complete, and whether the site received the acceptance is not known "
                     "from them alone.",
    }
    return vault.seal(kind=INTERRUPTED_KIND, artifacts=specs, context=context, build_rows=build)
