"""Content-addressed blob store: SHA-256 names, atomic writes, read-only files, stored once."""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

from contractvault.util import atomic_writer, fsync_dir, iter_file, sha256_file, sha256_hex


class BlobStore:
    """Files under `root/ab/cdef…` named by the SHA-256 of their content."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path:
        """Where the blob with this hash lives (whether or not it exists)."""
        return self.root / sha256[:2] / sha256[2:]

    def has(self, sha256: str) -> bool:
        """Whether the blob is stored."""
        return self.path_for(sha256).is_file()

    def put_file(self, src: Path, sha256: str | None = None) -> tuple[str, int]:
        """Store a copy of `src`; returns (sha256, size). Identical content is stored once."""
        digest = sha256 or sha256_file(src)
        dest = self.path_for(digest)
        if not dest.exists():
            with open(src, "rb") as fin, atomic_writer(dest, mode=0o444) as fout:
                shutil.copyfileobj(fin, fout, 1 << 20)
            fsync_dir(dest.parent.parent)
        return digest, dest.stat().st_size

    def put_bytes(self, data: bytes, sha256: str) -> tuple[str, int]:
        """Store bytes whose hash the caller computed; returns (sha256, size)."""
        dest = self.path_for(sha256)
        if not dest.exists():
            with atomic_writer(dest, mode=0o444) as fout:
                fout.write(data)
        return sha256, len(data)

    def open(self, sha256: str) -> Path:
        """The stored file's path (read-only); FileNotFoundError if missing."""
        path = self.path_for(sha256)
        if not path.is_file():
            raise FileNotFoundError(path)
        return path

    def copy_verified(self, sha256: str, dest: Path, what: str) -> int:
        """Copy a blob to `dest`, hashing it on the way; returns its size.

        Exports only hold verified content: a missing or altered blob raises
        VerificationError naming `what` (e.g. "D-3").
        """
        from contractvault.errors import VerificationError

        src = self.path_for(sha256)
        if not src.is_file():
            raise VerificationError(f"the stored file of {what} is missing", f"blob {sha256[:12]}…",
                                    "Run 'contractvault verify' and restore from backup")
        size = 0
        dest.parent.mkdir(parents=True, exist_ok=True)
        with open(dest, "wb") as fout:

            def copied() -> Iterator[bytes]:
                nonlocal size
                for block in iter_file(src):
                    fout.write(block)
                    size += len(block)
                    yield block

            digest = sha256_hex(copied())
        if digest != sha256:
            raise VerificationError(f"the stored file of {what} does not match its hash",
                                    "the blob store was altered",
                                    "Run 'contractvault verify' and restore from backup")
        return size

    def __iter__(self) -> Iterator[str]:
        """Every stored hash (ignores temp files from interrupted writes)."""
        if not self.root.is_dir():
            return
        for sub in sorted(self.root.iterdir()):
            if not sub.is_dir() or len(sub.name) != 2:
                continue
            for f in sorted(sub.iterdir()):
                if not f.name.startswith("."):
                    yield sub.name + f.name

    def temp_files(self) -> list[Path]:
        """Leftovers of writes that were killed half-way."""
        if not self.root.is_dir():
            return []
        return list(self.root.glob("*/.*.tmp"))

    def remove_unsealed(self, sha256: str) -> None:
        """Delete a blob no record refers to (doctor --fix only; sealed blobs are never removed)."""
        path = self.path_for(sha256)
        os.chmod(path, stat.S_IWUSR | stat.S_IRUSR)
        path.unlink()
