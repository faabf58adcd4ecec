"""What every pass of one capture shares: the request, the output folder, step timings,
progress lines, warnings, and the dialogs and popups the page raised."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from capture.models import Artifact, CaptureRequest

MEDIA_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".mhtml": "multipart/related",
    ".html": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".har": "application/json",
    ".der": "application/pkix-cert",
}


def now() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


def short(message: str) -> str:
    """First line of a Playwright error message (the rest is a call log)."""
    line = (message or "").strip().splitlines()[0] if message else ""
    return line.removeprefix("Error: ").strip()


@dataclass
class RunContext:
    """State shared by the passes of one capture run."""

    req: CaptureRequest
    wait: Callable[[str], None] | None = None
    progress: Callable[[str], None] | None = None
    timings: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    dialogs: list[dict[str, Any]] = field(default_factory=list)
    popups: list[dict[str, Any]] = field(default_factory=list)
    phase: str = "load"  # which step is running, for the dialogs and popups it raises

    @property
    def out(self) -> Path:
        """The folder every artifact is written to."""
        return Path(self.req.out_dir)

    def say(self, message: str) -> None:
        """A progress line for the user."""
        if self.progress is not None:
            self.progress(message)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Add the time spent inside to the step ``name``."""
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - t0

    def artifact(self, name: str, index: int) -> Artifact:
        """The artifact ``name`` of page ``index`` (the file is written by the caller)."""
        path = self.out / name
        return Artifact(name=name, path=path, media_type=MEDIA_TYPES[path.suffix], page_index=index)

    def warn(self, message: str) -> None:
        """A warning for the user, kept in the result."""
        if message not in self.warnings:
            self.warnings.append(message)
