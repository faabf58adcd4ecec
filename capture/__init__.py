"""Evidence capture of click-through agreements with Playwright and a real Chromium.

A leaf package: plain dataclasses in (:class:`CaptureRequest`), plain dataclasses out
(:class:`CaptureResult`). It writes artifact files; hashing and sealing are the caller's.
"""

from capture.browser import find_browser
from capture.errors import (
    AcceptControlNotFound,
    AmbiguousAcceptControl,
    BrowserUnavailable,
    CaptureError,
    ControlCovered,
    InvalidRequest,
    LinkNotFound,
    NavigationFailed,
    NoAgreementText,
    PrintFailed,
    SubmitFailed,
    SubmitNeeded,
    UnsupportedURL,
)
from capture.models import (
    AcceptControl,
    Artifact,
    CapturedPage,
    CaptureRequest,
    CaptureResult,
)
from capture.runner import HtmlPrinter, run_capture, validate_url

__all__ = [
    "AcceptControl",
    "AcceptControlNotFound",
    "AmbiguousAcceptControl",
    "Artifact",
    "BrowserUnavailable",
    "CaptureError",
    "ControlCovered",
    "HtmlPrinter",
    "InvalidRequest",
    "CaptureRequest",
    "CaptureResult",
    "CapturedPage",
    "LinkNotFound",
    "NavigationFailed",
    "NoAgreementText",
    "PrintFailed",
    "SubmitFailed",
    "SubmitNeeded",
    "UnsupportedURL",
    "find_browser",
    "run_capture",
    "validate_url",
]
