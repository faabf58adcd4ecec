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


def goto(ctx: RunContext, page: Page, url: str) -> Response:
    """Open ``url``; raise :class:`NavigationFailed` with the reason and what to do."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        response = page.goto(url, wait_until="load")
    except PlaywrightTimeout as exc:
        raise NavigationFailed(
            f"{url} did not finish loading within {ctx.req.timeout_ms / 1000:g} s; "
            "try again or raise the limit with --timeout SECONDS"
        ) from exc
    except PlaywrightError as exc:
        reason = short(exc.message)
        hint = (
            "The site's TLS certificate is not trusted; evidence is not taken from a site "
            "whose identity cannot be verified"
            if "ERR_CERT" in reason or "ERR_SSL" in reason
            else "Check the address and that the site is reachable"
        )
        raise NavigationFailed(f"could not open {url}: {reason}. {hint}") from exc
    if response is None:
        raise NavigationFailed(f"opening {url} gave no document response")
    check_status(response, url)
    return response


def check_status(response: Response | None, url: str) -> None:
    """Refuse an HTTP error page: it is not the agreement."""
    if response is not None and response.status >= 400:
        raise NavigationFailed(
            f"{url} answered HTTP {response.status} {response.status_text}".rstrip()
            + "; the agreement page must load without an error"
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
