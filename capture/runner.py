"""Capture a click-through agreement (or a published page) with Playwright and Chromium.

One browser launch per capture, a fresh non-persistent profile, and every artifact of the
agreement taken AS SHOWN BEFORE acceptance; the acceptance (if any) happens last, after
everything that could fail has already succeeded, so a failed capture never accepts.

The run is split into passes that share a :class:`capture.context.RunContext`:
consent (cookie dialogs), page evidence (:mod:`capture.evidence`), accept
(:mod:`capture.accept`), TLS (:mod:`capture.tls`) and the HAR (:mod:`capture.har`).
This module launches the browser and runs the passes in order.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit

from capture.accept import WAIT_ACCEPT, AcceptPass
from capture.browser import LAUNCH_ARGS, resolve_browser
from capture.consent import CONSENT_MODES, ConsentPass
from capture.context import RunContext, now, short
from capture.errors import (
    BrowserUnavailable,
    CaptureError,
    InvalidRequest,
    PrintFailed,
    UnsupportedURL,
)
from capture.evidence import PDF_OPTIONS, PRINT_CSS, PagePass, stamp_templates
from capture.follow import resolve_link
from capture.har import REDACTED, scrub_har
from capture.models import CapturedPage, CaptureRequest, CaptureResult, iso_utc
from capture.navigation import check_status, goto, read_page
from capture.tls import TlsPass, is_https

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Dialog, Page, Response

__all__ = [
    "LAUNCH_ARGS",
    "PDF_OPTIONS",
    "PRINT_CSP",
    "PRINT_CSS",
    "REDACTED",
    "WAIT_ACCEPT",
    "WAIT_LOGIN",
    "HtmlPrinter",
    "run_capture",
    "scrub_har",
    "stamp_templates",
    "validate_url",
]

WAIT_LOGIN = "Log in and open the agreement, then press Enter"
# What a page printed for the caller may load: inline styles and data: images, nothing else.
PRINT_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"


def validate_url(url: str) -> None:
    """Raise :class:`UnsupportedURL` unless ``url`` is an absolute http(s) URL without
    credentials in it (they would be sealed into the evidence for years)."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise UnsupportedURL(
            f"cannot capture {url!r}: only http:// and https:// addresses with a host name "
            "are supported"
        )
    if parts.username is not None or parts.password is not None:
        raise UnsupportedURL(
            f"cannot capture {parts.scheme}://…@{parts.hostname}: the address has a user name "
            "or password in it, which would be kept in the evidence; log in with "
            "--interactive or a saved --storage-state instead"
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
    if request.consent not in CONSENT_MODES:
        raise InvalidRequest(
            f"consent must be one of {', '.join(CONSENT_MODES)}, not {request.consent!r}"
        )
    if request.extra_accept and not request.accept_selector:
        raise InvalidRequest("extra accept controls need the main one named too (--accept)")
    if request.page_only and (request.click or request.accept_selector or request.submit_selector):
        raise InvalidRequest(
            "--page-only captures a published page with nothing to click; it cannot be "
            "combined with --click, --accept or --submit"
        )


def run_capture(
    request: CaptureRequest,
    *,
    wait: Callable[[str], None] | None = None,
    progress: Callable[[str], None] | None = None,
    prepare: Callable[[Page], None] | None = None,
    while_open: Callable[[CaptureResult, HtmlPrinter], None] | None = None,
) -> CaptureResult:
    """Capture the agreement at ``request.url`` into ``request.out_dir``.

    Writes the artifacts (PDF, PNGs, MHTML, DOM, text, the agreement's main content, HAR,
    TLS certificates, consent screenshots) and returns what was captured. Nothing is
    hashed or signed here. ``wait`` is called with an instruction in interactive mode and
    must return when the user is done; ``progress`` receives short status lines.
    ``prepare`` (headless) is called with the Playwright page after it loaded and its consent
    dialogs were answered: the steps a person takes before the agreement is shown (fill in
    a form, go to the wizard's last step), as in an interactive capture. Raises a
    :class:`capture.errors.CaptureError` subclass.

    ``while_open`` is called once the capture is complete (the HAR written, its browser
    context offline), with the result and an :class:`HtmlPrinter` in that context, which
    closes only when ``while_open`` returns: the caller seals the capture and prints its
    report without starting a second browser. What ``while_open`` raises is passed on as is.
    It runs inside Playwright's event loop: work that runs an asyncio loop of its own
    (pyHanko's signing) must be done in another thread.
    """
    _validate(request, wait)
    return _Capture(RunContext(req=request, wait=wait, progress=progress), prepare,
                    while_open).run()


class HtmlPrinter:
    """Prints the caller's HTML to PDF in the capture's browser, offline.

    Its page is opened in the capture's own browser context once the capture is complete:
    the HAR has been written and recording has stopped, the context is offline, the
    capture's pages are closed once the printing page is open, and that page runs no
    JavaScript; a Content-Security-Policy allowing only inline styles and data: images is
    added, so the printed page never touches the network and nothing of it is recorded.
    Chromium then lays it out in the renderer that showed the capture (already running, with
    its fonts loaded) instead of starting a new one for a new context. Call it from the
    thread that runs the capture (Playwright's), like :meth:`open`, which opens the page
    ahead (while the caller is busy elsewhere, e.g. sealing in another thread). It closes
    with the capture's browser.
    """

    # The printing page's viewport, as in a context of its own (Playwright's default): the
    # report is laid out for A4 by its @page rules, never for the capture's window.
    VIEWPORT: ClassVar[dict[str, int]] = {"width": 1280, "height": 720}

    def __init__(self, context: BrowserContext) -> None:
        self._context = context
        self._page: Page | None = None

    def open(self, preload: str | None = None) -> None:
        """Open the printing page now (else the first :meth:`pdf` does) and, with
        ``preload``, lay that HTML out in it without printing: a page with the styles and
        fonts of what will be printed, so that the first :meth:`pdf` finds them warm (a
        fresh page's first layout is the slow part of printing). What is printed later
        replaces it entirely. Raises :class:`PrintFailed`."""
        from playwright.sync_api import Error as PlaywrightError

        if self._page is None:
            try:
                self._page = self._open_in_capture(self._context)
            except PlaywrightError as exc:
                raise PrintFailed(f"Chromium could not open a page to print: {short(exc.message)}") from exc
        if preload is not None:
            self._load(preload)

    def _open_in_capture(self, context: BrowserContext) -> Page:
        """A page in the finished capture's context (offline, HAR stopped), with JavaScript
        off as in a context of its own; then the capture's pages are closed. The page is
        opened first so that Chromium keeps the capture's renderer for it."""
        page = context.new_page()
        # What `java_script_enabled=False` does for a context, for this page only.
        context.new_cdp_session(page).send("Emulation.setScriptExecutionDisabled", {"value": True})
        page.set_viewport_size(self.VIEWPORT)
        for other in context.pages:
            if other is not page:
                other.close()
        return page

    def _load(self, html: str) -> None:
        """Lay ``html`` out in the printing page, under the printing CSP."""
        from playwright.sync_api import Error as PlaywrightError

        assert self._page is not None
        meta = f"<meta http-equiv='Content-Security-Policy' content=\"{PRINT_CSP}\">"
        html = html.replace("<head>", "<head>" + meta, 1) if "<head>" in html else meta + html
        try:
            self._page.set_content(html, wait_until="load")
        except PlaywrightError as exc:
            raise PrintFailed(f"Chromium could not lay out the page: {short(exc.message)}") from exc

    def pdf(self, html: str) -> bytes:
        """The A4 PDF of ``html`` (CSS ``@page`` rules win). Raises :class:`PrintFailed`."""
        from playwright.sync_api import Error as PlaywrightError

        self.open()
        self._load(html)
        assert self._page is not None
        try:
            return self._page.pdf(print_background=True, prefer_css_page_size=True, format="A4")
        except PlaywrightError as exc:
            raise PrintFailed(f"Chromium could not print the page: {short(exc.message)}") from exc


class _Capture:
    """One capture run: launches the browser and runs the passes in order."""

    def __init__(self, ctx: RunContext, prepare: Callable[[Page], None] | None = None,
                 while_open: Callable[[CaptureResult, HtmlPrinter], None] | None = None) -> None:
        self.ctx = ctx
        self.prepare = prepare
        self.while_open = while_open
        self.req = ctx.req
        self.started_at = now()
        self.browser_info: dict[str, Any] = {}
        self.tls = TlsPass(ctx)
        self.consent = ConsentPass(ctx)
        self.pages = PagePass(ctx, self.tls)
        self.accepting = AcceptPass(ctx, self.consent)
        self.doc_responses: dict[Page, Response] = {}
        self.login_done_at = None
        self._opening = False

    # -- top level ---------------------------------------------------------------------
    def run(self) -> CaptureResult:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright

        ctx = self.ctx
        t_total = time.perf_counter()
        handed_over = 0.0
        with sync_playwright() as pw:
            ctx.timings["driver"] = time.perf_counter() - t_total
            executable = resolve_browser(self.req.chromium_path, pw.chromium.executable_path)
            ctx.say("Starting Chromium")
            with ctx.step("launch"):
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
                        f"start{hint}: {short(exc.message)}"
                    ) from exc
            self.browser_info = {
                "name": pw.chromium.name,
                "executable": executable or pw.chromium.executable_path,
                "headless": not self.req.interactive,
                "viewport": {"width": self.req.viewport_width, "height": self.req.viewport_height},
                "args": list(LAUNCH_ARGS),
            }
            try:
                result, context = self._capture_in(browser)
                if self.while_open is not None:
                    assert context is not None  # kept open for while_open
                    t_handed = time.perf_counter()
                    # The capture's context (HAR written, offline) closes with the browser,
                    # just below: closing it on its own first would only add a round trip.
                    self.while_open(result, HtmlPrinter(context))
                    handed_over = time.perf_counter() - t_handed
            finally:
                t_shutdown = time.perf_counter()
                with suppress(PlaywrightError):
                    browser.close()
                ctx.timings["shutdown"] = time.perf_counter() - t_shutdown
        # The capture's own time: what the caller did with the open browser is its own.
        ctx.timings["total"] = time.perf_counter() - t_total - handed_over
        return result

    def _capture_in(self, browser: Browser) -> tuple[CaptureResult, BrowserContext | None]:
        """The capture in a launched browser, up to the written, scrubbed HAR; with
        ``while_open``, also the capture's context, kept open (offline, nothing recorded
        any more) for the caller's printing page, else None (closed)."""
        from playwright.sync_api import Error as PlaywrightError

        ctx = self.ctx
        har = ctx.artifact("network.har", 0)
        try:
            self.browser_info["version"] = browser.version
            t_context = time.perf_counter()
            context = browser.new_context(
                viewport={"width": self.req.viewport_width, "height": self.req.viewport_height},
                storage_state=str(self.req.storage_state) if self.req.storage_state else None,
                accept_downloads=False,
            )
            # Started before any page exists, as `record_har_path` does, but stopped on its
            # own (below), so the context can outlive it. Response bodies go into the HAR as
            # served: `export wacz` builds its WARC records from them, so they must be
            # recorded now (and never later).
            context.tracing.start_har(str(har.path), content="embed", mode="full")
            context.set_default_timeout(self.req.timeout_ms)
            context.set_default_navigation_timeout(self.req.timeout_ms)
            ctx.timings["context"] = time.perf_counter() - t_context
            try:
                pages = self._capture_all(context)
            except BaseException:
                with suppress(PlaywrightError):
                    context.close()
                raise
            ctx.say("Saving the network log")
            with ctx.step("close"):
                # Written as `context.close()` writes it (before it closes any page); then
                # nothing more is recorded.
                context.tracing.stop_har()
                if self.while_open is None:
                    context.close()
                    kept = None
                else:
                    kept = self._keep_for_printing(context)
        except PlaywrightError as exc:
            # Anything not mapped to a specific error (a crash, a closed page).
            raise CaptureError(f"capture of {self.req.url} failed: {short(exc.message)}") from exc
        with ctx.step("close"):
            scrub_har(har.path, self.login_done_at)
        pages[0].artifacts.append(har)
        result = CaptureResult(
            capture_id=self.req.capture_id,
            started_at=self.started_at,
            finished_at=now(),
            browser=self.browser_info,
            pages=pages,
            timings=ctx.timings,
            warnings=list(ctx.warnings),
            dialogs=list(ctx.dialogs),
            popups=list(ctx.popups),
        )
        return result, kept

    def _keep_for_printing(self, context: BrowserContext) -> BrowserContext:
        """The finished capture's context, made ready for the caller's printing page:
        offline (its pages, still open until that page opens, reach nothing any more) and
        no longer listened to (a page opened now is not one of the capture's popups)."""
        context.set_offline(True)
        context.remove_listener("page", self._on_popup)
        if self.req.interactive:
            context.remove_listener("response", self._on_document_response)
        return context

    # -- dialogs and popups --------------------------------------------------------------
    def _on_dialog(self, dialog: Dialog) -> None:
        """Record every alert/confirm/prompt. During the acceptance a confirm is accepted
        (the user asked to accept); otherwise dialogs are dismissed."""
        from playwright.sync_api import Error as PlaywrightError

        accept = dialog.type == "beforeunload" or (
            dialog.type == "confirm" and self.ctx.phase in ("accept", "submit")
        )
        self.ctx.dialogs.append({
            "type": dialog.type, "message": dialog.message[:2000],
            "default_value": dialog.default_value or None, "during": self.ctx.phase,
            "at": iso_utc(now()), "action": "accepted" if accept else "dismissed",
        })
        with suppress(PlaywrightError):
            if accept:
                dialog.accept()
            else:
                dialog.dismiss()

    def _on_popup(self, page: Page) -> None:
        if self._opening:
            self._opening = False  # our own tab for a followed page
            return
        rec = {"url": page.url, "during": self.ctx.phase, "at": iso_utc(now())}
        self.ctx.popups.append(rec)
        page.on("load", lambda p: rec.__setitem__("url", p.url))

    def _watch(self, page: Page) -> None:
        page.on("dialog", self._on_dialog)

    # -- the run -------------------------------------------------------------------------
    def _capture_all(self, context: BrowserContext) -> list[CapturedPage]:
        from playwright.sync_api import Error as PlaywrightError

        ctx, req = self.ctx, self.req
        interactive = req.interactive
        if interactive:
            context.on("response", self._on_document_response)
        page = context.new_page()
        self._watch(page)
        cdp = self.tls.cdp(context, page, watch_tls=interactive or is_https(req.url))
        ctx.say(f"Opening {req.url}")
        with ctx.step("navigate"):
            response = goto(ctx, page, req.url)
        if interactive:
            assert ctx.wait is not None
            ctx.wait(WAIT_LOGIN)
            self.login_done_at = now()
            # Events of what the user did arrive only while Playwright runs: let them in.
            page.wait_for_timeout(200)
            # The user may have opened the agreement in another tab: take the newest one.
            newest = context.pages[-1] if context.pages else page
            if newest is not page:
                page = newest
                self._watch(page)
                cdp = self.tls.cdp(context, page, watch_tls=True)
            with suppress(PlaywrightError):
                page.wait_for_load_state("load")
            response = self.doc_responses.get(page, response)
            check_status(response, page.url)
        # Windows opened from now on are recorded (the user's own tabs were opened before).
        context.on("page", self._on_popup)
        self.browser_info["user_agent"] = page.evaluate("navigator.userAgent")
        self.browser_info["locale"] = page.evaluate("navigator.language")
        self.browser_info["timezone"] = page.evaluate(
            "Intl.DateTimeFormat().resolvedOptions().timeZone")

        consent_steps: list[dict] = []
        if not interactive:
            with ctx.step("consent"):
                consent_steps = self.consent.handle(page, late=True)
            if self.prepare is not None:
                ctx.phase = "prepare"
                self.prepare(page)
                with suppress(PlaywrightError):
                    page.wait_for_load_state("load")
                with ctx.step("consent"):
                    consent_steps += self.consent.handle(page)
                ctx.phase = "load"
        ctx.say("Reading the agreement")
        with ctx.step("text"):
            info = read_page(ctx, page, page.url)
        control = None
        if not req.page_only:
            with ctx.step("detect"):
                control = self.accepting.find(page)
                self.accepting.check_complete(control)  # refuse before anything is clicked
            if self.accepting.page_changed:
                with ctx.step("text"):
                    info = read_page(ctx, page, page.url)
        ctx.phase = "evidence"
        main = self.pages.capture(
            page, cdp, response, info, role="main", follow_spec=None, index=0,
            requested=req.url, keep=control["keep"] if control else [],
        )
        main.consent = consent_steps
        if req.page_only:
            main.acceptance = {"by": None, "clicked": False, "submitted": False, "request": None,
                               "reason": "captured as a page with nothing to click (page "
                                         "only): nothing was accepted, clicked or sent"}
        main.artifacts += [a for i, a in self.consent.artifacts if i == 0]
        # Resolve the links before anything is clicked: the acceptance may navigate away.
        with ctx.step("follow"):
            targets = [(spec, resolve_link(page, spec, validate_url)) for spec in req.follow]

        box = None
        if control is not None:
            ctx.say(f"Accept control: {control['kind']} {control['label']!r}")
            with ctx.step("accept_before"):
                # Measure again: the full-page screenshot and the PDF relayout the page.
                box = self.accepting.before_box(page, control)
                before = ctx.artifact("accept-before.png", 0)
                self.accepting.clip_screenshot(page, box, before.path)
            main.artifacts.append(before)

        followed: list[CapturedPage] = []
        for k, (spec, href) in enumerate(targets, start=1):
            ctx.say(f"Following {spec!r} -> {href}")
            with ctx.step("follow"):
                followed.append(self._capture_followed(context, spec, href, k))

        if control is not None:
            before_consent = len(self.consent.artifacts)
            self.accepting.accept(page, control, main)
            main.artifacts += [a for _, a in self.consent.artifacts[before_consent:]]
        return [main, *followed]

    def _on_document_response(self, response: Response) -> None:
        try:
            frame = response.frame
            if response.request.is_navigation_request() and frame.parent_frame is None:
                self.doc_responses[frame.page] = response
        except Exception:  # noqa: BLE001 - a listener must never break the capture
            return

    def _capture_followed(
        self, context: BrowserContext, spec: str, href: str, k: int
    ) -> CapturedPage:
        ctx = self.ctx
        self._opening = True
        page = context.new_page()
        self._opening = False
        self._watch(page)
        try:
            cdp = self.tls.cdp(context, page, watch_tls=is_https(href))
            response = goto(ctx, page, href)
            steps = self.consent.handle(page, index=k, prefix=f"follow-{k}-", late=True)
            info = read_page(ctx, page, page.url)
            captured = self.pages.capture(
                page, cdp, response, info, role="followed", follow_spec=spec, index=k,
                requested=href, keep=[],
            )
            captured.consent = steps
            captured.artifacts += [a for i, a in self.consent.artifacts if i == k]
            return captured
        finally:
            page.close()

