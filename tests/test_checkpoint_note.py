"""C2SP checkpoint notes and witness cosignatures.

The note is checked, and cosigned, by code written here from the C2SP specifications
(signed-note, tlog-checkpoint, tlog-cosignature) with `cryptography` alone, not by
contractvault.storage.signednote.
"""

from __future__ import annotations

import base64
import hashlib
import json
import struct
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from support.pdfgen import agreement_pages, write_pdf

pytestmark = pytest.mark.db

EM_DASH = "\u2014"


def spec_key_id(name: str, pub: Ed25519PublicKey, sig_type: int) -> bytes:
    raw = pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(name.encode() + b"\n" + bytes([sig_type]) + raw).digest()[:4]


def spec_vkey(name: str, pub: Ed25519PublicKey, sig_type: int) -> str:
    raw = pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return f"{name}+{spec_key_id(name, pub, sig_type).hex()}+{base64.b64encode(bytes([sig_type]) + raw).decode()}"


def witness_cosign(note: bytes, name: str, key: Ed25519PrivateKey, when: int) -> bytes:
    """A witness adds a cosignature/v1 line, as c2sp.org/tlog-cosignature describes."""
    text = note[: note.index(b"\n\n") + 1]
    msg = f"cosignature/v1\ntime {when}\n".encode() + text
    blob = spec_key_id(name, key.public_key(), 0x04) + struct.pack(">Q", when) + key.sign(msg)
    return note + f"{EM_DASH} {name} {base64.b64encode(blob).decode()}\n".encode()


@pytest.fixture
def vault_with_records(cli, initialised: Path, tmp_path: Path) -> Path:
    pdf = write_pdf(tmp_path / "avtal.pdf", agreement_pages(1))
    assert cli("add", str(pdf), "--new", "Avtal", "--doc-type", "huvudavtal").exit_code == 0
    return initialised


def test_every_checkpoint_is_also_a_signed_note_any_c2sp_verifier_accepts(cli, vault_with_records: Path) -> None:
    note = (vault_with_records / "ledger" / "checkpoint.note").read_bytes()
    text, sigs = note.split(b"\n\n", 1)
    origin, size, root = text.decode().split("\n")
    info = json.loads((vault_with_records / "vault.json").read_text())
    assert origin == f"contractvault/{info['vault_id']}"
    last = json.loads((vault_with_records / "ledger" / "records.jsonl").read_bytes().splitlines()[-1])
    assert int(size) == last["record"]["seq"]
    assert base64.b64decode(root).hex() == last["hash"]
    keys = cli.json("key", "list")
    pub = serialization.load_pem_public_key(
        (vault_with_records / "keys" / f"{keys['active']}.pub.pem").read_bytes())
    assert isinstance(pub, Ed25519PublicKey)
    assert keys["checkpoint_vkey"] == spec_vkey(origin, pub, 0x01)
    line = sigs.decode().rstrip("\n")
    assert line.startswith(f"{EM_DASH} {origin} ")
    blob = base64.b64decode(line.rsplit(" ", 1)[1])
    assert blob[:4] == spec_key_id(origin, pub, 0x01)
    pub.verify(blob[4:], text + b"\n")  # raises if the signature is not over the note text


def test_verify_takes_a_cosigned_note_and_checks_the_witness(cli, vault_with_records: Path, tmp_path: Path) -> None:
    note = (vault_with_records / "ledger" / "checkpoint.note").read_bytes()
    witness = Ed25519PrivateKey.generate()
    name = "diarium.kungsbacka.example/witness"
    cosigned = tmp_path / "cosigned.note"
    cosigned.write_bytes(witness_cosign(note, name, witness, 1_764_000_000))
    vk = spec_vkey(name, witness.public_key(), 0x04)
    # More records after the witnessed checkpoint: the ledger still contains it.
    extra = write_pdf(tmp_path / "bilaga.pdf", agreement_pages(2))
    assert cli("add", str(extra), "--contract", "C-1", "--doc-type", "bilaga").exit_code == 0
    out = cli("verify", "--checkpoint", str(cosigned), "--witness", vk, "--json")
    assert out.exit_code == 0, (out.stdout, out.stderr)
    kept = json.loads(out.stdout)["kept_checkpoint"]
    assert kept["cosignatures"] == [{"name": name, "key_id": spec_key_id(name, witness.public_key(), 4).hex(),
                                     "verified": True, "time": 1_764_000_000}]
    # Without the witness key the note still verifies; the cosignature is listed unchecked.
    plain = cli.json("verify", "--checkpoint", str(cosigned))
    assert plain["ok"] and plain["kept_checkpoint"]["cosignatures"][0]["verified"] is None
    # A forged cosignature (another key under the witness's name) fails with exit 4.
    forged = tmp_path / "forged.note"
    impostor = Ed25519PrivateKey.generate()
    forged_note = witness_cosign(note, name, impostor, 1_764_000_000)
    # Keep the real witness's key id so the verifier picks the real key and must reject.
    forged_lines = forged_note.decode().rstrip("\n").split("\n")
    raw = base64.b64decode(forged_lines[-1].rsplit(" ", 1)[1])
    raw = spec_key_id(name, witness.public_key(), 4) + raw[4:]
    forged_lines[-1] = f"{EM_DASH} {name} {base64.b64encode(raw).decode()}"
    forged.write_text("\n".join(forged_lines) + "\n")
    bad = cli("verify", "--checkpoint", str(forged), "--witness", vk, "--json")
    assert bad.exit_code == 4
    assert any(f["what"] == "cosignature" for f in json.loads(bad.stdout)["failures"])


def test_a_note_that_disagrees_with_the_ledger_fails(cli, vault_with_records: Path, tmp_path: Path) -> None:
    note = (vault_with_records / "ledger" / "checkpoint.note").read_bytes()
    text, sigs = note.split(b"\n\n", 1)
    origin, size, _root = text.decode().split("\n")
    # A root hash that is not the ledger's: the signature no longer matches either.
    other = f"{origin}\n{size}\n{base64.b64encode(b'x' * 32).decode()}\n".encode()
    path = tmp_path / "other.note"
    path.write_bytes(other + b"\n" + sigs)
    out = cli("verify", "--checkpoint", str(path), "--json")
    assert out.exit_code == 4
    whats = {f["what"] for f in json.loads(out.stdout)["failures"]}
    assert "checkpoint" in whats
    garbage = tmp_path / "garbage.note"
    garbage.write_text("not a note\n\n— x y\n")
    assert cli("verify", "--checkpoint", str(garbage)).exit_code == 2
    assert cli("verify", "--witness", "a+00000000+AAAA").exit_code == 2
