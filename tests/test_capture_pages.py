"""Capture on pages built like real sign-up flows: cookie overlays, consent platforms, scroll
boxes, cross-origin frames, open shadow DOM, published pages. Real Chromium, 127.0.0.1 and
127.0.0.2 (a second origin)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from capture import (
    AcceptControlNotFound,
    CaptureRequest,
    ControlCovered,
    InvalidRequest,
    SubmitNeeded,
    UnsupportedURL,
    run_capture,
    validate_url,
)
from capture.localserver import serve

PAGES = Path(__file__).parent / "fixtures" / "features"


@pytest.fixture(scope="module")
def sites():
    with serve(PAGES) as one, serve(PAGES, host="127.0.0.2") as two:
        yield one, two


@pytest.fixture()
def site(sites):
    one, two = sites
    with one.lock:
        one.posts.clear()
        one.requests.clear()
    return one


def run(site, tmp_path: Path, page: str, **kwargs):
    out = tmp_path / "out"
    out.mkdir(parents=True)
    return run_capture(CaptureRequest(url=site.url(page), out_dir=out, capture_id="T", **kwargs))


def pdf_text(result) -> str:
    path = next(a.path for a in result.artifacts if a.name == "page.pdf")
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(str(path)).pages)


def art(result, name: str) -> Path:
    return next(a.path for a in result.artifacts if a.name == name)


@pytest.mark.browser
def test_cookie_overlay_is_rejected_and_the_named_button_accepted(site, tmp_path):
    result = run(site, tmp_path, "cookie-overlay.html", click=True)
    # The cookie choice was "only necessary", then the agreement's own button was clicked.
    assert site.posts == [("/cookie-choice", b"necessary"), ("/signup", b"accept=villkor-2025")]
    main = result.pages[0]
    assert main.accept is not None
    assert (main.accept.selector, main.accept.label) == ("#cont", "Fortsätt")
    assert main.accept.named_by and "Genom att klicka på Fortsätt" in main.accept.named_by[0]
    [step] = main.consent
    assert step["action"] == "reject" and step["clicked"] == "Endast nödvändiga"
    assert step["dismissed"] and art(result, step["screenshot"]).stat().st_size > 0
    # The banner and the page furniture are not the agreement.
    assert "Vi använder kakor" in step["text"]
    assert main.agreement_text is not None
    for furniture in ("Vi använder kakor", "Produkter", "Logga in", "© Exempel AB"):
        assert furniture not in main.agreement_text
    assert "Klausul 9 text" in main.agreement_text


@pytest.mark.browser
def test_consent_accept_chooses_accept_all(site, tmp_path):
    run(site, tmp_path, "cookie-overlay.html", click=True, consent="accept")
    assert site.posts[0] == ("/cookie-choice", b"all")
    assert site.posts[1][0] == "/signup"


@pytest.mark.browser
def test_overlay_left_in_place_is_named_at_once(site, tmp_path):
    t0 = time.monotonic()
    with pytest.raises(ControlCovered) as err:
        run(site, tmp_path, "cookie-overlay.html", click=True, consent="leave")
    assert time.monotonic() - t0 < 25  # not Playwright's 30 s click timeout
    assert "cc-overlay" in str(err.value) and "Vi använder kakor" in str(err.value)
    assert "cookie/consent dialog" in str(err.value)
    assert err.value.covered_by["consent"] is True
    assert site.posts == []  # nothing accepted, no cookie choice made


@pytest.mark.browser
def test_onetrust_banner_reject_all_and_the_dpa_button(site, tmp_path):
    result = run(site, tmp_path, "onetrust.html", click=True)
    assert site.posts == [("/cookie-choice", b"reject"), ("/dpa", b"dpa=agreed")]
    main = result.pages[0]
    assert main.consent[0]["platform"] == "OneTrust"
    assert main.terms_version == {"statement": "Last updated: 12 March 2025",
                                  "date": "12 March 2025", "version": None}
    assert main.agreement_text is not None and "Accept All Cookies" not in main.agreement_text


@pytest.mark.browser
def test_scroll_box_terms_reach_pdf_and_png_in_full(site, tmp_path):
    result = run(site, tmp_path, "scrollbox.html", click=True, submit_selector="#go")
    main = result.pages[0]
    assert site.posts == [("/accept", b"tos=accepted")]
    assert "Section 9.9 This is the last clause of the agreement." in pdf_text(result)
    assert [b["selector"] for b in main.scroll_boxes] == ["#tos"]
    assert main.scroll_boxes[0]["scrollHeight"] > 3 * main.scroll_boxes[0]["clientHeight"]
    assert main.accept is not None and main.accept.scroll_box is not None
    assert main.accept.scroll_box["selector"] == "#tos"
    assert main.accept.scroll_box["scrolledTo"] < 0.5  # nobody scrolled it before the click
    # The live page was put back: the box is a box again after printing.
    assert main.accept.submit_hint and main.accept.submit_hint["selector"] == "#go"


@pytest.mark.browser
def test_tick_without_submit_is_refused_naming_the_button(site, tmp_path):
    with pytest.raises(SubmitNeeded, match="#go") as err:
        run(site, tmp_path, "scrollbox.html", click=True)
    assert err.value.submit_hint["label"] == "Accept and continue"
    assert site.posts == []


@pytest.mark.browser
def test_cross_origin_frame_is_in_text_dom_and_pdf(sites, site, tmp_path):
    _, two = sites
    page = "iframe.html?frame=" + two.url("frame-terms.html")
    result = run(site, tmp_path, page, click=True, submit_selector="#next")
    main = result.pages[0]
    assert site.posts == [("/api/accept", b"osa=1")]
    assert main.accept is not None and main.accept.kind == "checkbox"
    assert main.accept.checked_before is False and main.accept.checked_after is True
    last = "Clause 9.9 Final clause inside the frame."
    assert last in main.text and last in (main.agreement_text or "")
    assert last in pdf_text(result)
    [frame] = main.frames
    assert frame["cross_origin"] and frame["url"].startswith("http://127.0.0.2:")
    assert last in art(result, frame["artifact"]).read_text(encoding="utf-8")
    assert main.accept.terms_visible is True


@pytest.mark.browser
def test_open_shadow_dom_text_dom_and_control(site, tmp_path):
    result = run(site, tmp_path, "shadow.html", click=True, submit_selector="#create")
    main = result.pages[0]
    assert site.posts == [("/shadow-accept", b"ok=true")]
    assert "Term 9.9 The last term in the shadow root." in main.text
    assert "Term 9.9" in pdf_text(result)
    assert main.shadow_roots == 1
    assert 'shadowrootmode="open"' in art(result, "page.html").read_text(encoding="utf-8")
    assert main.accept is not None and main.accept.label.startswith("I have read and agree")


@pytest.mark.browser
def test_published_page_is_captured_with_nothing_to_click(site, tmp_path):
    with pytest.raises(AcceptControlNotFound, match="--page-only"):
        run(site, tmp_path / "a", "published.html")
    result = run(site, tmp_path / "b", "published.html", page_only=True)
    main = result.pages[0]
    assert main.accept is None and site.posts == []
    assert "Support Desk Ltd\tIreland" in (main.agreement_text or "")
    assert main.terms_version and main.terms_version["date"] == "2025-02-01"


def test_page_only_with_click_and_credentials_in_url_are_refused(tmp_path):
    with pytest.raises(InvalidRequest, match="page-only"):
        run_capture(CaptureRequest(url="http://127.0.0.1:9/", out_dir=tmp_path, capture_id="T",
                                   page_only=True, click=True))
    with pytest.raises(UnsupportedURL, match="password"):
        validate_url("https://anna:hemligt@supplier.example/terms")
    with pytest.raises(InvalidRequest, match="consent"):
        run_capture(CaptureRequest(url="http://127.0.0.1:9/", out_dir=tmp_path, capture_id="T",
                                   consent="maybe"))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.browser
def test_dialogs_popups_and_a_tall_page_are_recorded(site, tmp_path):
    result = run(site, tmp_path, "dialogs.html", click=True)
    # The alert on load was dismissed; the confirm raised by the acceptance was accepted.
    assert [(d["type"], d["action"]) for d in result.dialogs] == [
        ("alert", "dismissed"), ("confirm", "accepted")]
    assert result.dialogs[1]["message"] == "Do you accept the Service Terms?"
    assert site.posts == [("/confirm-accept", b"yes")]
    assert [p["url"].rsplit("/", 1)[-1] for p in result.popups] == ["published.html"]
    shot = result.pages[0].screenshot
    assert shot is not None and shot["tiles"] == 2 and not shot["capped"]
    assert {a.name for a in result.artifacts} >= {"page.png", "page-2.png"}
