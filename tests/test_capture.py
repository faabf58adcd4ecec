"""Capture of click-through agreements with a real Chromium against pages on 127.0.0.1."""

from __future__ import annotations

import base64
import datetime as dt
import email
import hashlib
import html
import io
import ipaddress
import json
import re
import shutil
import socket
import ssl
import struct
import subprocess
import threading
import time
import urllib.error
import urllib.request
from email import policy
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from playwright.sync_api import sync_playwright
from pypdf import PdfReader
from support.capture_site import SITE_DIR, serve
from support.images import png_pixels

from capture import (
    AcceptControlNotFound,
    AmbiguousAcceptControl,
    BrowserUnavailable,
    CaptureRequest,
    CaptureResult,
    LinkNotFound,
    NavigationFailed,
    NoAgreementText,
    SubmitNeeded,
    UnsupportedURL,
    find_browser,
    run_capture,
)
from capture import runner as capture_runner
from capture.browser import resolve_browser

CAPTURE_ID = "CAP-2025-0042"


# -- helpers ----------------------------------------------------------------------------
def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def pdf_pages(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(str(path)).pages]


STAMP_LINE = re.compile(r"^(ContractVault capture .*|.*· page \d+ / \d+)$")


def pdf_body_text(pages: list[str]) -> str:
    """PDF text without the header/footer stamp lines."""
    lines = [ln for page in pages for ln in page.splitlines() if not STAMP_LINE.match(ln.strip())]
    return "\n".join(lines)


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def mhtml_text(path: Path) -> str:
    """Visible-ish text of the HTML part of an MHTML file (decoded, tags stripped)."""
    msg = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    for part in msg.walk():
        if part.get_content_type() == "text/html":
            # Blink declares the charset in a <meta> it adds (always UTF-8), not the header.
            doc = part.get_payload(decode=True).decode("utf-8")
            doc = re.sub(r"(?is)<(style|script|title)\b.*?</\1>", " ", doc)
            return html.unescape(re.sub(r"<[^>]+>", " ", doc))
    raise AssertionError("no text/html part in the MHTML")


def is_subsequence(needle: list[str], haystack: list[str]) -> bool:
    it = iter(haystack)
    return all(word in it for word in needle)


def artifact(result: CaptureResult, name: str) -> Path:
    found = [a for a in result.artifacts if a.name == name]
    assert len(found) == 1, f"{name} not among {[a.name for a in result.artifacts]}"
    assert found[0].path.is_file() and found[0].path.stat().st_size > 0
    return found[0].path


def har_entries(result: CaptureResult) -> list[tuple[str, str, int]]:
    log = json.loads(artifact(result, "network.har").read_text(encoding="utf-8"))
    return [
        (e["request"]["method"], e["request"]["url"], e["response"]["status"])
        for e in log["log"]["entries"]
    ]


def capture(site, tmp_path: Path, page: str, **kwargs) -> CaptureResult:
    out = tmp_path / "out"
    out.mkdir(parents=True)
    return run_capture(
        CaptureRequest(url=site.url(page), out_dir=out, capture_id=CAPTURE_ID, **kwargs)
    )


def assert_stamped(pages: list[str], url: str) -> None:
    for n, text in enumerate(pages, start=1):
        assert f"ContractVault capture {CAPTURE_ID}" in text, f"no capture id on page {n}"
        assert url in text, f"no URL on page {n}"
        assert re.search(r"captured \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", text), n
        assert f"page {n} / {len(pages)}" in text


# -- fixtures ---------------------------------------------------------------------------
@pytest.fixture()
def site():
    with serve(SITE_DIR) as s:
        yield s


@pytest.fixture(scope="module")
def accepted(tmp_path_factory):
    """terms.html reached through a redirect, ticked, submitted, DPA and sub-processors followed."""
    with serve(SITE_DIR) as s:
        s.redirects["/villkor"] = "/terms.html"
        out = tmp_path_factory.mktemp("accepted")
        result = run_capture(
            CaptureRequest(
                url=s.url("villkor"),
                out_dir=out,
                capture_id=CAPTURE_ID,
                click=True,
                submit_selector="#fortsatt",
                follow=["Personuppgiftsbiträdesavtal (DPA)", "underbiträden"],
            )
        )
        yield s, result


@pytest.fixture()
def tls_site(tmp_path):
    """An https server with a fresh self-signed certificate for 127.0.0.1."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "ContractVault Test"),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    pem = tmp_path / "cert.pem"
    pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_pem = tmp_path / "key.pem"
    key_pem.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(pem, key_pem)
    with serve(SITE_DIR, ssl_context=context) as s:
        yield s, cert


# -- no browser needed ------------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://127.0.0.1/terms.txt",
        "javascript:alert(1)",
        "data:text/html,<p>I accept</p>",
        "about:blank",
        "chrome://settings",
        "http://",
        "127.0.0.1/terms.html",
    ],
)
def test_non_http_url_is_refused_before_anything_runs(tmp_path, url):
    with pytest.raises(UnsupportedURL, match="only http"):
        run_capture(CaptureRequest(url=url, out_dir=tmp_path, capture_id=CAPTURE_ID))
    assert list(tmp_path.iterdir()) == []  # no browser, no HAR


def test_local_server_records_posts_overrides_and_redirects():
    with serve(SITE_DIR) as s:
        with urllib.request.urlopen(s.url("terms.html")) as r:
            first = r.read()
            assert r.headers["Content-Type"] == "text/html; charset=utf-8"
        assert "Jag godkänner villkoren".encode() in first
        s.overrides["/terms.html"] = b"<p>Nya villkor</p>"
        with urllib.request.urlopen(s.url("terms.html")) as r:
            assert r.read() == b"<p>Nya villkor</p>"
        assert s.loads["/terms.html"] == 2
        req = urllib.request.Request(s.url("accept.html"), data=b"godkann=ja", method="POST")
        with urllib.request.urlopen(req) as r:
            assert "Villkoren är godkända".encode() in r.read()
        assert s.posts == [("/accept.html", b"godkann=ja")]
        s.redirects["/old"] = "/dpa.html"
        with urllib.request.urlopen(s.url("old")) as r:
            assert r.url.endswith("/dpa.html")
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(s.url("missing.html"))
        assert err.value.code == 404


# -- browser ----------------------------------------------------------------------------
@pytest.mark.browser
def test_long_agreement_pdf_matches_page_and_every_page_is_stamped(site, tmp_path):
    result = capture(site, tmp_path, "long.html")
    main = result.pages[0]
    url = site.url("long.html")

    pages = pdf_pages(artifact(result, "page.pdf"))
    assert len(pages) >= 3, "the long agreement should print on several pages"
    assert_stamped(pages, url)
    # The PDF says exactly what the page showed: same words in the same order.
    assert words(pdf_body_text(pages)) == words(main.text)
    assert "18.2 Denna punkt ska läsas" in main.text
    assert len(form_page_numbers(pages)) == 1  # the accept form is on one printed page

    assert main.accept is not None
    assert main.accept.selector == "#terms"
    assert main.accept.kind == "checkbox"
    assert main.accept.label == "Jag har läst och godkänner användarvillkoren"
    assert main.accept.auto_detected and not main.accept.clicked
    assert main.accept.checked_before is False and main.accept.checked_after is None
    assert main.accept.box["width"] > 0 and main.accept.box["y"] > 1000  # at the end

    # Full-page screenshot: taller than the viewport; the accept box crop is small.
    width, height = png_size(artifact(result, "page.png"))
    assert width == 1280 and height > 2000
    bw, bh, _ = png_pixels(artifact(result, "accept-before.png"))
    assert bw < 600 and bh < 120
    assert artifact(result, "page.txt").read_text(encoding="utf-8") == main.text
    assert "Användarvillkor för Exempeltjänsten" in artifact(result, "page.html").read_text(
        encoding="utf-8"
    )
    assert is_subsequence(words(main.text), words(mhtml_text(artifact(result, "page.mhtml"))))
    assert ("GET", url, 200) in har_entries(result)
    # Nothing was clicked: no after state, and the server saw no acceptance.
    assert not [a for a in result.artifacts if a.name == "accept-after.png"]
    assert main.submission is None and main.text_after is None
    assert site.posts == []
    assert main.status == 200 and main.server_ip == "127.0.0.1"
    assert main.server_port == int(url.split(":")[2].split("/")[0])
    assert main.language == "sv" and main.title == "Användarvillkor – Exempeltjänsten"
    assert main.tls is None


def form_page_numbers(pages: list[str]) -> set[int]:
    """PDF pages on which parts of long.html's accept form appear."""
    parts = ("Genom att kryssa i rutan", "Jag har läst och godkänner", "Fortsätt")
    return {i for i, text in enumerate(pages) for part in parts if part in text}


@pytest.mark.browser
@pytest.mark.slow
def test_accept_form_is_not_split_across_pdf_pages(site, tmp_path):
    # Self-calibrating: find a spacer above the form that makes a plain print (same stamps,
    # margins and heading rule, but no keep-together rule) split the form; then capture that
    # page and check the form stays on one page.
    src = (SITE_DIR / "long.html").read_text(encoding="utf-8")
    url = site.url("split.html")
    header, footer = capture_runner.stamp_templates(CAPTURE_ID, url, dt.datetime.now(dt.UTC))
    split_page = None
    executable = find_browser()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=executable, args=list(capture_runner.LAUNCH_ARGS)
        )
        page = browser.new_page()
        for spacer in range(0, 1300, 100):  # the form is > 100 px tall in print
            variant = src.replace(
                '<form class="accept"', f'<div style="height:{spacer}px"></div><form class="accept"'
            )
            page.set_content(variant)
            page.add_style_tag(content=capture_runner.PRINT_CSS % "#no-such-element")
            pdf = page.pdf(
                display_header_footer=True,
                header_template=header,
                footer_template=footer,
                **capture_runner.PDF_OPTIONS,
            )
            plain = [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]
            if len(form_page_numbers(plain)) > 1:
                split_page = variant
                break
        browser.close()
    assert split_page is not None, "no spacer splits the form in a plain print: retune"

    site.overrides["/split.html"] = split_page.encode("utf-8")
    result = capture(site, tmp_path, "split.html")
    pages = pdf_pages(artifact(result, "page.pdf"))
    assert len(form_page_numbers(pages)) == 1
    assert words(pdf_body_text(pages)) == words(result.pages[0].text)


@pytest.mark.browser
def test_click_and_submit_posts_the_form_and_records_the_answer(accepted):
    s, result = accepted
    main = result.pages[0]
    assert s.posts_to("/accept.html") == [b"godkann=ja"]
    assert main.submission is not None
    assert main.submission["method"] == "POST"
    assert main.submission["url"] == s.url("accept.html")
    assert main.submission["status"] == 200
    assert main.accept is not None and main.accept.clicked
    assert main.accept.checked_before is False and main.accept.checked_after is True
    assert main.accept.label == "Jag godkänner villkoren"
    # The after screenshot shows the ticked box: same crop, different pixels.
    before = png_pixels(artifact(result, "accept-before.png"))
    after = png_pixels(artifact(result, "accept-after.png"))
    assert before[:2] == after[:2] and before[2] != after[2]
    assert main.text_after is not None and "Villkoren är godkända" in main.text_after
    artifact(result, "accept-result.png")
    # Evidence is of the agreement as offered, before the click.
    assert "Tack!" not in main.text
    pdf = pdf_body_text(pdf_pages(artifact(result, "page.pdf")))
    assert words(pdf) == words(main.text)
    # Reached through a redirect: the chain is recorded.
    assert main.requested_url == s.url("villkor")
    assert main.final_url == s.url("terms.html")
    assert main.redirects == [{"url": s.url("villkor"), "status": 302}]
    methods = [(m, u) for m, u, _ in har_entries(result)]
    assert ("GET", s.url("terms.html")) in methods
    assert ("POST", s.url("accept.html")) in methods


@pytest.mark.browser
def test_without_click_the_server_receives_no_acceptance(site, tmp_path):
    result = capture(site, tmp_path, "terms.html", submit_selector="#fortsatt")
    assert site.posts == []
    assert ("POST", "/accept.html") not in site.requests
    main = result.pages[0]
    assert main.accept is not None and not main.accept.clicked
    assert main.accept.checked_before is False
    assert main.submission is None
    assert {a.name for a in result.artifacts} == {
        "page.pdf",
        "page.png",
        "page.mhtml",
        "page.html",
        "page.txt",
        "agreement.txt",  # the main content, as indexed
        "accept-before.png",
        "network.har",
    }


@pytest.mark.browser
def test_ticking_without_submit_is_refused_before_the_box_is_ticked(site, tmp_path):
    # A ticked box alone is not a submission: the page's own "Fortsätt" sends it.
    with pytest.raises(SubmitNeeded, match="--submit '#fortsatt'"):
        capture(site, tmp_path, "terms.html", click=True)
    assert site.posts == []


@pytest.mark.browser
def test_linked_dpa_and_subprocessor_pages_are_followed(accepted):
    s, result = accepted
    assert [p.role for p in result.pages] == ["main", "followed", "followed"]
    dpa, subs = result.pages[1], result.pages[2]
    assert dpa.follow_spec == "Personuppgiftsbiträdesavtal (DPA)"
    assert dpa.final_url == s.url("dpa.html") and dpa.status == 200
    assert subs.follow_spec == "underbiträden" and subs.final_url == s.url("subprocessors.html")
    for k, page in ((1, dpa), (2, subs)):
        names = {a.name for a in page.artifacts}
        assert names == {f"follow-{k}-page.{ext}" for ext in ("pdf", "png", "mhtml", "html", "txt")} | {
            f"follow-{k}-agreement.txt"
        }
        assert {a.page_index for a in page.artifacts} == {k}
        assert page.accept is None and page.submission is None
        pages = pdf_pages(artifact(result, f"follow-{k}-page.pdf"))
        assert_stamped(pages, page.final_url)
        assert words(pdf_body_text(pages)) == words(page.text)
    assert "behandlar personuppgifter endast enligt" in dpa.text
    assert "Nordisk Drift AB" in subs.text
    assert "Personuppgiftsbiträdesavtal (DPA)" in mhtml_text(
        artifact(result, "follow-1-page.mhtml")
    )
    urls = [u for _, u, _ in har_entries(result)]
    assert s.url("dpa.html") in urls and s.url("subprocessors.html") in urls


@pytest.mark.browser
def test_follow_by_css_selector_and_unknown_link_refused(site, tmp_path):
    result = capture(site, tmp_path, "terms.html", follow=['a[href="subprocessors.html"]'])
    assert result.pages[1].final_url == site.url("subprocessors.html")
    with pytest.raises(LinkNotFound, match="Prislista"):
        capture(site, tmp_path / "again", "terms.html", follow=["Prislista"])


@pytest.mark.browser
def test_page_whose_text_changes_after_acceptance(site, tmp_path):
    result = capture(site, tmp_path, "dynamic.html", click=True)
    main = result.pages[0]
    assert main.accept is not None
    assert (main.accept.kind, main.accept.label, main.accept.selector) == (
        "button",
        "I agree",
        "#agree",
    )
    assert "Status: not yet accepted." in main.text
    assert main.text_after is not None
    assert (
        "Accepted. Thank you, the terms are now in force (server answered 200)." in main.text_after
    )
    assert "not yet accepted" not in main.text_after
    assert main.submission is not None
    assert (main.submission["method"], main.submission["url"], main.submission["status"]) == (
        "POST",
        site.url("api/accept"),
        200,
    )
    assert site.posts_to("/api/accept") == [b"accepted=1"]
    # The PDF is the state before the click.
    pdf = pdf_body_text(pdf_pages(artifact(result, "page.pdf")))
    assert "not yet accepted" in pdf and "Thank you" not in pdf
    before = png_pixels(artifact(result, "accept-before.png"))
    after = png_pixels(artifact(result, "accept-after.png"))
    assert before != after


@pytest.mark.browser
def test_swedish_text_survives_in_pdf_text_and_mhtml(accepted):
    _, result = accepted
    main = result.pages[0]
    pdf = pdf_body_text(pdf_pages(artifact(result, "page.pdf")))
    for phrase in (
        "Tjänstevillkor för Molnkontor",
        "Överföring till tredje land kräver",
        "Uppsägning ska ske skriftligen senast sex månader före kalenderårets slut",
        "grov vårdslöshet",
        "Jag godkänner villkoren",
        "Fortsätt",
    ):
        assert phrase in main.text
        assert phrase in re.sub(r"\s+", " ", pdf), phrase
    assert main.language == "sv"
    assert "Överföring till tredje land" in re.sub(
        r"\s+", " ", mhtml_text(artifact(result, "page.mhtml"))
    )
    assert "kalenderårets" in artifact(result, "page.txt").read_text(encoding="utf-8")


@pytest.mark.browser
def test_hidden_native_checkbox_is_ticked_through_its_label(site, tmp_path):
    result = capture(site, tmp_path, "hidden-box.html", click=True)
    accept = result.pages[0].accept
    assert accept is not None
    assert (accept.selector, accept.label) == ("#tos", "I accept the Terms of Service")
    assert accept.clicked and accept.checked_before is False and accept.checked_after is True
    before = png_pixels(artifact(result, "accept-before.png"))
    after = png_pixels(artifact(result, "accept-after.png"))
    assert before[2] != after[2]


@pytest.mark.browser
def test_two_matching_checkboxes_are_refused_until_one_is_named(site, tmp_path):
    with pytest.raises(AmbiguousAcceptControl) as err:
        capture(site, tmp_path, "ambiguous.html")
    labels = [c["label"] for c in err.value.candidates]
    assert labels == ["Jag godkänner huvudavtalet", "Jag godkänner personuppgiftsbiträdesavtalet"]
    assert "--accept" in str(err.value)
    result = capture(site, tmp_path / "named", "ambiguous.html", accept_selector="input[name=b]")
    accept = result.pages[0].accept
    assert accept is not None and not accept.auto_detected
    assert accept.label == "Jag godkänner personuppgiftsbiträdesavtalet"


@pytest.mark.browser
def test_accept_selector_matching_several_elements_is_refused(site, tmp_path):
    with pytest.raises(AmbiguousAcceptControl, match="matches 2 elements"):
        capture(site, tmp_path, "ambiguous.html", accept_selector="input[type=checkbox]")


@pytest.mark.browser
def test_page_without_accept_control_is_refused_and_cookie_buttons_ignored(site, tmp_path):
    with pytest.raises(AcceptControlNotFound, match="--accept"):
        capture(site, tmp_path, "noaccept.html")
    with pytest.raises(AcceptControlNotFound, match="#nothing"):
        capture(site, tmp_path / "sel", "terms.html", accept_selector="#nothing")


@pytest.mark.browser
def test_empty_page_is_refused(site, tmp_path):
    with pytest.raises(NoAgreementText, match="characters of text"):
        capture(site, tmp_path, "empty.html", timeout_ms=4000)


@pytest.mark.browser
def test_captcha_page_is_refused(site, tmp_path):
    with pytest.raises(NoAgreementText, match="bot wall or captcha"):
        capture(site, tmp_path, "captcha.html")


@pytest.mark.browser
def test_http_error_and_unreachable_host_fail_navigation(site, tmp_path):
    with pytest.raises(NavigationFailed, match="HTTP 404"):
        capture(site, tmp_path, "missing.html")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    out = tmp_path / "refused"
    out.mkdir()
    with pytest.raises(NavigationFailed, match="could not open"):
        run_capture(
            CaptureRequest(url=f"http://127.0.0.1:{port}/", out_dir=out, capture_id=CAPTURE_ID)
        )


def test_missing_browser_is_reported(tmp_path):
    with pytest.raises(BrowserUnavailable, match="/nonexistent/chromium"):
        run_capture(
            CaptureRequest(
                url="http://127.0.0.1:9/",
                out_dir=tmp_path,
                capture_id=CAPTURE_ID,
                chromium_path="/nonexistent/chromium",
            )
        )


@pytest.mark.browser
def test_result_is_json_able_with_file_names_and_utc_times(accepted):
    _, result = accepted
    data = json.loads(json.dumps(result.to_dict()))
    assert data["capture_id"] == CAPTURE_ID
    assert data["started_at"].endswith("Z") and data["finished_at"].endswith("Z")
    assert result.finished_at >= result.started_at
    assert data["browser"]["name"] == "chromium" and data["browser"]["version"]
    assert "HeadlessChrome" in data["browser"]["user_agent"]
    assert data["browser"]["viewport"] == {"width": 1280, "height": 900}
    names = [a["name"] for p in data["pages"] for a in p["artifacts"]]
    assert all("/" not in a["path"] for p in data["pages"] for a in p["artifacts"])
    assert len(names) == len(set(names))
    assert {"launch", "navigate", "pdf", "png", "mhtml", "total"} <= set(data["timings"])


@pytest.mark.browser
def test_untrusted_tls_certificate_is_refused(tls_site, tmp_path):
    site, _ = tls_site
    with pytest.raises(NavigationFailed, match="ERR_CERT_AUTHORITY_INVALID.*not trusted"):
        capture(site, tmp_path, "terms.html")


@pytest.mark.browser
def test_tls_details_and_certificate_chain_are_kept(tls_site, tmp_path, monkeypatch):
    site, cert = tls_site
    # Trust exactly this test certificate (by its public key), nothing else.
    spki = cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    pin = base64.b64encode(hashlib.sha256(spki).digest()).decode()
    monkeypatch.setattr(
        capture_runner,
        "LAUNCH_ARGS",
        (*capture_runner.LAUNCH_ARGS, f"--ignore-certificate-errors-spki-list={pin}"),
    )
    result = capture(site, tmp_path, "terms.html", follow=["DPA"])
    main = result.pages[0]
    assert main.final_url.startswith("https://127.0.0.1:")
    assert main.tls is not None
    assert main.tls["protocol"].startswith("TLS")
    assert main.tls["cipher"] and main.tls["subject"] == "127.0.0.1"
    assert main.tls["valid_to"].endswith("Z")
    assert main.tls["certificate_files"] == ["cert-0.der"]
    assert artifact(result, "cert-0.der").read_bytes() == cert.public_bytes(
        serialization.Encoding.DER
    )
    assert result.pages[1].tls is not None
    assert result.pages[1].tls["certificate_files"] == ["follow-1-cert-0.der"]
    media = {a.name: a.media_type for a in result.artifacts}
    assert media["cert-0.der"] == "application/pkix-cert"


@pytest.mark.browser
def test_saved_session_is_used_but_its_cookie_is_not_archived(site, tmp_path):
    state = tmp_path / "state.json"
    cookie = {"name": "session", "value": "s3cr3t-value", "domain": "127.0.0.1", "path": "/"}
    cookie |= {"expires": -1, "httpOnly": True, "secure": False, "sameSite": "Lax"}
    state.write_text(json.dumps({"cookies": [cookie], "origins": []}), encoding="utf-8")
    result = capture(site, tmp_path, "terms.html", storage_state=state)
    har_text = artifact(result, "network.har").read_text(encoding="utf-8")
    assert "s3cr3t-value" not in har_text
    first = json.loads(har_text)["log"]["entries"][0]["request"]
    sent = {h["name"].lower(): h["value"] for h in first["headers"]}
    # The cookie was sent; its name is kept and its value replaced by the value's SHA-256.
    assert sent["cookie"] == "sha256:" + hashlib.sha256(b"session=s3cr3t-value").hexdigest()


def test_har_scrub_redacts_login_bodies_but_keeps_the_acceptance(tmp_path):
    login = dt.datetime(2025, 3, 1, 10, 0, 0, tzinfo=dt.UTC)

    def entry(when: str, body: str) -> dict:
        return {
            "startedDateTime": when,
            "request": {
                "method": "POST",
                "url": "https://example.test/x",
                "headers": [{"name": "Authorization", "value": "Bearer abc"}],
                "cookies": [{"name": "sid", "value": "abc"}],
                "postData": {"mimeType": "application/x-www-form-urlencoded", "text": body},
            },
            "response": {"status": 200, "headers": [{"name": "Set-Cookie", "value": "sid=abc"}]},
        }

    har = tmp_path / "network.har"
    entries = [
        entry("2025-03-01T09:59:00.000Z", "user=anna&password=hemligt"),
        entry("2025-03-01T10:01:00.000Z", "godkann=ja"),
    ]
    har.write_text(json.dumps({"log": {"entries": entries}}), encoding="utf-8")
    capture_runner.scrub_har(har, login)
    text = har.read_text(encoding="utf-8")
    assert "hemligt" not in text and "abc" not in text
    kept = json.loads(text)["log"]["entries"]
    assert kept[1]["request"]["postData"]["text"] == "godkann=ja"
    assert kept[0]["response"]["status"] == 200


@pytest.fixture()
def display(monkeypatch):
    """A virtual X display for the visible browser of an interactive capture."""
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        pytest.skip(
            "Xvfb is not installed (apt-get install xvfb): interactive mode needs a display"
        )
    proc = subprocess.Popen(
        [xvfb, "-displayfd", "1", "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert proc.stdout is not None
    number = proc.stdout.readline().decode().strip()
    monkeypatch.setenv("DISPLAY", f":{number}")
    yield
    proc.terminate()
    proc.wait(timeout=10)


@pytest.mark.browser
@pytest.mark.slow
def test_interactive_capture_waits_for_the_user(site, tmp_path, display, monkeypatch):
    # A "user" drives the visible browser through a second CDP connection while run_capture
    # is paused in `wait`: they open the agreement after "logging in", then tick and submit.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setattr(
        capture_runner,
        "LAUNCH_ARGS",
        (*capture_runner.LAUNCH_ARGS, f"--remote-debugging-port={port}"),
    )

    def as_user(action) -> None:
        def work() -> None:
            with sync_playwright() as pw:
                browser = pw.chromium.connect_over_cdp(f"http://127.0.0.1:{port}")
                action(browser.contexts[0].pages[-1])

        thread = threading.Thread(target=work)
        thread.start()
        thread.join(timeout=60)

    def open_agreement(page) -> None:
        page.goto(site.url("terms.html"))

    def tick_and_submit(page) -> None:
        page.locator("input[name=godkann]").click()
        page.locator("#fortsatt").click()
        page.wait_for_load_state()

    prompts: list[str] = []

    def wait(prompt: str) -> None:
        prompts.append(prompt)
        as_user(open_agreement if len(prompts) == 1 else tick_and_submit)

    out = tmp_path / "out"
    out.mkdir()
    result = run_capture(
        CaptureRequest(
            url=site.url("noaccept.html"), out_dir=out, capture_id=CAPTURE_ID, interactive=True
        ),
        wait=wait,
    )
    assert prompts == [capture_runner.WAIT_LOGIN, capture_runner.WAIT_ACCEPT]
    main = result.pages[0]
    assert result.browser["headless"] is False
    assert main.requested_url == site.url("noaccept.html")
    assert main.final_url == site.url("terms.html")
    assert main.response_headers["content-length"] == str((SITE_DIR / "terms.html").stat().st_size)
    assert "Jag godkänner villkoren" in main.text
    assert main.accept is not None and not main.accept.clicked  # the user clicked, not us
    assert site.posts == [("/accept.html", b"godkann=ja")]
    assert main.submission is not None
    assert (main.submission["method"], main.submission["status"]) == ("POST", 200)
    assert main.text_after is not None and "Villkoren är godkända" in main.text_after
    assert words(pdf_body_text(pdf_pages(artifact(result, "page.pdf")))) == words(main.text)


def test_browser_lookup_order(tmp_path, monkeypatch):
    fake = tmp_path / "my-chromium"
    fake.write_text("#!/bin/sh\n", encoding="utf-8")
    fake.chmod(0o755)
    not_exec = tmp_path / "not-executable"
    not_exec.write_text("", encoding="utf-8")
    # An explicit path wins, and must exist.
    assert resolve_browser(str(fake), str(fake)) == str(fake)
    with pytest.raises(BrowserUnavailable, match="not an executable"):
        resolve_browser(str(not_exec), None)
    # Playwright's own browser (None = use it) comes before the environment variable.
    monkeypatch.setenv("CONTRACTVAULT_CHROMIUM", str(fake))
    assert resolve_browser(None, str(fake)) is None
    assert resolve_browser(None, str(tmp_path / "missing")) == str(fake)
    monkeypatch.setenv("CONTRACTVAULT_CHROMIUM", str(not_exec))
    with pytest.raises(BrowserUnavailable, match="CONTRACTVAULT_CHROMIUM"):
        resolve_browser(None, None)
    monkeypatch.delenv("CONTRACTVAULT_CHROMIUM")
    found = find_browser()
    assert found is None or Path(found).is_file()


DEMO_SITE = Path(__file__).resolve().parent.parent / "contractvault" / "data" / "demo-site"


@pytest.mark.browser
def test_shipped_demo_site_is_a_complete_click_through_flow(tmp_path):
    with serve(DEMO_SITE) as demo:
        out = tmp_path / "out"
        out.mkdir()
        result = run_capture(
            CaptureRequest(
                url=demo.url("/"),
                out_dir=out,
                capture_id=CAPTURE_ID,
                click=True,
                submit_selector="#fortsatt",
                follow=["PUB-avtal", "Lista över underbiträden"],
            )
        )
        assert demo.posts == [("/godkant.html", b"villkor=godkant")]
    main, dpa, subs = result.pages
    assert main.title == "Molntjänstavtal – Exempel AB"
    assert main.accept is not None
    assert (main.accept.selector, main.accept.label) == ("#villkor", "Jag godkänner villkoren")
    for clause in (
        "3.3 Uppsägning ska ske skriftligen",
        "7. Underbiträden",
        "8. Överföring till tredje land",
        "10. Ansvarsbegränsning",
    ):
        assert clause in main.text
    assert dpa.final_url.endswith("/pub-avtal.html") and "artikel 28" in dpa.text
    assert subs.final_url.endswith("/underbitraden.html") and "USA" in subs.text
    assert main.text_after is not None and "Avtalet är godkänt" in main.text_after
    assert len(pdf_pages(artifact(result, "page.pdf"))) >= 3


# -- printing in the capture's browser ---------------------------------------------------------
@pytest.mark.browser
def test_printing_after_the_capture_reaches_nothing_runs_no_script_and_records_nothing(site, tmp_path):
    """The caller's page printed in the capture's context (capture --report) comes after the
    HAR is written, reaches neither the network nor the captured site (whose page kept
    polling it), runs no script, and is not recorded as one of the capture's windows."""
    seen: dict = {}
    dot = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8"
           "z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
    html = (f"<!doctype html><html><head><meta charset='utf-8'><link rel='stylesheet' "
            f"href='{site.url('print.css')}'></head><body><h1>Rapport</h1>"
            f"<img src='{dot}' width='40' height='40'><img src='{site.url('leak.png')}'>"
            f"<p id='js'>no script</p><script>document.getElementById('js').textContent = "
            f"'script ran'</script></body></html>")

    def while_open(result: CaptureResult, printer: capture_runner.HtmlPrinter) -> None:
        # The HAR is complete before anything is printed (the report seals its hash).
        seen["har"] = json.loads(artifact(result, "network.har").read_text(encoding="utf-8"))
        printer.open()
        # A ping sent before the capture ended may still arrive: wait until none has come
        # for 0.2 s (at most 10 s, however loaded the machine) before counting.
        count, quiet_since, deadline = len(site.requests), time.monotonic(), time.monotonic() + 10
        while time.monotonic() - quiet_since < 0.2 and time.monotonic() < deadline:
            time.sleep(0.05)
            if len(site.requests) != count:
                count, quiet_since = len(site.requests), time.monotonic()
        seen["requests"] = len(site.requests)
        time.sleep(0.3)  # the captured page, were it still open and online, pinged 6 times
        seen["pdf"] = printer.pdf(html)
        seen["after"] = list(site.requests[seen["requests"]:])

    out = tmp_path / "out"
    out.mkdir()
    result = run_capture(CaptureRequest(url=site.url("polling.html"), out_dir=out,
                                        capture_id=CAPTURE_ID, page_only=True),
                         while_open=while_open)
    assert seen["after"] == []
    assert not any(p in path for _, path in site.requests for p in ("leak.png", "print.css"))
    urls = [e["request"]["url"] for e in seen["har"]["log"]["entries"]]
    assert urls[0] == site.url("polling.html") and any("ping.txt" in u for u in urls)
    assert har_entries(result) == [(e["request"]["method"], e["request"]["url"],
                                    e["response"]["status"]) for e in seen["har"]["log"]["entries"]]
    assert result.popups == []
    report = tmp_path / "printed.pdf"
    report.write_bytes(seen["pdf"])
    text = subprocess.run(["pdftotext", str(report), "-"], check=True, capture_output=True,
                          text=True).stdout
    assert "Rapport" in text and "no script" in text and "script ran" not in text
    images = subprocess.run(["pdfimages", "-list", str(report)], check=True, capture_output=True,
                            text=True).stdout.splitlines()[2:]
    # The data: image is printed (the site's shows as a broken image: it was never fetched).
    assert any(row.split()[2:5] == ["image", "1", "1"] for row in images)
