"""`add` throughput against pypdf's own text extraction on the same files, same run.

Prints files per second for `contractvault add` (extract, store, seal, index) and for
bare pypdf extraction, and their ratio. Usage: python bench/bench_add.py [N_FILES]
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from pypdf import PdfReader  # noqa: E402
from support.pdfgen import agreement_pages, write_pdf  # noqa: E402

from contractvault.evidence.ingest import add_files  # noqa: E402
from contractvault.vault import Vault  # noqa: E402


def bare_pypdf(files: list[Path]) -> float:
    start = time.perf_counter()
    for f in files:
        for page in PdfReader(f).pages:
            page.extract_text()
    return time.perf_counter() - start


def contractvault_add(files: list[Path], work: Path, run: int) -> float:
    with Vault.create(work / f"vault-{run}", lambda: "bench") as vault:
        start = time.perf_counter()
        result = add_files(vault, files, doc_type="huvudavtal", new_title="Bench")
        elapsed = time.perf_counter() - start
    assert len(result.document_ids) == len(files), result.errors
    return elapsed


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        src = work / "pdfs"
        src.mkdir()
        files = [write_pdf(src / f"a{i:04d}.pdf", agreement_pages(i, 5)) for i in range(n)]
        bare, full = [], []
        for run in range(3):
            bare.append(bare_pypdf(files))
            full.append(contractvault_add(files, work, run))
        b, f = statistics.median(bare), statistics.median(full)
        print(f"files: {n} PDFs of 5 pages, cores: {os.cpu_count()}")
        print(f"pypdf extraction only : {n / b:8.1f} files/s ({b:.2f} s)")
        print(f"contractvault add     : {n / f:8.1f} files/s ({f:.2f} s) "
              "(extract on all cores, store, seal, index)")
        print(f"ratio add/pypdf time  : {f / b:.2f}")


if __name__ == "__main__":
    main()
