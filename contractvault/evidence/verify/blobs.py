"""Pass 4: every referenced blob re-hashed once, in worker threads."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from contractvault.evidence.verify.state import _HEX64, VerifierState, _hash_blob, _Hashed


class BlobChecks(VerifierState):
    """Pass 4: every referenced blob re-hashed once, in worker threads."""

    def start_blobs(self, refs: dict[str, set[str]], pool: ThreadPoolExecutor) -> list[Future[_Hashed]]:
        """Start hashing each referenced blob once, in worker threads (hashlib releases the
        GIL), so the signature and database checks run while the disk and cores hash."""
        jobs: list[tuple[str, Path, int]] = []
        for sha in sorted(refs):
            if not _HEX64.match(sha):
                for rid in sorted(refs[sha]):
                    self.fail(rid, "blob", f"'{sha[:70]}' is not a SHA-256 hash")
                continue
            path = self.vault.blobs.path_for(sha)
            try:
                size = path.stat().st_size
            except OSError:
                for rid in sorted(refs[sha]):
                    self.fail(rid, "blob", f"blob {sha[:16]}… is missing from the blob store")
                continue
            jobs.append((sha, path, size))
        jobs.sort(key=lambda t: -t[2])  # largest first: the threads finish together
        return [pool.submit(_hash_blob, sha, path, size) for sha, path, size in jobs]

    def finish_blobs(self, refs: dict[str, set[str]], sizes: dict[str, set[int]],
                     futures: list[Future[_Hashed]]) -> int:
        """Collect the hashes; returns the bytes hashed."""
        total_bytes = 0
        self.tick(len(refs) - len(futures))  # the malformed and missing ones
        for fut in futures:
            sha, got, size = fut.result()
            total_bytes += size
            if got is None:
                for rid in sorted(refs[sha]):
                    self.fail(rid, "blob", f"blob {sha[:16]}… cannot be read")
            elif got != sha:
                for rid in sorted(refs[sha]):
                    self.fail(rid, "blob", f"blob {sha[:16]}… was changed: its content now "
                              f"hashes to {got[:16]}…")
            elif sizes.get(sha) and sizes[sha] != {size}:
                for rid in sorted(refs[sha]):
                    self.fail(rid, "blob", f"blob {sha[:16]}… has {size} bytes, the record "
                              f"says {sorted(sizes[sha])}")
            self.tick()
        return total_bytes
