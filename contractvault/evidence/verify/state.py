"""What the verifier passes share: failures, the report, the ledger lines as read, keys."""

from __future__ import annotations

import base64
import binascii
import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from contractvault.ids import evidence_ref
from contractvault.storage.keys import key_id_for, load_public_pem
from contractvault.storage.ledger import LedgerEntry
from contractvault.util import Progress, canonical_json, iter_file, parse_iso_utc, sha256_hex
from contractvault.vault import Vault

_HEX64 = re.compile(r"^[0-9a-f]{64}$")
# Document fields a record's context may state; each one stated must match the row.
_DOC_CONTEXT_FIELDS = ("doc_type", "source_name", "page_count", "has_text", "text_sha256",
                       "capture_id")


@dataclass
class Failure:
    """One thing that does not hold, naming the record (`E-12`, `D-5`) it concerns."""

    id: str
    what: str
    detail: str

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "what": self.what, "detail": self.detail}


@dataclass
class VerifyReport:
    """The outcome of `verify`: `ok` only when there are no failures (warnings may exist)."""

    checked: int
    failures: list[Failure] = field(default_factory=list)
    warnings: list[Failure] = field(default_factory=list)
    time_source: str = "local-clock"
    head: dict[str, Any] | None = None
    checkpoint: dict[str, Any] | None = None
    blobs: int = 0
    bytes_hashed: int = 0
    timestamps: int = 0
    # With an id: failures of records sealed after the ones asked about (they do not
    # weaken those, so they do not make this check fail).
    later: list[Failure] = field(default_factory=list)
    kept_checkpoint: dict[str, Any] | None = None  # the outcome for `--checkpoint FILE`
    tsas: dict[str, int] = field(default_factory=dict)  # verified tokens per TSA URL

    @property
    def ok(self) -> bool:
        return not self.failures

    def later_seqs(self) -> set[int]:
        """Sequence numbers of the later records that failed."""
        return {pk for f in self.later if (pk := _ref_pk(f.id, "E")) is not None and pk > 0}

    def failed_ids(self) -> set[str]:
        """Every id named by a failure."""
        return {f.id for f in self.failures}

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok, "checked": self.checked,
            "failures": [f.as_dict() for f in self.failures],
            "warnings": [w.as_dict() for w in self.warnings],
            "time": self.time_source, "head": self.head, "checkpoint": self.checkpoint,
            "blobs": self.blobs, "bytes_hashed": self.bytes_hashed,
            "timestamps": self.timestamps,
            "later_failures": [f.as_dict() for f in self.later],
            "kept_checkpoint": self.kept_checkpoint,
            "tsas": [{"url": u, "tokens": n} for u, n in self.tsas.items()],
        }


@dataclass
class _Line:
    """One ledger line as found, with what the chain pass learnt about it."""

    pos: int
    raw: bytes
    entry: LedgerEntry | None
    computed: str | None = None  # SHA-256 of the record's canonical JSON
    rb: bytes | None = None  # the record's canonical JSON
    seq: int | None = None


def _utc_naive(moment: datetime) -> datetime:
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def _parse_time(value: Any) -> datetime | None:
    try:
        return _utc_naive(parse_iso_utc(str(value)))
    except ValueError:
        return None


def _ref_pk(value: Any, prefix: str) -> int | None:
    """`D-5` → 5; None for None; -1 for anything malformed (never equals a real key)."""
    if value is None:
        return None
    m = re.fullmatch(prefix + r"-(\d+)", str(value))
    return int(m.group(1)) if m else -1


_PLAIN = re.compile(r"^[0-9A-Za-z+/=]*$")


def _json_str(value: str) -> bytes:
    """canonical_json of a string; hashes and base64 need no escaping, so skip the encoder."""
    if _PLAIN.match(value):
        return b'"' + value.encode("ascii") + b'"'
    return canonical_json(value)


def _canonical_b64(sig: str) -> bool:
    try:
        raw = base64.b64decode(sig, validate=True)
    except (binascii.Error, ValueError):
        return False
    return len(raw) == 64 and base64.b64encode(raw).decode("ascii") == sig


_Hashed = tuple[str, str | None, int]


# Large reads: a hashing thread needs the GIL once per read, and the main thread holds it
# while it checks signatures, so fewer, bigger reads keep the hashing threads busy.
_HASH_CHUNK = 1 << 23


def _hash_blob(sha: str, path: Path, size: int) -> _Hashed:
    try:
        return sha, sha256_hex(iter_file(path, _HASH_CHUNK)), size
    except OSError:
        return sha, None, size


class VerifierState:
    """What every pass shares: the ledger as read, the keys learnt, failures and warnings."""

    def __init__(self, vault: Vault, progress: Progress | None, workers: int | None) -> None:
        self.vault = vault
        self.progress = progress
        self.workers = workers or max(2, min(4, os.cpu_count() or 1))
        self.failures: list[Failure] = []
        self.warnings: list[Failure] = []
        self.lines: list[_Line] = []
        self.by_seq: dict[int, list[_Line]] = defaultdict(list)
        self.keys: dict[str, Ed25519PublicKey] = {}
        self.kept: dict[str, Any] | None = None  # the checkpoint someone kept, as checked
        self.tsa_counts: dict[str, int] = {}  # verified tokens per TSA URL
        # Key that signed each position, and the key active right after it (for checkpoints).
        self.key_at: dict[int, str] = {}
        self.key_after: dict[int, str] = {}
        self._done = 0
        self._total = 0
        self._late: dict[int, dict[str, Any]] | None = None
        self.ledger_size = 0
        self.checkpoint_bytes: bytes | None = None

    # --- helpers ------------------------------------------------------------------------

    def fail(self, rid: str, what: str, detail: str) -> None:
        self.failures.append(Failure(rid, what, detail))

    def warn(self, rid: str, what: str, detail: str) -> None:
        self.warnings.append(Failure(rid, what, detail))

    def tick(self, n: int = 1) -> None:
        self._done += n
        if self.progress:
            self.progress(min(self._done, self._total), self._total)

    def entry_for(self, seq: int) -> _Line | None:
        """The line at position `seq` if it holds record `seq` (else None)."""
        found = self.by_seq.get(seq)
        return found[0] if found else None

    # --- what writers sealed while verify ran --------------------------------------------

    def _pending_lines(self) -> dict[int, bytes]:
        """Notes of records being sealed, read only (recovery is for writers)."""
        out: dict[int, bytes] = {}
        folder = self.vault.ledger.pending
        if folder.is_dir():
            for p in folder.glob("*.json"):
                try:
                    out[int(p.stem)] = p.read_bytes()
                except (OSError, ValueError):
                    continue
        return out

    def late_records(self) -> dict[int, dict[str, Any]]:
        """Records sealed since the ledger was read: the notes of writers at work, then the
        lines appended since (read in that order, so none slips between the two)."""
        if self._late is None:
            late: dict[int, dict[str, Any]] = {}
            raws = list(self._pending_lines().values())
            path = self.vault.ledger.records
            try:
                with open(path, "rb") as fh:
                    fh.seek(self.ledger_size)
                    raws += fh.read().split(b"\n")
            except OSError:
                pass
            for raw in raws:
                try:
                    entry = LedgerEntry.parse(raw.strip())
                except (ValueError, TypeError, UnicodeDecodeError):
                    continue
                if isinstance(entry.record, dict) and isinstance(entry.record.get("seq"), int) \
                        and entry.record["seq"] > len(self.lines):
                    late[entry.record["seq"]] = entry.record
            self._late = late
        return self._late

    def is_late(self, seq: int | None) -> bool:
        """Whether record `seq` was sealed after the snapshot (by a writer still at work)."""
        return seq is not None and seq > len(self.lines) and seq in self.late_records()

    # --- keys ---------------------------------------------------------------------------

    def _first_key(self) -> str | None:
        kid = self.vault.info.get("first_key_id")
        if not kid:
            self.warn("vault", "key", "vault.json does not name the first key; "
                      "taking it from the vault-created record")
            return None
        kid = str(kid)
        try:
            self.keys[kid] = self.vault.keys.public_key(kid)
        except (OSError, ValueError) as exc:
            self.fail("E-1", "key", f"the vault's first key {kid} cannot be read from keys/: {exc}")
        return kid

    def _learn_key(self, rid: str, kid: str, pem: Any) -> Ed25519PublicKey | None:
        try:
            pub = load_public_pem(str(pem).encode("ascii"))
        except (ValueError, TypeError, UnicodeEncodeError) as exc:
            self.fail(rid, "key", f"the public key of {kid} in the record does not parse: {exc}")
            return None
        if key_id_for(pub) != kid:
            self.fail(rid, "key", f"the public key in the record is not key {kid}")
            return None
        known = self.keys.get(kid)
        if known is not None and key_id_for(known) != kid:
            self.fail(rid, "key", f"keys/{kid}.pub.pem holds another key")
        self.keys.setdefault(kid, pub)
        pub_file = self.vault.paths.keys / f"{kid}.pub.pem"
        try:
            if key_id_for(load_public_pem(pub_file.read_bytes())) != kid:
                self.fail(rid, "key", f"keys/{kid}.pub.pem holds another key than the record names")
        except FileNotFoundError:
            self.warn(rid, "key", f"keys/{kid}.pub.pem is missing (the record's copy is used)")
        except ValueError as exc:
            self.fail(rid, "key", f"keys/{kid}.pub.pem does not parse: {exc}")
        return pub

    # --- pass 1: the chain --------------------------------------------------------------

    def read_ledger(self) -> None:
        """Read the ledger once: the snapshot every pass checks.

        Writers may seal while verify runs. The checkpoints are read first (a checkpoint is
        written after its line, so none read here goes beyond the ledger read next), and
        what a database holds beyond the snapshot is checked against `late_records`.
        """
        cp_path = self.vault.ledger.checkpoints
        self.checkpoint_bytes: bytes | None = cp_path.read_bytes() if cp_path.exists() else None
        path = self.vault.ledger.records
        data = path.read_bytes() if path.exists() else b""
        raws = data.split(b"\n")
        torn = raws.pop()  # after the final newline: empty unless a line was half-written
        self.ledger_size = len(data) - len(torn)
        if torn and any(line.startswith(torn) for line in self._pending_lines().values()):
            # A writer is appending this very line (or was killed doing so, and the next
            # writer finishes it): it is not part of this snapshot.
            self.warn(evidence_ref(len(raws) + 1), "ledger", "a record is being sealed (or was "
                      "interrupted; the next command finishes it)")
        elif torn:
            raws.append(torn)
            self.fail(evidence_ref(len(raws)), "ledger", "the last ledger line is incomplete "
                      "(no newline at the end): it was cut or half-written")
        for pos, raw in enumerate(raws, start=1):
            try:
                entry = LedgerEntry.parse(raw)
            except (ValueError, TypeError, UnicodeDecodeError) as exc:
                self.lines.append(_Line(pos, raw, None))
                self.fail(evidence_ref(pos), "ledger", f"ledger line {pos} is not a valid entry ({exc})")
                continue
            line = _Line(pos, raw, entry)
            self.lines.append(line)
            seq = entry.record.get("seq") if isinstance(entry.record, dict) else None
            if isinstance(seq, int) and not isinstance(seq, bool):
                line.seq = seq
                self.by_seq[seq].append(line)
