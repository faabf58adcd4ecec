"""A bulk add seals the PAdES copy of every PDF in its worker processes: each record names
a sealed copy that is in the blob store, begins with the original's bytes and passes
poppler's pdfsig; nothing staged is left behind, also for files that are skipped."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from support.pdfgen import agreement_pages, write_pdf

from contractvault.evidence.ingest import POOL_THRESHOLD, add_files
from contractvault.vault import Vault


def test_every_pdf_of_a_bulk_add_gets_a_sealed_copy_that_pdfsig_accepts(vault: Vault,
                                                                         tmp_path: Path) -> None:
    if shutil.which("pdfsig") is None:
        pytest.fail("pdfsig is missing: apt-get install poppler-utils (./dev test installs it)")
    files = [write_pdf(tmp_path / f"avtal-{i}.pdf", agreement_pages(i, 2))
             for i in range(POOL_THRESHOLD + 2)]  # enough for the worker pool
    notes = tmp_path / "noter.txt"
    notes.write_text("1. Avtalstid\nAvtalet gäller i två år.\n", encoding="utf-8")
    result = add_files(vault, [*files, notes], doc_type="huvudavtal", new_title="Bulk")
    assert not result.errors and len(result.document_ids) == len(files) + 1, result.as_dict()
    records = {e.record["context"]["source_name"]: e.record for e in vault.ledger.entries()
               if e.record["kind"] == "add"}
    for f in files:
        record = records[f.name]
        sealed = next(a for a in record["artifacts"] if a["name"] == f"{f.stem}.sealed.pdf")
        data = vault.blobs.open(sealed["sha256"]).read_bytes()
        assert len(data) == sealed["size"]
        assert data.startswith(f.read_bytes())  # the original is the signed prefix
        assert record["context"]["pdf_seal"]["signer"].startswith("ContractVault seal")
        copy = tmp_path / f"check-{f.name}"
        copy.write_bytes(data)
        out = subprocess.run(["pdfsig", str(copy)], capture_output=True, text=True).stdout
        assert "Signature is Valid." in out and "Total document signed" in out, out
    # A text file has no sealed copy and claims none.
    assert [a["name"] for a in records["noter.txt"]["artifacts"]] == ["noter.txt"]
    assert "pdf_seal" not in records["noter.txt"]["context"]
    # The same files again: all skipped, and their freshly sealed copies are not kept.
    blobs_before = set(vault.blobs)
    again = add_files(vault, files, doc_type="huvudavtal", contract=result.contract_id)
    assert again.document_ids == [] and len(again.warnings) == len(files)
    assert set(vault.blobs) == blobs_before
    assert vault.blobs.temp_files() == []
    assert not any(vault.paths.tmp.glob("add-*")), list(vault.paths.tmp.iterdir())
