"""Followed pages: the documents an agreement links to (DPA, sub-processor list), resolved
before anything is clicked and captured in their own tab."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from capture.errors import LinkNotFound
from capture.jslib import js

if TYPE_CHECKING:
    from playwright.sync_api import Page


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def resolve_link(page: Page, spec: str, validate: Callable[[str], None]) -> str:
    """The absolute href of the link that ``spec`` names (link text, else a selector).

    Links in every frame count; when the text names several pages, links in navigation
    and page footers give way to the one in the page's content (the agreement's own link).
    """
    from playwright.sync_api import Error as PlaywrightError

    links: list[dict] = []
    for frame in page.frames:
        if frame.is_detached():
            continue
        try:
            links += frame.evaluate(js("detect.links()", "detect"))
        except PlaywrightError:
            continue
    links = [link for link in links if urlsplit(link["href"]).scheme in ("http", "https")]
    wanted = re.sub(r"\s+", " ", spec).strip().casefold()
    hrefs: list[str] = []
    for match in (
        lambda t: t == wanted,
        lambda t: wanted in t,
    ):
        found = [link for link in links if match(link["text"].casefold())]
        hrefs = _unique([link["href"] for link in found])
        if len(hrefs) > 1:
            content = _unique([link["href"] for link in found if not link["furniture"]])
            if len(content) == 1:
                hrefs = content
        if hrefs:
            break
    if not hrefs:
        for frame in page.frames:
            try:
                hrefs = _unique(
                    frame.locator(spec).evaluate_all(
                        "els => els.map(e => (e.closest('a[href]') || e).href).filter(Boolean)"
                    )
                )
            except PlaywrightError:
                hrefs = []  # not a valid selector either
            if hrefs:
                break
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
    validate(hrefs[0])
    return hrefs[0]
