"""`verify`: re-hash every blob, check every signature, the chain, the checkpoints, the
timestamp tokens, and that the database and the ledger say the same thing.

The ledger file is the authority; the database mirrors it. A failure names the record it
concerns (`E-12`, `D-5`) so a person can look at exactly that. The chain and checkpoint
checks always cover the whole ledger (they are cheap and a break anywhere weakens every
later record); blobs and database rows are checked for the records asked about.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlmodel import select

from contractvault.errors import NotFoundError, UsageError
from contractvault.extract import text_hash
from contractvault.ids import contract_ref, document_ref, evidence_ref, parse_ref
from contractvault.keys import key_id_for, load_public_pem, verify_signature
from contractvault.ledger import GENESIS, RECORD_VERSION, LedgerEntry, record_bytes
from contractvault.models import (
    Contract,
    Document,
    DocumentPage,
    Evidence,
    EvidenceArtifact,
    TimestampToken,
)
from contractvault.util import Progress, canonical_json, iter_file, parse_iso_utc, sha256_hex
from contractvault.vault import Vault

_HEX64 = re.compile(r"^[0-9a-f]{64}$")
# Document fields a record's context may state; each one stated must match the row.
_DOC_CONTEXT_FIELDS = ("doc_type", "source_name", "page_count", "has_text", "text_sha256",
                       "capture_id")


@dataclass
class Failure:
    """One thing that does not hold, naming the record (`E-12`, `D-5`) it concerns."""

    id: str
    what: str
    detail: str

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "what": self.what, "detail": self.detail}


@dataclass
class VerifyReport:
    """The outcome of `verify`: `ok` only when there are no failures (warnings may exist)."""

    checked: int
    failures: list[Failure] = field(default_factory=list)
    warnings: list[Failure] = field(default_factory=list)
    time_source: str = "local-clock"
    head: dict[str, Any] | None = None
    checkpoint: dict[str, Any] | None = None
    blobs: int = 0
    bytes_hashed: int = 0
    timestamps: int = 0

    @property
    def ok(self) -> bool:
        return not self.failures

    def failed_ids(self) -> set[str]:
        """Every id named by a failure."""
        return {f.id for f in self.failures}

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok, "checked": self.checked,
            "failures": [f.as_dict() for f in self.failures],
            "warnings": [w.as_dict() for w in self.warnings],
            "time": self.time_source, "head": self.head, "checkpoint": self.checkpoint,
            "blobs": self.blobs, "bytes_hashed": self.bytes_hashed,
            "timestamps": self.timestamps,
        }


@dataclass
class _Line:
    """One ledger line as found, with what the chain pass learnt about it."""

    pos: int
    raw: bytes
    entry: LedgerEntry | None
    computed: str | None = None  # SHA-256 of the record's canonical JSON
    rb: bytes | None = None  # the record's canonical JSON
    seq: int | None = None


def _utc_naive(moment: datetime) -> datetime:
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def _parse_time(value: Any) -> datetime | None:
    try:
        return _utc_naive(parse_iso_utc(str(value)))
    except ValueError:
        return None


def _ref_pk(value: Any, prefix: str) -> int | None:
    """`D-5` → 5; None for None; -1 for anything malformed (never equals a real key)."""
    if value is None:
        return None
    m = re.fullmatch(prefix + r"-(\d+)", str(value))
    return int(m.group(1)) if m else -1


_PLAIN = re.compile(r"^[0-9A-Za-z+/=]*$")


def _json_str(value: str) -> bytes:
    """canonical_json of a string; hashes and base64 need no escaping, so skip the encoder."""
    if _PLAIN.match(value):
        return b'"' + value.encode("ascii") + b'"'
    return canonical_json(value)


def _canonical_b64(sig: str) -> bool:
    try:
        raw = base64.b64decode(sig, validate=True)
    except (binascii.Error, ValueError):
        return False
    return len(raw) == 64 and base64.b64encode(raw).decode("ascii") == sig


_Hashed = tuple[str, str | None, int]


# Large reads: a hashing thread needs the GIL once per read, and the main thread holds it
# while it checks signatures, so fewer, bigger reads keep the hashing threads busy.
_HASH_CHUNK = 1 << 23


def _hash_blob(sha: str, path: Path, size: int) -> _Hashed:
    try:
        return sha, sha256_hex(iter_file(path, _HASH_CHUNK)), size
    except OSError:
        return sha, None, size


class _Verifier:
    def __init__(self, vault: Vault, progress: Progress | None, workers: int | None) -> None:
        self.vault = vault
        self.progress = progress
        self.workers = workers or max(2, min(4, os.cpu_count() or 1))
        self.failures: list[Failure] = []
        self.warnings: list[Failure] = []
        self.lines: list[_Line] = []
        self.by_seq: dict[int, list[_Line]] = defaultdict(list)
        self.keys: dict[str, Ed25519PublicKey] = {}
        # Key that signed each position, and the key active right after it (for checkpoints).
        self.key_at: dict[int, str] = {}
        self.key_after: dict[int, str] = {}
        self._done = 0
        self._total = 0

    # --- helpers ------------------------------------------------------------------------

    def fail(self, rid: str, what: str, detail: str) -> None:
        self.failures.append(Failure(rid, what, detail))

    def warn(self, rid: str, what: str, detail: str) -> None:
        self.warnings.append(Failure(rid, what, detail))

    def tick(self, n: int = 1) -> None:
        self._done += n
        if self.progress:
            self.progress(min(self._done, self._total), self._total)

    def entry_for(self, seq: int) -> _Line | None:
        """The line at position `seq` if it holds record `seq` (else None)."""
        found = self.by_seq.get(seq)
        return found[0] if found else None

    # --- keys ---------------------------------------------------------------------------

    def _first_key(self) -> str | None:
        kid = self.vault.info.get("first_key_id")
        if not kid:
            self.warn("vault", "key", "vault.json does not name the first key; "
                      "taking it from the vault-created record")
            return None
        kid = str(kid)
        try:
            self.keys[kid] = self.vault.keys.public_key(kid)
        except (OSError, ValueError) as exc:
            self.fail("E-1", "key", f"the vault's first key {kid} cannot be read from keys/: {exc}")
        return kid

    def _learn_key(self, rid: str, kid: str, pem: Any) -> Ed25519PublicKey | None:
        try:
            pub = load_public_pem(str(pem).encode("ascii"))
        except (ValueError, TypeError, UnicodeEncodeError) as exc:
            self.fail(rid, "key", f"the public key of {kid} in the record does not parse: {exc}")
            return None
        if key_id_for(pub) != kid:
            self.fail(rid, "key", f"the public key in the record is not key {kid}")
            return None
        known = self.keys.get(kid)
        if known is not None and key_id_for(known) != kid:
            self.fail(rid, "key", f"keys/{kid}.pub.pem holds another key")
        self.keys.setdefault(kid, pub)
        pub_file = self.vault.paths.keys / f"{kid}.pub.pem"
        try:
            if key_id_for(load_public_pem(pub_file.read_bytes())) != kid:
                self.fail(rid, "key", f"keys/{kid}.pub.pem holds another key than the record names")
        except FileNotFoundError:
            self.warn(rid, "key", f"keys/{kid}.pub.pem is missing (the record's copy is used)")
        except ValueError as exc:
            self.fail(rid, "key", f"keys/{kid}.pub.pem does not parse: {exc}")
        return pub

    # --- pass 1: the chain --------------------------------------------------------------

    def read_ledger(self) -> None:
        path = self.vault.ledger.records
        data = path.read_bytes() if path.exists() else b""
        raws = data.split(b"\n")
        torn = raws.pop()  # after the final newline: empty unless a line was half-written
        if torn:
            raws.append(torn)
            self.fail(evidence_ref(len(raws)), "ledger", "the last ledger line is incomplete "
                      "(no newline at the end): it was cut or half-written")
        for pos, raw in enumerate(raws, start=1):
            try:
                entry = LedgerEntry.parse(raw)
            except (ValueError, TypeError, UnicodeDecodeError) as exc:
                self.lines.append(_Line(pos, raw, None))
                self.fail(evidence_ref(pos), "ledger", f"ledger line {pos} is not a valid entry ({exc})")
                continue
            line = _Line(pos, raw, entry)
            self.lines.append(line)
            seq = entry.record.get("seq") if isinstance(entry.record, dict) else None
            if isinstance(seq, int) and not isinstance(seq, bool):
                line.seq = seq
                self.by_seq[seq].append(line)

    def check_chain(self) -> None:
        first_kid = self._first_key()
        active: str | None = first_kid
        prev = GENESIS
        for line in self.lines:
            pos = line.pos
            entry = line.entry
            if entry is None:
                prev = ""  # the next link cannot be checked against a line that does not parse
                self.tick()
                continue
            rec = entry.record
            rid = evidence_ref(line.seq if line.seq is not None else pos)
            if not isinstance(rec, dict) or not isinstance(entry.hash, str) \
                    or not isinstance(entry.sig, str):
                self.fail(evidence_ref(pos), "ledger", f"ledger line {pos} is not a record")
                prev = ""
                self.tick()
                continue
            # The signed bytes are the record as it stands in the line; re-encoding it (slow
            # for large capture contexts) is only needed when the line is not in the form
            # the ledger writes. Any edit of those bytes breaks the hash and the signature.
            prefix = b'{"hash":' + _json_str(entry.hash) + b',"record":'
            suffix = b',"sig":' + _json_str(entry.sig) + b"}"
            if line.raw.startswith(prefix) and line.raw.endswith(suffix):
                line.rb = line.raw[len(prefix):len(line.raw) - len(suffix)]
            else:
                try:
                    line.rb = record_bytes(rec)
                except (TypeError, ValueError) as exc:
                    self.fail(rid, "ledger", f"ledger line {pos} cannot be canonicalised: {exc}")
                    prev = ""
                    self.tick()
                    continue
                self.fail(rid, "ledger", f"ledger line {pos} is not in the form it was written in "
                          "(it was edited)")
            line.computed = sha256_hex(line.rb)
            if line.seq is None:
                self.fail(evidence_ref(pos), "sequence", f"ledger line {pos} has no sequence number")
            elif line.seq != pos:
                self.fail(evidence_ref(pos), "sequence",
                          f"ledger line {pos} holds E-{line.seq}; E-{pos} belongs there "
                          "(a record was deleted, duplicated or moved)")
                if len(self.by_seq[line.seq]) > 1:
                    self.fail(rid, "sequence", f"E-{line.seq} appears "
                              f"{len(self.by_seq[line.seq])} times in the ledger")
            if rec.get("v") != RECORD_VERSION:
                self.fail(rid, "record", f"unknown record version {rec.get('v')!r}")
            if entry.hash != line.computed:
                self.fail(rid, "hash", "the record does not match its hash: its content was changed")
            if rec.get("prev") != prev:
                self.fail(rid, "chain", f"the record's previous-hash link {str(rec.get('prev'))[:16]}… "
                          f"does not match the record before it ({prev[:16] or '?'}…)")
            prev = line.computed
            if rec.get("vault_id") != self.vault.vault_id:
                self.fail(rid, "record", f"the record names vault {rec.get('vault_id')}, "
                          f"not this vault ({self.vault.vault_id})")
            kid = str(rec.get("key_id"))
            ctx = rec.get("context") if isinstance(rec.get("context"), dict) else {}
            if pos == 1:
                if rec.get("kind") != "vault-created":
                    self.fail(rid, "record", "the first record is not the vault-created record")
                elif active is None:
                    active = str(ctx.get("key_id"))
                if ctx.get("key_id") != active:
                    self.fail(rid, "key", f"the vault-created record names key {ctx.get('key_id')}, "
                              f"vault.json names {active}")
                if rec.get("kind") == "vault-created":
                    self._learn_key(rid, str(ctx.get("key_id")), ctx.get("public_key_pem"))
            elif rec.get("kind") == "vault-created":
                self.fail(rid, "record", "a second vault-created record")
            self.key_at[pos] = kid
            if kid != active:
                self.fail(rid, "key", f"signed by key {kid}, but key {active} was the active key "
                          "at this point of the chain")
            pub = self.keys.get(kid)
            sig_ok = False
            if pub is None:
                self.fail(rid, "signature", f"signed by key {kid}, which the vault does not know")
            elif not _canonical_b64(entry.sig):
                self.fail(rid, "signature", "the signature is not a canonical base64 Ed25519 signature")
            elif not verify_signature(pub, entry.sig, line.rb):
                self.fail(rid, "signature", f"the signature does not verify with key {kid}")
            else:
                sig_ok = True
            if rec.get("kind") == "key-rotation":
                new_kid = str(ctx.get("new_key_id"))
                if ctx.get("old_key_id") != kid:
                    self.fail(rid, "key", f"the rotation names old key {ctx.get('old_key_id')} but "
                              f"is signed by {kid}")
                if sig_ok and kid == active and \
                        self._learn_key(rid, new_kid, ctx.get("public_key_pem")) is not None:
                    active = new_kid
            self.key_after[pos] = active or ""
            self.tick()

    # --- pass 2: checkpoints ------------------------------------------------------------

    def check_checkpoint(self, cp: dict[str, Any], label: str, rid_fallback: str,
                         body_bytes: bytes | None = None) -> dict[str, Any]:
        """Check one checkpoint (`body_bytes`: its signed bytes, if already known)."""
        seq = cp.get("seq")
        if not isinstance(seq, int) or isinstance(seq, bool):
            self.fail(rid_fallback, "checkpoint", f"{label} has no sequence number")
            return {}
        rid = evidence_ref(seq)
        if body_bytes is None:
            body_bytes = canonical_json({k: v for k, v in cp.items() if k != "sig"})
        kid = str(cp.get("key_id"))
        pub = self.keys.get(kid)
        sig = cp.get("sig")
        if pub is None:
            self.fail(rid, "checkpoint", f"{label} is signed by key {kid}, which the vault does not know")
        elif not isinstance(sig, str) or not _canonical_b64(sig) \
                or not verify_signature(pub, sig, body_bytes):
            self.fail(rid, "checkpoint", f"the signature of {label} does not verify")
        elif seq in self.key_at and kid not in (self.key_at[seq], self.key_after.get(seq)):
            self.fail(rid, "checkpoint", f"{label} is signed by key {kid}, which was not active at E-{seq}")
        if cp.get("vault_id") != self.vault.vault_id:
            self.fail(rid, "checkpoint", f"{label} belongs to another vault")
        end = len(self.lines)
        if seq > end:
            self.fail(rid, "truncated", f"{label} covers E-{seq}, but the ledger ends at E-{end}: "
                      "records were cut off the end")
        elif seq < 1:
            self.fail(rid_fallback, "checkpoint", f"{label} names E-{seq}")
        else:
            line = self.lines[seq - 1]
            if line.computed is None or line.computed != cp.get("head"):
                self.fail(rid, "checkpoint", f"{label} says E-{seq} has hash "
                          f"{str(cp.get('head'))[:16]}…, the ledger's record there hashes to "
                          f"{(line.computed or '?')[:16]}…: the ledger was rewritten")
        return {"seq": seq, "head": cp.get("head"), "at": cp.get("at"), "key_id": kid}

    def check_checkpoints(self, external: dict[str, Any] | None) -> dict[str, Any] | None:
        path = self.vault.ledger.checkpoints
        raws = path.read_bytes().split(b"\n") if path.exists() else []
        if raws and raws[-1] == b"":
            raws.pop()
        last_seq = 0
        latest: dict[str, Any] | None = None
        for n, raw in enumerate(raws, start=1):
            label = f"checkpoint {n}"
            try:
                cp = json.loads(raw)
                if not isinstance(cp, dict):
                    raise ValueError("not an object")
            except ValueError as exc:
                self.fail(f"checkpoint-{n}", "checkpoint", f"{label} does not parse ({exc})")
                continue
            # The signed bytes are the line without its signature member. Taken from the line
            # as written (not re-encoded), so an edit anywhere in it breaks the signature.
            sig = cp.get("sig")
            member = b',"sig":' + _json_str(sig) if isinstance(sig, str) else b""
            body_bytes = raw.replace(member, b"", 1) if member and member in raw else None
            summary = self.check_checkpoint(cp, label, f"checkpoint-{n}", body_bytes)
            seq = summary.get("seq")
            if isinstance(seq, int):
                if seq < last_seq:
                    self.fail(evidence_ref(seq), "checkpoint",
                              f"{label} (E-{seq}) comes after a checkpoint of E-{last_seq}")
                last_seq = max(last_seq, seq)
                if latest is None or seq >= latest["seq"]:
                    latest = summary
        if external is not None:
            self.check_checkpoint(external, "the checkpoint you kept", "checkpoint")
        end = len(self.lines)
        if end and last_seq < end:
            self.warn(evidence_ref(end), "checkpoint",
                      f"E-{last_seq + 1}..E-{end} are not yet covered by a checkpoint")
        return latest

    # --- pass 3: the database -----------------------------------------------------------

    def check_database(self, seqs: set[int], doc_pks: set[int] | None,
                       rows: dict[int, Evidence], arts: dict[int, list[EvidenceArtifact]],
                       docs: dict[int, Document]) -> None:
        for seq in sorted(seqs):
            rid = evidence_ref(seq)
            line = self.entry_for(seq)
            row = rows.get(seq)
            if line is None or line.entry is None:
                if row is not None:
                    self.fail(rid, "database", "the database has this record, the ledger does not")
                continue
            if row is None:
                self.fail(rid, "database", "the ledger has this record, the database does not")
                continue
            rec = line.entry.record
            rec_bytes = line.rb
            if rec_bytes is None:
                continue  # already reported by the chain pass
            subj = rec.get("subject") if isinstance(rec.get("subject"), dict) else {}
            mismatches = []
            if row.record_json.encode("utf-8") != rec_bytes:
                mismatches.append("record_json")
            if row.record_hash != line.entry.hash or row.record_hash != line.computed:
                mismatches.append("record_hash")
            if row.signature != line.entry.sig:
                mismatches.append("signature")
            if row.prev_hash != rec.get("prev"):
                mismatches.append("prev_hash")
            if row.key_id != rec.get("key_id"):
                mismatches.append("key_id")
            if row.kind != rec.get("kind"):
                mismatches.append("kind")
            if row.contract_id != _ref_pk(subj.get("contract_id"), "C"):
                mismatches.append("contract_id")
            if row.document_id != _ref_pk(subj.get("document_id"), "D"):
                mismatches.append("document_id")
            sealed = _parse_time(rec.get("sealed_at"))
            if sealed is None or _utc_naive(row.sealed_at) != sealed:
                mismatches.append("sealed_at")
            if mismatches:
                self.fail(rid, "database", "the database row differs from the ledger in "
                          + ", ".join(mismatches))
            want = sorted(
                (str(a.get("name")), str(a.get("media_type")), str(a.get("sha256")), a.get("size"))
                for a in rec.get("artifacts", []) if isinstance(a, dict))
            have = sorted((a.name, a.media_type, a.sha256, a.size) for a in arts.get(seq, []))
            if want != have:
                self.fail(rid, "artifacts", f"the database lists {len(have)} artifact(s) that differ "
                          f"from the {len(want)} the record seals")
            doc_pk = _ref_pk(subj.get("document_id"), "D")
            if doc_pk is not None and doc_pk not in docs:
                self.fail(rid, "document", f"the record is about {subj.get('document_id')}, which "
                          "is not in the database")
        for seq in sorted(set(arts) - set(rows)):
            if seq in seqs or self.entry_for(seq) is None:
                self.fail(evidence_ref(seq), "artifacts",
                          "the database has artifacts of a record it does not have")
        for pk in sorted(docs if doc_pks is None else doc_pks):
            doc = docs.get(pk)
            if doc is not None:
                self._check_document(doc)

    def _check_document(self, doc: Document) -> None:
        did = document_ref(doc.id or 0)
        if doc.evidence_seq is None:
            self.fail(did, "document", "the document has no evidence record")
            return
        line = self.entry_for(doc.evidence_seq)
        if line is None or line.entry is None or not isinstance(line.entry.record, dict):
            self.fail(did, "document", f"its evidence record E-{doc.evidence_seq} is not in the ledger")
            return
        rec = line.entry.record
        subj = rec.get("subject") if isinstance(rec.get("subject"), dict) else {}
        ctx = rec.get("context") if isinstance(rec.get("context"), dict) else {}
        eid = evidence_ref(doc.evidence_seq)
        if subj.get("document_id") != did:
            self.fail(did, "document", f"its evidence record {eid} is about "
                      f"{subj.get('document_id')}, not {did}")
            return
        diffs = []
        if subj.get("contract_id") != contract_ref(doc.contract_id):
            diffs.append(f"contract ({contract_ref(doc.contract_id)} here, "
                         f"{subj.get('contract_id')} sealed)")
        sealed_supersedes = subj.get("supersedes")
        if (document_ref(doc.supersedes_id) if doc.supersedes_id else None) != sealed_supersedes:
            diffs.append("supersedes")
        match = [a for a in rec.get("artifacts", [])
                 if isinstance(a, dict) and a.get("sha256") == doc.blob_sha256]
        if not match:
            diffs.append(f"blob ({doc.blob_sha256[:16]}… is not sealed by {eid})")
        else:
            art = match[0]
            if art.get("size") != doc.size:
                diffs.append("size")
            if art.get("media_type") != doc.media_type:
                diffs.append("media_type")
        for name in _DOC_CONTEXT_FIELDS:
            if name in ctx and ctx[name] != getattr(doc, name):
                diffs.append(name)
        if diffs:
            self.fail(did, "document", f"the database row differs from {eid} in " + ", ".join(diffs))

    def check_pages(self, doc_pks: Iterable[int], docs: dict[int, Document]) -> None:
        """The text that search shows must be the text that was extracted and sealed."""
        pages: dict[int, list[tuple[int, str]]] = defaultdict(list)
        wanted = [pk for pk in doc_pks if pk in docs]
        with self.vault.session() as s:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start:start + 500]
                for p in s.exec(select(DocumentPage).where(
                        DocumentPage.document_id.in_(chunk))).all():  # type: ignore[attr-defined]
                    pages[p.document_id].append((p.page_no, p.text))
        for pk in wanted:
            doc = docs[pk]
            got = [t for _, t in sorted(pages.get(pk, []))]
            if len(got) != doc.page_count or text_hash(got) != doc.text_sha256:
                self.fail(document_ref(pk), "text", "the stored page text is not the text that "
                          "was extracted and sealed")

    # --- pass 4: blobs ------------------------------------------------------------------

    def start_blobs(self, refs: dict[str, set[str]], pool: ThreadPoolExecutor) -> list[Future[_Hashed]]:
        """Start hashing each referenced blob once, in worker threads (hashlib releases the
        GIL), so the signature and database checks run while the disk and cores hash."""
        jobs: list[tuple[str, Path, int]] = []
        for sha in sorted(refs):
            if not _HEX64.match(sha):
                for rid in sorted(refs[sha]):
                    self.fail(rid, "blob", f"'{sha[:70]}' is not a SHA-256 hash")
                continue
            path = self.vault.blobs.path_for(sha)
            try:
                size = path.stat().st_size
            except OSError:
                for rid in sorted(refs[sha]):
                    self.fail(rid, "blob", f"blob {sha[:16]}… is missing from the blob store")
                continue
            jobs.append((sha, path, size))
        jobs.sort(key=lambda t: -t[2])  # largest first: the threads finish together
        return [pool.submit(_hash_blob, sha, path, size) for sha, path, size in jobs]

    def finish_blobs(self, refs: dict[str, set[str]], sizes: dict[str, set[int]],
                     futures: list[Future[_Hashed]]) -> int:
        """Collect the hashes; returns the bytes hashed."""
        total_bytes = 0
        self.tick(len(refs) - len(futures))  # the malformed and missing ones
        for fut in futures:
            sha, got, size = fut.result()
            total_bytes += size
            if got is None:
                for rid in sorted(refs[sha]):
                    self.fail(rid, "blob", f"blob {sha[:16]}… cannot be read")
            elif got != sha:
                for rid in sorted(refs[sha]):
                    self.fail(rid, "blob", f"blob {sha[:16]}… was changed: its content now "
                              f"hashes to {got[:16]}…")
            elif sizes.get(sha) and sizes[sha] != {size}:
                for rid in sorted(refs[sha]):
                    self.fail(rid, "blob", f"blob {sha[:16]}… has {size} bytes, the record "
                              f"says {sorted(sizes[sha])}")
            self.tick()
        return total_bytes

    # --- pass 5: timestamps -------------------------------------------------------------

    def check_timestamps(self, seqs: set[int]) -> tuple[int, str]:
        from contractvault.tsa import CLOCK_SKEW_SECONDS, check_token, tsa_config

        config = tsa_config(self.vault)
        anchors = config.anchors()
        with self.vault.session() as s:
            rows = {r.evidence_seq: r for r in s.exec(select(TimestampToken)).all()}
        token_dir = self.vault.paths.ledger / "tokens"
        files: dict[int, Path] = {}
        if token_dir.is_dir():
            for p in token_dir.glob("*.tsr"):
                if p.stem.isdigit():
                    files[int(p.stem)] = p
        good = 0
        stray = (set(rows) | set(files)) - {ln.pos for ln in self.lines}
        for seq in sorted(stray):
            self.fail(evidence_ref(seq), "timestamp", "a timestamp token for a record the ledger "
                      "does not have")
        note_missing_ca = False
        for seq in sorted(seqs):
            rid = evidence_ref(seq)
            row, path = rows.get(seq), files.get(seq)
            if row is None and path is None:
                continue
            file_bytes = path.read_bytes() if path is not None else None
            if row is not None and file_bytes is not None and bytes(row.token) != file_bytes:
                self.fail(rid, "timestamp", "the token file and the database copy differ")
            if row is None:
                self.warn(rid, "timestamp", "the token file has no database row; "
                          "'contractvault timestamp' adopts it")
            elif file_bytes is None:
                self.fail(rid, "timestamp", f"ledger/tokens/{seq}.tsr is missing "
                          "(the database still has the token)")
            token = bytes(row.token) if row is not None else file_bytes
            assert token is not None
            line = self.entry_for(seq)
            if line is None or line.computed is None:
                continue
            check = check_token(token, line.computed, anchors)
            for problem in check.problems:
                self.fail(rid, "timestamp", problem)
            if check.notes:
                note_missing_ca = True
            if check.info is None or check.problems:
                continue
            if row is not None and abs(_utc_naive(row.gen_time) - _utc_naive(check.info.gen_time)) \
                    > timedelta(seconds=1):
                self.fail(rid, "timestamp", "the database's time of the token differs from the token")
            sealed = _parse_time(line.entry.record.get("sealed_at")) if line.entry else None
            gen = _utc_naive(check.info.gen_time)
            if sealed is not None and sealed - gen > timedelta(seconds=CLOCK_SKEW_SECONDS):
                self.warn(rid, "timestamp", f"the vault's clock said {sealed.isoformat()}Z, the TSA "
                          f"said {gen.isoformat()}Z: the local clock was ahead")
            good += 1
        if note_missing_ca:
            self.warn("tsa", "timestamp", "no TSA CA certificate is pinned, so token signatures were "
                      "not checked; pin one with 'contractvault key tsa URL --ca FILE'")
        missing = [q for q in sorted(seqs) if q not in rows and q not in files]
        if config.url or rows or files:
            for q in missing:
                self.warn(evidence_ref(q), "timestamp", "no timestamp: the sealing time rests on "
                          "the local clock ('contractvault timestamp' asks the TSA again)")
        if seqs and good == len(seqs):
            source = "tsa"
        elif good:
            source = "partly-tsa"
        else:
            source = "local-clock"
            if not (config.url or rows or files):
                self.warn("vault", "time", "no TSA is configured: sealing times rest on the local "
                          "clock of the computer that sealed them")
        return good, source


# --- selection -------------------------------------------------------------------------


def _select(vault: Vault, v: _Verifier, ref: str | None, rows: dict[int, Evidence],
            docs: dict[int, Document]) -> tuple[set[int], set[int] | None]:
    """The records and documents `ref` asks about (all when None)."""
    ledger_seqs = {ln.seq for ln in v.lines if ln.seq is not None}
    if ref is None:
        return ledger_seqs | set(rows), None
    kind, pk = parse_ref(ref)

    def subject_of(line: _Line) -> dict[str, Any]:
        rec = line.entry.record if line.entry is not None else None
        subj = rec.get("subject") if isinstance(rec, dict) else None
        return subj if isinstance(subj, dict) else {}

    if kind == "evidence":
        if pk not in ledger_seqs and pk not in rows:
            raise NotFoundError(f"no evidence record {ref}", "", "Run 'contractvault verify' "
                                "without an id to check the whole vault")
        seqs = {pk}
        doc_pks = {d.id for d in docs.values() if d.evidence_seq == pk and d.id is not None}
        for line in v.by_seq.get(pk, []):
            dpk = _ref_pk(subject_of(line).get("document_id"), "D")
            if dpk:
                doc_pks.add(dpk)
        if pk in rows and rows[pk].document_id:
            doc_pks.add(int(rows[pk].document_id or 0))
        return seqs, doc_pks
    if kind == "document":
        ref_text = document_ref(pk)
        seqs = {ln.seq for ln in v.lines if ln.seq is not None
                and subject_of(ln).get("document_id") == ref_text}
        seqs |= {q for q, r in rows.items() if r.document_id == pk}
        if pk in docs and docs[pk].evidence_seq is not None:
            seqs.add(int(docs[pk].evidence_seq or 0))
        if pk not in docs and not seqs:
            raise NotFoundError(f"no document {ref}", "", "Run 'contractvault list' to see ids")
        return seqs, {pk}
    ref_text = contract_ref(pk)
    with vault.session() as s:
        exists = s.get(Contract, pk) is not None
    seqs = {ln.seq for ln in v.lines if ln.seq is not None
            and subject_of(ln).get("contract_id") == ref_text}
    seqs |= {q for q, r in rows.items() if r.contract_id == pk}
    doc_pks = {d.id for d in docs.values() if d.contract_id == pk and d.id is not None}
    if not exists and not seqs:
        raise NotFoundError(f"no contract {ref}", "", "Run 'contractvault list'")
    return seqs, doc_pks


# --- entry points ----------------------------------------------------------------------


def parse_checkpoint(data: bytes, sig_file: bytes | None = None) -> dict[str, Any]:
    """A checkpoint someone kept: one line of `ledger/checkpoints.jsonl` (the last line of a
    whole file), or an export's `checkpoint.json` with its raw signature `checkpoint.sig`."""
    lines = [ln for ln in data.strip().splitlines() if ln.strip()]
    if not lines:
        raise UsageError("the checkpoint file is empty", "", "Give a line of checkpoints.jsonl")
    try:
        obj = json.loads(lines[-1]) if len(lines) > 1 else json.loads(data)
    except ValueError as exc:
        raise UsageError("the checkpoint file is not JSON", str(exc),
                         "Give one line of ledger/checkpoints.jsonl or an export's checkpoint") from exc
    if isinstance(obj, dict) and "sig" not in obj and sig_file is not None:
        obj["sig"] = base64.b64encode(sig_file).decode("ascii")
    if not isinstance(obj, dict) or not {"seq", "head", "key_id", "sig"} <= obj.keys():
        raise UsageError("the file is not a checkpoint", "it needs seq, head, key_id and sig "
                         "(for an export's checkpoint.json, keep checkpoint.sig beside it)")
    return obj


def load_checkpoint(path: Path) -> dict[str, Any]:
    """`parse_checkpoint` of a file; an export's `checkpoint.sig` beside it is used too."""
    try:
        data = path.read_bytes()
        sig_path = path.with_suffix(".sig")
        sig = sig_path.read_bytes() if sig_path.is_file() else None
    except OSError as exc:
        raise UsageError(f"cannot read {path}", str(exc)) from exc
    return parse_checkpoint(data, sig)


def verify(vault: Vault, ref: str | None = None, *, progress: Progress | None = None,
           checkpoint: dict[str, Any] | None = None, workers: int | None = None) -> VerifyReport:
    """Check the vault (or the records of one contract, document or evidence id).

    Re-hashes every blob once (in parallel), checks every signature against the key that
    was active at its place in the chain, the prev links and contiguous sequence numbers,
    the signed checkpoints (one beyond the ledger's end means records were cut off), the
    timestamp tokens, and that each database row equals what its ledger record says.
    `checkpoint` is an older checkpoint kept elsewhere, checked against today's ledger.
    """
    v = _Verifier(vault, progress, workers)
    v.read_ledger()
    with vault.session() as s:
        rows = {r.seq: r for r in s.exec(select(Evidence)).all()}
        arts: dict[int, list[EvidenceArtifact]] = defaultdict(list)
        for a in s.exec(select(EvidenceArtifact)).all():
            arts[a.evidence_seq].append(a)
        docs = {d.id: d for d in s.exec(select(Document)).all() if d.id is not None}
    seqs, doc_pks = _select(vault, v, ref, rows, docs)

    # Blobs to hash: the sealed artifacts of the chosen records and their documents' blobs.
    refs: dict[str, set[str]] = defaultdict(set)
    sizes: dict[str, set[int]] = defaultdict(set)
    for seq in seqs:
        for line in v.by_seq.get(seq, []):
            rec = line.entry.record if line.entry is not None else {}
            for a in rec.get("artifacts", []) if isinstance(rec, dict) else []:
                if isinstance(a, dict):
                    sha = str(a.get("sha256"))
                    refs[sha].add(evidence_ref(seq))
                    if isinstance(a.get("size"), int):
                        sizes[sha].add(a["size"])
    chosen_docs = set(docs) if doc_pks is None else doc_pks
    for pk in chosen_docs:
        if pk in docs:
            refs[docs[pk].blob_sha256].add(document_ref(pk))

    v._total = len(v.lines) + len(refs)
    if progress:
        progress(0, v._total)
    # Blobs hash in worker threads (hashlib releases the GIL) while this thread checks
    # signatures, the chain and the rows.
    with ThreadPoolExecutor(max_workers=v.workers, thread_name_prefix="cv-verify") as pool:
        futures = v.start_blobs(refs, pool)
        v.check_chain()
        latest = v.check_checkpoints(checkpoint)
        v.check_database(seqs, doc_pks, rows, arts, docs)
        v.check_pages(chosen_docs, docs)
        ntokens, source = v.check_timestamps(seqs)
        nbytes = v.finish_blobs(refs, sizes, futures)
    nblobs = len(refs)
    last = v.lines[-1] if v.lines else None
    head = {"seq": len(v.lines), "hash": last.computed} if last is not None else None
    failures = _dedupe(v.failures)
    return VerifyReport(checked=len(seqs), failures=failures, warnings=_dedupe(v.warnings),
                        time_source=source, head=head, checkpoint=latest, blobs=nblobs,
                        bytes_hashed=nbytes, timestamps=ntokens)


def _dedupe(items: list[Failure]) -> list[Failure]:
    seen: set[tuple[str, str, str]] = set()
    out = []
    for f in items:
        key = (f.id, f.what, f.detail)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out
