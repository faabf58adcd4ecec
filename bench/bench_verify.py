"""Benchmark: `verify` throughput against plain hashlib SHA-256 over the same blobs.

Builds a vault with N sealed records of random blobs (default 200 x 1 MiB, about 200 MB),
then times, in the same run and with the page cache warm for both:
  - baseline: hashlib SHA-256 over every blob file, one after the other;
  - verify:   contractvault.evidence.verify.verify(vault), which also checks every signature, the
              chain, the checkpoints and the database rows.
Prints both throughputs and their ratio (goal: >= 0.7). Run:
    PYTHONPATH=. python bench/bench_verify.py [--blobs 200] [--mib 1.0] [--rounds 3]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import tempfile
import time
from pathlib import Path

from contractvault.evidence.verify import verify
from contractvault.util import sha256_hex
from contractvault.vault import ArtifactSpec, Subject, Vault


def build(root: Path, blobs: int, size: int) -> list[Path]:
    vault = Vault.create(root, lambda: "bench passphrase", db_url="")
    paths = []
    try:
        for i in range(blobs):
            data = os.urandom(size)
            digest = sha256_hex(data)
            vault.blobs.put_bytes(data, digest)
            paths.append(vault.blobs.path_for(digest))
            vault.seal(kind="bench", artifacts=[ArtifactSpec(f"blob-{i}.bin", "application/octet-stream",
                                                             digest, size)],
                       context={"n": i}, build_rows=lambda _s: Subject())
    finally:
        vault.close()
    return paths


def baseline(paths: list[Path]) -> float:
    start = time.perf_counter()
    for p in paths:
        with open(p, "rb") as fh:
            hashlib.file_digest(fh, "sha256").hexdigest()
    return time.perf_counter() - start


def run_verify(root: Path) -> float:
    vault = Vault.open(root, db_url="")
    try:
        start = time.perf_counter()
        report = verify(vault)
        took = time.perf_counter() - start
    finally:
        vault.close()
    if not report.ok:
        raise SystemExit(f"verify failed on the benchmark vault: {report.failures[:3]}")
    return took


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--blobs", type=int, default=200)
    ap.add_argument("--mib", type=float, default=1.0, help="size of each blob in MiB")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    size = int(args.mib * (1 << 20))
    work = Path(tempfile.mkdtemp(prefix="cv-bench-verify-"))
    try:
        t0 = time.perf_counter()
        paths = build(work / "vault", args.blobs, size)
        total = sum(p.stat().st_size for p in paths)
        print(f"built {args.blobs} records, {total / 1e6:.0f} MB of blobs in "
              f"{time.perf_counter() - t0:.1f} s; cores: {os.cpu_count()}")
        baseline(paths)  # warm the page cache so both sides read from memory
        base_times, verify_times = [], []
        for _ in range(args.rounds):
            base_times.append(baseline(paths))
            verify_times.append(run_verify(work / "vault"))
        b, v = min(base_times), min(verify_times)
        print(f"hashlib sha256 (sequential): {total / b / 1e6:8.1f} MB/s  ({b:.3f} s)")
        print(f"contractvault verify:        {total / v / 1e6:8.1f} MB/s  ({v:.3f} s)")
        print(f"ratio verify/hashlib: {b / v:.2f}  (goal >= 0.70)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
