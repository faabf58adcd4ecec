"""`export evidence`: a self-contained bundle a third party can check with openssl and
sha256sum alone, without ContractVault.

Layout inside the zip (one top folder `evidence-E-<seq>/`):
- `manifest.json` / `manifest.sig`: the record's exact canonical JSON and its raw 64-byte
  Ed25519 signature; `public-key.pem`: the key that signed it.
- `artifacts/NN-<name>`: the sealed files, in the record's order.
- `ledger/NNNNNN.json` + `.sig`: the records from this one up to the checkpoint.
- `checkpoint.json` / `checkpoint.sig`: the checkpoint's signed body and signature.
- `key-history/NNNNNN.json` + `.sig`: the vault-created and key-rotation records, so
  the signing key can be traced to the vault's first key; `keys/<id>.pem`: those keys.
- `timestamp.tsr` + `tsa-ca.pem`: the RFC 3161 token and the pinned TSA CA, if any.
- `SHA256SUMS`, `VERIFY.md` (Swedish and English), `verify.sh` (POSIX sh).
"""

from __future__ import annotations

import base64
import re
import zipfile
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any

from sqlmodel import select

from contractvault.errors import (
    ContractVaultError,
    NotFoundError,
    RefusedError,
    UsageError,
    VerificationError,
)
from contractvault.evidence.timestamps import certs_pem, token_path, tsa_config
from contractvault.evidence.verify import verify
from contractvault.ids import document_ref, evidence_ref, parse_ref
from contractvault.models import Contract, Document, ExtraTimestampToken, TimestampToken
from contractvault.storage.keys import public_pem
from contractvault.storage.ledger import LedgerEntry, record_bytes
from contractvault.util import (
    canonical_json,
    new_output_file,
    output_writer,
    parse_iso_utc,
    sha256_file,
    sha256_hex,
)
from contractvault.vault import Vault

_UNSAFE = re.compile(r"[^\w.\-]+", re.UNICODE)


@dataclass
class EvidenceBundle:
    """What was exported."""

    path: Path
    evidence_id: str
    document_id: str | None
    contract_id: str | None
    checkpoint_id: str
    excerpt: tuple[int, int]
    timestamp: bool
    files: list[str] = field(default_factory=list)
    sha256: str = ""
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"path": str(self.path), "evidence_id": self.evidence_id,
                "document_id": self.document_id, "contract_id": self.contract_id,
                "checkpoint": self.checkpoint_id,
                "excerpt": [evidence_ref(self.excerpt[0]), evidence_ref(self.excerpt[1])],
                "timestamp": self.timestamp, "files": self.files, "sha256": self.sha256,
                "notes": self.notes}


def _safe_name(name: str) -> str:
    cleaned = _UNSAFE.sub("_", Path(name).name).strip("._") or "file"
    return cleaned[:120]


def _template(name: str) -> str:
    return (resources.files("contractvault") / "data" / "bundle" / name).read_text("utf-8")


def _resolve(vault: Vault, ref: str) -> tuple[int, str | None]:
    """(evidence seq, document id) of a D-… or E-… reference."""
    kind, pk = parse_ref(ref)
    with vault.session() as s:
        if kind == "document":
            doc = s.get(Document, pk)
            if doc is None:
                raise NotFoundError(f"no document {ref}", "", "Run 'contractvault list' to see ids")
            if doc.evidence_seq is None:
                raise VerificationError(f"{document_ref(pk)} has no evidence record",
                                        "it was never sealed", "Run 'contractvault verify'")
            return int(doc.evidence_seq), document_ref(pk)
        if kind == "evidence":
            return pk, None
    raise UsageError(f"'{ref}' is a contract id", "export evidence takes a document (D-…) or "
                     "evidence (E-…) id", "Run 'contractvault show ID' to see its documents")


def _entries(vault: Vault) -> list[LedgerEntry | None]:
    """The ledger's entries by position; None for a line that does not parse (verify names
    it; the excerpt of an earlier record stops before it)."""
    return [None if isinstance(item, ValueError) else item for item in vault.ledger.entries()]


def export_evidence(vault: Vault, ref: str, out: Path | str, *, include_secret: bool = False,
                    force: bool = False) -> EvidenceBundle:
    """Write the evidence bundle of a document or evidence record to the zip file `out`.

    Refused (RefusedError) for a contract marked secret unless `include_secret`; the
    ledger excerpt then also stops before any later record of a secret contract, so no
    file names of secret contracts leak into the bundle. Raises VerificationError when
    the record does not verify: a bundle is only made of evidence that holds. `out` is
    never overwritten unless `force`, and then only a regular file (`new_output_file`).
    """
    out = new_output_file(out, force)
    seq, doc_id = _resolve(vault, ref)
    all_entries = _entries(vault)
    found = all_entries[seq - 1] if 1 <= seq <= len(all_entries) else None
    if found is None or found.seq != seq:
        raise NotFoundError(f"no evidence record {evidence_ref(seq)} in the ledger", "",
                            "Run 'contractvault verify'")
    entry = found
    subject = entry.record.get("subject") or {}
    contract_id = subject.get("contract_id")
    with vault.session() as s:
        secret = {f"C-{c.id}": c for c in s.exec(select(Contract).where(Contract.secret == True)).all()}  # noqa: E712
        token_row = s.get(TimestampToken, seq)
        extra_rows = list(s.exec(select(ExtraTimestampToken)
                                 .where(ExtraTimestampToken.evidence_seq == seq)
                                 .order_by(ExtraTimestampToken.id)).all())
    if contract_id in secret and not include_secret:
        raise RefusedError(f"{contract_id} is marked secret (sekretess)",
                           f"its evidence {evidence_ref(seq)} is not exported by default",
                           "Add --include-secret if the recipient may see it")
    if doc_id is None and subject.get("document_id"):
        doc_id = str(subject["document_id"])

    report = verify(vault, evidence_ref(seq), index=False)
    if not report.ok:
        first = report.failures[0]
        raise VerificationError(f"{evidence_ref(seq)} does not verify, so it is not exported",
                                f"{first.id}: {first.detail}", "Run 'contractvault verify'")

    # The excerpt ends at the latest checkpoint, but never reaches into a secret contract,
    # nor into a later record that does not verify (it does not weaken this one, and the
    # bundle must hold only what verifies).
    notes: list[str] = []
    bad_later = sorted({q for q in report.later_seqs() if q > seq}
                       | {n for n, e in enumerate(all_entries, start=1) if e is None and n > seq})
    entries: list[LedgerEntry] = []
    for e in all_entries:
        if e is None:
            break
        entries.append(e)
    limit = len(entries)
    if bad_later:
        limit = bad_later[0] - 1
        notes.append(f"the excerpt stops before {evidence_ref(bad_later[0])}, which does not verify "
                     "(run 'contractvault verify')")
    if not include_secret:
        for e in entries[seq:limit]:
            if (e.record.get("subject") or {}).get("contract_id") in secret:
                limit = e.seq - 1
                notes.append(f"the excerpt stops before {evidence_ref(e.seq)}, which concerns a "
                             "secret contract")
                break
    checkpoint = None
    for cp in vault.ledger.checkpoint_lines():
        if isinstance(cp, dict) and isinstance(cp.get("seq"), int) and seq <= cp["seq"] <= limit \
                and (checkpoint is None or cp["seq"] >= checkpoint["seq"]):
            checkpoint = cp
    if checkpoint is None:
        raise ContractVaultError(f"no checkpoint covers {evidence_ref(seq)} yet",
                                 "the vault was interrupted before it wrote one",
                                 "Seal anything (e.g. add a file) to write a checkpoint, then export again")
    excerpt = entries[seq - 1:checkpoint["seq"]]

    token = bytes(token_row.token) if token_row is not None else None
    if token is None and token_path(vault, seq).is_file():
        token = token_path(vault, seq).read_bytes()
    anchors = tsa_config(vault, strict=False).anchors()
    if token is not None and not anchors:
        notes.append("the record has a timestamp token, but no TSA CA certificate is pinned, so it "
                     "is left out (pin one with 'contractvault key tsa URL --ca FILE')")
        token = None
    # Tokens from further TSAs: timestamp-2.tsr, timestamp-3.tsr, … (verify.sh checks each).
    more_tokens = [bytes(r.token) for r in extra_rows] if token is not None else []

    files: dict[str, bytes | Path] = {}
    files["manifest.json"] = record_bytes(entry.record)
    files["manifest.sig"] = base64.b64decode(entry.sig)
    kid = str(entry.record["key_id"])
    files["public-key.pem"] = public_pem(vault.keys.public_key(kid))
    artifacts_md, artifact_cmds = [], []
    for n, art in enumerate(entry.record.get("artifacts", []), start=1):
        name = f"artifacts/{n:02d}-{_safe_name(str(art['name']))}"
        files[name] = vault.blobs.open(str(art["sha256"]))
        artifacts_md.append(f"   - `{name}`: {art['size']} bytes, SHA-256 `{art['sha256']}`, "
                            f"`{art['media_type']}`")
        artifact_cmds.append(f"    sha256sum {name}   # {art['sha256']}")
    used_keys = {kid, str(checkpoint["key_id"])}
    for e in excerpt:
        files[f"ledger/{e.seq:06d}.json"] = record_bytes(e.record)
        files[f"ledger/{e.seq:06d}.sig"] = base64.b64decode(e.sig)
        used_keys.add(str(e.record["key_id"]))
        if e.record.get("kind") == "key-rotation":
            used_keys.add(str(e.record["context"]["new_key_id"]))
    for e in entries[:checkpoint["seq"]]:
        if e.record.get("kind") in ("vault-created", "key-rotation"):
            files[f"key-history/{e.seq:06d}.json"] = record_bytes(e.record)
            files[f"key-history/{e.seq:06d}.sig"] = base64.b64decode(e.sig)
            used_keys.add(str(e.record["key_id"]))
    for k in sorted(used_keys):
        files[f"keys/{k}.pem"] = public_pem(vault.keys.public_key(k))
    body = {k: v for k, v in checkpoint.items() if k != "sig"}
    files["checkpoint.json"] = canonical_json(body)
    files["checkpoint.sig"] = base64.b64decode(checkpoint["sig"])
    if token is not None:
        files["timestamp.tsr"] = token
        for n, extra in enumerate(more_tokens, start=2):
            files[f"timestamp-{n}.tsr"] = extra
        files["tsa-ca.pem"] = certs_pem(anchors)

    files["VERIFY.md"] = _verify_md(vault, entry, doc_id, checkpoint, excerpt, token,
                                    len(more_tokens), artifacts_md, artifact_cmds,
                                    notes).encode("utf-8")
    files["verify.sh"] = _template("verify.sh").encode("utf-8")
    sums = []
    for name in sorted(files):
        src = files[name]
        digest = sha256_hex(src) if isinstance(src, bytes) else sha256_file(src)
        sums.append(f"{digest}  {name}\n")
    files["SHA256SUMS"] = "".join(sums).encode("utf-8")

    top = f"evidence-{evidence_ref(seq)}"
    stamp = _zip_time(str(checkpoint.get("at", "")))
    with output_writer(out, force) as fh, zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(files):
            info = zipfile.ZipInfo(f"{top}/{name}", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix: unzip then keeps verify.sh executable
            info.external_attr = (0o755 if name == "verify.sh" else 0o644) << 16
            src = files[name]
            if isinstance(src, bytes):
                zf.writestr(info, src)
            else:
                with open(src, "rb") as fin, zf.open(info, "w") as fout:
                    while block := fin.read(1 << 20):
                        fout.write(block)
    return EvidenceBundle(
        path=out, evidence_id=evidence_ref(seq), document_id=doc_id,
        contract_id=str(contract_id) if contract_id else None,
        checkpoint_id=evidence_ref(checkpoint["seq"]), excerpt=(seq, checkpoint["seq"]),
        timestamp=token is not None, files=[f"{top}/{n}" for n in sorted(files)],
        sha256=sha256_file(out), notes=notes,
    )


def _zip_time(at: str) -> tuple[int, int, int, int, int, int]:
    try:
        t = parse_iso_utc(at)
        return (max(t.year, 1980), t.month, t.day, t.hour, t.minute, t.second)
    except ValueError:
        return (1980, 1, 1, 0, 0, 0)


def _verify_md(vault: Vault, entry: LedgerEntry, doc_id: str | None, checkpoint: dict[str, Any],
               excerpt: list[LedgerEntry], token: bytes | None, n_more: int,
               artifacts_md: list[str], artifact_cmds: list[str], notes: list[str]) -> str:
    rec = entry.record
    ctx = rec.get("context") or {}
    mhash = sha256_hex(record_bytes(rec))
    first_key = str(vault.info.get("first_key_id") or "")
    if doc_id:
        source = ctx.get("source_name") or (rec.get("artifacts") or [{}])[0].get("name", "")
        doc_sv = f"dokumentet {doc_id} (”{source}”, {ctx.get('doc_type', 'okänd typ')})"
        doc_en = f"document {doc_id} (\"{source}\", {ctx.get('doc_type', 'unknown type')})"
    else:
        doc_sv, doc_en = "filerna", "the files"
    if token is not None:
        from rfc3161_client import decode_timestamp_response

        tst = decode_timestamp_response(token).tst_info
        gen = tst.gen_time.strftime("%Y-%m-%d %H:%M:%S UTC")
        time_sv = (f"En RFC 3161-tidsstämpel (`timestamp.tsr`) från en tidsstämplingstjänst "
                   f"intygar att posten (SHA-256 `{mhash}`) fanns **{gen}**. Tjänstens "
                   f"CA-certifikat finns i `tsa-ca.pem`.")
        time_en = (f"An RFC 3161 timestamp token (`timestamp.tsr`) from a time-stamping authority "
                   f"certifies that the record (SHA-256 `{mhash}`) existed at **{gen}**. The "
                   f"authority's CA certificate is in `tsa-ca.pem`.")
        names = ["timestamp.tsr", *(f"timestamp-{n}.tsr" for n in range(2, 2 + n_more))]
        if n_more:
            time_sv += (f" Ytterligare {n_more} tidsstämpel/tidsstämplar från andra, oberoende "
                        f"tjänster: {', '.join(f'`{n}`' for n in names[1:])}.")
            time_en += (f" {n_more} more token(s) from other, independent authorities: "
                        f"{', '.join(f'`{n}`' for n in names[1:])}.")
        ts_cmd = "    # Tidsstämplarna / the timestamps (one per TSA):\n" + "\n".join(
            f"    openssl ts -verify -digest {mhash} -in {n} -CAfile tsa-ca.pem\n"
            f"    openssl ts -reply -in {n} -text" for n in names)
        ts_hint = ("; `openssl ts -verify -digest <SHA-256 of manifest.json> -in timestamp.tsr "
                   "-CAfile tsa-ca.pem` checks the timestamp")
    else:
        time_sv = ("Ingen tidsstämpel från en tidsstämplingstjänst finns: tiden i posten vilar på "
                   "den lokala klockan i datorn som förseglade den. Kedjan visar ändå ordningen: "
                   f"posten förseglades före {evidence_ref(int(checkpoint['seq']))}.")
        time_en = ("There is no timestamp from a time-stamping authority: the time in the record "
                   "rests on the local clock of the computer that sealed it. The chain still shows "
                   f"the order: the record was sealed before {evidence_ref(int(checkpoint['seq']))}.")
        ts_cmd = ""
        ts_hint = ""
    who = str(ctx.get("who") or ctx.get("signer") or "—")
    note_sv = " ".join(_note_sv(n) for n in notes)
    values = {
        "evidence_id": evidence_ref(entry.seq), "vault_id": str(rec.get("vault_id")),
        "document_sv": doc_sv, "document_en": doc_en, "kind": str(rec.get("kind")),
        "sealed_at": str(rec.get("sealed_at")), "clock_sv": "valvets lokala klocka",
        "clock_en": "the vault's local clock",
        "artifacts_md": "\n".join(artifacts_md) or "   - (posten förseglar inga filer / no files)",
        "key_id": str(rec.get("key_id")), "first_key_id": first_key,
        "excerpt_range": f"{evidence_ref(excerpt[0].seq)}–{evidence_ref(excerpt[-1].seq)}",
        "checkpoint_at": str(checkpoint.get("at")),
        "checkpoint_id": evidence_ref(int(checkpoint["seq"])),
        "checkpoint_head": str(checkpoint.get("head")), "checkpoint_key": str(checkpoint.get("key_id")),
        "excerpt_note_sv": note_sv, "excerpt_note_en": " ".join(n[0].upper() + n[1:] + "." for n in notes),
        "time_sv": time_sv, "time_en": time_en, "who_sv": f"utfört av: {who}",
        "who_en": f"done by: {who}", "artifact_cmds": "\n".join(artifact_cmds),
        "timestamp_cmd": ts_cmd, "timestamp_en_hint": ts_hint,
    }
    return Template(_template("VERIFY.md")).safe_substitute(values)


def _note_sv(note: str) -> str:
    if note.startswith("the excerpt stops before"):
        eid = note.split()[4].rstrip(",")
        if "does not verify" in note:
            return f"Utdraget slutar före {eid}, som inte går att verifiera."
        return f"Utdraget slutar före {eid}, som gäller ett sekretessbelagt avtal."
    if note.startswith("the record has a timestamp token"):
        return ("Posten har en tidsstämpel, men inget CA-certifikat för tidsstämplingstjänsten är "
                "fastställt, så den är inte med.")
    return note
