"""C2SP signed notes: ledger checkpoints others can witness (c2sp.org/tlog-checkpoint,
c2sp.org/signed-note, c2sp.org/tlog-cosignature).

A checkpoint note is three lines, then a blank line, then signature lines:

    contractvault/<vault id>          origin
    42                                size: records in the ledger
    <base64 of the 32-byte head hash> the SHA-256 of record 42 (which chains all before it)

    — contractvault/<vault id> <base64(key id(4) || Ed25519 signature(64))>

The ledger is a hash chain, not a Merkle tree, so the "root hash" is the head record's hash:
it commits to every earlier record through the `prev` links. Key ids: the first 4 bytes of
SHA-256(name || 0x0A || type || public key), type 0x01 for Ed25519 note signatures and 0x04
for cosignature/v1, whose signed message is `cosignature/v1\\ntime <unix seconds>\\n` +
the note text and whose signature line carries key id || 8-byte big-endian time || signature.

This module knows no Vault: bytes and keys in, parsed notes and verdicts out.
"""

from __future__ import annotations

import base64
import hashlib
import struct
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from contractvault.errors import UsageError

DASH = "\u2014"  # the em dash that starts every signature line
ED25519 = 0x01
COSIGNATURE_V1 = 0x04


def _raw(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(name: str, public_key: Ed25519PublicKey, sig_type: int = ED25519) -> bytes:
    """The 4-byte key id of a named key for signatures of `sig_type`."""
    return hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([sig_type]) + _raw(public_key)).digest()[:4]


def vkey(name: str, public_key: Ed25519PublicKey, sig_type: int = ED25519) -> str:
    """The verifier key text `name+hexid+base64(type||key)` others use to check signatures."""
    kid = key_id(name, public_key, sig_type).hex()
    return f"{name}+{kid}+{base64.b64encode(bytes([sig_type]) + _raw(public_key)).decode('ascii')}"


@dataclass(frozen=True)
class Verifier:
    """A parsed verifier key."""

    name: str
    key_id: bytes
    sig_type: int
    public_key: Ed25519PublicKey


def parse_vkey(text: str) -> Verifier:
    """Parse `name+hexid+base64(type||key)` (Ed25519 note keys and cosignature/v1 keys)."""
    try:
        # A key name never contains "+"; the base64 part may.
        name, kid_hex, b64 = text.strip().split("+", 2)
        raw = base64.b64decode(b64, validate=True)
        kid = bytes.fromhex(kid_hex)
    except ValueError as exc:
        raise UsageError(f"'{text}' is not a verifier key", "it looks like name+hexid+base64",
                         "Ask the witness for its vkey") from exc
    if len(raw) != 33 or raw[0] not in (ED25519, COSIGNATURE_V1) or len(kid) != 4:
        raise UsageError(f"'{text}' is not an Ed25519 verifier key", "only Ed25519 (type 1) and "
                         "cosignature/v1 (type 4) keys are supported")
    pub = Ed25519PublicKey.from_public_bytes(raw[1:])
    if key_id(name, pub, raw[0]) != kid:
        raise UsageError(f"the verifier key '{name}' is inconsistent", "its id does not match its key")
    return Verifier(name=name, key_id=kid, sig_type=raw[0], public_key=pub)


@dataclass
class NoteSignature:
    """One signature line."""

    name: str
    key_id: bytes
    blob: bytes  # what follows the key id: a signature, or time || signature for cosignatures


@dataclass
class Checkpoint:
    """A parsed checkpoint note."""

    origin: str
    size: int
    root_hash: str  # hex
    extensions: list[str]
    text: bytes  # the signed text, up to and including its final newline
    signatures: list[NoteSignature] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"origin": self.origin, "size": self.size, "root_hash": self.root_hash,
                "signatures": [{"name": s.name, "key_id": s.key_id.hex()} for s in self.signatures]}


def checkpoint_text(origin: str, size: int, head_hex: str) -> bytes:
    """The note text of a checkpoint (origin, size, base64 root hash), ending in a newline."""
    root = base64.b64encode(bytes.fromhex(head_hex)).decode("ascii")
    return f"{origin}\n{size}\n{root}\n".encode()


def sign_note(text: bytes, name: str, private_key: Ed25519PrivateKey) -> bytes:
    """The whole note: text, blank line, one Ed25519 signature line."""
    kid = key_id(name, private_key.public_key())
    sig = base64.b64encode(kid + private_key.sign(text)).decode("ascii")
    return text + f"\n{DASH} {name} {sig}\n".encode()


def parse_note(data: bytes) -> Checkpoint:
    """Parse a (possibly cosigned) checkpoint note; UsageError when it is not one."""
    try:
        whole = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError("the checkpoint note is not UTF-8", str(exc)) from exc
    split = whole.rfind("\n\n")
    if split < 0:
        raise UsageError("the file is not a signed note", "no blank line before the signatures")
    text, sig_part = whole[:split + 1], whole[split + 2:]
    lines = text.split("\n")[:-1]
    if len(lines) < 3:
        raise UsageError("the note is not a checkpoint", "it needs origin, size and root hash lines")
    origin, size_text, root_b64 = lines[0], lines[1], lines[2]
    try:
        if not size_text.isdigit() or (size_text.startswith("0") and size_text != "0"):
            raise ValueError("size is not a decimal number")
        root = base64.b64decode(root_b64, validate=True)
        if len(root) != 32:
            raise ValueError("root hash is not 32 bytes")
    except ValueError as exc:
        raise UsageError("the note is not a checkpoint", str(exc)) from exc
    sigs: list[NoteSignature] = []
    for line in sig_part.split("\n"):
        if not line:
            continue
        if not line.startswith(f"{DASH} "):
            raise UsageError("the note has a malformed signature line", line[:60])
        try:
            name, b64 = line[2:].rsplit(" ", 1)
            raw = base64.b64decode(b64, validate=True)
        except ValueError as exc:
            raise UsageError("the note has a malformed signature line", line[:60]) from exc
        if len(raw) < 5 or not name:
            raise UsageError("the note has a malformed signature line", line[:60])
        sigs.append(NoteSignature(name=name, key_id=raw[:4], blob=raw[4:]))
    if not sigs:
        raise UsageError("the note carries no signature")
    return Checkpoint(origin=origin, size=int(size_text), root_hash=root.hex(),
                      extensions=lines[3:], text=text.encode("utf-8"), signatures=sigs)


def verify_signature(note: Checkpoint, name: str, public_key: Ed25519PublicKey) -> bool:
    """Whether `note` carries a valid Ed25519 note signature by this named key."""
    kid = key_id(name, public_key)
    for sig in note.signatures:
        if sig.name == name and sig.key_id == kid and len(sig.blob) == 64:
            try:
                public_key.verify(sig.blob, note.text)
            except InvalidSignature:
                return False
            return True
    return False


def cosignature_message(text: bytes, timestamp: int) -> bytes:
    """What a cosignature/v1 signs."""
    return f"cosignature/v1\ntime {timestamp}\n".encode() + text


@dataclass
class CosignatureCheck:
    """A signature line other than the vault's, and whether a given witness key verified it."""

    name: str
    key_id: str
    verified: bool | None  # None: no key given for it
    time: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "key_id": self.key_id, "verified": self.verified, "time": self.time}


def check_cosignatures(note: Checkpoint, witnesses: list[Verifier],
                       skip: set[bytes]) -> list[CosignatureCheck]:
    """Every signature except those whose key id is in `skip`, checked with `witnesses`."""
    out = []
    for sig in note.signatures:
        if sig.key_id in skip:
            continue
        match = next((w for w in witnesses if w.name == sig.name and w.key_id == sig.key_id), None)
        if match is None:
            out.append(CosignatureCheck(sig.name, sig.key_id.hex(), None))
            continue
        ok = False
        when = None
        try:
            if match.sig_type == COSIGNATURE_V1 and len(sig.blob) == 72:
                when = struct.unpack(">Q", sig.blob[:8])[0]
                match.public_key.verify(sig.blob[8:], cosignature_message(note.text, when))
                ok = True
            elif match.sig_type == ED25519 and len(sig.blob) == 64:
                match.public_key.verify(sig.blob, note.text)
                ok = True
        except InvalidSignature:
            ok = False
        out.append(CosignatureCheck(sig.name, sig.key_id.hex(), ok, when))
    return out
