"""Capture on a corpus of sign-up and terms flows modelled on real suppliers' (written by
another engineer, see fixtures/signup/README.md), served on 127.0.0.1 and 127.0.0.2 by the
corpus's own server. For each flow: the server receives exactly the intended acceptance and
never a cookie "accept all"; the PDF holds the last clause; the screenshots before and after
differ in the control's box. The steps a person takes before the agreement is shown
(filling in a wizard) are done through `prepare`; consent, detection, ticking, submitting and
scrolling are the capture's own."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from support.images import png_pixels

from capture import (
    AcceptControlNotFound,
    AmbiguousAcceptControl,
    CaptureRequest,
    CaptureResult,
    NoAgreementText,
    run_capture,
)

SIGNUP = Path(__file__).parent / "fixtures" / "signup"
FLOWS = json.loads((SIGNUP / "flows.json").read_text("utf-8"))["flows"]

pytestmark = pytest.mark.browser

# Drive steps that are the capture's own job (never done for it).
OWN_STEPS = {"consent_reject", "consent_accept", "accept", "submit", "scroll_to_end"}


def _load_server() -> Any:  # noqa: ANN401 - the corpus's own module
    spec = importlib.util.spec_from_file_location("signup_server", SIGNUP / "server.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def fx():
    fixture = _load_server().start(SIGNUP)
    try:
        yield fixture
    finally:
        fixture.stop()


def _locator(page, selector: str):  # noqa: ANN001, ANN202 - Playwright objects
    """The element in whichever frame has it (fields may sit in a cross-origin frame)."""
    for frame in page.frames:
        loc = frame.locator(selector)
        if loc.count():
            return loc.first
    return page.locator(selector).first


def preparer(flow: dict, *, skip: set[str] | None = None) -> Callable:
    """The person's own steps before the agreement: fill, select, click, wait."""
    exp = flow["expected"]
    accept = exp["accept_control"]
    accepts = set(accept if isinstance(accept, list) else [accept] if accept else [])
    skip = skip or set()

    def prepare(page) -> None:  # noqa: ANN001
        for step in flow["drive"]:
            do, sel = step["do"], step.get("selector")
            if do in OWN_STEPS or sel in accepts or sel in skip:
                continue
            if do == "fill":
                _locator(page, sel).fill(step["value"])
            elif do == "check":
                _locator(page, sel).check()
            elif do == "select":
                _locator(page, sel).select_option(step["value"])
            elif do == "click":
                _locator(page, sel).click()
            elif do == "wait":
                _locator(page, sel).wait_for(state="visible")
            elif do == "wait_url":
                page.wait_for_load_state("load")
                page.wait_for_timeout(300)

    return prepare


def run(fx, tmp_path: Path, flow: dict, name: str, prepare: Callable | None, **kw) -> CaptureResult:  # noqa: ANN001
    out = tmp_path / name
    out.mkdir()
    request = CaptureRequest(url=fx.url(flow["entry"]), out_dir=out, capture_id="SIGNUP", **kw)
    return run_capture(request, prepare=prepare)


def pdf_text(result: CaptureResult, name: str = "page.pdf") -> str:
    path = next(a.path for a in result.artifacts if a.name == name)
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(str(path)).pages)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def _matches(req: dict, pattern: dict) -> bool:
    if req["path"] != pattern["path"]:
        return False
    if "method" in pattern and req["method"] != pattern["method"]:
        return False
    if "host" in pattern and req["host"] != pattern["host"]:
        return False
    body = req.get("body") if isinstance(req.get("body"), dict) else {}
    for key, want in (pattern.get("body") or {}).items():
        got = body.get(key)
        if not (got == want or (isinstance(got, list) and want in got)):
            return False
    return True


def assert_never(fx, exp: dict) -> None:  # noqa: ANN001
    for pattern in exp["never_requests"]:
        bad = [r for r in fx.requests() if _matches(r, pattern)]
        assert not bad, f"forbidden request {pattern}: {bad[:2]}"


def assert_acceptance(fx, exp: dict) -> None:  # noqa: ANN001
    want = exp["acceptance_request"]
    posts = [r for r in fx.posts() if r["path"] == want["path"]]
    assert len(posts) == want["count"], posts
    for post in posts:
        assert post["method"] == want["method"] and post["host"] == want["host"]
        for key, value in want["must_contain"].items():
            assert post["body"].get(key) == value, (key, post["body"])


def assert_before_after_differ(result: CaptureResult) -> None:
    before = next(a.path for a in result.artifacts if a.name == "accept-before.png")
    after = next(a.path for a in result.artifacts if a.name == "accept-after.png")
    assert png_pixels(before) != png_pixels(after)


@pytest.mark.parametrize("flow", FLOWS, ids=[f["name"] for f in FLOWS])
def test_signup_flow(fx, tmp_path: Path, flow: dict) -> None:  # noqa: ANN001
    exp = flow["expected"]
    fx.clear()
    follow = [d["text"] for d in exp["linked_documents"]]
    if exp["kind"] == "none":
        with pytest.raises((AcceptControlNotFound, NoAgreementText)):
            run(fx, tmp_path, flow, "refused", preparer(flow), click=True)
        assert not fx.posts("/accept")
        assert_never(fx, exp)
        return
    if exp["kind"] == "published":
        with pytest.raises(AcceptControlNotFound):
            run(fx, tmp_path, flow, "refused", preparer(flow), click=True)
        result = run(fx, tmp_path, flow, "page", preparer(flow), page_only=True, follow=follow)
        assert _flat(exp["last_clause_text"]) in _flat(pdf_text(result))
        for k, doc in enumerate(exp["linked_documents"], start=1):
            assert _flat(doc["last_clause_text"]) in _flat(pdf_text(result, f"follow-{k}-page.pdf"))
        assert not fx.posts("/accept")
        assert_never(fx, exp)
        return

    submit = exp["submit_control"] if exp["needs_submit"] else None
    named: dict[str, Any] = {}
    if exp["ambiguous"]:
        # Told nothing, the capture refuses and lists the candidates; nothing is sent.
        openers = {c.get("open") for c in exp["candidates"]} | {exp["terms_open_control"]}
        with pytest.raises(AmbiguousAcceptControl) as err:
            run(fx, tmp_path, flow, "ambiguous", preparer(flow, skip=openers - {None}),
                click=True, submit_selector=submit)
        assert len(err.value.candidates) >= 2
        assert not fx.posts("/accept")
        fx.clear()
        accept = exp["accept_control"]
        accepts = accept if isinstance(accept, list) else [accept]
        named = {"accept_selector": accepts[0], "extra_accept": accepts[1:]}
    result = run(fx, tmp_path, flow, "accepted", preparer(flow), click=True,
                 submit_selector=submit, follow=follow, **named)
    assert_acceptance(fx, exp)
    assert_never(fx, exp)
    assert _flat(exp["last_clause_text"]) in _flat(pdf_text(result))
    for k, doc in enumerate(exp["linked_documents"], start=1):
        assert _flat(doc["last_clause_text"]) in _flat(pdf_text(result, f"follow-{k}-page.pdf"))
    assert_before_after_differ(result)
