"""Opening a page: navigation errors in plain words, HTTP status, waiting for script-rendered
text, and refusing bot walls, captchas and pages without an agreement's worth of text."""

from __future__ import annotations

import re
from contextlib import suppress
from typing import TYPE_CHECKING

from capture import frames as framelib
from capture.context import RunContext, short
from capture.errors import NavigationFailed, NoAgreementText

if TYPE_CHECKING:
    from playwright.sync_api import Page, Response

# Bot walls and captchas seen instead of the agreement. Matched in the title always, and in
# the text only when the page is short: a long agreement may mention "captcha" in a clause.
BOT_WALL_MARKERS = (
    "captcha",
    "are you a robot",
    "are you human",
    "verify you are human",
    "verify that you are human",
    "i'm not a robot",
    "i am not a robot",
    "access denied",
    "checking your browser",
    "just a moment...",
    "attention required",
    "unusual traffic",
    "request blocked",
    "är du en robot",
    "jag är inte en robot",
    "åtkomst nekad",
)
BOT_WALL_MAX_CHARS = 3000

# Chromium's network errors (net::ERR_...): the kind of failure (NavigationFailed.kind) and
# what it means in words. ERR_CERT_* and ERR_SSL_* are "tls" (see `_net_error`).
NET_ERRORS = {
    "ERR_NAME_NOT_RESOLVED": ("dns", "the host name does not resolve (no such site)"),
    "ERR_NAME_RESOLUTION_FAILED": ("dns", "the host name could not be resolved"),
    "ERR_CONNECTION_REFUSED": ("refused", "nothing answers at that address and port"),
    "ERR_UNSAFE_PORT": ("blocked-port", "the browser refuses that port (it belongs to "
                                        "another protocol)"),
    "ERR_CONNECTION_RESET": ("network", "the server reset the connection"),
    "ERR_CONNECTION_CLOSED": ("network", "the server closed the connection"),
    "ERR_EMPTY_RESPONSE": ("network", "the server closed the connection without an answer"),
    "ERR_CONNECTION_TIMED_OUT": ("network", "the connection timed out"),
    "ERR_TIMED_OUT": ("network", "the connection timed out"),
    "ERR_ADDRESS_UNREACHABLE": ("network", "the address is unreachable"),
    "ERR_INTERNET_DISCONNECTED": ("network", "this machine is not connected to a network"),
    "ERR_TOO_MANY_REDIRECTS": ("network", "the site redirects in a loop"),
}


def _net_error(reason: str) -> tuple[str, str, str]:
    """(kind, words, code) for a Playwright navigation error's first line."""
    found = re.search(r"net::(ERR_[A-Z0-9_]+)", reason)
    code = found.group(1) if found else ""
    if code in NET_ERRORS:
        kind, words = NET_ERRORS[code]
        return kind, words, code
    if code.startswith("ERR_CERT"):
        return "tls", "the site's TLS certificate is not trusted", code
    if code.startswith(("ERR_SSL", "ERR_BAD_SSL")):
        return "tls", "the TLS handshake failed (is the site https at all?)", code
    return "network", reason.removeprefix("Page.goto: ").split(" at ")[0] or "unknown error", code


def goto(ctx: RunContext, page: Page, url: str) -> Response:
    """Open ``url``; raise :class:`NavigationFailed` with the reason and what to do."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        response = page.goto(url, wait_until="load")
    except PlaywrightTimeout as exc:
        raise NavigationFailed(
            f"{url} did not finish loading within {ctx.req.timeout_ms / 1000:g} s; "
            "try again or raise the limit with --timeout SECONDS",
            kind="timeout",
        ) from exc
    except PlaywrightError as exc:
        kind, words, code = _net_error(short(exc.message))
        hint = {
            "tls": "evidence is not taken from a site whose identity cannot be verified",
            "blocked-port": "serve the page on another port",
        }.get(kind, "check the address and that the site is reachable")
        raise NavigationFailed(f"could not open {url}{f' ({code})' if code else ''}: {words}; "
                               f"{hint}", kind=kind) from exc
    if response is None:
        raise NavigationFailed(f"opening {url} gave no document response")
    check_status(response, url)
    return response


def check_status(response: Response | None, url: str) -> None:
    """Refuse an HTTP error page: it is not the agreement."""
    if response is not None and response.status >= 400:
        raise NavigationFailed(
            f"{url} answered HTTP {response.status} {response.status_text}".rstrip()
            + "; the agreement page must load without an error",
            kind="http",
            status=response.status,
        )


def wait_for_text(ctx: RunContext, page: Page) -> None:
    """Give script-rendered pages a moment to show their text (returns at once if shown)."""
    from playwright.sync_api import Error as PlaywrightError

    limit = min(5000, max(500, ctx.req.timeout_ms // 4))
    with suppress(PlaywrightError):
        page.wait_for_function(
            "n => !!document.body && (document.body.innerText.trim().length >= n"
            " || document.querySelector('iframe') !== null"
            " || [...document.querySelectorAll('*')].some(e => e.shadowRoot))",
            arg=max(1, ctx.req.min_text_chars),
            timeout=limit,
        )


def read_page(ctx: RunContext, page: Page, url: str) -> dict:
    """The page's text and facts; refuses bot walls, captchas and near-empty pages."""
    wait_for_text(ctx, page)
    info = framelib.page_info(page)
    text = info["text"] or ""
    stripped = re.sub(r"\s+", " ", text).strip()
    lower_title = info["title"].lower()
    lower_text = stripped.lower()
    for marker in BOT_WALL_MARKERS:
        in_text = len(stripped) <= BOT_WALL_MAX_CHARS and marker in lower_text
        if marker in lower_title or in_text:
            raise NoAgreementText(
                f"{url} shows a bot wall or captcha ({marker!r}) instead of an agreement; "
                "use --interactive to pass it in a visible browser"
            )
    if info["captchaWidget"] and len(stripped) <= BOT_WALL_MAX_CHARS:
        raise NoAgreementText(
            f"{url} shows a captcha instead of an agreement; "
            "use --interactive to pass it in a visible browser"
        )
    if len(stripped) < ctx.req.min_text_chars:
        raise NoAgreementText(
            f"{url} shows only {len(stripped)} characters of text (at least "
            f"{ctx.req.min_text_chars} expected): not an agreement, or it is behind a "
            "login; use --interactive or a saved storage state"
        )
    return info
