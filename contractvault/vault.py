"""The vault: a folder holding the blob store, the ledger, the keys, the index and (by
default) the SQLite metadata database. Opening, creating, sealing and crash recovery."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from contractvault import __version__
from contractvault.config import ENV_DB_URL, ENV_PASSPHRASE, VaultPaths, current_user
from contractvault.errors import ContractVaultError, NotFoundError, UsageError, VerificationError
from contractvault.ids import contract_ref, document_ref, evidence_ref
from contractvault.models import (
    Document,
    Evidence,
    EvidenceArtifact,
    ExtraTimestampToken,
    TimestampToken,
)
from contractvault.storage.blobs import BlobStore
from contractvault.storage.clauses import ClauseIndex, open_clause_index
from contractvault.storage.db import (
    database_vault_id,
    make_engine,
    migrate,
    needs_migration,
    stamp_vault_id,
)
from contractvault.storage.keys import KeyRing, PassphraseProvider, public_pem
from contractvault.storage.ledger import (
    GENESIS,
    RECORD_VERSION,
    LedgerEntry,
    LedgerFile,
    record_bytes,
    write_lock,
)
from contractvault.storage.rfc3161 import Timestamper, TsaConfig, TsaError, tsa_id
from contractvault.storage.sealcert import SealStore
from contractvault.storage.signednote import checkpoint_text, sign_note
from contractvault.util import atomic_write, canonical_json, iso_utc, sha256_hex, utc_now

MARKER_FORMAT = "contractvault-vault/1"
# Held (flock) by the process working in a tmp/ folder: a folder whose lock is free
# belongs to a process that is gone, whenever it died.
OWNER_LOCK = ".owner.lock"
# A work folder without an owner lock (made by an older version, or in the instant
# before the lock is taken) is left alone this long.
UNOWNED_GRACE_SECONDS = 60


@dataclass
class ArtifactSpec:
    """A file to seal: already in the blob store under `sha256`."""

    name: str
    media_type: str
    sha256: str
    size: int

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "media_type": self.media_type, "sha256": self.sha256,
                "size": self.size}


@dataclass
class Subject:
    """What a record is about, filled in by the caller's row builder inside the transaction."""

    contract_id: int | None = None
    document_id: int | None = None
    supersedes: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    # Facts for the record's context that are only known inside the transaction (the
    # sealed form of rows just added, with their ids); merged into `context`.
    context: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "contract_id": contract_ref(self.contract_id) if self.contract_id else None,
            "document_id": document_ref(self.document_id) if self.document_id else None,
        }
        if self.supersedes:
            out["supersedes"] = document_ref(self.supersedes)
        out.update(self.extra)
        return out


@dataclass
class Sealed:
    """A record that is now in the ledger."""

    seq: int
    hash: str
    subject: Subject
    record: dict[str, Any]
    # Set when a TSA is configured but no token could be had (the record stands regardless).
    timestamp_warning: str | None = None


RowBuilder = Callable[[Session], Subject]
# `build_rows` finds the sequence number of the record being sealed here in `Session.info`.
SEAL_SEQ = "contractvault.seal_seq"
# Document rows a builder created in this transaction, by id: the sealing code reads them
# back (their sealed form, their evidence_seq) and the session holds a flushed row only
# weakly, so it would otherwise load each again with a SELECT. Being new, none has a
# to-index mark yet.
NEW_DOCUMENTS = "contractvault.new_documents"


@dataclass
class SealSpec:
    """One record to seal with :meth:`Vault.seal_many`."""

    kind: str
    artifacts: list[ArtifactSpec]
    context: dict[str, Any]
    build_rows: RowBuilder


def env_passphrase() -> str | None:
    """Passphrase provider that never prompts: $CONTRACTVAULT_PASSPHRASE or nothing."""
    return os.environ.get(ENV_PASSPHRASE)


class Vault:
    """An open vault. Create with `Vault.create` or `Vault.open`; close with `close()`."""

    def __init__(self, root: Path, engine: Engine, passphrase: PassphraseProvider,
                 info: dict[str, Any], tsa: TsaConfig | None = None) -> None:
        self.paths = VaultPaths(root)
        self.root = root
        self.engine = engine
        self.info = info
        self.blobs = BlobStore(self.paths.blobs)
        self.ledger = LedgerFile(self.paths.ledger)
        self.keys = KeyRing(self.paths.keys, passphrase)
        # The PDF seal (ECDSA P-256 + certificate): same passphrase as the ledger keys.
        self.seal_store = SealStore(self.paths.keys / "seal", passphrase)
        self.user = current_user()
        self.timestamper = Timestamper(self.paths.tsa_config, override=tsa)
        self._clause_index: ClauseIndex | None = None
        self._work_locks: dict[Path, int] = {}

    # --- lifecycle ----------------------------------------------------------------------

    @classmethod
    def create(cls, root: Path, passphrase: PassphraseProvider, db_url: str | None = None) -> Vault:
        """Create a new vault in `root` (a new or empty folder).

        The vault is built in a hidden sibling folder and renamed into place when complete,
        so an interrupted `init` leaves no half-made vault behind.
        """
        root = Path(root).expanduser().resolve()
        if VaultPaths(root).marker.exists():
            raise UsageError(f"a vault already exists at {root}", "init would overwrite it",
                             "Use another --vault path, or use the vault as it is")
        if root.exists() and (not root.is_dir() or any(root.iterdir())):
            raise UsageError(f"{root} is not empty", "a vault needs a folder of its own",
                             "Name an empty or new folder with --vault")
        url = db_url if db_url is not None else os.environ.get(ENV_DB_URL)
        root.parent.mkdir(parents=True, exist_ok=True)
        build = Path(tempfile.mkdtemp(prefix=f".{root.name}.init-", dir=root.parent))
        try:
            cls._build(build, passphrase, url)
            if root.exists():
                root.rmdir()
            os.replace(build, root)
        except BaseException:
            shutil.rmtree(build, ignore_errors=True)
            raise
        return cls.open(root, passphrase, db_url=url or None)

    @classmethod
    def _build(cls, root: Path, passphrase: PassphraseProvider, url: str | None) -> None:
        paths = VaultPaths(root)
        for folder in (paths.blobs, paths.ledger, paths.pending, paths.tmp, paths.index):
            folder.mkdir(parents=True, exist_ok=True)
        BlobStore(paths.blobs).prepare()
        engine = make_engine(url, paths.db_file)
        if database_vault_id(engine)[0] is not None:
            raise UsageError("the database named by CONTRACTVAULT_DB_URL already holds a vault",
                             "one database serves one vault",
                             "Give the new vault a database (or schema) of its own")
        migrate(engine)
        with Session(engine) as s:
            if s.exec(select(func.count()).select_from(Evidence)).one():
                raise UsageError("the database named by CONTRACTVAULT_DB_URL already holds a vault",
                                 "one database serves one vault",
                                 "Give the new vault a database (or schema) of its own")
        info = {"format": MARKER_FORMAT, "vault_id": str(uuid.uuid4()),
                "created_at": iso_utc(utc_now()), "db": "external" if url else "sqlite"}
        # The database names its vault, so it is never taken for another vault's.
        stamp_vault_id(engine, info["vault_id"])
        vault = cls(root, engine, passphrase, info)
        try:
            kid = vault.keys.generate()
            vault.keys.activate(kid)
            info["first_key_id"] = kid
            seal_cert = vault.seal_store.create_vault_ca(info["vault_id"])
            atomic_write(paths.marker, json.dumps(info, indent=2) + "\n")
            vault.seal(kind="vault-created", artifacts=[],
                       context={"key_id": kid, "public_key_pem": public_pem(
                           vault.keys.public_key(kid)).decode("ascii"),
                           # Every row that matters is sealed from the first record on, so
                           # verify takes any row no record names for tampering.
                           "state_sealed": True,
                           # The PDF seal's certificate and its vault CA, on the record.
                           "seal_certificate": seal_cert.as_dict()},
                       build_rows=lambda _s: Subject())
            # An empty index with its schema marker, so the first add does not rebuild.
            vault.clause_index.rebuild()
        finally:
            vault.close()

    @classmethod
    def open(cls, root: Path, passphrase: PassphraseProvider = env_passphrase,
             db_url: str | None = None, tsa: TsaConfig | None = None) -> Vault:
        """Open an existing vault; recovers what a killed writer left behind."""
        root = Path(root).expanduser().resolve()
        paths = VaultPaths(root)
        if not paths.marker.is_file():
            raise NotFoundError(f"no vault at {root}", "vault.json is missing",
                                "Run 'contractvault init' or pass --vault PATH")
        try:
            info = json.loads(paths.marker.read_text("utf-8"))
        except ValueError as exc:
            raise ContractVaultError(f"the vault marker {paths.marker} is damaged", str(exc)) from exc
        url = db_url if db_url is not None else os.environ.get(ENV_DB_URL)
        if info.get("db") == "sqlite" and url:
            raise UsageError("CONTRACTVAULT_DB_URL is set, but this vault keeps its database "
                             "in its own SQLite file", "the two would disagree",
                             "Unset CONTRACTVAULT_DB_URL for this vault")
        if info.get("db") == "external" and not url:
            raise UsageError("this vault keeps its metadata in an external database",
                             "CONTRACTVAULT_DB_URL is not set",
                             "Set CONTRACTVAULT_DB_URL to the database the vault was created with")
        engine = make_engine(url, paths.db_file)
        try:
            stamped = cls._check_database_owner(engine, info, bool(url))
            migration_due = needs_migration(engine)
        except sa_exc.DatabaseError as exc:
            engine.dispose()
            if engine.dialect.name != "sqlite":
                raise
            # Random bytes, a truncated copy: not an SQLite database any more.
            raise VerificationError(
                f"the vault's metadata database {paths.db_file} is damaged",
                " ".join(str(getattr(exc, "orig", None) or exc).split()),
                "Restore metadata.sqlite from a backup; the sealed ledger and blobs are "
                "untouched ('contractvault verify' checks them once it opens)") from None
        except BaseException:
            engine.dispose()
            raise
        vault = cls(root, engine, passphrase, info, tsa=tsa)
        # One process at a time migrates and recovers; a sound vault needs neither, and
        # then opening takes no lock (an auditor may open a read-only copy).
        if migration_due or vault.ledger.pending_entries() or not stamped:
            with write_lock(paths.lock_file):
                migrate(engine)
                if not stamped and database_vault_id(engine) == (vault.vault_id, False):
                    # A vault made before databases named their vault: name it now, from
                    # the database's own first record (checked above to be this vault's).
                    stamp_vault_id(engine, vault.vault_id)
                vault.recover_locked()
        return vault

    @staticmethod
    def _check_database_owner(engine: Engine, info: dict[str, Any], external: bool) -> bool:
        """Refuse another vault's database before anything is written; returns whether the
        database already names its vault."""
        owner, stamped = database_vault_id(engine)
        mine = str(info.get("vault_id"))
        if owner is not None and owner != mine:
            raise UsageError(
                f"the database {engine.url.render_as_string(hide_password=True)} belongs to "
                f"another vault ({owner}), not to this one ({mine})",
                "one database serves one vault; using it would mix the two",
                "Set CONTRACTVAULT_DB_URL to the database this vault was created with")
        if owner is None and external:
            raise UsageError(
                f"the database {engine.url.render_as_string(hide_password=True)} holds no vault",
                f"this vault ({mine}) keeps its metadata in another database",
                "Set CONTRACTVAULT_DB_URL to the database this vault was created with")
        return stamped

    def close(self) -> None:
        """Release the database connections, the index and the work folders' locks."""
        if self._clause_index is not None:
            self._clause_index.close()
            self._clause_index = None
        for fd in self._work_locks.values():
            os.close(fd)
        self._work_locks.clear()
        self.engine.dispose()

    def __enter__(self) -> Vault:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A database session (expire_on_commit off: rows stay readable after commit)."""
        with Session(self.engine, expire_on_commit=False) as s:
            yield s

    @property
    def clause_index(self) -> ClauseIndex:
        """The vault's clause index, opened on first use (rebuilt when missing or damaged)."""
        if self._clause_index is None:
            self._clause_index = open_clause_index(self.paths.index, self.engine)
        return self._clause_index

    @property
    def vault_id(self) -> str:
        return str(self.info["vault_id"])

    # --- sealing ------------------------------------------------------------------------

    def seal(self, *, kind: str, artifacts: list[ArtifactSpec], context: dict[str, Any],
             build_rows: RowBuilder) -> Sealed:
        """Seal one record: rows and evidence commit together, then the ledger line.

        `build_rows` adds the database rows the record is about and returns its subject;
        it runs inside the transaction, under the vault's write lock.
        """
        return self.seal_many([SealSpec(kind, artifacts, context, build_rows)])[0]

    def seal_many(self, specs: list[SealSpec]) -> list[Sealed]:
        """Seal several records at once, each a record of its own in the chain: one write
        lock, one transaction, one ledger write and one checkpoint for all of them (a bulk
        `add` pays the fsyncs once per batch instead of once per file).

        The rows of all records commit together: when one row builder fails, none of the
        records is sealed. The batch's pending note (all its entries) is written before the
        commit, so a writer killed at any point leaves what `recover_locked` completes or
        drops.
        """
        if not specs:
            return []
        try:
            # A TSA URL that is refused (file://, from the environment or tsa.json) stops
            # the seal before anything is written; an unreachable TSA only warns, after.
            self.timestamper.config()
        except UsageError:
            raise
        except ContractVaultError:
            pass
        self.keys.signer()  # unlock before taking the lock: a prompt must not block others
        with write_lock(self.paths.lock_file):
            sealed = self._seal_many_locked(specs)
        for one in sealed:
            self._after_seal(one)
        return sealed

    def _prepare_locked(self) -> LedgerEntry | None:
        """Finish what a killed writer left and the key rotation the last record made;
        returns the ledger's last entry. Called with the write lock held."""
        self.recover_locked()
        last = self.ledger.last()
        self._finish_rotation_locked(last)
        return last

    def _seal_locked(self, *, kind: str, artifacts: list[ArtifactSpec], context: dict[str, Any],
                     build_rows: RowBuilder) -> Sealed:
        return self._seal_many_locked([SealSpec(kind, artifacts, context, build_rows)])[0]

    def _seal_many_locked(self, specs: list[SealSpec]) -> list[Sealed]:
        last = self._prepare_locked()
        # Another writer may have rotated the key while we waited for the lock.
        signer = self.keys.signer()
        seq = last.seq + 1 if last else 1
        prev = last.hash if last else GENESIS
        entries: list[LedgerEntry] = []
        sealed: list[Sealed] = []
        with self.session() as s:
            db_max = s.exec(select(func.max(Evidence.seq))).one()
            if (db_max or 0) != (last.seq if last else 0):
                raise VerificationError(
                    "the ledger and the database disagree",
                    f"ledger ends at {last.seq if last else 0}, database at {db_max or 0}",
                    "Run 'contractvault verify' and restore from backup",
                )
            for spec in specs:
                # The builder finds this record's number here, and flushes what it needs
                # ids of; the rest (pages, evidence rows) goes in one flush at the commit.
                s.info[SEAL_SEQ] = seq
                subject = spec.build_rows(s)
                sealed_at = utc_now()
                record = {
                    "v": RECORD_VERSION, "seq": seq, "prev": prev, "kind": spec.kind,
                    "sealed_at": iso_utc(sealed_at), "vault_id": self.vault_id,
                    "key_id": signer.key_id, "tool": f"contractvault {__version__}",
                    "subject": subject.as_dict(),
                    "artifacts": [a.as_dict() for a in spec.artifacts],
                    "context": {**spec.context, **subject.context},
                }
                # The canonical bytes once: hashed, signed and mirrored alike.
                data = record_bytes(record)
                h = sha256_hex(data)
                entry = LedgerEntry(record=record, hash=h, sig=signer.sign(data))
                # Core INSERTs in the transaction's connection, at once (as visible to the
                # next builder as a flushed row would be), without an ORM object for each:
                # nothing in the transaction reads these rows back as objects.
                conn = s.connection()
                conn.execute(Evidence.__table__.insert(), [{  # type: ignore[attr-defined]
                    "seq": seq, "kind": spec.kind, "record_hash": h, "prev_hash": prev,
                    "key_id": signer.key_id, "record_json": data.decode("utf-8"),
                    "signature": entry.sig, "contract_id": subject.contract_id,
                    "document_id": subject.document_id, "sealed_at": sealed_at,
                }])
                if spec.artifacts:
                    conn.execute(EvidenceArtifact.__table__.insert(),  # type: ignore[attr-defined]
                                 [{"evidence_seq": seq, "name": a.name, "media_type": a.media_type,
                                   "sha256": a.sha256, "size": a.size} for a in spec.artifacts])
                if subject.document_id is not None:
                    # The document a record seals points back at it.
                    doc = s.get(Document, subject.document_id)
                    if doc is not None and doc.evidence_seq is None:
                        doc.evidence_seq = seq
                        s.add(doc)
                entries.append(entry)
                sealed.append(Sealed(seq=seq, hash=h, subject=subject, record=record))
                prev, seq = h, seq + 1
            # One note for the batch, before the commit (see recover_locked).
            pending = self.ledger.write_pending_many(entries)
            s.commit()
        self.ledger.append_many(entries)
        self._checkpoint(entries[-1])
        self.ledger.clear_pending_many([pending])
        for entry in entries:
            self._finish_rotation_locked(entry)
        return sealed

    def _after_seal(self, sealed: Sealed) -> None:
        """Trusted time: a token from each configured TSA; failing to get one loses nothing."""
        ref = evidence_ref(sealed.seq)
        try:
            config = self.timestamper.config()
        except ContractVaultError as exc:
            sealed.timestamp_warning = f"{ref} is sealed but has no timestamp: {exc.message}"
            return
        missing: list[str] = []
        for url in config.urls:
            if self.timestamper.is_down(url):
                # One unreachable TSA must not make a bulk add wait out a timeout per file.
                missing.append(f"the TSA at {url} failed moments ago")
                continue
            try:
                # The record bytes the ledger holds are exactly these; their hash is the imprint.
                _, token, info = self.timestamper.stamp(record_bytes(sealed.record), config, url)
                self.store_timestamp(sealed.seq, url, token, info.gen_time)
            except (TsaError, ContractVaultError) as exc:
                missing.append(exc.message)
        if missing:
            sealed.timestamp_warning = (f"{ref} is sealed but lacks a timestamp: "
                                        + "; ".join(missing)
                                        + ". Run 'contractvault timestamp' later")

    def token_urls(self, seq: int) -> set[str]:
        """The TSAs whose tokens record `seq` has."""
        with self.session() as s:
            first = s.get(TimestampToken, seq)
            more = s.exec(select(ExtraTimestampToken.tsa_url)
                          .where(ExtraTimestampToken.evidence_seq == seq)).all()
        return ({first.tsa_url} if first is not None else set()) | set(more)

    def store_timestamp(self, seq: int, url: str, token: bytes, gen_time: datetime) -> None:
        """Keep a checked token: first the file beside the ledger, then the database row.

        The record's first token is `ledger/tokens/<seq>.tsr` (a TimestampToken row); one
        from a further TSA is `<seq>-<tsa id>.tsr` (an ExtraTimestampToken row).
        """
        with self.session() as s:
            first = s.get(TimestampToken, seq)
        if first is None or first.tsa_url == url:
            atomic_write(self.paths.token(seq), token, mode=0o444)
            with self.session() as s:
                if s.get(TimestampToken, seq) is None:
                    s.add(TimestampToken(evidence_seq=seq, tsa_url=url, gen_time=gen_time,
                                         token=token))
                    s.commit()
            return
        tid = tsa_id(url)
        atomic_write(self.paths.token(seq, tid), token, mode=0o444)
        with self.session() as s:
            have = s.exec(select(ExtraTimestampToken).where(
                ExtraTimestampToken.evidence_seq == seq, ExtraTimestampToken.tsa_id == tid)).first()
            if have is None:
                s.add(ExtraTimestampToken(evidence_seq=seq, tsa_id=tid, tsa_url=url,
                                          gen_time=gen_time, token=token))
                s.commit()

    def _finish_rotation_locked(self, last: LedgerEntry | None) -> None:
        """A sealed key-rotation record makes its new key active (also after a crash)."""
        if last is None or last.record.get("kind") != "key-rotation":
            return
        new_kid = str(last.record.get("context", {}).get("new_key_id", ""))
        if new_kid and self.keys.active_id != new_kid \
                and (self.paths.keys / f"{new_kid}.key.pem").is_file():
            self.keys.activate(new_kid)

    def rotate_key(self) -> Sealed:
        """Make a new signing key: a `key-rotation` record signed by the old key names the
        new key's id and public key, then the new key signs from the next record on.

        Old public keys stay in `keys/`, so evidence signed with them stays verifiable.
        """
        self.keys.signer()  # unlock (or fail) before anything is written
        new_kid = self.keys.generate()
        with write_lock(self.paths.lock_file):
            # The old key is the one active now, under the lock: another rotation (or one
            # killed after its seal, before its new key was made active) may have changed
            # it since this process started. The record is signed by the key it names.
            self._prepare_locked()
            old = self.keys.signer()
            sealed = self._seal_locked(
                kind="key-rotation", artifacts=[],
                context={"old_key_id": old.key_id, "new_key_id": new_kid,
                         "public_key_pem": self.keys.public_pem(new_kid).decode("ascii"),
                         "who": self.user},
                build_rows=lambda _s: Subject(),
            )
        self._after_seal(sealed)
        return sealed

    @property
    def checkpoint_origin(self) -> str:
        """The origin (and key name) of the vault's C2SP checkpoint notes."""
        return f"contractvault/{self.vault_id}"

    def _checkpoint(self, head: LedgerEntry) -> None:
        signer = self.keys.signer()
        body = {"seq": head.seq, "head": head.hash, "at": iso_utc(utc_now()),
                "vault_id": self.vault_id, "key_id": signer.key_id}
        self.ledger.append_checkpoint({**body, "sig": signer.sign(canonical_json(body))})
        # The same checkpoint as a C2SP signed note, which witnesses can cosign.
        note = sign_note(checkpoint_text(self.checkpoint_origin, head.seq, head.hash),
                         self.checkpoint_origin, signer.private_key)
        atomic_write(self.paths.ledger / "checkpoint.note", note)

    def recover_locked(self) -> None:
        """Finish or drop what a killed writer left: called with the write lock held."""
        pending = self.ledger.pending_entries()
        if not pending:
            return
        self.ledger.drop_torn_tail()
        last = self.ledger.last()
        # A note may hold several entries (a batch): it is cleared once all of them are
        # done, so a recovery killed half-way leaves the rest noted for the next one.
        for _path, entry in pending:
            if last is not None and entry.seq <= last.seq:
                continue
            with self.session() as s:
                row = s.get(Evidence, entry.seq)
            expected_prev = last.hash if last else GENESIS
            if row is not None and row.record_hash == entry.hash \
                    and entry.record.get("prev") == expected_prev:
                # Committed to the database but not yet in the ledger file: finish it.
                self.ledger.append(entry)
                last = entry
                if self.keys.active_id == entry.record.get("key_id"):
                    # A locked key cannot sign: the next sealing writes the checkpoint.
                    with contextlib.suppress(ContractVaultError):
                        self._checkpoint(entry)
        self.ledger.clear_pending_many(list(dict.fromkeys(path for path, _ in pending)))

    def store_file(self, path: Path, sha256: str | None = None) -> tuple[str, int]:
        """Put a file into the blob store (atomic, read-only, deduplicated)."""
        return self.blobs.put_file(path, sha256)

    def new_temp_dir(self, prefix: str) -> Path:
        """A fresh folder inside the vault for work in progress (same filesystem as blobs).

        This process holds the folder's owner lock until the vault is closed (or the
        process dies), so `doctor` knows at once when the folder's owner is gone.
        """
        self.paths.tmp.mkdir(parents=True, exist_ok=True)
        path = Path(tempfile.mkdtemp(prefix=prefix, dir=self.paths.tmp))
        fd = os.open(path / OWNER_LOCK, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)
        self._work_locks[path] = fd
        return path

    def remove_temp_dir(self, path: Path) -> None:
        """Remove a work folder made by `new_temp_dir` and give up its owner lock."""
        shutil.rmtree(path, ignore_errors=True)
        fd = self._work_locks.pop(path, None)
        if fd is not None:
            os.close(fd)

    @staticmethod
    def work_dir_abandoned(path: Path, now: float | None = None) -> bool:
        """Whether no live process works in the tmp/ folder `path` any more."""
        import time

        lock = path / OWNER_LOCK
        try:
            fd = os.open(lock, os.O_RDWR)
        except FileNotFoundError:
            try:
                age = (now or time.time()) - path.stat().st_mtime
            except FileNotFoundError:
                return False  # removed by its owner meanwhile
            return age > UNOWNED_GRACE_SECONDS
        except OSError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        finally:
            os.close(fd)  # closing releases a lock taken here
        return True
