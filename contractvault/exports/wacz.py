"""`export wacz ID -o FILE.wacz`: a capture as a signed WACZ web archive.

The WARC records come from the capture's sealed HAR (response bodies are recorded into it at
capture time), so the page replays in ReplayWeb.page exactly as it was served. Layout (WACZ
1.1.1): `archive/data.warc.gz` (stored, not deflated), `indexes/index.cdx` (CDXJ),
`pages/pages.jsonl`, `datapackage.json` (SHA-256 of every file) and
`datapackage-digest.json`, signed as the WACZ Signing and Verification specification
(0.1.0) describes:

- domain-name identity + timestamp profile: `signature` is the seal key's ECDSA signature
  over the `hash` string, `domainCert` the seal certificate chain, `domain` its common name,
  `timeSignature` an RFC 3161 token over `signature` from the first TSA that answers, and
  `timestampCert` the TSA's chain;
- without any TSA answering, the anonymous profile (`signature` + `publicKey`), with a warning.

The HAR's cookies stay redacted as sealed; bodies Playwright stored decoded are written
without their Content-Encoding so the headers describe the bytes that follow.
"""

from __future__ import annotations

import base64
import io
import json
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from contractvault import __version__
from contractvault.errors import ContractVaultError, RefusedError, UsageError, VerificationError
from contractvault.evidence.verify import verify
from contractvault.exports.bundle import _entries, _resolve
from contractvault.ids import evidence_ref
from contractvault.models import Contract
from contractvault.storage.ledger import LedgerEntry, record_bytes
from contractvault.storage.rfc3161 import TsaError, request_token
from contractvault.storage.sealcert import cert_pem, subject_cn
from contractvault.util import iso_utc, new_output_file, output_writer, sha256_hex
from contractvault.vault import Vault

WACZ_VERSION = "1.1.1"
SIGNING_VERSION = "0.1.0"
WARC_NAME = "data.warc.gz"
# Hop-by-hop and encoding headers describe bytes we no longer have: the HAR holds bodies decoded.
_DROP_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length", "connection",
                           "keep-alive"})


@dataclass
class WaczExport:
    """What `export wacz` wrote."""

    path: Path
    evidence_id: str
    records: int
    pages: int
    signature: str  # domain+timestamp | anonymous | none
    sha256: str
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"path": str(self.path), "evidence_id": self.evidence_id, "records": self.records,
                "pages": self.pages, "signature": self.signature, "sha256": self.sha256,
                "warnings": self.warnings}


def _har_entry(entries: list[LedgerEntry], seq: int) -> tuple[LedgerEntry, dict[str, Any]]:
    """The record holding the capture's HAR: `seq` itself, or the agreement page of its capture."""
    entry = entries[seq - 1]
    if entry.record.get("kind") != "capture":
        raise UsageError(f"{evidence_ref(seq)} is not a capture", "only captured pages have a "
                         "network exchange to archive", "Name a document made by 'contractvault capture'")
    cid = (entry.record.get("context") or {}).get("capture_id")
    for e in [entry, *entries]:
        if e.record.get("kind") == "capture" and (e.record.get("context") or {}).get("capture_id") == cid:
            har = next((a for a in e.record.get("artifacts", []) if str(a["name"]).endswith(".har")), None)
            if har is not None:
                return e, har
    raise VerificationError(f"the network log of {evidence_ref(seq)} is missing",
                            "no record of its capture seals a HAR", "Run 'contractvault verify'")


def _headers(items: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(str(h.get("name", "")), str(h.get("value", ""))) for h in items
            if str(h.get("name", "")) and not str(h.get("name", "")).startswith(":")]


def _body(content: dict[str, Any]) -> bytes:
    text = content.get("text")
    if text is None:
        return b""
    if content.get("encoding") == "base64":
        return base64.b64decode(text)
    mime = str(content.get("mimeType") or "")
    charset = "utf-8"
    if "charset=" in mime:
        charset = mime.split("charset=", 1)[1].split(";")[0].strip() or "utf-8"
    try:
        return str(text).encode(charset)
    except (LookupError, UnicodeEncodeError):
        return str(text).encode("utf-8")


def _warc_date(value: str) -> str:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        moment = datetime.now(UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_warc(har: dict[str, Any], info: dict[str, str]) -> tuple[bytes, int]:
    """WARC (gzip per record) of a HAR's exchanges: warcinfo, then request + response pairs."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    writer.write_record(writer.create_warcinfo_record(WARC_NAME, info))
    count = 1
    for item in har.get("log", {}).get("entries", []):
        req, resp = item.get("request") or {}, item.get("response") or {}
        url = str(req.get("url", ""))
        status = int(resp.get("status") or 0)
        if not url.startswith(("http://", "https://")) or status <= 0:
            continue  # data: URLs, aborted requests: nothing was served
        date = _warc_date(str(item.get("startedDateTime", "")))
        body = _body(resp.get("content") or {})
        headers = [(k, v) for k, v in _headers(resp.get("headers") or [])
                   if k.lower() not in _DROP_HEADERS]
        headers.append(("Content-Length", str(len(body))))
        proto = str(resp.get("httpVersion") or "HTTP/1.1").upper()
        if not proto.startswith("HTTP/"):
            proto = "HTTP/1.1"
        http = StatusAndHeaders(f"{status} {resp.get('statusText') or ''}".strip(), headers, protocol=proto)
        response = writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                             http_headers=http, warc_headers_dict={"WARC-Date": date})
        parts = url.split("/", 3)
        path = "/" + (parts[3] if len(parts) > 3 else "")
        post = (req.get("postData") or {}).get("text")
        req_body = str(post).encode("utf-8") if post else b""
        req_headers = [(k, v) for k, v in _headers(req.get("headers") or []) if k.lower() != "content-length"]
        if req_body:
            req_headers.append(("Content-Length", str(len(req_body))))
        req_http = StatusAndHeaders(f"{req.get('method', 'GET')} {path} {proto}", req_headers,
                                    protocol=proto, is_http_request=True)
        request = writer.create_warc_record(url, "request", payload=io.BytesIO(req_body),
                                            http_headers=req_http,
                                            warc_headers_dict={"WARC-Date": date})
        writer.write_request_response_pair(request, response)
        count += 2
    return buf.getvalue(), count


def _cdxj(warc: bytes) -> bytes:
    from cdxj_indexer.main import write_cdx_index

    out = io.StringIO()
    write_cdx_index(out, [io.BytesIO(warc)], {"sort": True, "post_append": True, "filename": WARC_NAME})
    lines = [line.replace('"filename": "-"', f'"filename": "{WARC_NAME}"')
             for line in out.getvalue().splitlines() if line.strip()]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _pages(entries: list[LedgerEntry], main: LedgerEntry) -> list[dict[str, Any]]:
    cid = (main.record.get("context") or {}).get("capture_id")
    pages = []
    for e in entries:
        ctx = e.record.get("context") or {}
        if e.record.get("kind") == "capture" and ctx.get("capture_id") == cid:
            page = ctx.get("page") or {}
            pages.append({"id": f"{evidence_ref(e.seq)}", "url": page.get("final_url"),
                          "ts": page.get("captured_at") or ctx.get("started_at"),
                          "title": page.get("title") or page.get("final_url")})
    return pages


def _tsa_chain(token_certs: list[x509.Certificate], anchors: list[x509.Certificate]) -> list[x509.Certificate]:
    """The TSA's certificate first, then its issuers up to a pinned root (authsign's order)."""
    pool = [*token_certs, *anchors]
    signer = next((c for c in token_certs if not _is_ca(c)), token_certs[0] if token_certs else None)
    if signer is None:
        return anchors
    chain = [signer]
    while chain[-1].issuer != chain[-1].subject:
        issuer = next((c for c in pool if c.subject == chain[-1].issuer and c not in chain), None)
        if issuer is None:
            break
        chain.append(issuer)
    return chain


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        return bool(cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        return False


def sign_digest(vault: Vault, digest: str, created: str) -> tuple[dict[str, Any] | None, str, list[str]]:
    """signedData for `datapackage-digest.json`; (data or None, profile, warnings)."""
    if not vault.seal_store.exists():
        return None, "none", ["the WACZ is not signed: the vault has no seal certificate"]
    ident = vault.seal_store.unlock()
    if not isinstance(ident.key, ec.EllipticCurvePrivateKey):
        return None, "none", ["the WACZ is not signed: the WACZ signing specification takes ECDSA "
                              "keys and the seal key is RSA"]
    signature = base64.b64encode(ident.key.sign(digest.encode("ascii"), ec.ECDSA(hashes.SHA256()))).decode("ascii")
    base = {"hash": digest, "created": created, "software": f"ContractVault {__version__}",
            "version": SIGNING_VERSION, "signature": signature}
    warnings: list[str] = []
    config = vault.timestamper.config()
    for url in config.urls:
        try:
            token, info = request_token(url, signature.encode("ascii"), config.anchors())
        except TsaError as exc:
            warnings.append(f"no WACZ timestamp from {url}: {exc.message}")
            continue
        chain = _tsa_chain(info.certificates, config.anchors())
        return ({**base, "domain": subject_cn(ident.cert),
                 "domainCert": "".join(cert_pem(c) for c in [ident.cert, *ident.chain]),
                 "timeSignature": base64.b64encode(token).decode("ascii"),
                 "timestampCert": "".join(cert_pem(c) for c in chain)},
                "domain+timestamp", warnings)
    public = ident.key.public_key().public_bytes(serialization.Encoding.DER,
                                                 serialization.PublicFormat.SubjectPublicKeyInfo)
    warnings.append("the WACZ signature is anonymous (signature + public key): "
                    + ("no TSA gave a timestamp" if config.urls else "no TSA is configured"))
    return {**base, "publicKey": base64.b64encode(public).decode("ascii")}, "anonymous", warnings


def export_wacz(vault: Vault, ref: str, out: Path | str, *, force: bool = False,
                include_secret: bool = False, verified_seq: int | None = None) -> WaczExport:
    """Write the signed WACZ of a captured document or its evidence record to `out`.

    The record holding the HAR is verified first (none is exported of one that does not
    verify), unless it is `verified_seq`, which the caller has just verified itself
    (`capture --report --wacz` checks the record once for both files)."""
    out = new_output_file(out, force)
    seq, _doc = _resolve(vault, ref)
    entries = _entries(vault)
    if not 1 <= seq <= len(entries):
        raise UsageError(f"no evidence record {evidence_ref(seq)}")
    main, har_art = _har_entry(entries, seq)
    cid = (main.record.get("subject") or {}).get("contract_id")
    if cid and not include_secret:
        with vault.session() as s:
            contract = s.get(Contract, int(str(cid)[2:]))
        if contract is not None and contract.secret:
            raise RefusedError(f"{cid} is marked secret (sekretess)", "its captures are not exported "
                               "by default", "Add --include-secret if the recipient may see them")
    checked = verify(vault, evidence_ref(main.seq)) if main.seq != verified_seq else None
    if checked is not None and not checked.ok:
        first = checked.failures[0]
        raise VerificationError(f"{evidence_ref(main.seq)} does not verify, so it is not exported",
                                f"{first.id}: {first.detail}", "Run 'contractvault verify'")
    try:
        har = json.loads(vault.blobs.open(str(har_art["sha256"])).read_bytes())
    except ValueError as exc:
        raise ContractVaultError("the sealed HAR does not parse", str(exc)) from exc
    ctx = main.record.get("context") or {}
    warc, records = build_warc(har, {
        "software": f"ContractVault {__version__}", "format": "WARC File Format 1.0",
        "description": f"Capture {ctx.get('capture_id')}, sealed as {evidence_ref(main.seq)}",
        "contractvault-record-sha256": sha256_hex(record_bytes(main.record)),
        "contractvault-har-sha256": str(har_art["sha256"])})
    pages = _pages(entries, main)
    pages_jsonl = "\n".join(json.dumps(p, ensure_ascii=False) for p in
                            [{"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}, *pages])
    files: dict[str, bytes] = {
        f"archive/{WARC_NAME}": warc,
        "indexes/index.cdx": _cdxj(warc),
        "pages/pages.jsonl": (pages_jsonl + "\n").encode("utf-8"),
    }
    created = datetime.now(UTC).replace(microsecond=0)
    main_page = pages[0] if pages else {}
    package = {
        "profile": "data-package", "wacz_version": WACZ_VERSION,
        "title": f"ContractVault {evidence_ref(main.seq)}: {main_page.get('title') or ''}".strip(),
        "description": f"Capture {ctx.get('capture_id')} of {main_page.get('url')}",
        "created": iso_utc(created), "modified": iso_utc(created),
        "software": f"ContractVault {__version__}",
        "mainPageURL": main_page.get("url"), "mainPageDate": main_page.get("ts"),
        "resources": [{"name": Path(name).name, "path": name, "hash": f"sha256:{sha256_hex(data)}",
                       "bytes": len(data)} for name, data in files.items()],
    }
    package_bytes = json.dumps(package, indent=2, ensure_ascii=False).encode("utf-8")
    digest = f"sha256:{sha256_hex(package_bytes)}"
    signed, profile, warnings = sign_digest(vault, digest, package["created"])
    digest_doc: dict[str, Any] = {"path": "datapackage.json", "hash": digest}
    if signed is not None:
        digest_doc["signedData"] = signed
    files["datapackage.json"] = package_bytes
    files["datapackage-digest.json"] = json.dumps(digest_doc, indent=2).encode("utf-8")
    stamp = created.timetuple()[:6]
    with output_writer(out, force) as fh, zipfile.ZipFile(fh, "w") as zf:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=stamp)
            # WARCs are stored: replay reads records by offset straight out of the ZIP.
            info.compress_type = zipfile.ZIP_STORED if name.startswith("archive/") else zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return WaczExport(path=out, evidence_id=evidence_ref(main.seq), records=records,
                      pages=len(pages), signature=profile,
                      sha256=sha256_hex(out.read_bytes()), warnings=warnings)
