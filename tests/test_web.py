"""The web interface end to end: a real `contractvault serve` process on 127.0.0.1 with a
real vault (sealed PDF, a secret contract, a real click-through capture), driven by a
real Chromium through Playwright and by plain HTTP."""

from __future__ import annotations

import json
import os
import re
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from support.web_server import (
    CLICKTHROUGH,
    PASSWORDS,
    REPO,
    SECRET_SUPPLIER,
    SECRET_TITLE,
    SECRET_WORD,
    Built,
    Server,
    build_vault,
    node_tools,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]
CHROMIUM = os.environ.get("CONTRACTVAULT_CHROMIUM", "/usr/bin/chromium")
# Screenshots for the README are written to docs/images when asked for, else tests/out.
SHOTS = REPO / ("docs/images" if os.environ.get("CONTRACTVAULT_SCREENSHOTS") else "tests/out")
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="module")
def site() -> Iterator[object]:
    """The supplier's click-through site, live for the whole module (recheck visits it)."""
    from capture.localserver import serve

    with serve(CLICKTHROUGH) as s:
        yield s


@pytest.fixture(scope="module")
def built(site, tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_vault(tmp_path_factory.mktemp("web") / "vault", site=site)


@pytest.fixture(scope="module")
def server(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = Server(built, tmp_path_factory.mktemp("log") / "serve.log")
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def browser(server: Server) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM)
        yield b
        b.close()


def sign_in(browser, server: Server, name: str, *, locale: str = "sv-SE", **ctx_opts):
    """A new browser context signed in as `name` (through the sign-in form)."""
    ctx = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900},
                              accept_downloads=True, **ctx_opts)
    page = ctx.new_page()
    page.goto(server.url("/login"))
    page.fill("#name", name)
    page.fill("#password", PASSWORDS[name])
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(server.url("/"))
    return page


def http(server: Server, name: str | None = None) -> httpx.Client:
    """A plain HTTP client, signed in as `name` when given."""
    client = httpx.Client(base_url=server.base, follow_redirects=False, timeout=60)
    if name is not None:
        r = client.get("/login")
        token = _CSRF.search(r.text).group(1)
        r = client.post("/login", data={"csrf_token": token, "name": name,
                                        "password": PASSWORDS[name], "next": "/"})
        assert r.status_code == 303, r.text
    return client


def csrf_of(client: httpx.Client, path: str = "/") -> str:
    return _CSRF.search(client.get(path).text).group(1)


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=False)


def tab_to(page, selector: str, limit: int = 40) -> None:
    """Press Tab until the element matching `selector` has the focus (keyboard only)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(sel) => document.activeElement && document.activeElement.matches(sel)",
                         selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def settle(page) -> None:
    """Wait until a document page shows its seal check's result (the check runs in the
    background and the page loads itself again when it is done)."""
    page.wait_for_selector("#verify-status[data-status=done]", timeout=120_000)


def assert_no_secret(text: str, built: Built, where: str) -> None:
    for needle in (SECRET_TITLE, SECRET_WORD, SECRET_SUPPLIER):
        assert needle.lower() not in text.lower(), f"{needle!r} leaks in {where}"
    for ref in (built.secret, built.secret_doc):
        assert not re.search(rf"\b{re.escape(ref)}\b", text), f"{ref} leaks in {where}"


# --- sign-in, search, documents ------------------------------------------------------------


def test_keyboard_only_sign_in_and_search_open_the_clause(browser, server: Server) -> None:
    ctx = browser.new_context(locale="sv-SE", viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    page.goto(server.url("/login"))
    tab_to(page, "#name")
    page.keyboard.type("olle.officer")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORDS["olle.officer"])
    page.keyboard.press("Enter")
    page.wait_for_url(server.url("/"))
    assert page.locator("h1").inner_text() == "Översikt"
    shot(page, "web-dashboard.png")
    tab_to(page, "#dash-q")
    page.keyboard.type("uppsägning kalenderår")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/search\?q=.*"))
    first_hit = page.locator("ol.hits li.hit").first
    assert "17.1" in first_hit.locator("h3").inner_text()
    assert first_hit.locator("mark").count() >= 1  # highlighted words
    assert "sida 13" in first_hit.inner_text()  # the page of the clause
    shot(page, "web-search.png")
    tab_to(page, "ol.hits li.hit h3 a")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/documents/D-\d+\?clause=17\.1.*"))
    settle(page)
    clause = page.locator("section.clause-view")
    assert "Klausul 17.1" in clause.locator("h2").inner_text()
    assert "sex (6) månader" in clause.inner_text()
    assert page.locator("iframe.pdf").get_attribute("src").endswith("#page=13")
    ctx.close()


def test_captured_document_shows_both_screenshots_the_record_and_the_seal(
        browser, server: Server, built: Built) -> None:
    page = sign_in(browser, server, "rut.reader")
    page.goto(server.url(f"/documents/{built.captured_doc}"))
    settle(page)
    for img in ("#shot-before", "#shot-after"):
        # waited for, not sampled once: on a loaded machine an image may still be on its way
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        try:
            page.wait_for_function(
                "s => { const i = document.querySelector(s);"
                " return i && i.complete && i.naturalWidth > 0; }", arg=img, timeout=30_000)
        except PlaywrightTimeout as exc:
            raise AssertionError(f"{img} did not load") from exc
    assert "Kontrollerat" in page.locator("#verify-status").inner_text()
    record = page.locator("section[aria-labelledby=h-accept]").inner_text()
    assert "Jag godkänner villkoren" in record and "anna.l" in record
    page.locator("#h-shots").scroll_into_view_if_needed()
    shot(page, "web-document.png")
    page.context.close()


def test_bundle_download_passes_its_verify_sh(browser, server: Server, built: Built,
                                               tmp_path: Path) -> None:
    page = sign_in(browser, server, "rut.reader")
    page.goto(server.url(f"/documents/{built.captured_doc}"))
    settle(page)
    with page.expect_download() as info:
        page.click(f"a[href='/documents/{built.captured_doc}/bundle']")
    target = tmp_path / "bevis.zip"
    info.value.save_as(target)
    with zipfile.ZipFile(target) as z:
        z.extractall(tmp_path / "bevis")
    folder = next((tmp_path / "bevis").rglob("verify.sh")).parent
    ok = subprocess.run(["sh", "verify.sh"], cwd=folder, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    names = {p.name.split("-", 1)[1] for p in (folder / "artifacts").iterdir()}
    assert {"accept-before.png", "accept-after.png", "page.pdf"} <= names
    page.context.close()


# --- editing ----------------------------------------------------------------------------------


def test_officer_edits_a_contract_and_the_change_is_logged(browser, server: Server,
                                                             built: Built) -> None:
    page = sign_in(browser, server, "olle.officer")
    page.goto(server.url(f"/contracts/{built.public}"))
    page.fill("#system", "Ekonomisystemet")
    page.fill("#owner", "Förvaltningschef Ekonomi")
    page.click("#save-contract")
    page.wait_for_url(re.compile(r".*done=saved"))
    assert "sparade och loggade" in page.locator("p.ok").inner_text()
    rows = page.locator("#changes tr").all_inner_texts()
    assert any("olle.officer" in r and "system" in r and "Ekonomisystemet" in r for r in rows)
    assert page.locator("#system").input_value() == "Ekonomisystemet"
    page.context.close()


def test_reader_cannot_edit_a_contract(browser, server: Server, built: Built) -> None:
    page = sign_in(browser, server, "rut.reader")
    page.goto(server.url(f"/contracts/{built.public}"))
    assert page.locator("#save-contract").count() == 0  # no form for a reader
    page.context.close()
    client = http(server, "rut.reader")
    token = csrf_of(client, f"/contracts/{built.public}")
    r = client.post(f"/contracts/{built.public}", data={"csrf_token": token,
                                                        "supplier": "Kapad AB"})
    assert r.status_code == 403
    assert "Kapad AB" not in client.get(f"/contracts/{built.public}").text
    r = client.post(f"/api/contracts/{built.public}", json={"supplier": "Kapad AB"},
                    headers={"X-CSRF-Token": token})
    assert r.status_code == 403 and r.json()["error"]["exit_code"] == 3


def test_officer_adds_a_document_that_is_sealed_and_found(browser, server: Server, built: Built,
                                                          tmp_path: Path) -> None:
    upload = tmp_path / "bilaga-3.txt"
    upload.write_text("Bilaga 3 Säkerhet\n\n1. Loggning\nLeverantören sparar "
                      "behörighetsloggar i zebrafinkformat i tolv månader.\n", encoding="utf-8")
    page = sign_in(browser, server, "olle.officer")
    page.goto(server.url(f"/contracts/{built.public}"))
    page.set_input_files("#file", str(upload))
    page.select_option("#doc_type", "bilaga")
    page.click("form[enctype='multipart/form-data'] button[type=submit]")
    page.wait_for_url(re.compile(r".*/documents/D-\d+\?done=added"))
    settle(page)
    assert "förseglat och indexerat" in page.locator("p.ok").inner_text()
    assert "Kontrollerat" in page.locator("#verify-status").inner_text()
    page.goto(server.url("/search?q=zebrafinkformat"))
    assert "bilaga-3" in page.locator("ol.hits").inner_text()
    page.context.close()


def test_officer_records_a_deficiency(browser, server: Server, built: Built) -> None:
    page = sign_in(browser, server, "olle.officer")
    page.goto(server.url(f"/contracts/{built.public}"))
    page.fill("#def-description", "Tillgängligheten var 97 % i mars, avtalat 99,5 %")
    page.fill("#def-clause", "8.2")
    page.check("input[name=sanction][value=vite]")
    page.click("#add-deficiency")
    page.wait_for_url(re.compile(r".*done=deficiency.*"))
    items = page.locator("#deficiency-list li").all_inner_texts()
    assert any("97 % i mars" in i and "8.2" in i for i in items)
    page.goto(server.url("/deficiencies"))
    assert "97 % i mars" in page.locator("main").inner_text()
    page.context.close()
    api = http(server, "rut.reader").get("/api/deficiencies").json()
    mine = [d for d in api["deficiencies"] if "97 % i mars" in d["description"]]
    assert mine and mine[0]["sanctions"] == ["vite"] and mine[0]["status"] == "open"
    assert mine[0]["history"][0]["by"] == "olle.officer"


# --- calendar feed ------------------------------------------------------------------------


def _feed_url(browser, server: Server, name: str) -> str:
    page = sign_in(browser, server, name)
    page.goto(server.url("/deadlines"))
    page.click("#new-feed")
    url = page.locator("#feed-url").input_value()
    page.context.close()
    return url


def test_subscribe_url_returns_a_valid_calendar_without_secret_contracts(
        browser, server: Server, built: Built) -> None:
    from icalendar import Calendar

    url = _feed_url(browser, server, "rut.reader")
    assert url.startswith(server.base + "/feed/") and url.endswith(".ics")
    r = httpx.get(url)  # no cookies: the token in the address is the key
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/calendar")
    cal = Calendar.from_ical(r.content)
    summaries = [str(e["SUMMARY"]) for e in cal.walk("VEVENT")]
    assert any(built.public in s for s in summaries)
    assert_no_secret(r.text, built, "the reader's calendar feed")
    # A new address replaces the old one.
    newer = _feed_url(browser, server, "rut.reader")
    assert httpx.get(url).status_code == 404 and httpx.get(newer).status_code == 200
    secret_feed = httpx.get(_feed_url(browser, server, "sara.secret")).text
    assert built.secret in secret_feed and SECRET_TITLE not in secret_feed


# --- secrecy ----------------------------------------------------------------------------------


def test_reader_never_sees_a_secret_contract_anywhere(server: Server, built: Built) -> None:
    client = http(server, "rut.reader")
    pages = ["/", f"/search?q={SECRET_WORD}", "/search?q=sekretess", "/contracts",
             "/contracts?supplier=Diskret", "/deadlines?within=365", "/deficiencies",
             "/authority", "/api/contracts", f"/api/search?q={SECRET_WORD}", "/api/due?within=365",
             "/api/deficiencies", "/api/report"]
    for path in pages:
        r = client.get(path)
        assert r.status_code == 200, (path, r.status_code)
        # The search form and the API echo the query itself: that is the reader's own word.
        text = r.text.replace(f'value="{SECRET_WORD}"', "").replace(f'"query":"{SECRET_WORD}"', "")
        assert_no_secret(text, built, path)
    assert client.get(f"/api/search?q={SECRET_WORD}").json()["total"] == 0
    assert "0 klausuler matchar" in client.get(f"/search?q={SECRET_WORD}").text
    # Direct addresses answer exactly as for something that does not exist.
    for path in (f"/contracts/{built.secret}", f"/documents/{built.secret_doc}",
                 f"/documents/{built.secret_doc}/file", f"/documents/{built.secret_doc}/download",
                 f"/documents/{built.secret_doc}/bundle", f"/api/contracts/{built.secret}",
                 f"/api/documents/{built.secret_doc}", f"/api/verify/{built.secret_doc}"):
        r = client.get(path)
        ghost = path.replace(built.secret, "C-9999").replace(built.secret_doc, "D-9999")
        g = client.get(ghost)
        assert r.status_code == g.status_code == 404, (path, r.status_code)
        same = r.text.replace(built.secret, "C-9999").replace(built.secret_doc, "D-9999")
        assert same == g.text, path
        assert_no_secret(same, built, path)
    # So do refused changes, for a reader and for an officer without secret access.
    for who in ("rut.reader", "olle.officer"):
        user = http(server, who)
        token = csrf_of(user)
        r = user.post(f"/contracts/{built.secret}/deficiencies",
                      data={"csrf_token": token, "description": "x"})
        g = user.post("/contracts/C-9999/deficiencies", data={"csrf_token": token,
                                                               "description": "x"})
        assert r.status_code == g.status_code and r.status_code in (403, 404), who
        same = r.text.replace(built.secret, "C-9999")
        assert same == g.text
        assert_no_secret(same, built, f"a POST by {who}")
    assert http(server, "olle.officer").get(f"/contracts/{built.secret}").status_code == 404


def test_secret_access_user_sees_it_and_every_view_is_sealed(server: Server, built: Built) -> None:
    from contractvault.access.audit import secret_access_log
    from contractvault.vault import Vault

    client = http(server, "sara.secret")
    hits = client.get(f"/api/search?q={SECRET_WORD}").json()
    assert hits["total"] >= 1 and hits["hits"][0]["contract_id"] == built.secret
    page = client.get(f"/contracts/{built.secret}")
    assert page.status_code == 200 and SECRET_TITLE in page.text
    assert client.get(f"/documents/{built.secret_doc}").status_code == 200
    assert client.get(f"/documents/{built.secret_doc}/download").status_code == 200
    with Vault.open(built.root) as vault:
        log = secret_access_log(vault, built.secret)
    mine = [e for e in log if e["who"] == "sara.secret"]
    assert {e["action"] for e in mine} >= {"search", "view", "download"}
    assert any(e["what"] == built.secret for e in mine)
    assert any(e["what"] == built.secret_doc for e in mine)
    # The access log is shown on the contract page, and the ledger still verifies.
    assert "Åtkomstlogg" in client.get(f"/contracts/{built.secret}").text
    with Vault.open(built.root) as vault:
        from contractvault.evidence.verify import verify

        assert verify(vault).ok


# --- security -----------------------------------------------------------------------------


def test_post_without_the_csrf_token_is_refused(server: Server, built: Built) -> None:
    client = http(server, "olle.officer")
    good = csrf_of(client)
    for data, headers in (({"supplier": "CSRF AB"}, {}),
                          ({"supplier": "CSRF AB", "csrf_token": "wrong"}, {}),
                          ({"supplier": "CSRF AB", "csrf_token": good},
                           {"Origin": "http://evil.example"})):
        r = client.post(f"/contracts/{built.public}", data=data, headers=headers)
        assert r.status_code == 403, (data, headers)
    r = client.post("/api/contracts/" + built.public, json={"supplier": "CSRF AB"})
    assert r.status_code == 403
    assert "CSRF AB" not in client.get(f"/contracts/{built.public}").text
    # The sign-in form too.
    anon = httpx.Client(base_url=server.base)
    anon.get("/login")
    r = anon.post("/login", data={"name": "olle.officer", "password": PASSWORDS["olle.officer"]})
    assert r.status_code == 403
    # With the token it works (the refusals above were about the token).
    r = client.post(f"/contracts/{built.public}", data={"csrf_token": good, "board": "KS"})
    assert r.status_code == 303


def test_session_id_changes_at_sign_in_and_the_old_one_is_worthless(server: Server) -> None:
    client = httpx.Client(base_url=server.base, follow_redirects=False)
    r = client.get("/login")
    before = client.cookies["cv_session"]
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/" in cookie
    token = _CSRF.search(r.text).group(1)
    r = client.post("/login", data={"csrf_token": token, "name": "rut.reader",
                                    "password": PASSWORDS["rut.reader"], "next": "/"})
    assert r.status_code == 303
    after = client.cookies["cv_session"]
    assert after != before
    assert client.get("/").status_code == 200
    # An attacker who planted or saw the pre-sign-in session gains nothing.
    attacker = httpx.Client(base_url=server.base, follow_redirects=False,
                            cookies={"cv_session": before})
    r = attacker.get("/")
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    assert attacker.get("/api/me").status_code == 401
    # Signing out ends the session on the server, not only in the browser.
    r = client.post("/logout", data={"csrf_token": csrf_of(client)})
    assert r.status_code == 303
    stale = httpx.Client(base_url=server.base, follow_redirects=False, cookies={"cv_session": after})
    assert stale.get("/").status_code == 303


def test_sign_in_is_throttled_after_repeated_failures(server: Server) -> None:
    client = httpx.Client(base_url=server.base, follow_redirects=False)
    token = _CSRF.search(client.get("/login").text).group(1)
    for n in range(5):
        r = client.post("/login", data={"csrf_token": token, "name": "tina.throttle",
                                        "password": f"fel-lösenord-{n}-xyzzy"})
        assert r.status_code == 401, n
    r = client.post("/login", data={"csrf_token": token, "name": "tina.throttle",
                                    "password": PASSWORDS["tina.throttle"]})
    assert r.status_code == 429, "the right password must not get through while throttled"
    assert int(r.headers["retry-after"]) > 0
    assert "För många misslyckade inloggningar" in r.text
    # Others are not locked out by it.
    assert http(server, "rut.reader").get("/").status_code == 200


def test_security_headers_and_no_inline_script(server: Server, built: Built) -> None:
    client = http(server, "olle.officer")
    for path in ("/", "/login", f"/contracts/{built.public}", f"/documents/{built.captured_doc}",
                 "/no/such/page"):
        r = client.get(path)
        csp = r.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
        assert "unsafe-inline" not in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        # Script only from files of this site (progressive enhancement), never inline.
        assert not re.search(r"<script(?![^>]*\bsrc=\"/static/)", r.text, re.I)
        assert not re.search(r"\son[a-z]+=", r.text)  # no inline event handlers
    pdf = client.get(f"/documents/{built.public_doc}/file")
    assert pdf.headers["content-type"] == "application/pdf"
    assert "frame-ancestors 'self'" in pdf.headers["content-security-policy"]
    # A stored HTML page is never served as a page of this site.
    html = client.get(f"/documents/{built.captured_doc}/artifacts/page.html")
    assert html.headers["content-disposition"].startswith("attachment")
    assert "sandbox" in html.headers["content-security-policy"]


def test_over_https_the_cookie_is_secure_and_hsts_is_sent(built: Built) -> None:
    # Behind the reverse proxy the request arrives as https (uvicorn takes the scheme from
    # X-Forwarded-Proto); the same application in-process, asked over https.
    from starlette.testclient import TestClient
    from support.web_server import PASSPHRASE

    from contractvault.web.app import create_app
    from contractvault.web.config import WebConfig

    app = create_app(WebConfig(vault_path=built.root, passphrase=PASSPHRASE, pool_size=1))
    with TestClient(app, base_url="https://avtal.kommun.example") as client:
        r = client.get("/login")
        cookie = r.headers["set-cookie"].lower()
        assert "secure" in cookie and "httponly" in cookie and "samesite=lax" in cookie
        assert r.headers["strict-transport-security"].startswith("max-age=")
    with TestClient(app, base_url="http://127.0.0.1") as client:
        assert "secure" not in client.get("/login").headers["set-cookie"].lower()


def test_swedish_by_default_english_by_the_browser_or_the_switch(server: Server) -> None:
    assert "Logga in" in httpx.get(server.url("/login")).text
    en = httpx.get(server.url("/login"), headers={"Accept-Language": "en-GB,en;q=0.9,sv;q=0.5"})
    assert "Sign in to ContractVault" in en.text and '<html lang="en">' in en.text
    client = httpx.Client(base_url=server.base, follow_redirects=False)
    r = client.get("/lang/en?next=/login")
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert "Sign in to ContractVault" in client.get("/login").text
    # The switch (a cookie) wins over the browser's language.
    assert "Sign in to ContractVault" in client.get("/login", headers={"Accept-Language": "sv"}).text


# --- jobs and the API -----------------------------------------------------------------------


def test_whole_vault_verify_runs_in_the_background_with_progress(browser, server: Server) -> None:
    page = sign_in(browser, server, "olle.officer")
    page.goto(server.url("/exports"))
    page.click("#verify-all")
    page.wait_for_url(re.compile(r".*/jobs/[\w-]+$"))
    page.wait_for_selector("#job-status[data-status=done]", timeout=120_000)
    assert "Alla bevis håller" in page.locator("#verify-result").inner_text()
    page.context.close()


def _run_job(page, button: str) -> None:
    page.click(button)
    page.wait_for_url(re.compile(r".*/jobs/[\w-]+$"))
    page.wait_for_selector("#job-status[data-status=done]", timeout=180_000)


def test_ciceron_export_is_a_download_without_secret_contracts(browser, server: Server,
                                                               built: Built, tmp_path: Path) -> None:
    page = sign_in(browser, server, "olle.officer")
    page.goto(server.url("/exports"))
    _run_job(page, "form[action='/exports/ciceron'] button")
    with page.expect_download() as info:
        page.click("#job-download")
    target = tmp_path / "ciceron.zip"
    info.value.save_as(target)
    with zipfile.ZipFile(target) as z:
        names = z.namelist()
        csv = next(z.read(n) for n in names if n.endswith(".csv")).decode("utf-8-sig")
        everything = b"".join(z.read(n) for n in names).decode("utf-8", errors="replace")
    assert built.public in csv and "SSBTEK" in csv
    assert_no_secret(everything, built, "the Ciceron export")
    assert httpx.get(server.url(page.url.removeprefix(server.base) + "/download")).status_code != 200
    page.context.close()


def test_recheck_in_the_background_finds_changed_terms(browser, server: Server, built: Built,
                                                       site) -> None:
    original = (CLICKTHROUGH / "index.html").read_text("utf-8")
    site.overrides["/"] = original.replace("tre (3) månader", "en (1) månad").encode("utf-8")
    site.overrides["/index.html"] = site.overrides["/"]
    try:
        page = sign_in(browser, server, "olle.officer")
        page.goto(server.url(f"/documents/{built.captured_doc}"))
        settle(page)
        _run_job(page, f"form[action='/documents/{built.captured_doc}/recheck'] button")
        text = page.locator("main").inner_text()
        assert "Den publicerade texten har ändrats" in text and "4.1" in text
        page.goto(server.url("/"))
        assert "ändrade villkor" in page.locator("main").inner_text()
        page.context.close()
    finally:
        site.overrides.clear()


def test_api_has_the_cli_shapes(server: Server, built: Built) -> None:
    from typer.testing import CliRunner

    from contractvault.cli import app

    client = httpx.Client(base_url=server.base, timeout=60)
    r = client.post("/api/login", json={"name": "olle.officer",
                                        "password": PASSWORDS["olle.officer"]})
    assert r.status_code == 200
    token = r.json()["csrf_token"]
    web = client.get("/api/search", params={"q": "uppsägning", "limit": 3}).json()
    cli = CliRunner().invoke(app, ["--vault", str(built.root), "search", "uppsägning",
                                   "--limit", "3", "--json"], env=built.env)
    assert cli.exit_code == 0, cli.stderr
    assert web == json.loads(cli.stdout)
    show = client.get(f"/api/contracts/{built.public}").json()
    assert show["kind"] == "contract" and show["contract_id"] == built.public
    due = client.get("/api/due", params={"within": 90}).json()
    assert set(due) == {"on", "items"}
    assert all({"contract_id", "title", "kind", "date", "detail"} <= set(i) for i in due["items"])
    r = client.post("/api/authority/check", headers={"X-CSRF-Token": token},
                    json={"signer": "anna.l", "board": "KS", "doc_type": "pub-avtal",
                          "scope": "kommungemensam"})
    assert set(r.json()) >= {"allowed", "chain", "reasons", "register_sha256"}
    assert client.get("/api/contracts/C-9999").json()["error"]["exit_code"] == 5


# --- accessibility ------------------------------------------------------------------------


def test_every_page_has_no_serious_accessibility_violations(browser, server: Server,
                                                             built: Built) -> None:
    axe = (node_tools() / "axe-core" / "axe.min.js").read_text("utf-8")
    # Injecting axe is the test's script, not the site's: the site's CSP would stop it.
    ctx = browser.new_context(locale="sv-SE", bypass_csp=True)
    page = ctx.new_page()

    def check(path: str) -> None:
        page.goto(server.url(path))
        page.add_script_tag(content=axe)
        result = page.evaluate("""async () => {
            const r = await axe.run(document, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}});
            return r.violations.map(v => ({id: v.id, impact: v.impact,
                nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}));
        }""")
        bad = [v for v in result if v["impact"] in ("serious", "critical")]
        assert not bad, f"{path}: {bad}"

    # The pages' own script (a running job's page loads itself again when the job ends) is
    # held back, so that axe runs on a page that stays; the finished pages are checked too.
    page.route("**/static/job.js", lambda r: r.abort())
    check("/login")
    page.fill("#name", "ada.admin")
    page.fill("#password", PASSWORDS["ada.admin"])
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(server.url("/"))
    for path in ("/", "/search", "/search?q=uppsägning", "/contracts",
                 f"/contracts/{built.public}", f"/contracts/{built.captured}",
                 f"/documents/{built.public_doc}?clause=17.1&page=13",
                 f"/documents/{built.captured_doc}", "/deadlines", "/deficiencies", "/authority",
                 "/authority/decisions?board=KS&from=2020-01-01&to=2030-12-31", "/exports",
                 "/jobs", "/users", "/no/such/page"):
        check(path)
        if path.startswith("/documents/"):
            for _ in range(100):
                if page.locator("#verify-status[data-status=done]").count():
                    break
                page.wait_for_timeout(300)
                page.goto(server.url(path))
            check(path)
    # A job's page, while it runs and when it is done.
    page.goto(server.url("/exports"))
    page.click("#verify-all")
    page.wait_for_url(re.compile(r".*/jobs/[\w-]+$"))
    job = page.url.removeprefix(server.base)
    check(job)
    page.unroute("**/static/job.js")
    page.goto(server.url(job))
    page.wait_for_selector("#job-status[data-status=done]", timeout=120_000)
    check(job)
    ctx.close()


# --- last: what the server wrote down -------------------------------------------------------


def test_passwords_and_feed_tokens_never_reach_the_logs(server: Server, built: Built) -> None:
    # Runs after the tests above signed everyone in (and failed some sign-ins).
    client = http(server, "ada.admin")
    client.post("/login", data={"csrf_token": csrf_of(client), "name": "ada.admin",
                                "password": "ett-felaktigt-lösenord-qq"})
    text = server.log.read_text("utf-8", errors="replace")
    assert "GET /login" in text  # the access log is there ...
    for secret in [*PASSWORDS.values(), "ett-felaktigt-lösenord-qq", "fel-lösenord-0-xyzzy"]:
        assert secret not in text, "a password is in the server's log"
    assert "/feed/[token]" in text and not re.search(r"/feed/(?!\[token\])[\w-]{20,}", text)
    # ... and the database holds argon2id hashes, never the passwords themselves.
    raw = b"".join(p.read_bytes() for p in built.root.glob("metadata.sqlite*"))
    for secret in PASSWORDS.values():
        assert secret.encode() not in raw
    assert b"$argon2id$" in raw


# --- versions in search -----------------------------------------------------------------


def test_search_page_marks_hits_in_superseded_documents(tmp_path: Path) -> None:
    """An officer searching the web sees that a hit's document has been replaced, by
    which version, and which is the current one (in Swedish and in English)."""
    import sys

    from support.web_server import base_env

    # built in a process of its own: the browser tests leave an event loop running here
    root = tmp_path / "vault"
    made = subprocess.run([sys.executable, "-c", "import sys; from pathlib import Path; "
                           "from support.web_server import build_vault; "
                           "print(build_vault(Path(sys.argv[1]), capture=False).public)", str(root)],
                          env={**base_env(root), "PYTHONPATH": str(REPO / "tests")}, check=True,
                          capture_output=True, text=True, timeout=300)
    built = Built(root=root, env=base_env(root), public=made.stdout.split()[-1])

    def cli(*args: str) -> dict:
        # the real command line, in its own process (no event loop of the browser tests)
        done = subprocess.run([sys.executable, "-m", "contractvault", *args, "--json"],
                              env=built.env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    files = []
    for months in (3, 6, 9):
        f = tmp_path / f"uppsagning-{months}.txt"
        f.write_text(f"1. Uppsägning\n1.1 Avtalet sägs upp senast {months} månader före "
                     "avtalstidens slut.\n", encoding="utf-8")
        files.append(f)
    v1 = cli("add", str(files[0]), "--contract", built.public, "--doc-type", "huvudavtal")["document_ids"][0]
    v2 = cli("supersede", v1, str(files[1]), "--reason", "ny version")["document_ids"][0]
    v3 = cli("supersede", v2, str(files[2]), "--reason", "ny version")["document_ids"][0]
    server = Server(built, tmp_path / "serve.log")
    try:
        client = http(server, "olle.officer")
        page = client.get("/search", params={"q": '"senast 3 månader"'}).text
        assert (f'ersatt av <a href="/documents/{v2}">{v2}</a>; gällande version '
                f'<a href="/documents/{v3}">{v3}</a>') in page
        page = client.get("/search", params={"q": '"senast 9 månader"'}).text
        assert v3 in page and "ersatt av" not in page
        client.get("/lang/en")
        page = client.get("/search", params={"q": '"senast 6 månader"'}).text
        assert f'superseded by <a href="/documents/{v3}">{v3}</a>' in page
        assert "current version" not in page  # the successor is the current version
    finally:
        server.stop()
