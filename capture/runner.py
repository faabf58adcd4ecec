"""Capture a click-through agreement with Playwright and a real Chromium.

One browser launch per capture, a fresh non-persistent profile, and every artifact of the
agreement taken AS SHOWN BEFORE acceptance; the acceptance (if any) happens last, after
everything that could fail has already succeeded, so a failed capture never accepts.
"""

from __future__ import annotations

import base64
import html
import json
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from capture.browser import LAUNCH_ARGS, resolve_browser
from capture.errors import (
    AcceptControlNotFound,
    AmbiguousAcceptControl,
    BrowserUnavailable,
    CaptureError,
    LinkNotFound,
    NavigationFailed,
    NoAgreementText,
    SubmitFailed,
    UnsupportedURL,
)
from capture.models import (
    AcceptControl,
    Artifact,
    CapturedPage,
    CaptureRequest,
    CaptureResult,
    iso_utc,
)

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, CDPSession, Page, Request, Response

MEDIA_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".mhtml": "multipart/related",
    ".html": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".har": "application/json",
    ".der": "application/pkix-cert",
}

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

ACCEPT_BOX_PADDING = 12  # CSS px around the control and its label in accept-*.png

# Print CSS: keep the accept control/form on one PDF page; headings stay with their text.
PRINT_CSS = """@media print {
  %s { break-inside: avoid !important; page-break-inside: avoid !important; }
  h1, h2, h3, h4, h5, h6 { break-after: avoid; page-break-after: avoid; }
}"""

# A4 with room for the stamp lines in the top and bottom margins.
PDF_OPTIONS: dict[str, Any] = {
    "format": "A4",
    "print_background": True,
    "margin": {"top": "18mm", "bottom": "18mm", "left": "12mm", "right": "12mm"},
}

WAIT_LOGIN = "Log in and open the agreement, then press Enter"
WAIT_ACCEPT = "Click accept in the browser, then press Enter"

_ACCEPT_REQUEST_IGNORED_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@cache
def _pagelib() -> str:
    """Source of the in-page helper library (read once, lazily)."""
    return files("capture").joinpath("pagelib.js").read_text(encoding="utf-8")


def _js(call: str) -> str:
    """A page function running `call` with the helper library in scope."""
    return "(arg) => {\n" + _pagelib() + "\nreturn " + call + ";\n}"


def _js_el(call: str) -> str:
    """An element function (el, arg) running `call` with the helper library in scope."""
    return "(el, arg) => {\n" + _pagelib() + "\nreturn " + call + ";\n}"


def _now() -> datetime:
    return datetime.now(UTC)


def _short(message: str) -> str:
    """First line of a Playwright error message (the rest is a call log)."""
    line = (message or "").strip().splitlines()[0] if message else ""
    return line.removeprefix("Error: ").strip()


def validate_url(url: str) -> None:
    """Raise :class:`UnsupportedURL` unless ``url`` is an absolute http(s) URL."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise UnsupportedURL(
            f"cannot capture {url!r}: only http:// and https:// addresses with a host name "
            "are supported"
        )


def _validate(request: CaptureRequest, wait: Callable[[str], None] | None) -> None:
    validate_url(request.url)
    out = Path(request.out_dir)
    if not out.is_dir():
        raise CaptureError(f"output folder {out} does not exist; create it first")
    if request.storage_state is not None and not Path(request.storage_state).is_file():
        raise CaptureError(
            f"storage state file {request.storage_state} does not exist; "
            "save one with Playwright's context.storage_state(path=...)"
        )
    if request.interactive and wait is None:
        raise CaptureError("an interactive capture needs a `wait` callback to pause on")
    if request.min_text_chars < 0 or request.timeout_ms <= 0:
        raise CaptureError("min_text_chars must be >= 0 and timeout_ms > 0")


def run_capture(
    request: CaptureRequest,
    *,
    wait: Callable[[str], None] | None = None,
    progress: Callable[[str], None] | None = None,
) -> CaptureResult:
    """Capture the agreement at ``request.url`` into ``request.out_dir``.

    Writes the artifacts (PDF, PNGs, MHTML, DOM, text, HAR, TLS certificates) and returns
    what was captured. Nothing is hashed or signed here. ``wait`` is called with an
    instruction in interactive mode and must return when the user is done; ``progress``
    receives short status lines. Raises a :class:`capture.errors.CaptureError` subclass.
    """
    _validate(request, wait)
    return _Capture(request, wait, progress).run()


@dataclass
class _Recorder:
    """Collects requests that may carry an acceptance (non-GET, or a main-frame navigation)."""

    page: Page
    requests: list[Request] = field(default_factory=list)

    def __call__(self, req: Request) -> None:
        if _wants(req):
            self.requests.append(req)

    def __enter__(self) -> _Recorder:
        self.page.on("request", self)
        return self

    def __exit__(self, *exc: object) -> None:
        self.page.remove_listener("request", self)


class _Capture:
    """One capture run: owns the Playwright objects and the step timings."""

    def __init__(
        self,
        request: CaptureRequest,
        wait: Callable[[str], None] | None,
        progress: Callable[[str], None] | None,
    ) -> None:
        self.req = request
        self.out = Path(request.out_dir)
        self.wait = wait
        self.progress = progress
        self.timings: dict[str, float] = {}
        self.started_at = _now()
        self.browser_info: dict[str, Any] = {}
        self.tls_events: dict[int, dict[str, dict]] = {}
        self.doc_responses: dict[Page, Response] = {}
        self.login_done_at: datetime | None = None

    # -- helpers -----------------------------------------------------------------------
    def _say(self, message: str) -> None:
        if self.progress is not None:
            self.progress(message)

    @contextmanager
    def _step(self, name: str) -> Iterator[None]:
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - t0

    def _artifact(self, name: str, index: int) -> Artifact:
        path = self.out / name
        return Artifact(name=name, path=path, media_type=MEDIA_TYPES[path.suffix], page_index=index)

    # -- top level ---------------------------------------------------------------------
    def run(self) -> CaptureResult:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright

        t_total = time.perf_counter()
        har = self._artifact("network.har", 0)
        with sync_playwright() as pw:
            self.timings["driver"] = time.perf_counter() - t_total
            executable = resolve_browser(self.req.chromium_path, pw.chromium.executable_path)
            self._say("Starting Chromium")
            with self._step("launch"):
                try:
                    browser = pw.chromium.launch(
                        executable_path=executable,
                        headless=not self.req.interactive,
                        args=list(LAUNCH_ARGS),
                        timeout=self.req.timeout_ms,
                    )
                except PlaywrightError as exc:
                    hint = (
                        " (an interactive capture needs a display: is $DISPLAY set?)"
                        if self.req.interactive
                        else ""
                    )
                    raise BrowserUnavailable(
                        f"Chromium {executable or pw.chromium.executable_path} failed to "
                        f"start{hint}: {_short(exc.message)}"
                    ) from exc
            try:
                self.browser_info = {
                    "name": pw.chromium.name,
                    "version": browser.version,
                    "executable": executable or pw.chromium.executable_path,
                    "headless": not self.req.interactive,
                    "viewport": {
                        "width": self.req.viewport_width,
                        "height": self.req.viewport_height,
                    },
                    "args": list(LAUNCH_ARGS),
                }
                t_context = time.perf_counter()
                context = browser.new_context(
                    viewport={
                        "width": self.req.viewport_width,
                        "height": self.req.viewport_height,
                    },
                    record_har_path=str(har.path),
                    storage_state=str(self.req.storage_state) if self.req.storage_state else None,
                    accept_downloads=False,
                )
                context.set_default_timeout(self.req.timeout_ms)
                context.set_default_navigation_timeout(self.req.timeout_ms)
                self.timings["context"] = time.perf_counter() - t_context
                try:
                    pages = self._capture_all(context)
                except BaseException:
                    with suppress(PlaywrightError):
                        context.close()
                    raise
                self._say("Saving the network log")
                with self._step("close"):
                    context.close()  # writes the HAR
            except PlaywrightError as exc:
                # Anything not mapped to a specific error (a crash, a closed page).
                raise CaptureError(
                    f"capture of {self.req.url} failed: {_short(exc.message)}"
                ) from exc
            finally:
                t_shutdown = time.perf_counter()
                with suppress(PlaywrightError):
                    browser.close()
                self.timings["shutdown"] = time.perf_counter() - t_shutdown
        with self._step("close"):
            scrub_har(har.path, self.login_done_at)
        pages[0].artifacts.append(har)
        self.timings["total"] = time.perf_counter() - t_total
        return CaptureResult(
            capture_id=self.req.capture_id,
            started_at=self.started_at,
            finished_at=_now(),
            browser=self.browser_info,
            pages=pages,
            timings=self.timings,
        )

    def _capture_all(self, context: BrowserContext) -> list[CapturedPage]:
        from playwright.sync_api import Error as PlaywrightError

        req = self.req
        interactive = req.interactive
        if interactive:
            context.on("response", self._on_document_response)
        page = context.new_page()
        cdp = self._cdp(context, page, watch_tls=interactive or _is_https(req.url))
        self._say(f"Opening {req.url}")
        with self._step("navigate"):
            response = self._goto(page, req.url)
        if interactive:
            assert self.wait is not None
            self.wait(WAIT_LOGIN)
            self.login_done_at = _now()
            # Events of what the user did arrive only while Playwright runs: let them in.
            page.wait_for_timeout(200)
            # The user may have opened the agreement in another tab: take the newest one.
            newest = context.pages[-1] if context.pages else page
            if newest is not page:
                page = newest
                cdp = self._cdp(context, page, watch_tls=True)
            with suppress(PlaywrightError):
                page.wait_for_load_state("load")
            response = self.doc_responses.get(page, response)
            self._check_status(response, page.url)
        self.browser_info["user_agent"] = page.evaluate("navigator.userAgent")

        self._say("Reading the agreement")
        with self._step("text"):
            info = self._page_info(page, page.url)
        with self._step("detect"):
            control = self._find_accept(page)
        main = self._capture_page(
            page,
            cdp,
            response,
            info,
            role="main",
            follow_spec=None,
            index=0,
            requested=req.url,
            keep=control["keep"],
        )
        # Resolve the links before anything is clicked: the acceptance may navigate away.
        with self._step("follow"):
            targets = [(spec, self._resolve_link(page, spec)) for spec in req.follow]

        self._say(f"Accept control: {control['kind']} {control['label']!r}")
        with self._step("accept_before"):
            # Measure again: the full-page screenshot and the PDF relayout the page briefly.
            fresh = self._describe_again(page, control["selector"])
            box = self._padded_box(
                fresh["box"] if fresh else control["box"], fresh["doc"] if fresh else info
            )
            before = self._artifact("accept-before.png", 0)
            self._clip_screenshot(page, box, before.path)
        main.artifacts.append(before)

        followed: list[CapturedPage] = []
        for k, (spec, href) in enumerate(targets, start=1):
            self._say(f"Following {spec!r} -> {href}")
            with self._step("follow"):
                followed.append(self._capture_followed(context, spec, href, k))

        self._accept(page, control, box, main)
        return [main, *followed]

    # -- navigation --------------------------------------------------------------------
    def _cdp(self, context: BrowserContext, page: Page, *, watch_tls: bool) -> CDPSession:
        cdp = context.new_cdp_session(page)
        if watch_tls:
            # Playwright's security_details() lacks the cipher; the CDP event has it.
            events: dict[str, dict] = {}
            self.tls_events[id(page)] = events

            def on_response(params: dict) -> None:
                details = params.get("response", {}).get("securityDetails")
                if details and params.get("type") == "Document":
                    events[params["response"].get("url", "")] = details

            cdp.on("Network.responseReceived", on_response)
            cdp.send("Network.enable")
        return cdp

    def _on_document_response(self, response: Response) -> None:
        try:
            frame = response.frame
            if response.request.is_navigation_request() and frame.parent_frame is None:
                self.doc_responses[frame.page] = response
        except Exception:  # noqa: BLE001 - a listener must never break the capture
            return

    def _goto(self, page: Page, url: str) -> Response:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        try:
            response = page.goto(url, wait_until="load")
        except PlaywrightTimeout as exc:
            raise NavigationFailed(
                f"{url} did not finish loading within {self.req.timeout_ms} ms; "
                "try again or raise the timeout"
            ) from exc
        except PlaywrightError as exc:
            reason = _short(exc.message)
            hint = (
                "The site's TLS certificate is not trusted; evidence is not taken from a site "
                "whose identity cannot be verified"
                if "ERR_CERT" in reason or "ERR_SSL" in reason
                else "Check the address and that the site is reachable"
            )
            raise NavigationFailed(f"could not open {url}: {reason}. {hint}") from exc
        if response is None:
            raise NavigationFailed(f"opening {url} gave no document response")
        self._check_status(response, url)
        return response

    @staticmethod
    def _check_status(response: Response | None, url: str) -> None:
        if response is not None and response.status >= 400:
            raise NavigationFailed(
                f"{url} answered HTTP {response.status} {response.status_text}".rstrip()
                + "; the agreement page must load without an error"
            )

    def _wait_for_text(self, page: Page) -> None:
        """Give script-rendered pages a moment to show their text (returns at once if shown)."""
        from playwright.sync_api import Error as PlaywrightError

        limit = min(5000, max(500, self.req.timeout_ms // 4))
        with suppress(PlaywrightError):
            page.wait_for_function(
                "n => !!document.body && document.body.innerText.trim().length >= n",
                arg=max(1, self.req.min_text_chars),
                timeout=limit,
            )

    def _page_info(self, page: Page, url: str) -> dict:
        self._wait_for_text(page)
        info = page.evaluate(_js("lib.info()"))
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
        if len(stripped) < self.req.min_text_chars:
            raise NoAgreementText(
                f"{url} shows only {len(stripped)} characters of text (at least "
                f"{self.req.min_text_chars} expected): not an agreement, or it is behind a "
                "login; use --interactive or a saved storage state"
            )
        return info

    # -- one page ----------------------------------------------------------------------
    def _capture_page(
        self,
        page: Page,
        cdp: CDPSession,
        response: Response,
        info: dict,
        *,
        role: str,
        follow_spec: str | None,
        index: int,
        requested: str,
        keep: list[str],
    ) -> CapturedPage:
        """Take the page's own artifacts (DOM, text, MHTML, PNG, PDF) and metadata."""
        prefix = f"follow-{index}-" if index else ""
        # Followed pages are timed as a whole under "follow" by the caller.
        step = self._step if index == 0 else (lambda _name: nullcontext())
        captured_at = _now()
        artifacts: list[Artifact] = []

        with step("dom"):
            dom = self._artifact(f"{prefix}page.html", index)
            dom.path.write_text(page.content(), encoding="utf-8")
            txt = self._artifact(f"{prefix}page.txt", index)
            txt.path.write_text(info["text"], encoding="utf-8")
        with step("mhtml"):
            mhtml = self._artifact(f"{prefix}page.mhtml", index)
            snap = cdp.send("Page.captureSnapshot", {"format": "mhtml"})["data"]
            mhtml.path.write_bytes(snap.encode("utf-8"))
        with step("png"):
            png = self._artifact(f"{prefix}page.png", index)
            page.screenshot(path=str(png.path), full_page=True)
        with step("pdf"):
            pdf = self._artifact(f"{prefix}page.pdf", index)
            self._pdf(page, pdf.path, page.url, captured_at, keep)
        artifacts += [pdf, png, mhtml, dom, txt]

        with step("meta"):
            meta, cert_artifacts = self._response_meta(page, cdp, response, prefix, index)
        artifacts += cert_artifacts
        return CapturedPage(
            role=role,
            follow_spec=follow_spec,
            requested_url=requested,
            final_url=page.url,
            redirects=meta["redirects"],
            status=meta["status"],
            response_headers=meta["headers"],
            server_ip=meta["ip"],
            server_port=meta["port"],
            tls=meta["tls"],
            title=info["title"],
            text=info["text"],
            language=info["lang"] or None,
            artifacts=artifacts,
            accept=None,
            submission=None,
            text_after=None,
            captured_at=captured_at,
        )

    def _pdf(
        self, page: Page, path: Path, url: str, captured_at: datetime, keep: list[str]
    ) -> None:
        header, footer = stamp_templates(self.req.capture_id, url, captured_at)
        selectors = ", ".join(keep) if keep else "form"
        style = page.add_style_tag(content=PRINT_CSS % selectors)
        try:
            page.pdf(
                path=str(path),
                display_header_footer=True,
                header_template=header,
                footer_template=footer,
                **PDF_OPTIONS,
            )
        finally:
            # The DOM artifact was taken before; leave the live page as the site made it.
            style.evaluate("el => el.remove()")

    def _response_meta(
        self, page: Page, cdp: CDPSession, response: Response, prefix: str, index: int
    ) -> tuple[dict, list[Artifact]]:
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
        if _is_https(response.url):
            meta["tls"], artifacts = self._tls(page, cdp, response, prefix, index)
        return meta, artifacts

    def _tls(
        self, page: Page, cdp: CDPSession, response: Response, prefix: str, index: int
    ) -> tuple[dict, list[Artifact]]:
        from playwright.sync_api import Error as PlaywrightError

        sec = response.security_details() or {}
        cdp_details = self.tls_events.get(id(page), {}).get(response.url, {})
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
            art = self._artifact(f"{prefix}cert-{i}.der", index)
            art.path.write_bytes(base64.b64decode(b64))
            artifacts.append(art)
            tls["certificate_files"].append(art.name)
        return tls, artifacts

    # -- followed pages ----------------------------------------------------------------
    def _resolve_link(self, page: Page, spec: str) -> str:
        """The absolute href of the link that `spec` names (link text, else a selector)."""
        from playwright.sync_api import Error as PlaywrightError

        links = [
            link
            for link in page.evaluate(_js("lib.links()"))
            if urlsplit(link["href"]).scheme in ("http", "https")
        ]
        wanted = re.sub(r"\s+", " ", spec).strip().casefold()
        hrefs: list[str] = []
        for match in (
            lambda t: t == wanted,
            lambda t: wanted in t,
        ):
            hrefs = _unique([link["href"] for link in links if match(link["text"].casefold())])
            if hrefs:
                break
        if not hrefs:
            try:
                hrefs = _unique(
                    page.locator(spec).evaluate_all(
                        "els => els.map(e => (e.closest('a[href]') || e).href).filter(Boolean)"
                    )
                )
            except PlaywrightError:
                hrefs = []  # not a valid selector either
        if not hrefs:
            raise LinkNotFound(
                f"no link on {page.url} matches {spec!r} (by link text or CSS selector); "
                "give the exact link text or a selector"
            )
        if len(hrefs) > 1:
            raise LinkNotFound(
                f"{spec!r} matches links to {len(hrefs)} different pages ("
                + ", ".join(hrefs[:5])
                + "); give the exact link text or a selector"
            )
        validate_url(hrefs[0])
        return hrefs[0]

    def _capture_followed(
        self, context: BrowserContext, spec: str, href: str, k: int
    ) -> CapturedPage:
        page = context.new_page()
        try:
            cdp = self._cdp(context, page, watch_tls=_is_https(href))
            response = self._goto(page, href)
            info = self._page_info(page, page.url)
            return self._capture_page(
                page,
                cdp,
                response,
                info,
                role="followed",
                follow_spec=spec,
                index=k,
                requested=href,
                keep=[],
            )
        finally:
            page.close()

    # -- the accept control ------------------------------------------------------------
    def _find_accept(self, page: Page) -> dict:
        """Describe the accept control: the given selector, or the one auto-detected."""
        from playwright.sync_api import Error as PlaywrightError

        sel = self.req.accept_selector
        if sel:
            locator = page.locator(sel)
            try:
                count = locator.count()
            except PlaywrightError as exc:
                raise AcceptControlNotFound(
                    f"accept selector {sel!r} is not valid: {_short(exc.message)}"
                ) from exc
            if count == 0:
                raise AcceptControlNotFound(
                    f"no element on {page.url} matches the accept selector {sel!r}"
                )
            if count > 1:
                candidates = [
                    locator.nth(i).evaluate(_js_el("lib.describe(el)")) for i in range(count)
                ]
                raise AmbiguousAcceptControl(
                    f"the accept selector {sel!r} matches {count} elements: "
                    + _describe_candidates(candidates)
                    + "; make the selector match exactly one",
                    candidates=_public_candidates(candidates),
                )
            found = locator.evaluate(_js_el("lib.describe(el)"))
            found["selector"] = sel
            found["auto"] = False
            return found
        detected = page.evaluate(_js("lib.detect()"))
        boxes, buttons = detected["boxes"], detected["buttons"]
        # A ticked box is the acceptance; a button next to it is only "continue".
        for group in (boxes, buttons):
            if len(group) == 1:
                found = group[0]
                found["auto"] = True
                return found
            if len(group) > 1:
                raise AmbiguousAcceptControl(
                    f"{len(group)} possible accept controls on {page.url}: "
                    + _describe_candidates(group)
                    + "; choose one with --accept SELECTOR",
                    candidates=_public_candidates(group),
                )
        raise AcceptControlNotFound(
            f"no accept control (a checkbox or button saying 'Jag godkänner', 'I accept' or "
            f"similar) found on {page.url}; name it with --accept SELECTOR"
        )

    def _padded_box(self, box: dict, info: dict) -> dict:
        pad = ACCEPT_BOX_PADDING
        x = max(0.0, box["x"] - pad)
        y = max(0.0, box["y"] - pad)
        width = min(box["width"] + 2 * pad, max(1.0, info["width"] - x))
        height = min(box["height"] + 2 * pad, max(1.0, info["height"] - y))
        return {"x": x, "y": y, "width": max(1.0, width), "height": max(1.0, height)}

    def _clip_screenshot(self, page: Page, box: dict, path: Path) -> None:
        from playwright.sync_api import Error as PlaywrightError

        try:
            page.screenshot(path=str(path), full_page=True, clip=box)
        except PlaywrightError:
            # The region is gone (the page got shorter after acceptance): show the viewport.
            page.screenshot(path=str(path))

    def _accept(self, page: Page, control: dict, box: dict, main: CapturedPage) -> None:
        """Perform (or wait for) the acceptance and record the after state."""
        accept = AcceptControl(
            selector=control["selector"],
            kind=control["kind"],
            label=control["label"],
            checked_before=control["checked"],
            checked_after=None,
            box={k: round(v, 1) for k, v in control["box"].items()},
            clicked=False,
            auto_detected=bool(control.get("auto")),
        )
        main.accept = accept
        if not (self.req.click or self.req.interactive):
            return  # evidence of the agreement as offered; nothing was accepted

        recorder = _Recorder(page)
        with self._step("accept"):
            with recorder:
                if self.req.interactive:
                    assert self.wait is not None
                    self.wait(WAIT_ACCEPT)
                    # The user's clicks reach our listeners only while Playwright runs.
                    page.wait_for_timeout(200)
                else:
                    self._say("Clicking the accept control")
                    accept.clicked = self._click_control(page, control)
                    # Let a request the click started reach the recorder; a button usually
                    # sends one (form post, fetch), a checkbox rarely does.
                    page.wait_for_timeout(150 if control["kind"] == "button" else 50)
            # Wait for the answer to what the click sent, then let the page show it.
            submission = self._submission(page, recorder.requests)
            if submission is not None:
                page.wait_for_timeout(100)
            accept.checked_after = self._checked(page, control)
            if accept.kind == "checkbox" and self.req.click and accept.checked_after is False:
                raise SubmitFailed(
                    f"clicking the accept box {control['selector']!r} did not tick it"
                )
        with self._step("accept_after"):
            after = self._artifact("accept-after.png", 0)
            fresh = self._describe_again(page, control["selector"])
            if fresh is not None:
                # Same control, possibly moved: show it with its label, now ticked.
                self._clip_screenshot(
                    page, self._padded_box(fresh["box"], fresh["doc"]), after.path
                )
            else:
                # The control is gone (replaced or navigated away): show what replaced it.
                page.screenshot(path=str(after.path))
            main.artifacts.append(after)

        if self.req.submit_selector and not self.req.interactive:
            self._say("Confirming with the submit control")
            with self._step("submit"):
                submission = self._submit(page, self.req.submit_selector)
                result = self._artifact("accept-result.png", 0)
                page.screenshot(path=str(result.path))
                main.artifacts.append(result)
        main.submission = submission
        with self._step("accept_after"):
            text_after = page.evaluate(_js("lib.info()"))["text"]
        if text_after != main.text:
            main.text_after = text_after

    def _describe_again(self, page: Page, selector: str) -> dict | None:
        from playwright.sync_api import Error as PlaywrightError

        try:
            locator = page.locator(selector)
            if locator.count() != 1:
                return None
            fresh = locator.evaluate(_js_el("{...lib.describe(el), doc: lib.info()}"))
        except PlaywrightError:
            return None  # detached while we looked
        return fresh if fresh["shown"] else None

    def _checked(self, page: Page, control: dict) -> bool | None:
        from playwright.sync_api import Error as PlaywrightError

        if control["kind"] not in ("checkbox", "radio"):
            return None
        locator = page.locator(control["selector"])
        try:
            if locator.count() != 1:
                return None
            return locator.is_checked(timeout=2000)
        except PlaywrightError:
            return None

    def _click_control(self, page: Page, control: dict) -> bool:
        """A real mouse click on the control (or its label when the input is hidden)."""
        from playwright.sync_api import Error as PlaywrightError

        if control["kind"] in ("checkbox", "radio") and control["checked"]:
            return False  # already ticked by the site: clicking would untick it
        target = control["selector"]
        if not control["visible"] and control.get("labelSelector"):
            target = control["labelSelector"]
        try:
            page.locator(target).click()
        except PlaywrightError as exc:
            raise SubmitFailed(
                f"could not click the accept control {target!r}: {_short(exc.message)}"
            ) from exc
        return True

    def _submit(self, page: Page, selector: str) -> dict:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        locator = page.locator(selector)
        try:
            count = locator.count()
        except PlaywrightError as exc:
            raise SubmitFailed(f"submit selector {selector!r} is not valid") from exc
        if count != 1:
            raise SubmitFailed(
                f"submit selector {selector!r} matches {count} elements on {page.url}; "
                "it must match exactly one"
            )
        try:
            with page.expect_request(_wants, timeout=self.req.timeout_ms) as info:
                locator.click()
        except PlaywrightTimeout as exc:
            raise SubmitFailed(
                f"clicking {selector!r} sent no request within {self.req.timeout_ms} ms; "
                "is the button enabled and does it submit the form?"
            ) from exc
        except PlaywrightError as exc:
            raise SubmitFailed(f"could not click {selector!r}: {_short(exc.message)}") from exc
        submission = self._submission(page, [info.value])
        assert submission is not None
        if submission["status"] is None or submission["status"] >= 400:
            raise SubmitFailed(
                f"the acceptance request {submission['method']} {submission['url']} "
                f"failed (status {submission['status']})"
            )
        return submission

    def _submission(self, page: Page, requests: list[Request]) -> dict | None:
        """Method, URL and answer of the first request the acceptance sent."""
        from playwright.sync_api import Error as PlaywrightError

        if not requests:
            return None
        request = requests[0]
        try:
            response = request.response()
        except PlaywrightError:
            response = None
        nav = request.is_navigation_request()
        if nav:
            with suppress(PlaywrightError):
                page.wait_for_load_state("load")
        return {
            "method": request.method,
            "url": request.url,
            "status": response.status if response else None,
            "post_data": request.post_data,
            "navigation": nav,
            "final_url": page.url,
        }


def _wants(req: Request) -> bool:
    """A request that may carry an acceptance: non-GET, or a main-frame navigation."""
    try:
        nav = req.is_navigation_request() and req.frame.parent_frame is None
    except Exception:  # noqa: BLE001 - a detached frame is simply not a navigation
        nav = False
    return req.method not in _ACCEPT_REQUEST_IGNORED_METHODS or nav


SECRET_HEADERS = frozenset({"cookie", "set-cookie", "authorization", "proxy-authorization"})
REDACTED = "[redacted by ContractVault]"


def scrub_har(path: Path, login_done_at: datetime | None) -> None:
    """Remove secrets from the HAR before it is sealed for years.

    Cookie and authorization values are session secrets, not evidence of the terms; bodies
    sent before ``login_done_at`` (an interactive login) may hold passwords. URLs, methods,
    statuses, other headers and the acceptance request itself are kept.
    """
    log = json.loads(path.read_text(encoding="utf-8"))
    for entry in log.get("log", {}).get("entries", []):
        for side in (entry.get("request", {}), entry.get("response", {})):
            for header in side.get("headers", []):
                if header.get("name", "").lower() in SECRET_HEADERS:
                    header["value"] = REDACTED
            for cookie in side.get("cookies", []):
                cookie["value"] = REDACTED
        started = entry.get("startedDateTime")
        post = entry.get("request", {}).get("postData")
        if login_done_at and post and started and _parse_iso(started) < login_done_at:
            post["text"] = "[redacted: sent while logging in]"
            post.pop("params", None)
    path.write_text(json.dumps(log, ensure_ascii=False), encoding="utf-8")


def _parse_iso(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def stamp_templates(capture_id: str, url: str, captured_at: datetime) -> tuple[str, str]:
    """Chromium header and footer templates stamping every PDF page."""
    style = (
        "font-family: 'DejaVu Sans', 'Liberation Sans', Arial, sans-serif; font-size: 7pt; "
        "color: #222; width: 100%; margin: 0 12mm; -webkit-print-color-adjust: exact;"
    )
    stamp = captured_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    header = (
        f'<div style="{style}">ContractVault capture {html.escape(capture_id)} '
        f"&middot; captured {stamp}</div>"
    )
    footer = (
        f'<div style="{style}"><span style="word-break: break-all;">{html.escape(url)}</span>'
        ' &middot; page <span class="pageNumber"></span> / <span class="totalPages"></span>'
        "</div>"
    )
    return header, footer


def _is_https(url: str) -> bool:
    return urlsplit(url).scheme.lower() == "https"


def _epoch_iso(value: float | None) -> str | None:
    if value is None:
        return None
    return iso_utc(datetime.fromtimestamp(float(value), UTC))


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _describe_candidates(candidates: list[dict]) -> str:
    return ", ".join(f"{c['selector']} ({c['kind']}: {c['label'][:60]!r})" for c in candidates)


def _public_candidates(candidates: list[dict]) -> list[dict]:
    return [{"selector": c["selector"], "kind": c["kind"], "label": c["label"]} for c in candidates]
