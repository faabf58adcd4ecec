"""Finding a Chromium executable and the flags it is launched with."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from capture.errors import BrowserUnavailable

ENV_VAR = "CONTRACTVAULT_CHROMIUM"
SYSTEM_CHROMIUM = "/usr/bin/chromium"

# Flags that keep a capture quiet and reproducible: no background traffic that would end
# up in the HAR, no sync, no GPU (headless servers), and /tmp instead of a small /dev/shm.
LAUNCH_ARGS: tuple[str, ...] = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def _is_executable(path: str) -> bool:
    return Path(path).is_file() and os.access(path, os.X_OK)


def resolve_browser(explicit: str | None, bundled: str | None) -> str | None:
    """Pick the executable; ``bundled`` is Playwright's own browser path (may not exist).

    Returns None when Playwright's bundled browser should be used.
    """
    if explicit:
        if not _is_executable(explicit):
            raise BrowserUnavailable(
                f"Chromium not found at {explicit!r}: the path is not an executable file. "
                "Give the path of a Chromium/Chrome binary or leave it out to auto-detect"
            )
        return explicit
    if bundled and _is_executable(bundled):
        return None
    env = os.environ.get(ENV_VAR)
    if env:
        if not _is_executable(env):
            raise BrowserUnavailable(
                f"${ENV_VAR} is {env!r}, which is not an executable file. Fix or unset the variable"
            )
        return env
    if _is_executable(SYSTEM_CHROMIUM):
        return SYSTEM_CHROMIUM
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    raise BrowserUnavailable(
        "no Chromium found: Playwright's browser is not installed, "
        f"${ENV_VAR} is unset and {SYSTEM_CHROMIUM} does not exist. "
        "Install Chromium (apt-get install chromium) or set $" + ENV_VAR
    )


def find_browser(explicit: str | None = None) -> str | None:
    """Executable path of the Chromium to use, or None for Playwright's bundled one.

    Order: ``explicit``; Playwright's own browser if installed; ``$CONTRACTVAULT_CHROMIUM``;
    ``/usr/bin/chromium``. Raises :class:`BrowserUnavailable` when none exists.
    """
    if explicit:
        return resolve_browser(explicit, None)
    return resolve_browser(None, bundled_executable())


def bundled_executable() -> str | None:
    """Where Playwright expects its own Chromium (the file may not exist)."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as pw:
            return pw.chromium.executable_path
    except PlaywrightError:
        return None
