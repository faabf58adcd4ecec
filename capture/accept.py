"""The accept pass: which control expresses acceptance, whether anything covers it, the click
(or the user's, in interactive mode), what the click sent, and the state after.

Detection works from the agreement's point of view: ticked boxes and buttons whose label
says "I accept", or that a "by clicking X you agree" sentence names, near the agreement's
text or its terms links; never controls in navigation, the page's header or footer, or a
cookie/consent dialog. Several plausible candidates are refused and listed.
"""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

from capture.consent import ConsentPass
from capture.context import RunContext, short
from capture.errors import (
    AcceptControlNotFound,
    AmbiguousAcceptControl,
    ControlCovered,
    SubmitFailed,
    SubmitNeeded,
)
from capture.har import Recorder, wants
from capture.jslib import js, js_el
from capture.models import AcceptControl, CapturedPage

if TYPE_CHECKING:
    from playwright.sync_api import Frame, Page, Request

ACCEPT_BOX_PADDING = 12  # CSS px around the control and its label in accept-*.png
CLICK_TIMEOUT_MS = 10000  # a control that takes longer to become clickable is reported
DETECT_ATTEMPTS = 3  # looks at a page that has no single candidate yet
DETECT_RETRY_MS = 500

WAIT_ACCEPT = "Click accept in the browser, then press Enter"
NOT_ASKED = ("not asked to accept (no --click): the agreement was captured as offered; "
             "nothing was clicked or sent")


def describe_candidates(candidates: list[dict]) -> str:
    """One line listing candidates: selector (kind: 'label')."""
    return ", ".join(f"{c['selector']} ({c['kind']}: {c['label'][:60]!r})" for c in candidates)


def public_candidates(candidates: list[dict]) -> list[dict]:
    """The JSON-able part of candidates."""
    out = []
    for c in candidates:
        item = {"selector": c["selector"], "kind": c["kind"], "label": c["label"]}
        if c.get("frame_url"):
            item["frame_url"] = c["frame_url"]
        out.append(item)
    return out


class AcceptPass:
    """Finds, checks and clicks the accept control of the main page."""

    def __init__(self, ctx: RunContext, consent: ConsentPass) -> None:
        self.ctx = ctx
        self.consent = consent
        self.page_changed = False

    # -- finding ---------------------------------------------------------------------------
    def find(self, page: Page) -> dict:
        """Describe the accept control: the given selector, or the one detected."""
        sel = self.ctx.req.accept_selector
        if sel:
            return self._by_selector(page, sel)
        return self._detect(page)

    def _frames(self, page: Page) -> list[Frame]:
        return [f for f in page.frames if not f.is_detached()]

    def _by_selector(self, page: Page, sel: str) -> dict:
        from playwright.sync_api import Error as PlaywrightError

        hits: list[tuple[Frame, int]] = []
        for frame in self._frames(page):
            try:
                count = frame.locator(sel).count()
            except PlaywrightError as exc:
                raise AcceptControlNotFound(
                    f"accept selector {sel!r} is not valid: {short(exc.message)}"
                ) from exc
            if count:
                hits.append((frame, count))
        total = sum(n for _, n in hits)
        if total == 0:
            raise AcceptControlNotFound(
                f"no element on {page.url} matches the accept selector {sel!r}"
            )
        if total > 1:
            candidates = []
            for frame, count in hits:
                loc = frame.locator(sel)
                candidates += [loc.nth(i).evaluate(js_el("lib.describe(el)")) for i in range(count)]
            raise AmbiguousAcceptControl(
                f"the accept selector {sel!r} matches {total} elements: "
                + describe_candidates(candidates)
                + "; make the selector match exactly one",
                candidates=public_candidates(candidates),
            )
        frame = hits[0][0]
        child = frame is not page.main_frame
        found = frame.locator(sel).evaluate(js_el("lib.describe(el)"))
        found.update(selector=sel, auto=False, named=[], frame=frame,
                     frame_url=frame.url if child else None)
        found["links"] = frame.locator(sel).evaluate(
            js_el("lib.nearLinks(el, consent.roots(arg))", "consent"), child)
        submits = frame.evaluate(js("detect.submitButtons(consent.roots(arg))", "detect"), child)
        found["submit_hint"] = self._submit_hint(
            found, [], [dict(b, frame=frame) for b in submits if b["selector"] != sel])
        return found

    def _detect(self, page: Page) -> dict:
        """Detect, and when the page offers no single candidate yet, look again a little
        later: modals fade in and script-built forms arrive after load."""
        signature = "(() => { const b = document.body; return b ? b.getElementsByTagName('*').length"
        signature += " + ':' + b.innerText.length + ':' + document.querySelectorAll('[aria-modal],"
        signature += " dialog[open]').length : ''; })()"
        for attempt in range(DETECT_ATTEMPTS):
            before = page.evaluate(signature)
            try:
                return self._detect_once(page)
            except (AcceptControlNotFound, AmbiguousAcceptControl):
                if attempt == DETECT_ATTEMPTS - 1:
                    raise
                page.wait_for_timeout(DETECT_RETRY_MS)
                if page.evaluate(signature) == before and attempt > 0:
                    raise  # nothing is changing: looking again would find the same
                self.page_changed = True  # the text read before may be out of date
        raise AssertionError("unreachable")

    def _detect_once(self, page: Page) -> dict:
        from playwright.sync_api import Error as PlaywrightError

        candidates: list[dict] = []
        submits: list[dict] = []
        skipped: list[dict] = []
        for frame in self._frames(page):
            child = frame is not page.main_frame
            try:
                found = frame.evaluate(js("detect.run(arg)", "detect"), child)
            except PlaywrightError:
                continue
            for c in found["candidates"]:
                c.update(frame=frame, frame_url=frame.url if child else None, auto=True)
                candidates.append(c)
            submits += [dict(s, frame=frame) for s in found["submits"]]
            skipped += found["skipped"]
        boxes = [c for c in candidates if c["group"] == "box"]
        buttons = [c for c in candidates if c["group"] == "button"]
        named = [b for b in buttons if b["named"]]
        # A ticked box is the acceptance; a button next to it only sends it.
        for group in (boxes, named, buttons):
            if len(group) == 1:
                chosen = group[0]
                chosen["submit_hint"] = self._submit_hint(chosen, named, submits)
                return chosen
            if len(group) > 1:
                raise AmbiguousAcceptControl(
                    f"{len(group)} possible accept controls on {page.url}: "
                    + describe_candidates(group)
                    + "; choose one with --accept SELECTOR",
                    candidates=public_candidates(group),
                )
        where = ""
        if skipped:
            where = " (left out: " + ", ".join(
                f"{s['label'][:40]!r} in {s['why']}" for s in skipped[:4]) + ")"
        raise AcceptControlNotFound(
            f"no accept control (a checkbox or button saying 'Jag godkänner', 'I accept' or "
            f"similar, or one that a 'by clicking X you agree' sentence names) found on "
            f"{page.url}{where}; name it with --accept SELECTOR, or use --page-only for a "
            "published page with nothing to accept"
        )

    @staticmethod
    def _submit_hint(chosen: dict, named: list[dict], submits: list[dict]) -> dict | None:
        """For a box: the button that would send it (named by a sentence, else nearest)."""
        if chosen["kind"] not in ("checkbox", "radio"):
            return None
        same = [b for b in named if b["frame"] is chosen["frame"]]
        if same:
            b = same[0]
            return {"selector": b["selector"], "label": b["label"], "disabled": b["disabled"]}
        box = chosen["box"]
        below = [s for s in submits if s["frame"] is chosen["frame"]
                 and s["box"]["y"] >= box["y"] - 40]
        if not below:
            return None
        best = min(below, key=lambda s: abs(s["box"]["y"] - box["y"]) + abs(s["box"]["x"] - box["x"]) / 4)
        return {"selector": best["selector"], "label": best["label"], "disabled": best["disabled"]}

    # -- geometry --------------------------------------------------------------------------
    def page_box(self, page: Page, control: dict, fresh: dict | None = None) -> dict:
        """The control's box (label included) in the main page's document coordinates."""
        d = fresh or control
        frame: Frame = control["frame"]
        if frame is page.main_frame:
            return dict(d["box"])
        offset = self._frame_offset(page, frame)
        v = d["vbox"]
        return {"x": v["x"] + offset[0], "y": v["y"] + offset[1],
                "width": v["width"], "height": v["height"]}

    @staticmethod
    def _frame_offset(page: Page, frame: Frame) -> tuple[float, float]:
        """Where a frame's viewport starts, in the main page's document coordinates."""
        bb = frame.frame_element().bounding_box() or {"x": 0.0, "y": 0.0}
        scroll = page.evaluate("[window.scrollX, window.scrollY]")
        border = frame.frame_element().evaluate(
            "el => [el.clientLeft || 0, el.clientTop || 0]")
        return bb["x"] + scroll[0] + border[0], bb["y"] + scroll[1] + border[1]

    @staticmethod
    def padded_box(box: dict, size: dict) -> dict:
        """``box`` with padding, kept inside the page."""
        pad = ACCEPT_BOX_PADDING
        x = max(0.0, box["x"] - pad)
        y = max(0.0, box["y"] - pad)
        width = min(box["width"] + 2 * pad, max(1.0, size["width"] - x))
        height = min(box["height"] + 2 * pad, max(1.0, size["height"] - y))
        return {"x": x, "y": y, "width": max(1.0, width), "height": max(1.0, height)}

    @staticmethod
    def clip_screenshot(page: Page, box: dict, path: Path) -> None:
        """A screenshot of ``box`` (document coordinates); the viewport if it is gone."""
        from playwright.sync_api import Error as PlaywrightError

        try:
            page.screenshot(path=str(path), full_page=True, clip=box)
        except PlaywrightError:
            # The region is gone (the page got shorter after acceptance): show the viewport.
            page.screenshot(path=str(path))

    def describe_again(self, control: dict) -> dict | None:
        """The control measured now, or None when it is gone or hidden."""
        from playwright.sync_api import Error as PlaywrightError

        try:
            locator = control["frame"].locator(control["selector"])
            if locator.count() != 1:
                return None
            fresh = locator.evaluate(js_el("{...lib.describe(el), doc: lib.docSize()}"))
        except PlaywrightError:
            return None  # detached while we looked
        return fresh if fresh["shown"] else None

    def before_box(self, page: Page, control: dict) -> dict:
        """The padded box of the control as it is now (for accept-before.png)."""
        with suppress(Exception):
            control["frame"].locator(control["selector"]).scroll_into_view_if_needed(timeout=3000)
        fresh = self.describe_again(control)
        size = page.evaluate(js("lib.docSize()"))
        return self.padded_box(self.page_box(page, control, fresh), size)

    # -- clicking --------------------------------------------------------------------------
    def accept(self, page: Page, control: dict, main: CapturedPage) -> None:
        """Perform (or wait for) the acceptance and record the after state."""
        ctx = self.ctx
        accept = AcceptControl(
            selector=control["selector"],
            kind=control["kind"],
            label=control["label"],
            checked_before=control["checked"],
            checked_after=None,
            box={k: round(v, 1) for k, v in self.page_box(page, control).items()},
            clicked=False,
            auto_detected=bool(control.get("auto")),
            enabled=not control["disabled"],
            frame_url=control.get("frame_url"),
            near_links=list(control.get("links") or []),
            named_by=list(control.get("named") or []),
            submit_hint=control.get("submit_hint"),
        )
        main.accept = accept
        if not (ctx.req.click or ctx.req.interactive):
            accept.scroll_box = self._scroll_box(page, control)
            # Evidence of the agreement as offered; nothing was accepted.
            main.acceptance = {"by": None, "clicked": False, "submitted": False, "request": None,
                               "reason": NOT_ASKED}
            return

        if ctx.req.before_click is not None:
            # Before anything is ticked or clicked: the caller notes the acceptance as
            # started, so one killed after the click is known (the hook raising clicks nothing).
            ctx.req.before_click({"url": page.url, "selector": control["selector"],
                                  "label": control["label"], "kind": control["kind"]})
        recorder = Recorder(page)
        ctx.phase = "accept"
        with ctx.step("accept"):
            if not ctx.req.interactive:
                for sel in ctx.req.extra_accept:
                    main.also_accepted.append(self._tick_extra(page, sel, main))
                self._ready(page, control, accept, main)
            with recorder:
                if ctx.req.interactive:
                    assert ctx.wait is not None
                    ctx.wait(WAIT_ACCEPT)
                    # The user's clicks reach our listeners only while Playwright runs.
                    page.wait_for_timeout(200)
                else:
                    ctx.say("Clicking the accept control")
                    accept.clicked = self._click(page, control)
                    # Let a request the click started reach the recorder; a button usually
                    # sends one (form post, fetch), a checkbox rarely does.
                    page.wait_for_timeout(150 if control["kind"] == "button" else 50)
            # Wait for the answer to what the click sent, then let the page show it.
            submission = self.submission(page, recorder.requests)
            if submission is not None:
                page.wait_for_timeout(100)
            accept.checked_after = self._checked(control)
            if accept.kind == "checkbox" and ctx.req.click and accept.checked_after is False:
                raise SubmitFailed(
                    f"clicking the accept box {control['selector']!r} did not tick it"
                )
        with ctx.step("accept_after"):
            after = ctx.artifact("accept-after.png", 0)
            fresh = self.describe_again(control)
            if fresh is not None:
                # Same control, possibly moved: show it with its label, now ticked.
                size = page.evaluate(js("lib.docSize()"))
                self.clip_screenshot(
                    page, self.padded_box(self.page_box(page, control, fresh), size), after.path
                )
            else:
                # The control is gone (replaced or navigated away): show what replaced it.
                page.screenshot(path=str(after.path))
            main.artifacts.append(after)

        if ctx.req.submit_selector and not ctx.req.interactive:
            ctx.say("Confirming with the submit control")
            ctx.phase = "submit"
            with ctx.step("submit"):
                submission = self.submit(page, control, ctx.req.submit_selector)
                result = ctx.artifact("accept-result.png", 0)
                page.screenshot(path=str(result.path))
                main.artifacts.append(result)
        main.submission = submission
        main.acceptance = self._acceptance(accept, submission)
        if not main.acceptance["submitted"]:
            ctx.warn(f"the acceptance was NOT submitted: {main.acceptance['reason']}")
        elif main.acceptance["reason"]:
            ctx.warn(main.acceptance["reason"])
        ctx.phase = "after"
        with ctx.step("accept_after"):
            from capture import frames as framelib

            # Read as the text before was: with collapsed content opened, then put back.
            try:
                framelib.reveal_collapsed(page)
                text_after = framelib.page_info(page)["text"]
            finally:
                framelib.restore_layout(page)
        if text_after != main.text:
            main.text_after = text_after

    def _acceptance(self, accept: AcceptControl, submission: dict | None) -> dict[str, Any]:
        """Whether the acceptance reached the site, and if not, why: the record says it plainly,
        so that a capture never looks like an acceptance that did not happen."""
        interactive = self.ctx.req.interactive
        out: dict[str, Any] = {"by": "user" if interactive else "capture",
                               "clicked": True if interactive else accept.clicked,
                               "submitted": submission is not None, "request": None,
                               "reason": None}
        if submission is not None:
            status = submission["status"]
            out["request"] = {"method": submission["method"], "url": submission["url"],
                              "status": status}
            if status is None or status >= 400:
                out["reason"] = (f"the site answered the acceptance request "
                                 f"{submission['method']} {submission['url']} with "
                                 f"{'no answer' if status is None else f'status {status}'}")
            return out
        box = accept.kind in ("checkbox", "radio")
        if interactive:
            out["reason"] = ("no request to the site was recorded while the acceptance was made "
                             "in the browser")
        elif box and not accept.clicked:
            out["reason"] = ("the box was already ticked when the page was opened, so nothing "
                             "was clicked, and nothing was sent to the site")
        elif box:
            hint = accept.submit_hint
            todo = (f"this page confirms with {hint['label']!r}: run again with --submit "
                    f"{hint['selector']!r}" if hint else
                    "no button that sends it was found: name it with --submit SELECTOR")
            out["reason"] = f"the box was ticked but nothing was sent to the site; {todo}"
        else:
            out["reason"] = ("the accept control was clicked but sent no request to the site; "
                             "the page may send the acceptance only at a later step: name that "
                             "button with --submit SELECTOR")
        return out

    def check_complete(self, control: dict) -> None:
        """Refuse before anything is clicked when the click alone would not send the
        acceptance: a tick box on a page that confirms it with a button of its own, and no
        --submit given. Otherwise the box would be ticked and nothing sent."""
        req = self.ctx.req
        hint = control.get("submit_hint")
        if (not req.click or req.interactive or req.submit_selector or not hint
                or control["kind"] not in ("checkbox", "radio")):
            return
        raise SubmitNeeded(
            f"not accepted: the box {control['selector']!r} ({control['label'][:60]!r}) only "
            f"ticks, and this page sends the acceptance with {hint['label']!r} "
            f"({hint['selector']}), but no --submit was given; nothing was clicked: run again "
            f"with --submit {hint['selector']!r}, or without --click to capture the agreement "
            "as offered",
            submit_hint=hint,
        )

    def _tick_extra(self, page: Page, selector: str, main: CapturedPage) -> AcceptControl:
        """Tick one more named box (a second agreement accepted together with the first)."""
        extra = self._by_selector(page, selector)
        if extra["kind"] not in ("checkbox", "radio"):
            raise SubmitFailed(f"the extra accept control {selector!r} is not a tick box")
        done = AcceptControl(
            selector=selector, kind=extra["kind"], label=extra["label"],
            checked_before=extra["checked"], checked_after=None,
            box={k: round(v, 1) for k, v in self.page_box(page, extra).items()},
            clicked=False, auto_detected=False, enabled=not extra["disabled"],
            frame_url=extra.get("frame_url"), near_links=list(extra.get("links") or []))
        with suppress(Exception):
            extra["frame"].locator(selector).scroll_into_view_if_needed(timeout=3000)
        self._check_covered(page, extra, self.describe_again(extra) or extra)
        done.clicked = self._click(page, extra)
        done.checked_after = self._checked(extra)
        if done.checked_after is False:
            raise SubmitFailed(f"clicking the accept box {selector!r} did not tick it")
        return done

    def _ready(self, page: Page, control: dict, accept: AcceptControl, main: CapturedPage) -> None:
        """Just before the click: late consent dialogs, disabled state, what covers it, and
        the viewport "as shown"."""
        ctx = self.ctx
        from playwright.sync_api import Error as PlaywrightError

        if ctx.req.consent != "leave":
            steps = self.consent.handle(page)
            main.consent += steps
        locator = control["frame"].locator(control["selector"])
        with suppress(PlaywrightError):
            locator.scroll_into_view_if_needed(timeout=3000)
        fresh = self.describe_again(control) or control
        if fresh["disabled"]:
            # Some sites enable the box only when the terms have been scrolled to the end.
            read: list[dict] = []
            for frame in page.frames:
                with suppress(PlaywrightError):
                    read += frame.evaluate(js("layout.readToEnd(arg)", "layout"),
                                           frame is not page.main_frame)
            if read:
                page.wait_for_timeout(300)
                accept.scroll_box = {**read[0], "scrolled_by_capture": True}
                fresh = self.describe_again(control) or fresh
        accept.enabled = not fresh["disabled"]
        if fresh["disabled"]:
            raise SubmitFailed(
                f"the accept control {control['selector']!r} ({control['label'][:60]!r}) is "
                "disabled; the page may want something done first (a field filled in, a step "
                "before): use --interactive to do it yourself"
            )
        self._check_covered(page, control, fresh)
        if accept.scroll_box is None:
            accept.scroll_box = self._scroll_box(page, control)
        vbox = fresh["vbox"]
        accept.viewport_box = {k: round(v, 1) for k, v in vbox.items()}
        accept.terms_visible = bool(control["frame"].locator(control["selector"]).evaluate(
            js_el("lib.termsInView(el, consent.roots(arg))", "consent"),
            control["frame"] is not page.main_frame))
        shot = ctx.artifact("accept-viewport.png", 0)
        page.screenshot(path=str(shot.path))
        main.artifacts.append(shot)

    def _scroll_box(self, page: Page, control: dict) -> dict | None:
        from playwright.sync_api import Error as PlaywrightError

        frame = control["frame"]
        try:
            found = frame.locator(control["selector"]).evaluate(
                js_el("layout.boxOf(el, arg)", "layout"), frame is not page.main_frame)
        except PlaywrightError:
            found = None
        if found:
            found["frame_url"] = None if frame is page.main_frame else frame.url
            return found
        best = None
        for other in page.frames:
            if other is frame or other.is_detached():
                continue
            with suppress(PlaywrightError):
                boxes = other.evaluate(js("layout.boxes(arg)", "layout"),
                                       other is not page.main_frame)
                for b in boxes:
                    if b["chars"] > 200 and (best is None or b["chars"] > best["chars"]):
                        best = {**b, "holdsControl": False,
                                "frame_url": None if other is page.main_frame else other.url}
        return best

    def _check_covered(self, page: Page, control: dict, fresh: dict) -> None:
        """Raise :class:`ControlCovered` at once when something lies over the control."""
        frame: Frame = control["frame"]
        v = fresh["vbox"]
        # Hit-test the control itself when shown, else its label (hidden native inputs).
        target_sel = control["selector"]
        if not fresh["visible"] and control.get("labelSelector"):
            target_sel = control["labelSelector"]
        cx, cy = v["x"] + v["width"] / 2, v["y"] + v["height"] / 2
        hit = frame.locator(target_sel).first.evaluate(
            js_el("(() => { const r = el.getBoundingClientRect();"
                  " const x = r.left + r.width / 2, y = r.top + r.height / 2;"
                  " const targets = [el, ...(el.labels ? [...el.labels] : []), el.closest('label')]"
                  ".filter(Boolean);"
                  " return consent.coverAt(x, y, targets); })()", "consent"))
        if hit is None and frame is not page.main_frame:
            # Inside its frame nothing covers it; is the frame itself covered in the page?
            offset = self._frame_offset(page, frame)
            scroll = page.evaluate("[window.scrollX, window.scrollY]")
            px, py = cx + offset[0] - scroll[0], cy + offset[1] - scroll[1]
            hit = frame.frame_element().evaluate(
                js_el("consent.coverAt(arg.x, arg.y, [el])", "consent"), {"x": px, "y": py})
        if hit is None or hit.get("frame"):
            return
        self._raise_covered(control, hit)

    def _raise_covered(self, control: dict, hit: dict) -> None:
        what = hit.get("what") or "another element"
        text = f" «{hit['text'][:80]}»" if hit.get("text") else ""
        if hit.get("consent"):
            kind = " (a cookie/consent dialog)"
            todo = ("it could not be dismissed: answer it with --interactive, or try "
                    "--consent accept" if self.ctx.req.consent != "accept"
                    else "answer it with --interactive")
        else:
            kind = ""
            todo = "close it with --interactive, or name another control with --accept"
        raise ControlCovered(
            f"the accept control {control['selector']!r} ({control['label'][:60]!r}) is "
            f"covered by {what}{text}{kind}; {todo}",
            covered_by=hit,
        )

    def _click(self, page: Page, control: dict) -> bool:
        """A real mouse click on the control (or its label when the input is hidden)."""
        from playwright.sync_api import Error as PlaywrightError

        if control["kind"] in ("checkbox", "radio") and control["checked"]:
            return False  # already ticked by the site: clicking would untick it
        target = control["selector"]
        if not control["visible"] and control.get("labelSelector"):
            target = control["labelSelector"]
        try:
            control["frame"].locator(target).click(
                timeout=min(self.ctx.req.timeout_ms, CLICK_TIMEOUT_MS))
        except PlaywrightError as exc:
            message = exc.message or ""
            for line in message.splitlines():
                if "intercepts pointer events" in line:
                    covering = line.strip().lstrip("-").strip().split(" intercepts")[0]
                    self._raise_covered(control, {"what": covering[:120], "consent": False})
            raise SubmitFailed(
                f"could not click the accept control {target!r}: {short(message)}"
            ) from exc
        return True

    def _checked(self, control: dict) -> bool | None:
        from playwright.sync_api import Error as PlaywrightError

        if control["kind"] not in ("checkbox", "radio"):
            return None
        locator = control["frame"].locator(control["selector"])
        try:
            if locator.count() != 1:
                return None
            return locator.is_checked(timeout=2000)
        except PlaywrightError:
            return None

    def submit(self, page: Page, control: dict, selector: str) -> dict:
        """Click the submit control and return what it sent; the control's frame first."""
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        frames = [control["frame"]] + [f for f in page.frames if f is not control["frame"]]
        locator = None
        for frame in frames:
            if frame.is_detached():
                continue
            try:
                count = frame.locator(selector).count()
            except PlaywrightError as exc:
                raise SubmitFailed(f"submit selector {selector!r} is not valid") from exc
            if count > 1:
                raise SubmitFailed(
                    f"submit selector {selector!r} matches {count} elements on {page.url}; "
                    "it must match exactly one"
                )
            if count == 1:
                locator = frame.locator(selector)
                break
        if locator is None:
            raise SubmitFailed(
                f"submit selector {selector!r} matches 0 elements on {page.url}; "
                "it must match exactly one"
            )
        timeout = self.ctx.req.timeout_ms
        try:
            with page.expect_request(wants, timeout=timeout) as info:
                locator.click(timeout=timeout)
        except PlaywrightTimeout as exc:
            raise SubmitFailed(
                f"clicking {selector!r} sent no request within {timeout / 1000:g} s; "
                "is the button enabled and does it submit the form?"
            ) from exc
        except PlaywrightError as exc:
            raise SubmitFailed(f"could not click {selector!r}: {short(exc.message)}") from exc
        submission = self.submission(page, [info.value])
        assert submission is not None
        if submission["status"] is None or submission["status"] >= 400:
            raise SubmitFailed(
                f"the acceptance request {submission['method']} {submission['url']} "
                f"failed (status {submission['status']})"
            )
        return submission

    @staticmethod
    def submission(page: Page, requests: list[Request]) -> dict[str, Any] | None:
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
