"""Content-addressed blob store: SHA-256 names, atomic writes, read-only files, stored once."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from contractvault.util import atomic_writer, copy_hashed, fsync_dir, iter_file, sha256_hex


def stage_copy(src: Path, folder: Path) -> tuple[Path, str, int]:
    """Copy `src` into a new temp file in `folder`, hashing the bytes as they are written;
    returns (copy, sha256, size). The copy is fsynced: what was hashed is what is kept.

    The copy is named `.<name>.*.tmp`, like every interrupted write, for `doctor`.
    """
    fd, tmp = tempfile.mkstemp(prefix=f".{src.name[:60]}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fout:
            digest, size = copy_hashed(src, fout)
            fout.flush()
            os.fsync(fout.fileno())
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return Path(tmp), digest, size


class BlobStore:
    """Files under `root/ab/cdef…` named by the SHA-256 of their content."""

    def __init__(self, root: Path) -> None:
        self.root = root
        # Subfolders whose entry in `root` is known to be on disk: every one that existed
        # when this process first fsynced `root`, and every one it made (and fsynced) since.
        # A rename into one of them needs only that subfolder fsynced.
        self._durable: set[str] | None = None

    def prepare(self) -> None:
        """Make the 256 subfolders at once, with one fsync (at `init`): a first bulk add
        then pays no fsync of `root` per new subfolder."""
        self.root.mkdir(parents=True, exist_ok=True)
        for n in range(256):
            (self.root / f"{n:02x}").mkdir(exist_ok=True)
        fsync_dir(self.root)

    def path_for(self, sha256: str) -> Path:
        """Where the blob with this hash lives (whether or not it exists)."""
        return self.root / sha256[:2] / sha256[2:]

    def has(self, sha256: str) -> bool:
        """Whether the blob is stored."""
        return self.path_for(sha256).is_file()

    def put_file(self, src: Path, sha256: str | None = None) -> tuple[str, int]:
        """Store a copy of `src`; returns (sha256, size). Identical content is stored once.

        The hash is of the bytes as they are copied, so a file that changes meanwhile is
        stored under the hash of what was stored. With `sha256` (what the caller hashed
        earlier) a copy that hashes otherwise is refused: VerificationError, nothing stored.
        """
        if sha256 is not None and self.has(sha256):
            return sha256, self.path_for(sha256).stat().st_size
        self.root.mkdir(parents=True, exist_ok=True)
        staged = stage_copy(Path(src), self.root)
        try:
            digest, size = staged[1], staged[2]
            if sha256 is not None and digest != sha256:
                from contractvault.errors import VerificationError

                raise VerificationError(f"{src} changed while it was stored",
                                        f"it was read as {sha256[:12]}…, the stored copy hashes "
                                        f"to {digest[:12]}…", "Add the file again once it is complete")
            self.put_staged(staged[0], digest)
        finally:
            staged[0].unlink(missing_ok=True)
        return digest, size

    def put_staged(self, staged: Path, sha256: str,
                   unsynced: set[Path] | None = None) -> tuple[str, int]:
        """Move a file copied and hashed by `stage_copy` (on the vault's filesystem) into
        the store under its hash; the staged file is gone afterwards. Returns (sha256, size).

        With `unsynced`, the folder the file was renamed into is added to it instead of
        fsynced: the caller fsyncs them all with `sync_folders` before it commits anything
        that names the blob."""
        dest = self.path_for(sha256)
        if dest.exists():
            staged.unlink(missing_ok=True)
        else:
            self._durable_folder(dest.parent)
            os.chmod(staged, 0o444)
            os.replace(staged, dest)
            if unsynced is None:
                fsync_dir(dest.parent)
            else:
                unsynced.add(dest.parent)
        return sha256, dest.stat().st_size

    @staticmethod
    def sync_folders(folders: set[Path]) -> None:
        """fsync the folders at once, from several threads: the filesystem's journal then
        commits them together (a batch of 32 files took 64 journal commits one after
        another)."""
        if len(folders) <= 1:
            for folder in folders:
                fsync_dir(folder)
            return
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=min(16, len(folders))) as pool:
            list(pool.map(fsync_dir, sorted(folders)))

    def _durable_folder(self, folder: Path) -> None:
        """Make `folder` (a subfolder of `root`) exist with its entry in `root` on disk.

        The first time, one fsync of `root` makes durable every subfolder there is (made by
        any process before that moment); after that `root` is fsynced only for a subfolder
        this process makes, so a bulk add pays one fsync per blob instead of two."""
        if self._durable is None:
            self.root.mkdir(parents=True, exist_ok=True)
            present = {p.name for p in self.root.iterdir() if p.is_dir()}
            fsync_dir(self.root)
            self._durable = present
        if folder.name in self._durable and folder.is_dir():
            return
        folder.mkdir(parents=True, exist_ok=True)
        fsync_dir(self.root)
        self._durable.add(folder.name)

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
        return list(self.root.glob("*/.*.tmp")) + list(self.root.glob(".*.tmp"))

    def remove_unsealed(self, sha256: str) -> None:
        """Delete a blob no record refers to (doctor --fix only; sealed blobs are never removed)."""
        path = self.path_for(sha256)
        os.chmod(path, stat.S_IWUSR | stat.S_IRUSR)
        path.unlink()
