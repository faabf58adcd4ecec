"""Four `add` processes at once: every document sealed, indexed and verifiable."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from support.pdfgen import write_pdf

pytestmark = [pytest.mark.slow, pytest.mark.db]


def test_four_processes_adding_at_once_lose_nothing(cli, initialised: Path, tmp_path: Path,
                                                    env: dict) -> None:
    proc_env = {**os.environ, **env, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    procs = []
    for p in range(4):
        files = [str(write_pdf(tmp_path / f"p{p}-{i}.pdf", [[
            f"Avtal process {p} nummer {i}", f"1. Tjänsten proc{p}doc{i}",
            f"1.1 Leverantören ska leverera tjänsten unik{p}x{i} enligt bilaga."]]))
            for i in range(6)]
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "contractvault", "--vault", str(initialised), "add", *files,
             "--new", f"Avtal {p}", "--doc-type", "huvudavtal", "--json"],
            env=proc_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    outputs = [p.communicate(timeout=300) for p in procs]
    for proc, (_out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
    doc_ids = {d for out, _ in outputs for d in json.loads(out)["document_ids"]}
    assert len(doc_ids) == 24
    for p in range(4):
        for i in range(6):
            hits = cli.json("search", f"unik{p}x{i}")["hits"]
            assert len(hits) == 1 and hits[0]["document_id"] in doc_ids, (p, i, hits)
    report = cli.json("verify")
    assert report["ok"] is True and report["failures"] == []
