"""The consent pass: cookie and consent dialogs are recognised (the markup of the common
consent platforms, and dialogs or fixed overlays whose text is about cookies and consent),
kept out of accept detection, and dismissed as a recorded step of their own.

``reject`` (the default) chooses "reject all" or "only necessary" where the dialog offers
it, through its settings panel if need be (every optional choice unticked, then saved);
``accept`` chooses "accept all"; ``leave`` touches nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from capture.context import RunContext, now, short
from capture.jslib import js
from capture.models import Artifact, iso_utc

if TYPE_CHECKING:
    from playwright.sync_api import Frame, Page

CONSENT_MODES = ("reject", "accept", "leave")
MAX_STEPS = 4  # a banner, its settings panel, a second banner: more is a loop
LATE_DIALOG_MS = 2500  # how long a consent script on the page gets to show its dialog


class ConsentPass:
    """Finds and answers consent dialogs on a page, recording each step."""

    def __init__(self, ctx: RunContext) -> None:
        self.ctx = ctx
        self.steps: list[dict[str, Any]] = []
        self.artifacts: list[tuple[int, Artifact]] = []
        self._left: set[str] = set()
        self._settings: set[str] = set()  # dialogs whose settings button was clicked once
        self._shots = 0

    def find(self, page: Page) -> list[tuple[Frame, dict]]:
        """Consent dialogs shown in any frame of ``page``."""
        from playwright.sync_api import Error as PlaywrightError

        found: list[tuple[Frame, dict]] = []
        for frame in page.frames:
            if frame.is_detached():
                continue
            child = frame is not page.main_frame
            if child:
                try:
                    handle = frame.frame_element()
                    if not handle.is_visible():
                        continue
                except PlaywrightError:
                    continue
            try:
                dialogs = frame.evaluate(js("consent.describeAll(arg)", "consent"), child)
            except PlaywrightError:
                continue
            found += [(frame, d) for d in dialogs]
        return found

    def wait_for_late(self, page: Page) -> None:
        """When a consent platform's script is on the page but no dialog shows yet, give it
        a moment (they are built after load); pages without one are not slowed down."""
        from playwright.sync_api import Error as PlaywrightError

        try:
            if not page.evaluate(js("consent.pending()", "consent")):
                return
            page.wait_for_function(
                js("consent.find(false).length > 0", "consent"),
                timeout=LATE_DIALOG_MS)
        except PlaywrightError:
            return  # none came: nothing to answer

    def handle(self, page: Page, *, index: int = 0, prefix: str = "",
               late: bool = False) -> list[dict[str, Any]]:
        """Answer every consent dialog shown now as the request says; returns the steps.
        ``late``: first wait briefly for a dialog a consent script is about to show."""
        mode = self.ctx.req.consent
        steps: list[dict[str, Any]] = []
        if late and not self.find(page):
            self.wait_for_late(page)
        for _ in range(MAX_STEPS):
            dialogs = [(f, d) for f, d in self.find(page) if self._key(f, d) not in self._left]
            if not dialogs:
                break
            frame, dialog = dialogs[0]
            if mode == "leave":
                for f, d in dialogs:
                    steps.append(self._record(page, f, d, index, prefix, action="leave"))
                    self._left.add(self._key(f, d))
                break
            step = self._answer(page, frame, dialog, mode, index, prefix)
            steps.append(step)
            if step.get("left_open") or (not step["dismissed"] and step.get("how") != "settings"):
                self._left.add(self._key(frame, dialog))
        self.steps += steps
        return steps

    @staticmethod
    def _key(frame: Frame, dialog: dict) -> str:
        return f"{frame.url}|{dialog['selector']}"

    def _record(
        self, page: Page, frame: Frame, dialog: dict, index: int, prefix: str, *, action: str
    ) -> dict[str, Any]:
        self._shots += 1
        n = self._shots
        shot = self.ctx.artifact(f"{prefix}consent-{n}.png", index)
        page.screenshot(path=str(shot.path))
        self.artifacts.append((index, shot))
        return {
            "step": n,
            "at": iso_utc(now()),
            "platform": dialog.get("platform"),
            "frame_url": None if frame is page.main_frame else frame.url,
            "selector": dialog["selector"],
            "text": dialog["text"][:300],
            "buttons": dialog.get("buttons", []),
            "action": action,
            "clicked": None,
            "how": None,
            "dismissed": False,
            "left_open": False,  # True: it could not be answered as asked and stayed
            "screenshot": shot.name,
        }

    def _answer(
        self, page: Page, frame: Frame, dialog: dict, mode: str, index: int, prefix: str
    ) -> dict[str, Any]:
        from playwright.sync_api import Error as PlaywrightError

        child = frame is not page.main_frame
        step = self._record(page, frame, dialog, index, prefix, action=mode)
        choice = frame.evaluate(
            js("consent.choice(arg.selector, arg.mode, arg.child)", "consent"),
            {"selector": dialog["selector"], "mode": mode, "child": child},
        )
        key = self._key(frame, dialog)
        if not choice or (choice["how"] == "settings" and key in self._settings):
            # Nothing to choose, or its settings were opened once and offered nothing either:
            # clicking them again would loop. The dialog stays, and the record says so.
            return self._left_open(step, dialog, mode, choice)
        if choice["how"] == "settings":
            self._settings.add(key)
        what = dialog.get("platform") or "cookie/consent"
        step["how"] = choice["how"]
        step["clicked"] = choice["label"]
        try:
            for sel in choice.get("untick", []):
                box = frame.locator(sel)
                if box.count() == 1 and box.is_checked():
                    box.click(timeout=5000)
                    step.setdefault("unticked", []).append(sel)
            frame.locator(choice["selector"]).first.click(timeout=5000)
        except PlaywrightError as exc:
            self.ctx.warn(
                f"could not click {choice['label']!r} in the {what} dialog: {short(exc.message)}"
            )
            return step
        self.ctx.say(f"Consent dialog ({what}): chose {choice['label']!r}")
        # Wait (briefly) for the dialog to go; a settings button opens a panel instead.
        gone = frame.locator(dialog["selector"]).first
        try:
            gone.wait_for(state="hidden", timeout=2000)
            step["dismissed"] = choice["how"] != "settings"
        except PlaywrightError:
            step["dismissed"] = False
        if choice["how"] == "settings":
            page.wait_for_timeout(300)
        return step

    def _left_open(self, step: dict[str, Any], dialog: dict, mode: str,
                   choice: dict | None) -> dict[str, Any]:
        """Record (and warn) that a consent dialog could not be answered as asked and stays."""
        what = dialog.get("platform") or "cookie/consent"
        verb = "accepted" if mode == "accept" else "rejected"
        wanted = "'accept all'" if mode == "accept" else "'reject all' or 'only necessary'"
        tried = (f" (its {choice['label']!r} button, clicked once, offered none either)"
                 if choice else "")
        reason = (f"the {what} dialog could not be {verb}: it offers no {wanted} choice that "
                  f"could be recognised{tried}")
        step.update(left_open=True, dismissed=False, reason=reason)
        self.ctx.warn(
            f"{reason}; it was left open ({dialog['text'][:80]!r}), nothing was chosen in it, "
            "and it shows in the PDF and the screenshots"
        )
        return step
