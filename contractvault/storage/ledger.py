"""The append-only ledger: a hash chain of signed records, signed checkpoints, crash recovery.

Files (inside the vault's `ledger/`):
- `records.jsonl`: one line per record, `{"record": {...}, "hash": ..., "sig": ...}`, where
  `hash` is the SHA-256 of the record's canonical JSON and `sig` its Ed25519 signature.
  Each record names the previous record's hash (`prev`) and its sequence number (`seq`).
- `checkpoints.jsonl`: signed `{seq, head, at, key_id, vault_id}` lines, so that cutting
  records off the end is detectable by anyone holding an older checkpoint.
- `pending/<seq>.json`: a record signed but not yet known to be in the ledger file. The
  database row is committed first, then the line is appended, then the pending file goes.
  Recovery finishes or drops what a crash interrupted, so the two never disagree.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from contractvault.errors import VerificationError
from contractvault.util import atomic_write, canonical_json, fsync_dir, sha256_hex

GENESIS = "0" * 64
RECORD_VERSION = 1


@dataclass(frozen=True)
class LedgerEntry:
    """One line of the ledger file."""

    record: dict[str, Any]
    hash: str
    sig: str

    @property
    def seq(self) -> int:
        return int(self.record["seq"])

    def line(self) -> bytes:
        """The exact bytes of its ledger line (with newline)."""
        return canonical_json({"record": self.record, "hash": self.hash, "sig": self.sig}) + b"\n"

    @classmethod
    def parse(cls, line: bytes) -> LedgerEntry:
        """Parse one ledger line; ValueError when it is not a ledger entry."""
        obj = json.loads(line)
        if not isinstance(obj, dict) or not {"record", "hash", "sig"} <= obj.keys():
            raise ValueError("not a ledger entry")
        return cls(record=obj["record"], hash=obj["hash"], sig=obj["sig"])


def record_bytes(record: dict[str, Any]) -> bytes:
    """The bytes that are hashed and signed: the record's canonical JSON."""
    return canonical_json(record)


def record_hash(record: dict[str, Any]) -> str:
    """SHA-256 of the record's canonical JSON."""
    return sha256_hex(record_bytes(record))


@contextlib.contextmanager
def write_lock(lock_file: Path) -> Iterator[None]:
    """One sealing writer at a time, across processes (flock; released if the process dies)."""
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


class LedgerFile:
    """Reading and appending the ledger and checkpoint files."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.records = folder / "records.jsonl"
        self.checkpoints = folder / "checkpoints.jsonl"
        self.pending = folder / "pending"

    def entries(self) -> Iterator[LedgerEntry | ValueError]:
        """Every line, parsed; a line that does not parse yields its ValueError (for verify)."""
        if not self.records.exists():
            return
        with open(self.records, "rb") as fh:
            for n, line in enumerate(fh, start=1):
                try:
                    yield LedgerEntry.parse(line)
                except (ValueError, json.JSONDecodeError) as exc:
                    yield ValueError(f"ledger line {n} is not a valid entry: {exc}")

    def last(self) -> LedgerEntry | None:
        """The last complete entry, read from the end of the file."""
        if not self.records.exists():
            return None
        with open(self.records, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            if size == 0:
                return None
            block = min(size, 1 << 16)
            while True:
                fh.seek(size - block)
                data = fh.read(block)
                lines = data.rstrip(b"\n").split(b"\n")
                if len(lines) > 1 or block == size:
                    try:
                        return LedgerEntry.parse(lines[-1])
                    except ValueError as exc:  # JSONDecodeError is a ValueError
                        raise VerificationError(
                            "the ledger's last line is damaged", str(exc),
                            "Run 'contractvault verify'; nothing was sealed") from exc
                block = min(size, block * 4)

    def append(self, entry: LedgerEntry) -> None:
        """Append one line and fsync it."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.records, "ab") as fh:
            fh.write(entry.line())
            fh.flush()
            os.fsync(fh.fileno())

    def append_many(self, entries: list[LedgerEntry]) -> None:
        """Append lines in order with one fsync (a torn last line has its pending note)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.records, "ab") as fh:
            fh.write(b"".join(e.line() for e in entries))
            fh.flush()
            os.fsync(fh.fileno())

    def append_checkpoint(self, checkpoint: dict[str, Any]) -> None:
        """Append a signed checkpoint line."""
        with open(self.checkpoints, "ab") as fh:
            fh.write(canonical_json(checkpoint) + b"\n")
            fh.flush()
            os.fsync(fh.fileno())

    def checkpoint_lines(self) -> list[dict[str, Any] | ValueError]:
        """All checkpoints (a line that does not parse comes back as a ValueError)."""
        if not self.checkpoints.exists():
            return []
        out: list[dict[str, Any] | ValueError] = []
        for n, line in enumerate(self.checkpoints.read_bytes().splitlines(), start=1):
            try:
                obj = json.loads(line)
                if not isinstance(obj, dict):
                    raise ValueError("not an object")
                out.append(obj)
            except ValueError as exc:
                out.append(ValueError(f"checkpoint line {n} does not parse: {exc}"))
        return out

    # --- crash recovery -------------------------------------------------------------

    def write_pending(self, entry: LedgerEntry) -> Path:
        """Note a signed entry before its database commit."""
        return self.write_pending_many([entry])

    def write_pending_many(self, entries: list[LedgerEntry]) -> Path:
        """Note signed entries (one line each, in order) before their database commit."""
        path = self.pending / f"{entries[0].seq}.json"
        atomic_write(path, b"".join(e.line() for e in entries))
        return path

    def clear_pending(self, path: Path) -> None:
        """The entry is in the ledger file: forget the note."""
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        fsync_dir(path.parent)

    def clear_pending_many(self, paths: list[Path]) -> None:
        """The entries are in the ledger file: forget their notes (one directory fsync)."""
        for path in paths:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        if paths:
            fsync_dir(paths[0].parent)

    def pending_entries(self) -> list[tuple[Path, LedgerEntry]]:
        """Notes left by writers that were killed."""
        if not self.pending.is_dir():
            return []
        out = []
        for path in sorted(self.pending.glob("*.json"), key=lambda p: int(p.stem)):
            try:
                lines = [ln for ln in path.read_bytes().splitlines() if ln.strip()]
                out.extend((path, LedgerEntry.parse(line)) for line in lines)
            except (ValueError, json.JSONDecodeError):
                # A note is written atomically, so an unreadable one was never used.
                path.unlink()
        return out

    def drop_torn_tail(self) -> None:
        """Cut a last line that was half-written when a writer died (it has a pending note)."""
        if not self.records.exists():
            return
        with open(self.records, "rb+") as fh:
            data_end = fh.seek(0, os.SEEK_END)
            if data_end == 0:
                return
            fh.seek(data_end - 1)
            if fh.read(1) == b"\n":
                return
            # Find the start of the torn line.
            pos = data_end
            step = 4096
            while pos > 0:
                start = max(0, pos - step)
                fh.seek(start)
                chunk = fh.read(pos - start)
                idx = chunk.rfind(b"\n")
                if idx >= 0:
                    fh.truncate(start + idx + 1)
                    break
                pos = start
            else:
                fh.truncate(0)
            fh.flush()
            os.fsync(fh.fileno())
