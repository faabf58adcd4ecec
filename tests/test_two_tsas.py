"""Two time-stamping authorities: every record gets a token from each, checked by openssl.

Two real `openssl ts -reply` TSAs on 127.0.0.1, each with its own CA. One down never
blocks sealing (a warning); `timestamp` fetches what is missing once it is back.
"""

from __future__ import annotations

import json
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.pdfgen import agreement_pages, write_pdf
from support.tsa_server import TestTsa

pytestmark = pytest.mark.db


@pytest.fixture(scope="module")
def tsas(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestTsa, TestTsa]]:
    with TestTsa(tmp_path_factory.mktemp("tsa-a"), "Test TSA Alfa") as a, \
            TestTsa(tmp_path_factory.mktemp("tsa-b"), "Test TSA Beta") as b:
        yield a, b


@pytest.fixture
def two(cli, initialised: Path, tsas: tuple[TestTsa, TestTsa]) -> tuple[TestTsa, TestTsa]:
    a, b = tsas
    a.mode = b.mode = "ok"
    out = cli.json("key", "tsa", a.url, b.url, "--ca", str(a.ca_pem), "--ca", str(b.ca_pem))
    assert out["urls"] == [a.url, b.url] and len(out["ca_subjects"]) == 2
    # The vault-created record, sealed before any TSA was set, gets its two tokens too.
    assert len(cli.json("timestamp")["stamped"]) == 2
    return a, b


def _record(vault: Path, seq: int) -> tuple[str, dict]:
    for line in (vault / "ledger" / "records.jsonl").read_bytes().splitlines():
        entry = json.loads(line)
        if entry["record"]["seq"] == seq:
            return entry["hash"], entry["record"]
    raise AssertionError(seq)


def _openssl_ok(token: Path, digest: str, ca: Path) -> bool:
    out = subprocess.run(["openssl", "ts", "-verify", "-digest", digest, "-in", str(token),
                          "-CAfile", str(ca)], capture_output=True, text=True)
    return out.returncode == 0 and "Verification: OK" in out.stdout


def _tokens(vault: Path, seq: int) -> list[Path]:
    return sorted((vault / "ledger" / "tokens").glob(f"{seq}.tsr")) + \
        sorted((vault / "ledger" / "tokens").glob(f"{seq}-*.tsr"))


def _add(cli, tmp_path: Path, name: str, *extra: str) -> dict:
    pdf = write_pdf(tmp_path / name, agreement_pages(abs(hash(name)) % 50))
    result = cli("add", str(pdf), "--doc-type", "huvudavtal", *extra, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_every_record_gets_a_token_from_each_tsa(cli, initialised: Path, two, tmp_path: Path) -> None:
    a, b = two
    out = _add(cli, tmp_path, "avtal.pdf", "--new", "Avtal")
    assert "warnings" not in out
    seq = int(out["evidence_ids"][0][2:])
    digest, _ = _record(initialised, seq)
    tokens = _tokens(initialised, seq)
    assert len(tokens) == 2
    # Each token verifies with exactly its own TSA's CA, by openssl.
    assert {(_openssl_ok(t, digest, a.ca_pem), _openssl_ok(t, digest, b.ca_pem)) for t in tokens} \
        == {(True, False), (False, True)}
    report = cli.json("verify")
    assert report["ok"] and report["time"] == "tsa"
    assert {t["url"]: t["tokens"] for t in report["tsas"]} == {a.url: 2, b.url: 2}  # vault-created + this one


def test_one_tsa_down_never_blocks_sealing_and_timestamp_completes_later(cli, initialised: Path, two,
                                                                          tmp_path: Path) -> None:
    a, b = two
    b.mode = "down"
    out = _add(cli, tmp_path, "bilaga.pdf", "--new", "Avtal")
    seq = int(out["evidence_ids"][0][2:])
    warnings = " ".join(w["warning"] for w in out.get("warnings", []))
    assert b.url in warnings and "contractvault timestamp" in warnings
    assert len(_tokens(initialised, seq)) == 1  # from A
    report = cli.json("verify")
    assert report["ok"]
    assert any(w["what"] == "timestamp" and b.url in w["detail"] for w in report["warnings"])
    # Both down: still sealed, the PDF seal without a timestamp, both warnings.
    a.mode = "down"
    out2 = _add(cli, tmp_path, "tillagg.pdf", "--contract", out["contract_id"])
    seq2 = int(out2["evidence_ids"][0][2:])
    warnings2 = " ".join(w["warning"] for w in out2.get("warnings", []))
    assert a.url in warnings2 and "B-B" in warnings2
    assert _tokens(initialised, seq2) == []
    # Back up: `timestamp` fetches exactly what is missing, from the TSA that lacks it.
    a.mode = b.mode = "ok"
    done = cli.json("timestamp")
    fetched = {(s["id"], s["tsa"]) for s in done["stamped"]}
    assert (f"E-{seq}", b.url) in fetched and (f"E-{seq}", a.url) not in fetched
    assert {(f"E-{seq2}", a.url), (f"E-{seq2}", b.url)} <= fetched
    assert done["errors"] == []
    for q in (seq, seq2):
        digest, _ = _record(initialised, q)
        tokens = _tokens(initialised, q)
        assert len(tokens) == 2
        assert all(_openssl_ok(t, digest, a.ca_pem) or _openssl_ok(t, digest, b.ca_pem) for t in tokens)
    report = cli.json("verify")
    assert report["ok"] and report["time"] == "tsa"
    assert not [w for w in report["warnings"] if w["what"] == "timestamp"]
    assert cli.json("timestamp")["stamped"] == []  # nothing left to fetch


def test_verify_sh_checks_both_tokens_with_openssl_and_says_which(cli, initialised: Path, two,
                                                                 tmp_path: Path) -> None:
    a, b = two
    out = _add(cli, tmp_path, "pub.pdf", "--new", "Avtal")
    bundle = tmp_path / "bevis.zip"
    assert cli("export", "evidence", out["document_ids"][0], "-o", str(bundle)).exit_code == 0
    with zipfile.ZipFile(bundle) as zf:
        zf.extractall(tmp_path / "x")
    (top,) = list((tmp_path / "x").iterdir())
    assert (top / "timestamp.tsr").is_file() and (top / "timestamp-2.tsr").is_file()
    result = subprocess.run(["sh", str(top / "verify.sh")], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout
    lines = [ln for ln in result.stdout.splitlines() if ".tsr" in ln]
    assert len(lines) == 2 and all(ln.startswith("ok") for ln in lines), lines
    assert any("Test TSA Alfa" in ln for ln in lines) and any("Test TSA Beta" in ln for ln in lines)
    # One changed byte in the second token: verify.sh names it and fails.
    second = top / "timestamp-2.tsr"
    data = bytearray(second.read_bytes())
    data[-20] ^= 0x01
    second.write_bytes(bytes(data))
    bad = subprocess.run(["sh", str(top / "verify.sh")], capture_output=True, text=True, timeout=120)
    assert bad.returncode != 0
    assert any(ln.startswith("FAIL") and "timestamp-2.tsr" in ln for ln in bad.stdout.splitlines())
