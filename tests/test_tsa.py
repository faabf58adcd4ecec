"""Trusted time: RFC 3161 tokens from a real TSA (`openssl ts -reply`) on 127.0.0.1."""

from __future__ import annotations

import json
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select
from support.evidence_helpers import agreement_text, build_vault, seal_document
from support.tsa_server import TestTsa

from contractvault.evidence.timestamps import (
    check_token,
    configure_tsa,
    load_certs,
    token_path,
    tsa_config,
)
from contractvault.evidence.verify import verify
from contractvault.models import Evidence, TimestampToken
from contractvault.vault import Vault

pytestmark = pytest.mark.db


@pytest.fixture(scope="module")
def tsa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestTsa]:
    with TestTsa(tmp_path_factory.mktemp("tsa")) as server:
        yield server


@pytest.fixture(autouse=True)
def _tsa_answers(tsa: TestTsa) -> None:
    tsa.mode = "ok"


def _seal(vault: Vault, n: int) -> tuple[str, int]:
    import random

    with vault.session() as s:
        from contractvault.models import Contract

        c = s.exec(select(Contract)).first()
    pk = c.id if c is not None else int(build_vault(vault, 1, seed=n).contracts[0][2:])
    return seal_document(vault, pk, agreement_text(random.Random(n), n), f"avtal-{n}.txt")


def test_a_sealed_record_gets_a_token_that_openssl_and_verify_accept(vault: Vault, tsa: TestTsa) -> None:
    configure_tsa(vault, tsa.url, tsa.ca_pem.read_bytes())
    _, seq = _seal(vault, 1)
    with vault.session() as s:
        row = s.get(TimestampToken, seq)
        ev = s.get(Evidence, seq)
    assert row is not None and row.tsa_url == tsa.url
    path = token_path(vault, seq)
    assert path.read_bytes() == bytes(row.token)
    # openssl, independently: the imprint is the record hash and the signature chains to the CA.
    out = subprocess.run(["openssl", "ts", "-verify", "-digest", ev.record_hash, "-in", str(path),
                          "-CAfile", str(tsa.ca_pem)], capture_output=True, text=True)
    assert out.returncode == 0 and "Verification: OK" in out.stdout, out.stderr
    report = verify(vault, f"E-{seq}")
    assert report.ok and report.timestamps == 1 and report.time_source == "tsa"
    assert not [w for w in report.warnings if w.id == f"E-{seq}"]


def test_a_token_over_another_record_is_rejected(vault: Vault, tsa: TestTsa) -> None:
    configure_tsa(vault, tsa.url, tsa.ca_pem.read_bytes())
    _, a = _seal(vault, 2)
    _, b = _seal(vault, 3)
    with vault.session() as s:
        token_a = bytes(s.get(TimestampToken, a).token)
        hash_b = s.get(Evidence, b).record_hash
        row_b = s.get(TimestampToken, b)
        row_b.token = token_a
        s.add(row_b)
        s.commit()
    anchors = load_certs(tsa.ca_pem.read_bytes())
    check = check_token(token_a, hash_b, anchors)
    assert check.problems and "not over this record" in check.problems[0]
    pb = token_path(vault, b)
    pb.chmod(0o644)
    pb.write_bytes(token_a)
    report = verify(vault)
    assert not report.ok
    assert any(f.id == f"E-{b}" and f.what == "timestamp" for f in report.failures)
    assert f"E-{a}" not in report.failed_ids()


def test_a_tsa_answering_for_other_data_gives_no_token_but_keeps_the_record(vault: Vault, tsa: TestTsa) -> None:
    configure_tsa(vault, tsa.url, tsa.ca_pem.read_bytes())
    tsa.mode = "other-hash"
    import random

    c = int(build_vault(vault, 1, seed=20).contracts[0][2:])
    before = tsa.requests
    sealed_doc, seq = seal_document(vault, c, agreement_text(random.Random(4), 4), "x.txt")
    assert tsa.requests == before + 1
    assert not token_path(vault, seq).exists()
    report = verify(vault)
    assert report.ok  # the sealed record stands
    assert any(w.id == f"E-{seq}" and "no timestamp" in w.detail for w in report.warnings)


def test_an_unreachable_tsa_loses_nothing_and_timestamp_retries(cli, initialised: Path, tsa: TestTsa,
                                                                tmp_path: Path) -> None:
    out = cli.json("key", "tsa", tsa.url, "--ca", str(tsa.ca_pem))
    assert out["url"] == tsa.url and out["ca_subjects"] == ["CN=ContractVault Test TSA CA"]
    tsa.mode = "down"
    f = tmp_path / "avtal.txt"
    f.write_text("Villkor för tjänsten. Leverantören behandlar personuppgifter inom EU.\n", encoding="utf-8")
    added = cli.json("add", str(f), "--new", "Tjänst", "--doc-type", "villkor")
    seq = int(added["evidence_ids"][0][2:])
    result = cli("verify", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert any(w["id"] == f"E-{seq}" and "no timestamp" in w["detail"] for w in data["warnings"])
    assert data["time"] != "tsa"
    failed = cli("timestamp", "--json")
    assert failed.exit_code == 1 and f"E-{seq}" in failed.stderr
    tsa.mode = "ok"
    done = cli.json("timestamp")
    assert f"E-{seq}" in {s["id"] for s in done["stamped"]}
    data = cli.json("verify")
    assert data["time"] == "tsa" and data["timestamps"] == data["checked"]
    assert cli.json("timestamp")["stamped"] == []


def test_a_closed_port_is_a_warning_not_a_failure(vault: Vault) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    configure_tsa(vault, f"http://127.0.0.1:{port}/tsa")
    c = int(build_vault(vault, 1, seed=21).contracts[0][2:])
    import random

    doc, seq = seal_document(vault, c, agreement_text(random.Random(5), 5), "y.txt")
    with vault.session() as s:
        assert s.get(Evidence, seq) is not None
    assert verify(vault).ok


def test_the_environment_names_the_tsa_for_one_run(vault: Vault, tsa: TestTsa,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONTRACTVAULT_TSA_URL", tsa.url)
    monkeypatch.setenv("CONTRACTVAULT_TSA_CA", str(tsa.ca_pem))
    config = tsa_config(vault)
    assert config.source == "env" and config.url == tsa.url and config.anchors()
    _, seq = _seal(vault, 6)
    assert token_path(vault, seq).is_file()
    assert verify(vault, f"E-{seq}").time_source == "tsa"


def test_a_damaged_token_fails_verification(vault: Vault, tsa: TestTsa) -> None:
    configure_tsa(vault, tsa.url, tsa.ca_pem.read_bytes())
    _, seq = _seal(vault, 7)
    path = token_path(vault, seq)
    data = bytearray(path.read_bytes())
    data[-5] ^= 0x01  # inside the signature value
    path.chmod(0o644)
    path.write_bytes(bytes(data))
    with vault.session() as s:
        row = s.get(TimestampToken, seq)
        row.token = bytes(data)
        s.add(row)
        s.commit()
    report = verify(vault)
    assert [f for f in report.failures if f.id == f"E-{seq}" and f.what == "timestamp"]


def test_without_a_pinned_ca_the_signature_is_not_claimed_as_checked(vault: Vault, tsa: TestTsa) -> None:
    configure_tsa(vault, tsa.url)  # no --ca
    _, seq = _seal(vault, 8)
    assert token_path(vault, seq).is_file()  # kept: the imprint and nonce were checked
    report = verify(vault)
    assert report.ok
    assert any("no TSA CA certificate is pinned" in w.detail for w in report.warnings)


def test_key_tsa_off_stops_asking(cli, initialised: Path, tsa: TestTsa) -> None:
    cli.json("key", "tsa", tsa.url, "--ca", str(tsa.ca_pem))
    off = cli.json("key", "tsa", "--off")
    assert off["url"] is None and off["ca_subjects"]  # pinned CAs stay for old tokens
    bad = cli("key", "tsa", "ftp://example")
    assert bad.exit_code == 2


def test_a_down_tsa_is_asked_once_per_run_and_all_records_are_stamped_later(vault: Vault,
                                                                             tsa: TestTsa) -> None:
    import random

    from contractvault.evidence.timestamps import timestamp_missing

    configure_tsa(vault, tsa.url, tsa.ca_pem.read_bytes())
    tsa.mode = "down"
    c = int(build_vault(vault, 1, seed=22).contracts[0][2:])
    before = tsa.attempts
    seqs = [seal_document(vault, c, agreement_text(random.Random(n), n), f"f{n}.txt")[1]
            for n in range(3)]
    assert tsa.attempts == before + 1  # after one failure the next seals do not wait on it
    tsa.mode = "ok"
    result = timestamp_missing(vault)
    assert {s["id"] for s in result.stamped} >= {f"E-{q}" for q in seqs}
    assert verify(vault).time_source == "tsa"
