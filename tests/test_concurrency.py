"""Writers and readers at once: four `add`, a `capture` (real Chromium, a page served on
127.0.0.1), a `reindex` and a `verify` start together, on SQLite and on PostgreSQL. Every
command succeeds; afterwards every sealed document is found by search and verify is clean.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import col, select
from support.pdfgen import write_pdf
from support.procs import cv_start

from capture.localserver import serve
from contractvault.models import Document
from contractvault.vault import Vault

pytestmark = [pytest.mark.slow, pytest.mark.db, pytest.mark.browser]

CLICKTHROUGH = Path(__file__).parent / "fixtures" / "clickthrough"
BASE = 100


def test_adds_capture_reindex_and_verify_at_once_lose_nothing(cli, initialised: Path,
                                                              tmp_path: Path, env: dict) -> None:
    # Enough to reindex that the rebuild is still running when the writers index.
    base = []
    for i in range(BASE):
        path = tmp_path / f"base-{i}.txt"
        path.write_text(f"Grundavtal {i}\n" + "".join(
            f"{c}. Klausul {c} om tjänsten och leverantörens ansvar för personuppgifter bas{i}x.\n"
            for c in range(1, 13)), encoding="utf-8")
        base.append(str(path))
    cli.json("add", *base, "--new", "Bas", "--doc-type", "huvudavtal")
    with serve(CLICKTHROUGH) as site:
        procs = {}
        for p in range(4):
            files = [str(write_pdf(tmp_path / f"p{p}-{i}.pdf", [[
                f"Avtal process {p} nummer {i}", f"1. Tjänsten proc{p}doc{i}",
                f"1.1 Leverantören ska leverera tjänsten unik{p}x{i} enligt bilaga."]]))
                for i in range(6)]
            procs[f"add-{p}"] = cv_start(env, "add", *files, "--new", f"Avtal {p}",
                                         "--doc-type", "huvudavtal", "--json")
        procs["capture"] = cv_start(env, "capture", site.url("/"), "--doc-type", "villkor",
                                    "--new", "Molnavtal", "--click", "--submit", "#fortsatt",
                                    "--json")
        procs["reindex"] = cv_start(env, "reindex", "--json")
        procs["verify"] = cv_start(env, "verify", "--json")
        outputs = {name: p.communicate(timeout=600) for name, p in procs.items()}
    for name, proc in procs.items():
        assert proc.returncode == 0, (name, outputs[name][0][-2000:], outputs[name][1][-2000:])
    doc_ids = {d for name, (out, _) in outputs.items() if name.startswith(("add", "capture"))
               for d in json.loads(out)["document_ids"]}
    assert len(doc_ids) == 25
    with Vault.open(initialised) as vault, vault.session() as s:
        sealed = s.exec(select(Document).where(col(Document.evidence_seq).is_not(None),
                                               Document.has_text == True)).all()  # noqa: E712
    assert len(sealed) == BASE + 25
    for p in range(4):
        for i in range(6):
            hits = cli.json("search", f"unik{p}x{i}")["hits"]
            assert len(hits) == 1 and hits[0]["document_id"] in doc_ids, (p, i, hits)
    for i in range(0, BASE, 10):
        assert {h["source_path"] for h in cli.json("search", f"bas{i}x")["hits"]} == {f"base-{i}.txt"}
    captured = json.loads(outputs["capture"][0])["document_ids"][0]
    assert captured in {h["document_id"] for h in cli.json("search", "ansvarsbegränsning")["hits"]}
    report = cli.json("verify")
    assert report["ok"] is True and report["failures"] == []
    assert cli("doctor").exit_code == 0
