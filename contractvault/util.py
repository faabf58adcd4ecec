"""The one hashing function, the one canonical-JSON function and the one atomic-write helper.

Everything in ContractVault that hashes, serialises for signing or writes a file that must
never be seen half-written goes through here. A user's `-o PATH` goes through one pair:
`new_output_file` (check early) + `output_writer` (write beside, rename without replacing),
or for a folder `new_output_dir` + `atomic_folder`.
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
def atomic_writer(path: Path, mode: int = 0o644, binary: bool = True) -> Iterator[IO[Any]]:
    """Open a temp file beside `path`; on success fsync it and `os.replace` it into place.

    For the vault's own files, which it may replace. A crash at any moment leaves either the
    old file or the new one, never a mix; a leftover temp file is named `.<name>.*.tmp` so
    `doctor` can sweep it. A user's `-o` target goes through `output_writer` instead.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _temp_beside(path, mode, binary) as (fh, tmp):
        yield fh
        fh.flush()
        os.fsync(fh.fileno())
        fh.close()
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    fsync_dir(path.parent)


@contextlib.contextmanager
def _temp_beside(path: Path, mode: int, binary: bool) -> Iterator[tuple[IO[Any], str]]:
    """A temp file `.<name>.*.tmp` beside `path`, removed unless renamed away meanwhile."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:100]}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb" if binary else "w", encoding=None if binary else "utf-8") as fh:
            yield fh, tmp
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def atomic_write(path: Path, data: bytes | str, mode: int = 0o644) -> None:
    """Write `data` to `path` atomically (temp file in the same folder, fsync, os.replace)."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with atomic_writer(path, mode=mode) as fh:
        fh.write(payload)


# --- A user's `-o PATH`: the one check and the one writer (cli-contract.md: an existing path
# is refused; --force replaces only a regular file and never follows a symlink). ---

_AT_FDCWD = -100
_RENAME_NOREPLACE = 1
_RENAME_EXCHANGE = 2


def _renameat2(src: str | Path, dst: str | Path, flags: int) -> bool:
    """Linux renameat2(2); False where the system or the file system lacks it."""
    import ctypes
    import errno

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if fn(_AT_FDCWD, os.fsencode(src), _AT_FDCWD, os.fsencode(dst), flags) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), os.fsdecode(dst))


def rename_noreplace(src: str | Path, dst: str | Path) -> None:
    """Rename `src` to `dst`, failing with FileExistsError if anything is at `dst`.

    Atomic (renameat2 RENAME_NOREPLACE, else a hard link for files), so nothing that
    appears at `dst` between a check and the rename is ever replaced.
    """
    if _renameat2(src, dst, _RENAME_NOREPLACE):
        return
    if Path(src).is_dir():
        # No atomic way left for a folder: rename fails onto a file or a non-empty folder.
        if os.path.lexists(dst):
            raise FileExistsError(17, "File exists", os.fsdecode(dst))
        Path(src).rename(dst)
        return
    os.link(src, dst)
    os.unlink(src)


def _output_usage(what: str, why: str, hint: str) -> Exception:
    from contractvault.errors import UsageError

    return UsageError(what, why, hint)


def _kind(st: os.stat_result) -> str:
    """What a non-regular file is, in words."""
    import stat

    if stat.S_ISLNK(st.st_mode):
        return "a symbolic link"
    if stat.S_ISDIR(st.st_mode):
        return "a folder"
    if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
        return "a device"
    if stat.S_ISFIFO(st.st_mode):
        return "a named pipe"
    if stat.S_ISSOCK(st.st_mode):
        return "a socket"
    return "not a regular file"


def _output_path(path: str | Path, noun: str) -> Path:
    if str(path) == "" or (isinstance(path, str) and not path.strip()):
        raise _output_usage("the output path is empty", f"an export needs the name of a {noun}",
                            f"Name a new {noun}")
    return Path(path).expanduser().absolute()


def _lstat_output(out: Path, noun: str) -> os.stat_result | None:
    """What is at an output path now (never following a link), or None when nothing is."""
    from contractvault.errors import echo

    try:
        return os.lstat(out)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise _output_usage(f"cannot use {echo(out)}", exc.strerror or type(exc).__name__,
                            f"Name a new {noun}") from None


def _check_folder_of(path: Path) -> None:
    """The folder an output is written in must exist and take a new file."""
    from contractvault.errors import echo

    parent = path.parent
    if not parent.is_dir():
        what = (f"the folder {echo(parent)} does not exist" if not os.path.lexists(parent)
                else f"{echo(parent)} is not a folder")
        raise _output_usage(what, f"cannot write {echo(path.name)} there",
                            "Create the folder first, or name a file in another one")
    # Try it: as root os.access says yes to everything, and a read-only mount says no only here.
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:100]}.", suffix=".tmp", dir=parent)
    except OSError as exc:
        raise _output_usage(f"cannot write in {echo(parent)}", exc.strerror or type(exc).__name__,
                            "Name a file in a folder you may write to") from None
    os.close(fd)
    os.unlink(tmp)


def new_output_file(path: str | Path, force: bool = False) -> Path:
    """Check a `-o FILE` target, before any work is done; returns it as an absolute path.

    Refused (UsageError, exit 2), each with one line: an empty path; an existing path
    unless `force`; with `force` anything but a regular file (a symbolic link is never
    followed, a folder or device never replaced); a missing parent folder; a folder that
    takes no new file. Write it with `output_writer`, which checks again at the rename.
    """
    import stat

    from contractvault.errors import echo

    out = _output_path(path, "file")
    st = _lstat_output(out, "file")
    if st is not None:
        if not stat.S_ISREG(st.st_mode):
            kind = _kind(st)
            hint = ("Name a file inside it, e.g. " + echo(out / "export") if kind == "a folder"
                    else "Name a new file")
            raise _output_usage(f"{echo(out)} is {kind}",
                                "an export writes only a new file, or with --force replaces a "
                                "regular file", hint)
        if not force:
            raise _output_usage(f"{echo(out)} already exists", "an export never overwrites anything",
                                "Name a new file, or add --force to replace it")
    _check_folder_of(out)
    return out


def _commit_output(tmp: str, out: Path, force: bool) -> None:
    """Move the finished temp file to `out`: never over anything unless `force`, and then
    only over a regular file (what is there is checked atomically where the system can)."""
    import stat

    from contractvault.errors import echo

    try:
        rename_noreplace(tmp, out)
        return
    except FileExistsError:
        if not force:
            raise _output_usage(f"{echo(out)} already exists", "it appeared while the export "
                                "was written; an export never overwrites anything",
                                "Name a new file, or add --force to replace it") from None
    # --force: swap the two atomically, then look at what was there; put back all but a file.
    if _renameat2(tmp, out, _RENAME_EXCHANGE):
        st = os.lstat(tmp)
        if stat.S_ISREG(st.st_mode):
            os.unlink(tmp)
            return
        try:
            _renameat2(tmp, out, _RENAME_EXCHANGE)  # put it back; our file is at tmp again
        except OSError:
            # Never let the temp-file clean-up delete what was there: park it under a name
            # of its own and say where.
            kept = f"{tmp}.kept"
            Path(tmp).rename(kept)
            raise _output_usage(f"{echo(out)} was {_kind(st)} and could not be put back",
                                f"it is now at {kept}", "Move it back by hand") from None
    else:
        try:
            st = os.lstat(out)
        except FileNotFoundError:  # gone meanwhile: the name is free again
            rename_noreplace(tmp, out)
            return
        if stat.S_ISREG(st.st_mode):
            os.replace(tmp, out)  # a small window remains where renameat2 is missing
            return
    raise _output_usage(f"{echo(out)} is {_kind(st)}", "--force replaces only a regular file",
                        "Name a new file")


@contextlib.contextmanager
def output_writer(path: str | Path, force: bool = False, mode: int = 0o644,
                  binary: bool = True) -> Iterator[IO[Any]]:
    """Write a user's `-o FILE`: checked by `new_output_file`, written to a temp file beside
    it, fsynced, and renamed into place without ever replacing anything that is not a
    regular file (and nothing at all unless `force`). On any failure nothing is left."""
    out = new_output_file(path, force)
    with _temp_beside(out, mode, binary) as (fh, tmp):
        yield fh
        fh.flush()
        os.fsync(fh.fileno())
        fh.close()
        os.chmod(tmp, mode)
        _commit_output(tmp, out, force)
    fsync_dir(out.parent)


def write_output(path: str | Path, data: bytes | str, force: bool = False) -> Path:
    """Write `data` to a user's `-o FILE` with `output_writer`; returns the absolute path."""
    out = new_output_file(path, force)
    with output_writer(out, force) as fh:
        fh.write(data.encode("utf-8") if isinstance(data, str) else data)
    return out


def new_output_dir(path: str | Path) -> Path:
    """Check a `-o FOLDER` target: a new folder (cli-contract: an existing path is refused).

    Refused (exit 2): an empty path, a symbolic link, a file or device, any existing
    folder (even an empty one), a missing parent folder, a folder that takes nothing new.
    There is no --force: a folder is never replaced. Build it with `atomic_folder`.
    """
    import stat

    from contractvault.errors import echo

    out = _output_path(path, "folder")
    st = _lstat_output(out, "folder")
    if st is not None:
        what = ("already exists" if stat.S_ISDIR(st.st_mode)
                else f"is {'a file' if stat.S_ISREG(st.st_mode) else _kind(st)}")
        raise _output_usage(f"{echo(out)} {what}", "an export writes only a new folder",
                            "Name a new folder")
    _check_folder_of(out)
    return out


@contextlib.contextmanager
def atomic_folder(path: Path) -> Iterator[Path]:
    """Build a folder beside `path`, then fsync it and rename it into place.

    The folder counterpart of `output_writer` (checked by `new_output_dir`): a crash leaves either no folder or a
    complete one (plus a `.<name>.*.tmp` leftover, never the half-built folder at `path`).
    """
    path = new_output_dir(path)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name[:100]}.", suffix=".tmp", dir=path.parent))
    try:
        yield tmp
        for p in tmp.rglob("*"):
            if p.is_file():
                with open(p, "rb") as fh:
                    os.fsync(fh.fileno())
        try:
            rename_noreplace(tmp, path)
        except OSError as exc:
            if not os.path.lexists(path):
                raise
            from contractvault.errors import echo

            raise _output_usage(f"{echo(path)} already exists", "it appeared while the export "
                                "was written; an export never overwrites anything",
                                "Name a new folder") from exc
        fsync_dir(path.parent)
    except BaseException:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
        raise
