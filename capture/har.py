"""The network log: which requests may carry an acceptance, and scrubbing secrets from the
HAR before it is sealed for years."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page, Request

_ACCEPT_REQUEST_IGNORED_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

SECRET_HEADERS = frozenset({"cookie", "set-cookie", "authorization", "proxy-authorization"})
REDACTED = "[redacted by ContractVault]"  # bodies sent while logging in


def wants(req: Request) -> bool:
    """A request that may carry an acceptance: non-GET, or a main-frame navigation."""
    try:
        nav = req.is_navigation_request() and req.frame.parent_frame is None
    except Exception:  # noqa: BLE001 - a detached frame is simply not a navigation
        nav = False
    return req.method not in _ACCEPT_REQUEST_IGNORED_METHODS or nav


@dataclass
class Recorder:
    """Collects requests that may carry an acceptance while it is entered."""

    page: Page
    requests: list[Request] = field(default_factory=list)

    def __call__(self, req: Request) -> None:
        if wants(req):
            self.requests.append(req)

    def __enter__(self) -> Recorder:
        self.page.on("request", self)
        return self

    def __exit__(self, *exc: object) -> None:
        self.page.remove_listener("request", self)


def secret_digest(value: str) -> str:
    """What a secret header or cookie value becomes: its SHA-256, so equal values can still
    be matched across requests without the secret being kept."""
    return "sha256:" + hashlib.sha256(value.encode("utf-8")).hexdigest()


def scrub_har(path: Path, login_done_at: datetime | None) -> None:
    """Remove secrets from the HAR before it is sealed for years.

    Cookie and authorization values are session secrets, not evidence of the terms: the
    header name stays and the value becomes its SHA-256. Bodies sent before
    ``login_done_at`` (an interactive login) may hold passwords and are dropped. URLs,
    methods, statuses, other headers and the acceptance request itself are kept.
    """
    log = json.loads(path.read_text(encoding="utf-8"))
    for entry in log.get("log", {}).get("entries", []):
        for side in (entry.get("request", {}), entry.get("response", {})):
            for header in side.get("headers", []):
                if header.get("name", "").lower() in SECRET_HEADERS:
                    header["value"] = secret_digest(str(header.get("value", "")))
            for cookie in side.get("cookies", []):
                cookie["value"] = secret_digest(str(cookie.get("value", "")))
        started = entry.get("startedDateTime")
        post = entry.get("request", {}).get("postData")
        if login_done_at and post and started and _parse_iso(started) < login_done_at:
            post["text"] = "[redacted: sent while logging in]"
            post.pop("params", None)
    path.write_text(json.dumps(log, ensure_ascii=False), encoding="utf-8")


def _parse_iso(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
