"""The vault's Ed25519 signing keys: encrypted at rest, 0600, ids from the public key."""

from __future__ import annotations

import base64
import binascii
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from contractvault.errors import NotFoundError, VaultLockedError, VerificationError
from contractvault.util import atomic_write, sha256_hex

PassphraseProvider = Callable[[], str | None]


def key_id_for(public_key: Ed25519PublicKey) -> str:
    """A key id: the first 16 hex digits of the SHA-256 of the raw public key."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return sha256_hex(raw)[:16]


def public_pem(public_key: Ed25519PublicKey) -> bytes:
    """SubjectPublicKeyInfo PEM (what `openssl pkeyutl -verify -pubin` reads)."""
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def load_public_pem(data: bytes) -> Ed25519PublicKey:
    """Parse a PEM public key, insisting on Ed25519."""
    key = serialization.load_pem_public_key(data)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def verify_signature(public_key: Ed25519PublicKey, signature_b64: str, data: bytes) -> bool:
    """Whether `signature_b64` is a valid signature of `data`."""
    try:
        public_key.verify(base64.b64decode(signature_b64, validate=True), data)
    except (InvalidSignature, ValueError):
        return False
    return True


@dataclass
class Signer:
    """An unlocked private key."""

    key_id: str
    private_key: Ed25519PrivateKey

    def sign(self, data: bytes) -> str:
        """Base64 Ed25519 signature of `data`."""
        return base64.b64encode(self.private_key.sign(data)).decode("ascii")


_PEM = re.compile(rb"\A\s*-----BEGIN ENCRYPTED PRIVATE KEY-----\r?\n([A-Za-z0-9+/=\r\n]+)"
                  rb"-----END ENCRYPTED PRIVATE KEY-----\s*\Z")


def key_file_damage(data: bytes) -> str:
    """Why an encrypted key file cannot be a key at all ('' when it looks whole).

    A wrong passphrase and a damaged file fail alike in the decryption; told apart here, a
    truncated or overwritten file is not reported as a wrong passphrase. Checks the PEM
    armour, the base64 and the DER length of the EncryptedPrivateKeyInfo it holds.
    """
    m = _PEM.match(data)
    if not m:
        return "it is not a whole encrypted PEM key (cut short or overwritten)"
    try:
        der = base64.b64decode(b"".join(m.group(1).split()), validate=True)
    except (ValueError, binascii.Error):
        return "its base64 body does not decode"
    # DER: a SEQUENCE (0x30) whose length field covers exactly the rest of the bytes.
    if len(der) < 2 or der[0] != 0x30:
        return "it does not hold a key structure"
    if der[1] < 0x80:
        head, body = 2, der[1]
    else:
        n = der[1] & 0x7F
        if n == 0 or n > 4 or len(der) < 2 + n:
            return "it does not hold a key structure"
        head, body = 2 + n, int.from_bytes(der[2:2 + n], "big")
    if head + body != len(der):
        return f"its key structure is {len(der)} bytes where it says {head + body}"
    return ""


class KeyRing:
    """The `keys/` folder: `<id>.key.pem` (encrypted), `<id>.pub.pem`, and `active`."""

    def __init__(self, folder: Path, passphrase: PassphraseProvider) -> None:
        self.folder = folder
        self._passphrase = passphrase
        self._signer: Signer | None = None

    @property
    def active_id(self) -> str:
        """The id of the key that signs new records."""
        path = self.folder / "active"
        if not path.is_file():
            raise VerificationError("the vault's active signing key is not named",
                                    f"{path} is missing",
                                    "Run 'contractvault verify' and restore keys/ from backup")
        return path.read_text("ascii").strip()

    def _get_passphrase(self) -> bytes:
        value = self._passphrase()
        if not value:
            raise VaultLockedError(
                "the signing key is locked", "no passphrase was given",
                "Set CONTRACTVAULT_PASSPHRASE or run in a terminal to be prompted",
            )
        return value.encode("utf-8")

    def generate(self) -> str:
        """Make a new key pair and write it (not yet active: see `activate`); returns its id."""
        private = Ed25519PrivateKey.generate()
        kid = key_id_for(private.public_key())
        enc = serialization.BestAvailableEncryption(self._get_passphrase())
        pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, enc)
        self.folder.mkdir(parents=True, exist_ok=True)
        os.chmod(self.folder, 0o700)
        atomic_write(self.folder / f"{kid}.key.pem", pem, mode=0o600)
        atomic_write(self.folder / f"{kid}.pub.pem", public_pem(private.public_key()))
        self._signer = Signer(kid, private)
        return kid

    def activate(self, kid: str) -> None:
        """Make `kid` the key that signs from now on."""
        atomic_write(self.folder / "active", kid + "\n")

    def signer(self) -> Signer:
        """The active key, unlocked with the passphrase (once per process)."""
        kid = self.active_id
        if self._signer is None or self._signer.key_id != kid:
            path = self.folder / f"{kid}.key.pem"
            try:
                data = path.read_bytes()
            except FileNotFoundError as exc:
                raise NotFoundError("the signing key is missing", str(path)) from exc
            damage = key_file_damage(data)
            if damage:
                raise VerificationError(f"the signing key file {path} is damaged", damage,
                                        "Restore keys/ from a backup of the vault; sealed "
                                        "records stay verifiable with the public keys") from None
            try:
                key = serialization.load_pem_private_key(data, password=self._get_passphrase())
            except (ValueError, TypeError) as exc:
                raise VaultLockedError("cannot unlock the signing key", "wrong passphrase, or "
                                       f"the key file {path} was altered",
                                       "Check CONTRACTVAULT_PASSPHRASE") from exc
            if not isinstance(key, Ed25519PrivateKey):
                raise VaultLockedError("the signing key is not an Ed25519 key", str(path))
            self._signer = Signer(kid, key)
        return self._signer

    def public_key(self, kid: str) -> Ed25519PublicKey:
        """A public key by id (old keys are kept so old evidence stays verifiable)."""
        path = self.folder / f"{kid}.pub.pem"
        key = load_public_pem(path.read_bytes())
        if key_id_for(key) != kid:
            raise ValueError(f"public key file {path.name} does not match its id")
        return key

    def public_pem(self, kid: str) -> bytes:
        """The PEM text of a public key by id."""
        return (self.folder / f"{kid}.pub.pem").read_bytes()

    def known_ids(self) -> list[str]:
        """Ids of every public key in the ring."""
        return sorted(p.name.removesuffix(".pub.pem") for p in self.folder.glob("*.pub.pem"))
