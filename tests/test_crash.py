"""Killing `add` with SIGKILL at random moments never leaves a half-stored vault."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlmodel import col, select
from support.pdfgen import agreement_pages, write_pdf

from contractvault.evidence.doctor import doctor
from contractvault.models import Document, DocumentPage, Evidence
from contractvault.storage.ledger import LedgerFile
from contractvault.vault import Vault

pytestmark = [pytest.mark.slow, pytest.mark.db]


def _assert_consistent(root: Path) -> int:
    """The vault opens, lists only complete documents, and ledger and database agree."""
    with Vault.open(root) as vault:
        with vault.session() as s:
            docs = s.exec(select(Document)).all()
            for d in docs:
                assert d.evidence_seq is not None, f"D-{d.id} has no evidence record"
                assert vault.blobs.has(d.blob_sha256), f"D-{d.id} has no blob"
                pages = s.exec(select(DocumentPage).where(DocumentPage.document_id == d.id)).all()
                assert len(pages) == d.page_count
            seqs = s.exec(select(Evidence.seq).order_by(col(Evidence.seq))).all()
        ledger = list(LedgerFile(vault.paths.ledger).entries())
        assert all(not isinstance(e, ValueError) for e in ledger), "torn ledger line left behind"
        assert [e.seq for e in ledger] == list(seqs) == list(range(1, len(seqs) + 1))
        report = doctor(vault)
        if report.orphan_blobs:
            # A writer killed between storing a blob and committing: reported, then swept.
            assert doctor(vault, fix=True).fixed
            assert doctor(vault).orphan_blobs == []
        return len(docs)


def test_sigkill_during_add_leaves_a_consistent_vault(vault: Vault, tmp_path: Path, env: dict) -> None:
    root = vault.root
    vault.close()
    src = tmp_path / "in"
    src.mkdir()
    files = [str(write_pdf(src / f"k{i:02d}.pdf", agreement_pages(i, 3))) for i in range(40)]
    rng = random.Random(20261126)
    proc_env = {**os.environ, **env, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}

    def start(attempt: int) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "contractvault", "--vault", str(root), "add", *files,
             "--new", f"Avtal {attempt}", "--doc-type", "huvudavtal"],
            env=proc_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            start_new_session=True,
        )

    # One uncut run tells how long an add takes here; the kills land anywhere inside it.
    began = time.monotonic()
    assert start(-1).wait() == 0
    duration = time.monotonic() - began
    previous = _assert_consistent(root)
    assert previous == len(files)
    killed = attempt = 0
    # At least 20 kills that land while add runs (a run that finished first does not count).
    while killed < 20 and attempt < 60:
        attempt += 1
        proc = start(attempt)
        time.sleep(rng.uniform(0.05, 0.9) * duration)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            killed += 1
            proc.wait()
        else:
            assert proc.wait() == 0, proc.stderr.read() if proc.stderr else ""
        count = _assert_consistent(root)
        assert count >= previous
        previous = count
    assert killed == 20, "the kills should land while add is running"
