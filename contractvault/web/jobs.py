"""Long jobs (verify the whole vault, reindex, recheck, exports) in the background.

One job runs at a time (the machine has few cores and these jobs are heavy), each with a
vault of its own. A job's page shows its progress and refreshes itself without script
(<meta http-equiv="refresh">); only the user who started a job sees it.
"""

from __future__ import annotations

import logging
import secrets
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from contractvault.access.users import UserInfo
from contractvault.errors import ContractVaultError
from contractvault.util import iso_utc, utc_now
from contractvault.vault import Vault

if TYPE_CHECKING:
    from contractvault.web.app import VaultPool

log = logging.getLogger("contractvault.web")
MAX_KEPT = 200  # finished jobs kept in memory (oldest dropped first)
# A document page shows a seal check made this recently instead of starting another.
FRESH_SECONDS = 60.0


@dataclass
class JobOutput:
    """What a job hands back: data to show and, for exports, a file to download."""

    data: dict[str, Any]
    file: Path | None = None
    filename: str | None = None
    media_type: str = "application/zip"


JobFn = Callable[[Vault, Path, Callable[[int, int], None]], JobOutput]


@dataclass
class Job:
    """A job and how far it has come."""

    id: str
    kind: str
    title: str
    owner_id: int
    status: str = "queued"  # queued | running | done | failed
    done: int = 0
    total: int = 0
    created_at: str = field(default_factory=lambda: iso_utc(utc_now()))
    started: float = field(default_factory=time.monotonic)
    finished_at: str | None = None
    error: str | None = None
    output: JobOutput | None = None

    @property
    def percent(self) -> int | None:
        if self.total <= 0:
            return None
        return min(100, int(100 * self.done / self.total))

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")

    def as_dict(self) -> dict[str, Any]:
        return {"job_id": self.id, "kind": self.kind, "title": self.title,
                "status": self.status, "done": self.done, "total": self.total,
                "percent": self.percent, "created_at": self.created_at,
                "finished_at": self.finished_at, "error": self.error,
                "result": self.output.data if self.output else None,
                "download": bool(self.output and self.output.file)}


class JobRunner:
    """Runs jobs one at a time in a worker thread."""

    def __init__(self, pool: VaultPool, work_dir: Path | None = None) -> None:
        self.pool = pool
        base = work_dir or (pool.config.vault_path / "tmp")
        base.mkdir(parents=True, exist_ok=True)
        # Export files wait here for their download; the folder goes when the server stops.
        self.work = Path(tempfile.mkdtemp(prefix="web-jobs-", dir=base))
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cv-job")
        # Seal checks of single documents have a lane of their own, so that a page never
        # waits behind a long export or a whole-vault verify.
        self._quick = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cv-seal")
        self._seal_checks: dict[tuple[int, str], Job] = {}

    def submit(self, user: UserInfo, kind: str, title: str, fn: JobFn, *,
               quick: bool = False) -> Job:
        """Queue `fn` to run with a vault of its own, `user` acting."""
        job = Job(id=secrets.token_urlsafe(12), kind=kind, title=title, owner_id=user.id)
        with self._lock:
            self._jobs[job.id] = job
            if len(self._jobs) > MAX_KEPT:
                for old in [j for j in self._jobs.values() if j.finished][: len(self._jobs) - MAX_KEPT]:
                    self._drop(old)
        (self._quick if quick else self._pool).submit(self._run, job, user, fn)
        return job

    def seal_check(self, user: UserInfo, ref: str, fn: JobFn) -> Job:
        """The user's latest check of document `ref` if it is running or fresh, else a new one.

        Verifying a document also checks the whole chain and every checkpoint, which takes
        seconds in a large vault: the page shows the check as it runs, then its result.
        """
        key = (user.id, ref)
        with self._lock:
            job = self._seal_checks.get(key)
        if job is not None and job.id in self._jobs and (
                not job.finished or time.monotonic() - job.started < FRESH_SECONDS):
            return job
        job = self.submit(user, "verify-document", f"Verify {ref}", fn, quick=True)
        with self._lock:
            self._seal_checks[key] = job
        return job

    def _run(self, job: Job, user: UserInfo, fn: JobFn) -> None:
        job.status = "running"
        folder = self.work / job.id
        folder.mkdir()

        def progress(done: int, total: int) -> None:
            job.done, job.total = done, total

        try:
            vault = self.pool.open()
            try:
                vault.user = user.name
                job.output = fn(vault, folder, progress)
            finally:
                vault.close()
            job.status = "done"
        except ContractVaultError as exc:
            job.error = exc.message
            job.status = "failed"
        except Exception as exc:  # noqa: BLE001 - a job's failure is shown on its page
            log.exception("job %s (%s) failed", job.id, job.kind)
            job.error = f"unexpected failure: {type(exc).__name__}"
            job.status = "failed"
        finally:
            job.finished_at = iso_utc(utc_now())

    def get(self, job_id: str, user: UserInfo) -> Job | None:
        """The job, if `user` started it."""
        with self._lock:
            job = self._jobs.get(job_id)
        return job if job is not None and job.owner_id == user.id else None

    def of(self, user: UserInfo) -> list[Job]:
        """The user's jobs, newest first."""
        with self._lock:
            jobs = [j for j in self._jobs.values() if j.owner_id == user.id]
        return sorted(jobs, key=lambda j: j.created_at, reverse=True)

    def _drop(self, job: Job) -> None:
        self._jobs.pop(job.id, None)
        shutil.rmtree(self.work / job.id, ignore_errors=True)

    def wait_idle(self, timeout: float = 600) -> None:
        """Block until queued jobs are done (tests and shutdown)."""
        self._pool.submit(lambda: None).result(timeout=timeout)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._quick.shutdown(wait=False, cancel_futures=True)
        shutil.rmtree(self.work, ignore_errors=True)
