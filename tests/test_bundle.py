"""The exported evidence bundle: checkable with openssl and sha256sum alone, and any
change to any of its files makes its own verify.sh fail."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.evidence_helpers import agreement_text, build_vault, seal_document
from support.tsa_server import TestTsa

from contractvault.errors import RefusedError, VerificationError
from contractvault.evidence.timestamps import configure_tsa, timestamp_missing
from contractvault.exports.bundle import export_evidence
from contractvault.records.contracts import ContractFields, update_contract
from contractvault.util import sha256_hex
from contractvault.vault import Vault

PASSPHRASE = "correct horse battery staple"  # as in conftest

pytestmark = pytest.mark.db


def _unzip(zpath: Path, dest: Path) -> Path:
    with zipfile.ZipFile(zpath) as zf:
        zf.extractall(dest)
    (top,) = list(dest.iterdir())
    return top


def _run_verify_sh(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["sh", str(folder / "verify.sh")], capture_output=True, text=True,
                          timeout=120)


@pytest.fixture(scope="module")
def tsa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestTsa]:
    with TestTsa(tmp_path_factory.mktemp("tsa")) as server:
        yield server


@pytest.fixture
def stamped(vault: Vault, tsa: TestTsa) -> tuple[Vault, dict[str, int]]:
    """A vault with tokens from the test TSA, a key rotation after the exported record, and a
    record with several artifacts."""
    configure_tsa(vault, tsa.url, tsa.ca_pem.read_bytes())
    timestamp_missing(vault)
    built = build_vault(vault, 7, seed=31, rotate_at=5, n_contracts=2)
    return vault, built.documents


def test_bundle_passes_its_own_verify_sh_and_an_openssl_only_check(stamped, tmp_path: Path) -> None:
    vault, docs = stamped
    doc = sorted(docs, key=lambda d: docs[d])[1]  # sealed before the rotation
    bundle = export_evidence(vault, doc, tmp_path / "b.zip")
    assert bundle.timestamp and bundle.document_id == doc
    folder = _unzip(bundle.path, tmp_path / "x")
    result = _run_verify_sh(folder)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "RESULT: OK" in result.stdout and "FAIL" not in result.stdout
    assert "a TSA certified" in result.stdout

    # Independently of verify.sh: standard tools only, Python merely compares strings.
    def run(*args: str) -> str:
        out = subprocess.run(list(args), cwd=folder, capture_output=True, text=True)
        assert out.returncode == 0, (args, out.stdout, out.stderr)
        return out.stdout

    run("sha256sum", "-c", "--strict", "SHA256SUMS")
    assert "Signature Verified Successfully" in run(
        "openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "public-key.pem", "-rawin",
        "-in", "manifest.json", "-sigfile", "manifest.sig")
    manifest = json.loads((folder / "manifest.json").read_bytes())
    mhash = run("sha256sum", "manifest.json").split()[0]
    assert "Verification: OK" in run("openssl", "ts", "-verify", "-digest", mhash, "-in",
                                     "timestamp.tsr", "-CAfile", "tsa-ca.pem")
    arts = sorted((folder / "artifacts").iterdir())
    assert [run("sha256sum", str(p)).split()[0] for p in arts] == \
        [a["sha256"] for a in manifest["artifacts"]]
    ledger = sorted((folder / "ledger").glob("*.json"))
    assert ledger[0].read_bytes() == (folder / "manifest.json").read_bytes()
    for earlier, later in zip(ledger, ledger[1:], strict=False):
        assert json.loads(later.read_bytes())["prev"] == run("sha256sum", str(earlier)).split()[0]
    for f in ledger:
        kid = json.loads(f.read_bytes())["key_id"]
        run("openssl", "pkeyutl", "-verify", "-pubin", "-inkey", f"keys/{kid}.pem", "-rawin",
            "-in", str(f), "-sigfile", str(f.with_suffix(".sig")))
    cp = json.loads((folder / "checkpoint.json").read_bytes())
    run("openssl", "pkeyutl", "-verify", "-pubin", "-inkey", f"keys/{cp['key_id']}.pem", "-rawin",
        "-in", "checkpoint.json", "-sigfile", "checkpoint.sig")
    assert cp["head"] == run("sha256sum", str(ledger[-1])).split()[0]
    assert cp["seq"] == 7 and len(ledger) == 7 - manifest["seq"] + 1
    # The excerpt crosses the key rotation: two keys, both traced to the first one.
    assert len({json.loads(f.read_bytes())["key_id"] for f in ledger}) == 2
    verify_md = (folder / "VERIFY.md").read_text("utf-8")
    assert "## Svenska" in verify_md and "## English" in verify_md
    assert mhash in verify_md and doc in verify_md
    assert len((folder / "manifest.sig").read_bytes()) == 64


@pytest.mark.slow
def test_changing_any_file_makes_verify_sh_fail(stamped, tmp_path: Path) -> None:
    vault, docs = stamped
    doc = sorted(docs, key=lambda d: docs[d])[0]
    bundle = export_evidence(vault, doc, tmp_path / "b.zip")
    pristine = _unzip(bundle.path, tmp_path / "pristine")
    files = sorted(p.relative_to(pristine) for p in pristine.rglob("*") if p.is_file())
    assert {"verify.sh", "VERIFY.md", "SHA256SUMS", "timestamp.tsr", "tsa-ca.pem",
            "checkpoint.json", "checkpoint.sig", "manifest.json", "manifest.sig",
            "public-key.pem"} <= {str(f) for f in files}
    rng = random.Random(7)
    passed = []
    for rel in files:
        work = tmp_path / "w"
        shutil.rmtree(work, ignore_errors=True)
        shutil.copytree(pristine, work)
        target = work / rel
        data = bytearray(target.read_bytes())
        i = rng.randrange(len(data))
        data[i] ^= 1 << rng.randrange(8)
        target.write_bytes(bytes(data))
        result = _run_verify_sh(work)
        if result.returncode == 0:
            passed.append((str(rel), i))
    assert not passed, f"verify.sh accepted a changed file: {passed}"
    assert _run_verify_sh(pristine).returncode == 0


def test_a_bundle_without_a_tsa_says_the_time_is_the_local_clock(vault: Vault, tmp_path: Path) -> None:
    built = build_vault(vault, 3, seed=32)
    doc = sorted(built.documents)[0]
    bundle = export_evidence(vault, doc, tmp_path / "b.zip")
    assert not bundle.timestamp
    folder = _unzip(bundle.path, tmp_path / "x")
    assert not (folder / "timestamp.tsr").exists()
    result = _run_verify_sh(folder)
    assert result.returncode == 0, result.stdout
    assert "local clock" in result.stdout
    md = (folder / "VERIFY.md").read_text("utf-8")
    assert "lokala klockan" in md and "local clock" in md


def test_export_by_evidence_id_and_through_the_cli(cli, initialised: Path, tmp_path: Path) -> None:
    with Vault.open(initialised) as vault:
        built = build_vault(vault, 4, seed=33)
    seq = max(built.documents.values())
    out = tmp_path / "e.zip"
    data = cli.json("export", "evidence", f"E-{seq}", "-o", str(out))
    assert data["evidence_id"] == f"E-{seq}" and out.is_file()
    assert data["sha256"] == sha256_hex(out.read_bytes())
    assert _run_verify_sh(_unzip(out, tmp_path / "x")).returncode == 0
    assert cli("export", "evidence", "C-1", "-o", str(tmp_path / "c.zip")).exit_code == 2
    assert cli("export", "evidence", "D-999", "-o", str(tmp_path / "d.zip")).exit_code == 5


def test_secret_contracts_are_refused_unless_asked(cli, initialised: Path, tmp_path: Path) -> None:
    with Vault.open(initialised) as vault:
        built = build_vault(vault, 4, seed=34, n_contracts=1)
        update_contract(vault, built.contracts[0], ContractFields(secret=True))
    doc = sorted(built.documents)[0]
    refused = cli("export", "evidence", doc, "-o", str(tmp_path / "s.zip"))
    assert refused.exit_code == 3
    assert "secret" in refused.stderr and "--include-secret" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "s.zip").exists()
    ok = cli.json("export", "evidence", doc, "-o", str(tmp_path / "s.zip"), "--include-secret")
    assert ok["document_id"] == doc


def test_the_excerpt_stops_before_a_secret_contract(vault: Vault, tmp_path: Path) -> None:
    built = build_vault(vault, 2, seed=35, n_contracts=2)
    open_c, secret_c = (int(c[2:]) for c in built.contracts)
    update_contract(vault, f"C-{secret_c}", ContractFields(secret=True))
    doc, seq = seal_document(vault, open_c, agreement_text(random.Random(1), 1), "öppet.txt")
    seal_document(vault, open_c, agreement_text(random.Random(2), 2), "öppet2.txt")
    seal_document(vault, secret_c, agreement_text(random.Random(3), 3), "hemligt-avtal.txt")
    seal_document(vault, open_c, agreement_text(random.Random(4), 4), "öppet3.txt")
    bundle = export_evidence(vault, doc, tmp_path / "b.zip")
    assert bundle.excerpt == (seq, seq + 1)
    with zipfile.ZipFile(bundle.path) as zf:
        blob = b"".join(zf.read(n) for n in zf.namelist())
    assert b"hemligt" not in blob
    folder = _unzip(bundle.path, tmp_path / "x")
    assert _run_verify_sh(folder).returncode == 0
    with pytest.raises(RefusedError):
        export_evidence(vault, f"E-{seq + 2}", tmp_path / "s.zip")


def test_evidence_that_does_not_verify_is_not_exported(vault: Vault, tmp_path: Path) -> None:
    import os
    import stat

    built = build_vault(vault, 3, seed=36)
    doc = sorted(built.documents)[0]
    from contractvault.models import Document

    with vault.session() as s:
        sha = s.get(Document, int(doc[2:])).blob_sha256
    path = vault.blobs.path_for(sha)
    os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
    path.write_bytes(path.read_bytes() + b"x")
    with pytest.raises(VerificationError, match="does not verify"):
        export_evidence(vault, doc, tmp_path / "b.zip")
    assert not (tmp_path / "b.zip").exists()


def test_a_bundles_checkpoint_checks_the_vault_later(cli, initialised: Path, tmp_path: Path) -> None:
    with Vault.open(initialised) as vault:
        built = build_vault(vault, 4, seed=37)
    doc = sorted(built.documents)[0]
    cli.json("export", "evidence", doc, "-o", str(tmp_path / "b.zip"))
    folder = _unzip(tmp_path / "b.zip", tmp_path / "x")
    with Vault.open(initialised) as vault:
        build_vault(vault, 2, seed=38)
    kept = folder / "checkpoint.json"
    assert cli("verify", "--checkpoint", str(kept)).exit_code == 0
    # An insider with the key and the passphrase rewrites history from E-4 on, consistently:
    # re-signed records, new checkpoints, matching database rows. Only what was kept
    # outside the vault (the bundle's checkpoint) can tell.
    from contractvault.models import Evidence
    from contractvault.storage.ledger import LedgerEntry, record_bytes, record_hash
    from contractvault.util import canonical_json

    with Vault.open(initialised, passphrase=lambda: PASSPHRASE) as vault:
        signer = vault.keys.signer()
        entries = list(vault.ledger.entries())
        forged = entries[:3]
        prev = entries[2].hash
        for e in entries[3:]:
            rec = {**e.record, "prev": prev}
            if rec["seq"] == 4:
                rec["context"] = {**rec["context"], "who": "någon annan"}
            forged.append(LedgerEntry(rec, record_hash(rec), signer.sign(record_bytes(rec))))
            prev = forged[-1].hash
        vault.ledger.records.write_bytes(b"".join(e.line() for e in forged))
        cps = []
        for e in forged:
            body = {"seq": e.seq, "head": e.hash, "at": e.record["sealed_at"],
                    "vault_id": vault.vault_id, "key_id": signer.key_id}
            cps.append(canonical_json({**body, "sig": signer.sign(canonical_json(body))}) + b"\n")
        vault.ledger.checkpoints.write_bytes(b"".join(cps))
        with vault.session() as s:
            for e in forged[3:]:
                row = s.get(Evidence, e.seq)
                row.record_json = record_bytes(e.record).decode("utf-8")
                row.record_hash, row.prev_hash, row.signature = e.hash, e.record["prev"], e.sig
                s.add(row)
            s.commit()
    assert cli("verify").exit_code == 0  # consistent forgery: the vault alone cannot tell
    result = cli("verify", "--checkpoint", str(kept), "--json")
    assert result.exit_code == 4
    failures = json.loads(result.stdout)["failures"]
    assert [f for f in failures if f["what"] == "checkpoint" and f["id"] == "E-4"], failures
