"""The clause index on disk: generations, the one write lock, and the rebuild journal.

Layout under the index folder::

    CURRENT                 name of the live generation (replaced atomically)
    STRUCTURE               file lock: held while a generation is created or swapped
                            (so at most one rebuild runs at a time)
    WRITE                   file lock: THE lock of every writer. add, remove and metadata
                            updates hold it while they write; a rebuild holds it only to
                            start, and at the end to replay the journal and swap
    REBUILDING              present while a rebuild runs: the generation being built
    journal-<gen>.jsonl     the changes writers made while that rebuild ran
    gen-<time>-<pid>-<rand>/  a complete Whoosh index and its ``schema_version.json``

A rebuild reads its source while writers go on writing to the live generation. Every
change made meanwhile is also appended to the journal (before it is committed), and the
rebuild replays the journal into the new generation under the write lock, just before it
swaps ``CURRENT``. Writers read ``CURRENT`` only under the write lock, so no change lands
in a generation that is about to be replaced, and none is lost: a clause made secret
while ``reindex`` ran is secret in the new generation too.

Locks are ``flock`` locks (Whoosh's FileStorage): a killed process releases them. A
``REBUILDING`` marker left by a killed rebuild is noticed by the next writer (the
structure lock is free) and removed.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from whoosh import index as windex
from whoosh.filedb.filestore import FileStorage

from index.errors import IndexUnavailable

POINTER = "CURRENT"
MARKER = "schema_version.json"
STRUCTURE_LOCK = "STRUCTURE"
WRITE_LOCK = "WRITE"
REBUILDING = "REBUILDING"


class Generations:
    """The generations of one index folder and the locks that guard them.

    ``schema_version`` is written into every new generation; a live generation of another
    version is reported by :meth:`problem`. ``make_schema`` returns the Whoosh schema of
    a new generation.
    """

    LOCK_TIMEOUT: float = 60.0  # seconds a writer waits for a lock in total
    LOCK_BASE_DELAY: float = 0.01
    LOCK_MAX_DELAY: float = 0.5

    def __init__(self, path: Path, schema_version: int, make_schema: Callable[[], Any]) -> None:
        self.path = Path(path)
        self.schema_version = schema_version
        self.make_schema = make_schema

    # -- the live generation -------------------------------------------------------------

    def live(self) -> str | None:
        """The name of the live generation, or None when there is none (or it is gone)."""
        try:
            name = (self.path / POINTER).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        if not name or not (self.path / name).is_dir():
            return None
        return name

    def version(self, gen: str) -> int | None:
        """The schema version recorded in a generation (None when unreadable)."""
        try:
            data = json.loads((self.path / gen / MARKER).read_text(encoding="utf-8"))
            return int(data["schema_version"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def problem(self) -> str | None:
        """Why the live generation cannot be used as it is, or None when it looks fine."""
        gen = self.live()
        if gen is None:
            return "missing"
        version = self.version(gen)
        if version != self.schema_version:
            return f"schema version {version}, expected {self.schema_version}"
        return None

    def open(self, gen: str) -> Any:
        """Open a generation's Whoosh index."""
        return windex.open_dir(str(self.path / gen))

    def create_empty(self) -> str:
        """Make an empty generation live unless one already is (under the structure lock)."""
        with self.structure_lock():
            gen = self.live()
            if gen is None:
                gen, ix = self.new()
                ix.close()
                self.publish(gen)
            return gen

    # -- building and swapping -----------------------------------------------------------

    def new(self) -> tuple[str, Any]:
        """Create an empty index in a fresh sibling folder (not yet live)."""
        self.path.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%dT%H%M%S")
        gen = f"gen-{stamp}-{os.getpid()}-{random.randrange(16**6):06x}"
        folder = self.building(gen)
        folder.mkdir()
        ix = windex.create_in(str(folder), self.make_schema())
        (folder / MARKER).write_text(
            json.dumps({"schema_version": self.schema_version}), encoding="utf-8"
        )
        return gen, ix

    def building(self, gen: str) -> Path:
        """The folder of a generation that is being built."""
        return self.path / (gen + ".tmp")

    def publish(self, gen: str) -> None:
        """Make ``gen`` live: rename its folder, then replace the pointer atomically."""
        self.building(gen).replace(self.path / gen)
        tmp_pointer = self.path / f"{POINTER}.{os.getpid()}.tmp"
        tmp_pointer.write_text(gen, encoding="utf-8")
        tmp_pointer.replace(self.path / POINTER)

    def discard(self, gen: str) -> None:
        """Remove a generation that was being built and will not be published."""
        shutil.rmtree(self.building(gen), ignore_errors=True)

    def cleanup(self, keep: set[str]) -> None:
        """Remove generations other than ``keep`` (and folders of dead builds)."""
        building = self.rebuilding()
        for entry in self.path.iterdir():
            if not entry.is_dir() or not entry.name.startswith("gen-") or entry.name in keep:
                continue
            if building is not None and entry.name == building + ".tmp":
                continue  # another process's rebuild (only possible without the lock held)
            shutil.rmtree(entry, ignore_errors=True)

    # -- locks ---------------------------------------------------------------------------

    def backoff(self, what: str) -> Iterator[int]:
        """Attempt numbers, sleeping with exponential backoff and jitter in between."""
        deadline = time.monotonic() + self.LOCK_TIMEOUT
        attempt = 0
        while True:
            yield attempt
            attempt += 1
            if time.monotonic() >= deadline:
                raise IndexUnavailable(
                    f"could not get the {what} of the clause index at {self.path} after "
                    f"{attempt} attempts in {self.LOCK_TIMEOUT:.0f} s; another process is "
                    "writing to it. Try again later."
                )
            delay = min(self.LOCK_MAX_DELAY, self.LOCK_BASE_DELAY * 2 ** min(attempt, 16))
            time.sleep(delay * (0.5 + random.random()))

    def _lock(self, name: str) -> Any:
        self.path.mkdir(parents=True, exist_ok=True)
        return FileStorage(str(self.path)).lock(name)

    @contextlib.contextmanager
    def _held(self, name: str, what: str) -> Iterator[None]:
        lock = self._lock(name)
        for _ in self.backoff(what):
            if lock.acquire():
                break
        try:
            yield
        finally:
            lock.release()

    def structure_lock(self) -> contextlib.AbstractContextManager[None]:
        """Held while a generation is created or swapped (one rebuild at a time)."""
        return self._held(STRUCTURE_LOCK, "structure lock")

    def write_lock(self) -> contextlib.AbstractContextManager[None]:
        """The one lock of every writer of the index (see the module docstring)."""
        return self._held(WRITE_LOCK, "write lock")

    # -- the rebuild journal -------------------------------------------------------------

    def rebuilding(self) -> str | None:
        """The generation a running rebuild is building, or None."""
        try:
            return json.loads((self.path / REBUILDING).read_text(encoding="utf-8"))["gen"]
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _journal(self, gen: str) -> Path:
        return self.path / f"journal-{gen}.jsonl"

    def start_journal(self, gen: str) -> None:
        """Mark ``gen`` as being rebuilt; from now on writers journal their changes.
        Call under the write lock and the structure lock."""
        for stale in self.path.glob("journal-*.jsonl"):
            stale.unlink(missing_ok=True)
        self._journal(gen).write_text("", encoding="utf-8")
        tmp = self.path / f"{REBUILDING}.{os.getpid()}.tmp"
        tmp.write_text(json.dumps({"gen": gen, "pid": os.getpid()}), encoding="utf-8")
        tmp.replace(self.path / REBUILDING)

    def end_journal(self, gen: str) -> None:
        """Stop journalling (the rebuild published or gave up). Call under the write lock."""
        if self.rebuilding() == gen:
            (self.path / REBUILDING).unlink(missing_ok=True)
        self._journal(gen).unlink(missing_ok=True)

    def journal(self, entry: dict[str, Any]) -> None:
        """Record a change for a running rebuild to replay (call under the write lock,
        before committing the change). Does nothing when no rebuild runs; removes the
        marker of a rebuild that died."""
        gen = self.rebuilding()
        if gen is None:
            return
        if self._rebuild_died():
            self.end_journal(gen)
            return
        line = json.dumps(entry, ensure_ascii=False) + "\n"
        with open(self._journal(gen), "a", encoding="utf-8") as f:
            f.write(line)
            f.flush()
            os.fsync(f.fileno())

    def journalled(self, gen: str) -> list[dict[str, Any]]:
        """The changes journalled while ``gen`` was rebuilt, in order."""
        try:
            text = self._journal(gen).read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        out = []
        for line in text.splitlines():
            if not line.strip():
                continue
            try:
                out.append(json.loads(line))
            except ValueError:
                break  # a torn last line of a writer killed mid-write: it never committed
        return out

    def _rebuild_died(self) -> bool:
        """True when no process holds the structure lock (so no rebuild is running)."""
        lock = self._lock(STRUCTURE_LOCK)
        if lock.acquire():
            lock.release()
            return True
        return False
