"""OpenID Connect sign-in against a real OpenID provider (node's oidc-provider) started by
the test, with a real `contractvault serve` and a real Chromium: the role comes from a
claim, local accounts keep working, and forged or role-less sign-ins are refused."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import time
from collections.abc import Iterator

import httpx
import pytest
from support.web_server import (
    PASSWORDS,
    SECRET_TITLE,
    Built,
    Server,
    build_vault,
    free_port,
    node_tools,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]
CHROMIUM = os.environ.get("CONTRACTVAULT_CHROMIUM", "/usr/bin/chromium")
ACCOUNTS = {
    "kalle.oidc": {"contractvault_role": ["cv-handlaggare"], "name": "Kalle Karlsson"},
    "maja.oidc": {"contractvault_role": ["cv-lasare", "cv-sekretess"]},
    "nils.oidc": {"contractvault_role": ["nagot-annat"]},
}
ROLE_MAP = "cv-lasare=reader,cv-handlaggare=officer,cv-admin=admin,cv-sekretess=secret-access"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_vault(tmp_path_factory.mktemp("oidc") / "vault", capture=False)


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    modules = node_tools()
    port, cv_port = free_port(), free_port()
    conf = {"issuer": f"http://127.0.0.1:{port}", "client_id": "contractvault",
            "client_secret": secrets.token_urlsafe(24), "cv_port": str(cv_port)}
    log = (tmp_path_factory.mktemp("idp") / "idp.log").open("wb")
    env = {**os.environ, "OIDC_PORT": str(port), "OIDC_CLIENT_ID": conf["client_id"],
           "OIDC_CLIENT_SECRET": conf["client_secret"],
           "OIDC_REDIRECT_URI": f"http://127.0.0.1:{cv_port}/auth/callback",
           "OIDC_ACCOUNTS": json.dumps(ACCOUNTS), "NODE_PATH": str(modules)}
    proc = subprocess.Popen(["node", str(modules.parent / "oidc_provider.mjs")], env=env,
                            stdout=log, stderr=subprocess.STDOUT, cwd=modules.parent)
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(conf["issuer"] + "/.well-known/openid-configuration").status_code == 200:
                break
        except httpx.HTTPError:
            pass
        assert proc.poll() is None and time.monotonic() < deadline, "the provider did not start"
        time.sleep(0.2)
    yield conf
    proc.terminate()
    proc.wait(timeout=10)
    log.close()


@pytest.fixture(scope="module")
def server(built: Built, provider: dict[str, str],
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = Server(built, tmp_path_factory.mktemp("log") / "serve.log", port=int(provider["cv_port"]),
                 extra_env={"CONTRACTVAULT_OIDC_ISSUER": provider["issuer"],
                            "CONTRACTVAULT_OIDC_CLIENT_ID": provider["client_id"],
                            "CONTRACTVAULT_OIDC_CLIENT_SECRET": provider["client_secret"],
                            "CONTRACTVAULT_OIDC_SCOPES": "openid profile contractvault",
                            "CONTRACTVAULT_OIDC_ROLE_MAP": ROLE_MAP,
                            "CONTRACTVAULT_OIDC_LABEL": "Kommunens inloggning"})
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def browser(server: Server) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM)
        yield b
        b.close()


def oidc_sign_in(browser, server: Server, login: str):
    """Sign in through the identity provider's own pages, as a person would."""
    ctx = browser.new_context(locale="sv-SE")
    page = ctx.new_page()
    page.goto(server.url("/login"))
    before = next(c["value"] for c in ctx.cookies() if c["name"] == "cv_session")
    page.click("text=Logga in med Kommunens inloggning")
    page.wait_for_selector("input[name=login]")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", "vilket-som-helst")
    page.click("button[type=submit]")
    for _ in range(3):  # the provider's consent page, then back to ContractVault
        page.wait_for_load_state()
        if page.url.startswith(server.base):
            break
        page.click("button[type=submit]")
    page.wait_for_url(re.compile(re.escape(server.base) + r".*"))
    return page, before


def test_sign_in_through_the_identity_provider_maps_the_claim_to_the_role(
        browser, server: Server, built: Built) -> None:
    from contractvault.access.users import get_user
    from contractvault.vault import Vault

    page, before = oidc_sign_in(browser, server, "kalle.oidc")
    assert page.url == server.url("/")
    assert "kalle.oidc (handläggare)" in page.locator(".who").inner_text()
    after = next(c["value"] for c in page.context.cookies() if c["name"] == "cv_session")
    assert after != before  # a new session at sign-in here too
    page.goto(server.url(f"/contracts/{built.public}"))
    assert page.locator("#save-contract").count() == 1  # an officer may edit
    page.goto(server.url(f"/contracts/{built.secret}"))
    assert SECRET_TITLE not in page.content()
    page.context.close()
    with Vault.open(built.root) as vault:
        user = get_user(vault, "kalle.oidc")
    assert user.oidc and not user.local and user.role == "officer" and not user.secret_access


def test_secret_access_from_the_claim(browser, server: Server, built: Built) -> None:
    page, _ = oidc_sign_in(browser, server, "maja.oidc")
    assert "maja.oidc (läsare, sekretessbehörighet)" in page.locator(".who").inner_text()
    page.goto(server.url(f"/contracts/{built.secret}"))
    assert SECRET_TITLE in page.locator("h1").inner_text()
    assert page.locator("#save-contract").count() == 0  # a reader still
    page.context.close()


def test_an_account_without_a_role_is_refused(browser, server: Server) -> None:
    page, _ = oidc_sign_in(browser, server, "nils.oidc")
    assert "no ContractVault role" in page.locator("p.error").inner_text()
    page.goto(server.url("/"))
    assert page.url.startswith(server.url("/login"))  # not signed in
    page.context.close()


def test_forged_callbacks_are_refused_and_local_accounts_still_work(server: Server) -> None:
    client = httpx.Client(base_url=server.base, follow_redirects=False)
    client.get("/login")
    r = client.get("/auth/callback", params={"code": "stolen", "state": "guessed"})
    assert r.status_code == 403 and "could not be completed" in r.text
    assert client.get("/").status_code == 303  # still not signed in
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)


    r = client.post("/login", data={"csrf_token": token, "name": "rut.reader",
                                    "password": PASSWORDS["rut.reader"]})
    assert r.status_code == 303 and client.get("/").status_code == 200
