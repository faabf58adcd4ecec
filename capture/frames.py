"""Frames (same- and cross-origin), scroll boxes and collapsed content: the text of every
frame in its place, the agreement's main content, and the layout expanded in full for
printing.

Each frame is read in itself (Playwright evaluates in cross-origin frames too) and its
result handed to its parent together with the parent's handle of the <iframe> element, so
the parent puts the frame's text where the frame is shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from capture.jslib import js

if TYPE_CHECKING:
    from playwright.sync_api import ElementHandle, Frame, Page

MAX_FRAME_DEPTH = 4  # deeper nesting is not followed (ads nest without end)


def _children(frame: Frame, depth: int) -> list[tuple[Frame, ElementHandle]]:
    from playwright.sync_api import Error as PlaywrightError

    if depth >= MAX_FRAME_DEPTH:
        return []
    out: list[tuple[Frame, ElementHandle]] = []
    for child in frame.child_frames:
        if child.is_detached():
            continue
        try:
            handle = child.frame_element()
        except PlaywrightError:
            continue  # went away while we looked
        out.append((child, handle))
    return out


def has_frames(page: Page) -> bool:
    """Whether the page shows any child frame."""
    return bool(page.main_frame.child_frames)


def frame_text(frame: Frame, depth: int = 0) -> str:
    """The visible text of ``frame`` with every child frame's text in its place."""
    from playwright.sync_api import Error as PlaywrightError

    entries = []
    for child, handle in _children(frame, depth):
        try:
            entries.append([handle, frame_text(child, depth + 1), None])
        except PlaywrightError:
            continue
    return frame.evaluate(js("lib.visibleText(arg)"), entries)


def page_info(page: Page) -> dict[str, Any]:
    """Text, title, language, captcha widget and size of the page, frames included."""
    from playwright.sync_api import Error as PlaywrightError

    entries = []
    for child, handle in _children(page.main_frame, 0):
        try:
            entries.append([handle, frame_text(child, 1), None])
        except PlaywrightError:
            continue
    return page.evaluate(js("lib.info(arg)"), entries)


def _content(frame: Frame, depth: int) -> dict[str, Any]:
    from playwright.sync_api import Error as PlaywrightError

    entries = []
    for child, handle in _children(frame, depth):
        try:
            sub = _content(child, depth + 1)
        except PlaywrightError:
            continue
        if sub.get("consent"):
            continue  # a consent platform's own frame is not the agreement
        entries.append([handle, sub["text"], sub["html"]])
    child = depth > 0
    return frame.evaluate(
        js("{...content.main(arg.frames, arg.child), consent: arg.child && "
           "consent.find(true).some((d) => d.el === document.body)}", "content"),
        {"frames": entries, "child": child},
    )


def agreement_content(page: Page) -> dict[str, Any]:
    """The agreement's main content: {text, method} (Readability, else furniture removed)."""
    found = _content(page.main_frame, 0)
    return {"text": found["text"], "method": found["method"]}


def frame_records(page: Page) -> list[dict[str, Any]]:
    """Every child frame shown: url, origin, name, depth, whether cross-origin."""
    main = urlsplit(page.url)
    out: list[dict[str, Any]] = []

    def walk(frame: Frame, depth: int) -> None:
        for child, _handle in _children(frame, depth):
            parts = urlsplit(child.url)
            out.append({
                "url": child.url,
                "origin": f"{parts.scheme}://{parts.netloc}" if parts.netloc else None,
                "name": child.name or None,
                "depth": depth + 1,
                "cross_origin": (parts.scheme, parts.netloc) != (main.scheme, main.netloc),
                "frame": child,
            })
            walk(child, depth + 1)

    walk(page.main_frame, 0)
    return out


def _expand(frame: Frame, depth: int) -> tuple[list[dict], float]:
    from playwright.sync_api import Error as PlaywrightError

    entries: list[list[Any]] = []
    boxes: list[dict] = []
    for child, handle in _children(frame, depth):
        try:
            child_boxes, height = _expand(child, depth + 1)
        except PlaywrightError:
            continue
        for box in child_boxes:
            box.setdefault("frame_url", child.url)
        boxes += child_boxes
        entries.append([handle, height])
    result = frame.evaluate(
        js("layout.expand(arg.frames, arg.child)", "layout"),
        {"frames": entries, "child": depth > 0},
    )
    return result["boxes"] + boxes, float(result["height"])


def reveal_collapsed(page: Page) -> list[dict]:
    """Open the collapsed content of every frame (closed <details>, accordion and tab panels,
    terms in a closed <dialog>) for the text, PDF and PNG; returns what was opened, each with
    its frame's URL when it is in a child frame. :func:`restore_layout` closes it again."""
    from playwright.sync_api import Error as PlaywrightError

    opened: list[dict] = []
    todo: list[tuple[Frame, int]] = [(page.main_frame, 0)]
    while todo:
        frame, depth = todo.pop(0)
        try:
            found = frame.evaluate(js("layout.reveal(arg)", "layout"), depth > 0)
        except PlaywrightError:
            continue  # went away while we looked
        opened += [{**f, "frame_url": frame.url if depth else None} for f in found]
        todo += [(child, depth + 1) for child, _ in _children(frame, depth)]
    return opened


def expand_for_print(page: Page) -> list[dict]:
    """Open collapsed content, grow every scroll box and frame to its full content; returns
    the scroll boxes grown."""
    boxes, _ = _expand(page.main_frame, 0)
    return boxes


def restore_layout(page: Page) -> None:
    """Undo :func:`reveal_collapsed` and :func:`expand_for_print` in every frame (styles,
    attributes and scroll positions)."""
    from playwright.sync_api import Error as PlaywrightError

    frames = [page.main_frame]
    while frames:
        frame = frames.pop()
        try:
            frame.evaluate(js("layout.restore()", "layout"))
        except PlaywrightError:
            continue
        frames += [c for c in frame.child_frames if not c.is_detached()]
