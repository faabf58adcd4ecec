"""The one hashing function, the one canonical-JSON function and the one atomic-write helper.

Everything in ContractVault that hashes, serialises for signing or writes a file that must
never be seen half-written goes through here.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

CHUNK = 1 << 20
# The progress callback every long library loop takes: (done, total). The caller owns display.
Progress = Callable[[int, int], None]


def sha256_hex(data: bytes | Iterable[bytes]) -> str:
    """SHA-256 of bytes (or an iterable of byte chunks), lowercase hex."""
    h = hashlib.sha256()
    if isinstance(data, bytes | bytearray | memoryview):
        h.update(data)
    else:
        for chunk in data:
            h.update(chunk)
    return h.hexdigest()


def iter_file(path: Path, chunk: int = CHUNK) -> Iterator[bytes]:
    """Yield a file's bytes in chunks (for hashing large blobs without loading them)."""
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            yield block


def sha256_file(path: Path) -> str:
    """SHA-256 of a file's content, lowercase hex."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def copy_hashed(src: Path, fout: IO[bytes]) -> tuple[str, int]:
    """Copy `src` to the open file `fout`, hashing exactly the bytes written: (sha256, size).

    A file that grows or changes while it is read yields the hash of what was copied.
    """
    size = 0

    def blocks() -> Iterator[bytes]:
        nonlocal size
        for block in iter_file(src):
            fout.write(block)
            size += len(block)
            yield block

    return sha256_hex(blocks()), size


def _canon(value: Any) -> Any:
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        raise ValueError("canonical JSON cannot hold NaN or infinity")
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise TypeError("canonical JSON keys must be strings")
        return {k: _canon(value[k]) for k in value}
    if isinstance(value, list | tuple):
        return [_canon(v) for v in value]
    if isinstance(value, datetime):
        return iso_utc(value)
    if isinstance(value, Path):
        return str(value)
    return value


def canonical_json(value: Any) -> bytes:
    """Canonical JSON (RFC 8785 style): sorted keys, no insignificant whitespace, UTF-8.

    Keys sort by code point, which equals RFC 8785's UTF-16 order for the BMP text we sign.
    Integers only in signed data: floats are rejected where they could round differently.
    """
    return json.dumps(
        _canon(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def utc_now() -> datetime:
    """Now, timezone-aware UTC, whole microseconds."""
    return datetime.now(UTC)


def iso_utc(moment: datetime) -> str:
    """ISO 8601 in UTC with a Z suffix; naive datetimes are taken to be UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_iso_utc(value: str) -> datetime:
    """Parse an ISO 8601 time as written by `iso_utc` (Z or offset); naive means UTC."""
    moment = datetime.fromisoformat(value)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def fsync_dir(folder: Path) -> None:
    """Make a rename inside `folder` durable (no-op where directories cannot be opened)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def atomic_writer(path: Path, mode: int = 0o644, binary: bool = True,
                  overwrite: bool = True) -> Iterator[IO[Any]]:
    """Open a temp file beside `path`; on success fsync it and `os.replace` it into place.

    A crash at any moment leaves either the old file or the new one, never a mix; a
    leftover temp file is named `.<name>.*.tmp` so `doctor` can sweep it. With
    `overwrite=False` the temp file is hard-linked into place instead, which fails (a
    UsageError, exit 2) when something appeared at `path` meanwhile: exports never overwrite.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb" if binary else "w", encoding=None if binary else "utf-8") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        if overwrite:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)
            except FileExistsError as exc:
                from contractvault.errors import UsageError

                raise UsageError(f"{path} already exists", "an export never overwrites anything",
                                 "Name a new file, or add --force to replace it") from exc
            os.unlink(tmp)
        fsync_dir(path.parent)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def atomic_write(path: Path, data: bytes | str, mode: int = 0o644) -> None:
    """Write `data` to `path` atomically (temp file in the same folder, fsync, os.replace)."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with atomic_writer(path, mode=mode) as fh:
        fh.write(payload)


def new_output_file(path: Path, force: bool = False) -> Path:
    """Check an export's `-o FILE` target: new, or with `force` an existing regular file.

    Never overwrites without `force`; never follows a symlink (even with `force`: the link
    could point anywhere). Write the file with `atomic_writer`, which replaces by rename.
    """
    from contractvault.errors import UsageError

    path = Path(path).expanduser().absolute()
    if path.is_symlink():
        raise UsageError(f"{path} is a symbolic link", "an export never writes through a link",
                         "Name a new file")
    if path.exists():
        if not force:
            raise UsageError(f"{path} already exists", "an export never overwrites anything",
                             "Name a new file, or add --force to replace it")
        if not path.is_file():
            raise UsageError(f"{path} is not a regular file", "--force replaces only a file",
                             "Name a new file")
    if not path.parent.is_dir():
        raise UsageError(f"the folder {path.parent} does not exist", "", "Create it first")
    return path


def new_output_dir(path: Path) -> Path:
    """Check that an export target is new or an empty folder (exports never overwrite)."""
    from contractvault.errors import UsageError

    path = Path(path).expanduser().absolute()
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise UsageError(f"{path} already exists", "an export never overwrites anything",
                         "Name a new or empty folder")
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


@contextlib.contextmanager
def atomic_folder(path: Path) -> Iterator[Path]:
    """Build a folder beside `path`, then fsync it and rename it into place.

    The folder counterpart of `atomic_writer`: a crash leaves either no folder or a
    complete one (plus a `.<name>.*.tmp` leftover, never the half-built folder at `path`).
    """
    path = new_output_dir(path)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    try:
        yield tmp
        for p in tmp.rglob("*"):
            if p.is_file():
                with open(p, "rb") as fh:
                    os.fsync(fh.fileno())
        if path.exists():
            path.rmdir()  # empty (checked above); rename needs the name free
        tmp.rename(path)
        fsync_dir(path.parent)
    except BaseException:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
        raise
