"""Exceptions raised by the capture package.

Every exception subclasses :class:`CaptureError` and carries a message a user can act on
(what failed, why, what to do). The core maps them to its own error types.
"""

from __future__ import annotations


class CaptureError(Exception):
    """Base class of every capture failure."""


class UnsupportedURL(CaptureError):  # noqa: N818 - name fixed by the interface
    """The URL is not http(s); nothing was launched."""


class BrowserUnavailable(CaptureError):  # noqa: N818
    """No usable Chromium executable, or it failed to start."""


class NavigationFailed(CaptureError):  # noqa: N818
    """DNS, connection, TLS, timeout or an HTTP status >= 400.

    ``kind`` says which, for the caller's exit code: "dns" (no such host), "refused"
    (nothing listens there), "tls" (certificate or TLS handshake not trusted),
    "blocked-port" (the browser refuses the port), "timeout", "http" (``status`` set),
    or "network" (reset, unreachable, anything else).
    """

    def __init__(self, message: str, kind: str = "network", status: int | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.status = status


class NoAgreementText(CaptureError):  # noqa: N818
    """The page shows too little text, or a bot wall / captcha instead of an agreement."""


class AcceptControlNotFound(CaptureError):  # noqa: N818
    """No accept control matched (auto-detection or the given selector)."""


class AmbiguousAcceptControl(CaptureError):  # noqa: N818
    """Several controls matched; ``candidates`` lists them (selector, kind, label)."""

    def __init__(self, message: str, candidates: list[dict] | None = None) -> None:
        super().__init__(message)
        self.candidates: list[dict] = list(candidates or [])


class SubmitFailed(CaptureError):  # noqa: N818
    """The acceptance did not take effect (box not checked, no request, HTTP error)."""


class SubmitNeeded(CaptureError):  # noqa: N818
    """A tick box would be ticked but nothing sent: the page confirms it with a button of its
    own and no submit control was named. Raised before anything is clicked.

    ``submit_hint`` is that button: {selector, label, disabled}.
    """

    def __init__(self, message: str, submit_hint: dict | None = None) -> None:
        super().__init__(message)
        self.submit_hint: dict = dict(submit_hint or {})


class LinkNotFound(CaptureError):  # noqa: N818
    """A --follow spec matched no link, or several links to different pages."""


class ControlCovered(CaptureError):  # noqa: N818
    """Something (often a cookie/consent overlay) lies over the control to be clicked.

    ``covered_by`` describes it: {what, text, consent, selector}.
    """

    def __init__(self, message: str, covered_by: dict | None = None) -> None:
        super().__init__(message)
        self.covered_by: dict = dict(covered_by or {})


class InvalidRequest(CaptureError):  # noqa: N818
    """Options that contradict each other (e.g. --page-only with --click); nothing ran."""


class PrintFailed(CaptureError):  # noqa: N818
    """Printing a caller's HTML to PDF in the capture's browser failed (after the capture
    itself succeeded: nothing about the capture is lost)."""
