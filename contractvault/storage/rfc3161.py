"""RFC 3161 trusted time: the TSA client. Knows no Vault.

A configured time-stamping authority (TSA) is asked for a token whose SHA-256 message
imprint is the hash of a sealed record. A token is only as good as the CA it chains to, so
the TSA's CA certificates are pinned in the vault's `tsa.json`; without one a token's
imprint and nonce are checked but its signature cannot be, and verify says so.

Which TSA: a URL given for this run (`--tsa`, or `$CONTRACTVAULT_TSA_URL` with
`$CONTRACTVAULT_TSA_CA`), else the vault's `tsa.json` (written by
`contractvault key tsa URL --ca FILE`).
"""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

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

from contractvault.config import ENV_TSA, ENV_TSA_CA
from contractvault.errors import ContractVaultError, ExitCode, UsageError, echo
from contractvault.util import atomic_write, sha256_hex

SHA256_OID = "2.16.840.1.101.3.4.2.1"
TIMEOUT_SECONDS = 10.0
# After a failure, the seals that follow in the same process do not ask again for this long.
RETRY_AFTER_SECONDS = 60.0
# The TSA's clock and ours may differ a little; beyond this the local clock is reported.
CLOCK_SKEW_SECONDS = 300


class TsaError(ContractVaultError):
    """The TSA could not be reached or gave an answer that does not hold."""

    exit_code = ExitCode.UNEXPECTED


@dataclass
class TsaConfig:
    """Where to ask for tokens and which CA certificates to trust for them."""

    url: str | None  # the first TSA
    ca_pems: list[str] = field(default_factory=list)
    source: str = "vault"  # vault | env
    # Further TSAs: every record gets a token from each (two independent clocks and keys).
    also: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Every way a TSA URL enters (--tsa, $CONTRACTVAULT_TSA_URL, tsa.json, `key tsa`)
        # makes a TsaConfig: checked here once, before anything is asked or read.
        for url in [self.url, *self.also]:
            if url is not None:
                check_tsa_url(url, self.source)

    @property
    def urls(self) -> list[str]:
        """Every TSA to ask, in order, each once."""
        return list(dict.fromkeys([self.url, *self.also])) if self.url else []

    def anchors(self) -> list[x509.Certificate]:
        """The pinned CA certificates, parsed."""
        return load_certs("".join(self.ca_pems).encode("ascii"))

    def as_dict(self) -> dict[str, Any]:
        return {"url": self.url, "urls": self.urls, "source": self.source,
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
    check_tsa_url(url)  # never open a file:// or other URL, whoever calls
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



class Timestamper:
    """The vault's TSA settings and client: which TSA to ask now, and asking it.

    Owned by the Vault. Remembers a recent failure so that one unreachable TSA does not
    make a bulk add wait out a timeout per record.
    """

    def __init__(self, config_file: Path, override: TsaConfig | None = None) -> None:
        self.config_file = config_file
        # A TSA given for this run only (`--tsa URL`): used before tsa.json.
        self.override = override
        self._retry_after = 0.0
        # Per TSA URL: until when (monotonic) this process does not ask it again.
        self._down: dict[str, float] = {}

    def stored_config(self, strict: bool = True) -> TsaConfig:
        """The settings kept in the vault's tsa.json (no URL when there is none).

        Not `strict` (checking evidence, which needs only the pinned CAs), a URL that is
        refused (file://) is left out instead of stopping the check."""
        path = self.config_file
        if not path.is_file():
            return TsaConfig(url=None)
        try:
            data = json.loads(path.read_text("utf-8"))
            urls = [str(u) for u in data.get("urls") or ([data["url"]] if data.get("url") else [])]
            if not strict:
                urls = [u for u in urls if tsa_url_ok(u)]
            return TsaConfig(url=urls[0] if urls else None, also=urls[1:],
                             ca_pems=list(data.get("ca_pems", [])))
        except (ValueError, AttributeError) as exc:
            raise ContractVaultError(f"the TSA settings {path} are damaged", str(exc),
                                     "Set them again with 'contractvault key tsa URL --ca FILE'") from exc

    def config(self, strict: bool = True) -> TsaConfig:
        """The TSA to use now: this run's URL (option or environment) over tsa.json.

        The pinned CA certificates of tsa.json are always trusted too, so tokens from a TSA
        used earlier keep verifying after the URL changes. Not `strict`, refused URLs are
        left out (see `stored_config`).
        """
        stored = self.stored_config(strict)
        if self.override is not None and self.override.url:
            return TsaConfig(url=self.override.url,
                             ca_pems=[*stored.ca_pems, *self.override.ca_pems],
                             source=self.override.source)
        # Several TSAs for one run: separated by spaces or commas.
        env_urls = (os.environ.get(ENV_TSA) or "").replace(",", " ").split()
        if not strict:
            env_urls = [u for u in env_urls if tsa_url_ok(u)]
        env_url = env_urls[0] if env_urls else None
        if env_url:
            pems = list(stored.ca_pems)
            env_ca = os.environ.get(ENV_TSA_CA)
            if env_ca:
                try:
                    pems.append(Path(env_ca).read_text("ascii"))
                except OSError as exc:
                    raise UsageError(f"cannot read {ENV_TSA_CA}", str(exc)) from exc
            return TsaConfig(url=env_url, also=env_urls[1:], ca_pems=pems, source="env")
        return stored

    def configure(self, url: str | list[str] | None,
                  ca_pem: bytes | list[bytes] | None = None) -> TsaConfig:
        """Set the stored TSA or TSAs (in order; None or [] turns them off); CAs given join
        the pinned ones, which are never dropped (older tokens must keep verifying)."""
        urls = [url] if isinstance(url, str) else list(url or [])
        for u in urls:
            check_tsa_url(u)
        urls = list(dict.fromkeys(urls))
        # Not strict: a refused URL in tsa.json is what this call replaces; its CAs stay pinned.
        pems = list(self.stored_config(strict=False).ca_pems)
        for blob in ([ca_pem] if isinstance(ca_pem, bytes) else list(ca_pem or [])):
            for cert in load_certs(blob):
                text = cert.public_bytes(serialization.Encoding.PEM).decode("ascii")
                if text not in pems:
                    pems.append(text)
        first = urls[0] if urls else None
        atomic_write(self.config_file, json.dumps({"url": first, "urls": urls, "ca_pems": pems},
                                                  indent=2) + "\n")
        return TsaConfig(url=first, also=urls[1:], ca_pems=pems)

    def is_down(self, url: str) -> bool:
        """True for a while after the TSA at `url` failed in this process."""
        return time.monotonic() < self._down.get(url, 0.0)

    def mark_failed(self, url: str) -> None:
        """Remember that the TSA at `url` just failed (see `is_down`)."""
        self._down[url] = time.monotonic() + RETRY_AFTER_SECONDS

    def recently_failed(self) -> bool:
        """True for a while after a TSA failure in this process."""
        return time.monotonic() < self._retry_after

    def stamp(self, data: bytes, config: TsaConfig | None = None,
              url: str | None = None) -> tuple[str, bytes, TokenInfo]:
        """A checked token over SHA-256(`data`) from `url` (default: the first configured
        TSA): (url, token, info)."""
        config = config or self.config()
        url = url or config.url
        if not url:
            raise UsageError("no TSA is configured",
                             "set $CONTRACTVAULT_TSA_URL or run 'contractvault key tsa URL --ca FILE'")
        try:
            token, info = request_token(url, data, config.anchors())
        except TsaError:
            self._retry_after = time.monotonic() + RETRY_AFTER_SECONDS
            self.mark_failed(url)
            raise
        return url, token, info


def tsa_id(url: str) -> str:
    """A short, file-name-safe id of a TSA URL (names the token files of a further TSA)."""
    return sha256_hex(url.encode("utf-8"))[:12]


_WHERE = {"option": "--tsa", "env": f"${ENV_TSA}", "vault": "the vault's tsa.json"}


def tsa_url_ok(url: str) -> bool:
    """Whether `url` is one a TSA may be asked at (http or https, with a host)."""
    parts = urllib.parse.urlsplit(url.strip()) if isinstance(url, str) else None
    return bool(parts and parts.scheme.lower() in ("http", "https") and parts.hostname)


def check_tsa_url(url: str, source: str = "option") -> None:
    """Only http(s) TSAs with a host: a file:// or other scheme would read local files."""
    if not tsa_url_ok(url):
        where = _WHERE.get(source, source)
        hint = ("Set it again with 'contractvault key tsa URL'" if source == "vault"
                else "Give the TSA's http:// or https:// address")
        raise UsageError(f"'{echo(url)}' is not a TSA URL (from {where})",
                         "only http:// and https:// TSAs are used", hint)
