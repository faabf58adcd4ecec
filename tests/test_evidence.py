"""`verify`, key rotation, checkpoints kept elsewhere, corrections (supersede)."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from sqlmodel import select
from support.evidence_helpers import agreement_text, build_vault, seal_document

from contractvault.errors import RefusedError
from contractvault.evidence.corrections import supersede_document
from contractvault.evidence.verify import verify
from contractvault.models import Document, Evidence
from contractvault.vault import Vault

pytestmark = pytest.mark.db


def _tamper_blob(vault: Vault, sha: str) -> None:
    path = vault.blobs.path_for(sha)
    os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x20
    path.write_bytes(bytes(data))


def test_a_clean_vault_verifies_whole_and_by_id(vault: Vault) -> None:
    built = build_vault(vault, 12, seed=1, rotate_at=6, supersede_at=10)
    report = verify(vault)
    assert report.ok, report.as_dict()
    assert report.checked == 12
    assert report.head is not None and report.head["seq"] == 12
    assert report.checkpoint is not None and report.checkpoint["seq"] == 12
    assert report.time_source == "local-clock"
    assert any("local clock" in w.detail for w in report.warnings)
    for ref in [*built.contracts, *built.documents, "E-1", "E-6"]:
        scoped = verify(vault, ref)
        assert scoped.ok, (ref, scoped.as_dict())
    some_doc = next(iter(built.documents))
    assert verify(vault, some_doc).checked == 1


def test_verify_hashes_a_blob_shared_by_two_documents_once(vault: Vault) -> None:
    text = agreement_text(__import__("random").Random(5), 1)
    c = build_vault(vault, 1, seed=3).contracts[0]
    seal_document(vault, int(c[2:]), text, "a.txt")
    seal_document(vault, int(c[2:]), text, "b.txt")
    report = verify(vault)
    assert report.ok
    assert report.blobs == 1


def test_a_changed_blob_names_its_record_and_document(vault: Vault) -> None:
    built = build_vault(vault, 6, seed=2)
    doc, seq = sorted(built.documents.items())[2]
    with vault.session() as s:
        sha = s.get(Document, int(doc[2:])).blob_sha256
    _tamper_blob(vault, sha)
    report = verify(vault)
    assert not report.ok
    assert {f"E-{seq}", doc} <= report.failed_ids()
    # The other records are not blamed.
    assert report.failed_ids() == {f"E-{seq}", doc}
    assert not verify(vault, doc).ok
    others = [d for d in built.documents if d != doc]
    assert verify(vault, others[0]).ok


def test_cli_verify_json_exit_codes(cli, initialised: Path) -> None:
    with Vault.open(initialised) as vault:
        built = build_vault(vault, 5, seed=4)
    result = cli("verify", "--json")
    assert result.exit_code == 0, result.stdout + result.stderr
    data = json.loads(result.stdout)
    assert data["ok"] is True and data["checked"] == 5 and data["failures"] == []
    doc = sorted(built.documents)[0]
    with Vault.open(initialised) as vault:
        with vault.session() as s:
            sha = s.get(Document, int(doc[2:])).blob_sha256
        _tamper_blob(vault, sha)
    result = cli("verify", "--json")
    assert result.exit_code == 4
    data = json.loads(result.stdout)
    assert data["ok"] is False
    assert doc in {f["id"] for f in data["failures"]}
    assert all({"id", "what", "detail"} <= f.keys() for f in data["failures"])
    human = cli("verify", doc)
    assert human.exit_code == 4 and doc in human.stdout
    missing = cli("verify", "D-999")
    assert missing.exit_code == 5 and "D-999" in missing.stderr


def test_key_rotation_keeps_old_evidence_verifiable(cli, initialised: Path) -> None:
    with Vault.open(initialised) as vault:
        first = vault.keys.active_id
        build_vault(vault, 3, seed=6)
    rotated = cli.json("key", "rotate")
    assert rotated["old_key_id"] == first and rotated["new_key_id"] != first
    keys = initialised / "keys"
    assert (keys / f"{first}.pub.pem").is_file() and (keys / f"{first}.key.pem").is_file()
    new_key = keys / f"{rotated['new_key_id']}.key.pem"
    assert stat.S_IMODE(new_key.stat().st_mode) == 0o600
    assert b"ENCRYPTED" in new_key.read_bytes()
    with Vault.open(initialised) as vault:
        c = int(build_vault(vault, 1, seed=7).contracts[0][2:])
        _, seq = seal_document(vault, c, "Nytt avtal efter nyckelbytet, med tillräckligt mycket text.\n",
                               "ny.txt")
        with vault.session() as s:
            rows = {e.seq: e for e in s.exec(select(Evidence)).all()}
    rot_seq = int(rotated["evidence_id"][2:])
    rot = json.loads(rows[rot_seq].record_json)
    assert rot["kind"] == "key-rotation" and rot["key_id"] == first
    assert rot["context"]["new_key_id"] == rotated["new_key_id"]
    assert "BEGIN PUBLIC KEY" in rot["context"]["public_key_pem"]
    assert rows[seq].key_id == rotated["new_key_id"]
    assert all(rows[q].key_id == first for q in rows if q <= rot_seq)
    listed = cli.json("key", "list")
    assert listed["active"] == rotated["new_key_id"] and len(listed["keys"]) == 2
    assert cli("verify").exit_code == 0


def test_a_record_signed_by_a_key_that_was_not_active_fails(vault: Vault) -> None:
    first = vault.keys.active_id
    build_vault(vault, 3, seed=8)
    vault.rotate_key()
    c = int(build_vault(vault, 1, seed=9).contracts[0][2:])
    seal_document(vault, c, agreement_text(__import__("random").Random(1), 1), "ok.txt")
    assert verify(vault).ok
    # Someone with the old key (and the passphrase) makes it sign again.
    vault.keys.activate(first)
    _, bad_seq = seal_document(vault, c, agreement_text(__import__("random").Random(2), 2), "bad.txt")
    report = verify(vault)
    assert not report.ok
    named = [f for f in report.failures if f.id == f"E-{bad_seq}"]
    assert named and any(f.what == "key" and "active" in f.detail for f in named)


def test_a_rotation_interrupted_before_activation_is_finished_by_the_next_seal(vault: Vault) -> None:
    first = vault.keys.active_id
    sealed = vault.rotate_key()
    new = sealed.record["context"]["new_key_id"]
    vault.keys.activate(first)  # as if the process died right after sealing the rotation
    c = int(build_vault(vault, 1, seed=10).contracts[0][2:])
    _, seq = seal_document(vault, c, agreement_text(__import__("random").Random(3), 3), "x.txt")
    assert vault.keys.active_id == new
    with vault.session() as s:
        assert s.get(Evidence, seq).key_id == new
    assert verify(vault).ok


def test_verify_against_a_checkpoint_kept_elsewhere(cli, initialised: Path, tmp_path: Path) -> None:
    with Vault.open(initialised) as vault:
        build_vault(vault, 6, seed=11)
    kept = tmp_path / "kept-checkpoint.json"
    kept.write_bytes((initialised / "ledger" / "checkpoints.jsonl").read_bytes().splitlines()[-1])
    with Vault.open(initialised) as vault:
        build_vault(vault, 2, seed=12)
    result = cli("verify", "--checkpoint", str(kept), "--json")
    assert result.exit_code == 0, result.stdout
    # Rewrite history: drop the last records from the ledger AND from checkpoints.jsonl.
    records = initialised / "ledger" / "records.jsonl"
    lines = records.read_bytes().splitlines(keepends=True)
    records.write_bytes(b"".join(lines[:4]))
    cps = initialised / "ledger" / "checkpoints.jsonl"
    cps.write_bytes(b"".join(cps.read_bytes().splitlines(keepends=True)[:4]))
    result = cli("verify", "--checkpoint", str(kept), "--json")
    assert result.exit_code == 4
    failures = json.loads(result.stdout)["failures"]
    assert any(f["what"] == "truncated" and f["id"] == "E-6" for f in failures)
    # A forged checkpoint (another head) does not pass as one.
    forged = json.loads(kept.read_bytes())
    forged["head"] = "0" * 64
    kept.write_text(json.dumps(forged))
    result = cli("verify", "--checkpoint", str(kept), "--json")
    assert result.exit_code == 4
    assert any("signature" in f["detail"] for f in json.loads(result.stdout)["failures"])


def test_a_ledger_line_without_a_database_row_and_the_reverse(vault: Vault) -> None:
    built = build_vault(vault, 5, seed=13)
    doc, seq = sorted(built.documents.items())[0]
    with vault.session() as s:
        row = s.get(Evidence, seq)
        s.delete(row)
        s.commit()
    report = verify(vault)
    assert f"E-{seq}" in report.failed_ids()
    assert any("the ledger has this record, the database does not" in f.detail for f in report.failures)


def test_supersede_keeps_the_old_document_and_points_at_it(cli, initialised: Path, tmp_path: Path) -> None:
    first = tmp_path / "avtal.txt"
    first.write_text("Huvudavtal version 1. Leverantören ansvarar för säkerheten.\n", encoding="utf-8")
    added = cli.json("add", str(first), "--new", "Molntjänst", "--doc-type", "huvudavtal")
    old = added["document_ids"][0]
    corrected = tmp_path / "avtal-v2.txt"
    corrected.write_text("Huvudavtal version 2. Leverantören ansvarar för säkerheten och "
                         "incidentrapportering.\n", encoding="utf-8")
    out = cli.json("supersede", old, str(corrected), "--reason", "Rättad bilaga från leverantören")
    new = out["document_ids"][0]
    assert out["supersedes"] == old and new != old
    with Vault.open(initialised) as vault:
        with vault.session() as s:
            new_row = s.get(Document, int(new[2:]))
            old_row = s.get(Document, int(old[2:]))
            rec = json.loads(s.get(Evidence, new_row.evidence_seq).record_json)
        assert new_row.supersedes_id == old_row.id and new_row.doc_type == "huvudavtal"
        # where the document came from, as `show` and the ERMS export's "kalla" tell it
        assert (old_row.origin, new_row.origin) == ("add", "supersede")
        assert rec["context"]["document"]["content"]["origin"] == "supersede"
        assert old_row.evidence_seq is not None
        assert rec["subject"]["supersedes"] == old
        assert rec["context"]["reason"] == "Rättad bilaga från leverantören"
        assert verify(vault).ok
        # Corrections form a chain: the old one cannot be superseded twice.
        with pytest.raises(RefusedError, match="already superseded"):
            supersede_document(vault, old, corrected, "igen")
    again = cli("supersede", old, str(corrected), "--reason", "igen")
    assert again.exit_code == 3 and new in again.stderr
    # The very bytes the current version holds are no new version: refused, nothing sealed.
    before = cli.json("verify")["head"]
    same = cli("supersede", new, str(corrected), "--reason", "samma fil")
    assert same.exit_code == 2 and "the very file" in same.stderr and new in same.stderr
    assert cli.json("verify")["head"] == before


def test_progress_reaches_the_total(vault: Vault) -> None:
    build_vault(vault, 5, seed=14)
    calls: list[tuple[int, int]] = []
    verify(vault, progress=lambda done, total: calls.append((done, total)))
    assert calls[0][0] == 0 and calls[-1][0] == calls[-1][1] > 0
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
