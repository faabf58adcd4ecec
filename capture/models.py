"""Plain dataclasses going in and out of :func:`capture.run_capture`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


@dataclass
class CaptureRequest:
    """What to capture and how.

    ``out_dir`` must be an existing, empty folder: every artifact is written there.
    """

    url: str
    out_dir: Path
    capture_id: str  # stamped on every PDF page
    accept_selector: str | None = None
    extra_accept: list[str] = field(default_factory=list)  # more boxes to tick (two agreements)
    click: bool = False  # perform the acceptance as a real click
    submit_selector: str | None = None  # tick-then-confirm flow: click this after the box
    follow: list[str] = field(default_factory=list)  # link text or CSS selector
    interactive: bool = False  # visible browser; the caller's `wait` callback pauses
    storage_state: Path | None = None
    chromium_path: str | None = None
    viewport_width: int = 1280
    viewport_height: int = 900
    timeout_ms: int = 30000
    min_text_chars: int = 200  # below this (or bot-wall markers) -> NoAgreementText
    page_only: bool = False  # a published page: nothing to find or click
    consent: str = "reject"  # cookie/consent dialogs: "reject", "accept" or "leave"
    # Called once just before the first click that may express acceptance (in interactive
    # mode: before the user is asked to click), with {url, selector, label, kind}. The
    # caller notes the acceptance as started; if the hook raises, nothing is clicked.
    before_click: Callable[[dict], None] | None = field(default=None, repr=False, compare=False)


@dataclass
class Artifact:
    """One file written to ``out_dir``; ``page_index`` 0 is the main page."""

    name: str
    path: Path
    media_type: str
    page_index: int


@dataclass
class AcceptControl:
    """The control that expresses acceptance, and what happened to it."""

    selector: str
    kind: str  # "checkbox", "radio" or "button"
    label: str
    checked_before: bool | None
    checked_after: bool | None
    box: dict  # x, y, width, height in CSS pixels, document coordinates, label included
    clicked: bool
    auto_detected: bool
    enabled: bool = True  # not disabled when it was clicked (or looked at)
    frame_url: str | None = None  # set when the control sits in an iframe
    viewport_box: dict | None = None  # where it was in the viewport when clicked
    terms_visible: bool | None = None  # a terms link or the terms text in view beside it
    near_links: list[dict] = field(default_factory=list)  # [{text, href}] next to it
    named_by: list[str] = field(default_factory=list)  # "by clicking X you agree" sentences
    scroll_box: dict | None = None  # the terms' scroll box and how far it was scrolled
    submit_hint: dict | None = None  # the button that would send a ticked box


@dataclass
class CapturedPage:
    """Evidence and metadata of one page (the agreement page or a followed page)."""

    role: str  # "main" or "followed"
    follow_spec: str | None
    requested_url: str
    final_url: str
    redirects: list[dict]  # [{url, status}] for each redirect hop, in order
    status: int | None
    response_headers: dict[str, str]
    server_ip: str | None
    server_port: int | None
    tls: dict | None
    title: str
    text: str  # visible text (collapsed content opened) as captured, before acceptance
    language: str | None
    artifacts: list[Artifact]
    accept: AcceptControl | None
    submission: dict | None  # {method, url, status, post_data}
    text_after: str | None  # visible text after acceptance, if it changed
    captured_at: datetime | None = None  # when this page's evidence was taken (UTC)
    # The agreement's main content: no menus, banners, buttons or stamp (what is indexed).
    agreement_text: str | None = None
    content_method: str | None = None  # "readability" or "cleaned" (furniture removed)
    frames: list[dict] = field(default_factory=list)  # [{url, origin, name, chars, artifact}]
    scroll_boxes: list[dict] = field(default_factory=list)  # expanded for PDF and PNG
    # Collapsed content opened for the text, PDF and PNG, and closed again afterwards:
    # [{selector, kind (details, dialog, panel, tabpanel), label, chars, frame_url}]
    expanded: list[dict] = field(default_factory=list)
    shadow_roots: int = 0  # open shadow roots included in the text and DOM
    consent: list[dict] = field(default_factory=list)  # consent dialogs and what was done
    terms_version: dict | None = None  # {statement, date, version} as the page states it
    screenshot: dict | None = None  # {tiles, height, capped}
    also_accepted: list[AcceptControl] = field(default_factory=list)  # extra_accept boxes
    # Whether the acceptance reached the site: {by, clicked, submitted, request, reason};
    # ``reason`` says why not when ``submitted`` is false. None on followed pages.
    acceptance: dict | None = None


@dataclass
class CaptureResult:
    """Everything one capture produced. ``to_dict`` gives a JSON-able view."""

    capture_id: str
    started_at: datetime
    finished_at: datetime
    browser: dict
    pages: list[CapturedPage]
    timings: dict[str, float]
    warnings: list[str] = field(default_factory=list)
    dialogs: list[dict] = field(default_factory=list)  # alert/confirm/prompt, and what was done
    popups: list[dict] = field(default_factory=list)  # windows the page opened

    def to_dict(self) -> dict:
        """JSON-able dict: paths become file names, datetimes ISO 8601 UTC with ``Z``."""
        return _jsonable(self)

    @property
    def artifacts(self) -> list[Artifact]:
        """All artifacts of all pages, main page first."""
        return [a for page in self.pages for a in page.artifacts]


def iso_utc(value: datetime) -> str:
    """ISO 8601 in UTC with a ``Z`` suffix and millisecond precision."""
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _jsonable(value: Any) -> Any:  # noqa: ANN401 - recursive converter over any value
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, datetime):
        return iso_utc(value)
    if isinstance(value, Path):
        return value.name
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value
