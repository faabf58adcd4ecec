"""The tamper campaign: seeded mutations of a 50-record vault, each caught by `verify`
with the right record named; no false alarm on clean vaults.

The 50-record vault (real keys, a key rotation, a correction, RFC 3161 tokens from the
local test TSA, and the sealed state besides documents: a register version, authority
decisions, deficiencies and their events, follow-up records) is built once per session;
each mutation works on a copy of its folder. The copy trick needs the vault's own SQLite
file, so this runs on SQLite only.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from support.evidence_helpers import STATE_RECORDS, add_state_records, build_vault
from support.tsa_server import TestTsa

from contractvault.evidence.timestamps import configure_tsa, timestamp_missing
from contractvault.evidence.verify import verify
from contractvault.util import sha256_file
from contractvault.vault import Vault

PASSPHRASE = "correct horse battery staple"
N_RECORDS = 50
SEEDS_PER_KIND = 13

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("CONTRACTVAULT_TEST_DB_URL")),
    reason="the campaign copies vault folders, which holds the database only with SQLite",
)


@dataclass
class Base:
    """The pristine vault and facts about it."""

    root: Path
    lines: list[bytes]
    checkpoints: list[bytes]
    artifacts: dict[int, list[str]]  # seq -> blob hashes it seals
    docs: dict[int, int]  # document pk -> evidence seq
    token_seqs: list[int]
    state: dict[tuple[str, int], int]  # (table, row id) -> the seq of the record sealing it


@pytest.fixture(scope="session")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Base]:
    root = tmp_path_factory.mktemp("tamper") / "vault"
    old = os.environ.pop("CONTRACTVAULT_TSA_URL", None)
    with TestTsa(tmp_path_factory.mktemp("tsa")) as tsa:
        vault = Vault.create(root, lambda: PASSPHRASE, db_url="")
        configure_tsa(vault, tsa.url, tsa.ca_pem.read_bytes())
        assert timestamp_missing(vault).stamped  # E-1 was sealed before the TSA was set
        built = build_vault(vault, N_RECORDS - STATE_RECORDS, seed=2024, rotate_at=24,
                            supersede_at=30)
        add_state_records(vault, built.contracts, seed=2024)
        vault.close()
    if old is not None:
        os.environ["CONTRACTVAULT_TSA_URL"] = old
    lines = (root / "ledger" / "records.jsonl").read_bytes().splitlines(keepends=True)
    assert len(lines) == N_RECORDS
    artifacts = {}
    state: dict[tuple[str, int], int] = {}
    for raw in lines:
        rec = json.loads(raw)["record"]
        artifacts[rec["seq"]] = [a["sha256"] for a in rec["artifacts"]]
        for row in rec["context"].get("rows", []):
            state[(row["table"], row["id"])] = rec["seq"]
    assert {t for t, _ in state} == set(STATE_COLUMNS), "every kind of sealed row is in the vault"
    with _db(root) as db:
        docs = dict(db.execute("SELECT id, evidence_seq FROM cv_document").fetchall())
        tokens = [r[0] for r in db.execute("SELECT evidence_seq FROM cv_timestamp").fetchall()]
    assert len(tokens) == N_RECORDS, "every record should have a token from the test TSA"
    yield Base(root, lines, (root / "ledger" / "checkpoints.jsonl").read_bytes()
               .splitlines(keepends=True), artifacts, docs, sorted(tokens), state)


@pytest.fixture
def workdir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="cv-tamper-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _copy(base: Base, workdir: Path, name: str) -> Path:
    """A copy of the vault; blobs and tokens are hard links (a mutation calls `_own` first)."""
    dst = workdir / name

    def link_or_copy(src: str, dest: str) -> object:
        if f"{os.sep}blobs{os.sep}" in src or f"{os.sep}tokens{os.sep}" in src:
            os.link(src, dest)
            return dest
        return shutil.copy2(src, dest)

    shutil.copytree(base.root, dst, copy_function=link_or_copy)
    return dst


def _own(path: Path) -> bytes:
    """Give the copy a file of its own (not a link into the pristine vault); returns its bytes."""
    data = path.read_bytes()
    path.unlink()
    path.write_bytes(data)
    return data


def _flip(data: bytes, pos: int, rng: random.Random) -> bytes:
    out = bytearray(data)
    out[pos] ^= rng.randint(1, 255)
    return bytes(out)


def _blob(root: Path, sha: str) -> Path:
    return root / "blobs" / sha[:2] / sha[2:]


def _write_lines(root: Path, lines: list[bytes]) -> None:
    (root / "ledger" / "records.jsonl").write_bytes(b"".join(lines))


def _db(root: Path) -> sqlite3.Connection:
    db = sqlite3.connect(root / "metadata.sqlite")
    db.execute("PRAGMA synchronous=OFF")  # a throwaway copy: no need to wait for the disk
    return db


def _sql(root: Path, sql: str, *args: object) -> int:
    with _db(root) as db:
        cur = db.execute(sql, args)
        return cur.rowcount


# --- mutations: each changes the copy at `root` and returns the ids verify must name ---------

Mutation = Callable[[Base, Path, random.Random], set[str]]


def m_blob_byte(b: Base, root: Path, rng: random.Random) -> set[str]:
    seq = rng.choice([s for s, a in b.artifacts.items() if a])
    sha = rng.choice(b.artifacts[seq])
    path = _blob(root, sha)
    data = _own(path)
    path.write_bytes(_flip(data, rng.randrange(len(data)), rng))
    return {f"E-{seq}"}


def m_blob_swap(b: Base, root: Path, rng: random.Random) -> set[str]:
    seq = rng.choice([s for s, a in b.artifacts.items() if a])
    sha = rng.choice(b.artifacts[seq])
    other = rng.choice(sorted({h for a in b.artifacts.values() for h in a} - {sha}))
    path = _blob(root, sha)
    _own(path)
    path.write_bytes(_blob(root, other).read_bytes())  # another valid blob's content
    return {f"E-{seq}"}


def m_blob_missing(b: Base, root: Path, rng: random.Random) -> set[str]:
    seq = rng.choice([s for s, a in b.artifacts.items() if a])
    _blob(root, rng.choice(b.artifacts[seq])).unlink()
    return {f"E-{seq}"}


def m_manifest_byte(b: Base, root: Path, rng: random.Random) -> set[str]:
    pos = rng.randrange(len(b.lines))
    line = b.lines[pos]
    start = line.index(b'"record":') + len(b'"record":')
    end = line.index(b',"sig":')
    lines = list(b.lines)
    lines[pos] = _flip(line, rng.randrange(start, end), rng)
    _write_lines(root, lines)
    return {f"E-{pos + 1}"}


def m_signature(b: Base, root: Path, rng: random.Random) -> set[str]:
    pos = rng.randrange(len(b.lines))
    line = b.lines[pos]
    start = line.index(b'"sig":"') + len(b'"sig":"')
    end = line.index(b'"', start)
    i = rng.randrange(start, end)
    alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    new = rng.choice([c for c in alphabet if c != line[i]])
    lines = list(b.lines)
    lines[pos] = line[:i] + bytes([new]) + line[i + 1:]
    _write_lines(root, lines)
    return {f"E-{pos + 1}"}


def m_ledger_byte(b: Base, root: Path, rng: random.Random) -> set[str]:
    pos = rng.randrange(len(b.lines))
    line = b.lines[pos]
    lines = list(b.lines)
    lines[pos] = _flip(line, rng.randrange(len(line) - 1), rng)  # any byte but the newline
    _write_lines(root, lines)
    return {f"E-{pos + 1}"}


def _delete_rows(root: Path, seqs: list[int]) -> None:
    marks = ",".join("?" * len(seqs))
    with _db(root) as db:
        doc_ids = [r[0] for r in db.execute(
            f"SELECT id FROM cv_document WHERE evidence_seq IN ({marks})", seqs)]
        if doc_ids:
            dm = ",".join("?" * len(doc_ids))
            db.execute(f"DELETE FROM cv_document_page WHERE document_id IN ({dm})", doc_ids)
            db.execute(f"DELETE FROM cv_document WHERE id IN ({dm})", doc_ids)
        db.execute(f"DELETE FROM cv_evidence_artifact WHERE evidence_seq IN ({marks})", seqs)
        db.execute(f"DELETE FROM cv_timestamp WHERE evidence_seq IN ({marks})", seqs)
        db.execute(f"DELETE FROM cv_evidence WHERE seq IN ({marks})", seqs)
    for seq in seqs:
        token = root / "ledger" / "tokens" / f"{seq}.tsr"
        if token.exists():
            token.unlink()


def m_truncate(b: Base, root: Path, rng: random.Random) -> set[str]:
    k = rng.randint(1, 8)
    keep = len(b.lines) - k
    _write_lines(root, b.lines[:keep])
    _delete_rows(root, list(range(keep + 1, len(b.lines) + 1)))  # only checkpoints remember them
    return {f"E-{keep + 1}"}


def m_delete_record(b: Base, root: Path, rng: random.Random) -> set[str]:
    pos = rng.randrange(1, len(b.lines))
    lines = list(b.lines)
    del lines[pos]
    _write_lines(root, lines)
    if rng.random() < 0.5:
        _delete_rows(root, [pos + 1])
    return {f"E-{pos + 1}"}


def m_reorder(b: Base, root: Path, rng: random.Random) -> set[str]:
    pos = rng.randrange(len(b.lines) - 1)
    lines = list(b.lines)
    lines[pos], lines[pos + 1] = lines[pos + 1], lines[pos]
    _write_lines(root, lines)
    return {f"E-{pos + 1}", f"E-{pos + 2}"}


def m_duplicate(b: Base, root: Path, rng: random.Random) -> set[str]:
    pos = rng.randrange(len(b.lines))
    lines = list(b.lines)
    lines.insert(pos + 1, lines[pos])
    _write_lines(root, lines)
    return {f"E-{pos + 1}"}


def m_evidence_row(b: Base, root: Path, rng: random.Random) -> set[str]:
    seq = rng.randint(1, len(b.lines))
    other = rng.choice([s for s in range(1, len(b.lines) + 1) if s != seq])
    column = rng.choice(["record_json", "record_hash", "signature", "prev_hash", "key_id", "kind",
                         "contract_id", "document_id", "sealed_at", "delete"])
    if column == "record_json":
        with _db(root) as db:
            text = db.execute("SELECT record_json FROM cv_evidence WHERE seq = ?", (seq,)).fetchone()[0]
            i = rng.randrange(len(text))
            text = text[:i] + ("x" if text[i] != "x" else "y") + text[i + 1:]
            db.execute("UPDATE cv_evidence SET record_json = ? WHERE seq = ?", (text, seq))
    elif column == "record_hash":
        # One statement: two would turn an 'e…' hash into 'f…' and back again.
        _sql(root, "UPDATE cv_evidence SET record_hash = CASE WHEN substr(record_hash, 1, 1) = 'f' "
             "THEN 'e' ELSE 'f' END || substr(record_hash, 2) WHERE seq = ?", seq)
    elif column == "sealed_at":
        moved = rng.choice(["2001-01-01 00:00:00.000000", "+1 second", "+1 microsecond"])
        with _db(root) as db:
            text = db.execute("SELECT sealed_at FROM cv_evidence WHERE seq = ?", (seq,)).fetchone()[0]
            if moved.startswith("+"):
                from datetime import datetime, timedelta

                t = datetime.fromisoformat(text)
                t += timedelta(seconds=1) if "second" in moved else timedelta(microseconds=1)
                moved = t.isoformat(sep=" ", timespec="microseconds")
            db.execute("UPDATE cv_evidence SET sealed_at = ? WHERE seq = ?", (moved, seq))
    elif column in ("signature", "prev_hash", "key_id", "kind"):
        _sql(root, f"UPDATE cv_evidence SET {column} = (SELECT {column} FROM cv_evidence WHERE seq = ?) "
             "WHERE seq = ?", other, seq)
        if column in ("key_id", "kind"):
            # Neighbours may share the value: make sure it really differs.
            _sql(root, f"UPDATE cv_evidence SET {column} = {column} || '0' WHERE seq = ?", seq)
    elif column in ("contract_id", "document_id"):
        _sql(root, f"UPDATE cv_evidence SET {column} = COALESCE({column}, 0) + 100 WHERE seq = ?", seq)
    else:
        _sql(root, "DELETE FROM cv_evidence WHERE seq = ?", seq)
    return {f"E-{seq}"}


def m_document_row(b: Base, root: Path, rng: random.Random) -> set[str]:
    pk = rng.choice(sorted(b.docs))
    other = rng.choice([d for d in b.docs if d != pk])
    column = rng.choice(["doc_type", "blob_sha256", "contract_id", "source_name", "size",
                         "media_type", "evidence_seq", "supersedes_id", "page_count", "has_text",
                         "text_sha256", "url", "title", "origin", "language", "added_by",
                         "added_at", "capture_id"])
    with _db(root) as db:
        if column in ("url", "title", "origin", "language", "added_by", "capture_id"):
            db.execute(f"UPDATE cv_document SET {column} = COALESCE({column}, '') || 'x' "
                       "WHERE id = ?", (pk,))
        elif column == "added_at":
            db.execute("UPDATE cv_document SET added_at = '2001-01-01 00:00:00.000000' "
                       "WHERE id = ?", (pk,))
        elif column == "doc_type":
            cur = db.execute("SELECT doc_type FROM cv_document WHERE id = ?", (pk,)).fetchone()[0]
            new = "scc" if cur != "scc" else "sla"
            db.execute("UPDATE cv_document SET doc_type = ? WHERE id = ?", (new, pk))
        elif column in ("blob_sha256", "evidence_seq", "text_sha256", "source_name", "page_count"):
            db.execute(f"UPDATE cv_document SET {column} = (SELECT {column} FROM cv_document "
                       "WHERE id = ?) WHERE id = ?", (other, pk))
            db.execute(f"UPDATE cv_document SET {column} = {column} || '0' WHERE id = ? AND "
                       f"{column} = (SELECT {column} FROM cv_document WHERE id = ?)", (pk, other))
        elif column == "contract_id":
            db.execute("UPDATE cv_document SET contract_id = (contract_id % 4) + 1 WHERE id = ?", (pk,))
        elif column == "size":
            db.execute("UPDATE cv_document SET size = size + 1 WHERE id = ?", (pk,))
        elif column == "media_type":
            db.execute("UPDATE cv_document SET media_type = 'application/pdf' WHERE id = ?", (pk,))
        elif column == "supersedes_id":
            db.execute("UPDATE cv_document SET supersedes_id = CASE WHEN supersedes_id IS NULL "
                       "THEN ? ELSE NULL END WHERE id = ?", (other, pk))
        else:
            db.execute("UPDATE cv_document SET has_text = 1 - has_text WHERE id = ?", (pk,))
    return {f"D-{pk}"}


def m_artifact_row(b: Base, root: Path, rng: random.Random) -> set[str]:
    seq = rng.choice([s for s, a in b.artifacts.items() if a])
    action = rng.choice(["sha256", "name", "size", "media_type", "delete", "insert"])
    with _db(root) as db:
        row_id = db.execute("SELECT id FROM cv_evidence_artifact WHERE evidence_seq = ? ORDER BY id",
                            (seq,)).fetchall()[0][0]
        if action == "sha256":
            db.execute("UPDATE cv_evidence_artifact SET sha256 = ? WHERE id = ?", ("ab" * 32, row_id))
        elif action == "name":
            db.execute("UPDATE cv_evidence_artifact SET name = name || '.bak' WHERE id = ?", (row_id,))
        elif action == "size":
            db.execute("UPDATE cv_evidence_artifact SET size = size - 1 WHERE id = ?", (row_id,))
        elif action == "media_type":
            db.execute("UPDATE cv_evidence_artifact SET media_type = 'text/html' WHERE id = ?", (row_id,))
        elif action == "delete":
            db.execute("DELETE FROM cv_evidence_artifact WHERE id = ?", (row_id,))
        else:
            db.execute("INSERT INTO cv_evidence_artifact (evidence_seq, name, media_type, sha256, size) "
                       "VALUES (?, 'extra.txt', 'text/plain', ?, 1)", (seq, "cd" * 32))
    return {f"E-{seq}"}


def m_page_row(b: Base, root: Path, rng: random.Random) -> set[str]:
    pk = rng.choice(sorted(b.docs))
    _sql(root, "UPDATE cv_document_page SET text = text || ' ändrad' WHERE document_id = ?", pk)
    return {f"D-{pk}"}


# The sealed state rows besides documents: (column, kind of value). Link columns of an
# authority decision are filled in by the record that rests on it.
STATE_COLUMNS: dict[str, list[tuple[str, str]]] = {
    "cv_authority_decision": [("at", "time"), ("on_date", "date"), ("signer", "text"),
                              ("board", "text"), ("doc_type", "text"), ("allowed", "bool"),
                              ("register_sha256", "text"), ("check_json", "text"),
                              ("purpose", "text"), ("contract_id", "link"),
                              ("document_id", "link"), ("evidence_seq", "link")],
    "cv_authority_register": [("sha256", "text"), ("source_name", "text"), ("imported_at", "time"),
                              ("imported_by", "text"), ("toml_text", "text")],
    "cv_deficiency": [("contract_id", "int"), ("created_at", "time")],
    "cv_deficiency_event": [("deficiency_id", "int"), ("at", "time"), ("by", "text"),
                            ("action", "text"), ("data_json", "text")],
    "cv_followup": [("contract_id", "int"), ("held_on", "date"), ("kind", "text"),
                    ("participants", "text"), ("notes", "text"), ("recorded_at", "time"),
                    ("recorded_by", "text")],
}
_LABELS = {"cv_authority_decision": "authority-decision", "cv_authority_register": "register-version",
           "cv_deficiency": "B", "cv_deficiency_event": "deficiency-event", "cv_followup": "followup"}


def _state_mutation(tables: tuple[str, ...]) -> Mutation:
    def mutate(b: Base, root: Path, rng: random.Random) -> set[str]:
        table = rng.choice(tables)
        pk = rng.choice(sorted(p for t, p in b.state if t == table))
        seq = b.state[(table, pk)]
        label = f"{_LABELS[table]}-{pk}"
        action = rng.choice(["update"] * 4 + ["delete", "insert"])
        with _db(root) as db:
            if action == "delete":
                db.execute(f"DELETE FROM {table} WHERE id = ?", (pk,))
                return {f"E-{seq}"}
            columns = [c for c, _ in STATE_COLUMNS[table]]
            if action == "insert":
                names = ", ".join(columns)
                cur = db.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM {table} "
                                 "WHERE id = ?", (pk,))
                return {f"{_LABELS[table]}-{cur.lastrowid}"}
            column, kind = rng.choice(STATE_COLUMNS[table])
            value = {"text": f"{column} || 'x'", "bool": f"1 - {column}",
                     "int": f"{column} + 1", "link": f"COALESCE({column}, 0) + 1",
                     "date": "'2001-01-01'", "time": "'2001-01-01 00:00:00.000000'"}[kind]
            db.execute(f"UPDATE {table} SET {column} = {value} WHERE id = ?", (pk,))
        return {label} if kind == "link" else {f"E-{seq}", label}

    return mutate


def m_checkpoint_byte(b: Base, root: Path, rng: random.Random) -> set[str]:
    k = rng.randrange(len(b.checkpoints))
    line = b.checkpoints[k]
    lines = list(b.checkpoints)
    lines[k] = _flip(line, rng.randrange(len(line) - 1), rng)
    (root / "ledger" / "checkpoints.jsonl").write_bytes(b"".join(lines))
    expected = {f"checkpoint-{k + 1}", f"E-{json.loads(line)['seq']}"}
    with contextlib.suppress(ValueError, KeyError, TypeError):
        expected.add(f"E-{json.loads(lines[k])['seq']}")
    return expected


def m_token(b: Base, root: Path, rng: random.Random) -> set[str]:
    seq = rng.choice(b.token_seqs)
    other = rng.choice([s for s in b.token_seqs if s != seq])
    path = root / "ledger" / "tokens" / f"{seq}.tsr"
    action = rng.choice(["file-byte", "both-byte", "row-time", "swap", "delete-file"])
    _own(path)
    if action == "file-byte":
        data = path.read_bytes()
        path.write_bytes(_flip(data, rng.randrange(len(data)), rng))
    elif action == "both-byte":
        data = path.read_bytes()
        # A byte in the signature value near the end: the token still parses, the signature fails.
        bad = _flip(data, len(data) - rng.randint(2, 20), rng)
        path.write_bytes(bad)
        _sql(root, "UPDATE cv_timestamp SET token = ? WHERE evidence_seq = ?", bad, seq)
    elif action == "row-time":
        _sql(root, "UPDATE cv_timestamp SET gen_time = '2001-01-01 00:00:00.000000' "
             "WHERE evidence_seq = ?", seq)
    elif action == "swap":
        data = (root / "ledger" / "tokens" / f"{other}.tsr").read_bytes()
        path.write_bytes(data)  # a genuine token, but over another record
        _sql(root, "UPDATE cv_timestamp SET token = ? WHERE evidence_seq = ?", data, seq)
    else:
        path.unlink()
    return {f"E-{seq}"}


KINDS: dict[str, Mutation] = {
    "blob-byte": m_blob_byte, "blob-swap": m_blob_swap, "blob-missing": m_blob_missing,
    "manifest-byte": m_manifest_byte, "signature": m_signature, "ledger-byte": m_ledger_byte,
    "truncate": m_truncate, "delete-record": m_delete_record, "reorder": m_reorder,
    "duplicate": m_duplicate, "evidence-row": m_evidence_row, "document-row": m_document_row,
    "artifact-row": m_artifact_row, "page-row": m_page_row, "checkpoint-byte": m_checkpoint_byte,
    "token": m_token,
    "decision-row": _state_mutation(("cv_authority_decision",)),
    "register-row": _state_mutation(("cv_authority_register",)),
    "deficiency-row": _state_mutation(("cv_deficiency", "cv_deficiency_event")),
    "followup-row": _state_mutation(("cv_followup",)),
}


def _verify_copy(root: Path) -> tuple[bool, set[str], list[dict[str, str]]]:
    vault = Vault.open(root, db_url="")
    try:
        report = verify(vault)
    finally:
        vault.close()
    return report.ok, report.failed_ids(), [f.as_dict() for f in report.failures]


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_mutation_is_detected_and_named(kind: str, base: Base, workdir: Path) -> None:
    misses = []
    for n in range(SEEDS_PER_KIND):
        seed = sum(map(ord, kind)) * 1000 + n
        rng = random.Random(seed)
        root = _copy(base, workdir, f"{kind}-{n}")
        expected = KINDS[kind](base, root, rng)
        ok, named, failures = _verify_copy(root)
        if ok or not (expected & named):
            misses.append({"seed": seed, "expected": sorted(expected), "named": sorted(named),
                           "failures": failures[:5]})
        shutil.rmtree(root, ignore_errors=True)
    assert not misses, misses
    # The copies' hard links must never have let a mutation reach the pristine vault.
    for hashes in base.artifacts.values():
        for sha in hashes:
            assert sha256_file(_blob(base.root, sha)) == sha


def test_campaign_size() -> None:
    assert len(KINDS) * SEEDS_PER_KIND >= 260


def test_the_pristine_copy_verifies(base: Base, workdir: Path) -> None:
    ok, named, failures = _verify_copy(_copy(base, workdir, "clean"))
    assert ok, failures


@pytest.mark.slow
def test_a_sample_through_the_cli_exits_4_and_names_the_record(base: Base, workdir: Path, cli) -> None:
    for n, kind in enumerate(sorted(KINDS)):
        rng = random.Random(n)
        root = _copy(base, workdir, f"cli-{kind}")
        expected = KINDS[kind](base, root, rng)
        result = cli("--vault", str(root), "verify", "--json")
        assert result.exit_code == 4, (kind, result.stdout, result.stderr)
        data = json.loads(result.stdout)
        assert data["ok"] is False
        assert expected & {f["id"] for f in data["failures"]}, (kind, expected, data["failures"][:5])
    clean = _copy(base, workdir, "cli-clean")
    result = cli("--vault", str(clean), "verify", "--json")
    assert result.exit_code == 0, result.stdout
    assert json.loads(result.stdout)["time"] == "tsa"


@pytest.mark.slow
def test_no_false_alarm_on_20_clean_vaults(tmp_path: Path) -> None:
    for seed in range(20):
        rng = random.Random(seed)
        root = tmp_path / f"clean-{seed}"
        with Vault.create(root, lambda: PASSPHRASE, db_url="") as vault:
            n = rng.randint(3, 14)
            built = build_vault(vault, n, seed=seed,
                                rotate_at=rng.choice([None, 2, n // 2 + 1]),
                                supersede_at=rng.choice([None, n - 1]) if n > 5 else None,
                                n_contracts=rng.randint(1, 3))
            if seed % 2:
                n += len(add_state_records(vault, built.contracts, seed=seed))
            report = verify(vault)
            assert report.ok, (seed, [f.as_dict() for f in report.failures])
            assert report.checked == n
            for ref in [*built.contracts, *built.documents, f"E-{rng.randint(1, n)}"]:
                scoped = verify(vault, ref)
                assert scoped.ok, (seed, ref, [f.as_dict() for f in scoped.failures])
