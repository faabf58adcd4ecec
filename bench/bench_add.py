"""`add` throughput against pypdf's own text extraction on the same files, same run.

Prints files per second for `contractvault add` (extract, store, seal, index) and for bare
pypdf extraction, their ratio (goal: add takes at most twice pypdf's time), and where add's
time goes: waiting for extraction (which runs in worker processes), storing and sealing
(blob copy, database rows, signature, ledger and checkpoint writes with their fsyncs),
and indexing (one index writer per batch of files).

    python bench/bench_add.py [N_FILES]
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from pypdf import PdfReader  # noqa: E402
from support.pdfgen import agreement_pages, write_pdf  # noqa: E402

from contractvault.evidence import ingest, sealing  # noqa: E402
from contractvault.vault import Vault  # noqa: E402

SPENT: dict[str, float] = defaultdict(float)


def timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            SPENT[name] += time.perf_counter() - t0

    return wrapper


def timed_iter(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    """Time spent waiting on a generator (extraction results from the worker pool)."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        it = iter(fn(*args, **kwargs))
        while True:
            t0 = time.perf_counter()
            try:
                item = next(it)
            except StopIteration:
                SPENT[name] += time.perf_counter() - t0
                return
            SPENT[name] += time.perf_counter() - t0
            yield item

    return wrapper


def bare_pypdf(files: list[Path]) -> float:
    start = time.perf_counter()
    for f in files:
        for page in PdfReader(f).pages:
            page.extract_text()
    return time.perf_counter() - start


def contractvault_add(files: list[Path], work: Path, run: int) -> float:
    with Vault.create(work / f"vault-{run}", lambda: "bench") as vault:
        start = time.perf_counter()
        result = ingest.add_files(vault, files, doc_type="huvudavtal", new_title="Bench")
        elapsed = time.perf_counter() - start
    assert len(result.document_ids) == len(files), result.errors
    return elapsed


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    runs = 3
    ingest.extract_all = timed_iter("waiting for extraction", ingest.extract_all)
    Vault.seal_many = timed("store + seal", Vault.seal_many)  # type: ignore[method-assign]
    sealing.index_sealed = timed("index", sealing.index_sealed)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        src = work / "pdfs"
        src.mkdir()
        files = [write_pdf(src / f"a{i:04d}.pdf", agreement_pages(i, 5)) for i in range(n)]
        bare, full = [], []
        for run in range(runs):
            bare.append(bare_pypdf(files))
            full.append(contractvault_add(files, work, run))
        b, f = statistics.median(bare), statistics.median(full)
        print(f"files: {n} PDFs of 5 pages, cores: {os.cpu_count()}, {runs} runs (medians)")
        print(f"pypdf extraction only : {n / b:8.1f} files/s ({b:.2f} s)")
        print(f"contractvault add     : {n / f:8.1f} files/s ({f:.2f} s) "
              "(extract on all cores, store, seal, index)")
        print(f"ratio add/pypdf time  : {f / b:.2f}  (goal <= 2)")
        total = sum(full)
        print("where add's time goes (all runs):")
        for name, spent in SPENT.items():
            print(f"  {name:24} {spent / runs:6.2f} s per run  {100 * spent / total:5.1f} %")
        other = total - sum(SPENT.values())
        print(f"  {'other':24} {other / runs:6.2f} s per run  {100 * other / total:5.1f} %")


if __name__ == "__main__":
    main()
