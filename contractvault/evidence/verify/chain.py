"""Passes 1 and 2: the hash chain, signatures and key rotations; the signed checkpoints."""

from __future__ import annotations

import json
from typing import Any

from contractvault.evidence.verify.state import VerifierState, _canonical_b64, _json_str
from contractvault.ids import evidence_ref
from contractvault.storage import signednote as sn
from contractvault.storage.keys import verify_signature
from contractvault.storage.ledger import GENESIS, RECORD_VERSION, record_bytes
from contractvault.util import canonical_json, sha256_hex


class ChainChecks(VerifierState):
    """Passes 1 and 2: the hash chain, signatures and key rotations; the signed checkpoints."""

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

    def check_note(self, data: bytes, witnesses: list[sn.Verifier]) -> dict[str, Any]:
        """Check a C2SP checkpoint note someone kept, and the cosignatures on it."""
        note = sn.parse_note(data)
        origin = self.vault.checkpoint_origin
        label = "the checkpoint note you kept"
        if note.origin != origin:
            self.fail("checkpoint", "checkpoint", f"{label} is of another log ({note.origin}, "
                      f"this vault is {origin})")
            return {}
        signed_by = next((kid for kid, pub in self.keys.items()
                          if sn.verify_signature(note, origin, pub)), None)
        rid = evidence_ref(note.size)
        if signed_by is None:
            self.fail(rid, "checkpoint", f"{label} carries no valid signature of this vault's keys")
        end = len(self.lines)
        if note.size > end:
            self.fail(rid, "truncated", f"{label} covers E-{note.size}, but the ledger ends at "
                      f"E-{end}: records were cut off the end")
        elif note.size >= 1:
            line = self.lines[note.size - 1]
            if line.computed != note.root_hash:
                self.fail(rid, "checkpoint", f"{label} says E-{note.size} has hash "
                          f"{note.root_hash[:16]}…, the ledger's record there hashes to "
                          f"{(line.computed or '?')[:16]}…: the ledger was rewritten")
        ours = {sn.key_id(origin, pub) for pub in self.keys.values()}
        cosigs = sn.check_cosignatures(note, witnesses, ours)
        for c in cosigs:
            if c.verified is False:
                self.fail(rid, "cosignature", f"the cosignature of {c.name} on {label} does not verify")
        return {"seq": note.size, "head": note.root_hash, "key_id": signed_by, "origin": origin,
                "cosignatures": [c.as_dict() for c in cosigs]}

    def check_checkpoints(self, external: dict[str, Any] | None) -> dict[str, Any] | None:
        data = self.checkpoint_bytes  # read before the ledger (read_ledger)
        raws = data.split(b"\n") if data is not None else []
        if raws and raws[-1] == b"":
            raws.pop()
        if self.lines and not raws:
            # Every seal writes one: without them, records cut off the end go unnoticed.
            self.fail("checkpoint", "checkpoint", "ledger/checkpoints.jsonl is "
                      + ("empty" if data is not None else "missing")
                      + ": nothing shows that records were not cut off the end of the ledger")
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
        if external is not None and "note" in external:
            self.kept = self.check_note(external["note"], external.get("witnesses") or [])
        elif external is not None:
            self.kept = self.check_checkpoint(external, "the checkpoint you kept", "checkpoint")
        end = len(self.lines)
        if end and last_seq < end:
            self.warn(evidence_ref(end), "checkpoint",
                      f"E-{last_seq + 1}..E-{end} are not yet covered by a checkpoint")
        return latest
