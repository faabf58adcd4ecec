"""Faults found when the first build was attacked (issue 11), each with the real parts:
CLI processes, real files, real databases. Every test here fails on the code before the fix.

Kills have their own file (test_kills.py); the tamper campaign grows in test_tamper.py.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlmodel import select
from support.pdfgen import write_pdf
from support.procs import cv_start

from contractvault.util import sha256_file

REGISTER = Path(__file__).resolve().parents[1] / "contractvault" / "data" / "authority-example.toml"


def _pdf(folder: Path, name: str, word: str) -> Path:
    return write_pdf(folder / name, [[f"Avtal {name}", "1. Tjänsten",
                                      f"1.1 Leverantören ska leverera tjänsten {word} enligt bilaga."]])


# --- 1. key rotation ---------------------------------------------------------------------


@pytest.mark.db
def test_a_rotation_after_one_cut_short_is_signed_by_the_key_it_names(cli, initialised: Path,
                                                                    tmp_path: Path) -> None:
    # A `key rotate` killed after its seal and before its new key became active leaves
    # exactly this: the rotation sealed, `keys/active` still naming the old key. The next
    # rotation must name (and be signed by) the key that is really active by then.
    old = cli.json("key", "list")["active"]
    first = cli.json("key", "rotate")
    (initialised / "keys" / "active").write_text(old + "\n")
    second = cli.json("key", "rotate")
    assert second["old_key_id"] == first["new_key_id"]
    add = cli.json("add", str(_pdf(tmp_path, "a.pdf", "rotera")), "--new", "A",
                   "--doc-type", "huvudavtal")
    report = cli.json("verify")
    assert report["ok"], report["failures"]
    assert cli.json("key", "list")["active"] == second["new_key_id"]
    assert add["document_ids"] == ["D-1"]


@pytest.mark.db
def test_key_rotations_at_once_leave_a_chain_that_verifies(cli, initialised: Path,
                                                              env: dict) -> None:
    for _round in range(3):
        procs = [cv_start(env, "key", "rotate", "--json") for _ in range(3)]
        outs = [p.communicate(timeout=120) for p in procs]
        assert [p.returncode for p in procs] == [0, 0, 0], [o[1] for o in outs]
        done = sorted((json.loads(o[0]) for o in outs), key=lambda d: int(d["evidence_id"][2:]))
        # Each rotation starts from the key the one before it made.
        for before, after in zip(done, done[1:], strict=False):
            assert after["old_key_id"] == before["new_key_id"]
    report = cli.json("verify")
    assert report["ok"], report["failures"]


@pytest.mark.db
def test_one_bad_record_blocks_neither_verifying_nor_exporting_earlier_ones(
        cli, initialised: Path, tmp_path: Path) -> None:
    early = cli.json("add", str(_pdf(tmp_path, "tidig.pdf", "tidigt")), "--new", "Tidigt",
                     "--doc-type", "huvudavtal")
    cli.json("add", str(_pdf(tmp_path, "sen.pdf", "sent")), "--new", "Sent",
             "--doc-type", "huvudavtal")
    # The last record goes bad (its signature no longer verifies).
    ledger = initialised / "ledger" / "records.jsonl"
    lines = ledger.read_bytes().splitlines(keepends=True)
    sig = lines[-1].index(b'"sig":"') + len(b'"sig":"') + 5
    lines[-1] = lines[-1][:sig] + (b"A" if lines[-1][sig:sig + 1] != b"A" else b"B") + lines[-1][sig + 1:]
    ledger.write_bytes(b"".join(lines))
    bad = f"E-{len(lines)}"
    whole = cli("verify", "--json")
    assert whole.exit_code == 4 and bad in {f["id"] for f in json.loads(whole.stdout)["failures"]}
    doc = early["document_ids"][0]
    scoped = cli("verify", doc, "--json")
    assert scoped.exit_code == 0, scoped.stdout
    assert bad in {f["id"] for f in json.loads(scoped.stdout)["later_failures"]}
    bundle = tmp_path / "tidig.zip"
    exported = cli("export", "evidence", doc, "-o", str(bundle))
    assert exported.exit_code == 0, exported.stderr
    with zipfile.ZipFile(bundle) as z:
        z.extractall(tmp_path / "bevis")
        names = z.namelist()
    assert not any(n.endswith(f"ledger/{len(lines):06d}.json") for n in names)
    folder = next((tmp_path / "bevis").rglob("verify.sh")).parent
    checked = subprocess.run(["sh", "verify.sh"], cwd=folder, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    # The bad record itself is not exported.
    assert cli("export", "evidence", bad, "-o", str(tmp_path / "bad.zip")).exit_code == 4


# --- 2. a file that changes while it is added --------------------------------------------

_APPENDER = """
import sys, time
path, stop = sys.argv[1], sys.argv[2]
n = 0
with open(path, "a", encoding="utf-8") as fh:
    while True:
        n += 1
        fh.write(f"{n}. Tillägg nummer {n} till avtalet om tjänsten, skrivet medan det läses.\\n")
        fh.flush()
        time.sleep(0.005)
        if n % 20 == 0:
            try:
                open(stop).close()
                break
            except FileNotFoundError:
                pass
"""


@pytest.mark.db
def test_a_file_appended_to_every_5_ms_while_it_is_added_is_sealed_as_stored(
        cli, initialised: Path, tmp_path: Path) -> None:
    docs = []
    for round_ in range(2):
        growing = tmp_path / f"växande-{round_}.txt"
        growing.write_text("Avtal om tjänsten\n" + "Inledning om avtalet och tjänsten. " * 3000,
                           encoding="utf-8")
        stop = tmp_path / f"stop-{round_}"
        writer = subprocess.Popen([sys.executable, "-c", _APPENDER, str(growing), str(stop)])
        try:
            time.sleep(0.05)
            out = cli.json("add", str(growing), "--new", f"Växande {round_}",
                           "--doc-type", "huvudavtal")
        finally:
            stop.touch()
            writer.wait(timeout=30)
        docs.append(out["document_ids"][0])
    report = cli.json("verify")
    assert report["ok"], report["failures"]
    from contractvault.models import Document, DocumentPage
    from contractvault.records.extract import text_hash
    from contractvault.vault import Vault

    with Vault.open(initialised) as vault, vault.session() as s:
        for d in docs:
            row = s.get(Document, int(d[2:]))
            blob = vault.blobs.open(row.blob_sha256)
            assert sha256_file(blob) == row.blob_sha256 and blob.stat().st_size == row.size
            pages = list(s.exec(select(DocumentPage.text).where(DocumentPage.document_id == row.id)))
            # The searchable text is the text of the stored bytes, not of a later state.
            assert text_hash([blob.read_text("utf-8")]) == row.text_sha256 == text_hash(pages)


# --- 4. doctor --fix and a database restored from an older copy --------------------------


def test_doctor_fix_never_deletes_what_the_ledger_names_after_a_restore(
        cli, initialised: Path, env: dict, tmp_path: Path) -> None:
    if env.get("CONTRACTVAULT_DB_URL"):
        pytest.skip("restores the vault's own SQLite file")
    cli.json("add", str(_pdf(tmp_path, "a.pdf", "forst")), "--new", "A", "--doc-type", "huvudavtal")
    db = initialised / "metadata.sqlite"
    backup = tmp_path / "backup.sqlite"
    with sqlite3.connect(db) as src, sqlite3.connect(backup) as dst:
        src.backup(dst)
    later = cli.json("add", *(str(_pdf(tmp_path, f"b{i}.pdf", f"senare{i}")) for i in range(3)),
                     "--new", "B", "--doc-type", "huvudavtal")
    with sqlite3.connect(db) as con:
        later_blobs = [r[0] for r in con.execute(
            "SELECT blob_sha256 FROM cv_document WHERE contract_id = 2")]
    assert len(later_blobs) == 3
    # Restore the older copy, as the tool's own messages advise after a disaster.
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(backup, db)
    fixed = cli("doctor", "--fix", "--json")
    for sha in later_blobs:
        assert (initialised / "blobs" / sha[:2] / sha[2:]).is_file(), "a sealed blob was deleted"
    assert fixed.exit_code == 4 and json.loads(fixed.stdout)["refused"]
    report = cli("doctor", "--json")
    assert report.exit_code == 4
    data = json.loads(report.stdout)
    assert {d["id"] for d in data["ledger_disagreement"]} == set(later["evidence_ids"])
    assert data["orphan_blobs"] == []
    assert cli("verify").exit_code == 4


# --- 9. a database that belongs to another vault ------------------------------------------


@pytest.fixture
def two_databases(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Two empty databases: PostgreSQL schemas when the run is on PostgreSQL, else files."""
    base = os.environ.get("CONTRACTVAULT_TEST_DB_URL")
    if not base:
        yield (f"sqlite:///{tmp_path / 'a.sqlite'}", f"sqlite:///{tmp_path / 'b.sqlite'}")
        return
    admin = create_engine(base)
    schemas = [f"t_{uuid.uuid4().hex[:12]}" for _ in range(2)]
    with admin.begin() as conn:
        for s in schemas:
            conn.execute(text(f'CREATE SCHEMA "{s}"'))
    sep = "&" if "?" in base else "?"
    yield tuple(f"{base}{sep}options=-csearch_path%3D{s}" for s in schemas)  # type: ignore[misc]
    with admin.begin() as conn:
        for s in schemas:
            conn.execute(text(f'DROP SCHEMA "{s}" CASCADE'))
    admin.dispose()


def _counts(url: str) -> tuple[int, ...]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return tuple(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
                         for t in ("cv_evidence", "cv_document", "cv_contract", "cv_meta"))
    finally:
        engine.dispose()


@pytest.mark.db
def test_another_vaults_database_is_refused_before_anything_is_written(
        cli, tmp_path: Path, two_databases: tuple[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    url_a, url_b = two_databases
    a, b = tmp_path / "A", tmp_path / "B"

    def run(vault: Path, url: str, *args: str):  # noqa: ANN202
        monkeypatch.setenv("CONTRACTVAULT_DB_URL", url)
        return cli("--vault", str(vault), *args)

    assert run(a, url_a, "init").exit_code == 0 and run(b, url_b, "init").exit_code == 0
    assert run(b, url_b, "add", str(_pdf(tmp_path, "b.pdf", "bee")), "--new", "B",
               "--doc-type", "huvudavtal").exit_code == 0
    before = _counts(url_b), (a / "ledger" / "records.jsonl").read_bytes()
    for args in (["add", str(_pdf(tmp_path, "a.pdf", "aaa")), "--new", "A", "--doc-type", "huvudavtal"],
                 ["list"], ["verify"], ["doctor", "--fix"]):
        done = run(a, url_b, *args)
        assert done.exit_code == 2, (args, done.exit_code, done.stderr)
        assert "another vault" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert (_counts(url_b), (a / "ledger" / "records.jsonl").read_bytes()) == before
    # A vault made before databases named their vault: its first record names it. It is
    # told apart the same way, and named (migrated) on its next open.
    for url in (url_a, url_b):
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM cv_meta WHERE key = 'vault_id'"))
        engine.dispose()
    assert run(a, url_b, "list").exit_code == 2
    assert run(a, url_a, "list").exit_code == 0
    assert _counts(url_a)[3] == 2, "the vault id is stamped again on open"
    assert run(a, url_a, "verify").exit_code == 0 and run(b, url_b, "verify").exit_code == 0


# --- 10. state that matters is sealed ----------------------------------------------------


def _sql(env: dict, vault: Path, sql: str) -> None:
    url = env.get("CONTRACTVAULT_DB_URL") or f"sqlite:///{vault / 'metadata.sqlite'}"
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text(sql))
    finally:
        engine.dispose()


@pytest.mark.db
def test_editing_sealed_state_in_the_database_fails_verify(cli, initialised: Path, env: dict,
                                                          tmp_path: Path) -> None:
    cli.json("authority", "import", str(REGISTER))
    assert cli("authority", "check", "--signer", "maria.k", "--board", "KS",
               "--doc-type", "pub-avtal", "--scope", "kommungemensam").exit_code == 3
    cli.json("add", str(_pdf(tmp_path, "a.pdf", "state")), "--new", "A", "--doc-type", "huvudavtal")
    cli.json("deficiency", "add", "C-1", "--description", "Tillgängligheten under 99,5 %")
    cli.json("deficiency", "update", "B-1", "--remedy-by", "2099-01-31")
    cli.json("followup", "record", "C-1", "--kind", "internal-review", "--notes", "Allt i ordning")
    assert cli.json("verify")["ok"]
    edits = [  # (what an insider changes, how to undo it, an id verify must name)
        ("UPDATE cv_authority_decision SET allowed = NOT allowed",
         "UPDATE cv_authority_decision SET allowed = NOT allowed", "E-3"),
        ("UPDATE cv_authority_register SET toml_text = toml_text || '#'",
         "UPDATE cv_authority_register SET toml_text = substr(toml_text, 1, length(toml_text) - 1)",
         "E-2"),
        ("UPDATE cv_document SET url = 'https://elsewhere.example/'",
         "UPDATE cv_document SET url = NULL", "D-1"),
        ("UPDATE cv_deficiency_event SET action = 'resolved' WHERE id = 2",
         "UPDATE cv_deficiency_event SET action = 'updated' WHERE id = 2", "E-6"),
        ("UPDATE cv_followup SET notes = 'Inget att anmärka'",
         "UPDATE cv_followup SET notes = 'Allt i ordning'", "E-7"),
        ("INSERT INTO cv_deficiency_event (deficiency_id, at, by, action, data_json) VALUES "
         "(1, '2025-01-01 00:00:00', 'x', 'resolved', '{}')",
         "DELETE FROM cv_deficiency_event WHERE by = 'x'", "deficiency-event-3"),
    ]
    for change, undo, expected in edits:
        _sql(env, initialised, change)
        done = cli("verify", "--json")
        assert done.exit_code == 4, (change, done.stdout[-1500:])
        named = {f["id"] for f in json.loads(done.stdout)["failures"]}
        assert expected in named, (change, named)
        _sql(env, initialised, undo)
        assert cli("verify").exit_code == 0, undo
    checkpoints = initialised / "ledger" / "checkpoints.jsonl"
    saved = checkpoints.read_bytes()
    checkpoints.unlink()
    assert cli("verify").exit_code == 4, "a missing checkpoints.jsonl fails verify"
    checkpoints.write_bytes(saved)
    assert cli("verify").exit_code == 0

