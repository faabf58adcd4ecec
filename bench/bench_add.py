"""`add` throughput against pypdf's own text extraction on the same files, same run.

Prints files per second for `contractvault add` (extract, store, seal, PAdES-sealed copy,
index) and for bare pypdf extraction (one process), their ratio (goal: add takes at most
twice pypdf's time), the same ratio for an add without the PAdES copies (the vault's seal
certificate hidden for that run), and where add's time goes: the worker processes
(copy and hash each file, extract its text, seal its PAdES copy: CPU seconds), waiting for
them, storing and sealing (blob renames, database rows, ledger signature, ledger and
checkpoint writes with their fsyncs) and indexing (one index writer per batch). A serial
PAdES pass over the same files gives the seal's own cost per file.

Runs alternate (pypdf, add, add without PAdES) so that load from other processes falls on
all three alike; the figures are medians.

    python bench/bench_add.py [N_FILES] [--runs N]
"""

from __future__ import annotations

import argparse
import os
import resource
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

from contractvault.evidence import ingest, pades  # noqa: E402
from contractvault.vault import Vault  # noqa: E402

SPENT: dict[str, list[float]] = defaultdict(list)
_run: dict[str, float] = defaultdict(float)


def timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            _run[name] += time.perf_counter() - t0

    return wrapper


def timed_iter(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    """Time spent waiting on a generator (results from the worker pool)."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        it = iter(fn(*args, **kwargs))
        while True:
            t0 = time.perf_counter()
            try:
                item = next(it)
            except StopIteration:
                _run[name] += time.perf_counter() - t0
                return
            _run[name] += time.perf_counter() - t0
            yield item

    return wrapper


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def bare_pypdf(files: list[Path]) -> float:
    start = time.perf_counter()
    cpu = time.process_time()
    for f in files:
        for page in PdfReader(f).pages:
            page.extract_text()
    SPENT["pypdf CPU"].append(time.process_time() - cpu)
    return time.perf_counter() - start


def contractvault_add(files: list[Path], root: Path, *, with_pades: bool) -> float:
    real_of = pades.SealMaterial.of
    with Vault.create(root, lambda: "bench") as vault:
        if not with_pades:
            ingest.SealMaterial.of = classmethod(lambda cls, vault, reason: None)  # type: ignore[method-assign,assignment]
        _run.clear()
        cpu0 = children_cpu()
        main0 = time.process_time()
        start = time.perf_counter()
        try:
            result = ingest.add_files(vault, files, doc_type="huvudavtal", new_title="Bench")
        finally:
            ingest.SealMaterial.of = real_of  # type: ignore[method-assign]
        elapsed = time.perf_counter() - start
        if with_pades:
            for name, spent in _run.items():
                SPENT[name].append(spent)
            SPENT["worker processes (CPU s)"].append(children_cpu() - cpu0)
            SPENT["main process (CPU s)"].append(time.process_time() - main0)
            SPENT["total"].append(elapsed)
            SPENT["other"].append(elapsed - sum(_run.values()))
    assert len(result.document_ids) == len(files), result.errors
    return elapsed


def pades_alone(files: list[Path], root: Path) -> float:
    """CPU seconds per file of the PAdES copy alone, serially in this process."""
    with Vault.create(root, lambda: "bench") as vault:
        material = pades.SealMaterial.of(vault, reason="bench")
        assert material is not None
        pades.seal_staged(material, files[0].read_bytes(), files[0].name, root).copy.discard()  # type: ignore[union-attr]
        t0 = time.process_time()
        for f in files:
            staged = pades.seal_staged(material, f.read_bytes(), f.name, root)
            assert staged.copy is not None
            staged.copy.discard()
        return (time.process_time() - t0) / len(files)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", nargs="?", type=int, default=100, help="number of PDFs (5 pages each)")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    n, runs = args.n, args.runs
    ingest.extract_all = timed_iter("waiting for workers", ingest.extract_all)
    Vault.seal_many = timed("store + seal", Vault.seal_many)  # type: ignore[method-assign]
    ingest.index_sealed = timed("index", ingest.index_sealed)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        src = work / "pdfs"
        src.mkdir()
        files = [write_pdf(src / f"a{i:04d}.pdf", agreement_pages(i, 5)) for i in range(n)]
        # warm-up (imports, first pool) outside the figures
        contractvault_add(files[:8], work / "warm", with_pades=True)
        SPENT.clear()
        bare, full, plain = [], [], []
        for run in range(runs):
            bare.append(bare_pypdf(files))
            full.append(contractvault_add(files, work / f"vault-{run}", with_pades=True))
            plain.append(contractvault_add(files, work / f"plain-{run}", with_pades=False))
        seal_cpu = pades_alone(files, work / "pades")
        b, f, p = statistics.median(bare), statistics.median(full), statistics.median(plain)
        print(f"files: {n} PDFs of 5 pages, cores: {os.cpu_count()}, {runs} runs (medians), "
              f"load average {os.getloadavg()[0]:.1f}")
        print(f"pypdf extraction only    : {n / b:8.1f} files/s ({b:.2f} s)")
        print(f"contractvault add        : {n / f:8.1f} files/s ({f:.2f} s) "
              "(extract and PAdES-seal on all cores, store, seal, index)")
        print(f"add without PAdES copies : {n / p:8.1f} files/s ({p:.2f} s)")
        print(f"ratio add/pypdf time     : {f / b:.2f}  (goal <= 2); without PAdES {p / b:.2f}")
        print(f"PAdES copy alone         : {seal_cpu * 1000:.1f} ms CPU per file (serial)")
        total = statistics.median(SPENT.pop("total"))
        other = SPENT.pop("other")
        pypdf_cpu = statistics.median(SPENT.pop("pypdf CPU"))
        add_cpu = (statistics.median(SPENT["main process (CPU s)"])
                   + statistics.median(SPENT["worker processes (CPU s)"]))
        print(f"CPU seconds: add {add_cpu:.2f} (main + workers), pypdf {pypdf_cpu:.2f}: "
              f"ratio {add_cpu / pypdf_cpu:.2f}; on 2 idle cores add needs at least "
              f"{add_cpu / 2 / pypdf_cpu:.2f}x pypdf's time")
        print("where add's time goes (median s per run; main process unless noted):")
        for name, spent in SPENT.items():
            m = statistics.median(spent)
            share = "" if "CPU" in name else f"{100 * m / total:5.1f} %"
            print(f"  {name:26} {m:6.2f} s  {share}")
        rest = statistics.median(other)
        print(f"  {'other':26} {rest:6.2f} s  {100 * rest / total:5.1f} %")


if __name__ == "__main__":
    main()
