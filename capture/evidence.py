"""The evidence pass of one page: DOM (shadow roots and frames included) and MHTML as the
site made them; then, with collapsed content opened, the visible text, the agreement's main
content, a full-page PNG and a stamped PDF with scroll boxes and frames expanded; and the
server side of the response."""

from __future__ import annotations

import html
import math
import re
from contextlib import nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from capture import frames as framelib
from capture.context import RunContext, now
from capture.jslib import js
from capture.models import Artifact, CapturedPage
from capture.tls import TlsPass

if TYPE_CHECKING:
    from playwright.sync_api import CDPSession, Page, Response

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

# Chromium cannot paint one screenshot taller than its texture limit (16384 px); taller
# pages are taken in tiles, and beyond MAX_TILES the rest is left out and said so.
# The printable width of an A4 page with PDF_OPTIONS' margins, in CSS px (210 - 24 mm).
PRINT_WIDTH_PX = 703
TILE_HEIGHT = 15000
MAX_TILES = 8

_VERSION_RE = re.compile(
    r"(?P<statement>(?:last\s+(?:updated|modified|revised|changed)|effective(?:\s+(?:date|from|as\s+of))?"
    r"|updated|revised|valid\s+from|version|dated|senast\s+(?:uppdaterad|ändrad|reviderad)"
    r"|gäller\s+(?:från|fr\.\s?o\.\s?m\.?)|giltig[at]?\s+(?:från|fr\.\s?o\.\s?m\.?)|ikraftträdande"
    r"|uppdaterad|reviderad|datum)\s*:?\s*(?P<value>[^\n]{1,60}))",
    re.IGNORECASE,
)
_DATE_RE = re.compile(
    r"\b(\d{4}-\d{2}-\d{2}|\d{1,2}\s+\w+\s+\d{4}|\w+\s+\d{1,2},\s*\d{4}|\d{1,2}/\d{1,2}/\d{4}|\d{1,2}\.\d{1,2}\.\d{4})\b"
)
_VERSIONNO_RE = re.compile(r"\b[vV]?(\d+(?:\.\d+)+|\d+)\b")


def terms_version(text: str) -> dict[str, str | None] | None:
    """The version or date the terms state ("Last updated 1 May 2024", "Version 3.2")."""
    for m in _VERSION_RE.finditer(text[:20000]):
        value = m.group("value")
        date = _DATE_RE.search(value)
        version = None
        if m.group("statement").lower().startswith("version"):
            found = _VERSIONNO_RE.search(value)
            version = found.group(1) if found else None
        if date or version:
            return {
                "statement": re.sub(r"\s+", " ", m.group("statement")).strip()[:120],
                "date": date.group(1) if date else None,
                "version": version,
            }
    return None


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


class PagePass:
    """Takes one page's own artifacts and metadata."""

    def __init__(self, ctx: RunContext, tls: TlsPass) -> None:
        self.ctx = ctx
        self.tls = tls

    def capture(
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
        """DOM, text, content, MHTML, PNG and PDF of ``page`` as it is shown now."""
        ctx = self.ctx
        prefix = f"follow-{index}-" if index else ""
        # Followed pages are timed as a whole under "follow" by the caller.
        step = ctx.step if index == 0 else (lambda _name: nullcontext())
        captured_at = now()
        artifacts: list[Artifact] = []

        # The DOM and MHTML as the site made them; then collapsed content (closed <details>,
        # accordion and tab panels) is opened for the text, the main content, the PNG and the
        # PDF, and put back afterwards.
        with step("dom"):
            dom = ctx.artifact(f"{prefix}page.html", index)
            shadow = 0
            if framelib.has_frames(page) or page.evaluate(js("lib.hasShadow()")):
                snapshot = page.evaluate(js("lib.dom()"))
                dom.path.write_text(snapshot["html"], encoding="utf-8")
                shadow = snapshot["shadowRoots"]
            else:
                dom.path.write_text(page.content(), encoding="utf-8")
            frame_arts, frames = self._frame_doms(page, prefix, index)
        with step("mhtml"):
            mhtml = ctx.artifact(f"{prefix}page.mhtml", index)
            snap = cdp.send("Page.captureSnapshot", {"format": "mhtml"})["data"]
            mhtml.path.write_bytes(snap.encode("utf-8"))
        try:
            with step("expand"):
                opened = framelib.reveal_collapsed(page)
            if opened:
                ctx.say(f"Opened {len(opened)} collapsed section(s) for the text and the PDF")
            with step("text"):
                text = framelib.page_info(page)["text"] if opened else info["text"]
                txt = ctx.artifact(f"{prefix}page.txt", index)
                txt.path.write_text(text, encoding="utf-8")
            with step("content"):
                content = framelib.agreement_content(page)
                agreement = ctx.artifact(f"{prefix}agreement.txt", index)
                agreement.path.write_text(content["text"], encoding="utf-8")
            # The full-page PNG and the PDF show every scroll box and frame in full.
            with step("expand"):
                boxes = framelib.expand_for_print(page)
            with step("png"):
                pngs, shot = self._full_png(page, prefix, index)
            with step("pdf"):
                pdf = ctx.artifact(f"{prefix}page.pdf", index)
                if frames:
                    self._pdf_with_frames(page, pdf.path, captured_at, keep)
                else:
                    self._pdf(page, pdf.path, page.url, captured_at, keep)
        finally:
            with step("expand"):
                framelib.restore_layout(page)
        artifacts += [pdf, *pngs, mhtml, dom, txt, agreement, *frame_arts]

        with step("meta"):
            meta, cert_artifacts = self.tls.response_meta(page, cdp, response, prefix, index)
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
            text=text,
            language=info["lang"] or None,
            artifacts=artifacts,
            accept=None,
            submission=None,
            text_after=None,
            captured_at=captured_at,
            agreement_text=content["text"],
            content_method=content["method"],
            frames=frames,
            scroll_boxes=boxes,
            expanded=opened,
            shadow_roots=shadow,
            terms_version=terms_version(content["text"]) or terms_version(text),
            screenshot=shot,
        )

    def _frame_doms(self, page: Page, prefix: str, index: int) -> tuple[list[Artifact], list[dict]]:
        """One DOM artifact per child frame (the MHTML holds them too)."""
        from playwright.sync_api import Error as PlaywrightError

        artifacts: list[Artifact] = []
        records: list[dict] = []
        for n, rec in enumerate(framelib.frame_records(page), start=1):
            frame = rec.pop("frame")
            try:
                snapshot = frame.evaluate(js("{...lib.dom(), chars: lib.visibleText([]).length}"))
            except PlaywrightError:
                continue
            if not snapshot["html"]:
                continue
            art = self.ctx.artifact(f"{prefix}frame-{n}.html", index)
            art.path.write_text(snapshot["html"], encoding="utf-8")
            artifacts.append(art)
            records.append({**rec, "chars": snapshot["chars"], "artifact": art.name})
        return artifacts, records

    def _full_png(self, page: Page, prefix: str, index: int) -> tuple[list[Artifact], dict]:
        size = page.evaluate(js("lib.docSize()"))
        height, width = int(size["height"]), int(size["width"])
        first = self.ctx.artifact(f"{prefix}page.png", index)
        if height <= TILE_HEIGHT:
            page.screenshot(path=str(first.path), full_page=True)
            return [first], {"tiles": 1, "height": height, "capped": False}
        tiles = min(MAX_TILES, math.ceil(height / TILE_HEIGHT))
        arts: list[Artifact] = []
        for t in range(tiles):
            art = first if t == 0 else self.ctx.artifact(f"{prefix}page-{t + 1}.png", index)
            top = t * TILE_HEIGHT
            clip = {"x": 0, "y": top, "width": width, "height": min(TILE_HEIGHT, height - top)}
            page.screenshot(path=str(art.path), full_page=True, clip=clip)
            arts.append(art)
        capped = tiles * TILE_HEIGHT < height
        if capped:
            self.ctx.warn(
                f"the page is {height} px tall: the screenshot shows its first "
                f"{tiles * TILE_HEIGHT} px in {tiles} tiles; the PDF and the text hold all of it"
            )
        return arts, {"tiles": tiles, "height": height, "capped": capped,
                      "tile_height": TILE_HEIGHT}

    def _pdf_with_frames(
        self, page: Page, path: Path, captured_at: datetime, keep: list[str]
    ) -> None:
        """A frame prints at the paper's width, where its text wraps into more lines than on
        screen: measure the frames at that width, then print."""
        size = page.viewport_size or {"width": self.ctx.req.viewport_width,
                                      "height": self.ctx.req.viewport_height}
        framelib.restore_layout(page)
        page.set_viewport_size({"width": PRINT_WIDTH_PX, "height": size["height"]})
        try:
            framelib.expand_for_print(page)
            self._pdf(page, path, page.url, captured_at, keep)
        finally:
            framelib.restore_layout(page)
            page.set_viewport_size(size)
            framelib.expand_for_print(page)  # as the caller left it (restored by it next)

    def _pdf(
        self, page: Page, path: Path, url: str, captured_at: datetime, keep: list[str]
    ) -> None:
        header, footer = stamp_templates(self.ctx.req.capture_id, url, captured_at)
        selectors = ", ".join(s for s in keep if ">>" not in s) if keep else "form"
        style = page.add_style_tag(content=PRINT_CSS % (selectors or "form"))
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
