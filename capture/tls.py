"""The server's side of a page: redirect chain, status, headers, address, and for https the
TLS session and certificate chain (from the DevTools protocol, which has the cipher)."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from capture.context import RunContext
from capture.models import Artifact, iso_utc

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, CDPSession, Page, Response


def is_https(url: str) -> bool:
    """Whether ``url`` is an https address."""
    return urlsplit(url).scheme.lower() == "https"


def _epoch_iso(value: float | None) -> str | None:
    if value is None:
        return None
    return iso_utc(datetime.fromtimestamp(float(value), UTC))


@dataclass
class TlsPass:
    """Watches document responses for their TLS details and records a page's server side."""

    ctx: RunContext
    events: dict[int, dict[str, dict]] = field(default_factory=dict)

    def cdp(self, context: BrowserContext, page: Page, *, watch_tls: bool) -> CDPSession:
        """A DevTools session on ``page``; with ``watch_tls`` it records TLS details."""
        cdp = context.new_cdp_session(page)
        if watch_tls:
            # Playwright's security_details() lacks the cipher; the CDP event has it.
            events: dict[str, dict] = {}
            self.events[id(page)] = events

            def on_response(params: dict) -> None:
                details = params.get("response", {}).get("securityDetails")
                if details and params.get("type") == "Document":
                    events[params["response"].get("url", "")] = details

            cdp.on("Network.responseReceived", on_response)
            cdp.send("Network.enable")
        return cdp

    def response_meta(
        self, page: Page, cdp: CDPSession, response: Response, prefix: str, index: int
    ) -> tuple[dict, list[Artifact]]:
        """Redirects, status, headers, server address and TLS of the page's response."""
        chain: list[dict] = []
        prev = response.request.redirected_from
        while prev is not None:
            prev_response = prev.response()
            chain.append(
                {"url": prev.url, "status": prev_response.status if prev_response else None}
            )
            prev = prev.redirected_from
        chain.reverse()
        addr = response.server_addr()
        meta: dict[str, Any] = {
            "redirects": chain,
            "status": response.status,
            "headers": response.all_headers(),
            "ip": addr["ipAddress"] if addr else None,
            "port": addr["port"] if addr else None,
            "tls": None,
        }
        artifacts: list[Artifact] = []
        if is_https(response.url):
            meta["tls"], artifacts = self._tls(page, cdp, response, prefix, index)
        return meta, artifacts

    def _tls(
        self, page: Page, cdp: CDPSession, response: Response, prefix: str, index: int
    ) -> tuple[dict, list[Artifact]]:
        from playwright.sync_api import Error as PlaywrightError

        sec = response.security_details() or {}
        cdp_details = self.events.get(id(page), {}).get(response.url, {})
        tls: dict[str, Any] = {
            "protocol": sec.get("protocol") or cdp_details.get("protocol"),
            "cipher": cdp_details.get("cipher"),
            "key_exchange": cdp_details.get("keyExchange") or None,
            "key_exchange_group": cdp_details.get("keyExchangeGroup") or None,
            "subject": sec.get("subjectName") or cdp_details.get("subjectName"),
            "issuer": sec.get("issuer") or cdp_details.get("issuer"),
            "valid_from": _epoch_iso(sec.get("validFrom") or cdp_details.get("validFrom")),
            "valid_to": _epoch_iso(sec.get("validTo") or cdp_details.get("validTo")),
            "san": cdp_details.get("sanList"),
            "certificate_files": [],
        }
        parts = urlsplit(response.url)
        origin = f"{parts.scheme}://{parts.netloc}"
        artifacts: list[Artifact] = []
        try:
            chain = cdp.send("Network.getCertificate", {"origin": origin}).get("tableNames", [])
        except PlaywrightError:
            chain = []  # the certificate cache can be empty; the details above remain
        for i, b64 in enumerate(chain):
            art = self.ctx.artifact(f"{prefix}cert-{i}.der", index)
            art.path.write_bytes(base64.b64decode(b64))
            artifacts.append(art)
            tls["certificate_files"].append(art.name)
        return tls, artifacts
