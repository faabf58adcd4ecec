"""The PDF seal: an ECDSA P-256 key with an X.509 certificate, kept encrypted like the ledger keys.

PDF readers do not accept Ed25519, so sealed PDFs, evidence reports and signed WACZ files
are signed with this key instead; the ledger keeps its Ed25519 keys (contractvault.keys).

Two kinds of seal identity:
- `vault-ca` (made at `init`): a vault CA certificate (self-signed, P-256) issues the seal
  certificate. Readers trust the seal once they trust the vault CA (`keys/seal/ca.cert.pem`).
  The CA key stays encrypted in the vault and signs a fresh CRL for every seal, so a sealed
  PDF carries revocation data for its own chain (PAdES B-LT).
- `organisation`: the municipality's organisation certificate (e.g. e-tjänstelegitimation from
  a qualified provider), imported from PKCS#12; PDF readers then show a known signer.

Layout of `keys/seal/`: `ca.key.pem` (encrypted, 0600) and `ca.cert.pem`; one folder per seal
identity named by the first 16 hex digits of its certificate's SHA-256 fingerprint with
`key.pem` (encrypted, 0600), `cert.pem`, `chain.pem` (issuers, root last) and `source.json`;
`active` names the identity that seals now. Older identities stay for older evidence.

This module knows no Vault: a folder and a passphrase provider in, certificates out.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from contractvault.errors import NotFoundError, UsageError, VaultLockedError, VerificationError
from contractvault.util import atomic_write

PassphraseProvider = Callable[[], str | None]
# A vault lives for decades; its CA and seal certificates outlive any one key rotation policy.
CA_YEARS = 30
SEAL_YEARS = 30
# A CRL issued at sealing time says "not revoked at that moment"; a week is plenty for readers.
CRL_DAYS = 7
# Document signing (RFC 9336): what PDF readers look for besides the key usage bits.
DOCUMENT_SIGNING_OID = x509.ObjectIdentifier("1.3.6.1.5.5.7.3.36")

SealKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


def fingerprint(cert: x509.Certificate) -> str:
    """SHA-256 fingerprint of a certificate's DER, lowercase hex."""
    return cert.fingerprint(hashes.SHA256()).hex()


def cert_pem(cert: x509.Certificate) -> str:
    """A certificate as PEM text."""
    return cert.public_bytes(serialization.Encoding.PEM).decode("ascii")


def subject_cn(cert: x509.Certificate) -> str:
    """The certificate's common name (else the whole subject)."""
    attrs = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(attrs[0].value) if attrs else cert.subject.rfc4514_string()


@dataclass
class SealIdentity:
    """An unlocked seal: private key, certificate and its issuers (root last)."""

    key: SealKey
    cert: x509.Certificate
    chain: list[x509.Certificate]
    kind: str  # vault-ca | organisation
    ca_key: ec.EllipticCurvePrivateKey | None = None  # the vault CA's, to issue CRLs

    @property
    def root(self) -> x509.Certificate:
        """The trust anchor readers need: the last certificate of the chain (or the seal's)."""
        return self.chain[-1] if self.chain else self.cert

    def crls(self) -> list[x509.CertificateRevocationList]:
        """Fresh, empty CRLs from the vault CA (none for an organisation certificate)."""
        if self.ca_key is None or not self.chain:
            return []
        ca = self.chain[-1]
        now = datetime.now(UTC)
        builder = (x509.CertificateRevocationListBuilder()
                   .issuer_name(ca.subject)
                   .last_update(now - timedelta(minutes=5))
                   .next_update(now + timedelta(days=CRL_DAYS))
                   .add_extension(x509.CRLNumber(int(now.timestamp() * 1000)), critical=False)
                   .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                       self.ca_key.public_key()), critical=False))
        return [builder.sign(self.ca_key, hashes.SHA256())]


@dataclass
class SealInfo:
    """What `key list` and the ledger say about a seal identity (no secrets)."""

    id: str
    kind: str
    subject: str
    issuer: str
    fingerprint: str
    not_before: str
    not_after: str
    cert_pem: str
    chain_pem: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "subject": self.subject, "issuer": self.issuer,
                "sha256": self.fingerprint, "not_before": self.not_before,
                "not_after": self.not_after, "certificate_pem": self.cert_pem,
                "chain_pem": self.chain_pem}


def _info(kind: str, cert: x509.Certificate, chain: list[x509.Certificate]) -> SealInfo:
    fp = fingerprint(cert)
    return SealInfo(id=fp[:16], kind=kind, subject=cert.subject.rfc4514_string(),
                    issuer=cert.issuer.rfc4514_string(), fingerprint=fp,
                    not_before=cert.not_valid_before_utc.isoformat().replace("+00:00", "Z"),
                    not_after=cert.not_valid_after_utc.isoformat().replace("+00:00", "Z"),
                    cert_pem=cert_pem(cert), chain_pem=[cert_pem(c) for c in chain])


class SealStore:
    """The `keys/seal/` folder."""

    def __init__(self, folder: Path, passphrase: PassphraseProvider) -> None:
        self.folder = folder
        self._passphrase = passphrase
        self._unlocked: SealIdentity | None = None

    # --- reading ------------------------------------------------------------------------

    def exists(self) -> bool:
        """Whether a seal identity has been made (vaults from before sealed PDFs have none)."""
        return (self.folder / "active").is_file()

    @property
    def active_id(self) -> str:
        path = self.folder / "active"
        if not path.is_file():
            raise NotFoundError("the vault has no PDF seal certificate",
                                f"{path} is missing",
                                "Run 'contractvault key seal-ca' or 'contractvault key import-seal FILE.p12'")
        return path.read_text("ascii").strip()

    def ca_certificate(self) -> x509.Certificate | None:
        """The vault CA certificate, if this vault made one."""
        path = self.folder / "ca.cert.pem"
        return x509.load_pem_x509_certificate(path.read_bytes()) if path.is_file() else None

    def certificate(self, sid: str | None = None) -> tuple[x509.Certificate, list[x509.Certificate], str]:
        """(certificate, issuers root last, kind) of a seal identity (the active one by default)."""
        sid = sid or self.active_id
        folder = self.folder / sid
        try:
            cert = x509.load_pem_x509_certificate((folder / "cert.pem").read_bytes())
            chain_text = (folder / "chain.pem").read_bytes()
            chain = x509.load_pem_x509_certificates(chain_text) if chain_text.strip() else []
            kind = json.loads((folder / "source.json").read_text("utf-8"))["kind"]
        except (OSError, ValueError, KeyError) as exc:
            raise VerificationError(f"the seal certificate {sid} cannot be read", str(exc),
                                    "Restore keys/seal/ from backup") from exc
        if fingerprint(cert)[:16] != sid:
            raise VerificationError(f"the seal certificate in {folder} does not match its id")
        return cert, chain, kind

    def info(self, sid: str | None = None) -> SealInfo:
        """The public facts of a seal identity."""
        cert, chain, kind = self.certificate(sid)
        return _info(kind, cert, chain)

    def known_ids(self) -> list[str]:
        """Every seal identity kept (the active one and older ones)."""
        if not self.folder.is_dir():
            return []
        return sorted(p.parent.name for p in self.folder.glob("*/cert.pem"))

    # --- unlocking ------------------------------------------------------------------------

    def _secret(self) -> bytes:
        value = self._passphrase()
        if not value:
            raise VaultLockedError("the seal key is locked", "no passphrase was given",
                                   "Set CONTRACTVAULT_PASSPHRASE or run in a terminal to be prompted")
        return value.encode("utf-8")

    def _load_key(self, path: Path) -> SealKey:
        try:
            key = serialization.load_pem_private_key(path.read_bytes(), password=self._secret())
        except FileNotFoundError as exc:
            raise NotFoundError("the seal key is missing", str(path)) from exc
        except (ValueError, TypeError) as exc:
            raise VaultLockedError("cannot unlock the seal key", "wrong passphrase",
                                   "Check CONTRACTVAULT_PASSPHRASE") from exc
        if not isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
            raise VaultLockedError("the seal key is neither ECDSA nor RSA", str(path))
        return key

    def unlock(self) -> SealIdentity:
        """The active seal identity with its private key (once per process)."""
        sid = self.active_id
        if self._unlocked is None or fingerprint(self._unlocked.cert)[:16] != sid:
            cert, chain, kind = self.certificate(sid)
            key = self._load_key(self.folder / sid / "key.pem")
            ca_key = None
            ca = self.ca_certificate()
            if kind == "vault-ca" and ca is not None and chain and fingerprint(chain[-1]) == fingerprint(ca):
                loaded = self._load_key(self.folder / "ca.key.pem")
                ca_key = loaded if isinstance(loaded, ec.EllipticCurvePrivateKey) else None
            self._unlocked = SealIdentity(key=key, cert=cert, chain=chain, kind=kind, ca_key=ca_key)
        return self._unlocked

    # --- writing ------------------------------------------------------------------------

    def _write_key(self, path: Path, key: SealKey) -> None:
        enc = serialization.BestAvailableEncryption(self._secret())
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, enc)
        atomic_write(path, pem, mode=0o600)

    def _store(self, key: SealKey, cert: x509.Certificate, chain: list[x509.Certificate],
               kind: str, source: dict[str, Any]) -> SealInfo:
        self.folder.mkdir(parents=True, exist_ok=True)
        os.chmod(self.folder, 0o700)
        sid = fingerprint(cert)[:16]
        folder = self.folder / sid
        folder.mkdir(exist_ok=True)
        self._write_key(folder / "key.pem", key)
        atomic_write(folder / "chain.pem", "".join(cert_pem(c) for c in chain))
        atomic_write(folder / "source.json", json.dumps({"kind": kind, **source}, indent=2) + "\n")
        # The certificate last: an identity folder counts (known_ids) once cert.pem is there.
        atomic_write(folder / "cert.pem", cert_pem(cert))
        atomic_write(self.folder / "active", sid + "\n")
        self._unlocked = None
        return _info(kind, cert, chain)

    def create_vault_ca(self, vault_id: str, organisation: str | None = None) -> SealInfo:
        """Make the vault CA and a seal certificate issued by it (at `init`)."""
        now = datetime.now(UTC) - timedelta(minutes=5)  # readers' clocks may lag a little
        short = vault_id.split("-")[0]
        org = [x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation)] if organisation else []
        ca_key = ec.generate_private_key(ec.SECP256R1())
        ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"ContractVault vault CA {short}"),
                             *org])
        ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
              .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
              .not_valid_before(now).not_valid_after(now + timedelta(days=365 * CA_YEARS))
              .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
              .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False,
                                           key_encipherment=False, data_encipherment=False,
                                           key_agreement=False, key_cert_sign=True, crl_sign=True,
                                           encipher_only=False, decipher_only=False), critical=True)
              .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()),
                             critical=False)
              .sign(ca_key, hashes.SHA256()))
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"ContractVault seal {short}"),
                          *org])
        cert = (x509.CertificateBuilder().subject_name(name).issuer_name(ca_name)
                .public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(now).not_valid_after(now + timedelta(days=365 * SEAL_YEARS))
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True,
                                             key_encipherment=False, data_encipherment=False,
                                             key_agreement=False, key_cert_sign=False,
                                             crl_sign=False, encipher_only=False,
                                             decipher_only=False), critical=True)
                .add_extension(x509.ExtendedKeyUsage([DOCUMENT_SIGNING_OID,
                                                      ExtendedKeyUsageOID.EMAIL_PROTECTION]),
                               critical=False)
                .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                               critical=False)
                .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                               critical=False)
                .sign(ca_key, hashes.SHA256()))
        self.folder.mkdir(parents=True, exist_ok=True)
        os.chmod(self.folder, 0o700)
        self._write_key(self.folder / "ca.key.pem", ca_key)
        atomic_write(self.folder / "ca.cert.pem", cert_pem(ca))
        return self._store(key, cert, [ca], "vault-ca", {"vault_id": vault_id})

    def import_p12(self, data: bytes, password: str | None) -> SealInfo:
        """Use an organisation certificate (PKCS#12 with its key) for seals from now on.

        The key is re-encrypted with the vault's passphrase; the PKCS#12 password is not kept.
        """
        try:
            key, cert, extra = pkcs12.load_key_and_certificates(
                data, password.encode("utf-8") if password else None)
        except ValueError as exc:
            raise UsageError("cannot read the PKCS#12 file", str(exc) or "wrong password or damaged file",
                             "Check the file and $CONTRACTVAULT_P12_PASSWORD") from exc
        if key is None or cert is None:
            raise UsageError("the PKCS#12 file holds no key with a certificate",
                             "a seal needs both", "Export the organisation certificate with its private key")
        if not isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
            raise UsageError("the organisation certificate's key is neither RSA nor ECDSA",
                             "PDF readers take only these for seals")
        if cert.public_key().public_numbers() != key.public_key().public_numbers():
            raise UsageError("the key in the PKCS#12 file does not belong to its certificate")
        now = datetime.now(UTC)
        if not cert.not_valid_before_utc <= now <= cert.not_valid_after_utc:
            raise UsageError("the organisation certificate is not valid now",
                             f"valid {cert.not_valid_before_utc:%Y-%m-%d} to {cert.not_valid_after_utc:%Y-%m-%d}",
                             "Renew it with the certificate provider")
        chain = _order_chain(cert, list(extra or []))
        return self._store(key, cert, chain, "organisation", {"imported_at": now.isoformat()})


def _order_chain(cert: x509.Certificate, extra: list[x509.Certificate]) -> list[x509.Certificate]:
    """The issuers of `cert` from `extra`, in order (issuer first, root last)."""
    out: list[x509.Certificate] = []
    current = cert
    pool = list(extra)
    while True:
        issuer = next((c for c in pool if c.subject == current.issuer), None)
        if issuer is None or issuer is current:
            break
        out.append(issuer)
        pool.remove(issuer)
        if issuer.subject == issuer.issuer:
            break
        current = issuer
    return out

