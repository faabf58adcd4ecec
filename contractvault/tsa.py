"""Trusted time: RFC 3161 timestamp tokens over record hashes.

After a record is sealed, a configured time-stamping authority (TSA) is asked for a token
whose SHA-256 message imprint is the record hash. The token (the TSA's whole
TimeStampResp, DER) is kept twice: as `ledger/tokens/<seq>.tsr` and as a TimestampToken
row. A TSA that cannot be reached never loses a record: it stays sealed, `verify` warns
"no timestamp", and `contractvault timestamp` asks again later.

Which TSA: `$CONTRACTVAULT_TSA_URL` for one run, else the vault's `tsa.json` (written by
`contractvault key tsa URL --ca FILE`). A token is only as good as the CA it chains to,
so the TSA's CA certificates are pinned in `tsa.json`; without one a token's imprint is
checked but its signature cannot be, and verify says so.
"""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from rfc3161_client import (
    HashAlgorithm,
    PKIStatus,
    TimestampRequestBuilder,
    TimeStampResponse,
    VerificationError,
    VerifierBuilder,
    decode_timestamp_response,
)
from sqlmodel import col, select

from contractvault.config import ENV_TSA
from contractvault.errors import ContractVaultError, NotFoundError, UsageError
from contractvault.ids import evidence_ref, parse_ref
from contractvault.ledger import record_bytes
from contractvault.models import Document, Evidence, TimestampToken
from contractvault.util import Progress, atomic_write, iso_utc, sha256_hex

if TYPE_CHECKING:
    from contractvault.vault import Sealed, Vault

ENV_TSA_CA = "CONTRACTVAULT_TSA_CA"
CONFIG_NAME = "tsa.json"
SHA256_OID = "2.16.840.1.101.3.4.2.1"
TIMEOUT_SECONDS = 10.0
# After a failure, the seals that follow in the same process do not ask again for this long.
RETRY_AFTER_SECONDS = 60.0
# The TSA's clock and ours may differ a little; beyond this the local clock is reported.
CLOCK_SKEW_SECONDS = 300



class TsaError(ContractVaultError):
    """The TSA could not be reached or gave an answer that does not hold."""

    exit_code = 1


@dataclass
class TsaConfig:
    """Where to ask for tokens and which CA certificates to trust for them."""

    url: str | None
    ca_pems: list[str] = field(default_factory=list)
    source: str = "vault"  # vault | env

    def anchors(self) -> list[x509.Certificate]:
        """The pinned CA certificates, parsed."""
        return load_certs("".join(self.ca_pems).encode("ascii"))

    def as_dict(self) -> dict[str, Any]:
        return {"url": self.url, "source": self.source,
                "ca_subjects": [c.subject.rfc4514_string() for c in self.anchors()]}


@dataclass
class TokenInfo:
    """What a token says."""

    gen_time: datetime
    serial: int
    imprint: str
    tsa_name: str | None
    policy: str
    certificates: list[x509.Certificate]


@dataclass
class TokenCheck:
    """The outcome of checking one token: problems are failures, notes are warnings."""

    info: TokenInfo | None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def load_certs(pem: bytes) -> list[x509.Certificate]:
    """Every certificate in a PEM text (empty for empty input)."""
    if not pem.strip():
        return []
    try:
        return x509.load_pem_x509_certificates(pem)
    except ValueError as exc:
        raise UsageError("cannot read the TSA CA certificate", str(exc),
                         "Give a PEM file with the TSA's CA certificate") from exc


def certs_pem(certs: list[x509.Certificate]) -> bytes:
    """Certificates as one PEM text."""
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs)


# --- configuration -----------------------------------------------------------------------


def config_path(vault: Vault) -> Path:
    """The vault's TSA settings file."""
    return vault.root / CONFIG_NAME


def _stored_config(vault: Vault) -> TsaConfig:
    path = config_path(vault)
    if not path.is_file():
        return TsaConfig(url=None)
    try:
        data = json.loads(path.read_text("utf-8"))
        return TsaConfig(url=data.get("url") or None, ca_pems=list(data.get("ca_pems", [])))
    except (ValueError, AttributeError) as exc:
        raise ContractVaultError(f"the TSA settings {path} are damaged", str(exc),
                                 "Set them again with 'contractvault key tsa URL --ca FILE'") from exc


def tsa_config(vault: Vault) -> TsaConfig:
    """The TSA to use now: `$CONTRACTVAULT_TSA_URL` (and `$CONTRACTVAULT_TSA_CA`) over `tsa.json`.

    The pinned CA certificates of `tsa.json` are always trusted too, so tokens from a TSA
    used earlier keep verifying after the URL changes.
    """
    stored = _stored_config(vault)
    env_url = os.environ.get(ENV_TSA)
    if env_url:
        pems = list(stored.ca_pems)
        env_ca = os.environ.get(ENV_TSA_CA)
        if env_ca:
            try:
                pems.append(Path(env_ca).read_text("ascii"))
            except OSError as exc:
                raise UsageError(f"cannot read {ENV_TSA_CA}", str(exc)) from exc
        return TsaConfig(url=env_url, ca_pems=pems, source="env")
    return stored


def configure_tsa(vault: Vault, url: str | None, ca_pem: bytes | None = None) -> TsaConfig:
    """Set (or with `url=None` turn off) the vault's TSA; a CA given is added to the pinned ones."""
    if url is not None and not url.startswith(("http://", "https://")):
        raise UsageError(f"'{url}' is not a TSA URL", "it must start with http:// or https://")
    current = _stored_config(vault)
    pems = list(current.ca_pems)
    if ca_pem:
        for cert in load_certs(ca_pem):
            text = cert.public_bytes(serialization.Encoding.PEM).decode("ascii")
            if text not in pems:
                pems.append(text)
    atomic_write(config_path(vault), json.dumps({"url": url, "ca_pems": pems}, indent=2) + "\n")
    return TsaConfig(url=url, ca_pems=pems)


# --- tokens ------------------------------------------------------------------------------


def token_path(vault: Vault, seq: int) -> Path:
    """Where the token of record `seq` is kept beside the ledger."""
    return vault.paths.ledger / "tokens" / f"{seq}.tsr"


def _info(resp: TimeStampResponse) -> TokenInfo:
    tst = resp.tst_info
    certs = [x509.load_der_x509_certificate(c) for c in resp.signed_data.certificates]
    name = None
    try:
        if tst.name is not None:
            name = str(getattr(tst.name, "value", tst.name))
    except ValueError:
        name = None
    gen = tst.gen_time if tst.gen_time.tzinfo else tst.gen_time.replace(tzinfo=UTC)
    return TokenInfo(gen_time=gen, serial=tst.serial_number, imprint=tst.message_imprint.message.hex(),
                     tsa_name=name, policy=tst.policy.dotted_string, certificates=certs)


def check_token(token: bytes, record_hash: str, anchors: list[x509.Certificate],
                nonce: int | None = None) -> TokenCheck:
    """Check a stored token (TimeStampResp DER) against a record hash and trusted CAs.

    Holds when: it parses, the TSA granted it, the imprint is SHA-256 of exactly this
    record, and the signature verifies with the TSA certificate in the token, which must
    carry the critical timeStamping key usage and chain to a pinned CA.
    """
    try:
        resp = decode_timestamp_response(token)
    except ValueError as exc:
        return TokenCheck(None, [f"the token does not parse ({exc})"])
    if PKIStatus(resp.status) not in (PKIStatus.GRANTED, PKIStatus.GRANTED_WITH_MODS):
        return TokenCheck(None, [f"the TSA did not grant it (status {resp.status}: "
                                 f"{' '.join(resp.status_string)})"])
    try:
        info = _info(resp)
    except ValueError as exc:
        return TokenCheck(None, [f"the token cannot be read ({exc})"])
    out = TokenCheck(info)
    imprint_alg = resp.tst_info.message_imprint.hash_algorithm.dotted_string
    if imprint_alg != SHA256_OID:
        out.problems.append(f"the imprint is not SHA-256 (algorithm {imprint_alg})")
        return out
    if info.imprint != record_hash:
        out.problems.append(f"the token is over {info.imprint}, not over this record ({record_hash})")
        return out
    if not anchors:
        out.notes.append("no TSA CA certificate is pinned, so the token's signature was not "
                         "checked; pin one with 'contractvault key tsa URL --ca FILE'")
        return out
    builder = VerifierBuilder(roots=list(anchors), nonce=nonce)
    try:
        builder.build().verify(resp, bytes.fromhex(record_hash))
    except (VerificationError, ValueError) as exc:
        out.problems.append(f"the token's signature does not verify: {exc}")
    return out


def request_token(url: str, data: bytes, anchors: list[x509.Certificate],
                  timeout: float = TIMEOUT_SECONDS) -> tuple[bytes, TokenInfo]:
    """Ask the TSA at `url` for a token over SHA-256(`data`) and check the answer."""
    req = TimestampRequestBuilder().data(data).hash_algorithm(HashAlgorithm.SHA256) \
        .nonce(nonce=True).cert_request(cert_request=True).build()
    http_req = urllib.request.Request(url, data=req.as_bytes(), method="POST", headers={
        "Content-Type": "application/timestamp-query", "Accept": "application/timestamp-reply"})
    try:
        with urllib.request.urlopen(http_req, timeout=timeout) as resp:  # noqa: S310 - user's TSA URL
            body = resp.read()
    except urllib.error.HTTPError as exc:
        raise TsaError(f"the TSA at {url} refused the request", f"HTTP {exc.code} {exc.reason}",
                       "Try again later with 'contractvault timestamp'") from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise TsaError(f"cannot reach the TSA at {url}", str(reason),
                       "Check the URL and network; 'contractvault timestamp' tries again") from exc
    check = check_token(body, sha256_hex(data), anchors, nonce=req.nonce)
    if check.problems or check.info is None:
        raise TsaError(f"the TSA at {url} gave a token that does not hold",
                       "; ".join(check.problems) or "unreadable",
                       "Check the TSA URL and its CA certificate")
    if anchors:
        return body, check.info
    # Without a pinned CA at least the nonce must match this very request.
    resp_nonce = decode_timestamp_response(body).tst_info.nonce
    if resp_nonce != req.nonce:
        raise TsaError(f"the TSA at {url} answered another request", "the nonce differs")
    return body, check.info


def store_token(vault: Vault, seq: int, url: str, token: bytes, gen_time: datetime) -> None:
    """Keep a checked token: first the file beside the ledger, then the database row."""
    atomic_write(token_path(vault, seq), token, mode=0o444)
    with vault.session() as s:
        row = s.get(TimestampToken, seq)
        if row is None:
            s.add(TimestampToken(evidence_seq=seq, tsa_url=url, gen_time=gen_time, token=token))
            s.commit()


def timestamp_record(vault: Vault, seq: int, config: TsaConfig | None = None) -> TokenInfo:
    """Obtain, check and store a token for the sealed record `seq` (raises TsaError)."""
    config = config or tsa_config(vault)
    if not config.url:
        raise UsageError("no TSA is configured",
                         "set $CONTRACTVAULT_TSA_URL or run 'contractvault key tsa URL --ca FILE'")
    with vault.session() as s:
        row = s.get(Evidence, seq)
    if row is None:
        raise NotFoundError(f"no evidence record {evidence_ref(seq)}")
    data = row.record_json.encode("utf-8")
    token, info = request_token(config.url, data, config.anchors())
    if info.imprint != row.record_hash:
        raise TsaError("the token does not match the record", "its hash differs from the ledger")
    store_token(vault, seq, config.url, token, info.gen_time)
    return info


def timestamp_after_seal(vault: Vault, sealed: Sealed) -> str | None:
    """Called after every sealing: a token if a TSA is configured; returns a warning or None."""
    try:
        config = tsa_config(vault)
    except ContractVaultError as exc:
        return f"{evidence_ref(sealed.seq)} has no timestamp: {exc.message}"
    if not config.url:
        return None
    if time.monotonic() < vault.tsa_retry_after:
        # One unreachable TSA must not make a bulk add wait out a timeout per file.
        return (f"{evidence_ref(sealed.seq)} is sealed but has no timestamp: the TSA failed "
                "moments ago. Run 'contractvault timestamp' later")
    try:
        # The record bytes the ledger holds are exactly these; hashing them gives the imprint.
        token, info = request_token(config.url, record_bytes(sealed.record), config.anchors())
        store_token(vault, sealed.seq, config.url, token, info.gen_time)
    except TsaError as exc:
        vault.tsa_retry_after = time.monotonic() + RETRY_AFTER_SECONDS
        return f"{evidence_ref(sealed.seq)} is sealed but has no timestamp: {exc.message}"
    except ContractVaultError as exc:
        return f"{evidence_ref(sealed.seq)} is sealed but has no timestamp: {exc.message}"
    return None


@dataclass
class StampResult:
    """What `timestamp` did."""

    stamped: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)
    already: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"stamped": self.stamped, "errors": self.errors, "already": self.already}


def _selected_seqs(vault: Vault, ref: str | None) -> list[int]:
    with vault.session() as s:
        if ref is None:
            return list(s.exec(select(Evidence.seq).order_by(col(Evidence.seq))).all())
        kind, pk = parse_ref(ref)
        if kind == "evidence":
            if s.get(Evidence, pk) is None:
                raise NotFoundError(f"no evidence record {ref}", "", "Run 'contractvault verify'")
            return [pk]
        if kind == "document":
            doc = s.get(Document, pk)
            if doc is None:
                raise NotFoundError(f"no document {ref}")
            return list(s.exec(select(Evidence.seq).where(Evidence.document_id == pk)).all())
        return list(s.exec(select(Evidence.seq).where(Evidence.contract_id == pk)
                           .order_by(col(Evidence.seq))).all())


def timestamp_missing(vault: Vault, ref: str | None = None, config: TsaConfig | None = None,
                      progress: Progress | None = None) -> StampResult:
    """Ask the TSA for a token for every record (of `ref`, or all) that has none yet.

    A token file left without its database row (a crash between the two) is adopted
    after it has been checked, instead of asking again.
    """
    config = config or tsa_config(vault)
    seqs = _selected_seqs(vault, ref)
    with vault.session() as s:
        have = set(s.exec(select(TimestampToken.evidence_seq)).all())
    todo = [q for q in seqs if q not in have]
    result = StampResult(already=len(seqs) - len(todo))
    if todo and not config.url:
        raise UsageError("no TSA is configured",
                         "set $CONTRACTVAULT_TSA_URL or run 'contractvault key tsa URL --ca FILE'")
    anchors = config.anchors()
    for n, seq in enumerate(todo, start=1):
        path = token_path(vault, seq)
        try:
            if path.is_file():
                with vault.session() as s:
                    row = s.get(Evidence, seq)
                assert row is not None
                check = check_token(path.read_bytes(), row.record_hash, anchors)
                if check.info is not None and not check.problems:
                    store_token(vault, seq, config.url or "", path.read_bytes(), check.info.gen_time)
                    result.stamped.append({"id": evidence_ref(seq),
                                           "gen_time": iso_utc(check.info.gen_time)})
                    continue
                # A bad leftover file is replaced by a fresh token.
                os.chmod(path, 0o644)
                path.unlink()
            info = timestamp_record(vault, seq, config)
            result.stamped.append({"id": evidence_ref(seq), "gen_time": iso_utc(info.gen_time)})
        except TsaError as exc:
            result.errors.append({"id": evidence_ref(seq), "error": exc.message})
        if progress:
            progress(n, len(todo))
    return result
