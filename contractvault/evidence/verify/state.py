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
    kept_checkpoint: dict[str, Any] | None = None  # the outcome for `--checkpoint FILE`
    tsas: dict[str, int] = field(default_factory=dict)  # verified tokens per TSA URL

    @property
    def ok(self) -> bool:
        return not self.failures

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
            "timestamps": self.timestamps, "kept_checkpoint": self.kept_checkpoint,
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
        path = self.vault.ledger.records
        data = path.read_bytes() if path.exists() else b""
        raws = data.split(b"\n")
        torn = raws.pop()  # after the final newline: empty unless a line was half-written
        if torn:
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
