"""Sealed PDFs: a PAdES baseline signature (pyHanko) that any PDF reader can check.

The sealed copy is the original PDF plus one incremental update, so the original bytes are
an untouched prefix of the sealed file. That one update holds:
- for captures, the embedded files (accept-box screenshots, the acceptance record JSON,
  the HAR), so one file carries the whole capture;
- the DSS (Document Security Store) with the seal's certificate chain, a fresh CRL from the
  vault CA and the TSA's certificates: PAdES B-LT in a single revision, so the signature
  covers the whole file (what `pdfsig` calls "Total document signed");
- the signature (CAdES detached, ETSI.CAdES.detached) with a signature timestamp from the
  first configured TSA that answers (PAdES B-T). With no TSA reachable the seal is B-B and a
  warning says so; the ledger record still gets its own tokens later (`timestamp`).

pyHanko does the PDF work: we would not write a PAdES signer of our own.
"""

from __future__ import annotations

import io
import logging
import os
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

from contractvault.errors import UsageError
from contractvault.storage.rfc3161 import RETRY_AFTER_SECONDS
from contractvault.storage.sealcert import SealIdentity, subject_cn
from contractvault.util import sha256_hex
from contractvault.vault import ArtifactSpec

if TYPE_CHECKING:
    from pyhanko.sign.timestamps import TimeStamper

    from contractvault.vault import Vault

# Room for the CMS blob in /Contents: seal chain, TSA token with its chain; an organisation
# chain can be long. Reserving it up front also saves pyHanko a dummy TSA request per seal.
SIGNATURE_BYTES = 32768
FIELD_NAME = "ContractVaultSeal"
TSA_TIMEOUT_SECONDS = 10.0


@dataclass
class Attachment:
    """A file to embed in the sealed PDF."""

    name: str
    data: bytes
    media_type: str
    description: str = ""


@dataclass
class TsaEndpoint:
    """A TSA to ask for the signature timestamp, with the CA certificates trusted for it."""

    url: str
    anchors: list[x509.Certificate] = field(default_factory=list)


@dataclass
class PdfSeal:
    """What sealing a PDF produced."""

    data: bytes
    level: str  # B-B | B-T | B-LT
    signer: str
    tsa_url: str | None
    signed_at: datetime
    warnings: list[str] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)
    # TSAs asked that gave no timestamp (the caller backs off from them); not sealed.
    failed_tsas: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"level": self.level, "signer": self.signer, "tsa_url": self.tsa_url,
                "signed_at": self.signed_at.isoformat().replace("+00:00", "Z"),
                "warnings": self.warnings, "attachments": self.attachments}


def _asn1_cert(cert: x509.Certificate) -> Any:  # noqa: ANN401 - asn1crypto object
    from asn1crypto import x509 as ax509

    return ax509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _timestamper(endpoint: TsaEndpoint) -> TimeStamper:
    """A pyHanko TimeStamper that posts with urllib (no extra HTTP client dependency)."""
    from asn1crypto import tsp
    from pyhanko.sign.timestamps import TimeStamper
    from pyhanko.sign.timestamps.common_utils import TimestampRequestError

    class UrllibTimeStamper(TimeStamper):
        async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
            import asyncio

            def post() -> bytes:
                http_req = urllib.request.Request(endpoint.url, data=req.dump(), method="POST", headers={
                    "Content-Type": "application/timestamp-query",
                    "Accept": "application/timestamp-reply"})
                try:
                    with urllib.request.urlopen(http_req, timeout=TSA_TIMEOUT_SECONDS) as resp:  # noqa: S310 - the user's TSA
                        return resp.read()
                except (urllib.error.URLError, OSError, ValueError) as exc:
                    raise TimestampRequestError(f"cannot reach the TSA at {endpoint.url}: "
                                                f"{getattr(exc, 'reason', exc)}") from exc

            return tsp.TimeStampResp.load(await asyncio.to_thread(post))

    return UrllibTimeStamper()


def seal_pdf(data: bytes, identity: SealIdentity, *, tsas: Sequence[TsaEndpoint] = (),
             attachments: Sequence[Attachment] = (), reason: str = "",
             skip_tsa: frozenset[str] = frozenset()) -> PdfSeal:
    """Seal PDF bytes: embedded files, DSS and a PAdES signature in one incremental update.

    TSAs are tried in order (those in `skip_tsa` are not asked: they failed moments ago);
    the first that answers dates the signature. None answering is a warning, never a failure.
    Raises UsageError when `data` is not a PDF pyHanko can update (e.g. encrypted).
    """
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.sign.timestamps.common_utils import TimestampRequestError

    warnings: list[str] = []
    failed: list[str] = []
    tried: list[TsaEndpoint | None] = [t for t in tsas if t.url not in skip_tsa]
    for t in tsas:
        if t.url in skip_tsa:
            warnings.append(f"the TSA at {t.url} was not asked (it failed moments ago)")
    tried.append(None)
    for endpoint in tried:
        try:
            writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
        except (PdfError, ValueError, KeyError) as exc:
            raise UsageError("the PDF cannot be sealed", f"pyHanko cannot update it ({exc})",
                             "Check that the PDF is not encrypted or damaged") from exc
        if writer.security_handler is not None:
            raise UsageError("the PDF is encrypted", "an encrypted PDF cannot be sealed",
                             "Add an unencrypted copy")
        try:
            out = _sign(writer, identity, endpoint, attachments, reason)
        except (TimestampRequestError, OSError) as exc:
            assert endpoint is not None  # without a TSA nothing is fetched
            warnings.append(f"the TSA at {endpoint.url} gave no timestamp for the PDF seal ({exc})")
            failed.append(endpoint.url)
            continue
        # B-LT: revocation data for the seal's own chain is in the DSS (the vault CA's CRL);
        # an organisation certificate's CRL/OCSP is not fetched, so its seals are B-T.
        level = "B-B" if endpoint is None else ("B-LT" if identity.crls() else "B-T")
        if endpoint is None and tsas:
            warnings.append("the PDF seal has no signature timestamp (PAdES B-B): no TSA answered")
        return PdfSeal(data=out, level=level, signer=subject_cn(identity.cert),
                       tsa_url=endpoint.url if endpoint else None,
                       signed_at=datetime.now(UTC), warnings=warnings,
                       attachments=[a.name for a in attachments], failed_tsas=failed)
    raise AssertionError("unreachable: signing without a TSA cannot fail over to another")


def _quiet_pyhanko() -> None:
    """pyHanko logs warnings meant for its own CLI (e.g. that fetching is off, which is the
    point here); without a handler Python would print them on stderr of every command."""
    log = logging.getLogger("pyhanko")
    if not any(isinstance(h, logging.NullHandler) for h in log.handlers):
        log.addHandler(logging.NullHandler())
        log.propagate = False


class _SignerKit:
    """What signing with one seal identity needs, made once per identity and process: the
    pyHanko signer and the ASN.1 forms of the chain. The signed attributes that never change
    (signing-certificate-v2) are encoded once: asn1crypto re-encodes a freshly built value at
    every step of assembling the CMS, which was most of a seal's time."""

    def __init__(self, identity: SealIdentity) -> None:
        from asn1crypto import cms
        from asn1crypto import keys as akeys
        from pyhanko.sign import attributes, signers
        from pyhanko.sign.general import as_signing_certificate_v2, simple_cms_attribute
        from pyhanko_certvalidator.registry import SimpleCertificateStore

        self.identity = identity
        self.cert = _asn1_cert(identity.cert)
        self.chain = [_asn1_cert(c) for c in identity.chain]
        key_der = identity.key.private_bytes(serialization.Encoding.DER,
                                             serialization.PrivateFormat.PKCS8,
                                             serialization.NoEncryption())
        self.signer = signers.SimpleSigner(
            signing_cert=self.cert, signing_key=akeys.PrivateKeyInfo.load(key_der),
            cert_registry=SimpleCertificateStore.from_certs(self.chain))
        signing_cert_v2 = simple_cms_attribute("signing_certificate_v2",
                                               as_signing_certificate_v2(self.cert)).dump()

        class FixedAttribute(attributes.CMSAttributeProvider):
            attribute_type = "signing_certificate_v2"

            async def get_attribute(self, dry_run: bool = False) -> cms.CMSAttribute:
                # Parsed from its DER: asn1crypto then writes these bytes as they are.
                return cms.CMSAttribute.load(signing_cert_v2)

        class PadesAttributes(attributes.SignedAttributeProviderSpec):
            """The signed attributes of a PAdES baseline signature, as pyHanko's CAdES spec
            makes them for PAdES (content-type and message-digest come from pyHanko; no
            signing-time, which PAdES forbids): signing-certificate-v2."""

            def signed_attr_providers(self, data_digest: bytes,
                                      digest_algorithm: str) -> Iterator[Any]:
                yield FixedAttribute()

        self.signer.signed_attr_prov_spec = PadesAttributes()


_KITS: dict[str, _SignerKit] = {}


def _signer_kit(identity: SealIdentity) -> _SignerKit:
    key = identity.cert.fingerprint(hashes.SHA256()).hex()
    kit = _KITS.get(key)
    if kit is None or kit.identity is not identity:
        kit = _KITS[key] = _SignerKit(identity)
    return kit


def _sign(writer: Any, identity: SealIdentity, endpoint: TsaEndpoint | None,  # noqa: ANN401
          attachments: Sequence[Attachment], reason: str) -> bytes:
    from asn1crypto import crl as acrl
    from pyhanko.pdf_utils import embed
    from pyhanko.sign import fields, signers
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    _quiet_pyhanko()
    kit = _signer_kit(identity)
    for att in attachments:
        embed.embed_file(writer, embed.FileSpec(
            file_spec_string=att.name, file_name=att.name, description=att.description or None,
            embedded_data=embed.EmbeddedFileObject.from_file_data(
                writer, att.data, mime_type=att.media_type,
                params=embed.EmbeddedFileParams(embed_size=True, embed_checksum=True))))
    crls = [acrl.CertificateList.load(c.public_bytes(serialization.Encoding.DER))
            for c in identity.crls()]
    tsa_certs = [_asn1_cert(c) for c in endpoint.anchors] if endpoint is not None else []
    # The DSS is written by hand, in the revision the signature seals: everything needed to
    # validate the chain offline is at hand (seal chain, the vault CA's fresh CRL, the TSA's
    # CA; the TSA's own certificate travels in its token), so pyHanko need not build and
    # validate paths for it, and the signature still covers the whole file (B-LT).
    DocumentSecurityStore.supply_dss_in_writer(
        writer, None, certs=[kit.cert, *kit.chain, *tsa_certs], crls=crls)
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME, reason=reason or None, location=None,
        subfilter=fields.SigSeedSubFilter.PADES, embed_validation_info=False,
        use_pades_lta=False)
    pdf_signer = signers.PdfSigner(
        meta, signer=kit.signer, timestamper=_timestamper(endpoint) if endpoint else None,
        new_field_spec=fields.SigFieldSpec(sig_field_name=FIELD_NAME))
    out = io.BytesIO()
    pdf_signer.sign_pdf(writer, output=out, bytes_reserved=SIGNATURE_BYTES)
    return out.getvalue()


# --- the vault's sealed copies ---------------------------------------------------------------


@dataclass
class SealedCopy:
    """A sealed PDF made for a record, waiting in the vault's tmp/ to be stored and sealed."""

    path: Path
    spec: ArtifactSpec
    seal: PdfSeal

    def discard(self) -> None:
        """Remove the temp file (after it is in the blob store, or when sealing failed)."""
        self.path.unlink(missing_ok=True)


def sealed_name(name: str) -> str:
    """The artifact name of the sealed copy of `name` (`avtal.pdf` -> `avtal.sealed.pdf`)."""
    return f"{name[:-4] if name.lower().endswith('.pdf') else name}.sealed.pdf"


def vault_tsas(vault: Vault) -> list[TsaEndpoint]:
    """The TSAs configured for the vault, each with the CA certificates pinned for it."""
    config = vault.timestamper.config()
    return [TsaEndpoint(url, config.anchors()) for url in config.urls]


@dataclass(frozen=True)
class SealMaterial:
    """What sealing PDFs needs, as bytes, for worker processes of this process (`add` seals
    its PDFs where it extracts them, on every core): the unlocked seal key and certificates,
    the TSAs with their pinned CAs, the TSAs already known to be down, the seal's reason.

    The private keys travel only to this process's own workers (they die with it) and are
    never written anywhere."""

    key_der: bytes
    cert_der: bytes
    chain_der: tuple[bytes, ...]
    kind: str
    ca_key_der: bytes | None
    tsas: tuple[tuple[str, tuple[bytes, ...]], ...]
    skip_tsa: frozenset[str]
    reason: str

    @classmethod
    def of(cls, vault: Vault, reason: str) -> SealMaterial | None:
        """The vault's seal material (unlocking the seal key); None when the vault has no
        seal certificate."""
        if not vault.seal_store.exists():
            return None
        identity = vault.seal_store.unlock()
        der = serialization.Encoding.DER

        def key_bytes(key: Any) -> bytes:  # noqa: ANN401 - an EC or RSA private key
            return bytes(key.private_bytes(der, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))

        tsas = vault_tsas(vault)
        return cls(
            key_der=key_bytes(identity.key), cert_der=identity.cert.public_bytes(der),
            chain_der=tuple(c.public_bytes(der) for c in identity.chain), kind=identity.kind,
            ca_key_der=key_bytes(identity.ca_key) if identity.ca_key is not None else None,
            tsas=tuple((t.url, tuple(a.public_bytes(der) for a in t.anchors)) for t in tsas),
            skip_tsa=frozenset(t.url for t in tsas if vault.timestamper.is_down(t.url)),
            reason=reason)

    def identity(self) -> SealIdentity:
        """The seal identity (loaded once per process)."""
        cached = _IDENTITIES.get(self.cert_der)
        if cached is None:
            from cryptography.hazmat.primitives.asymmetric import ec

            key = serialization.load_der_private_key(self.key_der, password=None)
            ca_key = (serialization.load_der_private_key(self.ca_key_der, password=None)
                      if self.ca_key_der is not None else None)
            cached = _IDENTITIES[self.cert_der] = SealIdentity(
                key=key,  # type: ignore[arg-type]
                cert=x509.load_der_x509_certificate(self.cert_der),
                chain=[x509.load_der_x509_certificate(c) for c in self.chain_der],
                kind=self.kind,
                ca_key=ca_key if isinstance(ca_key, ec.EllipticCurvePrivateKey) else None)
        return cached

    def endpoints(self) -> list[TsaEndpoint]:
        """The TSAs, each with its pinned CA certificates."""
        return [TsaEndpoint(url, [x509.load_der_x509_certificate(a) for a in anchors])
                for url, anchors in self.tsas]


def load_signing_modules() -> None:
    """Import what sealing needs (pyHanko takes a good part of a second) once, here: worker
    processes forked after this inherit it instead of each importing it again."""
    import pyhanko.pdf_utils.embed
    import pyhanko.pdf_utils.incremental_writer
    import pyhanko.sign.signers
    import pyhanko.sign.validation.dss  # noqa: F401


_IDENTITIES: dict[bytes, SealIdentity] = {}
# TSAs that failed in this process lately (until when they are not asked): a worker does
# not wait out a dead TSA for every file.
_FAILED_HERE: dict[str, float] = {}


@dataclass
class StagedSeal:
    """A sealed copy made by `seal_staged`, or why there is none; which TSAs failed."""

    copy: SealedCopy | None
    warnings: list[str]
    failed_tsas: list[str]


def _failed_here() -> frozenset[str]:
    now = time.monotonic()
    return frozenset(url for url, until in _FAILED_HERE.items() if until > now)


def seal_staged(material: SealMaterial, data: bytes, name: str, folder: Path) -> StagedSeal:
    """Seal a copy of PDF bytes into a new file in `folder` (on the blob store's filesystem,
    fsynced, so the blob store takes it by a rename). Runs in `add`'s worker processes."""
    try:
        seal = seal_pdf(data, material.identity(), tsas=material.endpoints(), reason=material.reason,
                        skip_tsa=material.skip_tsa | _failed_here())
    except UsageError as exc:
        return StagedSeal(None, [f"{name}: no sealed PDF copy: {exc.message}"], [])
    failed = seal.failed_tsas
    for url in failed:
        _FAILED_HERE[url] = time.monotonic() + RETRY_AFTER_SECONDS
    fd, tmp = tempfile.mkstemp(prefix=f".{sealed_name(name)[:60]}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(seal.data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    spec = ArtifactSpec(sealed_name(name), "application/pdf", sha256_hex(seal.data), len(seal.data))
    seal.data = b""  # on disk now; not sent back through the pool
    return StagedSeal(SealedCopy(Path(tmp), spec, seal), [f"{name}: {w}" for w in seal.warnings],
                      failed)


def make_sealed_copy(vault: Vault, data: bytes, name: str, *,
                     attachments: Sequence[Attachment] = (), reason: str = "") -> tuple[SealedCopy | None, list[str]]:
    """Seal a copy of PDF bytes for a record about to be sealed; (copy or None, warnings).

    None (with a warning) when the vault has no seal certificate (made before sealed PDFs)
    or the PDF cannot be updated: the record is still sealed, with its original only.
    """
    if not vault.seal_store.exists():
        return None, [f"{name}: no sealed PDF copy, the vault has no seal certificate "
                      "(run 'contractvault key seal-ca' or 'contractvault key import-seal FILE.p12')"]
    identity = vault.seal_store.unlock()
    tsas = vault_tsas(vault)
    skip = frozenset(t.url for t in tsas if vault.timestamper.is_down(t.url))
    try:
        seal = seal_pdf(data, identity, tsas=tsas, attachments=attachments,
                        reason=reason, skip_tsa=skip)
    except UsageError as exc:
        return None, [f"{name}: no sealed PDF copy: {exc.message}"]
    for url in seal.failed_tsas:
        vault.timestamper.mark_failed(url)
    vault.paths.tmp.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix="sealed-", suffix=".pdf", dir=vault.paths.tmp)
    with os.fdopen(fd, "wb") as fh:
        fh.write(seal.data)
    spec = ArtifactSpec(sealed_name(name), "application/pdf", sha256_hex(seal.data), len(seal.data))
    return SealedCopy(Path(tmp), spec, seal), [f"{name}: {w}" for w in seal.warnings]


# --- changing the seal identity ---------------------------------------------------------------


@dataclass
class SealChange:
    """What `key import-seal` / `key seal-ca` did."""

    seal: dict[str, Any]
    evidence_id: str
    previous: str | None

    def as_dict(self) -> dict[str, Any]:
        return {"seal": {k: v for k, v in self.seal.items() if k not in ("certificate_pem", "chain_pem")},
                "evidence_id": self.evidence_id, "previous": self.previous}


def _record_seal_change(vault: Vault, info: dict[str, Any], previous: str | None, how: str) -> SealChange:
    from contractvault.ids import evidence_ref
    from contractvault.vault import Subject

    sealed = vault.seal(kind="seal-certificate", artifacts=[],
                        context={"how": how, "who": vault.user, "previous": previous,
                                 "seal_certificate": info},
                        build_rows=lambda _s: Subject())
    return SealChange(seal=info, evidence_id=evidence_ref(sealed.seq), previous=previous)


def import_seal(vault: Vault, path: Path, password: str | None) -> SealChange:
    """Seal PDFs with an organisation certificate (PKCS#12) from now on; sealed on the record.

    Earlier seal identities are kept, so PDFs sealed with them still validate.
    """
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {path}", str(exc)) from exc
    vault.keys.signer()  # the record of the change must be sealable before anything changes
    previous = vault.seal_store.active_id if vault.seal_store.exists() else None
    info = vault.seal_store.import_p12(data, password)
    return _record_seal_change(vault, info.as_dict(), previous, "import-seal")


def new_vault_seal(vault: Vault) -> SealChange:
    """Make a vault CA and seal certificate for a vault made before sealed PDFs existed;
    sealed on the record."""
    vault.keys.signer()
    previous = vault.seal_store.active_id if vault.seal_store.exists() else None
    if vault.seal_store.ca_certificate() is not None:
        raise UsageError("the vault already has its vault CA", "a second CA would confuse readers",
                         "Keep the current seal, or import an organisation certificate")
    info = vault.seal_store.create_vault_ca(vault.vault_id)
    return _record_seal_change(vault, info.as_dict(), previous, "seal-ca")
